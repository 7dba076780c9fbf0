"""A lock listing longer than Tedee's count window (10 listings per 10 min) keeps its place.

With 1000 locks the listing is 10 full pages and an empty one: eleven requests where the
window allows ten. The first setup waits for the window instead of failing (and starting over
from page 1 on every retry); a later listing goes on at the next poll while the bulk sync keeps
every state fresh, and a lock is removed only once the listing reached its end.
"""

from __future__ import annotations

import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.api.tedee import TedeeEndpoint
from custom_components.door_access.const import DOMAIN
from custom_components.door_access.scheduler import Limit
from custom_components.door_access.tedee import coordinator as tedee_coordinator
from custom_components.door_access.tedee.coordinator import TedeeCoordinator

from .conftest import Simulator
from .helpers import TEDEE_POLL, advance, coordinator_of, set_tedee_lock, setup_entry, state_of

LISTING = "GET /api/{version}/my/lock"
BRIDGES = "GET /api/{version}/my/bridge"


async def _add_locks(simulator: Simulator, count: int) -> None:
    """Add `count` locked locks to the simulated Tedee account."""
    for number in range(count):
        await simulator.control("POST", "tedee/locks", {"name": f"Extra {number}", "state": 6})


async def test_first_setup_waits_for_the_listing_window(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Seven locks in pages of two under a window of two listings per second: setup waits."""
    caplog.set_level(logging.INFO)
    monkeypatch.setitem(
        tedee_coordinator.TEDEE_LIMITS,  # type: ignore[arg-type]
        TedeeEndpoint.LOCKS,
        Limit(group="lock_list", window_count=2, window=1.0),
    )
    await simulator.control(
        "POST",
        "tedee/config",
        {"max_page_size": 2, "lock_list_limit": 2, "lock_list_window": 1.0},
    )
    await _add_locks(simulator, 3)
    assert await setup_entry(hass, mock_config_entry)
    coordinator = coordinator_of(mock_config_entry, TedeeCoordinator)
    assert len(coordinator.data.locks) == 7
    log = await simulator.requests()
    assert log["by_endpoint"][LISTING] == 4  # 2 + 2 + 2 + 1 (a short page ends it)
    assert log["rate_limited"]["by_rules"] == 0
    assert "waits" in caplog.text


async def test_a_later_listing_goes_on_at_the_next_poll(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A listing of 13 pages: 9 now, the rest when the window allows; states stay fresh."""
    coordinator = coordinator_of(init_integration, TedeeCoordinator)
    await simulator.control("POST", "tedee/config", {"max_page_size": 1})
    await _add_locks(simulator, 9)
    await simulator.control("DELETE", "tedee/locks/1004")
    registry = dr.async_get(hass)
    gone = (DOMAIN, "tedee-1004")
    before = await simulator.count(LISTING)
    bridges_before = await simulator.count(BRIDGES)
    # Nine new locks call for a listing: as many of its 13 pages as the window of 10 allows.
    await advance(hass, freezer, TEDEE_POLL)
    assert await simulator.count(LISTING) == 10
    read_now = 10 - before
    # Lock 1004 is not in the sync: kept until a complete listing decides.
    assert registry.async_get_device_by_identifier(gone, init_integration.entry_id)
    # Meanwhile the bulk sync keeps every lock's state fresh.
    await set_tedee_lock(hass, simulator, freezer, 1001, state=2)
    assert state_of(hass, "lock.front_door") == "unlocked"
    assert registry.async_get_device_by_identifier(gone, init_integration.entry_id)
    # Once the window moved on, the listing goes on from the page it had reached.
    await advance(hass, freezer, 600)
    await advance(hass, freezer, TEDEE_POLL)
    # 12 locks, one per page, and the empty page that ends the listing.
    assert await simulator.count(LISTING) - before == 13
    assert read_now < 13
    assert registry.async_get_device_by_identifier(gone, init_integration.entry_id) is None
    assert len(coordinator.data.locks) == 12
    # The bridges are read once, when the listing ends, not at every poll it went on.
    assert await simulator.count(BRIDGES) - bridges_before == 1
    assert (await simulator.requests())["rate_limited"]["by_rules"] == 0
