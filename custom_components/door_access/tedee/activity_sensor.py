"""The "last operated by" sensor of Tedee locks: the person who last moved the lock."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.const import Platform

from ..api import Lock
from ..entity import DeviceHandle, entity_adder
from ..sensor import DoorAccessSensor, DoorAccessSensorEntityDescription
from .activity import LockActivity
from .coordinator import TedeeCoordinator
from .device_handles import lock_device


def _operation_attributes(activity: LockActivity) -> Mapping[str, Any]:
    """Return how and when that person operated the lock."""
    operation = activity.last_operation
    if operation is None:
        return {}
    return {
        "event_type": operation.event_type,
        "method": operation.method,
        "timestamp": operation.date.isoformat(),
    }


LAST_OPERATED_BY: Final = DoorAccessSensorEntityDescription[LockActivity](
    key="last_operated_by",
    translation_key="last_operated_by",
    entity_registry_enabled_default=False,
    value_fn=lambda activity: (
        None if activity.last_operation is None else activity.last_operation.user
    ),
    attributes_fn=_operation_attributes,
)


def lock_activity_device(coordinator: TedeeCoordinator, lock: Lock) -> DeviceHandle[LockActivity]:
    """Return a lock's device, read as what its activity told (while the lock is readable)."""
    lock_id = lock.id
    reader = coordinator.activity

    def read() -> LockActivity | None:
        if not reader.feed.enabled or coordinator.readable_lock(lock_id) is None:
            return None
        return reader.view(lock_id)

    return lock_device(coordinator, lock).reading(read)


# A "last operated by" sensor for every lock (when the token may read activity).
async_setup_activity_sensors = entity_adder(
    TedeeCoordinator.async_add_lock_listener,
    lock_activity_device,
    DoorAccessSensor,
    LAST_OPERATED_BY,
    feed=(Platform.SENSOR, lambda coordinator: coordinator.activity.feed.enabled),
)
