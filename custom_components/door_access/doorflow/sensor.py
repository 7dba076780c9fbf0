"""Sensors of DoorFlow doors and of the account (sync status), described as data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.util import dt as dt_util

from ..api import Channel, ChannelSyncStatus, SyncStatus
from ..cloud import chain
from ..entity import entity_adder, once
from ..sensor import (
    PUSH_STATUS_SENSOR,
    REQUEST_BUDGET_SENSOR,
    DoorAccessSensor,
    DoorAccessSensorEntityDescription,
)
from .coordinator import DoorFlowCoordinator, DoorFlowData
from .device_handles import (
    account_budget_device,
    account_device,
    account_of,
    account_push_device,
    channel_device,
)


def _known[E: (ChannelSyncStatus, SyncStatus)](status: E) -> str | None:
    """Return a documented status as the sensor's state; others are unknown."""
    return None if status.value == "unrecognized" else status.value


def _last_sync[ModelT](
    value_fn: Callable[[ModelT], datetime | None],
) -> DoorAccessSensorEntityDescription[ModelT]:
    """Describe when a door, or the account, last finished a sync (diagnostic, off at first)."""
    return DoorAccessSensorEntityDescription[ModelT](
        key="last_sync",
        translation_key="last_sync",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=value_fn,
    )


DOOR_SENSORS: tuple[DoorAccessSensorEntityDescription[Channel], ...] = (
    DoorAccessSensorEntityDescription[Channel](
        key="sync_status",
        translation_key="door_sync_status",
        device_class=SensorDeviceClass.ENUM,
        entity_category=EntityCategory.DIAGNOSTIC,
        options=[s.value for s in ChannelSyncStatus if s is not ChannelSyncStatus.UNRECOGNIZED],
        value_fn=lambda channel: _known(channel.sync_status),
    ),
    _last_sync(lambda channel: channel.last_sync_completed_at),
    # When a door held unlocked until a time relocks (also a time already past, while
    # someone holds it); unknown in normal mode or when held until locked again.
    DoorAccessSensorEntityDescription[Channel](
        key="relock_at",
        translation_key="relock_at",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda channel: channel.relock_at if channel.is_unlocked else None,
    ),
)

# The account's sync status, plus "waiting" while a requested sync waits for its slot.
WAITING: Final = "waiting"


def _account_sync_status(data: DoorFlowData) -> str | None:
    """Return the account's sync status, or waiting while a requested sync waits."""
    return WAITING if data.sync_due is not None else _known(data.account.sync.status)


def _waiting_sync(data: DoorFlowData) -> dict[str, Any]:
    """Return when a waiting sync goes out, and in how many seconds."""
    if data.sync_due is None:
        return {}
    seconds = max(0, round((data.sync_due - dt_util.utcnow()).total_seconds()))
    return {"sync_due": data.sync_due.isoformat(), "seconds_left": seconds}


ACCOUNT_SENSORS: tuple[DoorAccessSensorEntityDescription[DoorFlowData], ...] = (
    DoorAccessSensorEntityDescription[DoorFlowData](
        key="sync_status",
        translation_key="account_sync_status",
        device_class=SensorDeviceClass.ENUM,
        options=[
            *(s.value for s in SyncStatus if s is not SyncStatus.UNRECOGNIZED),
            WAITING,
        ],
        value_fn=_account_sync_status,
        attributes_fn=_waiting_sync,
    ),
    _last_sync(lambda data: data.account.sync.last_sync),
)

# The account's sensors, and those of every door now and as new ones appear.
async_setup_sensors = chain(
    entity_adder(once(account_of), account_device, DoorAccessSensor, *ACCOUNT_SENSORS),
    entity_adder(once(account_of), account_budget_device, DoorAccessSensor, REQUEST_BUDGET_SENSOR),
    entity_adder(once(account_of), account_push_device, DoorAccessSensor, PUSH_STATUS_SENSOR),
    entity_adder(
        DoorFlowCoordinator.async_add_channel_listener,
        channel_device,
        DoorAccessSensor,
        *DOOR_SENSORS,
    ),
)
