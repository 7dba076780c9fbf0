"""What each DoorFlow event code means to Home Assistant: an event type and its detail.

Admits (10-18) are `access_granted` with how the person came in, rejects (20-29)
`access_denied` with the reason; door alarms, request-to-exit and tamper have types of their
own. Codes the feed is asked for but that have no meaning here (35, 36, 70-73) and any code
DoorFlow adds later are `other`, with the code and DoorFlow's label.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class DoorEventType(StrEnum):
    """The event types of a door's event entity."""

    ACCESS_GRANTED = "access_granted"
    ACCESS_DENIED = "access_denied"
    DOOR_FORCED_OPEN = "door_forced_open"
    DOOR_HELD_OPEN = "door_held_open"
    DOOR_BACK_TO_NORMAL = "door_back_to_normal"
    REQUEST_TO_EXIT = "request_to_exit"
    TAMPER = "tamper"
    TAMPER_CLEARED = "tamper_cleared"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class DoorEventKind:
    """An event code as Home Assistant shows it: its type, and how (admits) or why (rejects)."""

    event_type: DoorEventType
    method: str | None = None
    reason: str | None = None


_T = DoorEventType

ADMIT_METHODS: Final[Mapping[int, str]] = {
    10: "card",
    11: "pin",
    12: "manual",
    13: "rex",
    14: "aux",
    15: "app",
    16: "held_unlocked",
    17: "apple_wallet",
    18: "google_wallet",
}
DENIAL_REASONS: Final[Mapping[int, str]] = {
    20: "card_not_valid",
    21: "out_of_hours",
    22: "lockdown",
    23: "tamper",
    24: "wrong_pin",
    25: "timeout",
    26: "invalid_credential_type",
    27: "unauthorized",
    28: "pass_back",
    29: "offline",
}
_DOOR_KINDS: Final[Mapping[int, DoorEventKind]] = {
    30: DoorEventKind(_T.REQUEST_TO_EXIT),
    33: DoorEventKind(_T.DOOR_FORCED_OPEN),
    34: DoorEventKind(_T.DOOR_HELD_OPEN),
    37: DoorEventKind(_T.DOOR_BACK_TO_NORMAL),
    90: DoorEventKind(_T.TAMPER),
    91: DoorEventKind(_T.TAMPER_CLEARED),
}

# Codes that raise the door's "forced or held open" alarm, and the one that ends it.
ALARM_CODES: Final = frozenset({33, 34})
ALARM_CLEARED_CODE: Final = 37

# The codes the event feed is asked for (DoorFlow's default is admits and rejects only).
FEED_CODES: Final = (
    *ADMIT_METHODS,
    *DENIAL_REASONS,
    30,
    33,
    34,
    35,
    36,
    37,
    70,
    71,
    72,
    73,
    90,
    91,
)

_OTHER: Final = DoorEventKind(_T.OTHER)


def door_kind_of(code: int) -> DoorEventKind:
    """Return what an event code means (`other` for codes without a meaning here)."""
    if (method := ADMIT_METHODS.get(code)) is not None:
        return DoorEventKind(_T.ACCESS_GRANTED, method=method)
    if (reason := DENIAL_REASONS.get(code)) is not None:
        return DoorEventKind(_T.ACCESS_DENIED, reason=reason)
    return _DOOR_KINDS.get(code, _OTHER)
