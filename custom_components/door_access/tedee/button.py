"""Buttons of BleBox gates linked to a Tedee account, described as data."""

from __future__ import annotations

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..api import Gate
from ..button import DoorAccessButton, DoorAccessButtonEntityDescription
from ..entity import DeviceHandle, describe
from .coordinator import TedeeCoordinator
from .device_handles import gate_device


async def _open_gate(coordinator: TedeeCoordinator, device: DeviceHandle[Gate]) -> None:
    """Open the gate for its impulse length."""
    await coordinator.async_open_gate(device.device_id)


GATE_BUTTONS: tuple[DoorAccessButtonEntityDescription[TedeeCoordinator, Gate], ...] = (
    DoorAccessButtonEntityDescription[TedeeCoordinator, Gate](
        key="open", translation_key="open_gate", press_fn=_open_gate
    ),
)


def async_setup_buttons(
    coordinator: TedeeCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> CALLBACK_TYPE:
    """Add an open button for every gate, now and as new ones appear."""

    @callback
    def add_gates(gates: list[Gate]) -> None:
        """Add the buttons of newly seen gates."""
        devices = [(gate_device(coordinator, gate), gate) for gate in gates]
        async_add_entities(
            describe(
                devices, GATE_BUTTONS, lambda device, d: DoorAccessButton(coordinator, device, d)
            )
        )

    return coordinator.async_add_gate_listener(add_gates)
