"""The event entity and the forced/held-open alarm of DoorFlow doors, from the event feed."""

from __future__ import annotations

from typing import Final

from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import Platform

from ..api import Channel, DoorEvent
from ..binary_sensor import DoorAccessBinarySensor, DoorAccessBinarySensorEntityDescription
from ..entity import DeviceHandle, entity_adder
from ..event import DoorAccessEventEntityDescription, Happening, event_entity_adder
from ..text import cloud_text
from .coordinator import DoorFlowCoordinator
from .device_handles import channel_device
from .event_kinds import LABELLED_TYPES, DoorEventType, door_kind_of
from .events import DoorAlarm

ACCESS_EVENTS: Final = DoorAccessEventEntityDescription[Channel].firing(
    "access_events", "door_events", DoorEventType
)

DOOR_ALARM: Final = DoorAccessBinarySensorEntityDescription[DoorAlarm](
    key="door_alarm",
    translation_key="door_alarm",
    device_class=BinarySensorDeviceClass.PROBLEM,
    is_on_fn=lambda alarm: alarm.code is not None,
)


def door_happening(event: DoorEvent) -> Happening:
    """Return how a door's event entity fires one feed event (its event type and attributes)."""
    kind = door_kind_of(event.event_code)
    return kind.happening(
        event.event_code,
        event.created_at,
        label=cloud_text(event.event_label) if kind.event_type in LABELLED_TYPES else None,
        person=cloud_text(event.person_name),
    )


def door_alarm_device(
    coordinator: DoorFlowCoordinator, channel: Channel
) -> DeviceHandle[DoorAlarm, str]:
    """Return a door's device, read as its forced/held-open alarm (while the door exists)."""
    channel_id = channel.id
    reader = coordinator.events

    def read() -> DoorAlarm | None:
        exists = channel_id in coordinator.data.channels
        return reader.alarm(channel_id) if exists and reader.feed.enabled else None

    return channel_device(coordinator, channel).reading(read)


# An event entity for every door (when the key may read the event feed).
async_setup_door_events = event_entity_adder(
    DoorFlowCoordinator.async_add_channel_listener,
    channel_device,
    ACCESS_EVENTS,
    feed_of=lambda coordinator: coordinator.events.feed,
    happening_of=door_happening,
)

# The "door forced or held open" sensor of every door (when the feed reads).
async_setup_door_alarms = entity_adder(
    DoorFlowCoordinator.async_add_channel_listener,
    door_alarm_device,
    DoorAccessBinarySensor,
    DOOR_ALARM,
    feed=(Platform.BINARY_SENSOR, lambda coordinator: coordinator.events.feed.enabled),
)
