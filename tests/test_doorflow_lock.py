"""DoorFlow doors as locks: modes, availability, open (admit), unlock (held) and lock (normal)."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN
from homeassistant.components.lock.const import LockEntityFeature
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_SUPPORTED_FEATURES,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from .conftest import DOORFLOW_KEY, Simulator

FRONT = "lock.front_door"  # 1201: online, normal
BACK = "lock.back_office"  # 1202: online, normal
WAREHOUSE = "lock.warehouse"  # 1203: offline


async def _advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move time forward and let every timer that fell due run."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _record_states(hass: HomeAssistant, entity_id: str) -> list[str]:
    """Collect every state the entity goes through from now on."""
    seen: list[str] = []

    def _on_change(event: Event[EventStateChangedData]) -> None:
        if event.data["entity_id"] == entity_id and (new := event.data["new_state"]):
            seen.append(new.state)

    hass.bus.async_listen("state_changed", _on_change)
    return seen


async def _run_action(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, action: Coroutine[Any, Any, Any]
) -> None:
    """Run a blocking service call while the clock moves one second at a time."""
    task = hass.async_create_task(action)
    for _ in range(200):
        for _ in range(20):
            await asyncio.sleep(0)
        if task.done():
            break
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
    try:
        await task
    finally:
        await hass.async_block_till_done()


def _call(hass: HomeAssistant, service: str, entity_id: str) -> Coroutine[Any, Any, Any]:
    """Return a blocking lock service call."""
    return hass.services.async_call(
        LOCK_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def test_entities_and_features(hass: HomeAssistant, init_doorflow: MockConfigEntry) -> None:
    """Each door is one lock named after its device, which can open (admit)."""
    entry = er.async_get(hass).async_get(FRONT)
    assert entry is not None
    assert entry.unique_id == "doorflow-1201-lock"
    assert entry.original_name is None
    state = hass.states.get(FRONT)
    assert state is not None
    assert state.name == "Front door"
    assert state.state == "locked"
    assert state.attributes[ATTR_SUPPORTED_FEATURES] == LockEntityFeature.OPEN
    assert _state(hass, BACK) == "locked"
    assert _state(hass, WAREHOUSE) == STATE_UNAVAILABLE  # offline: cannot be operated


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("unlock", "unlocked"), ("normal", "locked"), ("emergency", STATE_UNKNOWN)],
)
async def test_modes(  # noqa: PLR0917
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
    mode: str,
    expected: str,
) -> None:
    """Held unlocked is unlocked, normal is locked, a mode DoorFlow does not list is unknown."""
    simulator.world.doorflow.channels[1201].mode = mode
    await _advance(hass, freezer, 30)
    assert _state(hass, FRONT) == expected


async def test_offline_and_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A door whose controller goes offline is unavailable until it is back online."""
    await simulator.control("PATCH", "doorflow/channels/1201", {"status": "offline"})
    await simulator.control("PATCH", "doorflow/channels/1203", {"status": "online"})
    await _advance(hass, freezer, 30)
    assert _state(hass, FRONT) == STATE_UNAVAILABLE
    assert _state(hass, WAREHOUSE) == "locked"
    await simulator.control("PATCH", "doorflow/channels/1201", {"status": "pending_encryption"})
    await _advance(hass, freezer, 30)
    assert _state(hass, FRONT) == STATE_UNAVAILABLE


