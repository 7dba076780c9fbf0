"""Real time where the virtual clock cannot see: how long each callback held the event loop.

The virtual clock makes CPU work and blocking calls take no time at all, so a 300 ms blocking
call in every poll would leave every virtual figure unchanged. `LoopWatch` times every callback
the loop runs, in real time, and sorts it by whose code it is: the in-process simulator (its
aiohttp server), the benchmark's own driver and baselines, or Home Assistant with the
integration (everything else). A callback's *blocking time* is its wall time less the time the
operating system took the thread away for other processes (involuntary context switches, read
with `getrusage(RUSAGE_THREAD)`), so a busy shared machine does not count as blocking, while a
`time.sleep` or a blocking read (voluntary waits) does. *Loop lag* is the longest run of Home
Assistant's callbacks in one loop turn: how long a callback that became ready could wait.
"""

from __future__ import annotations

import asyncio
import asyncio.events
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
import resource
import time
from typing import Any

SIMULATOR = "simulator"
DRIVER = "benchmark"
HOME_ASSISTANT = "Home Assistant and the integration"
# A callback held the loop this long or more: counted (the target's threshold).
COUNTED_SECONDS = 0.050
# Callbacks shorter than this are not examined further (the cheap path).
EXAMINE_SECONDS = 0.005


@dataclass
class Longest:
    """The longest blocking of one party, and how many callbacks blocked ≥ 50 ms."""

    seconds: float = 0.0
    name: str = ""
    over: int = 0
    callbacks: int = 0


@dataclass
class LoopWatch:
    """Times every callback of the loop while active (see the module's docstring)."""

    active: bool = False
    parties: dict[str, Longest] = field(default_factory=dict)
    lag: float = 0.0
    _turn: float = 0.0

    def longest(self, party: str = HOME_ASSISTANT) -> Longest:
        """Return one party's longest blocking."""
        return self.parties.setdefault(party, Longest())

    def reset(self) -> None:
        """Forget what was measured."""
        self.parties.clear()
        self.lag = 0.0
        self._turn = 0.0

    def record(self, party: str, blocked: float, name: Callable[[], str]) -> None:
        """Note one callback's blocking time."""
        longest = self.longest(party)
        longest.callbacks += 1
        if blocked >= COUNTED_SECONDS:
            longest.over += 1
        if blocked > longest.seconds:
            longest.seconds = blocked
            longest.name = name()
        if party == HOME_ASSISTANT:
            self._turn += blocked
            self.lag = max(self.lag, self._turn)

    def new_turn(self) -> None:
        """Start a new loop turn (for the lag)."""
        self._turn = 0.0

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Stop measuring for a while (tracemalloc, a restart's setup)."""
        was = self.active
        self.active = False
        try:
            yield
        finally:
            self.active = was


def _code_file(callback: Any) -> str:
    """Return the source file of the code a callback runs (a task's coroutine, a protocol)."""
    owner = getattr(callback, "__self__", None)
    get_coro = getattr(owner, "get_coro", None)
    if get_coro is not None:
        coro = get_coro()
        code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
        if code is not None:
            return str(code.co_filename)
    get_protocol = getattr(owner, "get_protocol", None)
    if get_protocol is not None:
        return str(type(get_protocol()).__module__)
    if owner is not None:
        return str(type(owner).__module__)
    return str(getattr(callback, "__module__", "") or "")


def party_of(callback: Any) -> str:
    """Return whose code a callback runs."""
    where = _code_file(callback)
    if "web_protocol" in where or "/simulator/" in where or where.startswith("simulator"):
        return SIMULATOR
    if "/benchmarks/" in where or where.startswith("benchmarks"):
        return DRIVER
    return HOME_ASSISTANT


def _name(callback: Any) -> str:
    """Return a readable name of a callback (its task's coroutine when it is a task step)."""
    owner = getattr(callback, "__self__", None)
    get_coro = getattr(owner, "get_coro", None)
    if get_coro is not None:
        return str(getattr(get_coro(), "__qualname__", repr(get_coro())))
    return str(getattr(callback, "__qualname__", repr(callback)))


def _blocked(wall: float, cpu: float, voluntary: int, involuntary: int) -> float:
    """Return the wall time less the estimated time other processes had the CPU."""
    waited = max(0.0, wall - cpu)
    switches = voluntary + involuntary
    if not involuntary or not switches:
        return wall
    return cpu + waited * voluntary / switches


@contextmanager
def watching(loop: asyncio.AbstractEventLoop, watch: LoopWatch) -> Iterator[LoopWatch]:
    """Time every callback `loop` runs while `watch.active` (patches asyncio's Handle)."""
    original_run = asyncio.events.Handle._run
    original_turn = loop._run_once  # type: ignore[attr-defined]
    thread = resource.RUSAGE_THREAD

    def timed_run(handle: asyncio.events.Handle) -> None:
        if not watch.active or handle._loop is not loop:  # type: ignore[attr-defined]
            original_run(handle)
            return
        usage = resource.getrusage(thread)
        cpu = time.thread_time()
        start = time.perf_counter()
        original_run(handle)
        wall = time.perf_counter() - start
        callback = handle._callback  # type: ignore[attr-defined]
        if wall < EXAMINE_SECONDS:
            watch.record(party_of(callback), wall, lambda: _name(callback))
            return
        cpu = time.thread_time() - cpu
        after = resource.getrusage(thread)
        blocked = _blocked(
            wall, cpu, after.ru_nvcsw - usage.ru_nvcsw, after.ru_nivcsw - usage.ru_nivcsw
        )
        watch.record(party_of(callback), blocked, lambda: _name(callback))

    def turn() -> None:
        watch.new_turn()
        original_turn()

    asyncio.events.Handle._run = timed_run  # type: ignore[method-assign,assignment]
    loop._run_once = turn  # type: ignore[attr-defined]
    try:
        yield watch
    finally:
        asyncio.events.Handle._run = original_run  # type: ignore[method-assign]
        loop._run_once = original_turn  # type: ignore[attr-defined]
