"""The logbook shows each activity as a sentence: "Front door unlocked by Anna with a PIN"."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.logbook.const import DOMAIN as LOGBOOK_DOMAIN
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.const import DOMAIN
from custom_components.door_access.event import EVENT_DOOR_ACCESS_ACTIVITY
from custom_components.door_access.logbook import describe_activity

from .activity_helpers import FiredEvents
from .conftest import Simulator
from .helpers import TEDEE_POLL, advance, setup_entry, state_of


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_mock: Any, enable_custom_integrations: None) -> None:
    """Start the recorder before Home Assistant: the logbook needs it."""


def _sentences(hass: HomeAssistant, fired: FiredEvents) -> list[tuple[str, str]]:
    """Return (name, message) of the logbook lines the logbook describes for our events.

    The logbook's own registry of describers is used: the integration's logbook platform,
    as Home Assistant loaded it.
    """
    config = hass.data[LOGBOOK_DOMAIN]
    domain, describe = config.external_events[EVENT_DOOR_ACCESS_ACTIVITY]
    assert domain == DOMAIN
    lines = [describe(Event(EVENT_DOOR_ACCESS_ACTIVITY, data)) for data in fired.bus]
    return [(line["name"], line["message"]) for line in lines]


# What the logbook says after the lock's name, in each language Door Access ships.
TEDEE_SENTENCES = {
    "en": [
        "unlocked by Anna with a PIN",
        "locked with the button",
        "rejected an incorrect PIN",
        "reported activity code 4242",
        "updated its firmware through the bridge",
    ],
    "de": [
        "wurde von Anna mit einer PIN entriegelt",
        "wurde mit der Taste verriegelt",
        "hat eine falsche PIN abgewiesen",
        "hat den Aktivitätscode 4242 gemeldet",
        "hat die Firmware über die Bridge aktualisiert",
    ],
    "pl": [
        "odblokowano kodem PIN (użytkownik: Anna)",
        "zablokowano przyciskiem",
        "odrzucono błędny kod PIN",
        "zgłoszono aktywność o kodzie 4242",
        "zaktualizowano oprogramowanie przez mostek",
    ],
}

# What the logbook says after the door's name, in each language Door Access ships.
DOORFLOW_SENTENCES = {
    "en": [
        "admitted Anna with a card",
        "admitted someone with the exit button",
        "refused Ben: out of hours",
        "was forced open",
        "refused Ben: multi-factor authentication failed",
        "reported a door state or alarm: Door alarm",
    ],
    "de": [
        "hat Anna mit einer Karte eingelassen",
        "hat jemanden mit dem Ausgangstaster eingelassen",
        "hat Ben den Zutritt verweigert: außerhalb der Zutrittszeiten",
        "wurde gewaltsam geöffnet",
        "hat Ben den Zutritt verweigert: Mehrfaktor-Authentifizierung fehlgeschlagen",
        "hat einen Türzustand oder Alarm gemeldet: Door alarm",
    ],
    "pl": [
        "przyznano dostęp kartą (osoba: Anna)",
        "przyznano dostęp przyciskiem wyjścia",
        "odmówiono dostępu (osoba: Ben): poza godzinami dostępu",
        "otwarto siłą",
        "odmówiono dostępu (osoba: Ben): nieudane uwierzytelnianie wieloskładnikowe",
        "zgłoszono stan drzwi lub alarm: Door alarm",
    ],
}


@pytest.mark.parametrize("language", sorted(TEDEE_SENTENCES))
async def test_tedee_activity_in_the_logbook(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    language: str,
) -> None:
    """PIN unlocks, button locks, wrong PINs and unknown codes each read as a sentence."""
    hass.config.language = language
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})
    fired = FiredEvents(hass)
    assert await setup_entry(hass, mock_config_entry)
    # Time moves on: the lock's last state change then differs from the one seen at setup.
    await advance(hass, freezer, 1)
    for event, user in (
        ("pin_unlock", "Anna"),
        ("button_lock", None),
        ("wrong_pin", None),
        (4242, None),
        ("firmware_update_bridge", None),
    ):
        body: dict[str, Any] = {"event": event}
        if user:
            body["username"] = user
        await simulator.control("POST", "tedee/locks/1001/activity", body)
    await advance(hass, freezer, TEDEE_POLL)

    assert _sentences(hass, fired) == [("Front door", text) for text in TEDEE_SENTENCES[language]]


@pytest.mark.parametrize("language", sorted(DOORFLOW_SENTENCES))
async def test_doorflow_events_in_the_logbook(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    doorflow_config_entry: MockConfigEntry,
    language: str,
) -> None:
    """Admits, refusals and alarms of a door each read as a sentence."""
    hass.config.language = language
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})
    fired = FiredEvents(hass)
    assert await setup_entry(hass, doorflow_config_entry)
    await simulator.control("POST", "doorflow/config", {"door_alarm_clear_after": None})
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

    assert _sentences(hass, fired) == [
        ("Back office", text) for text in DOORFLOW_SENTENCES[language]
    ]


async def test_sentence_falls_back_to_english_and_to_keys(hass: HomeAssistant) -> None:
    """Another language without these strings gets English; unknown keys read as words."""
    await async_setup_component(hass, DOMAIN, {})
    hass.config.language = "xx"
    entry = describe_activity(
        hass,
        {
            "entity_id": "event.x",
            "name": "Gate",
            "event_type": "unlocked",
            "sentence": "activity_operation_by",
            "pieces": {"action": "action_unlocked", "method": "method_of_the_future"},
            "values": {"user": "Cleo"},
        },
    )
    assert entry == {
        "name": "Gate",
        "message": "unlocked by Cleo method of the future",
        "entity_id": "event.x",
    }
    unknown = describe_activity(
        hass, {"name": "Gate", "event_type": "unlocked", "sentence": "nope"}
    )
    assert unknown["message"] == "unlocked"


async def test_first_setup_fills_last_operated_by_without_an_event(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """A first setup shows who last operated each lock, from the cloud's newest activity.

    That history is not news: no event entity fires, no logbook line is written, and the
    event entity stays empty until its first happening.
    """
    assert await async_setup_component(hass, LOGBOOK_DOMAIN, {})
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
    assert fired.bus == []
    assert _sentences(hass, fired) == []
    assert state_of(hass, "event.front_door_activity") == STATE_UNKNOWN
