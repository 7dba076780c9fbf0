"""The DoorFlow account coordinator: owns the client and every call to the DoorFlow cloud."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .api.doorflow import (
    Account,
    Channel,
    DoorFlowAuthError,
    DoorFlowBadResponseError,
    DoorFlowClient,
    DoorFlowConnectionError,
    DoorFlowError,
    DoorFlowOperationError,
    DoorFlowRateLimitError,
    OperationFailure,
)
from .base_coordinator import DoorAccessCoordinator
from .const import (
    CONF_POLL_INTERVAL,
    DOMAIN,
    DOORFLOW_ACTION_RESERVE,
    DOORFLOW_ADMIT_MAX_WAIT,
    DOORFLOW_DEFAULT_POLL_INTERVAL,
    DOORFLOW_HOURLY_LIMIT,
    DOORFLOW_MIN_POLL_INTERVAL,
    DOORFLOW_SYNC_MIN_INTERVAL,
    LOGGER,
)
from .scheduler import Priority, RequestDeferredError, RequestScheduler

if TYPE_CHECKING:
    from .coordinator import DoorAccessConfigEntry

SYNC_SLOT = "sync"

_OPERATION_ERROR_KEYS: Mapping[str, str] = {
    OperationFailure.DENIED: "door_denied",
    OperationFailure.OFFLINE: "door_offline",
    OperationFailure.TIMEOUT: "operation_timeout",
    OperationFailure.REFUSED: "door_refused",
    OperationFailure.NOT_FOUND: "device_not_found",
    OperationFailure.FAILED: "operation_failed",
}


class DoorTransition(StrEnum):
    """What a door is doing while an action runs."""

    OPENING = "opening"
    UNLOCKING = "unlocking"
    LOCKING = "locking"


@dataclass(frozen=True, slots=True)
class DoorFlowData:
    """Everything the integration knows about one DoorFlow account."""

    account: Account
    channels: Mapping[int, Channel]


def doorflow_channel_identifier(channel_id: int) -> str:
    """Return the device identifier (in this domain) of a DoorFlow channel."""
    return f"doorflow-{channel_id}"


def doorflow_account_identifier(account_id: int) -> str:
    """Return the device identifier (in this domain) of a DoorFlow account."""
    return f"doorflow-account-{account_id}"


class DoorFlowCoordinator(DoorAccessCoordinator[DoorFlowData]):
    """Polls one DoorFlow account (account and channels) and runs the user's door actions."""

    config_entry: DoorAccessConfigEntry
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
        self.operation_poll_interval = 1.0
        self.admit_max_wait = DOORFLOW_ADMIT_MAX_WAIT
        # Door id → what an action in progress is doing to it.
        self.transitions: dict[int, DoorTransition] = {}
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
            self._remove_devices(doorflow_channel_identifier(channel_id) for channel_id in gone)
        self._notify("channel", new)

    def _register_account(self, account: Account) -> None:
        """Register the account as a device, so that doors can hang below it."""
        device = dr.async_get(self.hass).async_get_or_create(
            config_entry_id=self.config_entry.entry_id,
            identifiers={(DOMAIN, doorflow_account_identifier(account.id))},
            manufacturer="DoorFlow",
            model="Account",
            name=account.name or "DoorFlow account",
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

    async def async_open(self, channel_id: int) -> None:
        """Admit once (momentary unlock) and wait until the door controller answers."""

        async def admit() -> None:
            admission = await self._call(self.client.admit, channel_id, priority=Priority.USER)
            deadline = self.hass.loop.time() + self.admit_max_wait
            while True:
                admission = await self._call(
                    self.client.get_admission_request, admission.id, priority=Priority.USER
                )
                admission.raise_if_failed()
                if not admission.pending:
                    return
                if self.hass.loop.time() + self.operation_poll_interval > deadline:
                    raise DoorFlowOperationError(
                        "the admit was not decided in time", reason=OperationFailure.TIMEOUT
                    )
                await asyncio.sleep(self.operation_poll_interval)

        await self._operate(channel_id, DoorTransition.OPENING, admit)

    async def async_unlock(self, channel_id: int) -> None:
        """Hold the door unlocked until it is locked again."""
        await self._operate(
            channel_id,
            DoorTransition.UNLOCKING,
            lambda: self._call(self.client.unlock, channel_id, priority=Priority.USER),
        )

    async def async_lock(self, channel_id: int) -> None:
        """Return the door to normal mode (locked, card access)."""
        await self._operate(
            channel_id,
            DoorTransition.LOCKING,
            lambda: self._call(self.client.normal, channel_id, priority=Priority.USER),
        )

    async def _operate(
        self,
        channel_id: int,
        transition: DoorTransition,
        action: Callable[[], Awaitable[Any]],
    ) -> None:
        """Show the transition, run the action, then re-read the door; translate failures."""
        self.transitions[channel_id] = transition
        self.async_update_listeners()
        try:
            try:
                await action()
            finally:
                self.transitions.pop(channel_id, None)
                await self._refresh_channel(channel_id)
        except DoorFlowError as err:
            raise self.action_error(err) from err
        except RequestDeferredError as err:
            raise self.deferred_error(err) from err

    async def _refresh_channel(self, channel_id: int) -> None:
        """Read one door after an action and show it (or at least end the transition)."""
        try:
            channel = await self._call(self.client.get_channel, channel_id, priority=Priority.USER)
        except (DoorFlowError, RequestDeferredError) as err:
            LOGGER.debug("Could not read door %s after an action: %s", channel_id, err)
            self.async_update_listeners()
            return
        if self.data is not None and channel_id in self.data.channels:
            channels = dict(self.data.channels)
            channels[channel_id] = channel
            self.data = replace(self.data, channels=channels)
        self.async_update_listeners()

    async def async_sync(self) -> None:
        """Push pending changes to every door controller (at most once per 30 s slot)."""
        try:
            await self._call(self.client.sync, priority=Priority.USER, slot=SYNC_SLOT)
        except DoorFlowError as err:
            raise self.action_error(err) from err
        except RequestDeferredError as err:
            raise self.deferred_error(err) from err
        await self.async_request_refresh()


def build_doorflow_scheduler(hass: HomeAssistant) -> RequestScheduler:
    """Create the request scheduler for one DoorFlow account."""
    return RequestScheduler(
        hass.loop.time,
        hourly_limit=DOORFLOW_HOURLY_LIMIT,
        action_reserve=DOORFLOW_ACTION_RESERVE,
        slot_intervals={SYNC_SLOT: DOORFLOW_SYNC_MIN_INTERVAL},
    )
