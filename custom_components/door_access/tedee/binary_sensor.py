"""Binary sensors of Tedee locks, described as data (gates have none any more)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory, Platform

from ..api import DoorState, Lock, LockState
from ..binary_sensor import DoorAccessBinarySensor, DoorAccessBinarySensorEntityDescription
from ..cloud import chain
from ..entity import entity_adder, retiring
from .coordinator import TedeeCoordinator
from .device_handles import gate_device, lock_device, reports_state

# Door sensor readings that say nothing about the door.
_DOOR_UNKNOWN: frozenset[DoorState] = frozenset(
    {DoorState.NOT_PAIRED, DoorState.DISCONNECTED, DoorState.UNCALIBRATED}
)


def _door_sensor_paired(lock: Lock) -> bool:
    """Tell whether the lock reports a paired door sensor."""
    return lock.status is not None and lock.status.door_state not in (None, DoorState.NOT_PAIRED)


def _door_readable(lock: Lock) -> bool:
    """Tell whether the door sensor's reading means something."""
    return lock.status is not None and lock.status.door_state not in {None, *_DOOR_UNKNOWN}


# Door sensor reading → whether the door is open; None for a reading the docs do not list.
_DOOR_OPEN: Final[Mapping[DoorState | None, bool]] = {
    DoorState.OPENED: True,
    DoorState.CLOSED: False,
}


type LockBinarySensor = DoorAccessBinarySensorEntityDescription[Lock]


def _in_position(key: str, state: LockState, **options: Any) -> LockBinarySensor:
    """Describe a sensor telling whether the lock is in one position (while it reports one)."""
    return DoorAccessBinarySensorEntityDescription[Lock](
        key=key,
        translation_key=key,
        is_on_fn=lambda lock: None if lock.status is None else lock.status.state is state,
        available_fn=reports_state,
        **options,
    )


LOCK_BINARY_SENSORS: tuple[LockBinarySensor, ...] = (
    DoorAccessBinarySensorEntityDescription[Lock](
        key="door",
        device_class=BinarySensorDeviceClass.DOOR,
        is_on_fn=lambda lock: _DOOR_OPEN.get(
            None if lock.status is None else lock.status.door_state
        ),
        available_fn=_door_readable,
        supported_fn=_door_sensor_paired,
    ),
    DoorAccessBinarySensorEntityDescription[Lock](
        key="charging",
        device_class=BinarySensorDeviceClass.BATTERY_CHARGING,
        is_on_fn=lambda lock: None if lock.status is None else lock.status.is_charging,
        available_fn=reports_state,
    ),
    DoorAccessBinarySensorEntityDescription[Lock](
        key="connectivity",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda lock: lock.is_connected and lock.status is not None,
    ),
    _in_position("semi_locked", LockState.SEMI_LOCKED),
    _in_position(
        "uncalibrated",
        LockState.UNCALIBRATED,
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
    ),
    DoorAccessBinarySensorEntityDescription[Lock](
        key="pull_spring_enabled",
        translation_key="pull_spring_enabled",
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda lock: lock.settings.pull_spring_enabled,
    ),
)

# Gates have no binary sensor: their former "Connectivity" repeated the gate's Status sensor
# (removed in 0.2.0; see CHANGELOG), and is removed as each gate is added.
RETIRED_GATE_KEYS: Final = ("connectivity",)


# The binary sensors of every lock, now and as new ones appear (and the gates' cleanup).
async_setup_binary_sensors = chain(
    entity_adder(
        TedeeCoordinator.async_add_lock_listener,
        lock_device,
        DoorAccessBinarySensor,
        *LOCK_BINARY_SENSORS,
    ),
    entity_adder(
        TedeeCoordinator.async_add_gate_listener,
        retiring(gate_device, Platform.BINARY_SENSOR, RETIRED_GATE_KEYS),
        DoorAccessBinarySensor,
    ),
)
