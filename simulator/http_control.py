"""The loopback control API (``/_control/...``): inspect and steer a running world."""

# All control handlers share one signature for the router, so some arguments go unused.
# ruff: noqa: ARG002

from __future__ import annotations

from aiohttp import web

from simulator.control_common import (
    ControlError,
    Handler,
    Route,
    RouteGroup,
    read_body,
    reject_unknown,
)
from simulator.control_doorflow import DoorFlowControl
from simulator.control_tedee import TedeeControl
from simulator.faults import FaultError
from simulator.latency import LatencyError, parse_range
from simulator.tokens import DOORFLOW_KINDS, TEDEE_KINDS
from simulator.world import World

TOKEN_FIELDS = {"api", "token", "kind", "scopes", "expires_in", "client_id", "revoked"}


class WorldControl(RouteGroup):
    """Control routes of the world as a whole: state, ambient, latency, tokens, faults, log."""

    def routes(self) -> list[Route]:
        """Return the world-level control routes."""
        return [
            ("GET", "/_control/state", self.state),
            ("POST", "/_control/reset", self.reset),
            ("POST", "/_control/ambient", self.ambient),
            ("GET", "/_control/latency", self.get_latency),
            ("POST", "/_control/latency", self.latency),
            ("POST", "/_control/tokens", self.add_token),
            ("POST", "/_control/tokens/revoke", self.revoke_token),
            ("GET", "/_control/faults", self.list_faults),
            ("POST", "/_control/faults", self.add_fault),
            ("DELETE", "/_control/faults", self.clear_faults),
            ("DELETE", r"/_control/faults/{id:\d+}", self.delete_fault),
            ("GET", "/_control/requests", self.get_requests),
            ("DELETE", "/_control/requests", self.clear_requests),
        ]

    async def state(self, request: web.Request) -> web.Response:
        """GET /_control/state: the whole world."""
        return web.json_response(self.world.to_json())

    async def reset(self, request: web.Request) -> web.Response:
        """POST /_control/reset: reload the scenario (keeps the request log and latency)."""
        self.world.reset()
        return web.json_response({"reset": True, "scenario": self.world.scenario.name})

    async def ambient(self, request: web.Request) -> web.Response:
        """POST /_control/ambient ``{"enabled": bool}`` or ``{"events": n}`` to force changes."""
        body = await read_body(request)
        reject_unknown(body, {"enabled", "events"})
        if "enabled" in body:
            self.world.ambient = bool(body["enabled"])
        utc_now = self.world.utcnow()
        applied = [self.world.ambient_event(utc_now) for _ in range(int(body.get("events", 0)))]
        return web.json_response({"enabled": self.world.ambient, "applied": applied})

    async def get_latency(self, request: web.Request) -> web.Response:
        """GET /_control/latency: ``{request_ms: [min, max], response_ms: [min, max]}``."""
        return web.json_response(self.world.latency.to_json())

    async def latency(self, request: web.Request) -> web.Response:
        """POST /_control/latency: set either range (milliseconds); control is never delayed."""
        body = await read_body(request)
        reject_unknown(body, {"request_ms", "response_ms"})
        try:
            up = parse_range(body["request_ms"]) if "request_ms" in body else None
            down = parse_range(body["response_ms"]) if "response_ms" in body else None
        except LatencyError as err:
            raise ControlError(400, str(err)) from None
        self.world.latency.set(request_ms=up, response_ms=down)
        return web.json_response(self.world.latency.to_json())

    async def add_token(self, request: web.Request) -> web.Response:
        """POST /_control/tokens: add a credential (``user``/``guest`` name its owner)."""
        body = await read_body(request)
        reject_unknown(body, TOKEN_FIELDS | {"user", "guest"})
        api = body.get("api")
        if api not in ("tedee", "doorflow") or not isinstance(body.get("token"), str):
            raise ControlError(400, "api must be tedee|doorflow and token a string")
        kinds = TEDEE_KINDS if api == "tedee" else DOORFLOW_KINDS
        if "kind" in body and body["kind"] not in kinds:
            raise ControlError(400, f"kind must be one of {sorted(kinds)}")
        token = self.world.add_token(body)
        return web.json_response(token.public_json(self.world.clock()), status=201)

    async def revoke_token(self, request: web.Request) -> web.Response:
        """POST /_control/tokens/revoke ``{"token": ...}``."""
        body = await read_body(request)
        if not self.world.tokens.revoke(str(body.get("token", ""))):
            raise ControlError(404, "no such token")
        return web.json_response({"revoked": True})

    async def list_faults(self, request: web.Request) -> web.Response:
        """GET /_control/faults."""
        now = self.world.clock()
        return web.json_response([f.to_json(now) for f in self.world.faults.active(now)])

    async def add_fault(self, request: web.Request) -> web.Response:
        """POST /_control/faults: inject a fault; returns it with its id."""
        body = await read_body(request)
        now = self.world.clock()
        try:
            fault = self.world.faults.add(body, now)
        except (FaultError, TypeError, ValueError) as err:
            raise ControlError(400, str(err)) from None
        return web.json_response(fault.to_json(now), status=201)

    async def clear_faults(self, request: web.Request) -> web.Response:
        """DELETE /_control/faults: remove every fault."""
        self.world.faults.clear()
        return web.json_response({"cleared": True})

    async def delete_fault(self, request: web.Request) -> web.Response:
        """DELETE /_control/faults/{id}: remove one fault."""
        if not self.world.faults.remove(int(request.match_info["id"])):
            raise ControlError(404, "no such fault")
        return web.json_response({"deleted": True})

    async def get_requests(self, request: web.Request) -> web.Response:
        """GET /_control/requests: counts, arrival gaps per endpoint, 429s, last 500."""
        return web.json_response(self.world.requests.to_json())

    async def clear_requests(self, request: web.Request) -> web.Response:
        """DELETE /_control/requests."""
        self.world.requests.clear()
        return web.json_response({"cleared": True})


class ControlApi:
    """Every control route bound to one world."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.groups: list[RouteGroup] = [
            WorldControl(world),
            TedeeControl(world),
            DoorFlowControl(world),
        ]

    def add_routes(self, app: web.Application) -> None:
        """Register every control route on ``app``."""
        for group in self.groups:
            for method, path, handler in group.routes():
                app.router.add_route(method, path, self._wrap(handler))

    def _wrap(self, handler: Handler) -> Handler:
        """Bring the world up to date first and render control errors as JSON."""

        async def wrapped(request: web.Request) -> web.StreamResponse:
            """Tick, run the handler, render a ControlError."""
            self.world.tick()
            try:
                return await handler(request)
            except ControlError as err:
                return web.json_response({"error": err.message}, status=err.status)

        return wrapped
