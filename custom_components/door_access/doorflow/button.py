"""The DoorFlow account's button: push pending changes to every door controller."""

from __future__ import annotations

from homeassistant.const import EntityCategory
from homeassistant.core import CALLBACK_TYPE
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..button import DoorAccessButton, DoorAccessButtonEntityDescription
from ..entity import DeviceHandle, describe
from .coordinator import DoorFlowCoordinator, DoorFlowData
from .device_handles import account_device


async def _sync(coordinator: DoorFlowCoordinator, device: DeviceHandle[DoorFlowData, str]) -> None:  # noqa: ARG001
    """Push pending changes to every door controller."""
    await coordinator.async_sync()


ACCOUNT_BUTTONS: tuple[
    DoorAccessButtonEntityDescription[DoorFlowCoordinator, DoorFlowData], ...
] = (
    DoorAccessButtonEntityDescription[DoorFlowCoordinator, DoorFlowData](
        key="sync",
        translation_key="sync_door_controllers",
        entity_category=EntityCategory.CONFIG,
        press_fn=_sync,
    ),
)


def async_setup_buttons(
    coordinator: DoorFlowCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> CALLBACK_TYPE:
    """Add the account's buttons."""
    account = (account_device(coordinator, coordinator.data.account), coordinator.data)
    async_add_entities(
        describe(
            (account,), ACCOUNT_BUTTONS, lambda device, d: DoorAccessButton(coordinator, device, d)
        )
    )
    return lambda: None
