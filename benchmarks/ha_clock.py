"""Make Home Assistant's clocks follow the virtual loop, and restore them afterwards.

Home Assistant 2026.10 reads time in three places that matter here:

- the event loop's `time()`: timers (`async_call_later`, the coordinator's `loop.call_at`) and
  the integration's scheduler (`hass.loop.time`). `homeassistant.runner` binds
  `loop.time = time.monotonic` only on the loops it creates itself; the benchmark's Home
  Assistant runs on the `VirtualTimeLoop`, whose `time()` is already virtual;
- `homeassistant.util.dt.utcnow` (the wall clock of the integration and of helpers);
- `homeassistant.helpers.event`: `time_tracker_utcnow`, `time_tracker_timestamp` and its own
  `time.time()` (timers at a point in wall-clock time).

The HTTP client's resolver is also replaced by aiohttp's threaded one (Home Assistant's own
needs zeroconf, which the test harness mocks as well); the simulator's address is an IP
literal, which is never resolved.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
import types
from typing import Any

from aiohttp.resolver import ThreadedResolver
from homeassistant.core import HomeAssistant
from homeassistant.helpers import aiohttp_client, event as event_helper
from homeassistant.util import dt as dt_util

from .virtual_time import VirtualTimeLoop


def _threaded_resolver(hass: HomeAssistant) -> ThreadedResolver:  # noqa: ARG001
    """Return a resolver that needs no zeroconf (closed by Home Assistant on stop)."""
    resolver = ThreadedResolver()
    resolver.real_close = resolver.close  # type: ignore[attr-defined]
    return resolver


@contextmanager
def follow_virtual_clock(loop: VirtualTimeLoop) -> Iterator[None]:
    """Point Home Assistant's wall clock and time trackers at the loop's virtual clock."""
    patches: list[tuple[Any, str, Any]] = [
        (dt_util, "utcnow", loop.utcnow),
        (event_helper, "time_tracker_utcnow", loop.utcnow),
        (event_helper, "time_tracker_timestamp", loop.timestamp),
        (event_helper, "time", types.SimpleNamespace(time=loop.timestamp)),
        (aiohttp_client, "_async_make_resolver", _threaded_resolver),
    ]
    saved = [(target, name, getattr(target, name)) for target, name, _ in patches]
    for target, name, value in patches:
        setattr(target, name, value)
    try:
        yield
    finally:
        for target, name, value in saved:
            setattr(target, name, value)
