"""Tedee device activity, read sparingly and delivered exactly once, in order, per lock.

Activity is read for a lock only when it is likely to have some: when the lock's state, its
last-state-change time, charging or jam flag moved since the previous poll, after one of our
own actions, and by a slow catch-up read (one lock at a time, round robin) for what changes no
state (a wrong PIN, a postponed lock). Every read goes through the account's scheduler as
polling, within the hourly budget and a window of its own (`ACTIVITY_LIMIT`).

Each lock has a cursor (the newest delivered date and the ids at that date), kept on disk, so
nothing is delivered twice across restarts and reloads; a lock seen for the first time starts
from now. A read that cannot finish (429, outage, budget) delivers nothing and is retried.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
import math
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.util import dt as dt_util

from ..api import (
    Activity,
    AuthError,
    BadResponseError,
    CloudConnectionError,
    Lock,
    RateLimitError,
)
from ..const import LOGGER
from ..cursor import FeedCursor, starting_now
from ..scheduler import Limit, RequestDeferredError
from ..storage import feed_store
from .activity_kinds import OPERATIONS, kind_of

# The scope a token needs to read device activity.
ACTIVITY_SCOPE: Final = "DeviceActivity.Read"
# Keys (unique-id suffixes) of the entities that show activity.
ACTIVITY_ENTITY_KEYS: Final = ("activity", "last_operated_by")
# The first page of a read is small (usually one or two items are new); later ones are full.
FIRST_PAGE: Final = 20
PAGE: Final = 200
MAX_PAGES: Final = 5
# Catch-up reads are spread out: at most one every 120 s (30 per hour), whatever the locks.
CATCH_UP_SPACING: Final = 120.0
# Every activity read together: at most 60 per rolling hour (under 9 % of Tedee's 700).
ACTIVITY_LIMIT: Final = Limit(group="device_activity", window_count=60, window=3600.0)

# Read one page: (lock id, elements, older than) -> activities, newest first.
type ReadActivity = Callable[[int, int, datetime | None], Awaitable[list[Activity]]]
type Fingerprint = tuple[object, ...]


def catch_up_spacing(interval: float, locks: int) -> float:
    """Return the seconds between two catch-up reads, each of `locks` read every `interval`."""
    return max(interval / max(locks, 1), CATCH_UP_SPACING)


def activity_reads_per_hour(
    *,
    locks: int,
    catch_up_minutes: float,
    moves_per_hour: float = 0.0,
    poll_interval: float = 0.0,
) -> float:
    """Return the activity reads per hour in steady state (what the budget pays for them).

    `locks` are the locks that report a state, `moves_per_hour` how often one of them moves
    (each move costs one read when a page holds what is new). Reads happen in polls: with a
    `poll_interval`, a catch-up waits for the first poll after its time. Never above
    `ACTIVITY_LIMIT`.
    """
    catch_up = 0.0
    if catch_up_minutes and locks:
        spacing = catch_up_spacing(60.0 * catch_up_minutes, locks)
        if poll_interval:
            spacing = math.ceil(spacing / poll_interval) * poll_interval
        catch_up = 3600.0 / spacing
    return min(float(ACTIVITY_LIMIT.window_count or 0), catch_up + moves_per_hour)


def _order(activity: Activity) -> tuple[datetime, int]:
    """Return the order activities are delivered in: by date, then id."""
    return activity.date, activity.id


def _fingerprint(lock: Lock) -> Fingerprint | None:
    """Return what of a lock's state tells that it has new activity (None: no state)."""
    status = lock.status
    if status is None:
        return None
    return (
        status.state,
        status.last_state_changed,
        status.is_charging,
        status.state_change_result,
    )


@dataclass(frozen=True, slots=True)
class LastOperation:
    """The latest operation of a lock that names a person."""

    user: str
    event_type: str
    method: str | None
    date: datetime

    def as_dict(self) -> dict[str, Any]:
        """Return it as stored."""
        return {
            "user": self.user,
            "event_type": self.event_type,
            "method": self.method,
            "date": self.date.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: object) -> LastOperation | None:
        """Read a stored one; None when missing or malformed."""
        if not isinstance(data, Mapping):
            return None
        date = dt_util.parse_datetime(str(data.get("date", "")))
        user, event_type, method = data.get("user"), data.get("event_type"), data.get("method")
        if date is None or not isinstance(user, str) or not isinstance(event_type, str):
            return None
        return cls(user, event_type, method if isinstance(method, str) else None, date)


