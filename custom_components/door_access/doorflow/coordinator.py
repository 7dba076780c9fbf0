"""The DoorFlow account coordinator: owns the client and every call to the DoorFlow cloud."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from ..actions import FollowPlan, Transition
from ..api import (
    Account,
    AdmissionRequest,
    AdmissionStatus,
    Channel,
    DoorFlowAuthError,
    DoorFlowBadResponseError,
    DoorFlowClient,
    DoorFlowConnectionError,
    DoorFlowOperationError,
    DoorFlowRateLimitError,
    OperationFailure,
)
from ..const import (
    CONF_POLL_INTERVAL,
    DOORFLOW_ACTION_RESERVE,
    DOORFLOW_ADMIT_MAX_WAIT,
    DOORFLOW_DEFAULT_POLL_INTERVAL,
    DOORFLOW_HOURLY_LIMIT,
    DOORFLOW_MIN_POLL_INTERVAL,
    DOORFLOW_SYNC_MIN_INTERVAL,
)
from ..coordinator import DoorAccessCoordinator, user_action
from ..scheduler import Priority, RequestScheduler
from .devices import account_device_info, channel_identifier

if TYPE_CHECKING:
    from ..models import DoorAccessConfigEntry

SYNC_SLOT = "sync"

_OPERATION_ERROR_KEYS: Mapping[str, str] = {
    OperationFailure.DENIED: "door_denied",
    OperationFailure.OFFLINE: "door_offline",
    OperationFailure.TIMEOUT: "operation_timeout",
    OperationFailure.REFUSED: "door_refused",
    OperationFailure.NOT_FOUND: "device_not_found",
    OperationFailure.FAILED: "operation_failed",
}

_ADMISSION_FAILURES: Mapping[AdmissionStatus, OperationFailure] = {
    AdmissionStatus.DENIED: OperationFailure.DENIED,
    AdmissionStatus.OFFLINE: OperationFailure.OFFLINE,
    AdmissionStatus.TIMEOUT: OperationFailure.TIMEOUT,
}

# A door controller answers an admit in about 1-3 s: read its decision first after 1.5 s.
ADMISSION_FOLLOW = FollowPlan(first_delay=1.5, interval=0.75, max_wait=DOORFLOW_ADMIT_MAX_WAIT)


@dataclass(frozen=True, slots=True)
class DoorFlowData:
    """Everything the integration knows about one DoorFlow account."""

    account: Account
    channels: Mapping[int, Channel]


class DoorFlowCoordinator(DoorAccessCoordinator[DoorFlowData]):
    """Polls one DoorFlow account (account and channels) and runs the user's door actions."""

    cloud_name = "DoorFlow"
    auth_errors = (DoorFlowAuthError,)
    rate_limit_errors = (DoorFlowRateLimitError,)
    outage_errors = (DoorFlowConnectionError, DoorFlowBadResponseError)
    operation_errors = (DoorFlowOperationError,)
    operation_error_keys = _OPERATION_ERROR_KEYS

    def __init__(
        self,
        hass: HomeAssistant,
        entry: DoorAccessConfigEntry,
        client: DoorFlowClient,
        scheduler: RequestScheduler,
    ) -> None:
        poll = max(
            int(entry.options.get(CONF_POLL_INTERVAL, DOORFLOW_DEFAULT_POLL_INTERVAL)),
            DOORFLOW_MIN_POLL_INTERVAL,
        )
        super().__init__(hass, entry, scheduler, poll_interval=poll)
        self.client = client
        self.follow_plan = ADMISSION_FOLLOW
        self.account_device_id: str | None = None

    # ---- polling ---------------------------------------------------------------------------

    async def _fetch(self) -> DoorFlowData:
        """Read the account (its sync status) and every channel."""
        account = await self._call(self.client.get_account)
        channels = await self._call(self.client.get_channels)
        return DoorFlowData(account=account, channels={c.id: c for c in channels})

    def _after_update(self, data: DoorFlowData) -> None:
        """Register the account device, announce new doors, remove the devices of gone ones."""
        self._register_account(data.account)
        new, gone = self._diff("channel", data.channels)
        if gone:
            self._remove_devices(channel_identifier(channel_id) for channel_id in gone)
        self._notify("channel", new)

    def _register_account(self, account: Account) -> None:
        """Register the account as a device, so that doors can hang below it."""
        device = dr.async_get(self.hass).async_get_or_create(
            config_entry_id=self.config_entry.entry_id, **account_device_info(account)
        )
        self.account_device_id = device.id

    @callback
    def async_add_channel_listener(
        self, listener: Callable[[list[Channel]], None]
    ) -> CALLBACK_TYPE:
        """Call `listener` with doors that appear (the current ones first)."""
        current = self.data.channels.values() if self.data is not None else ()
        return self._add_listener("channel", listener, current)

    # ---- actions ---------------------------------------------------------------------------

    @user_action
    async def async_open(self, channel_id: int) -> None:
        """Admit once (momentary unlock) and wait until the door controller decides."""

        async def admit() -> None:
            admission = await self._call(self.client.admit, channel_id, priority=Priority.USER)
            if admission.pending:
                admission = await self.actions.follow(
                    lambda: self._call(
                        self.client.get_admission_request, admission.id, priority=Priority.USER
                    ),
                    lambda progress: not progress.pending,
                    self.follow_plan,
                )
            _raise_unless_admitted(admission)

        await self.actions.run(channel_identifier(channel_id), Transition.OPENING, admit)

    @user_action
    async def async_unlock(self, channel_id: int) -> None:
        """Hold the door unlocked until it is locked again."""

        async def unlock() -> None:
            self._settle(await self._call(self.client.unlock, channel_id, priority=Priority.USER))

        await self.actions.run(channel_identifier(channel_id), Transition.UNLOCKING, unlock)

    @user_action
    async def async_lock(self, channel_id: int) -> None:
        """Return the door to normal mode (locked, card access)."""

        async def normal() -> None:
            self._settle(await self._call(self.client.normal, channel_id, priority=Priority.USER))

        await self.actions.run(channel_identifier(channel_id), Transition.LOCKING, normal)

    def _settle(self, channel: Channel) -> None:
        """Show the door as the command's answer describes it."""
        if channel.id not in self.data.channels:
            return
        channels = dict(self.data.channels)
        channels[channel.id] = channel
        # Not async_set_updated_data: an action must not move the poll timer.
        self.data = replace(self.data, channels=channels)
        self.async_update_listeners()

    @user_action
    async def async_sync(self) -> None:
        """Push pending changes to every door controller (at most once per 30 s slot)."""
        await self._call(self.client.sync, priority=Priority.USER, slot=SYNC_SLOT)
        self.bring_poll_forward()


def _raise_unless_admitted(admission: AdmissionRequest) -> None:
    """Raise unless the door controller admitted."""
    if admission.status is AdmissionStatus.ADMITTED:
        return
    reason = _ADMISSION_FAILURES.get(admission.status, OperationFailure.FAILED)
    raise DoorFlowOperationError(f"the admit ended {admission.status.value}", reason=reason)


def build_doorflow_scheduler(hass: HomeAssistant) -> RequestScheduler:
    """Create the request scheduler for one DoorFlow account."""
    return RequestScheduler(
        hass.loop.time,
        hourly_limit=DOORFLOW_HOURLY_LIMIT,
        action_reserve=DOORFLOW_ACTION_RESERVE,
        slot_intervals={SYNC_SLOT: DOORFLOW_SYNC_MIN_INTERVAL},
    )
