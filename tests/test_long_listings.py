"""Large accounts are usable at once: entities from the first bulk sync, details as listed.

Tedee allows the lock list 10 times per 10 minutes. An account of 1000 locks is 10 pages of
100: the listing ends once it holds every lock the sync named (no 11th, empty page), and the
sync alone gives every lock its entities, so setup never waits for the window. A listing that
outgrows the window goes on at a later poll; changed revisions are read one lock at a time,
never by restarting the listing. The tests scale the account down with the page size (pages
of 10 or 2), which keeps the number of pages, and so the window's arithmetic, the same.
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.api.tedee import TedeeEndpoint
from custom_components.door_access.const import DOMAIN
from custom_components.door_access.scheduler import Limit
from custom_components.door_access.tedee import coordinator as tedee_coordinator
from custom_components.door_access.tedee.coordinator import TedeeCoordinator
from custom_components.door_access.tedee.kept_details import forget_details

from .conftest import Simulator
from .helpers import (
    TEDEE_POLL,
    advance,
    coordinator_of,
    lock_entity_ids,
    set_tedee_lock,
    setup_entry,
    state_of,
)

LISTING = "GET /api/{version}/my/lock"
DETAILS = "GET /api/{version}/my/lock/{id}"
BRIDGES = "GET /api/{version}/my/bridge"


async def _add_locks(simulator: Simulator, count: int, **fields: object) -> None:
    """Add `count` locked locks to the simulated Tedee account."""
    tedee = simulator.world.tedee
    for number in range(count):
        tedee.add_lock({"name": f"Extra {number}", "state": 6, **fields}, simulator.world.utcnow())


def _device_name(hass: HomeAssistant, entry: MockConfigEntry, lock_id: int) -> str | None:
    """Return the registered device name of a lock."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"tedee-{lock_id}"), entry.entry_id
    )
    assert device is not None
    return device.name


