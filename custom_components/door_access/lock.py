"""Locks of Door Access: a Tedee lock or a DoorFlow door, each described by its cloud."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, override

from homeassistant.components.lock import LockEntity, LockEntityDescription
from homeassistant.components.lock.const import LockEntityFeature
from homeassistant.const import Platform
from homeassistant.core import callback

from .actions import Transition
from .coordinator import DoorAccessCoordinator
from .entity import DeviceAction, DeviceHandle, DoorAccessEntity, DoorAccessEntityDescription
from .models import platform_entry_setup

# Actions go through the account's request scheduler and the action pipeline, which runs one
# action per device at a time: actions on different locks and doors may run side by side.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class LockView:
    """What a device's data says about its lock (an action in progress is shown on top)."""

    is_locked: bool | None
    is_jammed: bool = False
    is_open: bool = False
    is_opening: bool = False
    is_locking: bool = False
    is_unlocking: bool = False


@dataclass(frozen=True, kw_only=True)
class DoorAccessLockEntityDescription[CoordinatorT, ModelT](
    LockEntityDescription, DoorAccessEntityDescription[ModelT]
):
    """Describes a lock: how it reads its state and what lock, unlock and open do."""

    view_fn: Callable[[ModelT], LockView]
    features_fn: Callable[[ModelT], LockEntityFeature] = lambda _data: LockEntityFeature(0)
    lock_fn: DeviceAction[CoordinatorT, ModelT]
    unlock_fn: DeviceAction[CoordinatorT, ModelT]
    open_fn: DeviceAction[CoordinatorT, ModelT] | None = None


class DoorAccessLock[CoordinatorT: DoorAccessCoordinator[Any], ModelT](
    DoorAccessEntity[CoordinatorT, ModelT], LockEntity
):
    """A lock or door; it takes its device's name."""

    _attr_name = None
    entity_description: DoorAccessLockEntityDescription[CoordinatorT, ModelT]

    def __init__(
        self,
        coordinator: CoordinatorT,
        device: DeviceHandle[ModelT, Any],
        description: DoorAccessLockEntityDescription[CoordinatorT, ModelT],
    ) -> None:
        super().__init__(coordinator, device, description)
        self._update_attrs()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Refresh the state attributes from the coordinator's data."""
        self._update_attrs()
        super()._handle_coordinator_update()

    def _update_attrs(self) -> None:
        """Derive state and features from the device's data and any action in progress."""
        data = self.device.read()
        description = self.entity_description
        if data is None:
            return
        self._attr_supported_features = description.features_fn(data)
        view = description.view_fn(data)
        transition = self.coordinator.actions.transition_of(self.device.identifier)
        if transition is not None:
            view = LockView(
                is_locked=view.is_locked,
                is_opening=transition is Transition.OPENING,
                is_locking=transition is Transition.LOCKING,
                is_unlocking=transition is Transition.UNLOCKING,
            )
        for state in fields(LockView):
            setattr(self, f"_attr_{state.name}", getattr(view, state.name))

    @override
    async def async_lock(self, **kwargs: Any) -> None:
        """Lock."""
        await self.entity_description.lock_fn(self.coordinator, self.device)

    @override
    async def async_unlock(self, **kwargs: Any) -> None:
        """Unlock."""
        await self.entity_description.unlock_fn(self.coordinator, self.device)

    @override
    async def async_open(self, **kwargs: Any) -> None:
        """Open (only offered where the description has an open action)."""
        if (open_fn := self.entity_description.open_fn) is not None:
            await open_fn(self.coordinator, self.device)


async_setup_entry = platform_entry_setup(Platform.LOCK)
