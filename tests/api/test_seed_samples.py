"""The JSON samples of the seed documentation pages, served as they are, through the client."""

from __future__ import annotations

from collections.abc import AsyncIterator
import json
from pathlib import Path

import aiohttp
from aiohttp import web
import pytest

from tests.api.clients import (
    DoorState,
    LockState,
    LockSync,
    TedeeBadResponseError,
    TedeeClient,
)

SEEDS = Path(__file__).parent.parent / "fixtures" / "seeds"


@pytest.fixture
def seen() -> list[tuple[str, str]]:
    """Return the requests the sample server answered (method, path), in order."""
    return []


@pytest.fixture
async def serve(
    socket_enabled: None, seen: list[tuple[str, str]]
) -> AsyncIterator[tuple[TedeeClient, dict[str, str]]]:
    """Serve whatever body is set for a path; give a client of that server."""
    bodies: dict[str, str] = {}

    async def answer(request: web.Request) -> web.Response:
        seen.append((request.method, request.path))
        status = 204 if request.method == "POST" else 200
        body = bodies[request.path]
        return web.Response(status=status, text=None if status == 204 else body)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    async with aiohttp.ClientSession() as session:
        yield TedeeClient(session, "seed-key", base_url=f"http://127.0.0.1:{port}"), bodies
    await runner.cleanup()


def _sample(name: str) -> str:
    return (SEEDS / name).read_text()


async def test_bulk_sync_sample_connected(serve: tuple[TedeeClient, dict[str, str]]) -> None:
    """Seed 001, lock connected to its bridge: locked, door closed, 54 %."""
    client, bodies = serve
    bodies["/api/v37/my/lock/sync"] = _sample("bulk_sync_connected.json")
    [sync] = await client.sync_locks()
    assert sync.id == 123
    assert sync.is_connected
    assert sync.status is not None
    assert sync.status.state is LockState.LOCKED
    assert sync.status.door_state is DoorState.CLOSED
    assert sync.status.battery_level == 54
    assert not sync.status.is_charging
    assert not sync.status.is_jammed
    assert sync.status.last_state_changed is not None
    assert sync.status.last_state_changed.year == 2021


async def test_bulk_sync_sample_disconnected(serve: tuple[TedeeClient, dict[str, str]]) -> None:
    """Seed 001, lock disconnected from its bridge: `lockProperties: null` is no state."""
    client, bodies = serve
    bodies["/api/v37/my/lock/sync"] = _sample("bulk_sync_disconnected.json")
    [sync] = await client.sync_locks()
    assert not sync.is_connected
    assert sync.status is None


async def test_tutorial_sample_without_door_state(
    serve: tuple[TedeeClient, dict[str, str]],
) -> None:
    """Seed 003: no doorState at all, semi-locked and charging locks."""
    client, bodies = serve
    bodies["/api/v37/my/lock/sync"] = _sample("tutorial_sync_without_door_state.json")
    first, second = await client.sync_locks()
    assert first.status is not None
    assert first.status.state is LockState.SEMI_LOCKED
    assert first.status.door_state is None
    assert second.status is not None
    assert second.status.state is LockState.UNLOCKED
    assert second.status.is_charging
    assert second.status.battery_level == 80


@pytest.mark.parametrize("name", ["single_sync_connected.txt", "single_sync_disconnected.txt"])
async def test_single_sync_samples_as_printed_are_a_bad_response(
    serve: tuple[TedeeClient, dict[str, str]], name: str
) -> None:
    """Seed 002 prints JSON with a missing comma: a typed error, never a crash."""
    client, bodies = serve
    bodies["/api/v37/my/lock/sync"] = _sample(name)
    with pytest.raises(TedeeBadResponseError):
        await client.sync_locks([123])


@pytest.mark.parametrize(
    ("name", "state"),
    [("single_sync_connected.txt", LockState.LOCKED), ("single_sync_disconnected.txt", None)],
)
async def test_single_sync_samples_with_the_comma_parse(name: str, state: LockState | None) -> None:
    """Seed 002's objects, once the missing comma is there, parse like the bulk ones."""
    fixed = _sample(name).replace('}\n    "success"', '},\n    "success"')
    sync = LockSync.from_json(json.loads(fixed)["result"])
    assert isinstance(sync, LockSync)
    assert (sync.status.state if sync.status else None) is state


async def test_gate_sync_sample(
    serve: tuple[TedeeClient, dict[str, str]], seen: list[tuple[str, str]]
) -> None:
    """Seed 000: gate sync answers 204 (the envelope shown cannot travel in a 204)."""
    client, bodies = serve
    bodies["/api/v37/my/gate/sync"] = _sample("gate_sync.json")
    assert await client.sync_gates() is None  # type: ignore[func-returns-value]
    assert seen == [("POST", "/api/v37/my/gate/sync")]
