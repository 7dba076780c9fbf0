"""How many extra reads a poll may send, and which locks' activity they read: pure planning.

Every poll sends one bulk lock sync (and, on their own intervals, gate reads and the lock
listing). What the account's hourly budget has left after that polling and after the reserve
kept for people's actions is spread evenly over the polls of the hour: the *spare* reads of a
poll. Lock details whose revision changed take them first (the coordinator), then activity:
first the locks whose state moved, newest move first, then catch-up reads round robin with
what is left. Nothing here does I/O or knows Home Assistant; the coordinator feeds it numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
import math
from typing import Final

HOUR: Final = 3600.0
# Spare reads not spent in one poll may be spent in a later one, but no more than this many
# at once (a burst of reads after a quiet while stays small).
MAX_CARRY: Final = 6.0
# Requests kept back, beyond what the rest of the hour's polling needs, in case the estimate
# of polling is short (a gate read that needed a page more, a listing that went on).
SAFETY: Final = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class Budget:
    """The account's hourly budget as one poll sees it."""

    hourly_limit: int
    # Requests per hour only people's actions may use.
    action_reserve: int
    # Requests sent in the rolling hour (polling, actions, extra reads).
    used_last_hour: int
    # Seconds from one poll to the next.
    poll_interval: float
    # Requests polling itself sends per poll, on average (the sync, gates, listings).
    polling_per_poll: float

    @property
    def polls_per_hour(self) -> float:
        """Return how many polls an hour holds."""
        return HOUR / max(self.poll_interval, 1.0)

    @property
    def spare_per_poll(self) -> float:
        """Return the extra reads one poll may send in steady state (never negative)."""
        background = self.hourly_limit - self.action_reserve
        return max(0.0, background / self.polls_per_hour - self.polling_per_poll)


def spare_reads(budget: Budget, carry: float = 0.0) -> tuple[int, float]:
    """Return the extra reads this poll may send, and what it carries to the next poll.

    The steady share (`Budget.spare_per_poll`) plus what earlier polls left unspent (at most
    `MAX_CARRY`), but never more than the rolling hour still has beside what this and the
    hour's next polls need (an hour's polling at most), so polling itself is never held back.
    """
    share = budget.spare_per_poll + min(max(carry, 0.0), MAX_CARRY)
    background = budget.hourly_limit - budget.action_reserve
    polling_ahead = math.ceil(budget.polling_per_poll * min(budget.polls_per_hour, 10.0))
    room = background - budget.used_last_hour - polling_ahead - SAFETY
    reads = max(0, min(math.floor(share), room))
    return reads, min(share - reads, MAX_CARRY)


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityPlan:
    """Which locks' activity one poll reads: moved ones first, then catch-up."""

    moved: tuple[int, ...]
    catch_up: tuple[int, ...]

    @property
    def reads(self) -> tuple[int, ...]:
        """Return every lock to read, in order."""
        return self.moved + self.catch_up


def plan_activity(
    *,
    slots: int,
    moved: Mapping[int, float],
    last_read: Mapping[int, float],
    locks: Iterable[int],
    now: float,
    catch_up_interval: float,
    catch_up_reads: int,
) -> ActivityPlan:
    """Plan one poll's activity reads within `slots` reads.

    `moved` maps a lock whose state moved (or that one of our actions operated) to when that
    was noticed: those are read first, newest first (the newest move is the one a person is
    waiting for; an older one is already late, and its read delivers it later anyway). What is
    left goes to catch-up reads for what changes no state (a wrong PIN), at most
    `catch_up_reads` (the pace the caller keeps): the locks read least recently first, each at
    most once per `catch_up_interval` (0: no catch-up reads).
    """
    if slots <= 0:
        return ActivityPlan(moved=(), catch_up=())
    by_newest = sorted(moved, key=lambda lock_id: (-moved[lock_id], lock_id))
    chosen = tuple(by_newest[:slots])
    left = min(slots - len(chosen), catch_up_reads)
    catch_up: tuple[int, ...] = ()
    if left > 0 and catch_up_interval > 0:
        never = float("-inf")
        candidates = [
            lock_id
            for lock_id in locks
            if lock_id not in moved and now - last_read.get(lock_id, never) >= catch_up_interval
        ]
        candidates.sort(key=lambda lock_id: (last_read.get(lock_id, never), lock_id))
        catch_up = tuple(candidates[:left])
    return ActivityPlan(moved=chosen, catch_up=catch_up)
