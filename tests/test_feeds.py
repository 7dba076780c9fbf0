"""The shared feed, against the simulator through Home Assistant, for both clouds.

Every happening exactly once, in order, whatever the cloud's clock or paging does: an item
dated in the future, one uploaded late, one whose date moved, a malformed one among good ones,
a server that ignores `page`, a name of 10,000 characters; across reloads and restarts.
"""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.const import DOMAIN
from custom_components.door_access.doorflow.coordinator import DoorFlowCoordinator
from custom_components.door_access.storage import FEED_STORAGE_VERSION, FeedStore
from custom_components.door_access.tedee.coordinator import TedeeCoordinator
from custom_components.door_access.text import MAX_TEXT

from .activity_helpers import FiredEvents
from .conftest import Simulator
from .helpers import TEDEE_POLL, advance, coordinator_of, setup_entry, state_of

LOCK = 1001
FRONT = "event.front_door_activity"
LAST_OPERATED = "sensor.front_door_last_operated_by"
DOOR = 1201
DOOR_EVENTS = "event.head_office_front_door_access_events"
DOOR_ALARM = "binary_sensor.head_office_front_door_forced_or_held_open"
DOORFLOW_POLL = 30


def _iso(delta: timedelta) -> str:
    """Return Home Assistant's now moved by `delta`, as ISO 8601."""
    return (dt_util.utcnow() + delta).isoformat()


async def _activity(simulator: Simulator, event: str, **extra: Any) -> dict[str, Any]:
    """Log an activity on the front lock; return the item as the cloud shows it."""
    created = await simulator.control(
        "POST", f"tedee/locks/{LOCK}/activity", {"event": event, **extra}
    )
    return dict(created[0])


async def _door_event(simulator: Simulator, **body: Any) -> dict[str, Any]:
    """Make something happen at the front door; return the event as the cloud shows it."""
    created = await simulator.control("POST", f"doorflow/channels/{DOOR}/event", body)
    return dict(created[0])


async def _tedee_polls(hass: HomeAssistant, freezer: FrozenDateTimeFactory, n: int = 1) -> None:
    for _ in range(n):
        await advance(hass, freezer, TEDEE_POLL)


async def _doorflow_polls(hass: HomeAssistant, freezer: FrozenDateTimeFactory, n: int = 1) -> None:
    for _ in range(n):
        await advance(hass, freezer, DOORFLOW_POLL)


