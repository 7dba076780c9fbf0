"""The example door's battery sensor: one description."""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import PERCENTAGE, EntityCategory

from custom_components.door_access.entity import entity_adder
from custom_components.door_access.sensor import (
    DoorAccessSensor,
    DoorAccessSensorEntityDescription,
)

from .client import ExampleDoor
from .coordinator import ExampleCoordinator
from .device_handles import door_device

BATTERY = DoorAccessSensorEntityDescription[ExampleDoor](
    key="battery",
    device_class=SensorDeviceClass.BATTERY,
    native_unit_of_measurement=PERCENTAGE,
    state_class=SensorStateClass.MEASUREMENT,
    entity_category=EntityCategory.DIAGNOSTIC,
    supported_fn=lambda door: door.battery is not None,
    value_fn=lambda door: door.battery,
)


# A battery sensor for every door that reports one, now and as new ones appear.
async_setup_sensors = entity_adder(
    ExampleCoordinator.async_add_door_listener, door_device, DoorAccessSensor, BATTERY
)
