"""The one scheduling point for every request to one cloud account.

Polling, pages of listings, user actions and manual refreshes all pass through
`RequestScheduler.run`, which keeps the cloud's documented limits:

- a minimum interval per endpoint (and per device where the rule is per device: Tedee's lock
  sync every 20 s), measured from when the previous response *arrived*, plus a safety margin
  (`margin`). Timed from the arrival, the cloud sees at least interval + margin between two
  requests whatever the network took (the previous request's trip and processing lie before
  the arrival), so latency needs no extra margin here; the margin widens after a 429 and
  narrows again, halving every 10 minutes without one;
- a count per time window (Tedee: the lock list 10 times per 10 minutes), counted from when
  requests were *sent*, so its margin (`window_margin`) also covers half the slowest recent
  round trip (an earlier request may have reached the cloud later than ours left);
- a rolling hourly budget, with a reserve that only user actions may use;
- a 429's `Retry-After`, for the group of endpoints the cloud refused (a 429 on the lock sync
  does not stop a lock operation), so no request of ours ever lands inside that window; a
  wait longer than `MAX_RETRY_AFTER` (one hour) is cut to it, so that no answer can stop
  requests for good;
- an exponential back-off with jitter after outages, for polling only (a person's action is
  never held back by our own back-off).

It has no Home Assistant imports; the clock is injected (the event loop's monotonic time).
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from enum import Enum
import random
from typing import TYPE_CHECKING, Any

from .api import RateLimitError
from .const import LOGGER

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

HOUR = 3600.0
# The longest wait a 429 can impose: a larger Retry-After (10^9 s, a date in 2100) is cut.
MAX_RETRY_AFTER = HOUR
# A 429 that names no wait blocks its group this long.
DEFAULT_RETRY_AFTER = 60.0
# Polling after an outage waits BACKOFF_BASE seconds, doubling with each outage in a row, up to
# BACKOFF_CAP (each ±20 %).
BACKOFF_BASE = 30.0
BACKOFF_CAP = 900.0
BASE_MARGIN = 0.5
MAX_MARGIN = 5.0
# A 429's widening of the margin halves every this many seconds without another 429.
BOOST_HALF_LIFE = 600.0
# Share of the slowest recent round trip added to the margin of count windows.
LATENCY_SHARE = 0.5
RECENT_ROUND_TRIPS = 20


class Priority(Enum):
    """Who asks for a request: polling may not use the reserve kept for user actions."""

    BACKGROUND = "background"
    USER = "user"


class RequestDeferredError(Exception):
    """The request was not sent: its endpoint is cooling down or the budget is spent."""

    def __init__(self, reason: str, retry_in: float) -> None:
        super().__init__(f"request deferred ({reason}), retry in {retry_in:.0f} s")
        self.reason = reason
        self.retry_in = retry_in


class WindowFullError(RequestDeferredError):
    """Polling was not sent: the endpoint's documented count window is full for now."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Limit:
    """A cloud's documented limit on one endpoint."""

    # What a 429 on this endpoint blocks: every endpoint of the same group.
    group: str
    # Seconds between two requests (per key when the caller gives one, e.g. per lock).
    min_interval: float = 0.0
    # At most `window_count` requests per `window` seconds.
    window_count: int | None = None
    window: float = 0.0


@dataclass(slots=True)
class RateLimitNote:
    """What the scheduler learnt from a 429."""

    endpoint: str
    retry_after: float
    # Seconds between our previous request to this endpoint's rule and this one (None: first).
    gap: float | None
    # Whether our own pacing explains it (a gap below the documented interval, budget spent).
    self_caused: bool
    # Whether this starts a new episode (the first 429 since requests last went through).
    first: bool


