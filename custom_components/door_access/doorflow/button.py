"""The DoorFlow account's button: push pending changes to every door controller."""

from __future__ import annotations

from homeassistant.const import EntityCategory

from ..button import DoorAccessButton, DoorAccessButtonEntityDescription
from ..entity import DeviceHandle, entity_adder, once
from .coordinator import DoorFlowCoordinator, DoorFlowData
from .device_handles import account_device, account_of


async def _sync(coordinator: DoorFlowCoordinator, device: DeviceHandle[DoorFlowData, str]) -> None:  # noqa: ARG001
    """Push pending changes to every door controller."""
    await coordinator.async_sync()


SYNC = DoorAccessButtonEntityDescription[DoorFlowCoordinator, DoorFlowData](
    key="sync",
    translation_key="sync_door_controllers",
    entity_category=EntityCategory.CONFIG,
    press_fn=_sync,
)

# The account's buttons.
async_setup_buttons = entity_adder(once(account_of), account_device, DoorAccessButton, SYNC)
