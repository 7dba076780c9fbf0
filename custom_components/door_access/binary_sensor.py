"""Binary sensors of Door Access: Tedee locks and gates, DoorFlow doors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.doorflow import Channel, ChannelSyncStatus
from .api.tedee import DoorState, Gate, GateStatus, Lock, LockState
from .coordinator import DoorAccessConfigEntry
from .doorflow_coordinator import DoorFlowCoordinator
from .entity import DoorFlowChannelEntity, TedeeGateEntity, TedeeLockEntity

# Read-only entities of a coordinator.
PARALLEL_UPDATES = 0

# Door sensor readings that say nothing about the door.
_DOOR_UNKNOWN: frozenset[DoorState] = frozenset(
    {DoorState.NOT_PAIRED, DoorState.DISCONNECTED, DoorState.UNCALIBRATED}
)


def _has_status(lock: Lock) -> bool:
    """Tell whether the lock reports its state (it does not while cut off from its bridge)."""
    return lock.status is not None


def _always(lock: Lock) -> bool:  # noqa: ARG001
    """Keep an entity available whatever the lock's state."""
    return True


def _door_sensor_paired(lock: Lock) -> bool:
    """Tell whether the lock reports a paired door sensor."""
    return lock.status is not None and lock.status.door_state not in (None, DoorState.NOT_PAIRED)


def _door_readable(lock: Lock) -> bool:
    """Tell whether the door sensor's reading means something."""
    return (
        lock.status is not None
        and lock.status.door_state is not None
        and lock.status.door_state not in _DOOR_UNKNOWN
    )


def _door_open(lock: Lock) -> bool | None:
    """Return whether the door is open; None for a reading the docs do not list."""
    door = None if lock.status is None else lock.status.door_state
    if door is DoorState.OPENED:
        return True
    if door is DoorState.CLOSED:
        return False
    return None


def _in_state(state: LockState) -> Callable[[Lock], bool | None]:
    """Return a function telling whether a lock is in the given position."""

    def is_in_state(lock: Lock) -> bool | None:
        """Tell whether the lock is in the position."""
        return None if lock.status is None else lock.status.state is state

    return is_in_state


@dataclass(frozen=True, kw_only=True)
class TedeeBinarySensorEntityDescription(BinarySensorEntityDescription):
    """Describes a binary sensor of a Tedee lock."""

    is_on_fn: Callable[[Lock], bool | None]
    available_fn: Callable[[Lock], bool] = _has_status
    supported_fn: Callable[[Lock], bool] = _always


@dataclass(frozen=True, kw_only=True)
class TedeeGateBinarySensorEntityDescription(BinarySensorEntityDescription):
    """Describes a binary sensor of a BleBox gate."""

    is_on_fn: Callable[[Gate], bool | None]


LOCK_BINARY_SENSORS: tuple[TedeeBinarySensorEntityDescription, ...] = (
    TedeeBinarySensorEntityDescription(
        key="door",
        device_class=BinarySensorDeviceClass.DOOR,
        is_on_fn=_door_open,
        available_fn=_door_readable,
        supported_fn=_door_sensor_paired,
    ),
    TedeeBinarySensorEntityDescription(
        key="charging",
        device_class=BinarySensorDeviceClass.BATTERY_CHARGING,
        is_on_fn=lambda lock: None if lock.status is None else lock.status.is_charging,
    ),
    TedeeBinarySensorEntityDescription(
        key="connectivity",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda lock: lock.is_connected and lock.status is not None,
        available_fn=_always,
    ),
    TedeeBinarySensorEntityDescription(
        key="semi_locked",
        translation_key="semi_locked",
        is_on_fn=_in_state(LockState.SEMI_LOCKED),
    ),
    TedeeBinarySensorEntityDescription(
        key="uncalibrated",
        translation_key="uncalibrated",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        is_on_fn=_in_state(LockState.UNCALIBRATED),
    ),
    TedeeBinarySensorEntityDescription(
        key="pull_spring_enabled",
        translation_key="pull_spring_enabled",
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda lock: lock.settings.pull_spring_enabled,
        available_fn=_always,
    ),
)

