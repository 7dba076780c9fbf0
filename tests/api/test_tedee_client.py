"""Tests of the Tedee API client against the cloud simulator over loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
import socket
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from simulator import SimulatorServer, World, load_scenario
from tests.api.clients import (
    DoorState,
    GateStatus,
    LockState,
    OperationFailure,
    TedeeApiVersionError,
    TedeeAuthError,
    TedeeBadResponseError,
    TedeeClient,
    TedeeConnectionError,
    TedeeOperationError,
    TedeeRateLimitError,
    TokenType,
    UnlockMode,
)
from tests.api.reading import all_gates, all_locks, finished_operation, lock_sync
from tests.api.servers import serve_catch_all
from tests.clock import FakeClock

KEY = "demo-tedee-personal-key"
BEARER = "demo-tedee-bearer-token"
PRO, GO, OFFLINE, CHARGING = 1001, 1002, 1003, 1004
CONNECTED_GATE, UNLINKED_GATE, DISCONNECTED_GATE = 501, 502, 503


@dataclass
class Cloud:
    """A running simulator, its clock and a client for the demo account."""

    world: World
    clock: FakeClock
    url: str
    session: aiohttp.ClientSession
    client: TedeeClient

    async def control(self, method: str, path: str, payload: Any = None) -> Any:
        """Call the simulator's control API."""
        async with self.session.request(
            method, f"{self.url}/_control/{path}", json=payload
        ) as response:
            assert response.status < 400, await response.text()
            return await response.json(content_type=None)

    def client_with(self, token: str = KEY, **kwargs: Any) -> TedeeClient:
        """Return another client of the same simulator."""
        kwargs.setdefault("base_url", self.url)
        return TedeeClient(self.session, token, **kwargs)


@pytest.fixture
async def cloud(socket_enabled: None) -> AsyncIterator[Cloud]:
    """Run the simulator with a fake clock and give a client of the demo account."""
    clock = FakeClock()
    world = World(load_scenario("home"), clock=clock, utcnow=clock.utcnow, seed=3)
    async with (
        SimulatorServer(world, host="127.0.0.1", port=0) as server,
        aiohttp.ClientSession() as session,
    ):
        client = TedeeClient(session, KEY, base_url=server.url)
        yield Cloud(world, clock, server.url, session, client)


async def test_user_identifies_the_account(cloud: Cloud) -> None:
    """get_user returns the account owning the token."""
    user = await cloud.client.get_user()
    assert user.id == 4242
    assert user.email == "demo@example.com"


async def test_bearer_token(cloud: Cloud) -> None:
    """A Bearer token is sent with its scheme."""
    client = cloud.client_with(BEARER, token_type=TokenType.BEARER)
    assert (await client.get_user()).id == 4242


async def test_locks_all_pages_and_fields(cloud: Cloud) -> None:
    """Every lock arrives across pages, with settings, state and firmware."""
    locks = {lock.id: lock for lock in await all_locks(cloud.client, 1)}
    assert set(locks) == {PRO, GO, OFFLINE, CHARGING}
    pro = locks[PRO]
    assert pro.status is not None
    assert pro.settings.pull_spring_enabled
    assert pro.bridge_id is not None
    assert pro.software_version
    assert pro.model in {"Lock PRO", "Lock GO"}
    assert locks[OFFLINE].status is None
    go = locks[GO]
    assert go.status is not None
    assert go.status.door_state is None
    single = await cloud.client.get_lock(PRO)
    assert single == pro


async def test_bridges(cloud: Cloud) -> None:
    """Bridges are listed."""
    bridges = await cloud.client.get_bridges()
    assert [bridge.id for bridge in bridges] == [9001]


async def test_bulk_sync_and_the_20_s_rule(cloud: Cloud) -> None:
    """Bulk sync (all or by id) parses; a second sync within 20 s gets 429."""
    syncs = await cloud.client.sync_locks()
    assert {s.id for s in syncs} == {PRO, GO, OFFLINE, CHARGING}
    with pytest.raises(TedeeRateLimitError) as err:
        await cloud.client.sync_locks([PRO])
    assert err.value.retry_after is not None
    assert 0 < err.value.retry_after <= 20
    cloud.clock.advance(20)
    only = await cloud.client.sync_locks([PRO, GO])
    assert {s.id for s in only} == {PRO, GO}
    cloud.clock.advance(20)
    one = await lock_sync(cloud.client, CHARGING)
    assert one.status is not None
    assert one.status.is_charging


async def test_legacy_lock_properties_parse(cloud: Cloud) -> None:
    """Sync answers that still use lockProperties parse the same."""
    await cloud.control("POST", "tedee/config", {"legacy_lock_properties": True})
    sync = await lock_sync(cloud.client, PRO)
    assert sync.status is not None
    assert sync.status.state is LockState.LOCKED


