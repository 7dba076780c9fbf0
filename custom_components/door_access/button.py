"""Buttons of Door Access: each entry's cloud says which ones its devices have."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import Platform

from .coordinator import DoorAccessCoordinator
from .entity import DeviceAction, DoorAccessEntity, DoorAccessEntityDescription
from .models import platform_entry_setup

# Presses go through the account's request scheduler, which orders every call to the cloud:
# presses on different devices may run side by side.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class DoorAccessButtonEntityDescription[CoordinatorT, ModelT](
    ButtonEntityDescription, DoorAccessEntityDescription[ModelT]
):
    """Describes a button by what pressing it does (failures are translated errors)."""

    press_fn: DeviceAction[CoordinatorT, ModelT]


class DoorAccessButton[CoordinatorT: DoorAccessCoordinator[Any], ModelT](
    DoorAccessEntity[CoordinatorT, ModelT], ButtonEntity
):
    """A button of one device."""

    entity_description: DoorAccessButtonEntityDescription[CoordinatorT, ModelT]

    @override
    async def async_press(self) -> None:
        """Run the button's action."""
        await self.entity_description.press_fn(self.coordinator, self.device)


async_setup_entry = platform_entry_setup(Platform.BUTTON)
