"""Figure 5: what one coordinator update costs when nothing changed in the cloud.

Measured on the coordinators' own polls, in a window where nothing changes: CPU time (process
time) and peak traced memory of the whole update and of its listener phase (the entities
deciding whether to write), and the state writes it caused (`state_changed` plus
`state_reported` events). The first half of the window measures CPU without tracemalloc (which
slows everything down), the second half measures memory. The whole update runs the HTTP
client and, in the same process, the simulator's server, whose own CPU (its middleware chain)
is measured and taken out for the integration's figure; the listener phase is Home Assistant
and the entities alone.

The comparison run replaces the entities' "write only when what it shows changed" with Home
Assistant's default (write on every coordinator update) by a monkeypatch, for that run only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
import gc
import math
import statistics
import tracemalloc
from typing import Any

from homeassistant.core import callback

from custom_components.door_access.entity import DoorAccessEntity

from .bench import Bench
from .probes import CoordinatorProbe, UpdateSample


@contextmanager
def every_entity_written() -> Iterator[None]:
    """Make every Door Access entity write its state on every coordinator update."""
    original = DoorAccessEntity._handle_coordinator_update

    @callback
    def always_write(self: DoorAccessEntity[Any, Any]) -> None:
        """Write the state, changed or not (Home Assistant's default)."""
        self.async_write_ha_state()

    DoorAccessEntity._handle_coordinator_update = always_write  # type: ignore[method-assign]
    try:
        yield
    finally:
        DoorAccessEntity._handle_coordinator_update = original  # type: ignore[method-assign]


@dataclass
class UpdateCost:
    """The cost of one coordinator's updates with nothing changed (medians)."""

    entities: int
    updates: int = 0
    cpu_ms: float = float("nan")
    # The whole update without the in-process simulator's handling of its requests.
    integration_cpu_ms: float = float("nan")
    listeners_cpu_ms: float = float("nan")
    memory_kib: float = float("nan")
    listeners_memory_kib: float = float("nan")
    writes_per_update: float = float("nan")
    discarded: int = 0

    @property
    def listeners_us_per_entity(self) -> float:
        """Return the listener phase's CPU per entity, in microseconds."""
        return self.listeners_cpu_ms * 1000 / self.entities if self.entities else float("nan")


@dataclass
class CostResult:
    """Update costs per cloud, for one way of writing states."""

    tedee: UpdateCost | None = None
    doorflow: UpdateCost | None = None
    notes: list[str] = field(default_factory=list)
    # Every state write (state_changed and state_reported events) over the whole window,
    # whenever it happened (one loop turn after an update included), and the updates in it.
    window_writes: int = 0
    window_updates: int = 0

    @property
    def writes_per_update(self) -> float:
        """Return the window's state writes per coordinator update."""
        return self.window_writes / self.window_updates if self.window_updates else math.nan


def _median(values: list[float]) -> float:
    """Return the median, NaN without values."""
    return statistics.median(values) if values else float("nan")


def _summarise(samples: list[UpdateSample], entities: int) -> UpdateCost:
    """Summarise one coordinator's measured updates (those that ran alone)."""
    clean = [s for s in samples if not s.overlapped]
    timed = [s for s in clean if s.memory_total is None]
    traced = [s for s in clean if s.memory_total is not None]
    return UpdateCost(
        entities=entities,
        updates=len(clean),
        cpu_ms=_median([s.cpu_total * 1000 for s in timed]),
        integration_cpu_ms=_median([(s.cpu_total - s.cpu_server) * 1000 for s in timed]),
        listeners_cpu_ms=_median([s.cpu_listeners * 1000 for s in timed]),
        memory_kib=_median([(s.memory_total or 0) / 1024 for s in traced]),
        listeners_memory_kib=_median([(s.memory_listeners or 0) / 1024 for s in traced]),
        writes_per_update=statistics.fmean(s.writes for s in clean) if clean else float("nan"),
        discarded=len(samples) - len(clean),
    )


async def measure_cost(bench: Bench, window: float) -> CostResult:
    """Measure every update of both coordinators for `window` virtual seconds."""
    probes: list[tuple[str, CoordinatorProbe]] = [
        (name, probe)
        for name, probe in (("tedee", bench.tedee_probe), ("doorflow", bench.doorflow_probe))
        if probe is not None
    ]
    # Start from a collected heap, so that the runs compare like with like.
    gc.collect()
    writes = bench.states.writes
    refreshes = sum(probe.refreshes for _, probe in probes)
    for _, probe in probes:
        probe.samples.clear()
        probe.measuring = True
    await asyncio.sleep(window / 2)
    # tracemalloc slows every callback down: the loop watch does not judge this half.
    pause = bench.watch.paused()
    pause.__enter__()
    tracemalloc.start()
    for _, probe in probes:
        probe.trace_memory = True
    try:
        await asyncio.sleep(window / 2)
    finally:
        tracemalloc.stop()
        pause.__exit__(None, None, None)
        for _, probe in probes:
            probe.measuring = False
            probe.trace_memory = False
    # Let a write scheduled for a later loop turn land inside the window.
    await asyncio.sleep(0)
    result = CostResult(
        window_writes=bench.states.writes - writes,
        window_updates=sum(probe.refreshes for _, probe in probes) - refreshes,
    )
    for name, probe in probes:
        account = bench.tedee if name == "tedee" else bench.doorflow
        cost = _summarise(probe.samples, len(account.entity_ids(bench.hass)))
        setattr(result, name, cost)
    return result