GATE_BINARY_SENSORS: tuple[TedeeGateBinarySensorEntityDescription, ...] = (
    TedeeGateBinarySensorEntityDescription(
        key="connectivity",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda gate: gate.status is GateStatus.CONNECTED,
    ),
)


def _sync_pending(channel: Channel) -> bool | None:
    """Tell whether the door's configuration still has to reach its controller."""
    if channel.sync_status is ChannelSyncStatus.UNRECOGNIZED:
        return None
    return channel.sync_status in (ChannelSyncStatus.PENDING, ChannelSyncStatus.FAIL)


@dataclass(frozen=True, kw_only=True)
class DoorFlowBinarySensorEntityDescription(BinarySensorEntityDescription):
    """Describes a binary sensor of a DoorFlow door."""

    is_on_fn: Callable[[Channel], bool | None]


DOOR_BINARY_SENSORS: tuple[DoorFlowBinarySensorEntityDescription, ...] = (
    DoorFlowBinarySensorEntityDescription(
        key="online",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda channel: channel.is_online,
    ),
    DoorFlowBinarySensorEntityDescription(
        key="lockdown",
        translation_key="lockdown",
        is_on_fn=lambda channel: channel.is_locked_down,
    ),
    DoorFlowBinarySensorEntityDescription(
        key="sync_pending",
        translation_key="sync_pending",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=_sync_pending,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: DoorAccessConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of every lock, gate and door, now and when new ones appear."""
    coordinator = entry.runtime_data
    if isinstance(coordinator, DoorFlowCoordinator):
        doorflow = coordinator

        @callback
        def _add_doors(channels: list[Channel]) -> None:
            """Add the binary sensors of newly seen doors."""
            async_add_entities(
                DoorFlowDoorBinarySensor(doorflow, channel, description)
                for channel in channels
                for description in DOOR_BINARY_SENSORS
            )

        entry.async_on_unload(doorflow.async_add_channel_listener(_add_doors))
        return

    @callback
    def _add_locks(locks: list[Lock]) -> None:
        """Add the binary sensors of newly seen locks."""
        async_add_entities(
            TedeeLockBinarySensor(coordinator, lock, description)
            for lock in locks
            for description in LOCK_BINARY_SENSORS
            if description.supported_fn(lock)
        )

    @callback
    def _add_gates(gates: list[Gate]) -> None:
        """Add the binary sensors of newly seen gates."""
        async_add_entities(
            TedeeGateBinarySensor(coordinator, gate, description)
            for gate in gates
            for description in GATE_BINARY_SENSORS
        )

    entry.async_on_unload(coordinator.async_add_lock_listener(_add_locks))
    entry.async_on_unload(coordinator.async_add_gate_listener(_add_gates))


class TedeeLockBinarySensor(TedeeLockEntity, BinarySensorEntity):
    """A binary sensor reading one Tedee lock."""

    entity_description: TedeeBinarySensorEntityDescription

    @property
    def available(self) -> bool:
        """Tell whether the lock is known and reports what this sensor shows."""
        lock = self.lock_data
        return super().available and lock is not None and self.entity_description.available_fn(lock)

    @property
    def is_on(self) -> bool | None:
        """Return the sensor's reading."""
        lock = self.lock_data
        return None if lock is None else self.entity_description.is_on_fn(lock)


class TedeeGateBinarySensor(TedeeGateEntity, BinarySensorEntity):
    """A binary sensor reading one BleBox gate."""

    entity_description: TedeeGateBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return the sensor's reading."""
        gate = self.gate
        return None if gate is None else self.entity_description.is_on_fn(gate)


class DoorFlowDoorBinarySensor(DoorFlowChannelEntity, BinarySensorEntity):
    """A binary sensor reading one DoorFlow door."""

    entity_description: DoorFlowBinarySensorEntityDescription

    @property
    def is_on(self) -> bool | None:
        """Return the sensor's reading."""
        channel = self.channel
        return None if channel is None else self.entity_description.is_on_fn(channel)
