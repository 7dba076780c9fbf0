"""Request helpers shared by the HTTP layers: route templates, arrival stamps, handler faults."""

from __future__ import annotations

import asyncio

from aiohttp import web

from simulator.faults import Fault
from simulator.world import World

WORLD_KEY = web.AppKey("world", World)
CLOSING_KEY = web.AppKey("closing", asyncio.Event)
# What the server notes on a request for its log: when it arrived (after the uplink delay),
# whose account it is for, and which time rule refused it (rule, gap since the previous one).
ARRIVAL_KEY = web.RequestKey("arrival", float)
ACCOUNT_KEY = web.RequestKey("account", int)
RATE_RULE_KEY: web.RequestKey[tuple[str, float | None]] = web.RequestKey("rate_rule")
UNMATCHED = "(unmatched)"


def template_of(request: web.Request) -> str:
    """Return the route template of the request (ids replaced by placeholders)."""
    route = request.match_info.route
    resource = route.resource if route is not None else None
    if resource is None:
        return UNMATCHED
    return resource.canonical


def endpoint_of(request: web.Request) -> str:
    """Return the ``"METHOD /template"`` key of the request."""
    return f"{request.method} {template_of(request)}"


def arrival_of(request: web.Request, world: World) -> float:
    """Return when the request arrived (stamped after the uplink delay; clock now if not)."""
    return float(request.get(ARRIVAL_KEY, world.clock()))


async def pause(request: web.Request, seconds: float) -> None:
    """Wait ``seconds`` (real time), returning early when the server stops."""
    if seconds <= 0:
        return
    closing = request.app[CLOSING_KEY]
    try:
        await asyncio.wait_for(closing.wait(), timeout=seconds)
    except TimeoutError:
        return


def take_fault(world: World, kind: str, request: web.Request) -> Fault | None:
    """Consume one use of a handler-level fault (``repeat_page``, ``omit_locks``) if one fits."""
    return world.faults.take(kind, request.path, endpoint_of(request), arrival_of(request, world))
