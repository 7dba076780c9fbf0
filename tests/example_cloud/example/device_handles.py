"""The devices example entities read (built on `devices.py`, reading the coordinator)."""

from __future__ import annotations

from custom_components.door_access.entity import DeviceHandle

from .client import ExampleDoor
from .coordinator import ExampleCoordinator
from .devices import door_device_info, door_identifier


def door_device(
    coordinator: ExampleCoordinator, door: ExampleDoor
) -> DeviceHandle[ExampleDoor, str]:
    """Return a door's device, read from the coordinator's latest data."""
    door_id = door.id
    return DeviceHandle(
        identifier=door_identifier(door_id),
        device_id=door_id,
        info=door_device_info(door),
        read=lambda: coordinator.data.doors.get(door_id),
    )
