"""The action pipeline shared by every cloud: what a lock or door shows while a user action runs.

An action is: show its transition (locking / unlocking / opening) at once → send the command →
follow the operation with back-off until the cloud reports the result → settle the final state
from that result → let the coordinator read the state again in the background (never inside the
service call). Actions on one device run one after the other (a device does one thing at a time);
actions on different devices run side by side. When an action fails after the cloud accepted it,
the transition is dropped, so the entity falls back to its last confirmed state, and the next poll
is brought forward.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from .const import LOGGER


class Transition(StrEnum):
    """What a lock or door is doing while a user action runs."""

    LOCKING = "locking"
    UNLOCKING = "unlocking"
    OPENING = "opening"


class OperationTimeoutError(Exception):
    """The cloud did not report the result of an operation in time."""


class ActionInterruptedError(Exception):
    """The entry unloaded while an operation was followed: its result is not read any more."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowPlan:
    """When to read an operation's progress: first near its typical duration, then growing.

    After the first read, `steady_reads` reads follow every `interval` (the span in which most
    operations end, so the result is seen at most one interval late); later waits grow by
    `growth` up to `max_interval`, so an operation that hangs costs few requests.
    """

    first_delay: float
    interval: float
    steady_reads: int = 0
    growth: float = 1.5
    max_interval: float = 5.0
    max_wait: float = 30.0

    def delays(self) -> list[float]:
        """Return the waits before each status read, within `max_wait` in total."""
        waits: list[float] = []
        total, wait = 0.0, self.first_delay
        while total + wait <= self.max_wait:
            waits.append(wait)
            total += wait
            grown = max(0, len(waits) - max(1, self.steady_reads))
            wait = min(self.interval * self.growth**grown, self.max_interval)
        return waits


@dataclass(eq=False, kw_only=True)
class ActionPipeline:
    """Runs user actions and knows which device shows which transition."""

    on_change: Callable[[], None]
    bring_poll_forward: Callable[[], None]
    # The pipeline's clock (the event loop's).
    now: Callable[[], float]
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _transitions: dict[str, Transition] = field(default_factory=dict, init=False)
    _device_locks: dict[str, asyncio.Lock] = field(default_factory=dict, init=False)
    _closed: bool = field(default=False, init=False)

    def close(self) -> None:
        """Stop following operations (the entry unloads): nothing is read for them any more."""
        self._closed = True

    def transition_of(self, key: str) -> Transition | None:
        """Return the transition a device shows while an action runs on it."""
        return self._transitions.get(key)

    async def run[T](
        self, key: str, transition: Transition | None, operate: Callable[[], Awaitable[T]]
    ) -> T:
        """Run one action on one device: show its transition until it ends, either way."""
        lock = self._device_locks.setdefault(key, asyncio.Lock())
        async with lock:
            if transition is not None:
                self._transitions[key] = transition
                self.on_change()
            try:
                return await operate()
            except Exception:
                # The last confirmed state shows again; the next poll tells what happened.
                self.bring_poll_forward()
                raise
            finally:
                if self._transitions.pop(key, None) is not None:
                    self.on_change()

    async def follow[S](
        self,
        read: Callable[[], Awaitable[S]],
        done: Callable[[S], bool],
        plan: FollowPlan,
        *,
        started_at: float | None = None,
    ) -> S:
        """Read an operation's progress on the plan's schedule until it is done.

        The schedule is kept from when requests were *sent*: the first read `first_delay`
        after the command left (`started_at`; the operation began when the cloud received
        it, before its answer came back), each next one its wait after the previous read
        left. A read whose answer comes later than its successor is due goes out at once.
        """
        due = self.now() if started_at is None else started_at
        for wait in plan.delays():
            due += wait
            if (pause := due - self.now()) > 0:
                await self.sleep(pause)
            if self._closed:
                raise ActionInterruptedError
            due = self.now()
            progress = await read()
            if done(progress):
                return progress
        LOGGER.debug("Operation not finished within %.0f s", plan.max_wait)
        raise OperationTimeoutError
