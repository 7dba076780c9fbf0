"""Tedee device activity: the account's users, the event codes and each device's activity log."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

# Activity `source` (Tedee enum "Activity source").
SOURCE_DEVICE, SOURCE_MOBILE = 0, 1

# Every documented event code, by its Tedee name (enum "Event type", as of 2026-05; 44 and 45
# were dropped from the list in 2023 and are logged like any unknown code).
EVENT_NAMES: dict[int, str] = {
    32: "LockedRemote",
    33: "UnlockedRemote",
    34: "LockedButton",
    35: "UnlockedButton",
    36: "LockedAuto",
    37: "UnlockedAuto",
    38: "LockedManual",
    39: "UnlockedManual",
    40: "Jammed",
    41: "PowerOff",
    42: "PowerOn",
    43: "Calibration",
    46: "BatteryCharging",
    47: "PartiallyOpenManual",
    48: "PartiallyOpenButton",
    49: "PartiallyOpenAuto",
    50: "BatteryStopCharging",
    51: "PulledRemote",
    52: "PulledAuto",
    53: "PulledManual",
    54: "PartiallyOpenRemote",
    55: "PulledAutoByRemote",
    56: "PostponedLock",
    57: "UnlockedHomeKit",
    58: "PartiallyOpenHomeKit",
    59: "LockedHomeKit",
    60: "PulledHomeKit",
    61: "UnlockByPin",
    62: "IncorrectPin",
    63: "PullSpringByPin",
    64: "PartiallyOpenByPin",
    65: "LockedByKeypadWithPin",
    66: "LockedByKeypadWithoutPin",
    67: "LockForceUnlocked",
    68: "LockForceUnlockedByPin",
    74: "LockUncalibrated",
    75: "UnauthorizedPin",
    76: "PulledAutoByPin",
    77: "UnlockedByFingerprint",
    78: "ForceUnlockedByFingerprint",
    79: "PartiallyOpenByFingerprint",
    80: "PulledByFingerprint",
    81: "PulledAutoByFingerprint",
    83: "DoorOpened",
    84: "DoorClosed",
    85: "DoorSensorUncalibrated",
    86: "DoorOpenTooLong",
    87: "LockPulledByAutoUnlock",
    88: "LockUnlockedByMatter",
    89: "LockPartiallyOpenByMatter",
    90: "LockLockedByMatter",
    91: "LockPullSpringByMatter",
    92: "LockPullSpringAutoByMatter",
    93: "LockForceUnlockedByMatter",
    224: "FirmwareUpdateByBridge",
    225: "FirmwareUpdateByMobile",
    226: "LockedByAccessLink",
    227: "LockedByBridgeApi",
    228: "UnlockedByAccessLink",
    229: "UnlockedByBridgeApi",
    230: "PulledByAccessLink",
    231: "PulledByBridgeApi",
    232: "PartiallyOpenByAccessLink",
    233: "PartiallyOpenByBridgeApi",
    234: "PulledAutoByAccessLink",
    235: "PulledAutoByBridgeApi",
    10000: "GateUnlockedByRemote",
    10001: "GateUnlockedByAccessLink",
}
# Short names accepted by the control API besides the Tedee names and the codes.
EVENT_ALIASES: dict[str, int] = {
    "locked_remote": 32,
    "unlocked_remote": 33,
    "button_lock": 34,
    "button_unlock": 35,
    "auto_lock": 36,
    "auto_unlock": 37,
    "manual_lock": 38,
    "manual_unlock": 39,
    "jammed": 40,
    "power_off": 41,
    "power_on": 42,
    "calibration": 43,
    "charging_started": 46,
    "manual_partially_open": 47,
    "charging_stopped": 50,
    "pulled_remote": 51,
    "auto_pull": 52,
    "manual_pull": 53,
    "postponed_lock": 56,
    "homekit_unlock": 57,
    "homekit_lock": 59,
    "homekit_pull": 60,
    "pin_unlock": 61,
    "wrong_pin": 62,
    "incorrect_pin": 62,
    "pin_pull": 63,
    "pin_partially_open": 64,
    "keypad_pin_lock": 65,
    "keypad_button_lock": 66,
    "force_unlock": 67,
    "pin_force_unlock": 68,
    "uncalibrated": 74,
    "unauthorized_pin": 75,
    "pin_auto_pull": 76,
    "fingerprint_unlock": 77,
    "fingerprint_force_unlock": 78,
    "fingerprint_partially_open": 79,
    "fingerprint_pull": 80,
    "fingerprint_auto_pull": 81,
    "door_opened": 83,
    "door_closed": 84,
    "door_sensor_uncalibrated": 85,
    "door_open_too_long": 86,
    "auto_unlock_pull": 87,
    "matter_unlock": 88,
    "matter_partially_open": 89,
    "matter_lock": 90,
    "matter_pull": 91,
    "matter_auto_pull": 92,
    "matter_force_unlock": 93,
    "firmware_update_bridge": 224,
    "firmware_update_mobile": 225,
    "access_link_lock": 226,
    "bridge_api_lock": 227,
    "access_link_unlock": 228,
    "bridge_api_unlock": 229,
    "access_link_pull": 230,
    "bridge_api_pull": 231,
    "access_link_partially_open": 232,
    "bridge_api_partially_open": 233,
    "access_link_auto_pull": 234,
    "bridge_api_auto_pull": 235,
    "gate_remote": 10000,
    "gate_access_link": 10001,
}
# What an event does to the lock it is logged on (codes not listed only log).
LOCKED_EVENTS = frozenset({32, 34, 36, 38, 56, 59, 65, 66, 90, 226, 227})
UNLOCKED_EVENTS = frozenset({33, 35, 37, 39, 57, 61, 67, 68, 77, 78, 88, 93, 228, 229})
PULLED_EVENTS = frozenset({51, 52, 53, 55, 60, 63, 76, 80, 81, 87, 91, 92, 230, 231, 234, 235})
PARTIALLY_OPEN_EVENTS = frozenset({47, 48, 49, 54, 58, 64, 79, 89, 232, 233})
CHARGING_STARTED, CHARGING_STOPPED, JAMMED = 46, 50, 40
EVENT_DOOR_OPENED, EVENT_DOOR_CLOSED = 83, 84
# Gate activity (logged on the gate's id): opened from the app or API, or by an access link.
GATE_OPENED_REMOTE, GATE_OPENED_BY_ACCESS_LINK = 10000, 10001
GATE_EVENTS = frozenset({GATE_OPENED_REMOTE, GATE_OPENED_BY_ACCESS_LINK})
# Events sent by an app, the cloud API or an access link (source Mobile); the rest come from
# the device (its button, the keypad, HomeKit or Matter through the bridge, the bridge's API).
MOBILE_EVENTS = frozenset(
    {32, 33, 51, 52, 54, 55, 57, 58, 59, 60, 67, 225, 226, 228, 230, 232, 234, *GATE_EVENTS}
)
# How an activity item names its user: the docs' data-structure table says `userName`, their
# examples `username`; "alternate" answers the one by odd ids and the other by even ids.
USER_FIELDS = ("userName", "username", "alternate")
ONE_MS = timedelta(milliseconds=1)


class ActivityError(ValueError):
    """An activity description the control API cannot accept."""


def event_code(value: object) -> int:
    """Turn a code, a Tedee event name or an alias into an event code (unknown codes pass)."""
    if isinstance(value, bool):
        raise ActivityError("event must be a code or a name")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return int(text)
        by_name = {name.lower(): code for code, name in EVENT_NAMES.items()}
        code = EVENT_ALIASES.get(text.lower(), by_name.get(text.lower()))
        if code is not None:
            return code
    raise ActivityError(f"unknown event {value!r}: give a code or one of {sorted(EVENT_ALIASES)}")


def user_field(value: object) -> str:
    """Check how activity items name their user (one of `USER_FIELDS`)."""
    if value not in USER_FIELDS:
        raise ActivityError(f"activity_user_field must be one of {list(USER_FIELDS)}")
    return str(value)


def naive_ms(value: datetime) -> str:
    """Format like Tedee's activity dates: naive UTC with milliseconds (``...T13:59:26.212``)."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}"


