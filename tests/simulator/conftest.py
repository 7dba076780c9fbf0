"""Fixtures: a simulator on 127.0.0.1 driven by a fake clock, and a small HTTP helper."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from simulator import SimulatorServer, World, load_scenario
from tests.clock import FakeClock

TEDEE_KEY = "demo-tedee-personal-key"
TEDEE_BEARER = "demo-tedee-bearer-token"
DOORFLOW_KEY = "demo-doorflow-api-key"


@dataclass
class Answer:
    """Status, headers and decoded body of one response."""

    status: int
    headers: Any
    body: Any
    text: str


@dataclass
class Sim:
    """A running simulator plus helpers."""

    server: SimulatorServer
    world: World
    clock: FakeClock
    session: aiohttp.ClientSession

    @property
    def url(self) -> str:
        return self.server.url

    async def call(self, method: str, path: str, **kwargs: Any) -> Answer:
        kwargs.setdefault("allow_redirects", False)
        async with self.session.request(method, self.url + path, **kwargs) as resp:
            text = await resp.text()
            try:
                body = await resp.json(content_type=None) if text else None
            except ValueError:
                body = None
            return Answer(resp.status, resp.headers, body, text)

    async def tedee(
        self,
        method: str,
        path: str,
        *,
        token: str | None = TEDEE_KEY,
        scheme: str = "PersonalKey",
        version: str = "v37",
        **kwargs: Any,
    ) -> Answer:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"{scheme} {token}"
        return await self.call(method, f"/api/{version}{path}", headers=headers, **kwargs)

    async def doorflow(
        self, method: str, path: str, *, key: str | None = DOORFLOW_KEY, **kwargs: Any
    ) -> Answer:
        headers = dict(kwargs.pop("headers", {}))
        if key is not None and "Authorization" not in headers:
            headers["Authorization"] = "Basic " + base64.b64encode(f"{key}:X".encode()).decode()
        return await self.call(method, path, headers=headers, **kwargs)

    async def bearer(self, method: str, path: str, token: str, **kwargs: Any) -> Answer:
        return await self.doorflow(
            method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs
        )

    async def control(self, method: str, path: str, payload: Any = None) -> Any:
        answer = await self.call(method, f"/_control/{path}", json=payload)
        assert answer.status < 400, answer.text
        return answer.body


@pytest.fixture
def auto_enable_custom_integrations() -> None:
    """Simulator tests need no Home Assistant (overrides the top-level autouse fixture)."""
    return


@pytest.fixture
def clock() -> FakeClock:
    """Return the fake clock driving the world."""
    return FakeClock()


@pytest.fixture
def scenario_name() -> str:
    """Return the scenario to load."""
    return "home"


@pytest.fixture
def world(clock: FakeClock, scenario_name: str) -> World:
    """Return a world on the fake clock, ambient life off."""
    return World(load_scenario(scenario_name), clock=clock, utcnow=clock.utcnow, seed=1)


@pytest.fixture
async def sim(world: World, clock: FakeClock, socket_enabled: None) -> AsyncIterator[Sim]:
    """Serve the world on 127.0.0.1 (any port) with a client session."""
    async with (
        SimulatorServer(world, host="127.0.0.1", port=0) as server,
        aiohttp.ClientSession() as session,
    ):
        yield Sim(server=server, world=world, clock=clock, session=session)
