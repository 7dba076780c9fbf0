"""Tedee device activity, read sparingly and delivered exactly once, in order, per lock.

Activity is read for a lock only when it is likely to have some: when the lock's state, its
last-state-change time, charging or jam flag moved since the previous poll, after one of our
own actions, and by a slow catch-up read (round robin) for what changes no state (a wrong PIN,
a postponed lock). How many reads a poll sends is what the hourly budget leaves after polling
and the action reserve (the coordinator's spare reads); which ones is `read_plan.plan_activity`:
moved locks first, newest move first, then catch-up with what is left, at the catch-up pace.
Every read goes through the account's scheduler as polling, under a ceiling of its own
(`ACTIVITY_LIMIT`) that the plan never reaches.

Delivery is the shared feed's (`feed.py`): one stream per lock, read back from the newest
activity to the lock's watermark less the lookback, delivered exactly once, oldest first, kept
on disk across restarts and reloads; a lock seen for the first time starts from now (its newest
activity is read once at setup only to fill "last operated by", never delivered). A read
that cannot finish (429, outage, budget) delivers nothing and is retried. Which locks are read
in a poll is one decision of its own (`ActivityReader.due`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import partial
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..api import Activity, Gate, GateStatus, ItemsRead, Lock
from ..const import LOGGER
from ..feed import Feed, FeedItems, FeedRead, FeedScope, FeedWingState
from ..ledger import FeedLedger
from ..scheduler import Limit
from ..text import cloud_text
from .activity_kinds import OPERATIONS, kind_of
from .read_plan import plan_activity

# The scope a token needs to read device activity.
ACTIVITY_SCOPE: Final = "DeviceActivity.Read"
# The first page of a read is small (usually one or two items are new); later ones are full.
FIRST_PAGE: Final = 20
PAGE: Final = 200
# New locks whose latest operation is read at setup (one small read each; the first of them
# is also the scope check). More locks than this get theirs from their first operation.
MAX_SEED_READS: Final = 10
MAX_PAGES: Final = 5
# Catch-up reads are spread out: at most one every 120 s (30 per hour), whatever the locks, so
# a quiet account keeps its polling light; reads for locks that moved are not paced by this.
CATCH_UP_SPACING: Final = 120.0
# Gates' catch-up reads: at most one every 600 s (6 per hour), however many gates.
GATE_CATCH_UP_SPACING: Final = 600.0
# Every activity read together, at most, per rolling hour: a ceiling above what the budget's
# spare reads ever allow (Tedee's 700 less the reserve and polling), never the binding limit.
ACTIVITY_LIMIT: Final = Limit(group="device_activity", window_count=400, window=3600.0)

# The delivered ids a lock's stream keeps (more than a lookback window of one lock holds).
KEPT_IDS_PER_LOCK: Final = 500

# Read one page: (lock id, elements, older than) -> activities, newest first.
type ReadActivity = Callable[[int, int, datetime | None], Awaitable[ItemsRead[Activity]]]
type Fingerprint = tuple[object, ...]


def catch_up_spacing(interval: float, locks: int) -> float:
    """Return the seconds between two catch-up reads, each of `locks` read every `interval`."""
    return max(interval / max(locks, 1), CATCH_UP_SPACING)


def gate_stream(gate_id: int) -> str:
    """Return the feed stream of a gate's activity (lock streams are the bare lock id)."""
    return f"gate-{gate_id}"


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
        status.door_state,  # a door sensor's opened / closed (83, 84) moves no lock state
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
        return {**asdict(self), "date": self.date.isoformat()}

    @classmethod
    def from_dict(cls, data: object) -> LastOperation | None:
        """Read a stored one; None when missing or malformed."""
        if not isinstance(data, Mapping):
            return None
        date = dt_util.parse_datetime(str(data.get("date", "")))
        user, event_type, method = data.get("user"), data.get("event_type"), data.get("method")
        if date is None or not isinstance(user, str) or not isinstance(event_type, str):
            return None
        return cls(cloud_text(user), event_type, method if isinstance(method, str) else None, date)


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
        account: str,
        catch_up_interval: float,
        clock: Callable[[], float],
    ) -> None:
        self._read = read
        self._clock = clock
        self.catch_up_interval = catch_up_interval
        self._last_operation: dict[int, LastOperation] = {}
        self._seen: dict[int, Fingerprint | None] = {}
        # Lock id → when its state was last seen moving (or we operated it), until read.
        self._moved: dict[int, float] = {}
        self._last_read: dict[int, float] = {}
        self._next_catch_up = clock() + CATCH_UP_SPACING
        # Gates: their own streams (`gate-<id>`), reads after our own openings and a catch-up.
        self._gates: set[int] = set()
        self._connected_gates: set[int] = set()
        self._pending_gates: dict[int, float] = {}  # gate id → when we opened it, until read
        self._gate_last_read: dict[int, float] = {}
        self._next_gate_catch_up = clock() + CATCH_UP_SPACING
        self.feed = Feed[Activity](
            hass,
            entry_id,
            what="Tedee device activity",
            scope=FeedScope(scope=ACTIVITY_SCOPE, cloud="Tedee", account=account),
            items=FeedItems(
                key=lambda activity: str(activity.id),
                date=lambda activity: activity.date,
                device=lambda activity: activity.device_id,
            ),
            on_deliver=self._note_operation,
            wing_state=FeedWingState(dump=self._dump, load=self._load, legacy=legacy_activity_data),
            kept_ids=KEPT_IDS_PER_LOCK,
        )

    # ---- what the coordinator asks ---------------------------------------------------------

    @property
    def pending(self) -> frozenset[int]:
        """Return the locks whose activity is due to be read (their state moved)."""
        return frozenset(self._moved)

    async def async_start(self, locks: Mapping[int, Lock]) -> None:
        """Load the ledgers, note the locks, and check the scope once (no delivery yet).

        A lock whose last state change is newer than its stored watermark changed while Home
        Assistant was away: it is read on the next poll.
        """
        await self.feed.async_load()
        for lock_id, lock in locks.items():
            watermark = self.feed.watermark(str(lock_id))
            changed = None if lock.status is None else lock.status.last_state_changed
            if watermark is not None and changed is not None and changed > watermark:
                self._moved[lock_id] = self._clock()
        new = [lock_id for lock_id in locks if str(lock_id) not in self.feed.streams]
        self.note_locks(locks)
        if locks and self.feed.scope_missing is None:
            seeds = new[:MAX_SEED_READS]
            if not seeds:
                lock_id = next(iter(locks))
                await self.feed.async_probe(lambda: self._read(lock_id, 1, None))
            for lock_id in seeds:
                await self.feed.async_probe(partial(self._seed_last_operation, lock_id))
                if self.feed.scope_missing is not False:
                    break  # refused or not now (an outage, the budget): no more reads at setup
        await self.feed.async_save()

    async def _seed_last_operation(self, lock_id: int) -> None:
        """Note a new lock's latest operation from its newest activity, delivering nothing.

        The lock's stream follows from now, so this history fires no event and writes no
        logbook line; it only fills "last operated by" (the read also checks the scope). The
        newest of the lock's operations wins, whatever the order of the page.
        """
        page = await self._read(lock_id, FIRST_PAGE, None)
        for activity in page.items:
            if activity.device_id == lock_id:
                self._note_operation(str(lock_id), activity)
        self.feed.changed()

    def note_locks(self, locks: Mapping[int, Lock]) -> None:
        """Follow new locks from now; mark the locks whose state moved since last poll."""
        for lock_id, lock in locks.items():
            fingerprint = _fingerprint(lock)
            already_followed = not self.feed.follow(str(lock_id))
            if already_followed and self._seen.get(lock_id, fingerprint) != fingerprint:
                self._moved[lock_id] = self._clock()
            self._seen[lock_id] = fingerprint
        known = {int(stream) for stream in self.feed.streams if stream.isdigit()}
        for lock_id in known - locks.keys():  # gone: drop what is known of it
            self.feed.forget(str(lock_id))
            for table in (self._last_operation, self._seen, self._moved, self._last_read):
                table.pop(lock_id, None)

    def mark(self, lock_id: int) -> None:
        """Read a lock's activity on the next poll (after one of our own actions)."""
        if str(lock_id) in self.feed.streams:
            self._moved[lock_id] = self._clock()

    def note_gates(self, gates: Mapping[int, Gate]) -> None:
        """Follow the activity of new gates from now; forget the gates that are gone.

        Only a connected gate can be opened, so only connected gates get catch-up reads.
        """
        for gate_id in gates:
            self.feed.follow(gate_stream(gate_id))
        for gate_id in self._gates - gates.keys():
            self.feed.forget(gate_stream(gate_id))
            self._pending_gates.pop(gate_id, None)
            self._gate_last_read.pop(gate_id, None)
        self._gates = set(gates)
        self._connected_gates = {
            gate_id for gate_id, gate in gates.items() if gate.status is GateStatus.CONNECTED
        }

    def mark_gate(self, gate_id: int) -> None:
        """Read a gate's activity on the next poll (after we opened it)."""
        if gate_id in self._gates:
            self._pending_gates[gate_id] = self._clock()

    def gates_due(self) -> list[int]:
        """Return the gates whose activity is read in this poll: ones we opened, a catch-up.

        Someone who opens a gate outside Home Assistant (an access link, the app) changes no
        state the cloud reports, so each connected gate is also read round robin, as often as
        a lock's catch-up read, at most `GATE_CATCH_UP_SPACING` apart.
        """
        due = sorted(self._pending_gates)
        now = self._clock()
        candidates = self._connected_gates
        if self.catch_up_interval and candidates and now >= self._next_gate_catch_up:
            spacing = self.catch_up_interval / len(candidates)
            self._next_gate_catch_up = now + max(spacing, GATE_CATCH_UP_SPACING)
            catch_up = min(candidates, key=lambda g: self._gate_last_read.get(g, float("-inf")))
            if catch_up not in due:
                due.append(catch_up)
        return due

    async def async_read_gates_due(self, slots: int) -> int:
        """Read the gates that are due within `slots` reads, delivering what is new.

        A read held back (or beyond the slots) leaves its gate due. Returns the reads made.
        """
        return await self._read_each(
            self.gates_due()[:slots], gate_stream, self._pending_gates, self._gate_last_read
        )

    def due(self, slots: int) -> list[int]:
        """Return the locks whose activity is read in this poll, in order, at most `slots`.

        The locks whose state moved (and after our own actions), newest move first; then, with
        what is left, catch-up reads when their pace allows one (round robin, least recently
        read first). Moved locks beyond the slots stay due for the next poll.
        """
        now = self._clock()
        readable = [lock_id for lock_id, seen in self._seen.items() if seen is not None]
        plan = plan_activity(
            slots=slots,
            moved=self._moved,
            last_read=self._last_read,
            locks=readable,
            now=now,
            catch_up_interval=self.catch_up_interval,
            # One catch-up read at a time, `catch_up_spacing` apart.
            catch_up_reads=1 if self.catch_up_interval and now >= self._next_catch_up else 0,
        )
        if plan.catch_up:
            self._next_catch_up = now + catch_up_spacing(self.catch_up_interval, len(readable))
        return list(plan.reads)

    async def async_read_due(self, slots: int) -> int:
        """Read the locks that are due within `slots` reads, delivering what is new.

        Stops at the first read the cloud or the budget holds back; those locks stay due.
        Returns how many reads were made.
        """
        return await self._read_each(self.due(slots), str, self._moved, self._last_read)

    async def _read_each(
        self,
        device_ids: list[int],
        stream_of: Callable[[int], str],
        due: dict[int, float],
        last_read: dict[int, float],
    ) -> int:
        """Read each device's stream in turn, delivering what is new; return the reads made.

        A device read is no longer `due`; the first read held back ends the turn (it and the
        rest stay due), and nothing stays due once the feed cannot be read (scope refused).
        """
        made = 0
        for device_id in device_ids:
            read = partial(self._read_lock, device_id)
            if not await self.feed.async_read(stream_of(device_id), read):
                break
            made += 1
            due.pop(device_id, None)
            last_read[device_id] = self._clock()
        if not self.feed.enabled:
            due.clear()
        await self.feed.async_save()
        return made

    def view(self, lock_id: int) -> LockActivity:
        """Return what the lock's activity sensors show."""
        return LockActivity(self._last_operation.get(lock_id))

    # ---- reading ---------------------------------------------------------------------------

    async def _read_lock(self, lock_id: int, since: datetime) -> FeedRead[Activity]:
        """Read a lock's (or a gate's) activity back from the newest until `since`; oldest first.

        Pages go back with `lastElemDate`; a page that brings nothing new (the cloud ignored
        it) ends the read with what it got.
        """
        newest_first: list[Activity] = []
        skipped: list[str] = []
        ids: set[int] = set()
        older_than: datetime | None = None
        size = FIRST_PAGE
        cut: str | None = None
        for _ in range(MAX_PAGES):
            page = await self._read(lock_id, size, older_than)
            skipped.extend(page.skipped)
            new = [activity for activity in page.items if activity.id not in ids]
            if page.items and not new:
                cut = "repeated page"
                break
            newest_first.extend(new)
            ids.update(activity.id for activity in new)
            oldest = min((activity.date for activity in page.items), default=None)
            if len(page.items) + len(page.skipped) < size or oldest is None or oldest < since:
                break
            older_than = oldest
            size = PAGE
        else:
            cut = "page cap"
            LOGGER.warning(
                "More than %d activities of Tedee device %s arrived since the last read; "
                "the older ones are skipped",
                len(newest_first),
                lock_id,
            )
        return FeedRead(
            [activity for activity in reversed(newest_first) if activity.device_id == lock_id],
            skipped,
            cut=cut,
        )

    def _note_operation(self, stream: str, activity: Activity) -> None:
        """Remember the latest operation of a lock that names a person (capped name)."""
        kind = kind_of(activity.event)
        user = cloud_text(activity.username)
        if kind.event_type not in OPERATIONS or not user or not stream.isdigit():
            return  # a gate's stream: its event entity says who opened it
        lock_id = int(stream)
        previous = self._last_operation.get(lock_id)
        if previous is not None and previous.date > activity.date:
            return  # a late upload does not replace a newer operation
        self._last_operation[lock_id] = LastOperation(
            user,
            kind.event_type.value,
            None if kind.method is None else str(kind.method),
            activity.date,
        )

    # ---- storage ---------------------------------------------------------------------------

    def _dump(self) -> dict[str, Any]:
        """Return what the activity sensors need after a restart: each lock's last operation."""
        return {
            "last_operation": {
                str(lock_id): operation.as_dict()
                for lock_id, operation in self._last_operation.items()
            }
        }

    def _load(self, stored: Mapping[str, Any]) -> None:
        """Read the stored last operations."""
        operations = stored.get("last_operation")
        if not isinstance(operations, Mapping):
            return
        for key, value in operations.items():
            operation = LastOperation.from_dict(value)
            if isinstance(key, str) and key.isdigit() and operation is not None:
                self._last_operation[int(key)] = operation


def legacy_activity_data(old: Mapping[str, Any]) -> dict[str, Any]:
    """Turn storage version 1 (`{"locks": {id: {"cursor", "last_operation"}}}`) into 2."""
    now = dt_util.utcnow()
    streams: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    locks = old.get("locks")
    for key, value in (locks if isinstance(locks, Mapping) else {}).items():
        if not isinstance(value, Mapping):
            continue
        if (ledger := FeedLedger.from_cursor(value.get("cursor"), now)) is not None:
            streams[str(key)] = ledger.as_dict()
        if value.get("last_operation") is not None:
            operations[str(key)] = value["last_operation"]
    return {"streams": streams, "wing": {"last_operation": operations}}