async def test_lock_operation_lifecycle(cloud: Cloud) -> None:
    """Unlock returns an operation that completes; the lock then reports unlocked."""
    operation_id = await cloud.client.unlock(PRO, UnlockMode.WITHOUT_PULL)
    pending = await cloud.client.get_operation(operation_id)
    assert not pending.completed
    cloud.clock.advance(5)
    done = await finished_operation(cloud.client, operation_id)
    assert done.completed
    assert done.result == 0
    sync = await lock_sync(cloud.client, PRO)
    assert sync.status is not None
    assert sync.status.state is LockState.UNLOCKED


async def test_lock_and_pull(cloud: Cloud) -> None:
    """Lock and pull both start operations."""
    await cloud.client.unlock(PRO, UnlockMode.WITHOUT_PULL)
    cloud.clock.advance(5)
    lock_op = await cloud.client.lock(PRO)
    cloud.clock.advance(5)
    assert (await cloud.client.get_operation(lock_op)).completed
    await cloud.client.unlock(PRO, UnlockMode.WITHOUT_PULL)
    cloud.clock.advance(5)
    pull_op = await cloud.client.pull(PRO)
    cloud.clock.advance(10)
    assert (await cloud.client.get_operation(pull_op)).completed


async def test_jammed_operation_raises(cloud: Cloud) -> None:
    """A jam ends the operation with result 1: TedeeOperationError(JAMMED)."""
    await cloud.control("PATCH", f"tedee/locks/{PRO}", {"jam_next_operation": True})
    operation_id = await cloud.client.unlock(PRO)
    cloud.clock.advance(5)
    with pytest.raises(TedeeOperationError) as err:
        await finished_operation(cloud.client, operation_id)
    assert err.value.reason is OperationFailure.JAMMED


async def test_disconnected_lock_operation_fails(cloud: Cloud) -> None:
    """An operation on a lock off its bridge fails with a result > 1."""
    operation_id = await cloud.client.lock(OFFLINE)
    cloud.clock.advance(5)
    with pytest.raises(TedeeOperationError) as err:
        await finished_operation(cloud.client, operation_id)
    assert err.value.reason is OperationFailure.FAILED


async def test_refused_and_unknown_lock_operations(cloud: Cloud) -> None:
    """Pull without pull spring is refused (400); an unknown lock is not found (404)."""
    await cloud.control("PATCH", f"tedee/locks/{GO}", {"pullSpringEnabled": False})
    with pytest.raises(TedeeOperationError) as err:
        await cloud.client.pull(GO)
    assert err.value.reason is OperationFailure.REFUSED
    with pytest.raises(TedeeOperationError) as err:
        await cloud.client.lock(999999)
    assert err.value.reason is OperationFailure.NOT_FOUND


async def test_gates_statuses_and_sync(cloud: Cloud) -> None:
    """Gates list with connected / unlinked / disconnected; gate sync applies BleBox changes."""
    gates = {gate.id: gate for gate in await all_gates(cloud.client, 2)}
    assert gates[CONNECTED_GATE].status is GateStatus.CONNECTED
    assert gates[UNLINKED_GATE].status is GateStatus.UNLINKED
    assert gates[DISCONNECTED_GATE].status is GateStatus.DISCONNECTED
    await cloud.control("PATCH", f"tedee/gates/{UNLINKED_GATE}", {"isPresentInExternal": True})
    gates = {gate.id: gate for gate in await all_gates(cloud.client)}
    assert gates[UNLINKED_GATE].status is GateStatus.UNLINKED
    await cloud.client.sync_gates()
    gates = {gate.id: gate for gate in await all_gates(cloud.client)}
    assert gates[UNLINKED_GATE].status is not GateStatus.UNLINKED


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"accessLevel": 0, "immediate": True}, OperationFailure.NO_ACCESS),
        ({"timeout_next_open": True}, OperationFailure.GATE_TIMEOUT),
        ({"isConnected": False, "immediate": True}, OperationFailure.GATE_DISCONNECTED),
    ],
)
async def test_gate_open_errors(
    cloud: Cloud, change: dict[str, Any], reason: OperationFailure
) -> None:
    """Each documented gate error maps to its reason."""
    await cloud.client.open_gate(CONNECTED_GATE)
    await cloud.control("PATCH", f"tedee/gates/{CONNECTED_GATE}", change)
    with pytest.raises(TedeeOperationError) as err:
        await cloud.client.open_gate(CONNECTED_GATE)
    assert err.value.reason is reason


