"""Helpers shared by the control-API route groups: errors, bodies and value checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from simulator.timeutil import parse_iso
from simulator.world import World

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Route = tuple[str, str, Handler]


class ControlError(Exception):
    """A control-API request that cannot be honoured."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def reject_unknown(body: dict[str, Any], allowed: set[str]) -> None:
    """Raise 400 when ``body`` has a field outside ``allowed``."""
    extra = set(body) - allowed
    if extra:
        raise ControlError(400, f"unknown fields: {sorted(extra)}; allowed: {sorted(allowed)}")


async def read_body(request: web.Request) -> dict[str, Any]:
    """Return the JSON object body (empty when there is none)."""
    if not request.can_read_body:
        return {}
    try:
        data = await request.json()
    except ValueError:
        raise ControlError(400, "body must be JSON") from None
    if not isinstance(data, dict):
        raise ControlError(400, "body must be a JSON object")
    return data


def seconds_range(value: object, name: str) -> tuple[float, float]:
    """Read ``[min, max]`` seconds with ``0 <= min <= max``."""
    if not isinstance(value, list) or len(value) != 2:
        raise ControlError(400, f"{name} must be [min, max] seconds")
    if any(isinstance(v, bool) or not isinstance(v, int | float) for v in value):
        raise ControlError(400, f"{name} bounds must be numbers")
    low, high = float(value[0]), float(value[1])
    if low < 0 or high < low:
        raise ControlError(400, f"{name} must satisfy 0 <= min <= max")
    return low, high


def page_size(value: object) -> int | None:
    """Read a page-size cap (a positive integer, or null for none)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ControlError(400, "max_page_size must be a positive integer or null")
    return value


def optional_name(body: dict[str, Any], key: str) -> str | None:
    """Read an optional non-empty name."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ControlError(400, f"{key} must be a non-empty string")
    return value


def count_of(body: dict[str, Any]) -> int:
    """Read ``count`` (how many times to repeat an injection; 1 to 1000)."""
    count = body.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
        raise ControlError(400, "count must be an integer from 1 to 1000")
    return count


class RouteGroup:
    """A group of control routes bound to one world."""

    def __init__(self, world: World) -> None:
        self.world = world

    def routes(self) -> list[Route]:
        """Return ``(method, path, handler)`` for every route of the group."""
        raise NotImplementedError


def feed_item_edits(body: dict[str, Any], date_key: str) -> tuple[datetime | None, dict[str, Any]]:
    """Read how a control call redates an item of a feed and overrides its JSON fields.

    ``date_key`` (ISO 8601; naive is UTC) dates the item as given, in the past (a late
    upload) or the future (a wrong clock); ``override`` replaces fields of the item as the
    API shows it, to make it malformed on purpose (``{"id": [1]}``).
    """
    date = None
    if (text := body.get(date_key)) is not None:
        if not isinstance(text, str):
            raise ControlError(400, f"{date_key} must be an ISO 8601 date-time")
        try:
            date = parse_iso(text)
        except ValueError:
            raise ControlError(400, f"{date_key} must be an ISO 8601 date-time") from None
    override = body.get("override", {})
    if not isinstance(override, dict):
        raise ControlError(400, "override must be a JSON object")
    return date, override
