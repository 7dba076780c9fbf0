"""Deliberately broken products, run through the same measuring and judging as the real one.

`./scripts/run python -m benchmarks.breakages [NAME ...]` breaks Door Access on purpose (by a
monkeypatch, for that run only), measures it with the benchmark's own code and judges it
against the same targets, and prints one JSON line per breakage: the figure it must miss and
the verdict. `tests/test_benchmark_breakages.py` runs it and requires every one missed: the
proof that the benchmark can fail.

- `poll-120s`: the coordinators poll every 120 s → freshness missed.
- `half-never-update`: half the entities never write an update → freshness missed (∞).
- `blocking-300ms`: a 300 ms blocking call in every poll → the event-loop figure missed.
- `quadratic-listener`: each entity's update walks every state → CPU linearity missed.
- `late-writes`: every entity writes on every update, one loop turn later → writes missed.
- `activity-round-robin`: activity read for one lock per poll in a fixed round robin, moves
  ignored → the busy account's move → event p95 missed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
import json
import random
import sys
import time
from typing import Any

from homeassistant.core import callback

from custom_components.door_access.coordinator import DoorAccessCoordinator
from custom_components.door_access.entity import DoorAccessEntity
from custom_components.door_access.tedee.activity import ActivityReader

from . import report as judged
from .bench import open_bench
from .busy import BusySettings, measure_busy
from .busy_report import event_delay
from .cost import measure_cost
from .freshness import GIVE_UP as FULL_GIVE_UP, Freshness, measure_freshness
from .ha_clock import follow_virtual_clock
from .harness import counting_client_errors
from .judge import Verdict
from .loop_watch import HOME_ASSISTANT, LoopWatch, watching
from .operations import Actions, LockAll, OpenShown
from .runs import Interaction, SizeResult
from .scenarios import Size, parse_size
from .targets import MIN_SAMPLES
from .virtual_time import VirtualTimeLoop

WARMUP = 120.0
COST_WINDOW = 240.0
# A change not shown within this long counts as never shown (∞) for the entities that never
# update: well past the 23 s target, so the verdict is the one of the full run's 300 s.
GIVE_UP = 60.0


@contextmanager
def _patched(target: Any, name: str, value: Any) -> Iterator[None]:
    """Replace an attribute for the duration."""
    original = getattr(target, name)
    setattr(target, name, value)
    try:
        yield
    finally:
        setattr(target, name, original)


def _interaction(fresh: Freshness) -> Interaction:
    """Wrap freshness samples as the report's interaction."""
    return Interaction(fresh, Actions(), LockAll(), OpenShown(), Freshness())


async def _freshness(loop: VirtualTimeLoop, changes: int, give_up: float) -> Verdict:
    """Measure Tedee freshness on `home` (the product as patched) and judge it."""
    async with open_bench(loop, Size("home"), seed=1) as bench:
        await asyncio.sleep(WARMUP)
        fresh = await measure_freshness(bench, changes, give_up=give_up, doorflow=False)
    return judged.freshness(_interaction(fresh), tedee=True)


async def _cost(loop: VirtualTimeLoop, size: Size) -> SizeResult:
    """Measure one size's update cost, writes and loop (the quiet run's cost window)."""
    result = SizeResult(size=size)
    watch = LoopWatch()
    async with open_bench(loop, size, seed=1, watch=watch) as bench:
        await asyncio.sleep(WARMUP)
        bench.attach_probes()
        with watching(loop, watch):
            watch.active = True
            result.cost = await measure_cost(bench, COST_WINDOW)
            watch.active = False
    result.blocking = watch.longest(HOME_ASSISTANT)
    result.lag = watch.lag
    return result


async def poll_120s(loop: VirtualTimeLoop) -> Verdict:
    """Every coordinator polls every 120 s (and says so: its update interval is 120 s)."""
    original = DoorAccessCoordinator._async_update_data

    async def slow(self: DoorAccessCoordinator[Any]) -> Any:
        data = await original(self)
        self.update_interval = timedelta(seconds=120)
        return data

    with _patched(DoorAccessCoordinator, "_async_update_data", slow):
        return await _freshness(loop, MIN_SAMPLES, FULL_GIVE_UP)


