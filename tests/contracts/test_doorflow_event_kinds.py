"""Every group of event codes DoorFlow publishes has a kind in Door Access (not `other`).

The groups are read from the `event_codes` parameter of `GET /api/3/events` in the stored
openapi.yaml; remote control (50-63) is published in DoorFlow's event code list, not there.
"""

from __future__ import annotations

import re

import pytest

from custom_components.door_access.doorflow.event_kinds import (
    DoorEventType,
    door_kind_of,
)

from .doorflow_openapi import document


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """These tests need no Home Assistant (overrides the top-level autouse fixture)."""
    return


def published_groups() -> dict[str, list[int]]:
    """Return the code groups the `event_codes` parameter describes, by their name."""
    parameters = document()["paths"]["/api/3/events"]["get"]["parameters"]
    text = next(p for p in parameters if p["name"] == "event_codes")["description"]
    groups: dict[str, list[int]] = {}
    for name, listed in re.findall(r"([A-Za-z -]+?) codes \(([\d, -]+)\)", " ".join(text.split())):
        codes: list[int] = []
        for part in listed.split(","):
            low, _, high = part.strip().partition("-")
            codes.extend(range(int(low), int(high or low) + 1))
        groups[name.strip().removeprefix("and ").strip()] = codes
    return groups


# The type each published group is shown as (admits and rejects by method or reason).
EXPECTED = {
    "admit": {DoorEventType.ACCESS_GRANTED},
    "reject": {DoorEventType.ACCESS_DENIED},
    "channel status": {DoorEventType.CHANNEL_STATUS},
    "auto-unlock": {DoorEventType.AUTO_UNLOCK},
    "tamper": {DoorEventType.TAMPER, DoorEventType.TAMPER_CLEARED},
    "door alarm": {
        DoorEventType.DOOR_ALARM,
        DoorEventType.DOOR_FORCED_OPEN,
        DoorEventType.DOOR_HELD_OPEN,
        DoorEventType.DOOR_BACK_TO_NORMAL,
    },
    "REX": {DoorEventType.REQUEST_TO_EXIT},
    "sync": {DoorEventType.CHANNEL_SYNC},
    "LDAP sync": {DoorEventType.DIRECTORY_SYNC},
}


def test_every_published_group_has_its_kind() -> None:
    groups = published_groups()
    assert set(groups) == set(EXPECTED), groups
    assert 70 in groups["admit"]
    assert {71, 72, 73} <= set(groups["reject"])
    for name, codes in groups.items():
        for code in codes:
            assert door_kind_of(code).event_type in EXPECTED[name], (name, code)


def test_multi_factor_admits_and_rejects() -> None:
    assert door_kind_of(70).event_type is DoorEventType.ACCESS_GRANTED
    assert door_kind_of(70).method == "multi_factor"
    for code in (71, 72, 73):
        assert door_kind_of(code).event_type is DoorEventType.ACCESS_DENIED
        assert door_kind_of(code).reason == "multi_factor"


def test_remote_control_and_unknown_codes() -> None:
    assert {door_kind_of(code).event_type for code in range(50, 64)} == {
        DoorEventType.REMOTE_CONTROL
    }
    for code in (0, 4, 19, 38, 64, 74, 99, 108, 221, 226, 999, -1):
        assert door_kind_of(code).event_type is DoorEventType.OTHER, code
