"""Whether an account's changes arrive by push or by polling: shared by every cloud's push.

A wing that can be pushed to (DoorFlow's notification rules, a Tedee bridge's callbacks) keeps
an object with a `mode`; the account's diagnostic sensor "push" / "polling" reads it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class PushMode(StrEnum):
    """How an account's changes reach Home Assistant now."""

    PUSH = "push"
    POLLING = "polling"


class PushStatus(Protocol):
    """What the push status sensor reads."""

    @property
    def mode(self) -> PushMode:
        """Return whether changes arrive by push now (else by polling)."""
        ...