async def test_gate_open_without_blebox_integration(cloud: Cloud) -> None:
    """412: BleBox is not linked to the account."""
    await cloud.control("POST", "tedee/config", {"blebox_integration": False})
    with pytest.raises(TedeeOperationError) as err:
        await cloud.client.open_gate(CONNECTED_GATE)
    assert err.value.reason is OperationFailure.NO_BLEBOX_INTEGRATION


async def test_auth_errors_never_carry_the_token(cloud: Cloud) -> None:
    """401 for an unknown token, 403 for a missing scope; no message shows the token."""
    bad = cloud.client_with("not-a-real-key-123")
    with pytest.raises(TedeeAuthError) as err:
        await all_locks(bad)
    assert err.value.status == 401
    assert "not-a-real-key-123" not in str(err.value)
    assert "not-a-real-key-123" not in repr(bad)
    readonly = cloud.client_with("demo-tedee-readonly-key")
    with pytest.raises(TedeeAuthError) as err:
        await readonly.lock(PRO)
    assert err.value.status == 403


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"kind": "status", "status": 503}, TedeeConnectionError),
        ({"kind": "html"}, TedeeConnectionError),
        ({"kind": "malformed_json"}, TedeeBadResponseError),
        ({"kind": "wrong_types"}, TedeeBadResponseError),
        ({"kind": "unauthorized"}, TedeeAuthError),
        ({"kind": "rate_limit", "retry_after": 42}, TedeeRateLimitError),
    ],
)
async def test_faults_map_to_typed_errors(
    cloud: Cloud, fault: dict[str, Any], error: type[Exception]
) -> None:
    """Every injected fault becomes the client's own exception."""
    await cloud.control("POST", "faults", {**fault, "count": 1})
    with pytest.raises(error):
        await all_locks(cloud.client)
    assert await all_locks(cloud.client)


async def test_empty_body_is_not_a_list(cloud: Cloud) -> None:
    """An empty 200 where a list is due is a bad response."""
    await cloud.control("POST", "faults", {"kind": "empty", "count": 1})
    with pytest.raises(TedeeBadResponseError):
        await cloud.client.sync_locks()


async def test_hang_times_out(cloud: Cloud) -> None:
    """A cloud that does not answer ends in a connection error after the timeout."""
    await cloud.control("POST", "faults", {"kind": "hang", "hang_seconds": 5, "count": 1})
    client = cloud.client_with(request_timeout=0.2)
    with pytest.raises(TedeeConnectionError):
        await client.get_user()


async def test_retired_version_and_deprecation_signal(cloud: Cloud) -> None:
    """A retired version raises TedeeApiVersionError; a deprecated one is noted."""
    retired = cloud.client_with(api_version="v1.32")
    with pytest.raises(TedeeApiVersionError):
        await retired.get_user()
    deprecated = cloud.client_with(api_version="v1.36")
    await deprecated.get_user()
    assert deprecated.deprecation is not None
    assert deprecated.deprecation.version == "v1.36"
    assert "v37" in deprecated.supported_versions
    assert cloud.client.deprecation is None


async def test_unreachable_host_is_a_connection_error(socket_enabled: None) -> None:
    """Nothing listening: a connection error, not an aiohttp exception."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with aiohttp.ClientSession() as session:
        client = TedeeClient(session, KEY, base_url=f"http://127.0.0.1:{port}")
        with pytest.raises(TedeeConnectionError) as err:
            await client.get_user()
    assert err.value.__cause__ is None


async def test_redirects_are_not_followed(socket_enabled: None) -> None:
    """A redirect is refused, so the token never goes to another host."""
    seen: list[str] = []

    async def redirect(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization", ""))
        raise web.HTTPFound("http://127.0.0.1:1/elsewhere")

    async with serve_catch_all(redirect) as url, aiohttp.ClientSession() as session:
        client = TedeeClient(session, KEY, base_url=url)
        with pytest.raises(TedeeBadResponseError):
            await client.get_user()
    assert len(seen) == 1


async def test_success_false_envelope_is_an_error(socket_enabled: None) -> None:
    """`success: false` with 200 is a bad response, and non-object bodies too."""
    bodies = iter(
        [
            {"result": None, "success": False, "errorMessages": ["x"], "statusCode": 200},
            [1, 2],
        ]
    )

    async def answer(request: web.Request) -> web.Response:
        return web.json_response(next(bodies))

    async with serve_catch_all(answer) as url, aiohttp.ClientSession() as session:
        client = TedeeClient(session, KEY, base_url=url)
        with pytest.raises(TedeeBadResponseError):
            await client.get_user()
        with pytest.raises(TedeeBadResponseError):
            await client.get_user()


def test_door_state_unknown_value_is_explicit() -> None:
    """Values the docs do not list map to UNRECOGNIZED."""
    assert DoorState(42) is DoorState.UNRECOGNIZED
    assert LockState(77) is LockState.UNRECOGNIZED
