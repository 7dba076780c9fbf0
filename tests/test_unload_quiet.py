"""Nothing polls after unload: not the poll an action brought forward, not an action's end."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.door_access.tedee.coordinator import TedeeCoordinator

from .conftest import Simulator
from .helpers import TEDEE_POLL, advance, coordinator_of, lock_call, run_action

SYNC = "GET /api/{version}/my/lock/sync"


async def _unlock_then(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Unlock the back door; the action brings the next poll forward (its slot is not free)."""
    await run_action(hass, freezer, lock_call(hass, "unlock", "lock.back_door"), max_seconds=5)


async def test_unload_right_after_an_action_sends_nothing_more(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """The poll an action brought forward is dropped at unload: the cloud hears nothing more."""
    coordinator = coordinator_of(init_integration, TedeeCoordinator)
    await _unlock_then(hass, freezer)
    assert coordinator._forward_timer.pending  # the brought-forward poll is pending
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    before = (await simulator.requests())["total"]
    # An action that ends only now (it was still following its operation) asks again.
    coordinator.bring_poll_forward()
    for _ in range(5):
        await advance(hass, freezer, TEDEE_POLL)
    assert (await simulator.requests())["total"] == before


async def test_reload_right_after_an_action_polls_only_from_the_new_entry(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a reload, every request comes from the new coordinator, one sync per poll."""
    old = coordinator_of(init_integration, TedeeCoordinator)
    await _unlock_then(hass, freezer)
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    new = coordinator_of(init_integration, TedeeCoordinator)
    assert new is not old
    sent_by_old: list[str] = []
    original = old.client.sync_locks

    async def counted_sync(*args: object) -> object:
        sent_by_old.append("sync")
        return await original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(old.client, "sync_locks", counted_sync)
    old.bring_poll_forward()  # as an action of the old entry ending late would
    syncs = (await simulator.requests())["by_endpoint"].get(SYNC, 0)
    polls = 5
    for _ in range(polls):
        await advance(hass, freezer, TEDEE_POLL)
    assert sent_by_old == []
    # The simulator heard one sync per poll of the new entry, no more.
    assert (await simulator.requests())["by_endpoint"][SYNC] - syncs == polls
    assert (await simulator.requests())["rate_limited"]["by_rules"] == 0


async def test_an_action_under_way_stops_following_at_unload(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Unloaded while an unlock is followed: no more status reads, a translated error."""
    task = hass.async_create_task(lock_call(hass, "unlock", "lock.back_door"))
    operation = "POST /api/{version}/my/lock/{id}/operation/unlock"
    for _ in range(100):
        await asyncio.sleep(0)
        if (await simulator.requests())["by_endpoint"].get(operation):
            break
    assert (await simulator.requests())["by_endpoint"][operation] == 1
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    before = (await simulator.requests())["total"]
    for _ in range(10):
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
        for _ in range(20):
            await asyncio.sleep(0)
    with pytest.raises(HomeAssistantError) as err:
        await task
    assert err.value.translation_key == "action_interrupted"
    await hass.async_block_till_done()
    assert (await simulator.requests())["total"] == before
