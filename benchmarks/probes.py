"""Probes on the real objects: what each coordinator update costs, what the simulated locks did.

Nothing here changes what the integration or the simulator does: the probes wrap methods of
one coordinator or one world instance, measure, and call the original.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
import itertools
import time
import tracemalloc
from typing import Any

from custom_components.door_access.coordinator import DoorAccessCoordinator
from simulator import World
from simulator.tedee_models import PULLED, Lock, Operation

from .harness import StateLog


@dataclass(frozen=True)
class UpdateSample:
    """What one coordinator update cost (CPU seconds, bytes, state writes)."""

    cpu_total: float
    cpu_listeners: float
    # The in-process simulator's share of `cpu_total` (answering this update's requests).
    cpu_server: float
    memory_total: int | None
    memory_listeners: int | None
    writes: int
    # Another update ran at the same time: the process-wide figures include its work.
    overlapped: bool


@dataclass
class _Shared:
    """How many updates of any coordinator are running now."""

    running: int = 0


class CoordinatorProbe:
    """Counts a coordinator's polls and the polls brought forward; measures updates on demand."""

    def __init__(
        self,
        coordinator: DoorAccessCoordinator[Any],
        states: StateLog,
        shared: _Shared,
        server_cpu: Callable[[], float],
        requests: Callable[[], int] | None = None,
    ) -> None:
        self._coordinator = coordinator
        self._states = states
        self._shared = shared
        self._server_cpu = server_cpu
        self._requests = requests
        # For each poll, how many of the counted requests it sent (with `requests` given).
        self.requests_per_refresh: list[int] = []
        self.refreshes = 0
        self.brought_forward = 0
        self.measuring = False
        self.trace_memory = False
        self.samples: list[UpdateSample] = []
        self._listeners_cpu = 0.0
        self._listeners_memory: int | None = None
        self._in_refresh = False
        self._peak = 0
        self._wrap()

    def _wrap(self) -> None:
        """Put the probe around the coordinator's refresh, listener update and brought poll."""
        coordinator = self._coordinator
        refresh: Callable[..., Coroutine[Any, Any, None]] = coordinator._async_refresh
        update_listeners = coordinator.async_update_listeners
        bring_forward = coordinator.async_refresh

        async def probed_refresh(*args: Any, **kwargs: Any) -> None:
            self.refreshes += 1
            before = self._requests() if self._requests is not None else 0
            try:
                if self.measuring:
                    await self._measured(refresh(*args, **kwargs))
                else:
                    await refresh(*args, **kwargs)
            finally:
                if self._requests is not None:
                    self.requests_per_refresh.append(self._requests() - before)

        def probed_update_listeners() -> None:
            if not (self.measuring and self._in_refresh):
                update_listeners()
                return
            if self.trace_memory:
                before, peak = tracemalloc.get_traced_memory()
                self._peak = max(self._peak, peak)
                tracemalloc.reset_peak()
            start = time.process_time()
            update_listeners()
            self._listeners_cpu += time.process_time() - start
            if self.trace_memory:
                peak = tracemalloc.get_traced_memory()[1]
                self._peak = max(self._peak, peak)
                self._listeners_memory = peak - before

        async def probed_bring_forward() -> None:
            self.brought_forward += 1
            await bring_forward()

        coordinator._async_refresh = probed_refresh  # type: ignore[method-assign]
        coordinator.async_update_listeners = probed_update_listeners  # type: ignore[method-assign]
        coordinator.async_refresh = probed_bring_forward  # type: ignore[method-assign]

    async def _measured(self, refresh: Coroutine[Any, Any, None]) -> None:
        """Run one update, measuring CPU time, peak memory and state writes."""
        shared = self._shared
        overlapped = shared.running > 0
        shared.running += 1
        self._in_refresh = True
        self._listeners_cpu = 0.0
        self._listeners_memory = None
        writes = self._states.writes
        server = self._server_cpu()
        before = 0
        self._peak = 0
        if self.trace_memory:
            before = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
        start = time.process_time()
        try:
            await refresh
        finally:
            cpu = time.process_time() - start
            memory = None
            if self.trace_memory:
                memory = max(self._peak, tracemalloc.get_traced_memory()[1]) - before
            self._in_refresh = False
            overlapped = overlapped or shared.running > 1
            shared.running -= 1
        self.samples.append(
            UpdateSample(
                cpu_total=cpu,
                cpu_listeners=self._listeners_cpu,
                cpu_server=self._server_cpu() - server,
                memory_total=memory,
                memory_listeners=self._listeners_memory,
                writes=self._states.writes - writes,
                overlapped=overlapped,
            )
        )


def probe_coordinators(
    coordinators: list[tuple[DoorAccessCoordinator[Any], Callable[[], int] | None]],
    states: StateLog,
    server_cpu: Callable[[], float],
) -> list[CoordinatorProbe]:
    """Probe each coordinator, counting some requests per poll (they share the overlaps)."""
    shared = _Shared()
    return [
        CoordinatorProbe(coordinator, states, shared, server_cpu, requests)
        for coordinator, requests in coordinators
    ]


@dataclass(frozen=True)
class OperationRecord:
    """One lock operation as the simulated lock did it (virtual times)."""

    lock_id: int
    arrival: float
    complete_at: float
    # When the latch was let go (the lock left Pulled), for operations that pull.
    pull_released_at: float | None

    @property
    def duration(self) -> float:
        """Return the seconds from the command's arrival to the operation's end."""
        return self.complete_at - self.arrival


@dataclass
class OperationLog:
    """Every lock operation the simulated Tedee cloud started."""

    records: list[OperationRecord] = field(default_factory=list)

    def attach(self, world: World) -> None:
        """Record each operation the world's Tedee side starts."""
        tedee = world.tedee
        operate = tedee.operate

        def recording(lock: Lock, op_type: int, mode: int, now: float, *args: Any) -> Operation:
            operation = operate(lock, op_type, mode, now, *args)
            steps = list(lock.steps)
            released = None
            for step, following in itertools.pairwise(steps):
                if step.state == PULLED:
                    released = following.at
            self.records.append(OperationRecord(lock.id, now, operation.complete_at, released))
            return operation

        tedee.operate = recording  # type: ignore[method-assign,assignment]

    def last_for(self, lock_id: int, since: float) -> OperationRecord | None:
        """Return the last operation on a lock that arrived at or after `since`."""
        for record in reversed(self.records):
            if record.lock_id == lock_id and record.arrival >= since:
                return record
        return None
