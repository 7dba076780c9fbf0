"""What each DoorFlow event code means to Home Assistant: an event type and its detail.

Every group of codes DoorFlow publishes (its openapi.yaml, `event_codes`) has a kind: admits
(10-18, and 70 with multi-factor authentication) are `access_granted` with how the person came
in, rejects (20-29, and 71-73 with multi-factor authentication) `access_denied` with the
reason; request-to-exit (30), door state and alarms (31-37), auto-unlock (40-42), remote
control (50-63), tamper (90-91), channel status (1-3), channel sync (100-107) and directory
(LDAP) sync (220, 223-225) have types of their own. Where DoorFlow publishes no meaning per
code, the type names the group and the entity shows DoorFlow's label. Any code outside the
groups is `other`, with its number.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from ..event import EventKind


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
    # Groups without a published meaning per code (DoorFlow's label says which).
    DOOR_ALARM = "door_alarm"
    CHANNEL_STATUS = "channel_status"
    AUTO_UNLOCK = "auto_unlock"
    REMOTE_CONTROL = "remote_control"
    CHANNEL_SYNC = "channel_sync"
    DIRECTORY_SYNC = "directory_sync"
    OTHER = "other"


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
    70: "multi_factor",
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
    71: "multi_factor",
    72: "multi_factor",
    73: "multi_factor",
}
_DOOR_KINDS: Final[Mapping[int, EventKind[DoorEventType]]] = {
    30: EventKind(_T.REQUEST_TO_EXIT),
    33: EventKind(_T.DOOR_FORCED_OPEN),
    34: EventKind(_T.DOOR_HELD_OPEN),
    37: EventKind(_T.DOOR_BACK_TO_NORMAL),
    90: EventKind(_T.TAMPER),
    91: EventKind(_T.TAMPER_CLEARED),
}
# The published groups whose codes have no published meaning one by one.
_GROUPS: Final[tuple[tuple[frozenset[int], EventKind[DoorEventType]], ...]] = (
    (frozenset(range(1, 4)), EventKind(_T.CHANNEL_STATUS)),
    (frozenset(range(31, 38)), EventKind(_T.DOOR_ALARM)),
    (frozenset(range(40, 43)), EventKind(_T.AUTO_UNLOCK)),
    (frozenset(range(50, 64)), EventKind(_T.REMOTE_CONTROL)),
    (frozenset(range(100, 108)), EventKind(_T.CHANNEL_SYNC)),
    (frozenset({220, 223, 224, 225}), EventKind(_T.DIRECTORY_SYNC)),
)
# Types that name a group: the entity shows DoorFlow's label beside the code.
LABELLED_TYPES: Final = frozenset({*(kind.event_type for _, kind in _GROUPS), DoorEventType.OTHER})

# Codes that raise the door's "forced or held open" alarm, and the one that ends it.
ALARM_CODES: Final = frozenset({33, 34})
ALARM_CLEARED_CODE: Final = 37
# Codes that tell a door's state (online, mode, lockdown) changed: channel status, the
# auto-unlock shift and remote control. A pushed one has the door read again at once.
DOOR_STATE_CODES: Final = frozenset({*range(1, 4), *range(40, 43), *range(50, 64)})

# The codes the event feed is asked for (DoorFlow's default is admits and rejects only).
FEED_CODES: Final = (*ADMIT_METHODS, *DENIAL_REASONS, 30, *range(33, 38), 70, 71, 72, 73, 90, 91)
# The codes the notification rule asks DoorFlow to push: the feed's, and those after which a
# door is read again (delivered only through that read, never as events).
RULE_CODES: Final = tuple(sorted({*FEED_CODES, *DOOR_STATE_CODES}))


def door_kind_of(code: int) -> EventKind[DoorEventType]:
    """Return what an event code means: its own kind, its group's, or `other`."""
    if (method := ADMIT_METHODS.get(code)) is not None:
        return EventKind(_T.ACCESS_GRANTED, method=method)
    if (reason := DENIAL_REASONS.get(code)) is not None:
        return EventKind(_T.ACCESS_DENIED, reason=reason)
    if (kind := _DOOR_KINDS.get(code)) is not None:
        return kind
    return next((kind for codes, kind in _GROUPS if code in codes), EventKind(_T.OTHER))
