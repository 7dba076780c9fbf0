"""An asyncio event loop on a virtual clock: a simulated day passes in minutes.

`VirtualTimeLoop.time()` returns virtual seconds. When the loop has nothing ready to run it
first polls the selector for real I/O with a short real timeout (loopback requests in flight
complete), and waits for real as long as an executor job is pending; only when nothing is
pending does it move the clock straight to the next scheduled timer. A timer therefore never
fires while an answer is on its way: virtual time passes only through timers (Home Assistant's
poll timers, the simulator's latency sleeps, the scheduler's waits), never through CPU work or
real I/O, which take no virtual time at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import concurrent.futures
from datetime import UTC, datetime, timedelta
import selectors
from typing import Any

# Real seconds the selector is polled before the clock may jump.
IO_POLL_SECONDS = 0.002
# Real seconds between checks while an executor job is pending.
EXECUTOR_WAIT_SECONDS = 0.05
# Virtual monotonic time at the start (any value; HA rounds it down to whole seconds).
START_MONOTONIC = 1_000_000.0
# Virtual wall clock at the start.
START_UTC = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


class _VirtualSelector(selectors.BaseSelector):
    """Wraps the real selector: polls real I/O briefly, then lets the loop's clock jump."""

    def __init__(self, real: selectors.BaseSelector, loop: VirtualTimeLoop) -> None:
        self._real = real
        self._loop = loop

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        """Register a file object with the real selector."""
        return self._real.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        """Unregister a file object from the real selector."""
        return self._real.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        """Change what the real selector watches for a file object."""
        return self._real.modify(fileobj, events, data)

    def get_map(self) -> Any:
        """Return the real selector's map of file objects."""
        return self._real.get_map()

    def close(self) -> None:
        """Close the real selector."""
        self._real.close()

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        """Return ready I/O; with none, pending or in flight, jump to the next timer."""
        if timeout is not None and timeout <= 0:
            return self._real.select(0)
        while True:
            events = self._real.select(self._loop.io_poll)
            if events:
                return events
            if not self._loop.executor_jobs:
                break
            events = self._real.select(EXECUTOR_WAIT_SECONDS)
            if events:
                return events
        if timeout is None:
            # No timer at all: only another thread can wake the loop.
            return self._real.select(None)
        self._loop.jump(timeout)
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose clock is virtual and jumps from timer to timer."""

    def __init__(self, start: float = START_MONOTONIC, io_poll: float = IO_POLL_SECONDS) -> None:
        super().__init__(selectors.DefaultSelector())
        self._now = start
        # Real seconds the selector is polled for I/O before the clock may jump.
        self.io_poll = io_poll
        self.start = start
        self.executor_jobs = 0
        self.jumps = 0
        self.set_default_executor(concurrent.futures.ThreadPoolExecutor(max_workers=4))
        self._selector: selectors.BaseSelector = _VirtualSelector(self._selector, self)

    def time(self) -> float:
        """Return the virtual monotonic time."""
        return self._now

    def jump(self, seconds: float) -> None:
        """Move the clock forward to the next timer (called only when nothing is pending)."""
        self._now += max(0.0, seconds)
        self.jumps += 1

    @property
    def elapsed(self) -> float:
        """Return the virtual seconds since the loop was created."""
        return self._now - self.start

    def utcnow(self) -> datetime:
        """Return the virtual wall clock, moving with the virtual monotonic clock."""
        return START_UTC + timedelta(seconds=self.elapsed)

    def timestamp(self) -> float:
        """Return the virtual wall clock as POSIX seconds."""
        return START_UTC.timestamp() + self.elapsed

    def run_in_executor(  # type: ignore[override]
        self, executor: concurrent.futures.Executor | None, func: Callable[..., Any], *args: Any
    ) -> asyncio.Future[Any]:
        """Run a job in a thread; the clock holds still until it is done."""
        future = super().run_in_executor(executor, func, *args)
        self.executor_jobs += 1

        def done(_future: asyncio.Future[Any]) -> None:
            self.executor_jobs -= 1

        future.add_done_callback(done)
        return future
