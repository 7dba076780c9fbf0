"""The Tedee account coordinator: owns the client and every call to the Tedee cloud."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.helpers.event import async_call_later

from ..actions import FollowPlan, Transition
from ..api import (
    Bridge,
    Gate,
    GateStatus,
    Lock,
    LockState,
    LockStatus,
    LockSync,
    Operation,
    OperationFailure,
    TedeeApiVersionError,
    TedeeAuthError,
    TedeeBadResponseError,
    TedeeClient,
    TedeeConnectionError,
    TedeeOperationError,
    TedeeRateLimitError,
    UnlockMode,
)
from ..const import (
    CONF_GATE_INTERVAL,
    CONF_POLL_INTERVAL,
    CONF_UNLOCK_BEHAVIOR,
    DEFAULT_GATE_INTERVAL,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_UNLOCK_BEHAVIOR,
    DETAILS_REFRESH_INTERVAL,
    DOMAIN,
    MIN_POLL_INTERVAL,
    TEDEE_ACTION_RESERVE,
    TEDEE_HOURLY_LIMIT,
    TEDEE_LOCK_SYNC_MIN_INTERVAL,
    UnlockBehavior,
)
from ..coordinator import DoorAccessCoordinator, user_action
from ..scheduler import Priority, RequestScheduler
from .devices import bridge_device_info, tedee_identifier

if TYPE_CHECKING:
    from ..models import DoorAccessConfigEntry

LOCK_SYNC_SLOT = "lock_sync"
# More changed revisions than this in one sync: re-read the whole (paged) list instead.
MAX_DETAIL_FETCHES = 5

_OPERATION_ERROR_KEYS: Mapping[str, str] = {
    OperationFailure.JAMMED: "lock_jammed",
    OperationFailure.TIMEOUT: "operation_timeout",
    OperationFailure.REFUSED: "operation_refused",
    OperationFailure.FAILED: "operation_failed",
    OperationFailure.NOT_FOUND: "device_not_found",
    OperationFailure.NO_ACCESS: "gate_no_access",
    OperationFailure.GATE_TIMEOUT: "gate_timeout",
    OperationFailure.NO_BLEBOX_INTEGRATION: "gate_no_blebox",
    OperationFailure.GATE_DISCONNECTED: "gate_disconnected",
}

UNLOCK_MODES: Mapping[str, UnlockMode] = {
    UnlockBehavior.UNLOCK: UnlockMode.NORMAL,
    UnlockBehavior.UNLOCK_AND_PULL: UnlockMode.UNLOCK_OR_PULL,
}

# An operation's result when the lock could not finish moving.
JAMMED_RESULT = 1

# A Tedee lock takes about 1-3 s to move: read the operation's progress first after 2 s.
OPERATION_FOLLOW = FollowPlan(first_delay=2.0, interval=0.75, max_wait=30.0)


@dataclass(frozen=True, slots=True)
class TedeeData:
    """Everything the integration knows about one Tedee account."""

    locks: Mapping[int, Lock]
    gates: Mapping[int, Gate]
    bridges: Mapping[int, Bridge]


def unlinked_gate_issue_id(entry_id: str, gate_id: int) -> str:
    """Return the repair issue id for an unlinked gate."""
    return f"gate_unlinked_{entry_id}_{gate_id}"


class TedeeCoordinator(DoorAccessCoordinator[TedeeData]):
    """Polls one Tedee account within its limits and runs the user's actions."""

    cloud_name = "Tedee"
    auth_errors = (TedeeAuthError,)
    rate_limit_errors = (TedeeRateLimitError,)
    outage_errors = (TedeeConnectionError, TedeeBadResponseError, TedeeApiVersionError)
    operation_errors = (TedeeOperationError,)
    operation_error_keys = _OPERATION_ERROR_KEYS

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
        self.gate_interval = float(entry.options.get(CONF_GATE_INTERVAL, DEFAULT_GATE_INTERVAL))
        self.follow_plan = OPERATION_FOLLOW
        self._details_due = 0.0
        self._gates_due = 0.0
        self.bridge_device_ids: dict[int, str] = {}
        # Lock id → when an action last settled its state (a poll sent earlier is older).
        self._settled_at: dict[int, float] = {}

    # ---- polling ---------------------------------------------------------------------------

    def _poll_allowed_in(self) -> float:
        """Return the seconds until the next bulk lock sync may go out."""
        return self.scheduler.slot_free_in(LOCK_SYNC_SLOT)

    def _after_update(self, data: TedeeData) -> None:
        """Track new and removed devices, then raise or clear repair issues."""
        self._track_devices(data)
        self._update_issues(data)

    async def _fetch(self) -> TedeeData:
        """Read what is due: full details hourly, else one bulk sync; gates on their throttle."""
        now = self._clock()
        previous = self.data
        bridges: Mapping[int, Bridge]
        if previous is None or now >= self._details_due:
            bridges = await self._fetch_bridges()
            locks = {lock.id: lock for lock in await self._call(self.client.get_locks)}
            self._details_due = now + DETAILS_REFRESH_INTERVAL
        else:
            bridges = previous.bridges
            sent_at = self._clock()
            syncs = await self._call(self.client.sync_locks, slot=LOCK_SYNC_SLOT)
            locks = await self._merge_syncs(previous.locks, syncs, sent_at)
        if previous is None or now >= self._gates_due:
            await self._call(self.client.sync_gates)
            gates = {gate.id: gate for gate in await self._call(self.client.get_gates)}
            self._gates_due = now + self.gate_interval
        else:
            gates = dict(previous.gates)
        return TedeeData(locks=locks, gates=gates, bridges=bridges)

    async def _fetch_bridges(self) -> dict[int, Bridge]:
        """Read the bridges; an account or API without them is not an error."""
        try:
            return {bridge.id: bridge for bridge in await self._call(self.client.get_bridges)}
        except TedeeBadResponseError:
            return {}

    async def _merge_syncs(
        self, known: Mapping[int, Lock], syncs: list[LockSync], sent_at: float
    ) -> dict[int, Lock]:
        """Apply a bulk sync; refetch details of locks that are new or changed revision."""
        stale = [s.id for s in syncs if s.id not in known or known[s.id].revision != s.revision]
        if len(stale) > MAX_DETAIL_FETCHES:
            fresh = {lock.id: lock for lock in await self._call(self.client.get_locks)}
            self._details_due = self._clock() + DETAILS_REFRESH_INTERVAL
        else:
            fresh = {lock_id: await self._call(self.client.get_lock, lock_id) for lock_id in stale}
        current = self.data.locks if self.data is not None else known
        locks: dict[int, Lock] = {}
        for sync in syncs:
            base = fresh.get(sync.id) or known.get(sync.id)
            if base is None:
                continue
            if self._settled_at.get(sync.id, float("-inf")) > sent_at and sync.id in current:
                # An action settled this lock after the sync was sent: its state is newer.
                locks[sync.id] = replace(base.with_sync(sync), status=current[sync.id].status)
            else:
                locks[sync.id] = base.with_sync(sync)
        return locks

    # ---- devices and repairs ---------------------------------------------------------------

    @callback
    def async_add_lock_listener(self, listener: Callable[[list[Lock]], None]) -> CALLBACK_TYPE:
        """Call `listener` with locks that appear (the current ones first)."""
        current = self.data.locks.values() if self.data is not None else ()
        return self._add_listener("lock", listener, current)

    @callback
    def async_add_gate_listener(self, listener: Callable[[list[Gate]], None]) -> CALLBACK_TYPE:
        """Call `listener` with gates that appear (the current ones first)."""
        current = self.data.gates.values() if self.data is not None else ()
        return self._add_listener("gate", listener, current)

    def _track_devices(self, data: TedeeData) -> None:
        """Announce new locks and gates; remove the devices of those that disappeared."""
        new_locks, gone_locks = self._diff("lock", data.locks)
        new_gates, gone_gates = self._diff("gate", data.gates)
        if gone := gone_locks | gone_gates:
            self._remove_tedee_devices(gone)
        self._register_bridges(data.bridges.values())
        self._notify("lock", new_locks)
        self._notify("gate", new_gates)

    def _register_bridges(self, bridges: Iterable[Bridge]) -> None:
        """Register bridges as devices so that locks can name them as `via_device`."""
        registry = dr.async_get(self.hass)
        for bridge in bridges:
            device = registry.async_get_or_create(
                config_entry_id=self.config_entry.entry_id, **bridge_device_info(bridge)
            )
            self.bridge_device_ids[bridge.id] = device.id

    def _remove_tedee_devices(self, device_ids: set[int]) -> None:
        """Detach the devices of removed locks and gates from this entry; drop their issues."""
        self._remove_devices(tedee_identifier(device_id) for device_id in device_ids)
        for device_id in device_ids:
            ir.async_delete_issue(
                self.hass, DOMAIN, unlinked_gate_issue_id(self.config_entry.entry_id, device_id)
            )

    def _update_issues(self, data: TedeeData) -> None:
        """Raise or clear repair issues: unlinked gates, deprecated API version."""
        entry_id = self.config_entry.entry_id
        for gate in data.gates.values():
            issue_id = unlinked_gate_issue_id(entry_id, gate.id)
            if gate.status is GateStatus.UNLINKED:
                ir.async_create_issue(
                    self.hass,
                    DOMAIN,
                    issue_id,
                    is_fixable=False,
                    severity=ir.IssueSeverity.WARNING,
                    translation_key="gate_unlinked",
                    translation_placeholders={"gate": gate.name or str(gate.id)},
                )
            else:
                ir.async_delete_issue(self.hass, DOMAIN, issue_id)
        deprecation = self.client.deprecation
        issue_id = f"api_deprecated_{entry_id}"
        if deprecation is not None:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="api_version_deprecated",
                translation_placeholders={
                    "version": deprecation.version,
                    "sunset": deprecation.sunset or "-",
                },
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)

    # ---- actions ---------------------------------------------------------------------------

    @user_action
    async def async_lock(self, lock_id: int) -> None:
        """Lock and wait until the lock reports the result."""
        await self._operate(lock_id, Transition.LOCKING, self.client.lock, LockState.LOCKED)

    @user_action
    async def async_unlock(self, lock_id: int) -> None:
        """Unlock as the entry's unlock behaviour says; wait until the lock reports the result."""
        behavior = self.config_entry.options.get(CONF_UNLOCK_BEHAVIOR, DEFAULT_UNLOCK_BEHAVIOR)
        mode = UNLOCK_MODES.get(behavior, UnlockMode.NORMAL)
        lock = self.data.locks.get(lock_id)
        pulls = lock is not None and _unlock_pulls(lock, mode)
        await self._operate(
            lock_id,
            Transition.UNLOCKING,
            partial(self.client.unlock, mode=mode),
            LockState.PULLED if pulls else LockState.UNLOCKED,
        )

    @user_action
    async def async_open(self, lock_id: int) -> None:
        """Open the latch; a locked lock unlocks and pulls in one operation."""
        lock = self.data.locks.get(lock_id)
        start: Callable[[int], Awaitable[str]] = self.client.pull
        if lock is not None and lock.status is not None and lock.status.state in _CLOSED:
            start = partial(self.client.unlock, mode=UnlockMode.UNLOCK_OR_PULL)
        await self._operate(lock_id, Transition.OPENING, start, LockState.PULLED)

    async def _operate(
        self,
        lock_id: int,
        transition: Transition,
        start: Callable[[int], Awaitable[str]],
        settles_as: LockState,
    ) -> None:
        """Run one lock operation through the action pipeline."""

        async def operate() -> None:
            operation_id = await self._call(start, lock_id, priority=Priority.USER)
            operation = await self.actions.follow(
                lambda: self._call(self.client.get_operation, operation_id, priority=Priority.USER),
                lambda progress: progress.completed,
                self.follow_plan,
            )
            if operation.result == JAMMED_RESULT:
                self._set_jammed(lock_id)
            _raise_for_result(operation)
            self._settle(lock_id, settles_as)

        await self.actions.run(tedee_identifier(lock_id), transition, operate)
        self.bring_poll_forward()

    def _settle(self, lock_id: int, state: LockState) -> None:
        """Show the state the finished operation left the lock in; end a pull on time."""
        self._set_state(lock_id, state)
        if state is LockState.PULLED:
            lock = self.data.locks.get(lock_id)
            hold = lock.settings.pull_spring_duration if lock is not None else None
            self.config_entry.async_on_unload(
                async_call_later(self.hass, float(hold or 0), self._pull_ended(lock_id))
            )

    def _pull_ended(self, lock_id: int) -> Callable[[object], None]:
        """Return what runs when the latch is let go: the lock shows unlocked, then a re-read."""

        @callback
        def ended(_now: object) -> None:
            lock = self.data.locks.get(lock_id)
            if lock is not None and lock.status is not None:
                if lock.status.state is LockState.PULLED:
                    self._set_state(lock_id, LockState.UNLOCKED)
                self.bring_poll_forward()

        return ended

    def _set_jammed(self, lock_id: int) -> None:
        """Show that the lock could not finish moving (it stays where it stopped)."""
        lock = self.data.locks.get(lock_id)
        if lock is None or lock.status is None:
            return
        self._replace_status(lock_id, replace(lock.status, state_change_result=JAMMED_RESULT))

    def _set_state(self, lock_id: int, state: LockState) -> None:
        """Replace one lock's position in the data and tell the entities."""
        lock = self.data.locks.get(lock_id)
        if lock is None or lock.status is None:
            return
        self._replace_status(lock_id, replace(lock.status, state=state, state_change_result=0))

    def _replace_status(self, lock_id: int, status: LockStatus) -> None:
        """Replace one lock's live state in the data and tell the entities."""
        locks = dict(self.data.locks)
        locks[lock_id] = replace(locks[lock_id], status=status)
        self._settled_at[lock_id] = self._clock()
        # Not async_set_updated_data: an action must not move the poll timer.
        self.data = replace(self.data, locks=locks)
        self.async_update_listeners()

    @user_action
    async def async_open_gate(self, gate_id: int) -> None:
        """Open a gate for its impulse length."""
        await self._call(self.client.open_gate, gate_id, priority=Priority.USER)


