"""What each Tedee activity code means to Home Assistant: an event type and who or what did it.

Every code of Tedee's "Event type" enum has a kind: the event type is what happened (locked,
unlocked, force unlocked, pulled, a door opened, a gate opened, ...); the method says how, or
by what (the app or the API, the lock's button, automatically, by hand, HomeKit, Matter, the
keypad with a PIN or its button, a fingerprint, an access link, the bridge's API, the door
sensor, ...). Codes the docs do not list stay `other`, with their number.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from ..api import ActivityEvent
from ..event import EventKind


class ActivityType(StrEnum):
    """The event types of an activity entity (of a lock, or `opened` for a gate)."""

    LOCKED = "locked"
    UNLOCKED = "unlocked"
    FORCE_UNLOCKED = "force_unlocked"
    PULLED = "pulled"
    PARTIALLY_OPENED = "partially_opened"
    POSTPONED_LOCK = "postponed_lock"
    JAMMED = "jammed"
    INCORRECT_PIN = "incorrect_pin"
    UNAUTHORIZED_PIN = "unauthorized_pin"
    POWER_OFF = "power_off"
    POWER_ON = "power_on"
    CALIBRATION = "calibration"
    UNCALIBRATED = "uncalibrated"
    CHARGING_STARTED = "charging_started"
    CHARGING_STOPPED = "charging_stopped"
    FIRMWARE_UPDATE = "firmware_update"
    DOOR_OPENED = "door_opened"
    DOOR_CLOSED = "door_closed"
    DOOR_OPEN_TOO_LONG = "door_open_too_long"
    DOOR_SENSOR_UNCALIBRATED = "door_sensor_uncalibrated"
    OPENED = "opened"
    OTHER = "other"


class Method(StrEnum):
    """Who or what operated the device (or where a firmware update came from)."""

    REMOTE = "remote"
    BUTTON = "button"
    AUTO = "auto"
    MANUAL = "manual"
    HOMEKIT = "homekit"
    MATTER = "matter"
    PIN = "pin"
    KEYPAD_BUTTON = "keypad_button"
    FINGERPRINT = "fingerprint"
    ACCESS_LINK = "access_link"
    BRIDGE_API = "bridge_api"
    DOOR_SENSOR = "door_sensor"
    BRIDGE = "bridge"
    MOBILE = "mobile"


# Operations move the lock (or open the gate): the "last operated by" sensor follows them.
OPERATIONS: Final = frozenset(
    {
        ActivityType.LOCKED,
        ActivityType.UNLOCKED,
        ActivityType.FORCE_UNLOCKED,
        ActivityType.PULLED,
        ActivityType.PARTIALLY_OPENED,
        ActivityType.POSTPONED_LOCK,
        ActivityType.OPENED,
    }
)
# The event types of a lock's activity entity, and of a gate's.
LOCK_ACTIVITY_TYPES: Final = tuple(t for t in ActivityType if t is not ActivityType.OPENED)
GATE_ACTIVITY_TYPES: Final = (ActivityType.OPENED, ActivityType.OTHER)

_E = ActivityEvent
_T = ActivityType
_M = Method
_k = EventKind


KINDS: Final[Mapping[ActivityEvent, EventKind[ActivityType]]] = {
    # The Tedee app or the cloud API ("remote").
    _E.LOCKED_REMOTE: _k(_T.LOCKED, _M.REMOTE),
    _E.UNLOCKED_REMOTE: _k(_T.UNLOCKED, _M.REMOTE),
    _E.PULLED_REMOTE: _k(_T.PULLED, _M.REMOTE),
    _E.PULLED_AUTO_BY_REMOTE: _k(_T.PULLED, _M.REMOTE),
    _E.PARTIALLY_OPEN_REMOTE: _k(_T.PARTIALLY_OPENED, _M.REMOTE),
    _E.LOCK_FORCE_UNLOCKED: _k(_T.FORCE_UNLOCKED, _M.REMOTE),
    # The lock's own button.
    _E.LOCKED_BUTTON: _k(_T.LOCKED, _M.BUTTON),
    _E.UNLOCKED_BUTTON: _k(_T.UNLOCKED, _M.BUTTON),
    _E.PARTIALLY_OPEN_BUTTON: _k(_T.PARTIALLY_OPENED, _M.BUTTON),
    _E.POSTPONED_LOCK: _k(_T.POSTPONED_LOCK, _M.BUTTON),
    # Automatically (auto lock, auto unlock).
    _E.LOCKED_AUTO: _k(_T.LOCKED, _M.AUTO),
    _E.UNLOCKED_AUTO: _k(_T.UNLOCKED, _M.AUTO),
    _E.PULLED_AUTO: _k(_T.PULLED, _M.AUTO),
    _E.PARTIALLY_OPEN_AUTO: _k(_T.PARTIALLY_OPENED, _M.AUTO),
    _E.LOCK_PULLED_BY_AUTO_UNLOCK: _k(_T.PULLED, _M.AUTO),
    # By hand (the knob turned).
    _E.LOCKED_MANUAL: _k(_T.LOCKED, _M.MANUAL),
    _E.UNLOCKED_MANUAL: _k(_T.UNLOCKED, _M.MANUAL),
    _E.PULLED_MANUAL: _k(_T.PULLED, _M.MANUAL),
    _E.PARTIALLY_OPEN_MANUAL: _k(_T.PARTIALLY_OPENED, _M.MANUAL),
    # HomeKit.
    _E.LOCKED_HOMEKIT: _k(_T.LOCKED, _M.HOMEKIT),
    _E.UNLOCKED_HOMEKIT: _k(_T.UNLOCKED, _M.HOMEKIT),
    _E.PULLED_HOMEKIT: _k(_T.PULLED, _M.HOMEKIT),
    _E.PARTIALLY_OPEN_HOMEKIT: _k(_T.PARTIALLY_OPENED, _M.HOMEKIT),
    # Matter.
    _E.LOCK_LOCKED_BY_MATTER: _k(_T.LOCKED, _M.MATTER),
    _E.LOCK_UNLOCKED_BY_MATTER: _k(_T.UNLOCKED, _M.MATTER),
    _E.LOCK_PULL_SPRING_BY_MATTER: _k(_T.PULLED, _M.MATTER),
    _E.LOCK_PULL_SPRING_AUTO_BY_MATTER: _k(_T.PULLED, _M.MATTER),
    _E.LOCK_PARTIALLY_OPEN_BY_MATTER: _k(_T.PARTIALLY_OPENED, _M.MATTER),
    _E.LOCK_FORCE_UNLOCKED_BY_MATTER: _k(_T.FORCE_UNLOCKED, _M.MATTER),
    # The keypad: a PIN, or its lock button without a PIN.
    _E.LOCKED_BY_KEYPAD_WITH_PIN: _k(_T.LOCKED, _M.PIN),
    _E.UNLOCK_BY_PIN: _k(_T.UNLOCKED, _M.PIN),
    _E.PULL_SPRING_BY_PIN: _k(_T.PULLED, _M.PIN),
    _E.PULLED_AUTO_BY_PIN: _k(_T.PULLED, _M.PIN),
    _E.PARTIALLY_OPEN_BY_PIN: _k(_T.PARTIALLY_OPENED, _M.PIN),
    _E.LOCK_FORCE_UNLOCKED_BY_PIN: _k(_T.FORCE_UNLOCKED, _M.PIN),
    _E.INCORRECT_PIN: _k(_T.INCORRECT_PIN, _M.PIN),
    _E.UNAUTHORIZED_PIN: _k(_T.UNAUTHORIZED_PIN, _M.PIN),
    _E.LOCKED_BY_KEYPAD_WITHOUT_PIN: _k(_T.LOCKED, _M.KEYPAD_BUTTON),
    # The keypad's fingerprint reader (Keypad PRO).
    _E.UNLOCKED_BY_FINGERPRINT: _k(_T.UNLOCKED, _M.FINGERPRINT),
    _E.PULLED_BY_FINGERPRINT: _k(_T.PULLED, _M.FINGERPRINT),
    _E.PULLED_AUTO_BY_FINGERPRINT: _k(_T.PULLED, _M.FINGERPRINT),
    _E.PARTIALLY_OPEN_BY_FINGERPRINT: _k(_T.PARTIALLY_OPENED, _M.FINGERPRINT),
    _E.FORCE_UNLOCKED_BY_FINGERPRINT: _k(_T.FORCE_UNLOCKED, _M.FINGERPRINT),
    # Access links (a link sent to a guest).
    _E.LOCKED_BY_ACCESS_LINK: _k(_T.LOCKED, _M.ACCESS_LINK),
    _E.UNLOCKED_BY_ACCESS_LINK: _k(_T.UNLOCKED, _M.ACCESS_LINK),
    _E.PULLED_BY_ACCESS_LINK: _k(_T.PULLED, _M.ACCESS_LINK),
    _E.PULLED_AUTO_BY_ACCESS_LINK: _k(_T.PULLED, _M.ACCESS_LINK),
    _E.PARTIALLY_OPEN_BY_ACCESS_LINK: _k(_T.PARTIALLY_OPENED, _M.ACCESS_LINK),
    # The bridge's local API.
    _E.LOCKED_BY_BRIDGE_API: _k(_T.LOCKED, _M.BRIDGE_API),
    _E.UNLOCKED_BY_BRIDGE_API: _k(_T.UNLOCKED, _M.BRIDGE_API),
    _E.PULLED_BY_BRIDGE_API: _k(_T.PULLED, _M.BRIDGE_API),
    _E.PULLED_AUTO_BY_BRIDGE_API: _k(_T.PULLED, _M.BRIDGE_API),
    _E.PARTIALLY_OPEN_BY_BRIDGE_API: _k(_T.PARTIALLY_OPENED, _M.BRIDGE_API),
    # The paired door sensor.
    _E.DOOR_OPENED: _k(_T.DOOR_OPENED, _M.DOOR_SENSOR),
    _E.DOOR_CLOSED: _k(_T.DOOR_CLOSED, _M.DOOR_SENSOR),
    _E.DOOR_OPEN_TOO_LONG: _k(_T.DOOR_OPEN_TOO_LONG, _M.DOOR_SENSOR),
    _E.DOOR_SENSOR_UNCALIBRATED: _k(_T.DOOR_SENSOR_UNCALIBRATED, _M.DOOR_SENSOR),
    # The lock itself: jams, power, calibration, battery, firmware.
    _E.JAMMED: _k(_T.JAMMED),
    _E.POWER_OFF: _k(_T.POWER_OFF),
    _E.POWER_ON: _k(_T.POWER_ON),
    _E.CALIBRATION: _k(_T.CALIBRATION),
    _E.LOCK_UNCALIBRATED: _k(_T.UNCALIBRATED),
    _E.BATTERY_CHARGING: _k(_T.CHARGING_STARTED),
    _E.BATTERY_STOP_CHARGING: _k(_T.CHARGING_STOPPED),
    _E.FIRMWARE_UPDATE_BY_BRIDGE: _k(_T.FIRMWARE_UPDATE, _M.BRIDGE),
    _E.FIRMWARE_UPDATE_BY_MOBILE: _k(_T.FIRMWARE_UPDATE, _M.MOBILE),
    # Gates (read with the gate's id as the device).
    _E.GATE_UNLOCKED_BY_REMOTE: _k(_T.OPENED, _M.REMOTE),
    _E.GATE_UNLOCKED_BY_ACCESS_LINK: _k(_T.OPENED, _M.ACCESS_LINK),
}

_OTHER: Final = EventKind(ActivityType.OTHER)


def kind_of(event: ActivityEvent) -> EventKind[ActivityType]:
    """Return what an activity code means (`other` for codes the docs do not list)."""
    return KINDS.get(event, _OTHER)
