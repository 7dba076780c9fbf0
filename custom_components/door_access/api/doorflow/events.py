"""DoorFlow's event feed (`GET /api/3/events`): access, door and controller events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .models import fields_of


class EventSort(StrEnum):
    """Order of the event feed by creation time."""

    ASC = "ASC"
    DESC = "DESC"


@dataclass(frozen=True, slots=True, kw_only=True)
class DoorEvent:
    """One event, with the v3 spec's fields (codes: 10-18 admit, 20-29 reject, 30 REX, ...).

    `channel_id` / `channel_name` fall back to `door_controller_id` / `_name` (aliases in the
    spec). `credentials_number` (a card number or PIN) is left out of the repr. Every id is
    opaque text (a number keeps its decimal text): `7` and `"7"` name the same event.
    """

    id: str
    event_code: int
    event_label: str | None
    channel_id: str | None
    channel_name: str | None
    door_controller_id: str | None
    door_controller_name: str | None
    person_id: str | None
    person_name: str | None
    credentials_number: str | None = field(repr=False)
    created_at: datetime | None
    updated_at: datetime | None
    event_id: str | None

    @classmethod
    def from_json(cls, data: object) -> DoorEvent:
        """Parse one item of `GET /api/3/events`."""
        fields = fields_of(data, "event")
        controller_id = fields.opt_id("door_controller_id")
        controller_name = fields.opt_str("door_controller_name")
        channel_id = fields.opt_id("channel_id")
        channel_name = fields.opt_str("channel_name")
        return cls(
            id=fields.id_str("id"),
            event_code=fields.get_int("event_code"),
            event_label=fields.opt_str("event_label"),
            channel_id=controller_id if channel_id is None else channel_id,
            channel_name=controller_name if channel_name is None else channel_name,
            door_controller_id=controller_id,
            door_controller_name=controller_name,
            person_id=fields.opt_id("person_id"),
            person_name=fields.opt_str("person_name"),
            credentials_number=fields.opt_str("credentials_number"),
            created_at=fields.get_datetime("created_at"),
            updated_at=fields.get_datetime("updated_at"),
            event_id=fields.opt_id("event_id"),
        )
