"""Sensors of Door Access: each entry's cloud says which ones its devices have."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory, Platform
from homeassistant.helpers.typing import StateType

from .coordinator import DoorAccessCoordinator
from .entity import DoorAccessEntity, DoorAccessEntityDescription
from .models import platform_entry_setup
from .push_status import PushMode, PushStatus
from .scheduler import RequestScheduler

# Read-only entities of a coordinator: nothing to limit.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class DoorAccessSensorEntityDescription[ModelT](
    SensorEntityDescription, DoorAccessEntityDescription[ModelT]
):
    """Describes a sensor by how it reads its device's data."""

    value_fn: Callable[[ModelT], StateType | datetime]


def _budget_used(scheduler: RequestScheduler) -> float:
    """Return the share of the account's hourly request budget used in the last hour."""
    return round(100 * scheduler.used_last_hour() / scheduler.hourly_limit, 1)


# Every account's share of its cloud's hourly request limit (on the account's device).
REQUEST_BUDGET_SENSOR = DoorAccessSensorEntityDescription[RequestScheduler](
    key="requests_last_hour",
    translation_key="requests_last_hour",
    native_unit_of_measurement=PERCENTAGE,
    state_class=SensorStateClass.MEASUREMENT,
    entity_category=EntityCategory.DIAGNOSTIC,
    entity_registry_enabled_default=False,
    value_fn=_budget_used,
)


# Whether an account's changes arrive by push now, or by polling (on the account's device).
PUSH_STATUS_SENSOR = DoorAccessSensorEntityDescription[PushStatus](
    key="push_status",
    translation_key="push_status",
    device_class=SensorDeviceClass.ENUM,
    options=[mode.value for mode in PushMode],
    entity_category=EntityCategory.DIAGNOSTIC,
    value_fn=lambda status: status.mode.value,
)


class DoorAccessSensor[ModelT](DoorAccessEntity[DoorAccessCoordinator[Any], ModelT], SensorEntity):
    """A sensor reading one device."""

    entity_description: DoorAccessSensorEntityDescription[ModelT]

    @property
    @override
    def native_value(self) -> StateType | datetime:
        """Return the sensor's reading."""
        return self._read(self.entity_description.value_fn)


async_setup_entry = platform_entry_setup(Platform.SENSOR)
