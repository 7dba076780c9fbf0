"""Tedee activity: every code as an event, exactly once and in order, within the budget."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.const import DOMAIN
from custom_components.door_access.scope_issue import scope_issue_id
from custom_components.door_access.storage import FEED_STORAGE_VERSION
from custom_components.door_access.tedee.activity import LastOperation
from custom_components.door_access.tedee.const import CONF_ACTIVITY_INTERVAL, DEFAULT_GATE_INTERVAL
from custom_components.door_access.tedee.coordinator import TedeeCoordinator

from .activity_helpers import FiredEvents
from .conftest import Simulator
from .helpers import (
    TEDEE_POLL,
    advance,
    coordinator_of,
    lock_call,
    run_action,
    seconds_until_done,
    setup_entry,
    state_of,
    tick,
)

FRONT = "event.front_door_activity"
BACK = "event.back_door_activity"
LAST_OPERATED = "sensor.front_door_last_operated_by"
ACTIVITY_PATH = "/api/v37/my/deviceactivity"

# Every documented lock code (44 and 45, dropped from the docs, and two unknown ones are
# `other`) with the event type and method it fires.
EXPECTED: list[tuple[int, str, str | None]] = [
    (32, "locked", "remote"),
    (33, "unlocked", "remote"),
    (34, "locked", "button"),
    (35, "unlocked", "button"),
    (36, "locked", "auto"),
    (37, "unlocked", "auto"),
    (38, "locked", "manual"),
    (39, "unlocked", "manual"),
    (40, "jammed", None),
    (41, "power_off", None),
    (42, "power_on", None),
    (43, "calibration", None),
    (44, "other", None),
    (45, "other", None),
    (46, "charging_started", None),
    (47, "partially_opened", "manual"),
    (48, "partially_opened", "button"),
    (49, "partially_opened", "auto"),
    (50, "charging_stopped", None),
    (51, "pulled", "remote"),
    (52, "pulled", "auto"),
    (53, "pulled", "manual"),
    (54, "partially_opened", "remote"),
    (55, "pulled", "remote"),
    (56, "postponed_lock", "button"),
    (57, "unlocked", "homekit"),
    (58, "partially_opened", "homekit"),
    (59, "locked", "homekit"),
    (60, "pulled", "homekit"),
    (61, "unlocked", "pin"),
    (62, "incorrect_pin", "pin"),
    (63, "pulled", "pin"),
    (64, "partially_opened", "pin"),
    (65, "locked", "pin"),
    (66, "locked", "keypad_button"),
    (67, "force_unlocked", "remote"),
    (68, "force_unlocked", "pin"),
    (74, "uncalibrated", None),
    (75, "unauthorized_pin", "pin"),
    (76, "pulled", "pin"),
    (77, "unlocked", "fingerprint"),
    (78, "force_unlocked", "fingerprint"),
    (79, "partially_opened", "fingerprint"),
    (80, "pulled", "fingerprint"),
    (81, "pulled", "fingerprint"),
    (83, "door_opened", "door_sensor"),
    (84, "door_closed", "door_sensor"),
    (85, "door_sensor_uncalibrated", "door_sensor"),
    (86, "door_open_too_long", "door_sensor"),
    (87, "pulled", "auto"),
    (88, "unlocked", "matter"),
    (89, "partially_opened", "matter"),
    (90, "locked", "matter"),
    (91, "pulled", "matter"),
    (92, "pulled", "matter"),
    (93, "force_unlocked", "matter"),
    (224, "firmware_update", "bridge"),
    (225, "firmware_update", "mobile"),
    (226, "locked", "access_link"),
    (227, "locked", "bridge_api"),
    (228, "unlocked", "access_link"),
    (229, "unlocked", "bridge_api"),
    (230, "pulled", "access_link"),
    (231, "pulled", "bridge_api"),
    (232, "partially_opened", "access_link"),
    (233, "partially_opened", "bridge_api"),
    (234, "pulled", "access_link"),
    (235, "pulled", "bridge_api"),
    (7, "other", None),
    (999, "other", None),
]


async def inject(simulator: Simulator, lock_id: int, event: int | str, **extra: Any) -> None:
    """Log an activity on a lock in the simulated cloud."""
    await simulator.control("POST", f"tedee/locks/{lock_id}/activity", {"event": event, **extra})


async def activity_requests(simulator: Simulator) -> int:
    """Return how many device activity requests reached the cloud."""
    return await simulator.count("/my/deviceactivity")


async def test_first_setup_starts_from_now(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
) -> None:
    """The scenario's history is not replayed: after a day of polling nothing was fired."""
    fired = FiredEvents(hass)
    assert await setup_entry(hass, mock_config_entry)
    for _ in range(24 * 3600 // 300):
        await advance(hass, freezer, 300)
    assert fired.fired == []
    # The catch-up read visited the connected locks.
    assert await activity_requests(simulator) > 3


async def test_every_code_fires_its_event_in_order(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """Every documented code, and unknown ones, fire once, in order, with their method."""
    fired = FiredEvents(hass)
    for code, _, _ in EXPECTED:
        await inject(simulator, 1001, code, username="Anna")
    before = await activity_requests(simulator)
    await advance(hass, freezer, TEDEE_POLL)

    events = fired.of(FRONT)
    assert [(e.attributes["code"], e.event_type, e.attributes.get("method")) for e in events] == (
        EXPECTED
    )
    assert all(e.attributes["user"] == "Anna" for e in events)
    stamps = [e.attributes["timestamp"] for e in events]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)
    # 70 items: the small first page and one full page.
    assert await activity_requests(simulator) - before == 2

    for _ in range(10):
        await advance(hass, freezer, TEDEE_POLL)
    assert len(fired.of(FRONT)) == len(EXPECTED)


async def test_our_own_unlock_reports_who_and_how(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """An unlock from Home Assistant shows as unlocked (then pulled) by the token's user."""
    registry = er.async_get(hass)
    registry.async_update_entity(LAST_OPERATED, disabled_by=None)
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    fired = FiredEvents(hass)
    await run_action(hass, freezer, lock_call(hass, "unlock", "lock.front_door"))
    await advance(hass, freezer, TEDEE_POLL)

    events = fired.of(FRONT)
    assert [(e.event_type, e.attributes["method"]) for e in events] == [
        ("unlocked", "remote"),
        ("pulled", "auto"),
    ]
    assert {e.attributes["user"] for e in events} == {"Demo User"}
    last = hass.states.get(LAST_OPERATED)
    assert last is not None
    assert last.state == "Demo User"
    assert last.attributes["event_type"] == "pulled"
    assert last.attributes["method"] == "auto"


async def test_several_pages_between_reads(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """250 wrong PINs (no state change) come with the catch-up read: once each, in order."""
    fired = FiredEvents(hass)
    await inject(simulator, 1002, "wrong_pin", count=250)
    await inject(simulator, 1002, "postponed_lock")
    before = await activity_requests(simulator)
    for _ in range(16 * 60 // TEDEE_POLL + 1):
        await advance(hass, freezer, TEDEE_POLL)

    events = fired.of(BACK)
    assert fired.types(BACK) == ["incorrect_pin"] * 250 + ["postponed_lock"]
    stamps = [e.attributes["timestamp"] for e in events]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 251
    assert "user" not in events[0].attributes
    # Catch-up reads of the three connected locks, two of them paged once more (20 + 200 + 200),
    # and of the one connected gate.
    assert await activity_requests(simulator) - before <= 3 + 2 + 3 + 1


async def test_reload_and_restart_never_replay(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Delivered activity stays delivered through a reload and a restart; missed ones come."""
    fired = FiredEvents(hass)
    await inject(simulator, 1001, "pin_unlock", username="Anna")
    await advance(hass, freezer, TEDEE_POLL)
    assert fired.types(FRONT) == ["unlocked"]

    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    for _ in range(40):
        await advance(hass, freezer, TEDEE_POLL)
    assert fired.types(FRONT) == ["unlocked"]

    # "Restart": the entry goes away; a lock is operated meanwhile; it comes back.
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    stored = hass_storage[f"{DOMAIN}.feeds.{init_integration.entry_id}"]
    assert stored["version"] == FEED_STORAGE_VERSION
    assert stored["data"]["wing"]["last_operation"]["1001"]["user"] == "Anna"
    assert "1001" in stored["data"]["streams"]
    await advance(hass, freezer, 60)
    await inject(simulator, 1001, "button_lock")
    await inject(simulator, 1001, "homekit_unlock", username="Ben")
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    for _ in range(3):
        await advance(hass, freezer, TEDEE_POLL)
    assert fired.types(FRONT) == ["unlocked", "locked", "unlocked"]
    assert [e.attributes.get("method") for e in fired.of(FRONT)] == ["pin", "button", "homekit"]


async def test_stored_cursor_of_an_earlier_run_is_honoured(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A cursor stored by an earlier version (storage 1): what came after it is delivered,
    nothing before; the store is migrated to the current version."""
    items = await simulator.control("GET", "tedee/locks/1001/activity")
    newest = items[0]
    hass_storage[f"{DOMAIN}.feeds.{mock_config_entry.entry_id}"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"{DOMAIN}.feeds.{mock_config_entry.entry_id}",
        "data": {
            "locks": {
                "1001": {
                    "cursor": {"date": newest["date"] + "+00:00", "ids": [newest["id"]]},
                    "last_operation": {
                        "user": "Ben",
                        "event_type": "locked",
                        "method": "remote",
                        "date": newest["date"] + "+00:00",
                    },
                },
                "nonsense": {"cursor": None},
                "1002": {"cursor": {"date": "not a date"}},
            }
        },
    }
    await inject(simulator, 1001, "manual_unlock")
    fired = FiredEvents(hass)
    assert await setup_entry(hass, mock_config_entry)
    await advance(hass, freezer, TEDEE_POLL)
    assert fired.types(FRONT) == ["unlocked"]
    assert fired.of(FRONT)[0].attributes["method"] == "manual"
    reader = coordinator_of(mock_config_entry, TedeeCoordinator).activity
    assert reader.view(1001).last_operation == LastOperation.from_dict(
        {"user": "Ben", "event_type": "locked", "method": "remote", "date": newest["date"] + "Z"}
    )
    stored = hass_storage[f"{DOMAIN}.feeds.{mock_config_entry.entry_id}"]
    assert stored["version"] == FEED_STORAGE_VERSION
    assert "1001" in stored["data"]["streams"]


async def test_guest_sees_own_and_authorless_activity(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
) -> None:
    """A guest token (Ben): Anna's unlock is not seen; Ben's and the button's are."""
    # The scenario's guest key lacks Device.ReadWrite, which the gates need: one that has it.
    await simulator.control(
        "POST",
        "tokens",
        {
            "api": "tedee",
            "token": "ben-guest-key",
            "kind": "personal_key",
            "user": "Ben",
            "guest": True,
            "scopes": ["Device.Read", "Device.ReadWrite", "Lock.Operate", "DeviceActivity.Read"],
        },
    )
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Guest",
        unique_id="tedee_guest",
        data={**mock_config_entry.data, CONF_TOKEN: "ben-guest-key"},
    )
    fired = FiredEvents(hass)
    assert await setup_entry(hass, entry)
    await inject(simulator, 1001, "pin_unlock", username="Anna")
    await advance(hass, freezer, TEDEE_POLL)
    assert fired.types(FRONT) == []
    await inject(simulator, 1001, "button_lock")
    await inject(simulator, 1001, "pin_unlock", username="Ben")
    await advance(hass, freezer, TEDEE_POLL)
    assert fired.types(FRONT) == ["locked", "unlocked"]
    assert [e.attributes.get("user") for e in fired.of(FRONT)] == [None, "Ben"]
    assert coordinator_of(entry, TedeeCoordinator).last_update_success


async def test_token_without_the_scope(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
) -> None:
    """No activity scope: no activity entities, a repair issue; a better key brings them."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry,
        data={**mock_config_entry.data, CONF_TOKEN: "demo-tedee-noactivity-key"},
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    registry = er.async_get(hass)
    unique_ids = {
        e.unique_id for e in er.async_entries_for_config_entry(registry, mock_config_entry.entry_id)
    }
    assert "tedee-1001-lock" in unique_ids
    assert "tedee-1001-activity" not in unique_ids
    assert "tedee-1001-last_operated_by" not in unique_ids
    issue = ir.async_get(hass).async_get_issue(DOMAIN, scope_issue_id(mock_config_entry.entry_id))
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["scope"] == "DeviceActivity.Read"
    await inject(simulator, 1001, "pin_unlock", username="Anna")
    before = await activity_requests(simulator)
    for _ in range(50):
        await advance(hass, freezer, TEDEE_POLL)
    assert await activity_requests(simulator) == before
    assert hass.states.get("lock.front_door") is not None
    assert coordinator_of(mock_config_entry, TedeeCoordinator).last_update_success

    # Reconfigure with a key that has the scope: the issue clears and the entities come.
    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_TOKEN: "demo-tedee-personal-key",
            "token_type": "personal_key",
            "advanced": {"base_url": simulator.url},
        },
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, scope_issue_id(mock_config_entry.entry_id))
        is None
    )
    assert hass.states.get(FRONT) is not None


async def test_scope_lost_while_running(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """A 403 on activity while running: the entities stay, unavailable, with the user's names.

    An issue says why, locks keep on; once the key may read activity again (the entry is
    reloaded, as reconfiguring does) the renamed entities are back under their names.
    """
    registry = er.async_get(hass)
    registry.async_update_entity(FRONT, name="Door log")
    registry.async_update_entity(LAST_OPERATED, name="Who opened", disabled_by=None)
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    faults = await simulator.control(
        "POST", "faults", {"kind": "status", "status": 403, "path_prefix": ACTIVITY_PATH}
    )
    await inject(simulator, 1001, "pin_unlock", username="Anna")
    await advance(hass, freezer, TEDEE_POLL)
    assert state_of(hass, FRONT) == "unavailable"
    assert state_of(hass, LAST_OPERATED) == "unavailable"
    assert ir.async_get(hass).async_get_issue(DOMAIN, scope_issue_id(init_integration.entry_id))
    assert state_of(hass, "lock.front_door") == "unlocked"  # Anna's PIN, read by the sync
    assert coordinator_of(init_integration, TedeeCoordinator).last_update_success

    # A restart (or reload) without the scope keeps them too, still unavailable.
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, FRONT) == "unavailable"
    assert (entity := registry.async_get(FRONT)) is not None
    assert entity.name == "Door log"

    await simulator.control("DELETE", f"faults/{faults['id']}")
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, scope_issue_id(init_integration.entry_id))
        is None
    )
    for entity_id, name in ((FRONT, "Door log"), (LAST_OPERATED, "Who opened")):
        assert (entity := registry.async_get(entity_id)) is not None
        assert entity.name == name
        assert state_of(hass, entity_id) != "unavailable"
    assert hass.states.get(LAST_OPERATED).attributes["friendly_name"] == "Who opened"


async def test_activity_during_a_429_cooldown_comes_later_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """Activity held back by a 429 arrives after the cooldown, in order, each once."""
    fired = FiredEvents(hass)
    await simulator.control(
        "POST",
        "faults",
        {"kind": "rate_limit", "retry_after": 120, "count": 1, "path_prefix": ACTIVITY_PATH},
    )
    await inject(simulator, 1001, "pin_unlock", username="Anna")
    await advance(hass, freezer, TEDEE_POLL)
    assert fired.types(FRONT) == []
    await inject(simulator, 1001, "button_lock")
    await inject(simulator, 1001, "wrong_pin")
    await advance(hass, freezer, TEDEE_POLL)
    assert fired.types(FRONT) == []
    for _ in range(8):
        await advance(hass, freezer, TEDEE_POLL)
    assert fired.types(FRONT) == ["unlocked", "locked", "incorrect_pin"]
    for _ in range(10):
        await advance(hass, freezer, TEDEE_POLL)
    assert fired.types(FRONT) == ["unlocked", "locked", "incorrect_pin"]
    assert coordinator_of(init_integration, TedeeCoordinator).last_update_success


async def test_outage_on_activity_keeps_the_lock_due(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """A failed activity read (503) delivers nothing and is tried again next poll."""
    fired = FiredEvents(hass)
    await simulator.control(
        "POST",
        "faults",
        {"kind": "status", "status": 503, "count": 1, "path_prefix": ACTIVITY_PATH},
    )
    await inject(simulator, 1001, "pin_unlock", username="Anna")
    await advance(hass, freezer, TEDEE_POLL)
    assert fired.types(FRONT) == []
    reader = coordinator_of(init_integration, TedeeCoordinator).activity
    assert 1001 in reader.pending
    await advance(hass, freezer, TEDEE_POLL)
    assert fired.types(FRONT) == ["unlocked"]


@pytest.mark.parametrize("minutes", [0])
async def test_catch_up_can_be_turned_off(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    minutes: int,
) -> None:
    """With catch-up off, activity that changes no state waits for a state change."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, options={CONF_ACTIVITY_INTERVAL: minutes}
    )
    fired = FiredEvents(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await inject(simulator, 1001, "wrong_pin")
    before = await activity_requests(simulator)
    for _ in range(60):
        await advance(hass, freezer, TEDEE_POLL)
    assert await activity_requests(simulator) == before
    assert fired.types(FRONT) == []
    await inject(simulator, 1001, "pin_unlock", username="Ben")
    await advance(hass, freezer, TEDEE_POLL)
    assert fired.types(FRONT) == ["incorrect_pin", "unlocked"]


async def test_more_than_the_page_cap_between_reads(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """More activity than a read takes: the newest are delivered in order, the gap is logged."""
    fired = FiredEvents(hass)
    await inject(simulator, 1001, "wrong_pin", count=300)
    await inject(simulator, 1001, "pin_unlock", username="Anna")
    with patch("custom_components.door_access.tedee.activity.MAX_PAGES", 2):
        await advance(hass, freezer, TEDEE_POLL)
    assert fired.types(FRONT) == ["incorrect_pin"] * 219 + ["unlocked"]
    assert "older ones are skipped" in caplog.text


async def test_probe_failing_at_setup_then_reads(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
) -> None:
    """The scope check at setup fails (503): the entities come anyway, activity follows."""
    await simulator.control(
        "POST",
        "faults",
        {"kind": "status", "status": 503, "count": 1, "path_prefix": ACTIVITY_PATH},
    )
    fired = FiredEvents(hass)
    assert await setup_entry(hass, mock_config_entry)
    reader = coordinator_of(mock_config_entry, TedeeCoordinator).activity
    assert reader.feed.scope_missing is None
    assert hass.states.get(FRONT) is not None
    await advance(hass, freezer, 1)
    await inject(simulator, 1001, "pin_unlock", username="Anna")
    await advance(hass, freezer, TEDEE_POLL)
    assert fired.types(FRONT) == ["unlocked"]
    assert reader.feed.scope_missing is False


@pytest.mark.parametrize("at_setup", [True, False])
async def test_refused_token_on_activity_starts_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    at_setup: bool,
) -> None:
    """A 401 on activity, again after the pause, is a refused token (not a missing scope)."""
    fault = {"kind": "unauthorized", "count": 2, "path_prefix": ACTIVITY_PATH}
    if at_setup:
        await simulator.control("POST", "faults", fault)
    mock_config_entry.add_to_hass(hass)
    setup = hass.async_create_task(hass.config_entries.async_setup(mock_config_entry.entry_id))
    await seconds_until_done(hass, freezer, setup)
    await hass.async_block_till_done()
    if not at_setup:
        await simulator.control("POST", "faults", fault)
        await advance(hass, freezer, 1)
        await inject(simulator, 1001, "pin_unlock", username="Anna")
        await advance(hass, freezer, TEDEE_POLL, wait_background_tasks=False)
        await tick(hass, freezer, 10)
        await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_removed_lock_is_forgotten(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A lock removed from the account leaves the stored cursors with its device."""
    await simulator.control("DELETE", "tedee/locks/1004")
    for _ in range(4):
        await advance(hass, freezer, TEDEE_POLL)
    stored = hass_storage[f"{DOMAIN}.feeds.{init_integration.entry_id}"]["data"]["streams"]
    assert "1004" not in stored
    assert "1001" in stored


async def test_no_catch_up_while_every_lock_is_off_its_bridge(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """Locks cut off from their bridge report no state: nothing to catch up on (nor gates
    disconnected from BleBox: nobody can open them)."""
    for lock_id in (1001, 1002, 1004):
        await simulator.control("PATCH", f"tedee/locks/{lock_id}", {"isConnected": False})
    await simulator.control("PATCH", "tedee/gates/501", {"isConnected": False, "immediate": True})
    await advance(hass, freezer, DEFAULT_GATE_INTERVAL)  # the gates are read again
    # Their state moved (to none): read once, within the spare reads of the next polls.
    for _ in range(2):
        await advance(hass, freezer, TEDEE_POLL)
    before = await activity_requests(simulator)
    for _ in range(60):
        await advance(hass, freezer, TEDEE_POLL)
    assert await activity_requests(simulator) == before


async def test_deleting_the_entry_deletes_its_cursors(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """The stored cursors go with the entry."""
    key = f"{DOMAIN}.feeds.{init_integration.entry_id}"
    assert key in hass_storage
    assert await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


async def test_last_operated_by_follows_every_operation_code(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """Keypad, fingerprint, Matter, access link, bridge API, force unlock: each names who did it.

    Status codes (a door opened, a refused PIN) do not change it, even with a name.
    """
    registry = er.async_get(hass)
    registry.async_update_entity(LAST_OPERATED, disabled_by=None)
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    await advance(hass, freezer, TEDEE_POLL)
    fired = FiredEvents(hass)
    for code, user, event_type, method in [
        (65, "Kasia", "locked", "pin"),
        (77, "Ola", "unlocked", "fingerprint"),
        (78, "Ola", "force_unlocked", "fingerprint"),
        (90, "Matter Hub", "locked", "matter"),
        (228, "Courier", "unlocked", "access_link"),
        (231, "Script", "pulled", "bridge_api"),
        (56, "Anna", "postponed_lock", "button"),
    ]:
        await inject(simulator, 1001, code, username=user)
        for _ in range(2):  # the poll that sees the move, then its activity read at the latest
            await advance(hass, freezer, TEDEE_POLL)
        last = hass.states.get(LAST_OPERATED)
        assert last is not None
        assert (last.state, last.attributes.get("event_type"), last.attributes.get("method")) == (
            user,
            event_type,
            method,
        ), code
    # A door sensor's opened (83) changes the lock's door state: read at once, like a move.
    await inject(simulator, 1001, 83, username="Not an operator")
    for _ in range(2):
        await advance(hass, freezer, TEDEE_POLL)
    assert fired.of(FRONT)[-1].event_type == "door_opened"
    for code in (75, 86):
        await inject(simulator, 1001, code, username="Not an operator")
    # They move no lock state: the catch-up read (every 15 minutes) finds them.
    for _ in range(20 * 60 // TEDEE_POLL):
        await advance(hass, freezer, TEDEE_POLL)
    assert fired.of(FRONT)[-1].event_type == "door_open_too_long"
    last = hass.states.get(LAST_OPERATED)
    assert last is not None
    assert last.state == "Anna"
