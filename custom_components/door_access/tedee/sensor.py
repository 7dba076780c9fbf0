"""Sensors of Tedee locks and BleBox gates, described as data."""

from __future__ import annotations

from datetime import UTC, datetime

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfTime

from ..api import Gate, GateStatus, Lock
from ..cloud import chain
from ..entity import entity_adder, once
from ..sensor import (
    PUSH_STATUS_SENSOR,
    REQUEST_BUDGET_SENSOR,
    DoorAccessSensor,
    DoorAccessSensorEntityDescription,
)
from .coordinator import TedeeCoordinator
from .device_handles import (
    account_budget_device,
    account_id_of,
    account_push_device,
    gate_device,
    lock_device,
    reports_state,
)


def _last_state_change(lock: Lock) -> datetime | None:
    """Return when the lock last changed position, as an aware time (UTC if none given)."""
    when = None if lock.status is None else lock.status.last_state_changed
    if when is not None and when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when


LOCK_SENSORS: tuple[DoorAccessSensorEntityDescription[Lock], ...] = (
    DoorAccessSensorEntityDescription[Lock](
        key="battery",
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda lock: None if lock.status is None else lock.status.battery_level,
        available_fn=reports_state,
    ),
    DoorAccessSensorEntityDescription[Lock](
        key="last_state_change",
        translation_key="last_state_change",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_registry_enabled_default=False,
        value_fn=_last_state_change,
        available_fn=reports_state,
    ),
)

# Sensors that only some locks have, told by their details: added once those are read.
LOCK_DETAIL_SENSORS: tuple[DoorAccessSensorEntityDescription[Lock], ...] = (
    DoorAccessSensorEntityDescription[Lock](
        key="pull_spring_duration",
        translation_key="pull_spring_duration",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        # Tedee sets it in whole seconds: "3 s", not "3.00 s".
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda lock: lock.settings.pull_spring_duration,
        supported_fn=lambda lock: lock.settings.pull_spring_duration is not None,
    ),
)

GATE_SENSORS: tuple[DoorAccessSensorEntityDescription[Gate], ...] = (
    DoorAccessSensorEntityDescription[Gate](
        key="status",
        translation_key="gate_status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in GateStatus],
        value_fn=lambda gate: gate.status.value,
    ),
)

# The account's sensors, and those of every lock and gate now and as new ones appear.
async_setup_sensors = chain(
    entity_adder(
        once(account_id_of), account_budget_device, DoorAccessSensor, REQUEST_BUDGET_SENSOR
    ),
    entity_adder(once(account_id_of), account_push_device, DoorAccessSensor, PUSH_STATUS_SENSOR),
    entity_adder(
        TedeeCoordinator.async_add_lock_listener, lock_device, DoorAccessSensor, *LOCK_SENSORS
    ),
    entity_adder(
        TedeeCoordinator.async_add_lock_details_listener,
        lock_device,
        DoorAccessSensor,
        *LOCK_DETAIL_SENSORS,
    ),
    entity_adder(
        TedeeCoordinator.async_add_gate_listener, gate_device, DoorAccessSensor, *GATE_SENSORS
    ),
)
