"""The logbook: one line per happening, the event entity's own, read through HA's logbook API.

Home Assistant logs every state change of an event entity and cannot be told not to; since
2026.10 its logbook hands the frontend the entity's `event_type` with that line, and the
frontend shows the entity's name (device and entity: "Front door Activity") with the event
type's translation ("Unlocked"). That line is the happening's only one: Door Access writes no
second line of its own (until issue 16 it described its `door_access_activity` bus event as a
sentence; the bus event stays, for automations, and nothing describes it).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.logbook.const import DOMAIN as LOGBOOK_DOMAIN
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.door_access.const import DOMAIN

from .activity_helpers import FiredEvents
from .conftest import Simulator
from .helpers import TEDEE_POLL, advance, setup_entry, state_of

FRONT_DOOR_ACTIVITY = "event.front_door_activity"
BACK_OFFICE_EVENTS = "event.head_office_back_office_access_events"
KEYPAD_UNLOCK = 61  # Tedee: unlocked with a PIN at the keypad


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """Start the recorder before Home Assistant: the logbook needs it."""


async def _logbook(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, since: datetime
) -> list[dict[str, Any]]:
    """Return every logbook row since `since`, through HA's REST logbook API (as the UI does)."""
    await async_wait_recording_done(hass)
    client = await hass_client()
    end = dt_util.utcnow() + timedelta(seconds=1)
    response = await client.get(
        f"/api/logbook/{since.isoformat()}", params={"end_time": end.isoformat()}
    )
    assert response.status == 200
    rows: list[dict[str, Any]] = await response.json()
    # No row is written by Door Access itself (a described bus event): only state changes.
    assert [row for row in rows if row.get("domain") == DOMAIN] == []
    return rows


async def _event_type_names(hass: HomeAssistant, language: str, key: str) -> dict[str, str]:
    """Return the translated event types of an event entity, as the frontend shows them."""
    strings = await async_get_translations(hass, language, "entity", {DOMAIN})
    prefix = f"component.{DOMAIN}.entity.event.{key}.state_attributes.event_type.state."
    return {k.removeprefix(prefix): v for k, v in strings.items() if k.startswith(prefix)}


# The line of a keypad unlock by Anna, in each language Door Access ships: the entity's name
# (the device's, then the entity's) and its translated event type.
KEYPAD_UNLOCK_LINES = {
    "en": ("Front door Activity", "Unlocked"),
    "de": ("Front door Aktivität", "Entriegelt"),
    "pl": ("Front door Aktywność", "Odblokowano"),
}


@pytest.mark.parametrize("language", sorted(KEYPAD_UNLOCK_LINES))
async def test_a_keypad_unlock_is_one_logbook_line(  # noqa: PLR0917 - fixtures and language
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    language: str,
) -> None:
    """Anna unlocks the front door at the keypad: exactly one logbook line for it.

    The line is the activity entity's; it names the door and says what happened in the
    user's language. Who and how are the entity's attributes (and automations' data). The
    lock's own state change (locked → unlocked) is the lock's line, as for any lock.
    """
    hass.config.language = language
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})
    fired = FiredEvents(hass)
    assert await setup_entry(hass, mock_config_entry)
    await advance(hass, freezer, 1)
    since = dt_util.utcnow()
    await simulator.control(
        "POST", "tedee/locks/1001/activity", {"event": KEYPAD_UNLOCK, "username": "Anna"}
    )
    await advance(hass, freezer, TEDEE_POLL)

    # The entity id follows the language the entity was first named in.
    activity = er.async_get(hass).async_get_entity_id("event", DOMAIN, "tedee-1001-activity")
    assert activity is not None
    rows = await _logbook(hass, hass_client, since)
    lines = [row for row in rows if row.get("entity_id") == activity]
    assert len(lines) == 1
    [line] = lines
    assert line["attributes"] == {"event_type": "unlocked"}
    name, event_type = KEYPAD_UNLOCK_LINES[language]
    assert line["name"] == name
    assert (await _event_type_names(hass, language, "lock_activity"))["unlocked"] == event_type
    # Nothing else in the logbook but the lock's own state: one line for the happening.
    assert [(row["entity_id"], row.get("state")) for row in rows if row is not line] == [
        ("lock.front_door", "unlocked")
    ]
    # Who and how: on the entity that fired.
    state = hass.states.get(activity)
    assert state is not None
    assert (state.attributes["user"], state.attributes["method"]) == ("Anna", "pin")
    # The bus event for automations: once, with what the entity has, and no logbook line.
    [announced] = fired.bus
    assert announced["entity_id"] == activity
    assert announced["name"] == "Front door"
    assert (announced["event_type"], announced["user"], announced["method"]) == (
        "unlocked",
        "Anna",
        "pin",
    )
    assert announced["code"] == KEYPAD_UNLOCK
    assert not {"sentence", "pieces", "values"} & announced.keys()


