"""Who opened a gate: the gate's activity event entity (Tedee codes 10000 and 10001)."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .activity_helpers import FiredEvents
from .conftest import Simulator
from .helpers import TEDEE_POLL, advance, press_button

DRIVEWAY = "event.driveway_gate_activity"  # gate 501
DRIVEWAY_BUTTON = "button.driveway_gate_open"
ACTIVITY_READS = "GET /api/{version}/my/deviceactivity"


async def test_one_activity_entity_per_gate(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    registry = er.async_get(hass)
    entries = er.async_entries_for_config_entry(registry, init_integration.entry_id)
    gate_events = sorted(
        e.unique_id for e in entries if e.domain == "event" and e.translation_key == "gate_activity"
    )
    assert gate_events == ["tedee-501-activity", "tedee-502-activity", "tedee-503-activity"]
    state = hass.states.get(DRIVEWAY)
    assert state is not None
    assert state.attributes["event_types"] == ["opened", "other"]


async def test_opening_from_home_assistant_names_the_token_user(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """Pressing Open: the next poll reads the gate and fires `opened` from the app, once."""
    fired = FiredEvents(hass)
    await press_button(hass, DRIVEWAY_BUTTON)
    await advance(hass, freezer, TEDEE_POLL)
    events = fired.of(DRIVEWAY)
    assert [
        (e.event_type, e.attributes.get("method"), e.attributes.get("user")) for e in events
    ] == [("opened", "remote", "Demo User")]
    assert events[0].attributes["code"] == 10000
    for _ in range(5):
        await advance(hass, freezer, TEDEE_POLL)
    assert len(fired.of(DRIVEWAY)) == 1


async def test_an_access_link_opening_is_found_by_the_catch_up_read(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """Opened outside Home Assistant (a courier's access link): read within the catch-up time."""
    fired = FiredEvents(hass)
    reads_before = await simulator.count(ACTIVITY_READS)
    await simulator.control("POST", "tedee/gates/501/open", {"username": "Courier"})
    for _ in range(20 * 60 // TEDEE_POLL):
        await advance(hass, freezer, TEDEE_POLL)
    events = fired.of(DRIVEWAY)
    assert [
        (e.event_type, e.attributes.get("method"), e.attributes.get("user")) for e in events
    ] == [("opened", "access_link", "Courier")]
    # Gates and locks are read now and then (catch-up), not at every one of the ~54 polls.
    assert await simulator.count(ACTIVITY_READS) - reads_before <= 20
    # Nothing is delivered again after a reload.
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    for _ in range(20 * 60 // TEDEE_POLL):
        await advance(hass, freezer, TEDEE_POLL)
    assert len(fired.of(DRIVEWAY)) == 1


async def test_a_gate_that_is_gone_is_no_longer_read(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    coordinator = init_integration.runtime_data.coordinator
    assert "gate-501" in coordinator.activity.feed.streams
    await simulator.control("DELETE", "tedee/gates/501")
    for _ in range(3):
        await advance(hass, freezer, 3600)
    assert "gate-501" not in coordinator.activity.feed.streams