def to_ms(value: datetime) -> datetime:
    """Truncate a date to whole milliseconds (the precision the API shows)."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


@dataclass
class TedeeUser:
    """A user of the Tedee account (owner or one the locks are shared with)."""

    id: int
    name: str
    email: str
    organization_user_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the ``GET /my/user`` model."""
        return {"id": self.id, "email": self.email, "name": self.name}


@dataclass
class Activity:
    """One entry of a device's activity log."""

    id: int
    device_id: int
    event: int
    source: int
    date: datetime
    user: TedeeUser | None = None
    # Fields shown instead of the real ones (an item made malformed by the control API).
    override: dict[str, Any] = field(default_factory=dict)

    def to_json(self, user_field: str = "userName") -> dict[str, Any]:
        """Return the item as ``GET /my/deviceactivity`` shows it (the docs' fields only).

        ``user_field`` is one of `USER_FIELDS`; the user's id and name are null when unknown.
        Fields the control API overrode (a malformed item) show as given.
        """
        return {**self._fields(user_field), **self.override}

    def _fields(self, user_field: str) -> dict[str, Any]:
        """Return the item's own fields."""
        user = self.user
        if user_field == "alternate":
            user_field = USER_FIELDS[self.id % 2 == 0]
        return {
            "id": self.id,
            "deviceId": self.device_id,
            "userId": user.id if user else None,
            user_field: user.name if user else None,
            "event": self.event,
            "source": self.source,
            "date": naive_ms(self.date),
        }


