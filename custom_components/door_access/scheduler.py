"""The one scheduling point for every request to one cloud account.

Polling, user actions and manual refreshes all pass through `RequestScheduler.run`, which
keeps the cloud's limits: a minimum interval per slot (Tedee: one lock sync per 20 s), a
rolling hourly budget with a reserve that only user actions may use, the cloud's
`Retry-After` after a 429, and an exponential back-off with jitter after outages.
It has no Home Assistant imports; the clock is injected (the event loop's monotonic time).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from enum import Enum
import random


class Priority(Enum):
    """Who asks for a request: polling may not use the reserve kept for user actions."""

    BACKGROUND = "background"
    USER = "user"


class RequestDeferredError(Exception):
    """The request was not sent: the account is cooling down or the budget is spent."""

    def __init__(self, reason: str, retry_in: float) -> None:
        super().__init__(f"request deferred ({reason}), retry in {retry_in:.0f} s")
        self.reason = reason
        self.retry_in = retry_in


class RequestScheduler:
    """Owns the request slots and the hourly budget of one cloud account."""

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        hourly_limit: int,
        action_reserve: int,
        slot_intervals: dict[Hashable, float] | None = None,
        backoff_base: float = 30.0,
        backoff_cap: float = 900.0,
        default_retry_after: float = 60.0,
        rng: random.Random | None = None,
    ) -> None:
        self._clock = clock
        self.hourly_limit = hourly_limit
        self.action_reserve = action_reserve
        self._slot_intervals = dict(slot_intervals or {})
        self._slot_last_used: dict[Hashable, float] = {}
        self._sent: deque[float] = deque()
        self._blocked_until = 0.0
        self._failures = 0
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._default_retry_after = default_retry_after
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not cryptography)
        self._slot_locks: dict[Hashable, asyncio.Lock] = {}
        self.total_sent = 0

    def _prune(self, now: float) -> None:
        """Forget requests older than one hour."""
        while self._sent and self._sent[0] <= now - 3600.0:
            self._sent.popleft()

    def used_last_hour(self) -> int:
        """Return how many requests were sent in the rolling hour."""
        self._prune(self._clock())
        return len(self._sent)

    def cooling_down_for(self) -> float:
        """Return seconds left before any request may go out (429 or back-off)."""
        return max(0.0, self._blocked_until - self._clock())

    def slot_free_in(self, slot: Hashable) -> float:
        """Return seconds until the slot may be used again."""
        interval = self._interval(slot)
        last = self._slot_last_used.get(slot)
        if interval is None or last is None:
            return 0.0
        return max(0.0, last + interval - self._clock())

    def _interval(self, slot: Hashable) -> float | None:
        """Return the minimum interval of a slot (by its name or its first element)."""
        if slot in self._slot_intervals:
            return self._slot_intervals[slot]
        if isinstance(slot, tuple) and slot and slot[0] in self._slot_intervals:
            return self._slot_intervals[slot[0]]
        return None

    def _budget_for(self, priority: Priority) -> int:
        """Return how many requests per hour this priority may use."""
        if priority is Priority.USER:
            return self.hourly_limit
        return self.hourly_limit - self.action_reserve

    def _check_allowed(self, priority: Priority) -> None:
        """Raise when no request may go out now."""
        now = self._clock()
        if now < self._blocked_until:
            raise RequestDeferredError("cooling down", self._blocked_until - now)
        self._prune(now)
        if len(self._sent) >= self._budget_for(priority):
            retry_in = self._sent[0] + 3600.0 - now if self._sent else 0.0
            raise RequestDeferredError("hourly budget used", max(retry_in, 1.0))

    async def run[T](
        self,
        send: Callable[[], Awaitable[T]],
        *,
        priority: Priority = Priority.BACKGROUND,
        slot: Hashable | None = None,
    ) -> T:
        """Send one request when allowed: wait for its slot, keep the budget, count it."""
        if slot is None:
            self._check_allowed(priority)
            return await self._send(send)
        lock = self._slot_locks.setdefault(slot, asyncio.Lock())
        async with lock:
            if wait := self.slot_free_in(slot):
                await asyncio.sleep(wait)
            self._check_allowed(priority)
            self._slot_last_used[slot] = self._clock()
            return await self._send(send)

    async def _send[T](self, send: Callable[[], Awaitable[T]]) -> T:
        """Record and send one request."""
        self._sent.append(self._clock())
        self.total_sent += 1
        return await send()

    def note_rate_limited(self, retry_after: float | None) -> float:
        """Stop every request until the cloud's Retry-After has passed; return the wait."""
        wait = retry_after if retry_after is not None else self._default_retry_after
        self._blocked_until = max(self._blocked_until, self._clock() + wait)
        return wait

    def note_outage(self) -> float:
        """Back off exponentially, with jitter, after a failed request; return the wait."""
        self._failures += 1
        delay: float = min(self._backoff_cap, self._backoff_base * 2.0 ** (self._failures - 1))
        delay *= self._rng.uniform(0.8, 1.2)
        self._blocked_until = max(self._blocked_until, self._clock() + delay)
        return delay

    def note_success(self) -> None:
        """Forget past failures once the cloud answers again."""
        self._failures = 0

    @property
    def consecutive_failures(self) -> int:
        """Return how many outages in a row were noted."""
        return self._failures