@dataclass(slots=True)
class _Slot:
    """When one endpoint (for one key) was last used."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    sent_at: float | None = None
    arrived_at: float | None = None


@dataclass(eq=False)
class RequestScheduler:
    """Owns the limits, slots, cooldowns and the hourly budget of one cloud account."""

    _clock: Callable[[], float]
    _: KW_ONLY
    hourly_limit: int
    action_reserve: int
    limits: Mapping[str, Limit] = field(default_factory=dict)
    # Jitter of the back-off after outages (not cryptography).
    rng: random.Random = field(default_factory=random.Random)
    total_sent: int = field(default=0, init=False)
    rate_limited: Counter[str] = field(default_factory=Counter, init=False)
    self_caused_429: int = field(default=0, init=False)
    other_429: int = field(default=0, init=False)
    last_rate_limit: RateLimitNote | None = field(default=None, init=False)
    _sent: deque[tuple[float, str]] = field(default_factory=deque, init=False)
    _windows: dict[str, deque[float]] = field(default_factory=dict, init=False)
    _slots: dict[Hashable, _Slot] = field(default_factory=dict, init=False)
    _group_blocked_until: dict[str, float] = field(default_factory=dict, init=False)
    _backoff_until: float = field(default=0.0, init=False)
    _failures: int = field(default=0, init=False)
    _round_trips: deque[float] = field(
        default_factory=lambda: deque(maxlen=RECENT_ROUND_TRIPS), init=False
    )
    _margin_boost: float = field(default=0.0, init=False)
    _boosted_at: float = field(default=0.0, init=False)
    _in_episode: set[str] = field(default_factory=set, init=False)
    _cap_logged: bool = field(default=False, init=False)

    # ---- what callers may ask ----------------------------------------------------------------

    def limit_of(self, endpoint: str) -> Limit:
        """Return an endpoint's limit (unknown endpoints are their own 429 group)."""
        return self.limits.get(endpoint) or Limit(group=endpoint)

    @property
    def margin(self) -> float:
        """Return the safety margin kept on top of every documented interval (seconds)."""
        return min(MAX_MARGIN, BASE_MARGIN + self._boost())

    @property
    def window_margin(self) -> float:
        """Return the margin of count windows (sent-timed): `margin` plus the latency seen."""
        latency = max(self._round_trips, default=0.0) * LATENCY_SHARE
        return min(MAX_MARGIN, self.margin + latency)

    def _boost(self) -> float:
        """Return what the last 429 still adds to the margin (halving every half-life)."""
        if not self._margin_boost:
            return 0.0
        elapsed = max(0.0, self._clock() - self._boosted_at)
        decay: float = 0.5 ** (elapsed / BOOST_HALF_LIFE)
        return self._margin_boost * decay

    def used_last_hour(self) -> int:
        """Return how many requests were sent in the rolling hour."""
        self._prune(self._clock())
        return len(self._sent)

    def cooling_down_for(self, endpoint: str | None = None) -> float:
        """Return the seconds an endpoint (or, without one, any endpoint) must still wait."""
        now = self._clock()
        if endpoint is None:
            until = max(self._group_blocked_until.values(), default=0.0)
        else:
            until = self._group_blocked_until.get(self.limit_of(endpoint).group, 0.0)
        return max(0.0, until - now)

    def slot_free_in(self, endpoint: str, key: Hashable | None = None) -> float:
        """Return the seconds until the endpoint (for the key) may be used again."""
        interval = self.limit_of(endpoint).min_interval
        slot = self._slots.get((endpoint, key))
        if not interval or slot is None:
            return 0.0
        since = slot.arrived_at if slot.arrived_at is not None else slot.sent_at
        if since is None:
            return 0.0
        return max(0.0, since + interval + self.margin - self._clock())

    def window_free_in(self, endpoint: str) -> float:
        """Return the seconds until the endpoint's count window has a place (0: it has one)."""
        limit = self.limit_of(endpoint)
        window = self._windows.get(endpoint)
        if limit.window_count is None or not window:
            return 0.0
        now = self._clock()
        inside = [sent for sent in window if sent > now - limit.window]
        if len(inside) < limit.window_count:
            return 0.0
        return max(0.0, inside[-limit.window_count] + limit.window + self.window_margin - now)

    # ---- sending -------------------------------------------------------------------------------

    async def run[T](
        self,
        send: Callable[[], Awaitable[T]],
        *,
        endpoint: str,
        key: Hashable | None = None,
        priority: Priority = Priority.BACKGROUND,
    ) -> T:
        """Send one request when its limits allow; count it; learn from its answer."""
        limit = self.limit_of(endpoint)
        if not limit.min_interval:
            await self._wait_for_window(endpoint, limit, priority)
            return await self._send(send, endpoint, limit, None, priority)
        slot = self._slots.setdefault((endpoint, key), _Slot())
        async with slot.lock:
            if wait := self.slot_free_in(endpoint, key):
                await asyncio.sleep(wait)
            await self._wait_for_window(endpoint, limit, priority)
            return await self._send(send, endpoint, limit, slot, priority)

    async def _wait_for_window(self, endpoint: str, limit: Limit, priority: Priority) -> None:
        """Wait for a place in the endpoint's count window (polling defers instead)."""
        if limit.window_count is None:
            return
        window = self._windows.setdefault(endpoint, deque())
        now = self._clock()
        while window and window[0] <= now - limit.window:
            window.popleft()
        if len(window) < limit.window_count:
            return
        wait = window[0] + limit.window + self.window_margin - now
        if priority is Priority.BACKGROUND:
            raise WindowFullError(f"{endpoint} window full", wait)
        await asyncio.sleep(wait)

    def _check_allowed(self, endpoint: str, limit: Limit, priority: Priority) -> None:
        """Raise when the cloud or our budget says no request of this kind may go out now."""
        now = self._clock()
        blocked_until = self._group_blocked_until.get(limit.group, 0.0)
        if now < blocked_until:
            raise RequestDeferredError(f"{endpoint} cooling down", blocked_until - now)
        if priority is Priority.BACKGROUND and now < self._backoff_until:
            raise RequestDeferredError("backing off after an outage", self._backoff_until - now)
        self._prune(now)
        reserve = 0 if priority is Priority.USER else self.action_reserve
        if len(self._sent) >= self.hourly_limit - reserve:
            retry_in = self._sent[0][0] + HOUR - now if self._sent else 0.0
            raise RequestDeferredError("hourly budget used", max(retry_in, 1.0))

    async def _send[T](
        self,
        send: Callable[[], Awaitable[T]],
        endpoint: str,
        limit: Limit,
        slot: _Slot | None,
        priority: Priority,
    ) -> T:
        """Record and send one request; note when its answer arrived."""
        self._check_allowed(endpoint, limit, priority)
        sent_at = self._clock()
        previous = None if slot is None else (slot.arrived_at or slot.sent_at)
        self._sent.append((sent_at, endpoint))
        self.total_sent += 1
        if limit.window_count is not None:
            self._windows.setdefault(endpoint, deque()).append(sent_at)
        if slot is not None:
            slot.sent_at = sent_at
        try:
            result = await send()
        except RateLimitError as err:
            self._note_rate_limited(endpoint, limit, err.retry_after, sent_at, previous)
            raise
        finally:
            self._arrived(slot, sent_at)
        self._in_episode.discard(limit.group)
        return result

    def _arrived(self, slot: _Slot | None, sent_at: float) -> None:
        """Note that an answer (of any kind) arrived now."""
        now = self._clock()
        self._round_trips.append(max(0.0, now - sent_at))
        if slot is not None:
            slot.arrived_at = now

    def _note_rate_limited(
        self,
        endpoint: str,
        limit: Limit,
        retry_after: float | None,
        sent_at: float,
        previous: float | None,
    ) -> None:
        """Block the refused group for the cloud's Retry-After; widen the margin."""
        now = self._clock()
        wait = retry_after if retry_after is not None else DEFAULT_RETRY_AFTER
        if wait > MAX_RETRY_AFTER:
            if not self._cap_logged:
                self._cap_logged = True
                LOGGER.warning(
                    "A 429 to %s asked to wait %.0f s; waiting %.0f s instead (the longest "
                    "wait Door Access accepts; said once)",
                    endpoint,
                    wait,
                    MAX_RETRY_AFTER,
                )
            wait = MAX_RETRY_AFTER
        group = limit.group
        self._margin_boost = min(MAX_MARGIN, max(1.0, self._boost() * 2))
        self._boosted_at = now
        self._group_blocked_until[group] = max(
            self._group_blocked_until.get(group, 0.0), now + wait + self.margin
        )
        gap = None if previous is None else sent_at - previous
        self_caused = (gap is not None and gap < limit.min_interval) or (
            len(self._sent) > self.hourly_limit
        )
        if self_caused:
            self.self_caused_429 += 1
        else:
            self.other_429 += 1
        self.rate_limited[endpoint] += 1
        first = group not in self._in_episode
        self._in_episode.add(group)
        self.last_rate_limit = RateLimitNote(
            endpoint=endpoint, retry_after=wait, gap=gap, self_caused=self_caused, first=first
        )

    # ---- outages -------------------------------------------------------------------------------

    def note_outage(self) -> float:
        """Back polling off exponentially, with jitter, after a failed poll; return the wait."""
        self._failures += 1
        delay: float = min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** (self._failures - 1))
        delay *= self.rng.uniform(0.8, 1.2)
        self._backoff_until = max(self._backoff_until, self._clock() + delay)
        return delay

    def note_success(self) -> None:
        """Forget past failures once the cloud answers again."""
        self._failures = 0
        self._backoff_until = 0.0

    # ---- what diagnostics show -----------------------------------------------------------------

    def _prune(self, now: float) -> None:
        """Forget requests older than one hour."""
        while self._sent and self._sent[0][0] <= now - HOUR:
            self._sent.popleft()

    def report(self) -> dict[str, Any]:
        """Return the budget, margin, cooldowns and 429s, for diagnostics."""
        now = self._clock()
        self._prune(now)
        return {
            "hourly_limit": self.hourly_limit,
            "action_reserve": self.action_reserve,
            "used_last_hour": len(self._sent),
            "requests_last_hour": dict(Counter(endpoint for _, endpoint in self._sent)),
            "total_sent": self.total_sent,
            "margin_seconds": round(self.margin, 3),
            "window_margin_seconds": round(self.window_margin, 3),
            "cooldowns_seconds": {
                group: round(until - now, 1)
                for group, until in self._group_blocked_until.items()
                if until > now
            },
            "backoff_seconds": round(max(0.0, self._backoff_until - now), 1),
            "rate_limited": {
                "self_caused": self.self_caused_429,
                "other": self.other_429,
                "by_endpoint": dict(self.rate_limited),
            },
        }


def scheduler_factory(
    *, hourly_limit: int, action_reserve: int, limits: Mapping[str, Limit]
) -> Callable[[HomeAssistant], RequestScheduler]:
    """Return how a cloud builds one account's scheduler: its limits, on the event loop's clock."""
    return lambda hass: RequestScheduler(
        hass.loop.time, hourly_limit=hourly_limit, action_reserve=action_reserve, limits=limits
    )
