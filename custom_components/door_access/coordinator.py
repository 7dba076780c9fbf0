"""The Tedee account coordinator: owns the client and every call to the Tedee cloud."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, issue_registry as ir

from .api.tedee import (
    Bridge,
    Gate,
    GateStatus,
    Lock,
    LockState,
    LockSync,
    OperationFailure,
    TedeeApiVersionError,
    TedeeAuthError,
    TedeeBadResponseError,
    TedeeClient,
    TedeeConnectionError,
    TedeeError,
    TedeeOperationError,
    TedeeRateLimitError,
    UnlockMode,
)
from .base_coordinator import DoorAccessCoordinator
from .const import (
    CONF_GATE_INTERVAL,
    CONF_POLL_INTERVAL,
    DEFAULT_GATE_INTERVAL,
    DEFAULT_POLL_INTERVAL,
    DETAILS_REFRESH_INTERVAL,
    DOMAIN,
    LOGGER,
    MIN_POLL_INTERVAL,
    TEDEE_ACTION_RESERVE,
    TEDEE_HOURLY_LIMIT,
    TEDEE_LOCK_SYNC_MIN_INTERVAL,
)
from .doorflow_coordinator import DoorFlowCoordinator
from .scheduler import Priority, RequestDeferredError, RequestScheduler

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

type DoorAccessConfigEntry = ConfigEntry[TedeeCoordinator | DoorFlowCoordinator]

LOCK_SYNC_SLOT = "lock_sync"
SINGLE_LOCK_SYNC_SLOT = "single_lock_sync"
# More changed revisions than this in one sync: re-read the whole (paged) list instead.
MAX_DETAIL_FETCHES = 5
# How long a lock operation is followed before it counts as timed out (seconds).
OPERATION_MAX_WAIT = 20.0

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

_TRANSITIONS: dict[str, LockState] = {
    "lock": LockState.LOCKING,
    "unlock": LockState.UNLOCKING,
    "pull": LockState.PULLING,
}


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

    config_entry: DoorAccessConfigEntry
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
        self.operation_poll_interval = 1.0
        self._details_due = 0.0
        self._gates_due = 0.0
        self.bridge_device_ids: dict[int, str] = {}

    # ---- polling ---------------------------------------------------------------------------

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
            syncs = await self._call(self.client.sync_locks, slot=LOCK_SYNC_SLOT)
            locks = await self._merge_syncs(previous.locks, syncs)
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
        self, known: Mapping[int, Lock], syncs: list[LockSync]
    ) -> dict[int, Lock]:
        """Apply a bulk sync; refetch details of locks that are new or changed revision."""
        stale = [s.id for s in syncs if s.id not in known or known[s.id].revision != s.revision]
        if len(stale) > MAX_DETAIL_FETCHES:
            fresh = {lock.id: lock for lock in await self._call(self.client.get_locks)}
            self._details_due = self._clock() + DETAILS_REFRESH_INTERVAL
        else:
            fresh = {lock_id: await self._call(self.client.get_lock, lock_id) for lock_id in stale}
        locks: dict[int, Lock] = {}
        for sync in syncs:
            base = fresh.get(sync.id) or known.get(sync.id)
            if base is not None:
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
                config_entry_id=self.config_entry.entry_id,
                identifiers={(DOMAIN, f"tedee-{bridge.id}")},
                manufacturer="Tedee",
                model="Bridge",
                name=bridge.name or f"Tedee bridge {bridge.serial_number}",
                serial_number=bridge.serial_number or None,
                sw_version=bridge.software_version,
            )
            self.bridge_device_ids[bridge.id] = device.id

    def _remove_tedee_devices(self, device_ids: set[int]) -> None:
        """Detach the devices of removed locks and gates from this entry; drop their issues."""
        self._remove_devices(f"tedee-{device_id}" for device_id in device_ids)
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

    async def async_lock(self, lock_id: int) -> None:
        """Lock and wait until the lock reports the result."""
        await self._operate(lock_id, "lock", self.client.lock)

    async def async_unlock(self, lock_id: int, mode: UnlockMode = UnlockMode.NORMAL) -> None:
        """Unlock (in the given mode) and wait until the lock reports the result."""
        await self._operate(lock_id, "unlock", self.client.unlock, mode)

    async def async_pull(self, lock_id: int) -> None:
        """Pull the spring and wait until the lock reports the result."""
        await self._operate(lock_id, "pull", self.client.pull)

    async def _operate(
        self, lock_id: int, action: str, start: Callable[..., Awaitable[str]], *args: Any
    ) -> None:
        """Start an operation, show its transitional state, wait for it, then sync the lock."""
        try:
            operation_id = await self._call(start, lock_id, *args, priority=Priority.USER)
            self._show_transition(lock_id, _TRANSITIONS[action])
            try:
                deadline = self.hass.loop.time() + OPERATION_MAX_WAIT
                while not (
                    operation := await self._call(
                        self.client.get_operation, operation_id, priority=Priority.USER
                    )
                ).completed:
                    if self.hass.loop.time() + self.operation_poll_interval > deadline:
                        raise TedeeOperationError(
                            "the lock did not finish in time", reason=OperationFailure.TIMEOUT
                        )
                    await asyncio.sleep(self.operation_poll_interval)
                operation.raise_if_failed()
            finally:
                await self._refresh_lock(lock_id)
        except TedeeError as err:
            raise self.action_error(err) from err
        except RequestDeferredError as err:
            raise self.deferred_error(err) from err

    async def async_open_gate(self, gate_id: int) -> None:
        """Open a gate for its impulse length."""
        try:
            await self._call(self.client.open_gate, gate_id, priority=Priority.USER)
        except TedeeError as err:
            raise self.action_error(err) from err
        except RequestDeferredError as err:
            raise self.deferred_error(err) from err

    def _show_transition(self, lock_id: int, state: LockState) -> None:
        """Show locking / unlocking / pulling at once, without touching the poll timer."""
        if self.data is None or (lock := self.data.locks.get(lock_id)) is None:
            return
        if lock.status is None:
            return
        locks = dict(self.data.locks)
        locks[lock_id] = replace(lock, status=replace(lock.status, state=state))
        self.data = replace(self.data, locks=locks)
        self.async_update_listeners()

    async def _refresh_lock(self, lock_id: int) -> None:
        """Read one lock's state with single-lock sync (its own 20 s slot) after an action."""
        try:
            sync = await self._call(
                self.client.sync_lock,
                lock_id,
                priority=Priority.USER,
                slot=(SINGLE_LOCK_SYNC_SLOT, lock_id),
            )
        except (TedeeError, RequestDeferredError) as err:
            LOGGER.debug("Could not sync lock %s after an action: %s", lock_id, err)
            return
        if self.data is None or (lock := self.data.locks.get(lock_id)) is None:
            return
        locks = dict(self.data.locks)
        locks[lock_id] = lock.with_sync(sync)
        self.data = replace(self.data, locks=locks)
        self.async_update_listeners()


def build_scheduler(hass: HomeAssistant) -> RequestScheduler:
    """Create the request scheduler for one Tedee account."""
    return RequestScheduler(
        hass.loop.time,
        hourly_limit=TEDEE_HOURLY_LIMIT,
        action_reserve=TEDEE_ACTION_RESERVE,
        slot_intervals={
            LOCK_SYNC_SLOT: TEDEE_LOCK_SYNC_MIN_INTERVAL,
            SINGLE_LOCK_SYNC_SLOT: TEDEE_LOCK_SYNC_MIN_INTERVAL,
        },
    )
