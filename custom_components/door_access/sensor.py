"""Sensors of Door Access: Tedee locks and gates, DoorFlow doors and account sync status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .api.doorflow import Account, Channel, ChannelSyncStatus, SyncStatus
from .api.tedee import Gate, GateStatus, Lock
from .coordinator import DoorAccessConfigEntry
from .doorflow_coordinator import DoorFlowCoordinator
from .entity import DoorFlowAccountEntity, DoorFlowChannelEntity, TedeeGateEntity, TedeeLockEntity

# Read-only entities of a coordinator.
PARALLEL_UPDATES = 0


def _has_status(lock: Lock) -> bool:
    """Tell whether the lock reports its state (it does not while cut off from its bridge)."""
    return lock.status is not None


def _always(lock: Lock) -> bool:  # noqa: ARG001
    """Keep an entity available, or create it, whatever the lock's state."""
    return True


def _last_state_change(lock: Lock) -> datetime | None:
    """Return when the lock last changed position, as an aware time (UTC if none given)."""
    when = None if lock.status is None else lock.status.last_state_changed
    if when is not None and when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when


@dataclass(frozen=True, kw_only=True)
class TedeeSensorEntityDescription(SensorEntityDescription):
    """Describes a sensor of a Tedee lock."""

    value_fn: Callable[[Lock], StateType | datetime]
    available_fn: Callable[[Lock], bool] = _has_status
    supported_fn: Callable[[Lock], bool] = _always


@dataclass(frozen=True, kw_only=True)
class TedeeGateSensorEntityDescription(SensorEntityDescription):
    """Describes a sensor of a BleBox gate."""

    value_fn: Callable[[Gate], StateType]


LOCK_SENSORS: tuple[TedeeSensorEntityDescription, ...] = (
    TedeeSensorEntityDescription(
        key="battery",
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda lock: None if lock.status is None else lock.status.battery_level,
    ),
    TedeeSensorEntityDescription(
        key="last_state_change",
        translation_key="last_state_change",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_registry_enabled_default=False,
        value_fn=_last_state_change,
    ),
    TedeeSensorEntityDescription(
        key="pull_spring_duration",
        translation_key="pull_spring_duration",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda lock: lock.settings.pull_spring_duration,
        available_fn=_always,
        supported_fn=lambda lock: lock.settings.pull_spring_duration is not None,
    ),
)

GATE_SENSORS: tuple[TedeeGateSensorEntityDescription, ...] = (
    TedeeGateSensorEntityDescription(
        key="status",
        translation_key="gate_status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in GateStatus],
        value_fn=lambda gate: gate.status.value,
    ),
)


def _known[E: (ChannelSyncStatus, SyncStatus)](status: E) -> str | None:
    """Return a documented status as the sensor's state; others are unknown."""
    return None if status.value == "unrecognized" else status.value


@dataclass(frozen=True, kw_only=True)
class DoorFlowDoorSensorEntityDescription(SensorEntityDescription):
    """Describes a sensor of a DoorFlow door."""

    value_fn: Callable[[Channel], StateType | datetime]


@dataclass(frozen=True, kw_only=True)
class DoorFlowAccountSensorEntityDescription(SensorEntityDescription):
    """Describes a sensor of a DoorFlow account."""

    value_fn: Callable[[Account], StateType | datetime]


DOOR_SENSORS: tuple[DoorFlowDoorSensorEntityDescription, ...] = (
    DoorFlowDoorSensorEntityDescription(
        key="sync_status",
        translation_key="door_sync_status",
        device_class=SensorDeviceClass.ENUM,
        entity_category=EntityCategory.DIAGNOSTIC,
        options=[s.value for s in ChannelSyncStatus if s is not ChannelSyncStatus.UNRECOGNIZED],
        value_fn=lambda channel: _known(channel.sync_status),
    ),
    DoorFlowDoorSensorEntityDescription(
        key="last_sync",
        translation_key="last_sync",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda channel: channel.last_sync_completed_at,
    ),
)

ACCOUNT_SENSORS: tuple[DoorFlowAccountSensorEntityDescription, ...] = (
    DoorFlowAccountSensorEntityDescription(
        key="sync_status",
        translation_key="account_sync_status",
        device_class=SensorDeviceClass.ENUM,
        options=[s.value for s in SyncStatus if s is not SyncStatus.UNRECOGNIZED],
        value_fn=lambda account: _known(account.sync.status),
    ),
    DoorFlowAccountSensorEntityDescription(
        key="last_sync",
        translation_key="last_sync",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda account: account.sync.last_sync,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: DoorAccessConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of every lock, gate and door, now and when new ones appear."""
    coordinator = entry.runtime_data
    if isinstance(coordinator, DoorFlowCoordinator):
        doorflow = coordinator

        @callback
        def _add_doors(channels: list[Channel]) -> None:
            """Add the sensors of newly seen doors."""
            async_add_entities(
                DoorFlowDoorSensor(doorflow, channel, description)
                for channel in channels
                for description in DOOR_SENSORS
            )

        async_add_entities(
            DoorFlowAccountSensor(doorflow, doorflow.data.account, description)
            for description in ACCOUNT_SENSORS
        )
        entry.async_on_unload(doorflow.async_add_channel_listener(_add_doors))
        return

    @callback
    def _add_locks(locks: list[Lock]) -> None:
        """Add the sensors of newly seen locks."""
        async_add_entities(
            TedeeLockSensor(coordinator, lock, description)
            for lock in locks
            for description in LOCK_SENSORS
            if description.supported_fn(lock)
        )

    @callback
    def _add_gates(gates: list[Gate]) -> None:
        """Add the sensors of newly seen gates."""
        async_add_entities(
            TedeeGateSensor(coordinator, gate, description)
            for gate in gates
            for description in GATE_SENSORS
        )

    entry.async_on_unload(coordinator.async_add_lock_listener(_add_locks))
    entry.async_on_unload(coordinator.async_add_gate_listener(_add_gates))


class TedeeLockSensor(TedeeLockEntity, SensorEntity):
    """A sensor reading one Tedee lock."""

    entity_description: TedeeSensorEntityDescription

    @property
    def available(self) -> bool:
        """Tell whether the lock is known and reports what this sensor shows."""
        lock = self.lock_data
        return super().available and lock is not None and self.entity_description.available_fn(lock)

    @property
    def native_value(self) -> StateType | datetime:
        """Return the sensor's reading."""
        lock = self.lock_data
        return None if lock is None else self.entity_description.value_fn(lock)


class TedeeGateSensor(TedeeGateEntity, SensorEntity):
    """A sensor reading one BleBox gate."""

    entity_description: TedeeGateSensorEntityDescription

    @property
    def native_value(self) -> StateType:
        """Return the sensor's reading."""
        gate = self.gate
        return None if gate is None else self.entity_description.value_fn(gate)


class DoorFlowDoorSensor(DoorFlowChannelEntity, SensorEntity):
    """A sensor reading one DoorFlow door."""

    entity_description: DoorFlowDoorSensorEntityDescription

    @property
    def native_value(self) -> StateType | datetime:
        """Return the sensor's reading."""
        channel = self.channel
        return None if channel is None else self.entity_description.value_fn(channel)


class DoorFlowAccountSensor(DoorFlowAccountEntity, SensorEntity):
    """A sensor reading the DoorFlow account."""

    entity_description: DoorFlowAccountSensorEntityDescription

    @property
    def native_value(self) -> StateType | datetime:
        """Return the sensor's reading."""
        return self.entity_description.value_fn(self.account)
