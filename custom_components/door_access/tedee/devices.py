"""Tedee devices in Home Assistant's device registry: identifiers and device info, in one place.

Pure builders, knowing no coordinator: the coordinator registers and renames devices with them,
and `device_handles.py` (which entities use) builds on them.
"""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo

from ..api import Bridge, Gate, Lock
from ..const import DOMAIN

LOCK_MANUFACTURER = "Tedee"
GATE_MANUFACTURER = "BleBox"


def tedee_identifier(device_id: int) -> str:
    """Return the identifier (in this domain) of a Tedee lock, gate or bridge."""
    return f"tedee-{device_id}"


def account_identifier(account_id: int) -> str:
    """Return the identifier (in this domain) of the Tedee account itself."""
    return f"tedee-account-{account_id}"


def account_device_info(account_id: int, title: str) -> DeviceInfo:
    """Describe the account itself: a cloud service."""
    return DeviceInfo(
        identifiers={(DOMAIN, account_identifier(account_id))},
        entry_type=DeviceEntryType.SERVICE,
        manufacturer=LOCK_MANUFACTURER,
        model="Cloud account",
        name=title,
    )


def _hardware_info(
    device: Bridge | Gate | Lock, manufacturer: str, model: str, unnamed: str
) -> DeviceInfo:
    """Describe a device the cloud has read whole: named `<unnamed> <serial>` without a name."""
    return DeviceInfo(
        identifiers={(DOMAIN, tedee_identifier(device.id))},
        manufacturer=manufacturer,
        model=model,
        name=device.name or f"{unnamed} {device.serial_number}",
        serial_number=device.serial_number or None,
        sw_version=device.software_version,
    )


def bridge_device_info(bridge: Bridge) -> DeviceInfo:
    """Describe a bridge: the device its locks are connected through."""
    return _hardware_info(bridge, LOCK_MANUFACTURER, "Bridge", "Tedee bridge")


def lock_device_info(lock: Lock, *, registered: bool, via_device_id: str | None) -> DeviceInfo:
    """Describe a lock, below its bridge (`via_device_id`) when it has one.

    A lock known only from a sync (details not read yet) names nothing its details would
    tell: a device already `registered` keeps its name, model and bridge; a new one is named
    after the lock's id until its details arrive (the coordinator then renames it).
    """
    identifier = tedee_identifier(lock.id)
    if not lock.detailed:
        info = DeviceInfo(identifiers={(DOMAIN, identifier)}, manufacturer=LOCK_MANUFACTURER)
        if not registered:
            info["name"] = f"Tedee lock {lock.id}"
    else:
        info = _hardware_info(lock, LOCK_MANUFACTURER, lock.model, "Tedee lock")
    if via_device_id:
        info["via_device_id"] = via_device_id
    return info


def gate_device_info(gate: Gate) -> DeviceInfo:
    """Describe a BleBox gate linked to the account."""
    return _hardware_info(gate, GATE_MANUFACTURER, "Gate controller", "Gate")
