"""The typed config entry of Door Access and what it carries at runtime."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .cloud import CloudWing
from .coordinator import DoorAccessCoordinator


@dataclass(frozen=True, slots=True)
class DoorAccessData[CoordinatorT: DoorAccessCoordinator[Any]]:
    """An entry's cloud and the coordinator that polls its account."""

    wing: CloudWing[CoordinatorT]
    coordinator: CoordinatorT


type DoorAccessConfigEntry = ConfigEntry[DoorAccessData[Any]]

type PlatformEntrySetup = Callable[
    [HomeAssistant, DoorAccessConfigEntry, AddConfigEntryEntitiesCallback],
    Coroutine[Any, Any, None],
]


def platform_entry_setup(platform: Platform) -> PlatformEntrySetup:
    """Return a platform's `async_setup_entry`: the entry's cloud adds its entities of it."""

    async def async_setup_entry(
        hass: HomeAssistant,  # noqa: ARG001
        entry: DoorAccessConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        """Add the entities of the entry's devices, now and as new devices appear."""
        data = entry.runtime_data
        if (setup := data.wing.platforms.get(platform)) is not None:
            entry.async_on_unload(setup(data.coordinator, async_add_entities))

    return async_setup_entry
