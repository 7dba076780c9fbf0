"""The devices DoorFlow entities read (handles), apart from `devices.py` so no import goes back."""

from __future__ import annotations

from ..api import Account, Channel
from ..entity import DeviceHandle
from ..push_status import PushStatus
from ..scheduler import RequestScheduler
from .coordinator import DoorFlowCoordinator, DoorFlowData
from .devices import (
    account_device_info,
    account_identifier,
    channel_device_info,
    channel_identifier,
    controller_of,
    site_name,
)


def account_of(coordinator: DoorFlowCoordinator) -> Account:
    """Return the account as last read (its device's entities are added once, at setup)."""
    return coordinator.data.account


def account_device(
    coordinator: DoorFlowCoordinator, account: Account
) -> DeviceHandle[DoorFlowData, str]:
    """Return the account's device, read as the account's data (sync status, waiting sync)."""
    return DeviceHandle(
        identifier=account_identifier(account.id),
        device_id=account.id,
        info=account_device_info(account),
        read=lambda: coordinator.data,
    )


def account_budget_device(
    coordinator: DoorFlowCoordinator, account: Account
) -> DeviceHandle[RequestScheduler, str]:
    """Return the account's device, read as its request budget."""
    return account_device(coordinator, account).reading(lambda: coordinator.scheduler)


def account_push_device(
    coordinator: DoorFlowCoordinator, account: Account
) -> DeviceHandle[PushStatus, str]:
    """Return the account's device, read as its push status (push or polling)."""
    return account_device(coordinator, account).reading(lambda: coordinator.push)


def channel_device(
    coordinator: DoorFlowCoordinator, channel: Channel
) -> DeviceHandle[Channel, str]:
    """Return the device of a door: below its controller (or the account), in its site's area."""
    controller = controller_of(channel)
    via = coordinator.controller_device_ids.get(controller) if controller else None
    channel_id = channel.id
    return DeviceHandle(
        identifier=channel_identifier(channel_id),
        device_id=channel_id,
        info=channel_device_info(
            channel, via or coordinator.account_device_id, site_name(coordinator.sites, channel)
        ),
        read=lambda: coordinator.data.channels.get(channel_id),
    )
