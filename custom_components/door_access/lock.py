"""Lock entities of Door Access: one per Tedee lock and per DoorFlow door."""

from __future__ import annotations

from typing import Any

from homeassistant.components.lock import LockEntity, LockEntityDescription
from homeassistant.components.lock.const import LockEntityFeature
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.doorflow import Channel, ChannelMode
from .api.tedee import Lock, LockState, UnlockMode
from .const import CONF_UNLOCK_BEHAVIOR, DEFAULT_UNLOCK_BEHAVIOR, UnlockBehavior
from .coordinator import DoorAccessConfigEntry, TedeeCoordinator
from .doorflow_coordinator import DoorFlowCoordinator, DoorTransition
from .entity import DoorFlowChannelEntity, TedeeLockEntity

# Every action is a request to the cloud: one at a time.
PARALLEL_UPDATES = 1

UNLOCK_MODES: dict[str, UnlockMode] = {
    UnlockBehavior.UNLOCK: UnlockMode.NORMAL,
    UnlockBehavior.UNLOCK_AND_PULL: UnlockMode.UNLOCK_OR_PULL,
}

# Lock position → is_locked; positions missing here (uncalibrated, calibrating, updating,
# Unknown, unrecognized values) leave the state unknown.
_IS_LOCKED: dict[LockState, bool] = {
    LockState.LOCKED: True,
    LockState.LOCKING: False,
    LockState.UNLOCKED: False,
    LockState.SEMI_LOCKED: False,
    LockState.UNLOCKING: True,
    LockState.PULLED: False,
    LockState.PULLING: False,
}


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: DoorAccessConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a lock entity for every lock or door of the account, now and when new ones appear."""
    coordinator = entry.runtime_data
    if isinstance(coordinator, DoorFlowCoordinator):
        doorflow = coordinator

        @callback
        def _add_doors(channels: list[Channel]) -> None:
            """Add the lock entities of newly seen doors."""
            async_add_entities(DoorFlowDoorLock(doorflow, channel) for channel in channels)

        entry.async_on_unload(doorflow.async_add_channel_listener(_add_doors))
        return

    @callback
    def _add_locks(locks: list[Lock]) -> None:
        """Add the lock entities of newly seen locks."""
        async_add_entities(TedeeLockDevice(coordinator, lock) for lock in locks)

    entry.async_on_unload(coordinator.async_add_lock_listener(_add_locks))


# One lock entity per device, named after the device.
LOCK_DESCRIPTION = LockEntityDescription(key="lock")


class TedeeLockDevice(TedeeLockEntity, LockEntity):
    """A Tedee lock: its position, and the lock / unlock / open (pull spring) actions."""

    _attr_name = None

    def __init__(self, coordinator: TedeeCoordinator, lock: Lock) -> None:
        super().__init__(coordinator, lock, LOCK_DESCRIPTION)
        self._update_attrs()

    @property
    def available(self) -> bool:
        """Tell whether the lock reports a state (it has none while cut off from its bridge)."""
        lock = self.lock_data
        return super().available and lock is not None and lock.status is not None

    @callback
    def _handle_coordinator_update(self) -> None:
        """Refresh the state attributes from the coordinator's data."""
        self._update_attrs()
        super()._handle_coordinator_update()

    def _update_attrs(self) -> None:
        """Derive the lock's state and supported features from its latest data."""
        lock = self.lock_data
        status = None if lock is None else lock.status
        if lock is not None:
            self._attr_supported_features = (
                LockEntityFeature.OPEN
                if lock.settings.pull_spring_enabled
                else LockEntityFeature(0)
            )
        state = None if status is None else status.state
        self._attr_is_jammed = status is not None and status.is_jammed
        self._attr_is_locked = None if state is None else _IS_LOCKED.get(state)
        self._attr_is_locking = state is LockState.LOCKING
        self._attr_is_unlocking = state is LockState.UNLOCKING
        self._attr_is_open = state is LockState.PULLED
        self._attr_is_opening = state is LockState.PULLING

    async def async_lock(self, **kwargs: Any) -> None:  # noqa: ARG002
        """Lock the door."""
        await self.coordinator.async_lock(self._device_id)

    async def async_unlock(self, **kwargs: Any) -> None:  # noqa: ARG002
        """Unlock the door, pulling the spring too if the entry's options ask for it."""
        behavior = self.coordinator.config_entry.options.get(
            CONF_UNLOCK_BEHAVIOR, DEFAULT_UNLOCK_BEHAVIOR
        )
        await self.coordinator.async_unlock(
            self._device_id, UNLOCK_MODES.get(behavior, UnlockMode.NORMAL)
        )

    async def async_open(self, **kwargs: Any) -> None:  # noqa: ARG002
        """Pull the spring to open the latch."""
        await self.coordinator.async_pull(self._device_id)


class DoorFlowDoorLock(DoorFlowChannelEntity, LockEntity):
    """A DoorFlow door: locked in normal mode, unlocked while held open; open admits once."""

    _attr_name = None
    _attr_supported_features = LockEntityFeature.OPEN

    def __init__(self, coordinator: DoorFlowCoordinator, channel: Channel) -> None:
        super().__init__(coordinator, channel, LOCK_DESCRIPTION)
        self._update_attrs()

    @property
    def available(self) -> bool:
        """Tell whether the door can be operated (its controller is online)."""
        channel = self.channel
        return super().available and channel is not None and channel.is_online

    @callback
    def _handle_coordinator_update(self) -> None:
        """Refresh the state attributes from the coordinator's data."""
        self._update_attrs()
        super()._handle_coordinator_update()

    def _update_attrs(self) -> None:
        """Derive the door's state from its mode and any action in progress."""
        channel = self.channel
        mode = None if channel is None else channel.mode
        transition = self.coordinator.transitions.get(self._channel_id)
        self._attr_is_locked = (
            None if mode in (None, ChannelMode.UNRECOGNIZED) else mode is ChannelMode.NORMAL
        )
        self._attr_is_opening = transition is DoorTransition.OPENING
        self._attr_is_unlocking = transition is DoorTransition.UNLOCKING
        self._attr_is_locking = transition is DoorTransition.LOCKING

    async def async_lock(self, **kwargs: Any) -> None:  # noqa: ARG002
        """Return the door to normal mode (locked, card access)."""
        await self.coordinator.async_lock(self._channel_id)

    async def async_unlock(self, **kwargs: Any) -> None:  # noqa: ARG002
        """Hold the door unlocked until it is locked again."""
        await self.coordinator.async_unlock(self._channel_id)

    async def async_open(self, **kwargs: Any) -> None:  # noqa: ARG002
        """Admit once: unlock the door for its controller's unlock time."""
        await self.coordinator.async_open(self._channel_id)