_CLOSED = frozenset({LockState.LOCKED, LockState.SEMI_LOCKED, LockState.LOCKING})


def _unlock_pulls(lock: Lock, mode: UnlockMode) -> bool:
    """Tell whether an unlock in this mode also pulls the spring on this lock."""
    settings = lock.settings
    if not settings.pull_spring_enabled:
        return False
    if mode is UnlockMode.UNLOCK_OR_PULL:
        return True
    return mode is UnlockMode.NORMAL and settings.auto_pull_spring_enabled


def _raise_for_result(operation: Operation) -> None:
    """Raise when a completed operation reports that the lock did not do it."""
    if operation.result == JAMMED_RESULT:
        raise TedeeOperationError("the lock jammed", reason=OperationFailure.JAMMED)
    if operation.result > 0:
        raise TedeeOperationError(
            f"the operation failed (result {operation.result})", reason=OperationFailure.FAILED
        )


def build_scheduler(hass: HomeAssistant) -> RequestScheduler:
    """Create the request scheduler for one Tedee account."""
    return RequestScheduler(
        hass.loop.time,
        hourly_limit=TEDEE_HOURLY_LIMIT,
        action_reserve=TEDEE_ACTION_RESERVE,
        slot_intervals={LOCK_SYNC_SLOT: TEDEE_LOCK_SYNC_MIN_INTERVAL},
    )
