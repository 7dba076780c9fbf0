"""The lock entity of a DoorFlow door: locked in normal mode, unlocked while held; open admits.

Its attribute names the inputs locked down (unlock and open are refused while any is); whether
the door is in lockdown is its Lockdown switch, and when it relocks its Relock time sensor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components.lock.const import LockEntityFeature

from ..api import Channel, ChannelMode
from ..entity import entity_adder
from ..lock import DoorAccessLock, DoorAccessLockEntityDescription, LockView
from .coordinator import DoorFlowCoordinator
from .device_handles import channel_device


def _view(channel: Channel) -> LockView:
    """Read the door's mode: normal is locked (card access), unlock is held unlocked."""
    mode = channel.mode
    return LockView(
        is_locked=None if mode is ChannelMode.UNRECOGNIZED else mode is ChannelMode.NORMAL
    )


def _attributes(channel: Channel) -> Mapping[str, Any]:
    """Return the inputs locked down (none while the door is not in lockdown)."""
    lockdown = channel.lockdown
    if lockdown is None:
        return {"lockdown_inputs": []}
    inputs = (("card", lockdown.card), ("rex", lockdown.rex), ("aux", lockdown.aux))
    return {"lockdown_inputs": [name for name, on in inputs if on]}


DOOR = DoorAccessLockEntityDescription[DoorFlowCoordinator, Channel](
    key="lock",
    # Names the state attributes (the entity itself takes its device's name).
    translation_key="door",
    view_fn=_view,
    features_fn=lambda _channel: LockEntityFeature.OPEN,
    # A door can be operated only while its controller is online.
    available_fn=lambda channel: channel.is_online,
    # Lock returns the door to normal mode, unlock holds it unlocked, open admits once.
    lock_fn=lambda coordinator, device: coordinator.async_lock(device.device_id),
    unlock_fn=lambda coordinator, device: coordinator.async_unlock(device.device_id),
    open_fn=lambda coordinator, device: coordinator.async_open(device.device_id),
    attributes_fn=_attributes,
)

# A lock entity for every door, now and as new ones appear.
async_setup_doors = entity_adder(
    DoorFlowCoordinator.async_add_channel_listener, channel_device, DoorAccessLock, DOOR
)
