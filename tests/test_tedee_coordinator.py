"""Tedee coordinator paths: bulk re-reads, missing bridges, rate-limited actions."""

from __future__ import annotations

import re

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.const import DOMAIN
from custom_components.door_access.tedee.coordinator import (
    DETAIL_READS_PER_POLL,
    TedeeCoordinator,
)

from .conftest import Simulator
from .helpers import (
    TEDEE_POLL,
    advance,
    coordinator_of,
    flow_sources,
    lock_call,
    press_button,
    run_action,
    setup_entry,
)


async def test_many_new_locks_are_read_by_one_listing_page(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """More than five new locks in one sync: one listing page instead of six single reads.

    The listing ends on its first page: it holds every lock the sync named, so no empty
    page is asked for only to learn that the listing ended.
    """
    for index in range(6):
        await simulator.control("POST", "tedee/locks", {"name": f"Shed {index}"})
    await simulator.control("DELETE", "requests")
    await advance(hass, freezer, TEDEE_POLL)
    log = await simulator.requests()
    assert log["by_endpoint"].get("GET /api/{version}/my/lock", 0) == 1
    assert log["by_endpoint"].get("GET /api/{version}/my/lock/{id}", 0) == 0
    coordinator = coordinator_of(init_integration, TedeeCoordinator)
    assert len(coordinator.data.locks) == 10
    assert all(lock.detailed for lock in coordinator.data.locks.values())


async def test_changed_revisions_are_read_one_by_one_never_by_a_listing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Every lock renamed at once: single reads within the per-poll cap, never a listing."""
    coordinator = coordinator_of(init_integration, TedeeCoordinator)
    lock_ids = sorted(coordinator.data.locks)
    for lock_id in lock_ids:
        await simulator.control("PATCH", f"tedee/locks/{lock_id}", {"name": f"Renamed {lock_id}"})
    await simulator.control("DELETE", "requests")
    await advance(hass, freezer, TEDEE_POLL)
    log = await simulator.requests()
    assert log["by_endpoint"].get("GET /api/{version}/my/lock", 0) == 0
    # As many as the poll's share of the hourly budget allows (about two), at most the cap.
    first = log["by_endpoint"].get("GET /api/{version}/my/lock/{id}", 0)
    assert 0 < first <= DETAIL_READS_PER_POLL
    assert first < len(lock_ids)
    await advance(hass, freezer, TEDEE_POLL)
    log = await simulator.requests()
    assert log["by_endpoint"].get("GET /api/{version}/my/lock", 0) == 0
    assert log["by_endpoint"].get("GET /api/{version}/my/lock/{id}", 0) == len(lock_ids)
    names = {lock.name for lock in coordinator.data.locks.values()}
    assert names == {f"Renamed {lock_id}" for lock_id in lock_ids}
    # The devices follow the new names (the user's own names would stay).
    registry = dr.async_get(hass)
    for lock_id in lock_ids:
        device = registry.async_get_device_by_identifier(
            (DOMAIN, f"tedee-{lock_id}"), init_integration.entry_id
        )
        assert device is not None
        assert device.name == f"Renamed {lock_id}"


async def test_unreadable_bridges_are_not_an_error(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """An account whose bridge list cannot be read still loads, without bridges."""
    await simulator.control(
        "POST",
        "faults",
        {"kind": "malformed_json", "path_prefix": "/api/v37/my/bridge", "count": 1},
    )
    assert await setup_entry(hass, mock_config_entry)
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert coordinator_of(mock_config_entry, TedeeCoordinator).data.bridges == {}


async def test_rate_limited_actions(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A 429 on opening a gate says how long to wait and holds back only that operation."""
    await simulator.control("POST", "faults", {"kind": "rate_limit", "retry_after": 90, "count": 1})
    with pytest.raises(HomeAssistantError) as err:
        await press_button(hass, "button.driveway_gate_open")
    assert err.value.translation_key == "rate_limited"
    # The cloud's Retry-After (90 s) plus the scheduler's safety margin.
    assert re.search(r"Wait 9[0-3] s before trying again", str(err.value))
    total = (await simulator.requests())["total"]
    with pytest.raises(HomeAssistantError) as err:
        await press_button(hass, "button.driveway_gate_open")
    assert err.value.translation_key == "rate_limited"
    assert (await simulator.requests())["total"] == total
    # Tedee refused the gate operation, not lock operations: locking still works.
    await run_action(hass, freezer, lock_call(hass, "lock", "lock.back_door"))
    assert hass.states.get("lock.back_door").state == "locked"


async def test_lock_sync_after_an_action_may_fail(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """When the lock cannot be re-read after an action, the action still succeeds."""
    await simulator.control(
        "POST",
        "faults",
        {"kind": "status", "status": 503, "path_prefix": "/api/v37/my/lock/1002/sync"},
    )
    await run_action(hass, freezer, lock_call(hass, "lock", "lock.back_door"))
    assert simulator.world.tedee.locks[1002].state == 6


async def test_action_with_revoked_token_asks_for_reauth(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A token refused during an action fails it with Tedee's name and starts reauth."""
    await simulator.control("POST", "tokens/revoke", {"token": "demo-tedee-personal-key"})
    with pytest.raises(HomeAssistantError) as err:
        await press_button(hass, "button.driveway_gate_open")
    assert err.value.translation_key == "auth_failed"
    assert "Tedee" in str(err.value)
    await hass.async_block_till_done()
    assert flow_sources(hass) == ["reauth"]
