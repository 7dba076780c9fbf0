"""The Tedee account coordinator: owns the client and every call to the Tedee cloud.

Every poll sends one bulk lock sync (the 20 s rule lives in `build_scheduler`), which names every
lock: a lock has its entities from the first poll on, showing what the sync gives until its
details (name, model, settings) are read, from the paged listing when it is due
(`lock_listing.py`) or one by one for locks whose revision changed, as many per poll as the
hourly budget leaves (`read_plan.py`). A reload starts from the details it kept
(`kept_details.py`). Gates are read apart, on their own interval (`gate_reads.py`): a gate failure
never takes the locks down, nor a lock failure the gates. A device is removed only when a
complete listing no longer has it. Its seams: the registry's devices (`device_upkeep.py`), repair
issues (`repairs.py`), lock and gate operations (`operations.py`), the bridges' pushes
(`bridge_push.py`) and who moved a pushed lock (`pushed_activity.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Final, override

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback

from ..api import (
    TEDEE_PAGE_SIZE,
    Activity,
    AuthError,
    Bridge,
    Gate,
    ItemsRead,
    Lock,
    LockState,
    LockSync,
    Page,
    Pager,
    RateLimitError,
    TedeeApiVersionError,
    TedeeClient,
    TedeeEndpoint,
)
from ..const import CONF_POLL_INTERVAL, LOGGER
from ..coordinator import DoorAccessCoordinator, user_action
from ..scheduler import (
    Limit,
    RequestDeferredError,
    RequestScheduler,
    WindowFullError,
    scheduler_factory,
)
from .activity import ACTIVITY_LIMIT, ActivityReader
from .bridge_push import BridgePush, LinkHooks, LockPush
from .const import (
    CONF_ACTIVITY_INTERVAL,
    CONF_GATE_INTERVAL,
    DEFAULT_ACTIVITY_INTERVAL,
    DEFAULT_GATE_INTERVAL,
    DEFAULT_POLL_INTERVAL,
    MIN_POLL_INTERVAL,
    TEDEE_ACTION_RESERVE,
    TEDEE_HOURLY_LIMIT,
    TEDEE_LOCK_SYNC_MIN_INTERVAL,
)
from .data import TedeeData
from .device_upkeep import DeviceUpkeep
from .devices import tedee_identifier
from .gate_reads import GateReads
from .kept_details import KeptDetails, forget_details, keep_details, kept_details
from .lock_listing import LockListing
from .operations import JAMMED_RESULT, OPERATION_ERROR_KEYS, Operations
from .pushed_activity import PushedActivity
from .read_plan import Budget, spare_reads
from .repairs import TedeeIssues

if TYPE_CHECKING:
    from ..models import DoorAccessConfigEntry

# Single detail reads (changed revisions, a few new locks) in one poll, at most.
DETAIL_READS_PER_POLL: Final = 3
# While the bridges push every lock's state, the cloud's lock sync is a health check this often.
PUSH_HEALTH_POLL: Final = 300.0

# Tedee's documented limits, per endpoint.
TEDEE_LIMITS: Final[Mapping[str, Limit]] = {
    TedeeEndpoint.LOCK_SYNC: Limit(group="lock_sync", min_interval=TEDEE_LOCK_SYNC_MIN_INTERVAL),
    # Limited to 10 requests per 10 minutes for personal-key callers.
    TedeeEndpoint.LOCKS: Limit(group="lock_list", window_count=10, window=600.0),
    # Not a Tedee rule: our own ceiling; the budget's spare reads pace activity below it.
    TedeeEndpoint.DEVICE_ACTIVITY: ACTIVITY_LIMIT,
}


class TedeeCoordinator(DoorAccessCoordinator[TedeeData]):
    """Polls one Tedee account within its limits and runs the user's actions."""

    cloud_name = "Tedee"
    outage_errors = (*DoorAccessCoordinator.outage_errors, TedeeApiVersionError)
    operation_error_keys = OPERATION_ERROR_KEYS

    def __init__(
        self,
        hass: HomeAssistant,
        entry: DoorAccessConfigEntry,
        client: TedeeClient,
        scheduler: RequestScheduler,
    ) -> None:
        poll = max(
            int(entry.options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL)), MIN_POLL_INTERVAL
        )
        super().__init__(hass, entry, scheduler, poll_interval=poll)
        self.client = client
        self.gate_reads = GateReads(
            self._clock, float(entry.options.get(CONF_GATE_INTERVAL, DEFAULT_GATE_INTERVAL))
        )
        # What this entry knew of its locks before a reload: the first poll lists only if due.
        kept = kept_details(hass, entry.entry_id) or KeptDetails(locks={})
        self._kept_locks = kept.locks
        # The lock listing: when it is due, its place across polls, what it decided.
        self.lock_listing = LockListing(self._clock, kept)
        entry.async_on_unload(self._keep_details)
        # Lock id → when its details were first found out of date (oldest read first).
        self._stale_since: dict[int, float] = {}
        # Locks whose details-only entities the platforms were handed.
        self._details_shown: set[int] = set()
        # Extra reads (details, activity) this poll may still send, and the carry-over.
        self._spare = 0
        self._spare_carry = 0.0
        self.devices = DeviceUpkeep(hass, entry.entry_id)
        # Lock id → when an action or a push last set its state (a sync sent earlier is older).
        self._settled_at: dict[int, float] = {}
        self._failing_part: set[str] = set()
        self.issues = TedeeIssues(hass, entry, self._clock)
        activity_minutes = entry.options.get(CONF_ACTIVITY_INTERVAL, DEFAULT_ACTIVITY_INTERVAL)
        self.activity = ActivityReader(
            hass,
            entry.entry_id,
            self._read_activity,
            account=entry.title,
            catch_up_interval=60.0 * float(activity_minutes),
            clock=self._clock,
        )
        self.pushed_activity = PushedActivity(
            hass=hass,
            entry=entry,
            activity=self.activity,
            held_back=(AuthError, RateLimitError, RequestDeferredError, *self.outage_errors),
            window_free_in=lambda: scheduler.window_free_in(TedeeEndpoint.DEVICE_ACTIVITY),
            unloaded=lambda: self.unloaded,
        )
        hooks = LinkHooks(
            on_push=self._on_push,
            shown_state=self._shown_state,
            on_health=self._on_push_health,
            clock=self._clock,
        )
        self.push = BridgePush(hass, entry.options, hooks, polling=float(poll))
        self._push_started = False
        self.operations = Operations(
            hass=hass,
            entry=entry,
            client=client,
            call=self._call,
            actions=self.actions,
            push=self.push,
            activity=self.activity,
            data=lambda: self.data,
            show_lock=self._show_lock,
            bring_poll_forward=self.bring_poll_forward,
            unloaded=lambda: self.unloaded,
        )

    # ---- polling ---------------------------------------------------------------------------

    @override
    def _poll_allowed_in(self) -> float:
        """Return the seconds until the next bulk lock sync may go out."""
        return self.scheduler.slot_free_in(TedeeEndpoint.LOCK_SYNC)

    @override
    def _next_poll_in(self) -> float:
        """Return the poll interval, never below the 20 s rule plus the margin and a second.

        While the bridges push every lock's state, polling slows to a health check.
        """
        rule = TEDEE_LOCK_SYNC_MIN_INTERVAL + self.scheduler.margin + 1.0
        if self.data is not None and self.push.covers(set(self.data.locks)):
            return max(PUSH_HEALTH_POLL, rule)
        return max(float(self.poll_interval), rule)

    # ---- bridge pushes ---------------------------------------------------------------------

    def _shown_state(self, lock_id: int) -> LockState | None:
        """Return the position a lock shows now (None: unknown)."""
        lock = self.data.locks.get(lock_id) if self.data is not None else None
        return None if lock is None or lock.status is None else lock.status.state

    @callback
    def _on_push_health(self) -> None:
        """Note a bridge's push starting or stopping: say so, poll at the rate it calls for."""
        stopped = self.push.note_health(set(self.data.locks) if self.data is not None else set())
        self.push.status.polling_interval = self._next_poll_in()
        if stopped:
            # Back to polling within one interval: the slow timer is replaced now.
            self.bring_poll_forward()
        if self.data is not None:
            self.async_update_listeners()

    @callback
    def _on_push(self, push: LockPush) -> None:
        """Show what a bridge pushed; on a new position, read the lock's activity at once."""
        lock = self.data.locks.get(push.lock_id) if self.data is not None else None
        self.push.status.last_push = self.push.last_push()
        if lock is None or lock.status is None or self.unloaded:
            return
        status = lock.status
        if push.state is not None:
            if status.state is not push.state:
                self.activity.mark(push.lock_id)
                self.pushed_activity.read_soon()
            jammed = JAMMED_RESULT if push.jammed else 0
            status = replace(status, state=push.state, state_change_result=jammed)
        if push.battery_level is not None:
            status = replace(status, battery_level=push.battery_level)
        if push.is_charging is not None:
            status = replace(status, is_charging=push.is_charging)
        if status != lock.status or push.is_connected is not None:
            connected = lock.is_connected if push.is_connected is None else push.is_connected
            self._show_lock(replace(lock, status=status, is_connected=connected))

    async def _start_push(self) -> None:
        """Start the bridges' pushes (after the first poll: the locks are known)."""
        self.config_entry.async_on_unload(self.push.async_stop)
        await self.push.async_start(self.hass)
        self._on_push_health()

    @override
    async def _fetch(self) -> TedeeData:
        """Read what is due: locks (sync, details when due) and, on their interval, gates."""
        previous = self.data
        first = previous is None
        self._spare, self._spare_carry = spare_reads(self.budget(), self._spare_carry)
        try:
            locks_part = await self._fetch_locks(previous)
        except AuthError, RateLimitError, RequestDeferredError:
            raise
        except self.outage_errors as err:
            if previous is None:
                raise
            # The locks are unreadable now; the gates part may still work.
            self._part_failed("locks", err)
            self.scheduler.note_outage()
            locks_part = replace(previous, locks_ok=False)
        else:
            self._part_recovered("locks")
            await self._follow_activity(locks_part.locks, first=first)
        # The gates' part of what the locks' part leaves (the last poll's gates, or none yet),
        # read when due (`gate_reads.py`): a gate failure never takes the locks.
        data = await self.gate_reads.read(
            locks_part,
            first=first,
            fetch=self._read_gates,
            outage_errors=self.outage_errors,
            failed=self._part_failed,
            recovered=self._part_recovered,
        )
        await self._follow_gate_activity(data, first=first)
        return data

    def budget(self) -> Budget:
        """Return the account's hourly budget as this poll sees it (for the extra reads)."""
        poll = self._next_poll_in()
        locks = len(self.data.locks) if self.data is not None else 0
        listing_pages = locks // TEDEE_PAGE_SIZE + 1  # at the default page size
        # The sync, the gate sync and list, the hourly lock listing, gates' activity catch-up.
        polling = 1.0 + 2.0 * poll / self.gate_reads.interval + (listing_pages + 6) * poll / 3600.0
        return Budget(
            hourly_limit=self.scheduler.hourly_limit,
            action_reserve=self.scheduler.action_reserve,
            used_last_hour=self.scheduler.used_last_hour(),
            poll_interval=poll,
            polling_per_poll=polling,
        )

    async def _follow_activity(self, locks: Mapping[int, Lock], *, first: bool) -> None:
        """Note which locks moved; read the activity that is due (not in the first poll)."""
        if first:
            await self.activity.async_start(locks)
            return
        self.activity.note_locks(locks)
        async with self.pushed_activity.lock:
            self._spare -= await self.activity.async_read_due(self._spare)

    async def _follow_gate_activity(self, gates: TedeeData, *, first: bool) -> None:
        """Follow the gates' activity; read what is due within the poll's spare reads.

        Not in the first poll; a poll whose spare reads are spent leaves the gates due.
        """
        if not gates.gates_ok or not self.activity.feed.loaded:
            return
        self.activity.note_gates(gates.gates)
        if not first and self._spare > 0:
            self._spare -= await self.activity.async_read_gates_due(self._spare)

    async def _read_activity(
        self, lock_id: int, elements: int, older_than: datetime | None
    ) -> ItemsRead[Activity]:
        """Read one page of a lock's activity through the scheduler (as polling)."""
        return await self._call(
            partial(self.client.read_device_activity, elements=elements, older_than=older_than),
            lock_id,
            endpoint=TedeeEndpoint.DEVICE_ACTIVITY,
        )

    async def _fetch_locks(self, previous: TedeeData | None) -> TedeeData:
        """Read the locks: one bulk sync, then the details that are due (see the module)."""
        # After a reload the details it kept stand in for the last poll's (a listing is read
        # only when due; the sync's revisions tell which details to read again).
        base = previous or TedeeData(locks=self._kept_locks, gates={}, bridges={})
        self._kept_locks = {}
        sent_at = self._clock()
        synced: dict[int, LockSync] | None = None
        if previous is not None or not self._poll_allowed_in():
            syncs = await self._call(self.client.sync_locks, endpoint=TedeeEndpoint.LOCK_SYNC)
            synced = {sync.id: sync for sync in syncs}
        # Else the first poll comes too soon after the last entry's sync (a reload): the
        # details it kept (or else the listing) tell the locks and their state, instead of
        # waiting in setup; the next poll's sync checks their revisions.
        details = {lock_id: lock for lock_id, lock in base.locks.items() if lock.detailed}
        unknown = set(synced or ()) - details.keys()
        listing: Pager[Lock] | None = None
        lock_listing = self.lock_listing
        if lock_listing.wanted(first=previous is None and not base.locks, unknown=len(unknown)):
            listing = await lock_listing.go_on(
                self.client.lock_pager,
                self._read_lock_page,
                expected=set(synced or ()) | base.locks.keys(),
                first=previous is None,
                account=self.config_entry.title,
            )
            if synced is None and not listing.pages_read:
                raise WindowFullError("the lock listing's window is full", lock_listing.wait)
            details.update((lock.id, lock) for lock in listing.items)
        bridges = base.bridges
        if previous is None or (listing is not None and listing.done):
            bridges = await self._fetch_bridges(previous)
        if synced is None:
            # Only the listing was read: its locks, as they are, the whole account (or as
            # much of it as was read: the rest comes in the next polls).
            return replace(base, locks=details, bridges=bridges, locks_ok=True)
        await self._read_changed_details(details, synced, listing_open=lock_listing.pager)
        locks = self._merge_syncs(details, synced, sent_at)
        missing = base.locks.keys() - synced.keys()
        if listing is not None and listing.complete:
            listed = {lock.id for lock in listing.items}
            # A complete listing decides: what it lacks is gone, what it has is kept.
            missing &= listed
            lock_listing.confirmed_missing = frozenset(missing)
        for lock_id in missing:
            locks[lock_id] = details.get(lock_id) or base.locks[lock_id]
        if missing - lock_listing.confirmed_missing:
            # One answer that leaves a lock out does not remove it: a full listing decides.
            lock_listing.due_early = True
        return replace(
            base, locks=locks, bridges=bridges, missing_locks=frozenset(missing), locks_ok=True
        )

    @callback
    def _keep_details(self) -> None:
        """Keep the locks' details for the entry's next setup in this process (a reload).

        Nothing is kept by a setup that never read the locks: what an earlier one kept stays.
        An entry the user disables keeps nothing: it may stay off for days, and enabling it
        again reads the account afresh (a lock gone meanwhile is then simply not there).
        """
        if self.config_entry.disabled_by is not None:
            forget_details(self.hass, self.config_entry.entry_id)
            return
        data: TedeeData | None = self.data
        if data is None:
            return
        details = {lock_id: lock for lock_id, lock in data.locks.items() if lock.detailed}
        keep_details(self.hass, self.config_entry.entry_id, self.lock_listing.kept(details))

    async def _read_lock_page(self, number: int, size: int) -> Page[Lock]:
        """Read one page of the lock listing through the scheduler."""
        return await self._call(
            self.client.get_lock_page, number, size, endpoint=TedeeEndpoint.LOCKS
        )

    async def _read_changed_details(
        self, details: dict[int, Lock], synced: Mapping[int, LockSync], *, listing_open: object
    ) -> None:
        """Read the details of locks whose revision changed (and new ones) one by one.

        Never by a full listing: as many per poll as the hourly budget leaves (the longest
        waiting first); the others keep their details until a later poll reads them. New
        locks wait for a listing that is under way, which reads them anyway.
        """
        due = [
            lock_id
            for lock_id, sync in synced.items()
            if (lock_id in details and details[lock_id].revision != sync.revision)
            or (lock_id not in details and listing_open is None)
        ]
        now = self._clock()
        self._stale_since = {lock_id: self._stale_since.get(lock_id, now) for lock_id in due}
        due.sort(key=lambda lock_id: (self._stale_since[lock_id], lock_id))
        for lock_id in due[: min(DETAIL_READS_PER_POLL, self._spare)]:
            try:
                lock = await self._call(self.client.get_lock, lock_id, endpoint=TedeeEndpoint.LOCK)
            except RateLimitError, RequestDeferredError:
                return  # the cloud or the budget says not now: a later poll reads them
            self._spare -= 1
            details[lock_id] = lock
            del self._stale_since[lock_id]

    async def _fetch_bridges(self, previous: TedeeData | None) -> Mapping[int, Bridge]:
        """Read the bridges; an account or API without them is not an error."""
        try:
            bridges = await self._call(self.client.get_bridges, endpoint=TedeeEndpoint.BRIDGES)
        except self.outage_errors:
            return previous.bridges if previous is not None else {}
        return {bridge.id: bridge for bridge in bridges}

    def _merge_syncs(
        self, details: Mapping[int, Lock], synced: Mapping[int, LockSync], sent_at: float
    ) -> dict[int, Lock]:
        """Return every synced lock: its details (or what the sync gives) with its state."""
        current = self.data.locks if self.data is not None else {}
        locks: dict[int, Lock] = {}
        for lock_id, sync in synced.items():
            known = details.get(lock_id)
            # The details' revision stays: a newer one in the sync means "read them again".
            lock = (
                Lock.from_sync(sync)
                if known is None
                else replace(known.with_sync(sync), revision=known.revision)
            )
            if self._settled_at.get(lock_id, float("-inf")) > sent_at and lock_id in current:
                # An action settled this lock after the sync was sent: its state is newer.
                lock = replace(lock, status=current[lock_id].status)
            elif self.push.link_for(lock_id) is not None and lock_id in current:
                # Its bridge pushes: the position shown came from the lock itself, never older
                # than the cloud's (which may lag); the rest of the sync is taken.
                lock = _keep_position(lock, current[lock_id])
            locks[lock_id] = lock
        return locks

    async def _read_gates(self) -> Pager[Gate]:
        """Read the gates: a gate sync, then the paged list."""
        await self._call(self.client.sync_gates, endpoint=TedeeEndpoint.GATE_SYNC_ALL)
        return await self._read_listing(
            self.client.gate_pager, self.client.get_gate_page, endpoint=TedeeEndpoint.GATES
        )

    @override
    def _healthy(self, data: TedeeData) -> bool:
        """Tell whether the poll read the locks (else polling keeps backing off)."""
        return data.locks_ok

    def _part_failed(self, part: str, err: Exception) -> None:
        """Log once per outage that the account (its locks or its gates) cannot be read.

        Each part fails on its own: its entities go unavailable, the others keep working.
        """
        if not self._failing_part:
            LOGGER.warning(
                "Error fetching Tedee account %s: could not read its %s: %s",
                self.config_entry.title,
                part,
                err,
            )
        else:
            LOGGER.debug(
                "Tedee account %s: could not read its %s either", self.config_entry.title, part
            )
        self._failing_part.add(part)

    def _part_recovered(self, part: str) -> None:
        """Log once, when every part reads again, that the account recovered."""
        if part in self._failing_part:
            self._failing_part.discard(part)
            if not self._failing_part:
                LOGGER.info("Fetching Tedee account %s recovered", self.config_entry.title)

    # ---- devices and repairs ---------------------------------------------------------------

    def readable_lock(self, lock_id: int) -> Lock | None:
        """Return a lock as its entities may show it (None while it cannot be read)."""
        data = self.data
        if not data.locks_ok or lock_id in data.missing_locks:
            return None
        return data.locks.get(lock_id)

    def readable_gate(self, gate_id: int) -> Gate | None:
        """Return a gate as its entities may show it (None while gates cannot be read)."""
        return self.data.gates.get(gate_id) if self.data.gates_ok else None

    @override
    def _after_update(self, data: TedeeData) -> None:
        """Track new and removed devices, raise or clear repair issues; start the pushes."""
        self._track_devices(data)
        self.issues.update(data, self.announced("gate", data.gates), self.client.deprecation)
        self.push.status.polling_interval = self._next_poll_in()
        if self.push.links and not self._push_started and not self.unloaded:
            self._push_started = True
            self.config_entry.async_create_background_task(
                self.hass, self._start_push(), f"{self.name} bridge push"
            )

    @callback
    def async_add_lock_listener(self, listener: Callable[[list[Lock]], None]) -> CALLBACK_TYPE:
        """Call `listener` with locks that appear (the current ones first)."""
        return self._add_announced_listener("lock", listener, lambda data: data.locks)

    @callback
    def async_add_lock_details_listener(
        self, listener: Callable[[list[Lock]], None]
    ) -> CALLBACK_TYPE:
        """Call `listener` with locks whose details become known (the current ones first).

        For entities that only some locks have, told by their details (a pull spring
        duration): a lock first known from a sync gets them once its details are read.
        """
        current = (
            [lock for lock in self.announced("lock", self.data.locks) if lock.detailed]
            if self.data is not None
            else ()
        )
        return self._add_listener("lock_details", listener, current)

    @callback
    def async_add_gate_listener(self, listener: Callable[[list[Gate]], None]) -> CALLBACK_TYPE:
        """Call `listener` with gates that appear (the current ones first)."""
        return self._add_announced_listener("gate", listener, lambda data: data.gates)

    @override
    def device_identifier(self, kind: str, device_id: int) -> str:
        """Return the identifier of a lock, gate or bridge (one id space at Tedee)."""
        return tedee_identifier(device_id)

    def _track_devices(self, data: TedeeData) -> None:
        """Announce new locks and gates; remove the devices a complete listing no longer has.

        A device another entry provides (an account sharing the lock) is not shown here.
        """
        self._claim_devices({"lock": data.locks, "gate": data.gates, "bridge": data.bridges})
        new_locks, gone_locks = self._diff("lock", data.locks)
        new_gates, gone_gates = self._diff("gate", data.gates)
        _, gone_bridges = self._diff("bridge", data.bridges)
        self._details_shown -= gone_locks
        if gone := gone_locks | gone_gates | gone_bridges:
            # Detach their devices from this entry; drop their issues.
            self._remove_devices(tedee_identifier(device_id) for device_id in gone)
            self.issues.forget_gates(gone)
        self.devices.register_bridges(self.announced("bridge", data.bridges))
        before = self.data.locks if self.data is not None else {}
        self.devices.refresh_locks(before, (lock for lock in data.locks.values() if lock.detailed))
        self._notify("lock", new_locks)
        self._announce_details(self.announced("lock", data.locks))
        self._notify("gate", new_gates)

    def _announce_details(self, shown: Iterable[Lock]) -> None:
        """Hand the shown locks whose details were just read to the platforms (once each)."""
        newly = [lock for lock in shown if lock.detailed and lock.id not in self._details_shown]
        self._details_shown.update(lock.id for lock in newly)
        self._notify("lock_details", newly)

    @override
    def _devices_granted(self, kind: str, new: list[Any]) -> None:
        """Show what this entry now provides: bridges as devices, locks and gates as entities."""
        if kind == "bridge":
            self.devices.register_bridges(new)
        else:
            self._notify(kind, new)
        if kind == "lock":
            # Shown here again or for the first time: with every entity its details tell.
            self._details_shown.difference_update(lock.id for lock in new)
            self._announce_details(new)

    # ---- actions (`operations.py`) --------------------------------------------------------

    @user_action
    async def async_lock(self, lock_id: int) -> None:
        """Lock and wait until the lock reports the result."""
        await self.operations.lock(lock_id)

    @user_action
    async def async_unlock(self, lock_id: int) -> None:
        """Unlock as the entry's unlock behaviour says; wait until the lock reports the result."""
        await self.operations.unlock(lock_id)

    @user_action
    async def async_open(self, lock_id: int) -> None:
        """Open the latch; a locked lock unlocks and pulls in one operation."""
        await self.operations.open(lock_id)

    @user_action
    async def async_open_gate(self, gate_id: int) -> None:
        """Open a gate for its impulse length (its activity is read on the next poll)."""
        await self.operations.open_gate(gate_id)

    def _show_lock(self, lock: Lock) -> None:
        """Show a lock's new live state at once (an action's or a push's), and note when."""
        self._settled_at[lock.id] = self._clock()
        # Not async_set_updated_data: an action must not move the poll timer.
        self.data = replace(self.data, locks={**self.data.locks, lock.id: lock})
        self.async_update_listeners()


def _keep_position(synced: Lock, shown: Lock) -> Lock:
    """Return the synced lock with the position (and jam flag) shown now."""
    now = shown.status
    if synced.status is None or now is None:
        return synced
    status = replace(synced.status, state=now.state, state_change_result=now.state_change_result)
    return replace(synced, status=status)


# Creates the request scheduler for one Tedee account.
build_scheduler: Final = scheduler_factory(
    hourly_limit=TEDEE_HOURLY_LIMIT, action_reserve=TEDEE_ACTION_RESERVE, limits=TEDEE_LIMITS
)
