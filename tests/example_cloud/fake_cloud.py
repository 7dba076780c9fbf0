"""The example cloud: one account with doors that lock and report a battery, over real HTTP.

A small aiohttp application on 127.0.0.1 (not a fake of Home Assistant): the example wing's
client reaches it through the integration's HTTP core like any cloud.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

ACCOUNT_ID = "acme"
API_KEY = "example-api-key"


@dataclass
class Door:
    """One door of the example account."""

    id: str
    name: str
    locked: bool = True
    battery: int = 80


@dataclass
class FakeExampleCloud:
    """The cloud's state and what it was asked."""

    doors: dict[str, Door] = field(
        default_factory=lambda: {
            "d1": Door("d1", "Garden gate", battery=64),
            "d2": Door("d2", "Shed", locked=False, battery=12),
        }
    )
    # The bodies of the unlock commands received, in order.
    unlocks: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    url: str = ""

    def app(self) -> web.Application:
        """Return the cloud's routes, each refusing a request without the account's key."""

        @web.middleware
        async def authorize(request: web.Request, handler: Any) -> web.StreamResponse:
            self.requests += 1
            if request.headers.get("Authorization") != f"Bearer {API_KEY}":
                return web.json_response({"error": "unauthorized"}, status=401)
            response: web.StreamResponse = await handler(request)
            return response

        async def account(_request: web.Request) -> web.Response:
            return web.json_response({"id": ACCOUNT_ID, "name": "Acme Sheds"})

        async def doors(_request: web.Request) -> web.Response:
            return web.json_response({"doors": [asdict(door) for door in self.doors.values()]})

        async def lock(request: web.Request) -> web.Response:
            door = self._door(request)
            door.locked = True
            return web.json_response(asdict(door))

        async def unlock(request: web.Request) -> web.Response:
            door = self._door(request)
            self.unlocks.append(await request.json())
            door.locked = False
            return web.json_response(asdict(door))

        app = web.Application(middlewares=[authorize])
        app.router.add_get("/api/account", account)
        app.router.add_get("/api/doors", doors)
        app.router.add_post("/api/doors/{door_id}/lock", lock)
        app.router.add_post("/api/doors/{door_id}/unlock", unlock)
        return app

    def _door(self, request: web.Request) -> Door:
        """Return the door a command names, or answer 404."""
        door = self.doors.get(request.match_info["door_id"])
        if door is None:
            raise web.HTTPNotFound
        return door


@asynccontextmanager
async def serve(cloud: FakeExampleCloud) -> AsyncIterator[FakeExampleCloud]:
    """Run the cloud on 127.0.0.1 until the block ends; its URL is in `cloud.url`."""
    server = TestServer(cloud.app(), host="127.0.0.1")
    await server.start_server()
    cloud.url = str(server.make_url("")).rstrip("/")
    try:
        yield cloud
    finally:
        await server.close()
