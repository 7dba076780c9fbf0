"""Device activity of a Tedee lock ("who did what, and how"), from `GET my/deviceactivity`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from ..core.enums import LenientIntEnum
from ..core.fields import Fields, ItemsRead, parse_each
from .errors import TedeeBadResponseError
from .models import fields_of, parse_list

MAX_ACTIVITY_ELEMENTS: Final = 200


class ActivityEvent(LenientIntEnum):
    """What happened (`event`, Tedee enum "Event type"): every code the docs list.

    Codes the docs do not list (new ones, or 44 and 45, dropped from the list in 2023) are
    UNRECOGNIZED; the raw code stays available as `Activity.event_code`. Gate activity
    (10000, 10001) is read with the gate's id as `deviceId`.
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
    BATTERY_CHARGING = 46
    PARTIALLY_OPEN_MANUAL = 47
    PARTIALLY_OPEN_BUTTON = 48
    PARTIALLY_OPEN_AUTO = 49
    BATTERY_STOP_CHARGING = 50
    PULLED_REMOTE = 51
    PULLED_AUTO = 52
    PULLED_MANUAL = 53
    PARTIALLY_OPEN_REMOTE = 54
    PULLED_AUTO_BY_REMOTE = 55
    POSTPONED_LOCK = 56
    UNLOCKED_HOMEKIT = 57
    PARTIALLY_OPEN_HOMEKIT = 58
    LOCKED_HOMEKIT = 59
    PULLED_HOMEKIT = 60
    UNLOCK_BY_PIN = 61
    INCORRECT_PIN = 62
    PULL_SPRING_BY_PIN = 63
    PARTIALLY_OPEN_BY_PIN = 64
    LOCKED_BY_KEYPAD_WITH_PIN = 65
    LOCKED_BY_KEYPAD_WITHOUT_PIN = 66
    LOCK_FORCE_UNLOCKED = 67
    LOCK_FORCE_UNLOCKED_BY_PIN = 68
    LOCK_UNCALIBRATED = 74
    UNAUTHORIZED_PIN = 75
    PULLED_AUTO_BY_PIN = 76
    UNLOCKED_BY_FINGERPRINT = 77
    FORCE_UNLOCKED_BY_FINGERPRINT = 78
    PARTIALLY_OPEN_BY_FINGERPRINT = 79
    PULLED_BY_FINGERPRINT = 80
    PULLED_AUTO_BY_FINGERPRINT = 81
    DOOR_OPENED = 83
    DOOR_CLOSED = 84
    DOOR_SENSOR_UNCALIBRATED = 85
    DOOR_OPEN_TOO_LONG = 86
    LOCK_PULLED_BY_AUTO_UNLOCK = 87
    LOCK_UNLOCKED_BY_MATTER = 88
    LOCK_PARTIALLY_OPEN_BY_MATTER = 89
    LOCK_LOCKED_BY_MATTER = 90
    LOCK_PULL_SPRING_BY_MATTER = 91
    LOCK_PULL_SPRING_AUTO_BY_MATTER = 92
    LOCK_FORCE_UNLOCKED_BY_MATTER = 93
    FIRMWARE_UPDATE_BY_BRIDGE = 224
    FIRMWARE_UPDATE_BY_MOBILE = 225
    LOCKED_BY_ACCESS_LINK = 226
    LOCKED_BY_BRIDGE_API = 227
    UNLOCKED_BY_ACCESS_LINK = 228
    UNLOCKED_BY_BRIDGE_API = 229
    PULLED_BY_ACCESS_LINK = 230
    PULLED_BY_BRIDGE_API = 231
    PARTIALLY_OPEN_BY_ACCESS_LINK = 232
    PARTIALLY_OPEN_BY_BRIDGE_API = 233
    PULLED_AUTO_BY_ACCESS_LINK = 234
    PULLED_AUTO_BY_BRIDGE_API = 235
    GATE_UNLOCKED_BY_REMOTE = 10000
    GATE_UNLOCKED_BY_ACCESS_LINK = 10001


class ActivitySource(LenientIntEnum):
    """Where the activity was recorded (`source`)."""

    UNRECOGNIZED = -1
    DEVICE = 0
    MOBILE = 1


# The user field: `userName` in the docs' data-structure table, `username` in their examples.
USER_NAME_FIELDS: Final = ("userName", "username")


def _user_name(fields: Fields) -> str | None:
    """Return the name of who did it, from either spelling the docs use (None if unknown)."""
    for key in USER_NAME_FIELDS:
        if name := fields.opt_str(key):
            return name
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    """One activity of a device (lock or gate); `date` is aware (UTC).

    Fields as the docs' "Device activity" structure has them: `id`, `deviceId`, `event` and
    `date` are required; `source` (enum), `userId` and the user's name ("if known") are optional.
    """

    id: int
    device_id: int
    event: ActivityEvent
    event_code: int
    source: ActivitySource
    date: datetime
    user_id: int | None
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
            username=_user_name(fields),
        )


def read_activities(data: object) -> ItemsRead[Activity]:
    """Parse the result of `GET my/deviceactivity` item by item (newest first, as sent).

    A malformed item is left out, its problem in `skipped`; the others are kept.
    """
    items = parse_list(data, "device activity")
    return parse_each(items, Activity.from_json, TedeeBadResponseError)


def last_elem_date(older_than: datetime) -> str:
    """Format `lastElemDate`: naive UTC, milliseconds (microseconds when they are not whole)."""
    if older_than.tzinfo is None:
        raise ValueError("older_than must be timezone-aware")
    utc = older_than.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="milliseconds" if utc.microsecond % 1000 == 0 else "microseconds")
