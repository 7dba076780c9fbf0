"""The lockdown switch of each DoorFlow door: on while any input is locked down."""

from __future__ import annotations

from typing import Final

from ..api import Channel, Lockdown
from ..entity import entity_adder
from ..switch import DoorAccessSwitch, DoorAccessSwitchEntityDescription
from .coordinator import DoorFlowCoordinator
from .device_handles import channel_device

# The switch locks every input down, as DoorFlow does without a choice; the lockdown action
# picks inputs (card, request-to-exit, auxiliary).
EVERY_INPUT: Final = Lockdown(card=True, rex=True, aux=True)


LOCKDOWN = DoorAccessSwitchEntityDescription[DoorFlowCoordinator, Channel](
    key="lockdown",
    translation_key="lockdown",
    # Available while the controller is offline too: DoorFlow keeps the change and syncs it
    # once the controller is back ("Changes not synced" shows it meanwhile).
    is_on_fn=lambda channel: channel.is_locked_down,
    turn_on_fn=lambda coordinator, device: coordinator.async_lockdown(
        device.device_id, EVERY_INPUT
    ),
    turn_off_fn=lambda coordinator, device: coordinator.async_end_lockdown(
        device.device_id, EVERY_INPUT
    ),
)

# The lockdown switch of every door, now and as new ones appear.
async_setup_switches = entity_adder(
    DoorFlowCoordinator.async_add_channel_listener, channel_device, DoorAccessSwitch, LOCKDOWN
)
