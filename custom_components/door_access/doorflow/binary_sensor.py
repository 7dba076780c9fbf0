"""Binary sensors of DoorFlow doors, described as data."""

from __future__ import annotations

from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er

from ..api import Channel, ChannelSyncStatus
from ..binary_sensor import DoorAccessBinarySensor, DoorAccessBinarySensorEntityDescription
from ..const import DOMAIN
from ..entity import DeviceHandle, entity_adder
from .coordinator import DoorFlowCoordinator
from .device_handles import channel_device


def _sync_pending(channel: Channel) -> bool | None:
    """Tell whether the door's configuration still has to reach its controller."""
    if channel.sync_status is ChannelSyncStatus.UNRECOGNIZED:
        return None
    return channel.sync_status in (ChannelSyncStatus.PENDING, ChannelSyncStatus.FAIL)


# The key of the binary sensor that repeated the lockdown switch (removed in 0.2.0; see CHANGELOG).
REMOVED_LOCKDOWN_KEY = "lockdown"

DOOR_BINARY_SENSORS: tuple[DoorAccessBinarySensorEntityDescription[Channel], ...] = (
    DoorAccessBinarySensorEntityDescription[Channel](
        key="online",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda channel: channel.is_online,
    ),
    DoorAccessBinarySensorEntityDescription[Channel](
        key="sync_pending",
        translation_key="sync_pending",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=_sync_pending,
    ),
)


@callback
def _remove_lockdown_binary_sensor(registry: er.EntityRegistry, identifier: str) -> None:
    """Remove a door's former "Lockdown" binary sensor, which repeated its lockdown switch.

    Home Assistant would otherwise keep it as an orphan ("no longer provided") for good.
    """
    unique_id = f"{identifier}-{REMOVED_LOCKDOWN_KEY}"
    if entity_id := registry.async_get_entity_id(Platform.BINARY_SENSOR, DOMAIN, unique_id):
        registry.async_remove(entity_id)


def _door_device(coordinator: DoorFlowCoordinator, channel: Channel) -> DeviceHandle[Channel, str]:
    """Return a door's device, once its former lockdown binary sensor is removed."""
    device = channel_device(coordinator, channel)
    _remove_lockdown_binary_sensor(er.async_get(coordinator.hass), device.identifier)
    return device


# The binary sensors of every door, now and as new ones appear.
async_setup_binary_sensors = entity_adder(
    DoorFlowCoordinator.async_add_channel_listener,
    _door_device,
    DoorAccessBinarySensor,
    *DOOR_BINARY_SENSORS,
)
