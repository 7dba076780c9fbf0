"""What the Tedee coordinator knows about one account: locks, gates, bridges, and their health."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..api import Bridge, Gate, Lock


@dataclass(frozen=True, slots=True)
class TedeeData:
    """Everything the integration knows about one Tedee account."""

    locks: Mapping[int, Lock]
    gates: Mapping[int, Gate]
    bridges: Mapping[int, Bridge]
    # Locks the last bulk sync left out: kept (unavailable) until a full listing decides.
    missing_locks: frozenset[int] = frozenset()
    # Whether the last read of locks / gates worked (each part fails on its own).
    locks_ok: bool = True
    gates_ok: bool = True
    # False when the account has no BleBox integration (Tedee answers 412 for gates).
    blebox_linked: bool = True
    # False when the token lacks the scope for gates (Tedee answers 403 for them).
    gates_allowed: bool = True
