"""Tedee coordinator paths: bulk re-reads, missing bridges, rate-limited actions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.door_access.coordinator import TedeeCoordinator

from .conftest import Simulator


async def _advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move time forward and let every timer that fell due run."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _coordinator(entry: MockConfigEntry) -> TedeeCoordinator:
    coordinator = entry.runtime_data
    assert isinstance(coordinator, TedeeCoordinator)
    return coordinator


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
    await _advance(hass, freezer, 20)
    log = await simulator.requests()
    assert log["by_endpoint"].get("GET /api/{version}/my/lock", 0) == 1
    assert log["by_endpoint"].get("GET /api/{version}/my/lock/{id}", 0) == 0
    assert len(_coordinator(init_integration).data.locks) == 10


async def test_unreadable_bridges_are_not_an_error(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """An account whose bridge list cannot be read still loads, without bridges."""
    await simulator.control(
        "POST",
        "faults",
        {"kind": "malformed_json", "path_prefix": "/api/v37/my/bridge", "count": 1},
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert _coordinator(mock_config_entry).data.bridges == {}


async def test_rate_limited_actions(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A 429 on an action, then the actions held back while cooling down, say how long."""
    await simulator.control("POST", "faults", {"kind": "rate_limit", "retry_after": 90, "count": 1})
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            BUTTON_DOMAIN,
            SERVICE_PRESS,
            {ATTR_ENTITY_ID: "button.driveway_gate_open"},
            blocking=True,
        )
    assert err.value.translation_key == "rate_limited"
    assert "90 seconds" in str(err.value)
    total = (await simulator.requests())["total"]
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            BUTTON_DOMAIN,
            SERVICE_PRESS,
            {ATTR_ENTITY_ID: "button.driveway_gate_open"},
            blocking=True,
        )
    assert err.value.translation_key == "rate_limited"
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            LOCK_DOMAIN, "lock", {ATTR_ENTITY_ID: "lock.back_door"}, blocking=True
        )
    assert err.value.translation_key == "rate_limited"
    assert (await simulator.requests())["total"] == total


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
    task = hass.async_create_task(
        hass.services.async_call(
            LOCK_DOMAIN, "lock", {ATTR_ENTITY_ID: "lock.back_door"}, blocking=True
        )
    )
    for _ in range(40):
        for _ in range(20):
            await asyncio.sleep(0)
        if task.done():
            break
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
    await task
    assert simulator.world.tedee.locks[1002].state == 6


async def test_action_with_revoked_token_asks_for_reauth(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A token refused during an action fails it with Tedee's name and starts reauth."""
    await simulator.control("POST", "tokens/revoke", {"token": "demo-tedee-personal-key"})
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            BUTTON_DOMAIN,
            SERVICE_PRESS,
            {ATTR_ENTITY_ID: "button.driveway_gate_open"},
            blocking=True,
        )
    assert err.value.translation_key == "auth_failed"
    assert "Tedee" in str(err.value)
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