async def test_unlock_holds_the_door_then_lock_returns_to_normal(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Unlock shows unlocking, then unlocked (mode unlock); lock shows locking, then locked."""
    seen = _record_states(hass, FRONT)
    await _run_action(hass, freezer, _call(hass, "unlock", FRONT))
    assert seen == ["unlocking", "unlocked"]
    assert simulator.world.doorflow.channels[1201].mode == "unlock"
    assert await simulator.count("POST /api/3/channels/{id}/unlock") == 1
    assert await simulator.count("GET /api/3/channels/{id}") == 1

    seen.clear()
    await _run_action(hass, freezer, _call(hass, "lock", FRONT))
    assert seen == ["locking", "locked"]
    assert simulator.world.doorflow.channels[1201].mode == "normal"
    assert await simulator.count("POST /api/3/channels/{id}/normal") == 1


async def test_open_admits_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Open shows opening until the controller admitted, then locked again."""
    seen = _record_states(hass, FRONT)
    await _run_action(hass, freezer, _call(hass, "open", FRONT))
    assert seen == ["opening", "locked"]
    admissions = list(simulator.world.doorflow.admissions.values())
    assert [a.status for a in admissions] == ["admitted"]
    assert await simulator.count("POST /api/3/channels/{id}/admit") == 1
    assert await simulator.count("GET /api/3/admission_requests/{id}") >= 1
    assert simulator.world.doorflow.channels[1201].mode == "normal"


async def _lockdown(simulator: Simulator, channel_id: int) -> None:
    """Lock a door down through the DoorFlow API of the simulator."""
    async with simulator.session.post(
        f"{simulator.url}/api/3/channels/{channel_id}/lockdown",
        json={},
        headers={"Authorization": "Basic " + _basic(DOORFLOW_KEY)},
    ) as response:
        assert response.status == 200


def _basic(key: str) -> str:
    """Return the HTTP Basic credentials of a DoorFlow API key."""
    return base64.b64encode(f"{key}:X".encode()).decode()


async def _expect_error(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, service: str, key: str
) -> HomeAssistantError:
    """Run a service on the front door and check the translated error it raises."""
    seen = _record_states(hass, FRONT)
    with pytest.raises(HomeAssistantError) as err:
        await _run_action(hass, freezer, _call(hass, service, FRONT))
    assert err.value.translation_domain == "door_access"
    assert err.value.translation_key == key
    assert str(err.value)  # the message comes from translations/en.json
    assert seen[-1] != {"open": "opening", "unlock": "unlocking", "lock": "locking"}[service]
    return err.value


async def test_open_denied_in_lockdown(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A door in lockdown denies the admit."""
    await _lockdown(simulator, 1201)
    err = await _expect_error(hass, freezer, "open", "door_denied")
    assert "lockdown" in str(err)
    assert _state(hass, FRONT) == "locked"


async def test_open_offline(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A controller that went offline since the last poll answers the admit with offline."""
    await simulator.control("PATCH", "doorflow/channels/1201", {"status": "offline"})
    await _expect_error(hass, freezer, "open", "door_offline")
    # The door was re-read after the action: now unavailable.
    assert _state(hass, FRONT) == STATE_UNAVAILABLE


async def test_open_times_out_when_controller_is_silent(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """An unresponsive controller: the admit is given up after 30 s."""
    await simulator.control("PATCH", "doorflow/channels/1201", {"unresponsive": True})
    await _expect_error(hass, freezer, "open", "operation_timeout")
    assert _state(hass, FRONT) == "locked"


async def test_open_timeout_reported_by_doorflow(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """DoorFlow's own admission timeout is reported the same way."""
    await simulator.control("POST", "doorflow/config", {"admission_timeout": 5})
    await simulator.control("PATCH", "doorflow/channels/1201", {"unresponsive": True})
    await _expect_error(hass, freezer, "open", "operation_timeout")
    statuses = [a.status for a in simulator.world.doorflow.admissions.values()]
    assert statuses == ["timeout"]


async def test_open_refused_when_held_unlocked(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Admit works only in normal mode: a door held unlocked refuses it."""
    simulator.world.doorflow.channels[1201].mode = "unlock"
    await _expect_error(hass, freezer, "open", "door_refused")
    assert _state(hass, FRONT) == "unlocked"  # re-read after the action


async def test_action_on_removed_door(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """404: the door left the account since the last poll."""
    await simulator.control("DELETE", "doorflow/channels/1201")
    await _expect_error(hass, freezer, "unlock", "device_not_found")


async def test_action_when_cloud_is_down(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A server error is reported as not reaching DoorFlow."""
    await simulator.control("POST", "faults", {"kind": "status", "status": 503, "count": 5})
    err = await _expect_error(hass, freezer, "lock", "action_cannot_connect")
    assert "DoorFlow" in str(err)


async def test_action_with_revoked_key_asks_for_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A refused key during an action fails it and starts reauthentication."""
    await simulator.control("POST", "tokens/revoke", {"token": DOORFLOW_KEY})
    await _expect_error(hass, freezer, "unlock", "auth_failed")
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_action_rate_limited(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A 429 on an action says how long to wait; the next action waits without sending."""
    await simulator.control("POST", "faults", {"kind": "rate_limit", "retry_after": 60, "count": 1})
    err = await _expect_error(hass, freezer, "unlock", "rate_limited")
    assert "60 seconds" in str(err)
    total = (await simulator.requests())["total"]
    err = await _expect_error(hass, freezer, "lock", "rate_limited")
    assert (await simulator.requests())["total"] == total