class ActivityLog:
    """Every device's activity in date order (each logged 1 ms after the one before)."""

    def __init__(self) -> None:
        self._by_device: dict[int, list[Activity]] = {}
        # The date of each device's last activity logged by its clock (not redated).
        self._last_logged: dict[int, datetime] = {}
        self._next_id = 1

    def add(
        self,
        device_id: int,
        event: int,
        when: datetime,
        *,
        user: TedeeUser | None = None,
        source: int | None = None,
    ) -> Activity:
        """Log one activity; a date not after the device's last one moves 1 ms past it.

        Items the control API dated on purpose (``redate``) are not "the last one": a lock
        logs on by its clock whatever date a wrong clock once gave.
        """
        items = self._by_device.setdefault(device_id, [])
        date = to_ms(when)
        last = self._last_logged.get(device_id)
        if last is not None and date <= last:
            date = last + ONE_MS
        self._last_logged[device_id] = date
        if source is None:
            source = SOURCE_MOBILE if event in MOBILE_EVENTS else SOURCE_DEVICE
        activity = Activity(self._next_id, device_id, event, source, date, user)
        self._next_id += 1
        bisect.insort(items, activity, key=lambda item: item.date)
        return activity

    def get(self, activity_id: int) -> Activity | None:
        """Return one activity by id."""
        for items in self._by_device.values():
            for item in items:
                if item.id == activity_id:
                    return item
        return None

    def redate(self, activity: Activity, when: datetime) -> None:
        """Date an activity as given (a late upload, a wrong clock): the log stays in order."""
        items = self._by_device[activity.device_id]
        items.remove(activity)
        activity.date = to_ms(when)
        bisect.insort(items, activity, key=lambda item: item.date)

    def of(self, device_id: int) -> list[Activity]:
        """Return a device's activity, oldest first."""
        return list(self._by_device.get(device_id, []))

    def forget(self, device_id: int) -> None:
        """Drop a removed device's activity."""
        self._by_device.pop(device_id, None)
        self._last_logged.pop(device_id, None)

    def query(
        self,
        device_id: int,
        *,
        elements: int,
        before: datetime | None = None,
        only_user: int | None = None,
    ) -> list[Activity]:
        """Newest first: at most ``elements`` items strictly older than ``before``.

        ``only_user`` (a guest's user id) keeps that user's activity and author-less activity.
        """
        result: list[Activity] = []
        for item in reversed(self._by_device.get(device_id, [])):
            if before is not None and item.date >= before:
                continue
            if only_user is not None and item.user is not None and item.user.id != only_user:
                continue
            result.append(item)
            if len(result) >= elements:
                break
        return result

    def recent(self, limit: int) -> list[Activity]:
        """Return the newest ``limit`` activities of all devices, newest first."""
        everything = [item for items in self._by_device.values() for item in items]
        everything.sort(key=lambda a: (a.date, a.id), reverse=True)
        return everything[:limit]

    def count(self) -> int:
        """Return how many activities are logged."""
        return sum(len(items) for items in self._by_device.values())
