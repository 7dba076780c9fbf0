"""Buttons of BleBox gates linked to a Tedee account, described as data."""

from __future__ import annotations

from ..api import Gate
from ..button import DoorAccessButton, DoorAccessButtonEntityDescription
from ..entity import DeviceHandle, entity_adder
from .coordinator import TedeeCoordinator
from .device_handles import gate_device


async def _open_gate(coordinator: TedeeCoordinator, device: DeviceHandle[Gate]) -> None:
    """Open the gate for its impulse length."""
    await coordinator.async_open_gate(device.device_id)


GATE_OPEN = DoorAccessButtonEntityDescription[TedeeCoordinator, Gate](
    key="open", translation_key="open_gate", press_fn=_open_gate
)

# An open button for every gate, now and as new ones appear.
async_setup_buttons = entity_adder(
    TedeeCoordinator.async_add_gate_listener, gate_device, DoorAccessButton, GATE_OPEN
)
