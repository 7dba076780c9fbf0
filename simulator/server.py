"""The aiohttp application serving both APIs plus the control API, and its runner."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import contextlib
import json
import logging
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from simulator.bodies import send_endless, send_gzip_bomb, send_oversized
from simulator.faults import STREAMING_KINDS, Fault
from simulator.http_common import (
    ACCOUNT_KEY,
    ARRIVAL_KEY,
    CLOSING_KEY,
    RATE_RULE_KEY,
    WORLD_KEY,
    endpoint_of,
    pause,
    template_of,
)
from simulator.http_control import ControlApi
from simulator.http_doorflow import DoorFlowApi
from simulator.http_doorflow_notifications import add_notification_routes
from simulator.http_oauth import OAuthApi
from simulator.http_tedee import TedeeApi, error_envelope
from simulator.requestlog import RequestRecord
from simulator.tedee_bridge import BRIDGES_KEY, BridgeFleet
from simulator.world import World

_LOGGER = logging.getLogger(__name__)
HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    "<body><h1>502 Bad Gateway</h1><p>The upstream server is unavailable.</p></body></html>"
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _is_tedee(path: str) -> bool:
    """Tell whether the path belongs to the Tedee API (``/api/v...``)."""
    return path.startswith("/api/v")


def api_error(request: web.Request, status: int, message: str, **extra: Any) -> web.Response:
    """Render an error in the format of whichever API the request was for."""
    headers: dict[str, str] = extra.pop("headers", {})
    if request.path.startswith("/_control"):
        return web.json_response({"error": message}, status=status, headers=headers)
    if _is_tedee(request.path):
        response = error_envelope(status, message, headers)
        tedee = TedeeApi(request.app[WORLD_KEY])
        response.headers.update(tedee.version_headers(request.match_info.get("version")))
        return response
    codes = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed", 429: "rate_limited"}
    body = {"error": codes.get(status, "error"), "error_description": message, **extra}
    return web.json_response(body, status=status, headers=headers)


def _wrong_types(value: Any) -> Any:
    """Keep the JSON structure but give numbers and booleans the wrong type."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        return {k: _wrong_types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wrong_types(v) for v in value]
    return value


async def _apply_fault(request: web.Request, fault: Fault) -> web.StreamResponse:
    """Answer a request the way the fault says (answer-level kinds, not streaming ones)."""
    kind = fault.kind
    if kind == "hang":
        closing = request.app[CLOSING_KEY]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(closing.wait(), timeout=fault.hang_seconds)
        return api_error(request, 504, "Gateway timeout (simulated hang)")
    if kind == "status":
        return api_error(request, fault.status or 503, f"Simulated HTTP {fault.status} failure")
    if kind == "unauthorized":
        return api_error(request, 401, "Unauthorized (simulated)")
    if kind == "rate_limit":
        retry = str(fault.retry_after)
        extra: dict[str, Any] = {"headers": {"Retry-After": retry}}
        if not _is_tedee(request.path):
            extra["retry_in"] = fault.retry_after
            extra["description"] = "Rate limit exceeded (simulated)"
        return api_error(request, 429, "Rate limit exceeded (simulated)", **extra)
    status = fault.status or (502 if kind == "html" else 200)
    if kind == "html":
        return web.Response(text=HTML_PAGE, status=status, content_type="text/html")
    if kind == "empty":
        return web.Response(body=b"", status=status, content_type="application/json")
    # malformed_json
    body = '{"result": [{"id": 1, "isConnected": tru'
    return web.Response(text=body, status=status, content_type="application/json")


async def _stream_fault(request: web.Request, fault: Fault) -> web.StreamResponse:
    """Send a huge body: ``oversized``, ``gzip_bomb`` or ``endless``."""
    status = fault.status or 200
    tedee = _is_tedee(request.path)
    if fault.kind == "oversized":
        return await send_oversized(request, status, fault.size_mb, tedee)
    if fault.kind == "gzip_bomb":
        return await send_gzip_bomb(request, status, fault.size_mb, tedee)
    return await send_endless(request, status, fault.chunk_kb, tedee)


