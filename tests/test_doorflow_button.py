"""The DoorFlow account's sync button: pushes changes, keeps the 30 s slot, reports 429."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from .conftest import DOORFLOW_KEY, Simulator
from .helpers import advance, flow_sources, press_button, state_of

SYNC = "button.demo_office_sync_door_controllers"
SYNC_ENDPOINT = "POST /api/3/sync"


async def test_button_on_the_account_device(
    hass: HomeAssistant, init_doorflow: MockConfigEntry
) -> None:
    """One sync button, on the account's device."""
    state = hass.states.get(SYNC)
    assert state is not None
    assert state.state == STATE_UNKNOWN
    assert state.name == "Demo Office Sync door controllers"


async def test_press_pushes_pending_changes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Pressing sends one sync; pending doors sync and the account then reads complete."""
    simulator.world.doorflow.channels[1201].sync_status = "pending"
    await advance(hass, freezer, 30)
    assert state_of(hass, "sensor.demo_office_sync_status") == "pending"

    await press_button(hass, SYNC)
    assert await simulator.count(SYNC_ENDPOINT) == 1
    await advance(hass, freezer, 1)  # the poll the sync brought forward
    assert state_of(hass, "sensor.front_door_sync_status") == "syncing"

    simulator.world.doorflow.channels[1203].status = "online"
    await advance(hass, freezer, 30)
    assert state_of(hass, "sensor.front_door_sync_status") == "ok"


async def test_second_press_waits_for_the_slot(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A press within 30 s of the last sync waits for the slot instead of causing a 429."""
    await press_button(hass, SYNC)
    assert await simulator.count(SYNC_ENDPOINT) == 1
    await advance(hass, freezer, 10)
    press = hass.async_create_task(press_button(hass, SYNC))
    waited = 0
    while not press.done() and waited < 40:
        for _ in range(20):
            await asyncio.sleep(0)
        if press.done():
            break
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
        waited += 1
        if waited < 19:
            assert await simulator.count(SYNC_ENDPOINT) == 1
    await press
    assert 19 <= waited <= 22
    assert await simulator.count(SYNC_ENDPOINT) == 2
    log = await simulator.requests()
    assert log["by_status"].get("429", 0) == 0


async def test_forced_429_is_reported_with_its_wait(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """When DoorFlow still answers 429 (a larger account), the error says how long to wait."""
    await simulator.control("POST", "doorflow/config", {"sync_interval": 90})
    await press_button(hass, SYNC)
    await advance(hass, freezer, 31)
    with pytest.raises(HomeAssistantError) as err:
        await press_button(hass, SYNC)
    assert err.value.translation_domain == "door_access"
    assert err.value.translation_key == "rate_limited"
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["seconds"] == "59"
    assert "59 seconds" in str(err.value)
    assert "DoorFlow" in str(err.value)

    # Nothing more is sent until retry_in passed; entities keep their state.
    total = (await simulator.requests())["total"]
    await advance(hass, freezer, 30)
    assert (await simulator.requests())["total"] == total
    assert state_of(hass, "lock.front_door") == "locked"
    await advance(hass, freezer, 30)
    await press_button(hass, SYNC)
    assert await simulator.count(SYNC_ENDPOINT) == 3


async def test_press_while_cooling_down(
    hass: HomeAssistant, init_doorflow: MockConfigEntry, simulator: Simulator
) -> None:
    """A press while the account waits for a Retry-After is refused at once, with the wait."""
    await simulator.control("POST", "faults", {"kind": "rate_limit", "retry_after": 45, "count": 1})
    with pytest.raises(HomeAssistantError) as err:
        await press_button(hass, SYNC)
    assert err.value.translation_key == "rate_limited"
    total = (await simulator.requests())["total"]
    with pytest.raises(HomeAssistantError) as err:
        await press_button(hass, SYNC)
    assert err.value.translation_key == "rate_limited"
    assert (await simulator.requests())["total"] == total


@pytest.mark.parametrize(
    ("fault", "key"),
    [
        ({"kind": "status", "status": 500}, "action_cannot_connect"),
        ({"kind": "unauthorized"}, "auth_failed"),
    ],
)
async def test_press_errors(
    hass: HomeAssistant,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
    fault: dict[str, object],
    key: str,
) -> None:
    """A server error or a refused key comes back as a translated error."""
    await simulator.control("POST", "faults", fault | {"count": 1})
    with pytest.raises(HomeAssistantError) as err:
        await press_button(hass, SYNC)
    assert err.value.translation_key == key


async def test_press_without_sync_scope(
    hass: HomeAssistant, init_doorflow: MockConfigEntry, simulator: Simulator
) -> None:
    """A key without the sync scope (403) asks for a new key."""
    await simulator.control("POST", "tokens/revoke", {"token": DOORFLOW_KEY})
    with pytest.raises(HomeAssistantError) as err:
        await press_button(hass, SYNC)
    assert err.value.translation_key == "auth_failed"
    await hass.async_block_till_done()
    assert flow_sources(hass) == ["reauth"]
