"""Example devices in the device registry: identifiers and device info (no coordinator)."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo

from custom_components.door_access.const import DOMAIN

from .client import ExampleDoor


def door_identifier(door_id: str) -> str:
    """Return the identifier (in this domain) of an example door; its unique-id prefix."""
    return f"example-{door_id}"


def door_device_info(door: ExampleDoor) -> DeviceInfo:
    """Describe a door."""
    return DeviceInfo(
        identifiers={(DOMAIN, door_identifier(door.id))},
        manufacturer="Example",
        model="Door",
        name=door.name or f"Door {door.id}",
    )