async def test_a_large_account_has_every_entity_at_setup_in_ten_pages(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """100 locks in pages of 10 (1000 in pages of 100): 10 pages, no 11th, no wait, no 429.

    Then half an hour of polling while locks are renamed: the renamed locks are read one by
    one, the listing is not read again.
    """
    await simulator.control("POST", "tedee/config", {"max_page_size": 10, "lock_list_limit": 10})
    await _add_locks(simulator, 96)
    assert await setup_entry(hass, mock_config_entry)
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert len(lock_entity_ids(hass, mock_config_entry)) == 100
    coordinator = coordinator_of(mock_config_entry, TedeeCoordinator)
    assert all(lock.detailed for lock in coordinator.data.locks.values())
    log = await simulator.requests()
    assert log["by_endpoint"][LISTING] == 10
    renamed = [1001, 1050, 1099]
    for minute in range(30):
        if minute % 10 == 0:
            lock_id = renamed[minute // 10]
            await simulator.control("PATCH", f"tedee/locks/{lock_id}", {"name": f"Moved {lock_id}"})
        for _ in range(3):
            await advance(hass, freezer, 20)
    log = await simulator.requests()
    assert log["by_endpoint"][LISTING] == 10
    assert log["by_endpoint"][DETAILS] == len(renamed)
    assert log["rate_limited"]["by_rules"] == 0
    for lock_id in renamed:
        assert _device_name(hass, mock_config_entry, lock_id) == f"Moved {lock_id}"


async def test_entities_show_the_sync_until_details_are_listed(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Eight locks in pages of two under a window of two listings: four locks wait for theirs.

    Setup does not wait: every lock has its entities at once, those not listed yet show the
    state the sync gives under a name made of their id; once the window moved on, the listing
    goes on from where it was and their devices get their names (and the sensors only their
    details tell). No empty page ends the listing: it holds every lock the sync named.
    """
    monkeypatch.setitem(
        tedee_coordinator.TEDEE_LIMITS,  # type: ignore[arg-type]
        TedeeEndpoint.LOCKS,
        Limit(group="lock_list", window_count=2, window=600.0),
    )
    await simulator.control("POST", "tedee/config", {"max_page_size": 2, "lock_list_limit": 2})
    await _add_locks(simulator, 4, pullSpringEnabled=True, pullSpringDuration=4)
    assert await setup_entry(hass, mock_config_entry)
    assert mock_config_entry.state is ConfigEntryState.LOADED
    coordinator = coordinator_of(mock_config_entry, TedeeCoordinator)
    waiting = [1005, 1006, 1007, 1008]
    assert sorted(coordinator.data.locks) == [1001, 1002, 1003, 1004, *waiting]
    assert len(lock_entity_ids(hass, mock_config_entry)) == 8
    assert await simulator.count(LISTING) == 2
    registry = er.async_get(hass)
    for lock_id in waiting:
        assert not coordinator.data.locks[lock_id].detailed
        assert _device_name(hass, mock_config_entry, lock_id) == f"Tedee lock {lock_id}"
        entity_id = registry.async_get_entity_id("lock", DOMAIN, f"tedee-{lock_id}-lock")
        assert entity_id is not None
        assert state_of(hass, entity_id) == "locked"  # what the sync gives
        assert (
            registry.async_get_entity_id("sensor", DOMAIN, f"tedee-{lock_id}-pull_spring_duration")
            is None
        )
    # The details of the listed locks are there at once.
    assert _device_name(hass, mock_config_entry, 1001) == "Front door"
    # Meanwhile a waiting lock's state follows the sync.
    await set_tedee_lock(hass, simulator, freezer, 1006, state=2)
    entity_id = registry.async_get_entity_id("lock", DOMAIN, "tedee-1006-lock")
    assert entity_id is not None
    assert state_of(hass, entity_id) == "unlocked"
    # The window moves on: the listing goes on at the next poll and ends on its last page.
    await advance(hass, freezer, 600)
    await advance(hass, freezer, TEDEE_POLL)
    assert await simulator.count(LISTING) == 4
    for number, lock_id in enumerate(waiting):
        assert coordinator.data.locks[lock_id].detailed
        assert _device_name(hass, mock_config_entry, lock_id) == f"Extra {number}"
        sensor = registry.async_get_entity_id(
            "sensor", DOMAIN, f"tedee-{lock_id}-pull_spring_duration"
        )
        assert sensor is not None
        assert state_of(hass, sensor) == "4"
    # The entity kept its id and its state; its name now comes from the device.
    assert registry.async_get_entity_id("lock", DOMAIN, "tedee-1006-lock") == entity_id
    assert state_of(hass, entity_id) == "unlocked"
    assert (await simulator.requests())["rate_limited"]["by_rules"] == 0


async def test_setup_without_sync_slot_or_listing_window_is_retried_not_waited(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A setup with nothing kept whose sync slot and listing window are spent: retried later.

    (A reload keeps the lock details, `test_reload_details.py`; nothing is kept when, say, the
    first setup failed after its sync and listing.)
    """
    monkeypatch.setitem(
        tedee_coordinator.TEDEE_LIMITS,  # type: ignore[arg-type]
        TedeeEndpoint.LOCKS,
        Limit(group="lock_list", window_count=1, window=600.0),
    )
    assert await setup_entry(hass, mock_config_entry)
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    forget_details(hass, mock_config_entry.entry_id)
    # The setup comes at once: the last sync was just now, the window's one listing is used.
    before = (await simulator.requests())["total"]
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert mock_config_entry.reason is not None
    assert "request limit" in mock_config_entry.reason
    # Nothing was sent that the cloud's rules would refuse.
    assert (await simulator.requests())["total"] == before


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
    # 12 locks, one per page, and the empty page that ends the listing: lock 1004, which it
    # was still expected to hold, is not there, so only its natural end tells.
    assert await simulator.count(LISTING) - before == 13
    assert read_now < 13
    assert registry.async_get_device_by_identifier(gone, init_integration.entry_id) is None
    assert len(coordinator.data.locks) == 12
    # The bridges are read once, when the listing ends, not at every poll it went on.
    assert await simulator.count(BRIDGES) - bridges_before == 1
    assert (await simulator.requests())["rate_limited"]["by_rules"] == 0
