"""Binary sensors of DoorFlow doors, described as data."""

from __future__ import annotations

from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..api import Channel, ChannelSyncStatus
from ..binary_sensor import DoorAccessBinarySensor, DoorAccessBinarySensorEntityDescription
from ..entity import describe
from .coordinator import DoorFlowCoordinator
from .devices import channel_device


def _sync_pending(channel: Channel) -> bool | None:
    """Tell whether the door's configuration still has to reach its controller."""
    if channel.sync_status is ChannelSyncStatus.UNRECOGNIZED:
        return None
    return channel.sync_status in (ChannelSyncStatus.PENDING, ChannelSyncStatus.FAIL)


DOOR_BINARY_SENSORS: tuple[DoorAccessBinarySensorEntityDescription[Channel], ...] = (
    DoorAccessBinarySensorEntityDescription[Channel](
        key="online",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda channel: channel.is_online,
    ),
    DoorAccessBinarySensorEntityDescription[Channel](
        key="lockdown",
        translation_key="lockdown",
        is_on_fn=lambda channel: channel.is_locked_down,
    ),
    DoorAccessBinarySensorEntityDescription[Channel](
        key="sync_pending",
        translation_key="sync_pending",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=_sync_pending,
    ),
)


def async_setup_binary_sensors(
    coordinator: DoorFlowCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> CALLBACK_TYPE:
    """Add the binary sensors of every door, now and as new ones appear."""

    @callback
    def add_doors(channels: list[Channel]) -> None:
        """Add the binary sensors of newly seen doors."""
        devices = [(channel_device(coordinator, channel), channel) for channel in channels]
        async_add_entities(
            describe(
                devices,
                DOOR_BINARY_SENSORS,
                lambda device, d: DoorAccessBinarySensor(coordinator, device, d),
            )
        )

    return coordinator.async_add_channel_listener(add_doors)
