"""The activity event entity of Tedee locks: who locked, unlocked or opened it, and how."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..api import Activity, Lock
from ..entity import describe
from ..event import DoorAccessEvent, DoorAccessEventEntityDescription, Happening
from .activity_kinds import OPERATIONS, ActivityType, kind_of
from .coordinator import TedeeCoordinator
from .devices import lock_device

ACTIVITY: Final = DoorAccessEventEntityDescription[Lock](
    key="activity",
    translation_key="lock_activity",
    event_types=[event_type.value for event_type in ActivityType],
)


def activity_happening(activity: Activity) -> Happening:
    """Return how the activity entity fires one activity, and its logbook sentence."""
    kind = kind_of(activity.event)
    attributes: dict[str, Any] = {}
    if activity.username:
        attributes["user"] = activity.username
    if kind.method is not None:
        attributes["method"] = kind.method.value
    attributes["timestamp"] = activity.date.isoformat()
    attributes["code"] = activity.event_code
    pieces = {} if kind.method is None else {"method": f"method_{kind.method.value}"}
    values = {"code": str(activity.event_code)}
    if kind.event_type in OPERATIONS:
        pieces["action"] = f"action_{kind.event_type.value}"
        if activity.username:
            values["user"] = activity.username
            sentence = "activity_operation_by"
        else:
            sentence = "activity_operation"
    else:
        sentence = f"activity_{kind.event_type.value}"
    return Happening(
        event_type=kind.event_type.value,
        attributes=attributes,
        sentence=sentence,
        pieces=pieces,
        values=values,
    )


def async_setup_activity_events(
    coordinator: TedeeCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> CALLBACK_TYPE:
    """Add an activity entity for every lock (when the token may read activity)."""
    reader = coordinator.activity

    def happenings(lock_id: int) -> Callable[[Callable[[Happening], None]], CALLBACK_TYPE]:
        """Return how the entity of one lock subscribes to its activity."""

        def subscribe(listener: Callable[[Happening], None]) -> CALLBACK_TYPE:
            return reader.subscribe(lock_id, lambda item: listener(activity_happening(item)))

        return subscribe

    @callback
    def add_locks(locks: list[Lock]) -> None:
        """Add the activity entities of newly seen locks."""
        if not reader.enabled:
            return
        devices = [(lock_device(coordinator, lock), lock) for lock in locks]
        async_add_entities(
            describe(
                devices,
                (ACTIVITY,),
                lambda device, d: DoorAccessEvent(
                    coordinator, device, d, happenings(device.device_id)
                ),
            )
        )

    return coordinator.async_add_lock_listener(add_locks)
