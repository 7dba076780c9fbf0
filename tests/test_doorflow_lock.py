"""DoorFlow doors as locks: modes, availability, open (admit), unlock (held) and lock (normal)."""

from __future__ import annotations

import base64
import re

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock.const import LockEntityFeature
from homeassistant.const import (
    ATTR_SUPPORTED_FEATURES,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.api import DoorFlowBadResponseError
from custom_components.door_access.doorflow.coordinator import DoorFlowCoordinator

from .conftest import DOORFLOW_KEY, Simulator
from .helpers import (
    advance,
    assert_translated,
    coordinator_of,
    flow_sources,
    lock_call,
    record_states,
    run_action,
    state_of,
)

FRONT = "lock.head_office_front_door"  # 1201: online, normal
BACK = "lock.head_office_back_office"  # 1202: online, normal
WAREHOUSE = "lock.warehouse_warehouse"  # 1203: offline


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
    assert state_of(hass, BACK) == "locked"
    assert state_of(hass, WAREHOUSE) == STATE_UNAVAILABLE  # offline: cannot be operated


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
    await advance(hass, freezer, 30)
    assert state_of(hass, FRONT) == expected


async def test_offline_and_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A door whose controller goes offline is unavailable until it is back online."""
    await simulator.control("PATCH", "doorflow/channels/1201", {"status": "offline"})
    await simulator.control("PATCH", "doorflow/channels/1203", {"status": "online"})
    await advance(hass, freezer, 30)
    assert state_of(hass, FRONT) == STATE_UNAVAILABLE
    assert state_of(hass, WAREHOUSE) == "locked"
    await simulator.control("PATCH", "doorflow/channels/1201", {"status": "pending_encryption"})
    await advance(hass, freezer, 30)
    assert state_of(hass, FRONT) == STATE_UNAVAILABLE


async def test_unlock_holds_the_door_then_lock_returns_to_normal(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Unlock shows unlocking, then unlocked (mode unlock); lock shows locking, then locked."""
    seen = record_states(hass, FRONT)
    await run_action(hass, freezer, lock_call(hass, "unlock", FRONT), max_seconds=200)
    assert seen == ["unlocking", "unlocked"]
    assert simulator.world.doorflow.channels[1201].mode == "unlock"
    assert await simulator.count("POST /api/3/channels/{id}/unlock") == 1
    # The command's answer is the door: no extra read.
    assert await simulator.count("GET /api/3/channels/{id}") == 0

    seen.clear()
    await run_action(hass, freezer, lock_call(hass, "lock", FRONT), max_seconds=200)
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
    seen = record_states(hass, FRONT)
    await run_action(hass, freezer, lock_call(hass, "open", FRONT), max_seconds=200)
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
    seen = record_states(hass, FRONT)
    with pytest.raises(HomeAssistantError) as err:
        await run_action(hass, freezer, lock_call(hass, service, FRONT), max_seconds=200)
    assert_translated(err.value, key)
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
    assert state_of(hass, FRONT) == "locked"


async def test_open_offline(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A controller that went offline since the last poll answers the admit with offline."""
    await simulator.control("PATCH", "doorflow/channels/1201", {"status": "offline"})
    await _expect_error(hass, freezer, "open", "door_offline")
    # The failed action brings the next poll forward (after the call returned): unavailable.
    await advance(hass, freezer, 1)
    assert state_of(hass, FRONT) == STATE_UNAVAILABLE


async def test_open_times_out_when_controller_is_silent(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """An unresponsive controller: the admit is given up after 30 s."""
    await simulator.control("PATCH", "doorflow/channels/1201", {"unresponsive": True})
    await _expect_error(hass, freezer, "open", "operation_timeout")
    assert state_of(hass, FRONT) == "locked"


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
    await advance(hass, freezer, 1)  # the poll brought forward by the failure
    assert state_of(hass, FRONT) == "unlocked"


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
    assert flow_sources(hass) == ["reauth"]


async def test_action_rate_limited(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A 429 on unlock says how long to wait and blocks unlock only, not the other commands."""
    await simulator.control("POST", "faults", {"kind": "rate_limit", "retry_after": 60, "count": 1})
    err = await _expect_error(hass, freezer, "unlock", "rate_limited")
    assert re.search(r"Wait 6[0-3] s before trying again", str(err))
    total = (await simulator.requests())["total"]
    # The same command again is refused without being sent (DoorFlow's window still runs).
    await _expect_error(hass, freezer, "unlock", "rate_limited")
    assert (await simulator.requests())["total"] == total
    # Another command was not refused by DoorFlow: it goes out.
    await run_action(hass, freezer, lock_call(hass, "lock", FRONT), max_seconds=200)
    assert await simulator.count("POST /api/3/channels/{id}/normal") == 1


async def test_action_refused_for_the_account_s_plan(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A 402 says the account's plan or licence refused it, with DoorFlow's own words."""
    await simulator.control("POST", "faults", {"kind": "status", "status": 402, "count": 1})
    err = await _expect_error(hass, freezer, "lock", "payment_required_detail")
    assert str(err) == (
        "DoorFlow refused the action because of the account's plan or licence: "
        "Simulated HTTP 402 failure"
    )
    assert not flow_sources(hass)  # not a credentials problem


async def test_action_refused_for_the_plan_without_words(
    hass: HomeAssistant, init_doorflow: MockConfigEntry
) -> None:
    """A 402 without a message still says what it is."""
    coordinator = coordinator_of(init_doorflow, DoorFlowCoordinator)
    err = coordinator.action_error(DoorFlowBadResponseError("GET account: HTTP 402", status=402))
    assert err.translation_key == "payment_required"
    assert str(err) == (
        "DoorFlow refused the action because of the account's plan or licence (payment required)"
    )
