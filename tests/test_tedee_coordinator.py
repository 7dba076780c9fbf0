"""Tedee coordinator paths: bulk re-reads, missing bridges, rate-limited actions."""

from __future__ import annotations

import re

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.tedee.coordinator import TedeeCoordinator

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


async def test_many_changed_locks_reread_the_whole_list(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """More than five changed revisions in one sync: one list read instead of many details."""
    for index in range(6):
        await simulator.control("POST", "tedee/locks", {"name": f"Shed {index}"})
    await simulator.control("DELETE", "requests")
    await advance(hass, freezer, TEDEE_POLL)
    log = await simulator.requests()
    # Two pages: the lock listing states no page size or total, so a first page shorter than
    # asked may be a server's cap; an empty second page confirms the end (see the Pager).
    assert log["by_endpoint"].get("GET /api/{version}/my/lock", 0) == 2
    assert log["by_endpoint"].get("GET /api/{version}/my/lock/{id}", 0) == 0
    assert len(coordinator_of(init_integration, TedeeCoordinator).data.locks) == 10


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
