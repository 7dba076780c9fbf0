"""Binary sensors of Tedee locks and BleBox gates, described as data."""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..api import DoorState, Gate, GateStatus, Lock, LockState
from ..binary_sensor import DoorAccessBinarySensor, DoorAccessBinarySensorEntityDescription
from ..entity import describe
from .coordinator import TedeeCoordinator
from .device_handles import gate_device, lock_device

# Door sensor readings that say nothing about the door.
_DOOR_UNKNOWN: frozenset[DoorState] = frozenset(
    {DoorState.NOT_PAIRED, DoorState.DISCONNECTED, DoorState.UNCALIBRATED}
)


def _has_status(lock: Lock) -> bool:
    """Tell whether the lock reports its state (it does not while cut off from its bridge)."""
    return lock.status is not None


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


type LockBinarySensor = DoorAccessBinarySensorEntityDescription[Lock]

LOCK_BINARY_SENSORS: tuple[LockBinarySensor, ...] = (
    DoorAccessBinarySensorEntityDescription[Lock](
        key="door",
        device_class=BinarySensorDeviceClass.DOOR,
        is_on_fn=_door_open,
        available_fn=_door_readable,
        supported_fn=_door_sensor_paired,
    ),
    DoorAccessBinarySensorEntityDescription[Lock](
        key="charging",
        device_class=BinarySensorDeviceClass.BATTERY_CHARGING,
        is_on_fn=lambda lock: None if lock.status is None else lock.status.is_charging,
        available_fn=_has_status,
    ),
    DoorAccessBinarySensorEntityDescription[Lock](
        key="connectivity",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda lock: lock.is_connected and lock.status is not None,
    ),
    DoorAccessBinarySensorEntityDescription[Lock](
        key="semi_locked",
        translation_key="semi_locked",
        is_on_fn=_in_state(LockState.SEMI_LOCKED),
        available_fn=_has_status,
    ),
    DoorAccessBinarySensorEntityDescription[Lock](
        key="uncalibrated",
        translation_key="uncalibrated",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        is_on_fn=_in_state(LockState.UNCALIBRATED),
        available_fn=_has_status,
    ),
    DoorAccessBinarySensorEntityDescription[Lock](
        key="pull_spring_enabled",
        translation_key="pull_spring_enabled",
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda lock: lock.settings.pull_spring_enabled,
    ),
)

GATE_BINARY_SENSORS: tuple[DoorAccessBinarySensorEntityDescription[Gate], ...] = (
    DoorAccessBinarySensorEntityDescription[Gate](
        key="connectivity",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda gate: gate.status is GateStatus.CONNECTED,
    ),
)


def async_setup_binary_sensors(
    coordinator: TedeeCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> CALLBACK_TYPE:
    """Add the binary sensors of every lock and gate, now and as new ones appear."""

    @callback
    def add_locks(locks: list[Lock]) -> None:
        """Add the binary sensors of newly seen locks."""
        devices = [(lock_device(coordinator, lock), lock) for lock in locks]
        async_add_entities(
            describe(
                devices,
                LOCK_BINARY_SENSORS,
                lambda device, d: DoorAccessBinarySensor(coordinator, device, d),
            )
        )

    @callback
    def add_gates(gates: list[Gate]) -> None:
        """Add the binary sensors of newly seen gates."""
        devices = [(gate_device(coordinator, gate), gate) for gate in gates]
        async_add_entities(
            describe(
                devices,
                GATE_BINARY_SENSORS,
                lambda device, d: DoorAccessBinarySensor(coordinator, device, d),
            )
        )

    stop_locks = coordinator.async_add_lock_listener(add_locks)
    stop_gates = coordinator.async_add_gate_listener(add_gates)

    @callback
    def stop() -> None:
        """Stop adding binary sensors for new devices."""
        stop_locks()
        stop_gates()

    return stop
