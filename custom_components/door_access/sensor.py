"""Sensors of Door Access: each entry's cloud says which ones its devices have."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .coordinator import DoorAccessCoordinator
from .entity import DoorAccessEntity, DoorAccessEntityDescription
from .models import DoorAccessConfigEntry

# Read-only entities of a coordinator: nothing to limit.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class DoorAccessSensorEntityDescription[ModelT](
    SensorEntityDescription, DoorAccessEntityDescription[ModelT]
):
    """Describes a sensor by how it reads its device's data."""

    value_fn: Callable[[ModelT], StateType | datetime]


class DoorAccessSensor[ModelT](DoorAccessEntity[DoorAccessCoordinator[Any], ModelT], SensorEntity):
    """A sensor reading one device."""

    entity_description: DoorAccessSensorEntityDescription[ModelT]

    @property
    def native_value(self) -> StateType | datetime:
        """Return the sensor's reading."""
        data = self.device_data
        return None if data is None else self.entity_description.value_fn(data)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: DoorAccessConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of the entry's devices, now and as new devices appear."""
    if stop := entry.runtime_data.setup_platform(Platform.SENSOR, async_add_entities):
        entry.async_on_unload(stop)