@dataclass(frozen=True, slots=True)
class LockActivity:
    """What a lock's activity sensors read."""

    last_operation: LastOperation | None


class ActivityReader:
    """Reads the device activity of an account's locks and hands it to their listeners."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        read: ReadActivity,
        *,
        catch_up_interval: float,
        clock: Callable[[], float],
    ) -> None:
        self._store = feed_store(hass, entry_id)
        self._read = read
        self._clock = clock
        self.catch_up_interval = catch_up_interval
        self._cursors: dict[int, FeedCursor] = {}
        self._last_operation: dict[int, LastOperation] = {}
        self._seen: dict[int, Fingerprint | None] = {}
        self._pending: set[int] = set()
        self._last_read: dict[int, float] = {}
        self._next_catch_up = clock() + CATCH_UP_SPACING
        self._listeners: dict[int, list[Callable[[Activity], None]]] = {}
        self._dirty = False
        # None until a read tells; True once Tedee refused the scope (403).
        self.scope_missing: bool | None = None

    # ---- what the coordinator asks ---------------------------------------------------------

    @property
    def enabled(self) -> bool:
        """Tell whether activity can be read (the token has the scope, as far as known)."""
        return self.scope_missing is not True

    @property
    def pending(self) -> frozenset[int]:
        """Return the locks whose activity is due to be read."""
        return frozenset(self._pending)

    async def async_start(self, locks: Mapping[int, Lock]) -> None:
        """Load the cursors, note the locks, and check the scope once (no delivery yet).

        A lock whose last state change is newer than its stored cursor changed while Home
        Assistant was away: it is read on the next poll.
        """
        await self._async_load()
        for lock_id, lock in locks.items():
            cursor = self._cursors.get(lock_id)
            changed = None if lock.status is None else lock.status.last_state_changed
            if cursor is not None and changed is not None and changed > cursor.date:
                self._pending.add(lock_id)
        self.note_locks(locks)
        if locks and self.scope_missing is None:
            await self._probe(next(iter(locks)))
        await self._async_save()

    def note_locks(self, locks: Mapping[int, Lock]) -> None:
        """Start a cursor for new locks; mark the locks whose state moved since last poll."""
        for lock_id, lock in locks.items():
            fingerprint = _fingerprint(lock)
            if lock_id not in self._cursors:
                self._cursors[lock_id] = starting_now()
                self._dirty = True
            elif lock_id in self._seen and self._seen[lock_id] != fingerprint:
                self._pending.add(lock_id)
            self._seen[lock_id] = fingerprint
        for lock_id in set(self._cursors) - locks.keys():
            self._forget(lock_id)

    def mark(self, lock_id: int) -> None:
        """Read a lock's activity on the next poll (after one of our own actions)."""
        if lock_id in self._cursors:
            self._pending.add(lock_id)

    async def async_read_due(self) -> None:
        """Read every lock that is due (and one catch-up), delivering what is new.

        Stops at the first read the cloud or the budget holds back; those locks stay due.
        """
        if not self.enabled:
            self._pending.clear()
            return
        due = sorted(self._pending)
        if (catch_up := self._catch_up_due()) is not None and catch_up not in due:
            due.append(catch_up)
        for lock_id in due:
            if not await self._read_and_deliver(lock_id):
                break
        await self._async_save()

    def subscribe(self, lock_id: int, listener: Callable[[Activity], None]) -> CALLBACK_TYPE:
        """Hand a lock's new activities to `listener`, oldest first; return how to stop."""
        listeners = self._listeners.setdefault(lock_id, [])
        listeners.append(listener)
        return lambda: listeners.remove(listener)

    def view(self, lock_id: int) -> LockActivity:
        """Return what the lock's activity sensors show."""
        return LockActivity(self._last_operation.get(lock_id))

    # ---- reading ---------------------------------------------------------------------------

    def _catch_up_due(self) -> int | None:
        """Return the lock whose catch-up read is due now, if any (round robin)."""
        if not self.catch_up_interval or self._clock() < self._next_catch_up:
            return None
        candidates = [lock_id for lock_id, seen in self._seen.items() if seen is not None]
        if not candidates:
            return None
        now = self._clock()
        self._next_catch_up = now + catch_up_spacing(self.catch_up_interval, len(candidates))
        # The lock read least recently (a state-triggered read counts) is next.
        return min(candidates, key=lambda c: self._last_read.get(c, float("-inf")))

    async def _probe(self, lock_id: int) -> None:
        """Ask for one item of a lock's activity, to learn whether the token has the scope."""
        try:
            await self._read(lock_id, 1, None)
        except AuthError as err:
            if not err.missing_scope:
                raise
            self._scope_refused()
        except RateLimitError, RequestDeferredError, CloudConnectionError, BadResponseError:
            return  # unknown for now; a later read tells
        else:
            self.scope_missing = False

    async def _read_and_deliver(self, lock_id: int) -> bool:
        """Read one lock and deliver what is new; False when the read was held back."""
        try:
            fresh = await self._read_new(lock_id)
        except AuthError as err:
            if not err.missing_scope:
                raise
            self._scope_refused()
            return False
        except (
            RateLimitError,
            RequestDeferredError,
            CloudConnectionError,
            BadResponseError,
        ) as err:
            LOGGER.debug("Activity of Tedee lock %s not read now: %s", lock_id, err)
            return False
        self.scope_missing = False
        self._pending.discard(lock_id)
        self._last_read[lock_id] = self._clock()
        self._deliver(lock_id, fresh)
        return True

    async def _read_new(self, lock_id: int) -> list[Activity]:
        """Read back from the newest activity until the lock's cursor; return the new ones.

        Nothing is delivered unless every page needed was read (no gap, no disorder).
        """
        cursor = self._cursors[lock_id]
        items: list[Activity] = []
        older_than: datetime | None = None
        size = FIRST_PAGE
        for _ in range(MAX_PAGES):
            page = await self._read(lock_id, size, older_than)
            items.extend(page)
            if len(page) < size or any(not cursor.is_new(*_order(a)) for a in page):
                break
            older_than = min(activity.date for activity in page)
            size = PAGE
        else:
            LOGGER.warning(
                "More than %d activities of Tedee lock %s arrived since the last read; "
                "the older ones are skipped",
                len(items),
                lock_id,
            )
        return cursor.new_items(
            (activity for activity in items if activity.device_id == lock_id), _order
        )

    def _deliver(self, lock_id: int, fresh: list[Activity]) -> None:
        """Hand new activities to the lock's listeners, oldest first; move its cursor."""
        if not fresh:
            return
        self._cursors[lock_id] = self._cursors[lock_id].after(fresh, _order)
        self._dirty = True
        for activity in fresh:
            kind = kind_of(activity.event)
            if kind.event_type in OPERATIONS and activity.username:
                self._last_operation[lock_id] = LastOperation(
                    activity.username,
                    kind.event_type.value,
                    None if kind.method is None else kind.method.value,
                    activity.date,
                )
            for listener in list(self._listeners.get(lock_id, [])):
                listener(activity)

    def _scope_refused(self) -> None:
        """Stop reading activity: the token lacks the scope."""
        LOGGER.warning(
            "The Tedee token may not read device activity (scope %s missing); "
            "activity entities are not shown",
            ACTIVITY_SCOPE,
        )
        self.scope_missing = True
        self._pending.clear()

    def _forget(self, lock_id: int) -> None:
        """Drop what is known of a lock that is gone."""
        self._cursors.pop(lock_id, None)
        self._last_operation.pop(lock_id, None)
        self._seen.pop(lock_id, None)
        self._pending.discard(lock_id)
        self._last_read.pop(lock_id, None)
        self._dirty = True

    # ---- storage ---------------------------------------------------------------------------

    async def _async_load(self) -> None:
        """Read the stored cursors and last operations."""
        stored = await self._store.async_load() or {}
        locks = stored.get("locks")
        if not isinstance(locks, Mapping):
            return
        for key, value in locks.items():
            if not (isinstance(key, str) and key.isdigit() and isinstance(value, Mapping)):
                continue
            if (cursor := FeedCursor.from_dict(value.get("cursor"))) is not None:
                self._cursors[int(key)] = cursor
            if (operation := LastOperation.from_dict(value.get("last_operation"))) is not None:
                self._last_operation[int(key)] = operation

    async def _async_save(self) -> None:
        """Write the cursors when they moved (right away: a restart must not replay)."""
        if not self._dirty:
            return
        self._dirty = False
        locks: dict[str, Any] = {}
        for lock_id, cursor in self._cursors.items():
            entry: dict[str, Any] = {"cursor": cursor.as_dict()}
            if (operation := self._last_operation.get(lock_id)) is not None:
                entry["last_operation"] = operation.as_dict()
            locks[str(lock_id)] = entry
        await self._store.async_save({"locks": locks})
