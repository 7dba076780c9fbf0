"""A reload does not list the locks again: the entry keeps their details, revisions decide.

Enabling an entity, changing an option or reloading reloads the entry. At 1000 locks a new
listing is 10 of Tedee's 10 lock-list requests per 10 minutes; instead the entry keeps what it
knew (in this Home Assistant process), and the first bulk sync after the reload, which names
every lock with its revision, tells which details to read again, one lock at a time. The
account is scaled down with the page size (100 locks in pages of 10 are 10 pages).
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access import async_remove_config_entry_device
from custom_components.door_access.api.tedee import TedeeEndpoint
from custom_components.door_access.const import DOMAIN
from custom_components.door_access.scheduler import Limit
from custom_components.door_access.tedee import coordinator as tedee_coordinator
from custom_components.door_access.tedee.coordinator import TedeeCoordinator
from custom_components.door_access.tedee.kept_details import kept_details

from .conftest import Simulator
from .helpers import TEDEE_POLL, advance, coordinator_of, lock_entity_ids, setup_entry

LISTING = "GET /api/{version}/my/lock"
DETAILS = "GET /api/{version}/my/lock/{id}"


async def _add_locks(simulator: Simulator, count: int, prefix: str = "Extra") -> None:
    """Add `count` locked locks to the simulated Tedee account."""
    tedee = simulator.world.tedee
    for number in range(count):
        tedee.add_lock({"name": f"{prefix} {number}", "state": 6}, simulator.world.utcnow())


def _device_name(hass: HomeAssistant, entry: MockConfigEntry, lock_id: int) -> str | None:
    """Return the registered device name of a lock (None: no such device)."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"tedee-{lock_id}"), entry.entry_id
    )
    return None if device is None else device.name


async def _large_account(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator
) -> TedeeCoordinator:
    """Set up 100 locks listed in pages of 10: 10 list pages, every lock's details read."""
    await simulator.control("POST", "tedee/config", {"max_page_size": 10, "lock_list_limit": 10})
    await _add_locks(simulator, 96)
    assert await setup_entry(hass, entry)
    assert await simulator.count(LISTING) == 10
    coordinator = coordinator_of(entry, TedeeCoordinator)
    assert len(coordinator.data.locks) == 100
    assert all(lock.detailed for lock in coordinator.data.locks.values())
    return coordinator


