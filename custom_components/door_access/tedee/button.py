"""Buttons of BleBox gates linked to a Tedee account, described as data."""

from __future__ import annotations

from ..api import Gate
from ..button import DoorAccessButton, DoorAccessButtonEntityDescription
from ..entity import entity_adder
from .coordinator import TedeeCoordinator
from .device_handles import gate_device

GATE_OPEN = DoorAccessButtonEntityDescription[TedeeCoordinator, Gate](
    key="open",
    translation_key="open_gate",
    # Opens the gate for its impulse length.
    press_fn=lambda coordinator, device: coordinator.async_open_gate(device.device_id),
)

# An open button for every gate, now and as new ones appear.
async_setup_buttons = entity_adder(
    TedeeCoordinator.async_add_gate_listener, gate_device, DoorAccessButton, GATE_OPEN
)
