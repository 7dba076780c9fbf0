"""DoorFlow door events: every kind as an event, exactly once and in order; the door alarm."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.const import DOMAIN
from custom_components.door_access.doorflow.coordinator import DoorFlowCoordinator
from custom_components.door_access.scope_issue import scope_issue_id
from custom_components.door_access.storage import FEED_STORAGE_VERSION

from .activity_helpers import FiredEvents
from .conftest import Simulator
from .helpers import (
    advance,
    coordinator_of,
    seconds_until_done,
    setup_entry,
    state_of,
    tick,
)

POLL = 30
FRONT = "event.head_office_front_door_access_events"
BACK = "event.head_office_back_office_access_events"
FRONT_ALARM = "binary_sensor.head_office_front_door_forced_or_held_open"
EVENTS_PATH = "/api/3/events"

# Every happening the simulator can inject on a door, with what the entity fires for it.
KINDS: list[tuple[dict[str, Any], str, dict[str, Any]]] = [
    ({"kind": "card_admit", "person": "Anna"}, "access_granted", {"method": "card"}),
    ({"kind": "pin_admit", "person": "Ben"}, "access_granted", {"method": "pin"}),
    ({"kind": "manual_admit"}, "access_granted", {"method": "manual"}),
    ({"kind": "rex"}, "access_granted", {"method": "rex"}),
    ({"kind": "aux"}, "access_granted", {"method": "aux"}),
    ({"kind": "app_admit", "person": "Anna"}, "access_granted", {"method": "app"}),
    ({"kind": "unlocked_admit"}, "access_granted", {"method": "held_unlocked"}),
    ({"kind": "apple_wallet", "person": "Ben"}, "access_granted", {"method": "apple_wallet"}),
    ({"kind": "google_wallet", "person": "Ben"}, "access_granted", {"method": "google_wallet"}),
    *(
        ({"kind": "denied", "reason": reason, "person": "Ben"}, "access_denied", {"reason": reason})
        for reason in (
            "card_not_valid",
            "out_of_hours",
            "lockdown",
            "tamper",
            "wrong_pin",
            "timeout",
            "invalid_credential_type",
            "unauthorized",
            "pass_back",
            "offline",
        )
    ),
    ({"kind": "rex_pressed"}, "request_to_exit", {}),
    ({"kind": "forced"}, "door_forced_open", {}),
    ({"kind": "back_to_normal"}, "door_back_to_normal", {}),
    ({"kind": "held_open"}, "door_held_open", {}),
    ({"kind": "back_to_normal"}, "door_back_to_normal", {}),
    ({"kind": "tamper"}, "tamper", {}),
    ({"kind": "tamper_cleared"}, "tamper_cleared", {}),
    # Admit and reject with multi-factor authentication (70, 71-73): their group, not `other`.
    ({"event_code": 70, "person": "Anna"}, "access_granted", {"method": "multi_factor"}),
    *(
        ({"event_code": code, "person": "Ben"}, "access_denied", {"reason": "multi_factor"})
        for code in (71, 72, 73)
    ),
    # Door state or alarm codes without a published meaning: the group, with DoorFlow's label.
    ({"event_code": 35, "label": "Door alarm"}, "door_alarm", {"code": 35, "label": "Door alarm"}),
]


async def inject(simulator: Simulator, channel_id: int, **happening: Any) -> list[dict[str, Any]]:
    """Log a happening at a door in the simulated cloud; return the events it logged."""
    result: list[dict[str, Any]] = await simulator.control(
        "POST", f"doorflow/channels/{channel_id}/event", happening
    )
    return result


async def test_first_setup_starts_from_now(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    doorflow_config_entry: MockConfigEntry,
) -> None:
    """The scenario's past events are not replayed."""
    fired = FiredEvents(hass)
    assert await setup_entry(hass, doorflow_config_entry)
    for _ in range(20):
        await advance(hass, freezer, POLL)
    assert fired.fired == []
    assert state_of(hass, FRONT_ALARM) == "off"


async def test_every_kind_fires_its_event_in_order(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_doorflow: MockConfigEntry,
) -> None:
    """Every kind of happening fires once, in order, with its person, method or reason."""
    await simulator.control("POST", "doorflow/config", {"door_alarm_clear_after": None})
    fired = FiredEvents(hass)
    for happening, _, _ in KINDS:
        await inject(simulator, 1201, **happening)
    await inject(simulator, 1201, kind="door_opened")  # not asked for: never fires
    await inject(simulator, 1202, kind="card_admit", person="Anna")
    await advance(hass, freezer, POLL)

    events = fired.of(FRONT)
    assert [e.event_type for e in events] == [event_type for _, event_type, _ in KINDS]
    for event, (happening, _, details) in zip(events, KINDS, strict=True):
        assert details.items() <= event.attributes.items()
        assert event.attributes.get("person") == happening.get("person")
    assert fired.types(BACK) == ["access_granted"]
    for _ in range(5):
        await advance(hass, freezer, POLL)
    assert len(fired.of(FRONT)) == len(KINDS)


