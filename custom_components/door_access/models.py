"""The typed config entry of Door Access and what it carries at runtime."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import CALLBACK_TYPE
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .cloud import CloudWing
from .coordinator import DoorAccessCoordinator


@dataclass(frozen=True, slots=True)
class DoorAccessData[CoordinatorT: DoorAccessCoordinator[Any]]:
    """An entry's cloud and the coordinator that polls its account."""

    wing: CloudWing[CoordinatorT]
    coordinator: CoordinatorT

    def setup_platform(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> CALLBACK_TYPE | None:
        """Add the cloud's entities of one platform; return how to stop adding new ones."""
        setup = self.wing.platforms.get(platform)
        return None if setup is None else setup(self.coordinator, async_add_entities)


type DoorAccessConfigEntry = ConfigEntry[DoorAccessData[Any]]
