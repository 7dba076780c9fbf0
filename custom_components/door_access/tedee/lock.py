"""The lock entity of a Tedee lock: its position and the lock / unlock / open actions."""

from __future__ import annotations

from homeassistant.components.lock.const import LockEntityFeature

from ..api import Lock, LockState
from ..entity import entity_adder
from ..lock import DoorAccessLock, DoorAccessLockEntityDescription, LockView
from .coordinator import TedeeCoordinator
from .device_handles import lock_device, reports_state

# Lock position → is_locked; positions missing here (uncalibrated, calibrating, updating,
# Unknown, unrecognized values) leave the state unknown.
_IS_LOCKED: dict[LockState, bool] = {
    LockState.LOCKED: True,
    LockState.LOCKING: False,
    LockState.UNLOCKED: False,
    LockState.SEMI_LOCKED: False,
    LockState.UNLOCKING: True,
    LockState.PULLED: False,
    LockState.PULLING: False,
}


def _view(lock: Lock) -> LockView:
    """Read the lock's position as Home Assistant shows a lock."""
    status = lock.status
    state = None if status is None else status.state
    return LockView(
        is_locked=None if state is None else _IS_LOCKED.get(state),
        is_jammed=status is not None and status.is_jammed,
        is_open=state is LockState.PULLED,
        is_opening=state is LockState.PULLING,
        is_locking=state is LockState.LOCKING,
        is_unlocking=state is LockState.UNLOCKING,
    )


def _features(lock: Lock) -> LockEntityFeature:
    """Offer open only when the lock's pull spring is enabled."""
    return LockEntityFeature.OPEN if lock.settings.pull_spring_enabled else LockEntityFeature(0)


LOCK = DoorAccessLockEntityDescription[TedeeCoordinator, Lock](
    key="lock",
    view_fn=_view,
    features_fn=_features,
    # A lock cut off from its bridge reports no state at all.
    available_fn=reports_state,
    lock_fn=lambda coordinator, device: coordinator.async_lock(device.device_id),
    # Unlocks as the entry's unlock behaviour says.
    unlock_fn=lambda coordinator, device: coordinator.async_unlock(device.device_id),
    # Opens the latch (unlocking first when locked).
    open_fn=lambda coordinator, device: coordinator.async_open(device.device_id),
)

# A lock entity for every lock, now and as new ones appear.
async_setup_locks = entity_adder(
    TedeeCoordinator.async_add_lock_listener, lock_device, DoorAccessLock, LOCK
)
