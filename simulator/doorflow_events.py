"""DoorFlow events: the project's code table, the injectable kinds and the account's event feed."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from simulator.timeutil import iso_ms

# The project's reading of the spec's code ranges (10-18 admits, 20-29 rejects, 30 REX,
# 31-37 door state and alarms, 50-63 remote control, 90-91 tamper, 1-3 channel status).
EVENT_LABELS: dict[int, str] = {
    1: "Channel online",
    2: "Channel offline",
    3: "Channel pending encryption",
    10: "{person} admitted using card",
    11: "{person} admitted using PIN",
    12: "Admitted manually",
    13: "Admitted by request-to-exit",
    14: "Admitted by AUX input",
    15: "{person} admitted by application",
    16: "Admitted: door unlocked",
    17: "{person} admitted using Apple Wallet",
    18: "{person} admitted using Google Wallet",
    20: "{person} rejected: card not valid",
    21: "{person} rejected: out of hours",
    22: "{person} rejected: lockdown",
    23: "{person} rejected: tamper",
    24: "{person} rejected: wrong PIN",
    25: "{person} rejected: timeout",
    26: "{person} rejected: invalid credential type",
    27: "{person} rejected: unauthorized",
    28: "{person} rejected: pass-back",
    29: "{person} rejected: controller offline",
    30: "Request-to-exit pressed",
    31: "Door opened",
    32: "Door closed",
    33: "Door forced open",
    34: "Door held open",
    37: "Door back to normal",
    50: "Held unlocked remotely",
    51: "Back to normal mode remotely",
    52: "Lockdown",
    53: "Lockdown lifted",
    90: "Tamper",
    91: "Tamper cleared",
}
ADMIT_CODES = frozenset({*range(10, 19), 70})
REJECT_CODES = frozenset({*range(20, 30), 71, 72, 73})
STATUS_CODES = frozenset({1, 2, 3})
# Codes `event_codes` accepts: the spec's list plus the remote-control range 50-63.
VALID_CODES = (
    ADMIT_CODES
    | REJECT_CODES
    | STATUS_CODES
    | frozenset({*range(30, 38), 40, 41, 42, 90, 91, *range(100, 108), 220, 223, 224, 225})
    | frozenset(range(50, 64))
)
DEFAULT_CODES = ADMIT_CODES | REJECT_CODES
STATUS_CODE = {"online": 1, "offline": 2, "pending_encryption": 3}
# Kinds the control API injects, with their code; `denied` takes its code from `reason`.
ADMIT_KINDS = {
    "card_admit": 10,
    "pin_admit": 11,
    "manual_admit": 12,
    "rex": 13,
    "aux": 14,
    "app_admit": 15,
    "unlocked_admit": 16,
    "apple_wallet": 17,
    "google_wallet": 18,
}
DOOR_KINDS = {
    "rex_pressed": 30,
    "door_opened": 31,
    "door_closed": 32,
    "forced": 33,
    "held_open": 34,
    "back_to_normal": 37,
    "tamper": 90,
    "tamper_cleared": 91,
}
DENY_REASONS = {
    "card_not_valid": 20,
    "out_of_hours": 21,
    "lockdown": 22,
    "tamper": 23,
    "wrong_pin": 24,
    "timeout": 25,
    "invalid_credential_type": 26,
    "unauthorized": 27,
    "pass_back": 28,
    "offline": 29,
}
EVENT_KINDS = frozenset({*ADMIT_KINDS, *DOOR_KINDS, "denied"})
# Which lockdown flag refuses which admit (card lockdown also rejects PINs and wallets).
LOCKDOWN_FLAG_FOR_ADMIT = {
    10: "card_lockdown",
    11: "card_lockdown",
    17: "card_lockdown",
    18: "card_lockdown",
    13: "rex_lockdown",
    14: "aux_lockdown",
}
CARD_CODES = frozenset({10, 20, 21, 22, 26, 27, 28})
MAX_EVENTS = 20000


def label_for(code: int, person: str | None) -> str:
    """Return the human-readable label of an event."""
    template = EVENT_LABELS.get(code, f"Event {code}")
    if "{person}" not in template:
        return template
    if person:
        return template.format(person=person)
    return template.replace("{person} ", "").capitalize()


@dataclass
class DoorEvent:
    """One item of the account's event feed."""

    id: int
    code: int
    label: str
    created_at: datetime
    channel_id: int | None = None
    channel_name: str | None = None
    person_id: int | None = None
    person_name: str | None = None
    credentials_number: str | None = None
    # Fields shown instead of the real ones (an event made malformed by the control API).
    override: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the event as ``GET /api/3/events`` shows it."""
        return {**self._fields(), **self.override}

    def _fields(self) -> dict[str, Any]:
        """Return the event's own fields."""
        stamp = iso_ms(self.created_at)
        return {
            "id": self.id,
            "event_id": self.id,
            "event_code": self.code,
            "event_label": self.label,
            "door_controller_id": self.channel_id,
            "door_controller_name": self.channel_name,
            "channel_id": self.channel_id,
            "channel_name": self.channel_name,
            "person_id": self.person_id,
            "person_name": self.person_name,
            "credentials_number": self.credentials_number,
            "created_at": stamp,
            "updated_at": stamp,
        }


@dataclass(frozen=True)
class EventQuery:
    """A parsed ``GET /api/3/events`` query."""

    codes: frozenset[int]
    channels: frozenset[int] | None
    since: datetime
    descending: bool
    n: int
    page: int


class EventFeed:
    """The account's events, oldest first (ids grow with time), capped at ``MAX_EVENTS``."""

    def __init__(self) -> None:
        self.items: list[DoorEvent] = []
        self._next_id = 1
        # The date of the newest event logged by the clock (events redated on purpose aside).
        self._last_logged: datetime | None = None

    def add(self, code: int, when: datetime, **fields: Any) -> DoorEvent:
        """Add an event (dated ``when`` to the ms, never before the newest one logged)."""
        when = when.replace(microsecond=when.microsecond // 1000 * 1000)
        if self._last_logged is not None and when < self._last_logged:
            when = self._last_logged
        self._last_logged = when
        person = fields.get("person_name")
        label = fields.pop("label", None) or label_for(code, person)
        event = DoorEvent(id=self._next_id, code=code, label=label, created_at=when, **fields)
        self._next_id += 1
        bisect.insort(self.items, event, key=lambda item: item.created_at)
        if len(self.items) > MAX_EVENTS:
            del self.items[: len(self.items) - MAX_EVENTS]
        return event

    def redate(self, event: DoorEvent, when: datetime) -> None:
        """Date an event as given (a late upload, a wrong clock): the feed stays in order."""
        self.items.remove(event)
        event.created_at = when.replace(microsecond=when.microsecond // 1000 * 1000)
        bisect.insort(self.items, event, key=lambda item: item.created_at)

    def get(self, event_id: int) -> DoorEvent | None:
        """Return one event by id."""
        for event in self.items:
            if event.id == event_id:
                return event
        return None

    def query(self, query: EventQuery) -> tuple[list[DoorEvent], int]:
        """Return one page of matching events and how many match in all."""
        matching = [
            e
            for e in self.items
            if e.code in query.codes
            and e.created_at >= query.since
            and (query.channels is None or e.channel_id in query.channels)
        ]
        if query.descending:
            matching.reverse()
        start = (query.page - 1) * query.n
        return matching[start : start + query.n], len(matching)