async def _handle(request: web.Request, handler: Handler, fault: Fault | None) -> web.Response:
    """Run the real handler (rendering its errors) and apply a ``wrong_types`` fault."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return api_error(request, exc.status, exc.reason)
    except Exception:
        _LOGGER.exception("Simulator handler failed for %s %s", request.method, request.path)
        return api_error(request, 500, "Internal server error (simulator bug)")
    if not isinstance(response, web.Response):  # pragma: no cover - handlers return Response
        raise TypeError("API handlers must return a complete Response")
    if fault is not None and response.body:
        try:
            data = json.loads(bytes(response.body))  # type: ignore[arg-type]
        except ValueError:
            data = None
        if data is not None:
            response.text = json.dumps(_wrong_types(data))
    return response


@web.middleware
async def world_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Delay, stamp the arrival, tick the world, apply faults and log every API request."""
    world = request.app[WORLD_KEY]
    path = request.path
    if path.startswith("/_control"):
        try:
            return await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            return api_error(request, exc.status, exc.reason)
    await pause(request, world.latency.request_delay())
    world.tick()
    now = world.clock()
    request[ARRIVAL_KEY] = now
    endpoint = endpoint_of(request)
    fault = world.faults.match(path, endpoint, now)
    streaming = fault is not None and fault.kind in STREAMING_KINDS
    response: web.StreamResponse | None = None
    if fault is not None and not streaming:
        if fault.kind == "wrong_types":
            response = await _handle(request, handler, fault)
        else:
            response = await _apply_fault(request, fault)
    elif fault is None:
        response = await _handle(request, handler, None)
    rule = request.get(RATE_RULE_KEY)
    if response is not None:
        status = response.status
    else:
        status = fault.status if fault is not None and fault.status else 200
    world.requests.record(
        RequestRecord(
            t=now,
            method=request.method,
            path=template_of(request),
            status=status,
            account=request.get(ACCOUNT_KEY),
            gap=world.requests.gap_since(f"{request.method} {path}", now),
            rule=rule[0] if rule else None,
            rule_gap=rule[1] if rule else None,
            fault=fault.kind if fault is not None else None,
            retry_after=response.headers.get("Retry-After") if response is not None else None,
        )
    )
    await pause(request, world.latency.response_delay())
    if response is None:
        assert fault is not None
        return await _stream_fault(request, fault)
    return response


def build_app(world: World) -> web.Application:
    """Build the aiohttp application serving Tedee, DoorFlow and the control API."""
    app = web.Application(middlewares=[world_middleware])
    app[WORLD_KEY] = world
    app[CLOSING_KEY] = asyncio.Event()
    TedeeApi(world).add_routes(app)
    DoorFlowApi(world).add_routes(app)
    add_notification_routes(app)
    OAuthApi(world).add_routes(app)
    ControlApi(world).add_routes(app)
    fleet = BridgeFleet(world)
    fleet.add_control_routes(app)
    app[BRIDGES_KEY] = fleet
    return app


class SimulatorServer:
    """Serve a world on a TCP port; use as ``async with SimulatorServer(world) as server``."""

    def __init__(self, world: World, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.world = world
        self.host = host
        self._requested_port = port
        self.port = port
        self.app = build_app(world)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Return the base URL (both APIs and the control API live under it)."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Bind the socket and start serving."""
        runner = web.AppRunner(
            self.app, access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._requested_port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        # Each Tedee bridge's local API listens on a port of its own beside the clouds.
        await self.app[BRIDGES_KEY].start(self.host)

    async def stop(self) -> None:
        """Wake hanging requests, close connections and release the socket."""
        self.app[CLOSING_KEY].set()
        await self.app[BRIDGES_KEY].stop()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        """Start serving."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop serving."""
        await self.stop()
