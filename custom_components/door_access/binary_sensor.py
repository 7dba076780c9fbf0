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

from .coordinator import DoorAccessCoordinator
from .entity import DoorAccessEntity, DoorAccessEntityDescription
from .models import platform_entry_setup

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
        return self._read(self.entity_description.is_on_fn)


async_setup_entry = platform_entry_setup(Platform.BINARY_SENSOR)
