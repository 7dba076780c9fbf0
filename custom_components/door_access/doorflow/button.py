"""The DoorFlow account's button: push pending changes to every door controller."""

from __future__ import annotations

from homeassistant.const import EntityCategory

from ..button import DoorAccessButton, DoorAccessButtonEntityDescription
from ..entity import entity_adder, once
from .coordinator import DoorFlowCoordinator, DoorFlowData
from .device_handles import account_device, account_of

SYNC = DoorAccessButtonEntityDescription[DoorFlowCoordinator, DoorFlowData](
    key="sync",
    translation_key="sync_door_controllers",
    entity_category=EntityCategory.CONFIG,
    # Pushes pending changes to every door controller.
    press_fn=lambda coordinator, _device: coordinator.async_sync(),
)

# The account's buttons.
async_setup_buttons = entity_adder(once(account_of), account_device, DoorAccessButton, SYNC)
