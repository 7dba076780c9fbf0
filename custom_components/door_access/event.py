"""Event entities of Door Access: who operated a lock or door, and how (cloud activity feeds).

Each entry's cloud says which devices get one and hands every entity the happenings of its
device, oldest first and each exactly once. The entity fires them as events: each is one
logbook line, the entity's own state change, which Home Assistant shows with the entity's name
and its translated `event_type` (the only attribute its logbook exposes). Each is also fired on
the bus as `door_access_activity` (one trigger for every door in automations), which nothing
describes for the logbook: there is no second line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final, Self, override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import callback

from .cloud import PlatformSetup
from .const import DOMAIN
from .coordinator import DoorAccessCoordinator
from .entity import (
    DeviceHandle,
    DeviceListen,
    DoorAccessEntity,
    DoorAccessEntityDescription,
    entity_adder,
)
from .feed import Feed
from .models import platform_entry_setup
from .text import cloud_text

# Read-only entities fed by their coordinator: nothing to limit.
PARALLEL_UPDATES = 0

# Fired on the bus for every happening an event entity fires (documented for automations: one
# trigger for every door); never described for the logbook, whose line is the entity's own.
EVENT_DOOR_ACCESS_ACTIVITY: Final = f"{DOMAIN}_activity"


@dataclass(frozen=True, slots=True, kw_only=True)
class Happening:
    """One thing that happened at a device, as its event entity fires it."""

    event_type: str
    attributes: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class EventKind[TypeT: StrEnum]:
    """A cloud's code as an event entity shows it: its event type, and how (method) or why."""

    event_type: TypeT
    method: str | None = None
    reason: str | None = None

    def happening(
        self, code: int, timestamp: datetime | None, *, label: str | None = None, **who: str | None
    ) -> Happening:
        """Return an item of this kind as fired: who (when named), how or why, when, its code."""
        attributes: dict[str, Any] = {key: name for key, name in who.items() if name}
        if self.method is not None:
            attributes["method"] = str(self.method)
        if self.reason is not None:
            attributes["reason"] = self.reason
        if timestamp is not None:
            attributes["timestamp"] = timestamp.isoformat()
        attributes["code"] = code
        if label:
            attributes["label"] = label
        return Happening(event_type=self.event_type.value, attributes=attributes)


@dataclass(frozen=True, kw_only=True)
class DoorAccessEventEntityDescription[ModelT](
    EventEntityDescription, DoorAccessEntityDescription[ModelT]
):
    """Describes an event entity: its event types (every `Happening.event_type` it fires)."""

    event_types: list[str]

    @classmethod
    def firing(cls, key: str, translation_key: str, event_types: Iterable[StrEnum]) -> Self:
        """Describe an event entity that fires the given event types."""
        return cls(
            key=key,
            translation_key=translation_key,
            event_types=[event_type.value for event_type in event_types],
        )


class DoorAccessEvent[ModelT, ItemT](
    DoorAccessEntity[DoorAccessCoordinator[Any], ModelT], EventEntity
):
    """An event entity of one device: fires what the cloud's feed reports for it."""

    entity_description: DoorAccessEventEntityDescription[ModelT]

    def __init__(
        self,
        coordinator: DoorAccessCoordinator[Any],
        device: DeviceHandle[ModelT, Any],
        description: DoorAccessEventEntityDescription[ModelT],
        feed: Feed[ItemT],
        happening_of: Callable[[ItemT], Happening],
    ) -> None:
        super().__init__(coordinator, device, description)
        self._feed = feed
        self._happening_of = happening_of

    @property
    @override
    def available(self) -> bool:
        """Tell whether the device is there and the account may read its feed."""
        return super().available and self._feed.enabled

    @override
    async def async_added_to_hass(self) -> None:
        """Listen for the device's happenings while the entity exists."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self._feed.subscribe(
                self.device.device_id, lambda item: self._fire(self._happening_of(item))
            )
        )

    @callback
    def _fire(self, happening: Happening) -> None:
        """Fire one happening as an event (its state change is its one logbook line).

        Then announce it on the bus: the entity, its device's name, the event type and the
        attributes, for automations that watch every door with one trigger.
        """
        self._trigger_event(happening.event_type, dict(happening.attributes))
        self.async_write_ha_state()
        self.hass.bus.async_fire(
            EVENT_DOOR_ACCESS_ACTIVITY,
            {
                ATTR_ENTITY_ID: self.entity_id,
                "name": cloud_text(self.device.info.get("name")) or self.entity_id,
                "event_type": happening.event_type,
                **happening.attributes,
            },
        )


def event_entity_adder[CoordinatorT: DoorAccessCoordinator[Any], ModelT, ItemT](
    listen: DeviceListen[CoordinatorT, ModelT],
    device_of: Callable[[CoordinatorT, ModelT], DeviceHandle[ModelT, Any]],
    description: DoorAccessEventEntityDescription[ModelT],
    *,
    feed_of: Callable[[CoordinatorT], Feed[ItemT]],
    happening_of: Callable[[ItemT], Happening],
) -> PlatformSetup[CoordinatorT]:
    """Return the setup that adds an event entity per device, fed by the account's feed."""
    return entity_adder(
        listen,
        device_of,
        lambda coordinator, device, description: DoorAccessEvent(
            coordinator, device, description, feed_of(coordinator), happening_of
        ),
        description,
        feed=(Platform.EVENT, lambda coordinator: feed_of(coordinator).enabled),
    )


async_setup_entry = platform_entry_setup(Platform.EVENT)