async def test_forced_or_held_open_until_back_to_normal(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_doorflow: MockConfigEntry,
) -> None:
    """The problem sensor turns on when forced or held open, off when back to normal."""
    await simulator.control("POST", "doorflow/config", {"door_alarm_clear_after": None})
    await inject(simulator, 1201, kind="forced")
    await advance(hass, freezer, POLL)
    assert state_of(hass, FRONT_ALARM) == "on"
    assert state_of(hass, "binary_sensor.head_office_back_office_forced_or_held_open") == "off"

    # It stays on across a reload (kept on disk), and clears when the door closes.
    await hass.config_entries.async_reload(init_doorflow.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, FRONT_ALARM) == "on"
    await inject(simulator, 1201, kind="door_closed")
    await advance(hass, freezer, POLL)
    assert state_of(hass, FRONT_ALARM) == "off"

    await inject(simulator, 1201, kind="held_open")
    await advance(hass, freezer, POLL)
    assert state_of(hass, FRONT_ALARM) == "on"
    await inject(simulator, 1201, kind="back_to_normal")
    await advance(hass, freezer, POLL)
    assert state_of(hass, FRONT_ALARM) == "off"


async def test_pages_and_equal_timestamps(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_doorflow: MockConfigEntry,
) -> None:
    """250 events of one instant, one page per read: 200 now, the other 50 next poll, once."""
    fired = FiredEvents(hass)
    ids = [
        (await inject(simulator, 1201, kind="card_admit", person="Anna"))[0]["id"]
        for _ in range(250)
    ]
    before = await simulator.count("GET /api/3/events")
    with patch("custom_components.door_access.doorflow.events.MAX_PAGES", 1):
        await advance(hass, freezer, POLL)
        assert len(fired.of(FRONT)) == 200
        await advance(hass, freezer, POLL)
    assert len(fired.of(FRONT)) == 250
    # One feed read per poll, each of one page.
    assert await simulator.count("GET /api/3/events") - before == 2
    for _ in range(3):
        await advance(hass, freezer, POLL)
    assert len(fired.of(FRONT)) == 250
    assert [e.attributes["code"] for e in fired.of(FRONT)] == [10] * 250
    assert sorted(ids) == ids


