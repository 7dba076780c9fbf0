"""The Tedee account coordinator: owns the client and every call to the Tedee cloud."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

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
from .scheduler import Priority, RequestDeferredError, RequestScheduler

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

type DoorAccessConfigEntry = ConfigEntry[TedeeCoordinator]

LOCK_SYNC_SLOT = "lock_sync"
SINGLE_LOCK_SYNC_SLOT = "single_lock_sync"
# More changed revisions than this in one sync: re-read the whole (paged) list instead.
MAX_DETAIL_FETCHES = 5

_OPERATION_ERROR_KEYS: dict[OperationFailure, str] = {
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


class TedeeCoordinator(DataUpdateCoordinator[TedeeData]):
    """Polls one Tedee account within its limits and runs the user's actions."""

    config_entry: DoorAccessConfigEntry

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
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} tedee {entry.title}",
            update_interval=timedelta(seconds=poll),
        )
        self.client = client
        self.scheduler = scheduler
        self.gate_interval = float(entry.options.get(CONF_GATE_INTERVAL, DEFAULT_GATE_INTERVAL))
        self.operation_poll_interval = 1.0
        self._clock = hass.loop.time
        self._details_due = 0.0
        self._gates_due = 0.0
        self._rate_limited = False
        self._lock_listeners: list[Callable[[list[Lock]], None]] = []
        self._gate_listeners: list[Callable[[list[Gate]], None]] = []
        self._known_locks: set[int] = set()
        self._known_gates: set[int] = set()
        self.bridge_device_ids: dict[int, str] = {}

    # ---- polling ---------------------------------------------------------------------------

    async def _call[T](
        self,
        send: Callable[..., Awaitable[T]],
        *args: Any,
        priority: Priority = Priority.BACKGROUND,
        slot: str | tuple[str, int] | None = None,
    ) -> T:
        """Send one request through the account's scheduler."""
        try:
            return await self.scheduler.run(lambda: send(*args), priority=priority, slot=slot)
        except TedeeRateLimitError as err:
            wait = self.scheduler.note_rate_limited(err.retry_after)
            if not self._rate_limited:
                self._rate_limited = True
                LOGGER.warning(
                    "Tedee rate limit reached for %s; no request for %.0f s",
                    self.config_entry.title,
                    wait,
                )
            raise

    async def _async_update_data(self) -> TedeeData:
        """Fetch fresh data; a rate limit keeps the last data, an outage backs off."""
        try:
            data = await self._fetch()
        except TedeeAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="auth_failed"
            ) from err
        except (RequestDeferredError, TedeeRateLimitError) as err:
            retry_in = (
                err.retry_in
                if isinstance(err, RequestDeferredError)
                else self.scheduler.cooling_down_for()
            )
            if self.data is None or not self.last_update_success:
                raise UpdateFailed(
                    translation_domain=DOMAIN,
                    translation_key="rate_limited",
                    translation_placeholders={"seconds": str(round(retry_in))},
                    retry_after=max(retry_in, 1.0),
                ) from err
            return self.data
        except (TedeeConnectionError, TedeeBadResponseError, TedeeApiVersionError) as err:
            delay = self.scheduler.note_outage()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cannot_connect",
                translation_placeholders={"error": str(err)},
                retry_after=delay,
            ) from err
        self.scheduler.note_success()
        if self._rate_limited:
            self._rate_limited = False
            LOGGER.info("Tedee requests for %s resumed", self.config_entry.title)
        self._track_devices(data)
        self._update_issues(data)
        return data

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
        self._lock_listeners.append(listener)
        if self.data is not None:
            listener(list(self.data.locks.values()))
        return lambda: self._lock_listeners.remove(listener)

    @callback
    def async_add_gate_listener(self, listener: Callable[[list[Gate]], None]) -> CALLBACK_TYPE:
        """Call `listener` with gates that appear (the current ones first)."""
        self._gate_listeners.append(listener)
        if self.data is not None:
            listener(list(self.data.gates.values()))
        return lambda: self._gate_listeners.remove(listener)

    def _track_devices(self, data: TedeeData) -> None:
        """Announce new locks and gates; remove the devices of those that disappeared."""
        new_locks = [
            lock for lock_id, lock in data.locks.items() if lock_id not in self._known_locks
        ]
        new_gates = [
            gate for gate_id, gate in data.gates.items() if gate_id not in self._known_gates
        ]
        gone = (self._known_locks - data.locks.keys()) | (self._known_gates - data.gates.keys())
        self._known_locks = set(data.locks)
        self._known_gates = set(data.gates)
        if gone:
            self._remove_devices(gone)
        self._register_bridges(data.bridges.values())
        if new_locks:
            for lock_listener in list(self._lock_listeners):
                lock_listener(new_locks)
        if new_gates:
            for gate_listener in list(self._gate_listeners):
                gate_listener(new_gates)

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

    def _remove_devices(self, device_ids: set[int]) -> None:
        """Detach the devices of removed locks and gates from this entry."""
        registry = dr.async_get(self.hass)
        for device_id in device_ids:
            device = registry.async_get_device_by_identifier(
                (DOMAIN, f"tedee-{device_id}"), self.config_entry.entry_id
            )
            if device is not None:
                registry.async_remove_device(device.id)
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
                await self.client.wait_for_operation(
                    operation_id,
                    poll_interval=self.operation_poll_interval,
                    fetch=lambda op_id: self._call(
                        self.client.get_operation, op_id, priority=Priority.USER
                    ),
                )
            finally:
                await self._refresh_lock(lock_id)
        except TedeeError as err:
            raise self._action_error(err) from err
        except RequestDeferredError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                translation_placeholders={"seconds": str(round(err.retry_in))},
            ) from err

    async def async_open_gate(self, gate_id: int) -> None:
        """Open a gate for its impulse length."""
        try:
            await self._call(self.client.open_gate, gate_id, priority=Priority.USER)
        except TedeeError as err:
            raise self._action_error(err) from err
        except RequestDeferredError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                translation_placeholders={"seconds": str(round(err.retry_in))},
            ) from err

    def _action_error(self, err: TedeeError) -> HomeAssistantError:
        """Translate a client error raised by an action."""
        if isinstance(err, TedeeAuthError):
            self.config_entry.async_start_reauth(self.hass)
            key = "auth_failed"
        elif isinstance(err, TedeeOperationError):
            key = _OPERATION_ERROR_KEYS.get(err.reason, "operation_failed")
        elif isinstance(err, TedeeRateLimitError):
            key = "rate_limited"
        else:
            key = "action_cannot_connect"
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders={"seconds": str(round(self.scheduler.cooling_down_for()))},
        )

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
