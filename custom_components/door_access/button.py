"""Buttons of Door Access: open a BleBox gate linked to the Tedee account."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.tedee import Gate
from .coordinator import DoorAccessConfigEntry, TedeeCoordinator
from .entity import TedeeGateEntity

# Every press is a request to the cloud: one at a time.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class TedeeGateButtonEntityDescription(ButtonEntityDescription):
    """Describes a button of a BleBox gate."""


GATE_BUTTONS: tuple[TedeeGateButtonEntityDescription, ...] = (
    TedeeGateButtonEntityDescription(key="open", translation_key="open_gate"),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: DoorAccessConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an open button for every gate, now and when new ones appear."""
    coordinator = entry.runtime_data

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

    def __init__(
        self,
        coordinator: TedeeCoordinator,
        gate: Gate,
        description: TedeeGateButtonEntityDescription,
    ) -> None:
        super().__init__(coordinator, gate, description.key)
        self.entity_description = description

    async def async_press(self) -> None:
        """Open the gate."""
        await self.coordinator.async_open_gate(self._device_id)
