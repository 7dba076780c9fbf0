"""Every activity code Tedee documents has a kind, a method and words in en, de and pl.

The codes, their names and what each one is come from the stored copy of Tedee's enum page
(`tests/contracts/tedee/enums/event-type.rst`), not from the integration's own tables.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.door_access.api import Activity, ActivityEvent
from custom_components.door_access.tedee.activity_kinds import (
    GATE_ACTIVITY_TYPES,
    LOCK_ACTIVITY_TYPES,
    OPERATIONS,
    ActivityType,
    Method,
    kind_of,
)
from custom_components.door_access.tedee.event import activity_happening

from .contracts.tedee_docs import camel_to_member, enum

DOCUMENTED = enum("event-type")
TRANSLATIONS = Path(__file__).parents[1] / "custom_components" / "door_access" / "translations"
LANGUAGES = ("en", "de", "pl")
# What a documented name says about who or what did it, most specific first.
METHOD_HINTS = (
    ("WithoutPin", Method.KEYPAD_BUTTON),
    ("Fingerprint", Method.FINGERPRINT),
    ("Matter", Method.MATTER),
    ("HomeKit", Method.HOMEKIT),
    ("AccessLink", Method.ACCESS_LINK),
    ("BridgeApi", Method.BRIDGE_API),
    ("Pin", Method.PIN),
    ("Remote", Method.REMOTE),
    ("Button", Method.BUTTON),
    ("Manual", Method.MANUAL),
    ("Auto", Method.AUTO),
    ("Door", Method.DOOR_SENSOR),
    ("Bridge", Method.BRIDGE),
    ("Mobile", Method.MOBILE),
)
# Names without a hint: the enum page's description says it (button held; the app's option).
METHOD_BY_DESCRIPTION = {"PostponedLock": Method.BUTTON, "LockForceUnlocked": Method.REMOTE}
# A documented name that moves the lock or opens the gate is an operation.
OPERATION_WORDS = ("Locked", "Unlock", "Pull", "PartiallyOpen", "PostponedLock")


def _translations(language: str) -> dict[str, Any]:
    return json.loads((TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8"))


def _activity(code: int, username: str | None = "Anna") -> Activity:
    return Activity.from_json(
        {
            "id": 1,
            "deviceId": 7,
            "event": code,
            "source": 0,
            "date": "2026-12-01T10:00:00.000",
            "userName": username,
        }
    )


def test_the_stored_page_lists_the_68_codes() -> None:
    assert len(DOCUMENTED) == 68
    assert {44, 45} & DOCUMENTED.keys() == set()
    assert {65, 66, 67, 68, 75, 77, 78, 83, 86, 87, 88, 93, 226, 235, 10000, 10001} <= set(
        DOCUMENTED
    )


def test_the_client_names_exactly_the_documented_codes() -> None:
    members = {member.value: member.name for member in ActivityEvent}
    members.pop(-1)
    assert set(members) == set(DOCUMENTED)
    for code, name in DOCUMENTED.items():
        assert members[code].replace("_", "") == camel_to_member(name), code


@pytest.mark.parametrize(("code", "name"), sorted(DOCUMENTED.items()))
def test_every_documented_code_has_a_kind_and_a_method(code: int, name: str) -> None:
    kind = kind_of(ActivityEvent(code))
    assert kind.event_type is not ActivityType.OTHER
    hinted = next((method for hint, method in METHOD_HINTS if hint in name), None)
    assert kind.method is METHOD_BY_DESCRIPTION.get(name, hinted)
    is_operation = any(word in name for word in OPERATION_WORDS)
    assert (kind.event_type in OPERATIONS) is is_operation
    assert (kind.event_type is ActivityType.OPENED) is name.startswith("Gate")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("code", "name"), sorted(DOCUMENTED.items()))
def test_every_documented_code_is_translated(code: int, name: str, language: str) -> None:
    """Its event type (the logbook line's words) and method in both entities."""
    strings = _translations(language)
    kind = kind_of(ActivityEvent(code))
    entity = "gate_activity" if kind.event_type in GATE_ACTIVITY_TYPES else "lock_activity"
    activity_entity = strings["entity"]["event"][entity]["state_attributes"]
    assert activity_entity["event_type"]["state"][kind.event_type.value]
    if kind.method is not None:
        assert activity_entity["method"]["state"][kind.method.value]
    if kind.event_type in OPERATIONS - {ActivityType.OPENED}:
        last_operated = strings["entity"]["sensor"]["last_operated_by"]["state_attributes"]
        assert last_operated["event_type"]["state"][kind.event_type.value]
        if kind.method is not None:
            assert last_operated["method"]["state"][kind.method.value]
    types = GATE_ACTIVITY_TYPES if entity == "gate_activity" else LOCK_ACTIVITY_TYPES
    for username in ("Anna", None):
        happening = activity_happening(_activity(code, username), types)
        assert happening.event_type == kind.event_type.value
        assert happening.attributes.get("method") == (kind.method and kind.method.value)
        assert happening.attributes.get("user") == username


def test_operations_name_who_and_how() -> None:
    """A keypad unlock is `unlocked`, by Anna, with a PIN (the entity's attributes)."""
    happening = activity_happening(_activity(61))
    assert happening.event_type == "unlocked"
    assert happening.attributes["user"] == "Anna"
    assert happening.attributes["method"] == "pin"
    fingerprint = activity_happening(_activity(78))
    assert fingerprint.event_type == "force_unlocked"
    assert fingerprint.attributes["method"] == "fingerprint"
    door = activity_happening(_activity(83, None))
    assert door.event_type == "door_opened"
    assert "user" not in door.attributes


@pytest.mark.parametrize("code", [44, 45, 82, 94, 236, 9999, 10002, -3])
def test_unknown_codes_stay_other_with_their_number(code: int) -> None:
    activity = _activity(code)
    assert activity.event is ActivityEvent.UNRECOGNIZED
    happening = activity_happening(activity)
    assert happening.event_type == "other"
    assert happening.attributes["code"] == code


def test_gate_codes_are_the_gate_entity_types() -> None:
    gate_codes = {code for code, name in DOCUMENTED.items() if name.startswith("Gate")}
    assert gate_codes == {10000, 10001}
    assert {kind_of(ActivityEvent(code)).event_type for code in gate_codes} == {ActivityType.OPENED}
    assert set(GATE_ACTIVITY_TYPES) == {ActivityType.OPENED, ActivityType.OTHER}
    assert _activity(10000).date == datetime(2026, 12, 1, 10, tzinfo=UTC)
    # A lock's code on a gate's entity (and a gate's on a lock's) fires `other`.
    assert activity_happening(_activity(33), GATE_ACTIVITY_TYPES).event_type == "other"
    assert activity_happening(_activity(10001)).event_type == "other"
    opened = activity_happening(_activity(10001, "Courier"), GATE_ACTIVITY_TYPES)
    assert opened.event_type == "opened"
    assert (opened.attributes["user"], opened.attributes["method"]) == ("Courier", "access_link")
