"""Binary sensors of Door Access: each entry's cloud says which ones its devices have."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import DoorAccessCoordinator
from .entity import DoorAccessEntity, DoorAccessEntityDescription
from .models import DoorAccessConfigEntry

# Read-only entities of a coordinator: nothing to limit.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class DoorAccessBinarySensorEntityDescription[ModelT](
    BinarySensorEntityDescription, DoorAccessEntityDescription[ModelT]
):
    """Describes a binary sensor by how it reads its device's data."""

    is_on_fn: Callable[[ModelT], bool | None]


class DoorAccessBinarySensor[ModelT](
    DoorAccessEntity[DoorAccessCoordinator[Any], ModelT], BinarySensorEntity
):
    """A binary sensor reading one device."""

    entity_description: DoorAccessBinarySensorEntityDescription[ModelT]

    @property
    @override
    def is_on(self) -> bool | None:
        """Return the sensor's reading."""
        data = self.device_data
        return None if data is None else self.entity_description.is_on_fn(data)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: DoorAccessConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of the entry's devices, now and as new devices appear."""
    if stop := entry.runtime_data.setup_platform(Platform.BINARY_SENSOR, async_add_entities):
        entry.async_on_unload(stop)
