"""Buttons of Door Access: open a BleBox gate (Tedee), sync door controllers (DoorFlow)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.tedee import Gate
from .coordinator import DoorAccessConfigEntry
from .doorflow_coordinator import DoorFlowCoordinator
from .entity import DoorFlowAccountEntity, TedeeGateEntity

# Every press is a request to the cloud: one at a time.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class TedeeGateButtonEntityDescription(ButtonEntityDescription):
    """Describes a button of a BleBox gate."""


GATE_BUTTONS: tuple[TedeeGateButtonEntityDescription, ...] = (
    TedeeGateButtonEntityDescription(key="open", translation_key="open_gate"),
)


@dataclass(frozen=True, kw_only=True)
class DoorFlowAccountButtonEntityDescription(ButtonEntityDescription):
    """Describes a button of a DoorFlow account."""

    press_fn: Callable[[DoorFlowCoordinator], Awaitable[None]]


ACCOUNT_BUTTONS: tuple[DoorFlowAccountButtonEntityDescription, ...] = (
    DoorFlowAccountButtonEntityDescription(
        key="sync",
        translation_key="sync_door_controllers",
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda coordinator: coordinator.async_sync(),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: DoorAccessConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an open button for every gate (now and when new ones appear), or the sync button."""
    coordinator = entry.runtime_data
    if isinstance(coordinator, DoorFlowCoordinator):
        async_add_entities(
            DoorFlowAccountButton(coordinator, coordinator.data.account, description)
            for description in ACCOUNT_BUTTONS
        )
        return

    @callback
    def _add_gates(gates: list[Gate]) -> None:
        """Add the buttons of newly seen gates."""
        async_add_entities(
            TedeeGateButton(coordinator, gate, description)
            for gate in gates
            for description in GATE_BUTTONS
        )

    entry.async_on_unload(coordinator.async_add_gate_listener(_add_gates))


class TedeeGateButton(TedeeGateEntity, ButtonEntity):
    """Opens a gate for its impulse length; failures come back as translated errors."""

    entity_description: TedeeGateButtonEntityDescription

    async def async_press(self) -> None:
        """Open the gate."""
        await self.coordinator.async_open_gate(self._device_id)


class DoorFlowAccountButton(DoorFlowAccountEntity, ButtonEntity):
    """A button of the DoorFlow account; failures come back as translated errors."""

    entity_description: DoorFlowAccountButtonEntityDescription

    async def async_press(self) -> None:
        """Run the button's action."""
        await self.entity_description.press_fn(self.coordinator)
