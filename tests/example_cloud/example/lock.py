"""The example door's lock: one description."""

from __future__ import annotations

from custom_components.door_access.entity import DeviceHandle, entity_adder
from custom_components.door_access.lock import (
    DoorAccessLock,
    DoorAccessLockEntityDescription,
    LockView,
)

from .client import ExampleDoor
from .coordinator import ExampleCoordinator
from .device_handles import door_device


async def _lock(coordinator: ExampleCoordinator, device: DeviceHandle[ExampleDoor, str]) -> None:
    """Lock the door."""
    await coordinator.async_lock(device.device_id)


async def _unlock(coordinator: ExampleCoordinator, device: DeviceHandle[ExampleDoor, str]) -> None:
    """Unlock the door."""
    await coordinator.async_unlock(device.device_id)


DOOR_LOCK = DoorAccessLockEntityDescription[ExampleCoordinator, ExampleDoor](
    key="lock",
    view_fn=lambda door: LockView(is_locked=door.locked),
    lock_fn=_lock,
    unlock_fn=_unlock,
)


# A lock for every door, now and as new ones appear.
async_setup_locks = entity_adder(
    ExampleCoordinator.async_add_door_listener, door_device, DoorAccessLock, DOOR_LOCK
)
