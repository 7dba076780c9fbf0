"""How a Tedee lock operation is run and judged: its follow plan, unlock modes and results.

The coordinator sends the operations; what an unlock does on a given lock, which error key a
failure shows and whether a finished operation did what was asked are decided here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ..actions import FollowPlan
from ..api import Lock, LockState, Operation, OperationFailure, TedeeOperationError, UnlockMode
from .const import UnlockBehavior

# An operation's result when the lock could not finish moving.
JAMMED_RESULT: Final = 1

OPERATION_ERROR_KEYS: Mapping[str, str] = {
    OperationFailure.JAMMED: "lock_jammed",
    OperationFailure.TIMEOUT: "operation_timeout",
    OperationFailure.REFUSED: "operation_refused",
    OperationFailure.FAILED: "operation_failed",
    OperationFailure.NOT_FOUND: "device_not_found",
    OperationFailure.NO_ACCESS: "gate_no_access",
    OperationFailure.GATE_TIMEOUT: "gate_timeout",
    OperationFailure.NO_BLEBOX_INTEGRATION: "gate_no_blebox",
    OperationFailure.GATE_DISCONNECTED: "gate_disconnected",
}

UNLOCK_MODES: Mapping[str, UnlockMode] = {
    UnlockBehavior.UNLOCK: UnlockMode.NORMAL,
    UnlockBehavior.UNLOCK_AND_PULL: UnlockMode.UNLOCK_OR_PULL,
}

# A Tedee lock takes about 1-3 s to move: read the operation's progress first after 1.5 s,
# then every 0.6 s until 3.3 s (a result is seen at most 0.6 s after the lock stopped), then
# less and less often.
OPERATION_FOLLOW = FollowPlan(first_delay=1.5, interval=0.6, steady_reads=3, max_wait=30.0)

# Positions from which "open" unlocks and pulls in one operation.
CLOSED: Final = frozenset({LockState.LOCKED, LockState.SEMI_LOCKED, LockState.LOCKING})


def unlock_pulls(lock: Lock, mode: UnlockMode) -> bool:
    """Tell whether an unlock in this mode also pulls the spring on this lock."""
    settings = lock.settings
    if not settings.pull_spring_enabled:
        return False
    if mode is UnlockMode.UNLOCK_OR_PULL:
        return True
    return mode is UnlockMode.NORMAL and settings.auto_pull_spring_enabled


def raise_for_result(operation: Operation) -> None:
    """Raise when a completed operation reports that the lock did not do it."""
    if operation.result == JAMMED_RESULT:
        raise TedeeOperationError("the lock jammed", reason=OperationFailure.JAMMED)
    if operation.result > 0:
        raise TedeeOperationError(
            f"the operation failed (result {operation.result})", reason=OperationFailure.FAILED
        )