async def test_reload_and_restart_never_replay(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_doorflow: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Delivered events stay delivered through a reload and a restart; missed ones come."""
    fired = FiredEvents(hass)
    await inject(simulator, 1201, kind="pin_admit", person="Ben")
    await advance(hass, freezer, POLL)
    await hass.config_entries.async_reload(init_doorflow.entry_id)
    await hass.async_block_till_done()
    for _ in range(5):
        await advance(hass, freezer, POLL)
    assert fired.types(FRONT) == ["access_granted"]

    assert await hass.config_entries.async_unload(init_doorflow.entry_id)
    await hass.async_block_till_done()
    stored = hass_storage[f"{DOMAIN}.feeds.{init_doorflow.entry_id}"]
    assert stored["version"] == FEED_STORAGE_VERSION
    assert set(stored["data"]) == {"streams", "wing"}
    assert set(stored["data"]["wing"]) == {"alarms"}
    await inject(simulator, 1201, kind="denied", reason="out_of_hours", person="Anna")
    assert await hass.config_entries.async_setup(init_doorflow.entry_id)
    await hass.async_block_till_done()
    for _ in range(3):
        await advance(hass, freezer, POLL)
    assert fired.types(FRONT) == ["access_granted", "access_denied"]


async def test_events_during_a_429_cooldown_come_later_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_doorflow: MockConfigEntry,
) -> None:
    """Events held back by a 429 on the feed arrive after the cooldown, in order, once."""
    fired = FiredEvents(hass)
    await simulator.control(
        "POST",
        "faults",
        {"kind": "rate_limit", "retry_after": 90, "count": 1, "path_prefix": EVENTS_PATH},
    )
    await inject(simulator, 1201, kind="card_admit", person="Anna")
    await advance(hass, freezer, POLL)
    await inject(simulator, 1201, kind="rex_pressed")
    await advance(hass, freezer, POLL)
    assert fired.types(FRONT) == []
    assert coordinator_of(init_doorflow, DoorFlowCoordinator).last_update_success
    for _ in range(4):
        await advance(hass, freezer, POLL)
    assert fired.types(FRONT) == ["access_granted", "request_to_exit"]
    for _ in range(3):
        await advance(hass, freezer, POLL)
    assert fired.types(FRONT) == ["access_granted", "request_to_exit"]


async def test_key_without_the_events_scope(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    doorflow_config_entry: MockConfigEntry,
) -> None:
    """A key that may not read events: no event entities, a repair issue, doors still work."""
    await simulator.control(
        "POST",
        "tokens",
        {
            "api": "doorflow",
            "token": "no-events-key",
            "kind": "api_key",
            "scopes": ["account.channel.readonly", "account.channel.admit", "account.sync"],
        },
    )
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="No events",
        unique_id="doorflow_no_events",
        data={**doorflow_config_entry.data, CONF_API_KEY: "no-events-key"},
    )
    assert await setup_entry(hass, entry)
    unique_ids = {
        e.unique_id for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    }
    assert "doorflow-1201-lock" in unique_ids
    assert "doorflow-1201-access_events" not in unique_ids
    assert "doorflow-1201-door_alarm" not in unique_ids
    issue = ir.async_get(hass).async_get_issue(DOMAIN, scope_issue_id(entry.entry_id))
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["scope"] == "account.event.access.readonly"
    before = await simulator.count("GET /api/3/events")
    for _ in range(5):
        await advance(hass, freezer, POLL)
    assert await simulator.count("GET /api/3/events") == before
    assert coordinator_of(entry, DoorFlowCoordinator).last_update_success


async def test_scope_lost_while_running(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_doorflow: MockConfigEntry,
) -> None:
    """A 403 on the feed while running: the entities stay, unavailable; the issue says why.

    With the scope back (the entry reloads, as reconfiguring does) they keep the user's names.
    """
    registry = er.async_get(hass)
    registry.async_update_entity(FRONT, name="Front log")
    registry.async_update_entity(FRONT_ALARM, name="Front forced")
    faults = await simulator.control(
        "POST", "faults", {"kind": "status", "status": 403, "path_prefix": EVENTS_PATH}
    )
    await advance(hass, freezer, POLL)
    assert hass.states.get(FRONT).state == "unavailable"
    assert hass.states.get(FRONT_ALARM).state == "unavailable"
    assert ir.async_get(hass).async_get_issue(DOMAIN, scope_issue_id(init_doorflow.entry_id))
    assert coordinator_of(init_doorflow, DoorFlowCoordinator).last_update_success

    await simulator.control("DELETE", f"faults/{faults['id']}")
    assert await hass.config_entries.async_reload(init_doorflow.entry_id)
    await hass.async_block_till_done()
    assert not ir.async_get(hass).async_get_issue(DOMAIN, scope_issue_id(init_doorflow.entry_id))
    for entity_id, name in ((FRONT, "Front log"), (FRONT_ALARM, "Front forced")):
        assert (entity := registry.async_get(entity_id)) is not None
        assert entity.name == name
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.state != "unavailable"
        assert state.attributes["friendly_name"] == name


async def test_feed_outage_at_setup_and_after(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    doorflow_config_entry: MockConfigEntry,
) -> None:
    """The feed failing (setup's check, then a poll) keeps the doors; events come later."""
    await simulator.control(
        "POST", "faults", {"kind": "status", "status": 503, "count": 2, "path_prefix": EVENTS_PATH}
    )
    fired = FiredEvents(hass)
    assert await setup_entry(hass, doorflow_config_entry)
    assert hass.states.get(FRONT) is not None
    await inject(simulator, 1201, kind="tamper")
    await advance(hass, freezer, POLL)
    assert fired.types(FRONT) == []
    await advance(hass, freezer, POLL)
    assert fired.types(FRONT) == ["tamper"]


@pytest.mark.parametrize("at_setup", [True, False])
async def test_refused_key_on_the_feed_starts_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    doorflow_config_entry: MockConfigEntry,
    at_setup: bool,
) -> None:
    """A 401 on the feed, again after the pause, is a refused key (not a missing scope)."""
    fault = {"kind": "unauthorized", "count": 2, "path_prefix": EVENTS_PATH}
    if at_setup:
        await simulator.control("POST", "faults", fault)
    doorflow_config_entry.add_to_hass(hass)
    setup = hass.async_create_task(hass.config_entries.async_setup(doorflow_config_entry.entry_id))
    await seconds_until_done(hass, freezer, setup)
    await hass.async_block_till_done()
    if not at_setup:
        await simulator.control("POST", "faults", fault)
        await advance(hass, freezer, POLL, wait_background_tasks=False)
        await tick(hass, freezer, 10)
        await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_a_feed_stored_with_numeric_ids_reads_back_as_text(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    doorflow_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A cursor and alarms stored when event and door ids were numbers keep working.

    Ids are opaque text now; the stored numbers read back as their decimal text, so the
    delivered event is not delivered again and the door's alarm stays on.
    """
    fired = FiredEvents(hass)
    delivered = (await inject(simulator, 1201, kind="card_admit", person="Anna"))[-1]
    hass_storage[f"{DOMAIN}.feeds.{doorflow_config_entry.entry_id}"] = {
        "version": 1,  # the storage of that time: one cursor
        "key": f"{DOMAIN}.feeds.{doorflow_config_entry.entry_id}",
        "data": {
            "feed": {"date": delivered["created_at"], "ids": [int(delivered["id"])]},
            "alarms": {"1201": 32},
        },
    }
    assert await setup_entry(hass, doorflow_config_entry)
    await inject(simulator, 1201, kind="rex_pressed")
    for _ in range(3):
        await advance(hass, freezer, POLL)
    assert fired.types(FRONT) == ["request_to_exit"]  # not the card admit again
    assert state_of(hass, FRONT_ALARM) == "on"
