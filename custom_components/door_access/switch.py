"""Switches of Door Access: each entry's cloud says which ones its devices have."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import Platform

from .coordinator import DoorAccessCoordinator
from .entity import DeviceAction, DoorAccessEntity, DoorAccessEntityDescription
from .models import platform_entry_setup

# Switching goes through the account's request scheduler and the action pipeline (one action
# per device at a time): switches of different devices may run side by side.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class DoorAccessSwitchEntityDescription[CoordinatorT, ModelT](
    SwitchEntityDescription, DoorAccessEntityDescription[ModelT]
):
    """Describes a switch: how it reads its device and what turning it on and off does."""

    is_on_fn: Callable[[ModelT], bool | None]
    turn_on_fn: DeviceAction[CoordinatorT, ModelT]
    turn_off_fn: DeviceAction[CoordinatorT, ModelT]


class DoorAccessSwitch[CoordinatorT: DoorAccessCoordinator[Any], ModelT](
    DoorAccessEntity[CoordinatorT, ModelT], SwitchEntity
):
    """A switch of one device (failures are translated errors)."""

    entity_description: DoorAccessSwitchEntityDescription[CoordinatorT, ModelT]

    @property
    @override
    def is_on(self) -> bool | None:
        """Return whether the switch is on, as the device reports it."""
        return self._read(self.entity_description.is_on_fn)

    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn on."""
        await self.entity_description.turn_on_fn(self.coordinator, self.device)

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn off."""
        await self.entity_description.turn_off_fn(self.coordinator, self.device)


async_setup_entry = platform_entry_setup(Platform.SWITCH)