async def test_a_reload_reads_only_the_changed_revisions(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """100 locks, two renamed while the entry reloads: 0 list pages, those two read, no others.

    The renamed locks' devices get their new names; the next hour's polls list nothing either
    (the hourly listing keeps the time it had before the reload).
    """
    await _large_account(hass, mock_config_entry, simulator)
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await advance(hass, freezer, TEDEE_POLL)  # the next sync is allowed at setup
    renamed = [1010, 1077]
    for lock_id in renamed:
        await simulator.control("PATCH", f"tedee/locks/{lock_id}", {"name": f"Moved {lock_id}"})
    listed, read = await simulator.count(LISTING), await simulator.count(DETAILS)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert len(lock_entity_ids(hass, mock_config_entry)) == 100
    # The first poll's sync named every lock with its revision: only the renamed are read.
    assert await simulator.count(DETAILS) - read == len(renamed)
    for lock_id in renamed:
        assert _device_name(hass, mock_config_entry, lock_id) == f"Moved {lock_id}"
    assert _device_name(hass, mock_config_entry, 1050) == "Extra 45"
    coordinator = coordinator_of(mock_config_entry, TedeeCoordinator)
    assert all(lock.detailed for lock in coordinator.data.locks.values())
    for _ in range(10):
        await advance(hass, freezer, TEDEE_POLL)
    assert await simulator.count(LISTING) == listed
    assert await simulator.count(DETAILS) - read == len(renamed)
    assert (await simulator.requests())["rate_limited"]["by_rules"] == 0


async def test_a_reload_within_the_sync_rule_shows_the_kept_locks_at_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A reload right after a sync: no request at all in setup, the next poll syncs.

    The lock's position moved meanwhile: the next poll (the 20 s rule allows it) shows it.
    """
    await _large_account(hass, mock_config_entry, simulator)
    before = (await simulator.requests())["total"]
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert len(lock_entity_ids(hass, mock_config_entry)) == 100
    assert _device_name(hass, mock_config_entry, 1001) == "Front door"
    # The sync slot was not free: nothing went to the lock list, the sync, or a lock.
    log = await simulator.requests()
    assert log["by_endpoint"][LISTING] == 10
    assert await simulator.count(DETAILS) == 0
    assert await simulator.count("GET /api/{version}/my/lock/sync") == 1
    await simulator.control("PATCH", "tedee/locks/1001", {"state": 2})
    await advance(hass, freezer, TEDEE_POLL)
    assert hass.states.get("lock.front_door").state == "unlocked"  # type: ignore[union-attr]
    log = await simulator.requests()
    assert log["total"] > before
    assert log["by_endpoint"][LISTING] == 10
    assert log["rate_limited"]["by_rules"] == 0


async def test_a_lock_added_while_unloaded_is_read_and_a_lock_gone_is_listed(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Added while unloaded: read on its own, with its name. Gone: a listing decides."""
    await _large_account(hass, mock_config_entry, simulator)
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await advance(hass, freezer, TEDEE_POLL)  # the next sync is allowed at setup
    await _add_locks(simulator, 1, prefix="Garage")
    added = max(simulator.world.tedee.locks)
    await simulator.control("DELETE", "tedee/locks/1020")
    listed, read = await simulator.count(LISTING), await simulator.count(DETAILS)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert await simulator.count(LISTING) == listed
    assert await simulator.count(DETAILS) - read == 1
    assert _device_name(hass, mock_config_entry, added) == "Garage 0"
    coordinator = coordinator_of(mock_config_entry, TedeeCoordinator)
    assert coordinator.data.locks[added].detailed
    # The lock the sync left out is kept (unavailable) until a complete listing decides.
    assert 1020 in coordinator.data.missing_locks
    assert _device_name(hass, mock_config_entry, 1020) is not None
    # Meanwhile the user may delete its device (a lock the sync still names may not be).
    devices = dr.async_get(hass)
    entry_id = mock_config_entry.entry_id
    gone_device = devices.async_get_device_by_identifier((DOMAIN, "tedee-1020"), entry_id)
    kept_device = devices.async_get_device_by_identifier((DOMAIN, f"tedee-{added}"), entry_id)
    assert gone_device is not None
    assert kept_device is not None
    assert await async_remove_config_entry_device(hass, mock_config_entry, gone_device)
    assert not await async_remove_config_entry_device(hass, mock_config_entry, kept_device)
    # Once the listing window (10 pages per 10 minutes, spent by setup) moved on: the lock
    # still expected is not there, so only the listing's end (an 11th page, in the window
    # after) tells that it is gone.
    for _ in range(2):
        await advance(hass, freezer, 600)
        await advance(hass, freezer, TEDEE_POLL)
    assert await simulator.count(LISTING) - listed == 11
    assert _device_name(hass, mock_config_entry, 1020) is None
    assert 1020 not in coordinator.data.locks
    assert (await simulator.requests())["rate_limited"]["by_rules"] == 0


async def test_removing_the_entry_drops_the_kept_details(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Kept while the entry is unloaded; gone once it is deleted (nothing stale survives)."""
    assert await setup_entry(hass, mock_config_entry)
    assert kept_details(hass, mock_config_entry.entry_id) is None
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    kept = kept_details(hass, mock_config_entry.entry_id)
    assert kept is not None
    assert sorted(kept.locks) == sorted(simulator.world.tedee.locks)
    assert await hass.config_entries.async_remove(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert kept_details(hass, mock_config_entry.entry_id) is None


async def test_a_listing_under_way_goes_on_after_a_reload(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Eight locks in pages of two, a window of two listings: the reload goes on at page 3."""
    monkeypatch.setitem(
        tedee_coordinator.TEDEE_LIMITS,  # type: ignore[arg-type]
        TedeeEndpoint.LOCKS,
        Limit(group="lock_list", window_count=2, window=600.0),
    )
    await simulator.control("POST", "tedee/config", {"max_page_size": 2, "lock_list_limit": 2})
    await _add_locks(simulator, 4)
    assert await setup_entry(hass, mock_config_entry)
    assert await simulator.count(LISTING) == 2
    coordinator = coordinator_of(mock_config_entry, TedeeCoordinator)
    assert not coordinator.data.locks[1005].detailed
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await advance(hass, freezer, 600)  # the window moved on
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    # Pages 3 and 4, not the whole listing again from page 1.
    assert await simulator.count(LISTING) == 4
    coordinator = coordinator_of(mock_config_entry, TedeeCoordinator)
    assert len(coordinator.data.locks) == 8
    assert all(lock.detailed for lock in coordinator.data.locks.values())
    assert _device_name(hass, mock_config_entry, 1008) == "Extra 3"
    assert await simulator.count(DETAILS) == 0
    assert (await simulator.requests())["rate_limited"]["by_rules"] == 0


async def test_an_entry_enabled_again_reads_the_account_afresh(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Disabled by the user, the entry keeps nothing; enabled again, it lists the account."""
    await _add_locks(simulator, 1, prefix="Shed")
    gone = max(simulator.world.tedee.locks)
    assert await setup_entry(hass, mock_config_entry)
    assert gone in coordinator_of(mock_config_entry, TedeeCoordinator).data.locks
    assert await hass.config_entries.async_set_disabled_by(
        mock_config_entry.entry_id, ConfigEntryDisabler.USER
    )
    await hass.async_block_till_done()
    assert kept_details(hass, mock_config_entry.entry_id) is None
    await simulator.control("DELETE", f"tedee/locks/{gone}")
    listed = await simulator.count(LISTING)
    assert await hass.config_entries.async_set_disabled_by(mock_config_entry.entry_id, None)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert await simulator.count(LISTING) > listed
    coordinator = coordinator_of(mock_config_entry, TedeeCoordinator)
    assert gone not in coordinator.data.locks
    assert _device_name(hass, mock_config_entry, gone) is not None  # for the user to delete
