"""DoorFlow devices in Home Assistant's device registry: identifiers and device info."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers.device_registry import DeviceInfo

from ..api import Account, Channel
from ..const import DOMAIN
from ..entity import DeviceHandle
from ..scheduler import RequestScheduler

if TYPE_CHECKING:
    from .coordinator import DoorFlowCoordinator, DoorFlowData

MANUFACTURER = "DoorFlow"


def channel_identifier(channel_id: int) -> str:
    """Return the identifier (in this domain) of a DoorFlow door (channel)."""
    return f"doorflow-{channel_id}"


def account_identifier(account_id: int) -> str:
    """Return the identifier (in this domain) of a DoorFlow account."""
    return f"doorflow-account-{account_id}"


def account_device_info(account: Account) -> DeviceInfo:
    """Describe the account: the device every door hangs below."""
    return DeviceInfo(
        identifiers={(DOMAIN, account_identifier(account.id))},
        manufacturer=MANUFACTURER,
        model="Account",
        name=account.name or "DoorFlow account",
    )


def account_device(
    coordinator: DoorFlowCoordinator, account: Account
) -> DeviceHandle[DoorFlowData]:
    """Return the account's device, read as the account's data (sync status, waiting sync)."""
    return DeviceHandle(
        identifier=account_identifier(account.id),
        device_id=account.id,
        info=account_device_info(account),
        read=lambda: coordinator.data,
    )


def account_budget_device(
    coordinator: DoorFlowCoordinator, account: Account
) -> DeviceHandle[RequestScheduler]:
    """Return the account's device, read as its request budget."""
    return DeviceHandle(
        identifier=account_identifier(account.id),
        device_id=account.id,
        info=account_device_info(account),
        read=lambda: coordinator.scheduler,
    )


def channel_device(coordinator: DoorFlowCoordinator, channel: Channel) -> DeviceHandle[Channel]:
    """Return the device of a door, below the account."""
    info = DeviceInfo(
        identifiers={(DOMAIN, channel_identifier(channel.id))},
        manufacturer=MANUFACTURER,
        model=channel.model,
        name=channel.name or f"Door {channel.id}",
        sw_version=channel.firmware,
    )
    if coordinator.account_device_id is not None:
        info["via_device_id"] = coordinator.account_device_id
    channel_id = channel.id
    return DeviceHandle(
        identifier=channel_identifier(channel_id),
        device_id=channel_id,
        info=info,
        read=lambda: coordinator.data.channels.get(channel_id),
    )