async def test_each_door_event_is_one_line_in_order(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    doorflow_config_entry: MockConfigEntry,
) -> None:
    """Six door events read in one poll: six lines of the door's event entity, in order."""
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})
    fired = FiredEvents(hass)
    assert await setup_entry(hass, doorflow_config_entry)
    await simulator.control("POST", "doorflow/config", {"door_alarm_clear_after": None})
    since = dt_util.utcnow()
    for happening in (
        {"kind": "card_admit", "person": "Anna"},
        {"kind": "rex"},
        {"kind": "denied", "reason": "out_of_hours", "person": "Ben"},
        {"kind": "forced"},
        {"event_code": 71, "person": "Ben"},
        {"event_code": 35, "label": "Door alarm"},
    ):
        await simulator.control("POST", "doorflow/channels/1202/event", happening)
    await advance(hass, freezer, 30)

    expected = [
        "access_granted",
        "access_granted",
        "access_denied",
        "door_forced_open",
        "access_denied",
        "door_alarm",
    ]
    assert fired.types(BACK_OFFICE_EVENTS) == expected
    assert [data["event_type"] for data in fired.bus] == expected
    rows = await _logbook(hass, hass_client, since)
    lines = [row for row in rows if row.get("entity_id") == BACK_OFFICE_EVENTS]
    assert [line["attributes"]["event_type"] for line in lines] == expected
    assert {line["name"] for line in lines} == {"Back office Access events"}
    names = await _event_type_names(hass, "en", "door_events")
    assert [names[event_type] for event_type in expected] == [
        "Access granted",
        "Access granted",
        "Access denied",
        "Door forced open",
        "Access denied",
        "Door state or alarm",
    ]


async def test_first_setup_fills_last_operated_by_without_an_event(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
) -> None:
    """A first setup shows who last operated each lock, from the cloud's newest activity.

    That history is not news: no event entity fires, no logbook line is written, and the
    event entity stays empty until its first happening.
    """
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})
    since = dt_util.utcnow()
    mock_config_entry.add_to_hass(hass)
    registry = er.async_get(hass)
    for lock_id, object_id in ((1001, "front_door"), (1002, "back_door")):
        registry.async_get_or_create(
            "sensor",
            DOMAIN,
            f"tedee-{lock_id}-last_operated_by",
            config_entry=mock_config_entry,
            suggested_object_id=f"{object_id}_last_operated_by",
        )
    fired = FiredEvents(hass)
    assert await setup_entry(hass, mock_config_entry)

    # The scenario's front door was last locked by Ben, from the app, half an hour ago.
    last = hass.states.get("sensor.front_door_last_operated_by")
    assert last is not None
    assert last.state == "Ben"
    assert (last.attributes["event_type"], last.attributes["method"]) == ("locked", "remote")
    # The back door's history names nobody (button, manual, auto): nothing to show.
    assert state_of(hass, "sensor.back_door_last_operated_by") == STATE_UNKNOWN
    assert fired.fired == []
    assert state_of(hass, FRONT_DOOR_ACTIVITY) == STATE_UNKNOWN
    rows = await _logbook(hass, hass_client, since)
    assert [row for row in rows if str(row.get("entity_id")).startswith("event.")] == []