async def half_never_update(loop: VirtualTimeLoop) -> Verdict:
    """Every other entity never writes a coordinator update."""
    original = DoorAccessEntity._handle_coordinator_update

    @callback
    def half(self: DoorAccessEntity[Any, Any]) -> None:
        if sum(map(ord, self.unique_id or "")) % 2:
            return
        original(self)

    with _patched(DoorAccessEntity, "_handle_coordinator_update", half):
        return await _freshness(loop, MIN_SAMPLES, GIVE_UP)


async def blocking_300ms(loop: VirtualTimeLoop) -> Verdict:
    """A 300 ms blocking call in every poll."""
    original = DoorAccessCoordinator._async_update_data

    async def blocking(self: DoorAccessCoordinator[Any]) -> Any:
        time.sleep(0.3)  # noqa: ASYNC251 - the deliberate breakage: blocks the event loop
        return await original(self)

    with _patched(DoorAccessCoordinator, "_async_update_data", blocking):
        return judged.blocking(await _cost(loop, Size("home")))


async def quadratic_listener(loop: VirtualTimeLoop) -> Verdict:
    """Each entity's update walks every state (the whole update is quadratic)."""
    original = DoorAccessEntity._handle_coordinator_update

    @callback
    def quadratic(self: DoorAccessEntity[Any, Any]) -> None:
        for state in self.hass.states.async_all():
            state.entity_id.startswith("lock.")
        original(self)

    with _patched(DoorAccessEntity, "_handle_coordinator_update", quadratic):
        results = [await _cost(loop, parse_size(n)) for n in ("10", "100")]
    return judged.linear(results, judged._entities_cpu)[-1]


async def late_writes(loop: VirtualTimeLoop) -> Verdict:
    """Every entity writes on every update, one loop turn later."""

    @callback
    def later(self: DoorAccessEntity[Any, Any]) -> None:
        self.hass.loop.call_soon(self.async_write_ha_state)

    with _patched(DoorAccessEntity, "_handle_coordinator_update", later):
        return judged.writes(await _cost(loop, Size("home")))


async def activity_round_robin(loop: VirtualTimeLoop) -> Verdict:
    """Activity is read for one lock per poll, round robin, whichever locks moved."""
    turn = {"next": 0}

    def round_robin(self: ActivityReader, slots: int) -> list[int]:
        readable = sorted(lock_id for lock_id, seen in self._seen.items() if seen is not None)
        if slots <= 0 or not readable:
            return []
        lock_id = readable[turn["next"] % len(readable)]
        turn["next"] += 1
        return [lock_id]

    with _patched(ActivityReader, "due", round_robin):
        result = await measure_busy(loop, parse_size("100"), BusySettings(hours=3.4, warmup=300))
    return event_delay(result)


BREAKAGES: dict[str, tuple[str, Callable[[VirtualTimeLoop], Awaitable[Verdict]]]] = {
    "poll-120s": ("freshness Tedee", poll_120s),
    "half-never-update": ("freshness Tedee", half_never_update),
    "blocking-300ms": ("event loop held", blocking_300ms),
    "quadratic-listener": ("CPU per update linear", quadratic_listener),
    "late-writes": ("state writes per update", late_writes),
    "activity-round-robin": ("busy account: move → event", activity_round_robin),
}


def run(name: str) -> dict[str, Any]:
    """Measure and judge one breakage on its own virtual loop."""
    figure, breakage = BREAKAGES[name]
    random.seed(1)
    loop = VirtualTimeLoop()
    started = time.perf_counter()

    async def measured() -> Verdict:
        async with counting_client_errors():
            return await breakage(loop)

    try:
        with follow_virtual_clock(loop):
            verdict = loop.run_until_complete(measured())
    finally:
        loop.close()
    return {
        "breakage": name,
        "figure": figure,
        "met": verdict.met,
        "unmeasured": verdict.unmeasured,
        "text": verdict.text,
        "real_seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str]) -> int:
    """Run the named breakages (all without names); print one JSON line each."""
    for name in argv or list(BREAKAGES):
        print(json.dumps(run(name)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
