"""Binary sensors of DoorFlow doors, described as data."""

from __future__ import annotations

from typing import Final

from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory, Platform

from ..api import Channel
from ..binary_sensor import DoorAccessBinarySensor, DoorAccessBinarySensorEntityDescription
from ..entity import entity_adder, retiring
from .coordinator import DoorFlowCoordinator
from .device_handles import channel_device

# Keys of binary sensors that repeated another entity's state (removed in 0.2.0; see CHANGELOG):
# "Lockdown" repeated the lockdown switch, "Changes not synced" the door's sync status sensor.
RETIRED_KEYS: Final = ("lockdown", "sync_pending")

DOOR_BINARY_SENSORS: tuple[DoorAccessBinarySensorEntityDescription[Channel], ...] = (
    DoorAccessBinarySensorEntityDescription[Channel](
        key="online",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda channel: channel.is_online,
    ),
)


# The binary sensors of every door, now and as new ones appear.
async_setup_binary_sensors = entity_adder(
    DoorFlowCoordinator.async_add_channel_listener,
    retiring(channel_device, Platform.BINARY_SENSOR, RETIRED_KEYS),
    DoorAccessBinarySensor,
    *DOOR_BINARY_SENSORS,
)
