"""DoorFlow devices in Home Assistant's device registry: identifiers and device info.

Pure builders, knowing no coordinator: the coordinator registers devices with them, and
`device_handles.py` (which entities use) builds on them.
"""

from __future__ import annotations

from collections.abc import Mapping

from homeassistant.helpers.device_registry import (
    CONNECTION_NETWORK_MAC,
    DeviceEntryType,
    DeviceInfo,
    format_mac,
)

from ..api import Account, Channel, Site
from ..const import DOMAIN

MANUFACTURER = "DoorFlow"


def channel_identifier(channel_id: str) -> str:
    """Return the identifier (in this domain) of a DoorFlow door (channel)."""
    return f"doorflow-{channel_id}"


def account_identifier(account_id: str) -> str:
    """Return the identifier (in this domain) of a DoorFlow account."""
    return f"doorflow-account-{account_id}"


def controller_of(channel: Channel) -> str | None:
    """Return the door controller a door is on (its MAC address), when DoorFlow names one."""
    return format_mac(channel.mac_address) if channel.mac_address else None


def controller_identifier(mac: str) -> str:
    """Return the identifier (in this domain) of a DoorFlow door controller, by its MAC."""
    return f"doorflow-controller-{mac.replace(':', '')}"


def controller_device_info(
    mac: str, channel: Channel, via_device_id: str | None, area: str | None
) -> DeviceInfo:
    """Describe a door controller (from one of its doors): the device its doors hang below."""
    info = DeviceInfo(
        identifiers={(DOMAIN, controller_identifier(mac))},
        connections={(CONNECTION_NETWORK_MAC, mac)},
        manufacturer=MANUFACTURER,
        model=channel.model_long or channel.model,
        model_id=channel.model,
        name=f"Door controller {channel.serial_number or mac}",
        serial_number=channel.serial_number,
        sw_version=channel.firmware,
    )
    return _placed(info, via_device_id, area)


def site_name(sites: Mapping[str, Site], channel: Channel) -> str | None:
    """Return the name of the site a door belongs to, when the account has it."""
    site = sites.get(channel.site_id) if channel.site_id is not None else None
    return site.name if site is not None and site.name else None


def account_device_info(account: Account) -> DeviceInfo:
    """Describe the account: the device every door hangs below."""
    return DeviceInfo(
        identifiers={(DOMAIN, account_identifier(account.id))},
        manufacturer=MANUFACTURER,
        model="Account",
        name=account.name or "DoorFlow account",
        # The account is a cloud service, not a physical device.
        entry_type=DeviceEntryType.SERVICE,
    )


def channel_device_info(
    channel: Channel, via_device_id: str | None, area: str | None
) -> DeviceInfo:
    """Describe a door: below its controller (or the account), in its site's area."""
    info = DeviceInfo(
        identifiers={(DOMAIN, channel_identifier(channel.id))},
        manufacturer=MANUFACTURER,
        model=channel.model,
        name=channel.name or f"Door {channel.id}",
        sw_version=channel.firmware,
    )
    return _placed(info, via_device_id, area)


def _placed(info: DeviceInfo, via_device_id: str | None, area: str | None) -> DeviceInfo:
    """Hang a device below another (when given) and suggest its area (when known)."""
    if via_device_id is not None:
        info["via_device_id"] = via_device_id
    if area:
        # Applied when the device is created; the user's own choice of area wins after that.
        info["suggested_area"] = area
    return info
