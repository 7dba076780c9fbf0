"""Device activity of a Tedee lock ("who did what, and how"), from `GET my/deviceactivity`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from ..core.enums import LenientIntEnum
from .models import fields_of, parse_list

MAX_ACTIVITY_ELEMENTS: Final = 200


class ActivityEvent(LenientIntEnum):
    """What happened (`event`); codes the docs do not list are UNRECOGNIZED.

    The raw code stays available as `Activity.event_code`.
    """

    UNRECOGNIZED = -1
    LOCKED_REMOTE = 32
    UNLOCKED_REMOTE = 33
    LOCKED_BUTTON = 34
    UNLOCKED_BUTTON = 35
    LOCKED_AUTO = 36
    UNLOCKED_AUTO = 37
    LOCKED_MANUAL = 38
    UNLOCKED_MANUAL = 39
    JAMMED = 40
    POWER_OFF = 41
    POWER_ON = 42
    CALIBRATION = 43
    DISMOUNTED = 44
    ALARM = 45
    BATTERY_CHARGING = 46
    PARTIALLY_OPEN_MANUAL = 47
    PARTIALLY_OPEN_BUTTON = 48
    PARTIALLY_OPEN_AUTO = 49
    BATTERY_STOP_CHARGING = 50
    PULLED_REMOTE = 51
    PULLED_AUTO = 52
    PULLED_MANUAL = 53
    PARTIALLY_OPEN_REMOTE = 54
    PULLED_AUTO_BY = 55
    POSTPONED_LOCK = 56
    UNLOCKED_HOMEKIT = 57
    PARTIALLY_OPEN_HOMEKIT = 58
    LOCKED_HOMEKIT = 59
    PULLED_HOMEKIT = 60
    UNLOCK_BY_PIN = 61
    INCORRECT_PIN = 62
    PULL_SPRING_BY_PIN = 63
    PARTIALLY_OPEN_BY_PIN = 64
    FIRMWARE_UPDATE_BY_BRIDGE = 224
    FIRMWARE_UPDATE_BY_MOBILE = 225


class ActivitySource(LenientIntEnum):
    """Where the activity was recorded (`source`)."""

    UNRECOGNIZED = -1
    DEVICE = 0
    MOBILE = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    """One activity of a device; `date` is aware (UTC)."""

    id: int
    device_id: int
    event: ActivityEvent
    event_code: int
    source: ActivitySource
    date: datetime
    user_id: int | None
    organization_user_id: int | None
    username: str | None

    @classmethod
    def from_json(cls, data: object) -> Activity:
        """Parse one item of `GET my/deviceactivity`."""
        fields = fields_of(data, "activity")
        code = fields.get_int("event")
        source = fields.opt_int("source")
        return cls(
            id=fields.get_int("id"),
            device_id=fields.get_int("deviceId"),
            event=ActivityEvent(code),
            event_code=code,
            source=ActivitySource(-1 if source is None else source),
            date=fields.req_datetime("date"),
            user_id=fields.opt_int("userId"),
            organization_user_id=fields.opt_int("organizationUserId"),
            username=fields.opt_str("username") or None,
        )


def parse_activities(data: object) -> list[Activity]:
    """Parse the result of `GET my/deviceactivity` (newest first, as the cloud sends it)."""
    return [Activity.from_json(item) for item in parse_list(data, "device activity")]


def last_elem_date(older_than: datetime) -> str:
    """Format `lastElemDate`: naive UTC, milliseconds (microseconds when they are not whole)."""
    if older_than.tzinfo is None:
        raise ValueError("older_than must be timezone-aware")
    utc = older_than.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="milliseconds" if utc.microsecond % 1000 == 0 else "microseconds")
