"""Binary sensors of DoorFlow doors, described as data."""

from __future__ import annotations

from typing import Final

from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory, Platform

from ..api import Channel
from ..binary_sensor import DoorAccessBinarySensor, DoorAccessBinarySensorEntityDescription
from ..entity import DeviceHandle, entity_adder, remove_retired_entities
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


def _door_device(coordinator: DoorFlowCoordinator, channel: Channel) -> DeviceHandle[Channel, str]:
    """Return a door's device, once its retired binary sensors are removed."""
    device = channel_device(coordinator, channel)
    remove_retired_entities(
        coordinator.hass, Platform.BINARY_SENSOR, device.identifier, RETIRED_KEYS
    )
    return device


# The binary sensors of every door, now and as new ones appear.
async_setup_binary_sensors = entity_adder(
    DoorFlowCoordinator.async_add_channel_listener,
    _door_device,
    DoorAccessBinarySensor,
    *DOOR_BINARY_SENSORS,
)