async def _enable_last_operated_by(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Enable the "last operated by" sensor (off by default) and reload the entry."""
    er.async_get(hass).async_update_entity(LAST_OPERATED, disabled_by=None)
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()


async def _restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Unload the entry and set it up again (what a restart does to it)."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


# ---- Tedee ----------------------------------------------------------------------------------


async def test_tedee_future_dated_item_hides_nothing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """A lock with a wrong clock: its item is delivered once; later ones still come, also
    after a restart."""
    fired = FiredEvents(hass)
    await _activity(simulator, "pin_unlock", username="Anna", date=_iso(timedelta(days=365)))
    await _tedee_polls(hass, freezer)
    assert fired.types(FRONT) == ["unlocked"]
    await _activity(simulator, "button_lock")
    await _tedee_polls(hass, freezer)
    assert fired.types(FRONT) == ["unlocked", "locked"]
    await _restart(hass, init_integration)
    await _activity(simulator, "manual_unlock")
    await _tedee_polls(hass, freezer, 3)
    assert fired.types(FRONT) == ["unlocked", "locked", "unlocked"]
    assert [e.attributes.get("method") for e in fired.of(FRONT)] == ["pin", "button", "manual"]


async def test_tedee_late_upload_and_moved_date(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """An item uploaded late (dated before one delivered) comes once; a moved date does not
    deliver an item again; "last operated by" keeps the newer person."""
    await _enable_last_operated_by(hass, init_integration)
    await _tedee_polls(hass, freezer, 30)  # a while after setup: the late item is news
    fired = FiredEvents(hass)
    anna = await _activity(simulator, "pin_unlock", username="Anna")
    await _tedee_polls(hass, freezer)
    await _activity(simulator, "button_lock", username="Ben", date=_iso(timedelta(minutes=-5)))
    await _tedee_polls(hass, freezer)
    assert fired.types(FRONT) == ["unlocked", "locked"]
    assert hass.states.get(LAST_OPERATED).state == "Anna"  # type: ignore[union-attr]
    # The cloud moves Anna's item a minute later; the next read sees it again.
    await simulator.control("PATCH", f"tedee/activity/{anna['id']}", {"date": _iso(timedelta())})
    await _activity(simulator, "manual_unlock")
    await _tedee_polls(hass, freezer, 3)
    assert fired.types(FRONT) == ["unlocked", "locked", "unlocked"]


async def test_tedee_malformed_item_among_good_ones(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An item with an id that is no id is skipped (logged once, counted); the rest come."""
    fired = FiredEvents(hass)
    await _activity(simulator, "pin_unlock", username="Anna")
    await _activity(simulator, "button_lock", override={"id": [1]})
    await _activity(simulator, "manual_unlock")
    await _tedee_polls(hass, freezer)
    assert fired.types(FRONT) == ["unlocked", "unlocked"]
    await _activity(simulator, "button_lock", override={"id": [2]})
    await _activity(simulator, "manual_unlock")
    await _tedee_polls(hass, freezer, 2)
    assert fired.types(FRONT) == ["unlocked", "unlocked", "unlocked"]
    warnings = [
        r
        for r in caplog.records
        if r.name.startswith("custom_components.door_access") and "malformed" in r.getMessage()
    ]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    feed = coordinator_of(init_integration, TedeeCoordinator).activity.feed.diagnostics()
    assert sum(feed["skipped_items"].values()) >= 2
    assert coordinator_of(init_integration, TedeeCoordinator).last_update_success


async def test_tedee_huge_user_name_is_capped(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """A 10,000-character user name shows capped (with an ellipsis) in the sensor and event."""
    await _enable_last_operated_by(hass, init_integration)
    fired = FiredEvents(hass)
    await _activity(simulator, "pin_unlock", username="N" * 10_000)
    await _tedee_polls(hass, freezer)
    state = hass.states.get(LAST_OPERATED)
    assert state is not None
    assert len(state.state) == MAX_TEXT
    assert state.state.endswith("…")
    assert fired.of(FRONT)[0].attributes["user"] == state.state


# ---- DoorFlow -------------------------------------------------------------------------------


async def test_doorflow_future_dated_late_and_moved(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_doorflow: MockConfigEntry,
) -> None:
    """A future-dated event hides nothing; a late upload comes; a moved date does not
    repeat; after a restart nothing comes twice."""
    await _doorflow_polls(hass, freezer, 20)  # a while after setup: the late event is news
    fired = FiredEvents(hass)
    await _door_event(
        simulator, kind="card_admit", person="Anna", created_at=_iso(timedelta(days=365))
    )
    await _doorflow_polls(hass, freezer)
    ben = await _door_event(simulator, kind="pin_admit", person="Ben")
    await _doorflow_polls(hass, freezer)
    await _door_event(simulator, kind="rex", created_at=_iso(timedelta(minutes=-5)))
    await _doorflow_polls(hass, freezer)
    await simulator.control(
        "PATCH", f"doorflow/events/{ben['id']}", {"created_at": _iso(timedelta(seconds=1))}
    )
    await _doorflow_polls(hass, freezer, 2)
    await _restart(hass, init_doorflow)
    await _door_event(simulator, kind="denied", reason="out_of_hours", person="Anna")
    await _doorflow_polls(hass, freezer, 3)
    assert [
        e.attributes.get("method") or e.attributes.get("reason") for e in fired.of(DOOR_EVENTS)
    ] == ["card", "pin", "rex", "out_of_hours"]


async def test_doorflow_malformed_event_and_huge_names(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_doorflow: MockConfigEntry,
) -> None:
    """A `person_id` of the wrong type skips that event only; long names are capped."""
    fired = FiredEvents(hass)
    await _door_event(simulator, kind="card_admit", person="Anna")
    await _door_event(simulator, kind="pin_admit", person="Ben", override={"person_id": [7]})
    await _door_event(simulator, kind="card_admit", person="P" * 10_000)
    await _door_event(simulator, event_code=35, label="L" * 10_000)  # a labelled group code
    await _doorflow_polls(hass, freezer, 2)
    events = fired.of(DOOR_EVENTS)
    assert [e.attributes.get("person") for e in events[:2]] == ["Anna", "P" * 99 + "…"]
    assert events[2].attributes["label"] == "L" * 99 + "…"
    assert len(events) == 3
    coordinator = coordinator_of(init_doorflow, DoorFlowCoordinator)
    skipped = coordinator.events.feed.diagnostics()["skipped_items"]
    assert len(skipped) == 1
    assert "person_id" in next(iter(skipped))
    assert coordinator.last_update_success


async def test_doorflow_server_ignoring_page(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_doorflow: MockConfigEntry,
) -> None:
    """A server that answers page 1 whatever is asked: what was read is delivered, the read
    stops without an error, and the next polls bring the rest, once each and in order."""
    await simulator.control(
        "POST", "faults", {"kind": "repeat_page", "path_prefix": "/api/3/events"}
    )
    fired = FiredEvents(hass)
    await simulator.control(
        "POST", f"doorflow/channels/{DOOR}/event", {"kind": "card_admit", "person": "Anna"}
    )
    for _ in range(150):
        await _door_event(simulator, kind="card_admit", person="Anna")
    freezer.tick(timedelta(seconds=1))
    for _ in range(150):
        await _door_event(simulator, kind="pin_admit", person="Ben")
    await _doorflow_polls(hass, freezer)
    coordinator = coordinator_of(init_doorflow, DoorFlowCoordinator)
    assert coordinator.last_update_success
    assert len(fired.of(DOOR_EVENTS)) == 200
    await _doorflow_polls(hass, freezer, 3)
    assert coordinator.last_update_success
    events = fired.of(DOOR_EVENTS)
    assert len(events) == 301
    stamps = [e.attributes["timestamp"] for e in events]
    assert stamps == sorted(stamps)
    assert coordinator.events.feed.diagnostics()["cut_reads"]["repeated page"] >= 1


async def test_doorflow_version_1_storage_is_migrated(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    doorflow_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """An install of an earlier version: its cursor and alarms carry over; events at the
    cursor are not delivered again, later ones are."""
    delivered = await _door_event(simulator, kind="card_admit", person="Anna")
    key = f"{DOMAIN}.feeds.{doorflow_config_entry.entry_id}"
    hass_storage[key] = {
        "version": 1,
        "minor_version": 1,
        "key": key,
        "data": {
            "feed": {"date": delivered["created_at"], "ids": [delivered["id"]]},
            "alarms": {str(DOOR): 33, "x": "on"},
        },
    }
    freezer.tick(timedelta(seconds=1))
    await _door_event(simulator, kind="pin_admit", person="Ben")
    fired = FiredEvents(hass)
    assert await setup_entry(hass, doorflow_config_entry)
    assert state_of(hass, DOOR_ALARM) == "on"
    await _doorflow_polls(hass, freezer, 2)
    assert [e.attributes.get("person") for e in fired.of(DOOR_EVENTS)] == ["Ben"]
    stored = hass_storage[key]
    assert stored["version"] == FEED_STORAGE_VERSION
    assert stored["data"]["wing"] == {"alarms": {str(DOOR): 33}}


async def test_store_of_an_unknown_version_starts_afresh(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """A store of a version no wing knows (or without a wing's reader) reads as empty."""
    hass_storage[f"{DOMAIN}.feeds.x"] = {"version": 1, "minor_version": 1, "key": "k", "data": {}}
    assert await FeedStore(hass, "x").async_load() == {}


async def test_quiet_reads_write_the_watermark_now_and_then(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_doorflow: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A delivery is written at once; reads that bring nothing write at most every 5 min."""
    key = f"{DOMAIN}.feeds.{init_doorflow.entry_id}"
    await _door_event(simulator, kind="card_admit", person="Anna")
    await _doorflow_polls(hass, freezer)
    written = hass_storage[key]["data"]["streams"]["events"]
    assert len(written["delivered"]) == 1
    await _doorflow_polls(hass, freezer, 3)
    assert hass_storage[key]["data"]["streams"]["events"] == written
    await _doorflow_polls(hass, freezer, 10)
    assert hass_storage[key]["data"]["streams"]["events"]["watermark"] > written["watermark"]


async def test_tedee_cloud_ignoring_last_elem_date(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """A cloud that answers the newest items again when asked for older ones: what the read
    got is delivered once, in order; no error, no loop."""
    await simulator.control(
        "POST", "faults", {"kind": "repeat_page", "path_prefix": "/api/v37/my/deviceactivity"}
    )
    fired = FiredEvents(hass)
    # 251 new items: pages of 20 and 200 would reach them all; the cloud answers the newest
    # 200 again instead of the next 200.
    await _activity(simulator, "wrong_pin", count=250)
    await _activity(simulator, "pin_unlock", username="Anna")
    await _tedee_polls(hass, freezer)
    coordinator = coordinator_of(init_integration, TedeeCoordinator)
    assert coordinator.last_update_success
    assert fired.types(FRONT) == ["incorrect_pin"] * 199 + ["unlocked"]
    stamps = [e.attributes["timestamp"] for e in fired.of(FRONT)]
    assert stamps == sorted(stamps)
    await _activity(simulator, "button_lock")
    await _tedee_polls(hass, freezer, 3)
    assert fired.types(FRONT) == ["incorrect_pin"] * 199 + ["unlocked", "locked"]
    assert coordinator.activity.feed.diagnostics()["cut_reads"]["repeated page"] >= 1
