"""What each Tedee activity code means to Home Assistant: an event type and how it was done.

Event types are what happened to the lock (locked, unlocked, pulled, ...); the method says how
(the app or the API, the button, automatically, by hand, HomeKit, the keypad PIN). Codes the
docs list but mark unused (44, 45) and codes they do not list are `other`, with the raw code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ..api import ActivityEvent


class ActivityType(StrEnum):
    """The event types of a lock's activity entity."""

    LOCKED = "locked"
    UNLOCKED = "unlocked"
    PULLED = "pulled"
    PARTIALLY_OPENED = "partially_opened"
    JAMMED = "jammed"
    INCORRECT_PIN = "incorrect_pin"
    POSTPONED_LOCK = "postponed_lock"
    POWER_OFF = "power_off"
    POWER_ON = "power_on"
    CALIBRATION = "calibration"
    CHARGING_STARTED = "charging_started"
    CHARGING_STOPPED = "charging_stopped"
    FIRMWARE_UPDATE = "firmware_update"
    OTHER = "other"


class Method(StrEnum):
    """How a lock was operated (or where a firmware update came from)."""

    REMOTE = "remote"
    BUTTON = "button"
    AUTO = "auto"
    MANUAL = "manual"
    HOMEKIT = "homekit"
    PIN = "pin"
    BRIDGE = "bridge"
    MOBILE = "mobile"


@dataclass(frozen=True, slots=True)
class ActivityKind:
    """An activity code as Home Assistant shows it."""

    event_type: ActivityType
    method: Method | None = None


# Operations move the lock: they have a method, and the "last operated by" sensor follows them.
OPERATIONS: Final = frozenset(
    {
        ActivityType.LOCKED,
        ActivityType.UNLOCKED,
        ActivityType.PULLED,
        ActivityType.PARTIALLY_OPENED,
    }
)

_E = ActivityEvent
_T = ActivityType
_M = Method

KINDS: Final[Mapping[ActivityEvent, ActivityKind]] = {
    _E.LOCKED_REMOTE: ActivityKind(_T.LOCKED, _M.REMOTE),
    _E.UNLOCKED_REMOTE: ActivityKind(_T.UNLOCKED, _M.REMOTE),
    _E.PULLED_REMOTE: ActivityKind(_T.PULLED, _M.REMOTE),
    _E.PARTIALLY_OPEN_REMOTE: ActivityKind(_T.PARTIALLY_OPENED, _M.REMOTE),
    _E.LOCKED_BUTTON: ActivityKind(_T.LOCKED, _M.BUTTON),
    _E.UNLOCKED_BUTTON: ActivityKind(_T.UNLOCKED, _M.BUTTON),
    _E.PARTIALLY_OPEN_BUTTON: ActivityKind(_T.PARTIALLY_OPENED, _M.BUTTON),
    _E.LOCKED_AUTO: ActivityKind(_T.LOCKED, _M.AUTO),
    _E.UNLOCKED_AUTO: ActivityKind(_T.UNLOCKED, _M.AUTO),
    _E.PULLED_AUTO: ActivityKind(_T.PULLED, _M.AUTO),
    _E.PULLED_AUTO_BY: ActivityKind(_T.PULLED, _M.AUTO),
    _E.PARTIALLY_OPEN_AUTO: ActivityKind(_T.PARTIALLY_OPENED, _M.AUTO),
    _E.LOCKED_MANUAL: ActivityKind(_T.LOCKED, _M.MANUAL),
    _E.UNLOCKED_MANUAL: ActivityKind(_T.UNLOCKED, _M.MANUAL),
    _E.PULLED_MANUAL: ActivityKind(_T.PULLED, _M.MANUAL),
    _E.PARTIALLY_OPEN_MANUAL: ActivityKind(_T.PARTIALLY_OPENED, _M.MANUAL),
    _E.LOCKED_HOMEKIT: ActivityKind(_T.LOCKED, _M.HOMEKIT),
    _E.UNLOCKED_HOMEKIT: ActivityKind(_T.UNLOCKED, _M.HOMEKIT),
    _E.PULLED_HOMEKIT: ActivityKind(_T.PULLED, _M.HOMEKIT),
    _E.PARTIALLY_OPEN_HOMEKIT: ActivityKind(_T.PARTIALLY_OPENED, _M.HOMEKIT),
    _E.UNLOCK_BY_PIN: ActivityKind(_T.UNLOCKED, _M.PIN),
    _E.PULL_SPRING_BY_PIN: ActivityKind(_T.PULLED, _M.PIN),
    _E.PARTIALLY_OPEN_BY_PIN: ActivityKind(_T.PARTIALLY_OPENED, _M.PIN),
    _E.JAMMED: ActivityKind(_T.JAMMED),
    _E.INCORRECT_PIN: ActivityKind(_T.INCORRECT_PIN, _M.PIN),
    _E.POSTPONED_LOCK: ActivityKind(_T.POSTPONED_LOCK, _M.BUTTON),
    _E.POWER_OFF: ActivityKind(_T.POWER_OFF),
    _E.POWER_ON: ActivityKind(_T.POWER_ON),
    _E.CALIBRATION: ActivityKind(_T.CALIBRATION),
    _E.BATTERY_CHARGING: ActivityKind(_T.CHARGING_STARTED),
    _E.BATTERY_STOP_CHARGING: ActivityKind(_T.CHARGING_STOPPED),
    _E.FIRMWARE_UPDATE_BY_BRIDGE: ActivityKind(_T.FIRMWARE_UPDATE, _M.BRIDGE),
    _E.FIRMWARE_UPDATE_BY_MOBILE: ActivityKind(_T.FIRMWARE_UPDATE, _M.MOBILE),
}

_OTHER: Final = ActivityKind(ActivityType.OTHER)


def kind_of(event: ActivityEvent) -> ActivityKind:
    """Return what an activity code means (`other` for unused and unknown codes)."""
    return KINDS.get(event, _OTHER)
