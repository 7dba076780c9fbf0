"""Tedee bridge push: a real Home Assistant, its webhook served on loopback, the simulator's bridge.

The bridge's encrypted token is single-use per millisecond of the wall clock, so these tests run
on real time (no frozen clock); the bridge health check runs every 0.5 s instead of 20 s.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
import copy
import json
from pathlib import Path
from typing import Any

from aiotedee import TedeeLocalClient
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.door_access.const import DOMAIN
from custom_components.door_access.diagnostics import async_get_config_entry_diagnostics
from custom_components.door_access.tedee import bridge_push, pushed_activity
from custom_components.door_access.tedee.bridge_client import BridgeAddress
from custom_components.door_access.tedee.bridge_push import new_bridge_config
from custom_components.door_access.tedee.const import CONF_BRIDGES
from custom_components.door_access.tedee.coordinator import PUSH_HEALTH_POLL, TedeeCoordinator
from simulator import load_scenario

from .conftest import Simulator
from .helpers import coordinator_of, lock_call, state_of

FRONT = "lock.front_door"  # 1001: locked, pull spring
BACK = "lock.back_door"  # 1002: unlocked
OFFICE = "lock.office"  # 1004: locked
SENSOR = "sensor.demo_data_updates"


async def wait_for(check: Callable[[], bool], within: float = 5.0) -> None:
    """Wait (in real time) until `check()` holds."""
    async with asyncio.timeout(within):
        while not check():  # noqa: ASYNC110 - what changes is Home Assistant's state
            await asyncio.sleep(0.02)


@pytest.fixture(autouse=True)
def quick_health_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check the bridges every half second (20 s in use)."""
    monkeypatch.setattr(bridge_push, "HEALTH_INTERVAL", 0.5)


@pytest.fixture
async def served_hass(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, simulator: Simulator
) -> AsyncIterator[str]:
    """Serve Home Assistant's HTTP app on loopback; make it the instance's internal URL.

    Afterwards the entries unload and the bridges forget every callback, so that no bridge
    calls the server while it closes.
    """
    # Everything the integration needs registers its views before the router freezes.
    assert await async_setup_component(hass, DOMAIN, {})
    client = await hass_client_no_auth()
    url = str(client.make_url("")).rstrip("/")
    await async_process_ha_core_config(hass, {"internal_url": url})
    yield url
    for entry in hass.config_entries.async_entries(DOMAIN):
        await hass.config_entries.async_unload(entry.entry_id)
    for bridge_id in await bridges(simulator):
        await simulator.control("DELETE", f"tedee/bridges/{bridge_id}/callbacks")
    await hass.async_block_till_done()


async def bridges(simulator: Simulator) -> dict[int, dict[str, Any]]:
    """Return the simulator's bridges by id (port, URL, token, callbacks)."""
    listed = await simulator.control("GET", "tedee/bridges")
    return {item["id"]: item for item in listed}


def bridge_option(bridge: dict[str, Any]) -> dict[str, str]:
    """Return the option storing a bridge of the simulator."""
    address = BridgeAddress.parse(f"127.0.0.1:{bridge['port']}")
    return new_bridge_config(address, bridge["config"]["token"])


OFFICE_UNLOCKED_PUSH: dict[str, Any] = {
    "event": "lock-status-changed",
    "timestamp": "2026-12-04T10:00:00.000Z",
    "data": {"deviceType": 2, "deviceId": 1004, "state": 2, "jammed": 0},
}
"""A bridge's push: the office lock (1004) unlocked."""


async def our_callback(simulator: Simulator) -> dict[str, Any]:
    """Return the callback our entry registered on bridge 9001 (its URL and secret header)."""
    callback: dict[str, Any] = (await bridges(simulator))[9001]["callbacks"][0]
    return callback


async def setup_with_bridges(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: Simulator, ids: tuple[int, ...]
) -> TedeeCoordinator:
    """Set the entry up with the given bridges and wait until every one pushes."""
    served = await bridges(simulator)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_BRIDGES: [bridge_option(served[i]) for i in ids]}
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    coordinator = coordinator_of(entry, TedeeCoordinator)
    await wait_for(lambda: coordinator.push.status.active)
    return coordinator


async def test_subscribes_and_shows_a_hand_turned_lock_within_a_second(
    hass: HomeAssistant, served_hass: str, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Our callback (POST, a secret header) is on the bridge; a turned lock shows in < 1 s."""
    coordinator = await setup_with_bridges(hass, mock_config_entry, simulator, (9001,))
    callbacks = (await bridges(simulator))[9001]["callbacks"]
    assert len(callbacks) == 1
    assert callbacks[0]["url"].startswith(f"{served_hass}/api/webhook/")
    assert callbacks[0]["method"] == "POST"
    assert list(callbacks[0]["headers"][0]) == [bridge_push.SECRET_HEADER]
    assert state_of(hass, SENSOR) == "push"
    assert state_of(hass, OFFICE) == "locked"
    syncs_before = await simulator.count("GET /api/{version}/my/lock/sync")
    reads_before = await simulator.count("/my/deviceactivity")
    await simulator.control("PATCH", "tedee/locks/1004", {"state": 2})  # turned by hand
    loop = asyncio.get_running_loop()
    started = loop.time()
    await wait_for(lambda: state_of(hass, OFFICE) == "unlocked", within=1.0)
    assert loop.time() - started < 1.0
    # Shown from the push, not a poll; "who" is read from the cloud at once.
    assert await simulator.count("GET /api/{version}/my/lock/sync") == syncs_before
    # The lock's activity is read from the cloud right after the push (who turned it).
    loop_end = loop.time() + 3.0
    while await simulator.count("/my/deviceactivity") == reads_before:
        assert loop.time() < loop_end, "no activity read after the push"
        await asyncio.sleep(0.05)
    await wait_for(lambda: coordinator.activity.pending == frozenset())
    assert coordinator._next_poll_in() >= PUSH_HEALTH_POLL
    diagnostics = await async_get_config_entry_diagnostics(hass, mock_config_entry)
    push = diagnostics["push"]
    assert push["active"] is True
    assert push["state"] == "active"
    assert push["last_push_received"] is not None
    assert push["lock_polling"] == f"every {PUSH_HEALTH_POLL:.0f} s"
    text = json.dumps(diagnostics)
    option = mock_config_entry.options[CONF_BRIDGES][0]
    assert option["token"] not in text
    assert option["webhook_id"] not in text


async def test_a_held_back_activity_read_after_a_push_is_tried_again_soon(
    hass: HomeAssistant,
    served_hass: str,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The cloud refuses the activity read a push started: it is read again seconds later.

    Not at the next poll (minutes away while the bridge pushes): "who" still follows.
    """
    monkeypatch.setattr(pushed_activity, "PUSHED_READ_RETRY", 0.3)
    coordinator = await setup_with_bridges(hass, mock_config_entry, simulator, (9001,))
    await wait_for(lambda: coordinator.activity.pending == frozenset())
    reads = await simulator.count("/my/deviceactivity")
    await simulator.control(
        "POST",
        "faults",
        {"kind": "status", "status": 503, "path_prefix": "/api/v37/my/deviceactivity", "count": 1},
    )
    await simulator.control("PATCH", "tedee/locks/1004", {"state": 2})
    await wait_for(lambda: state_of(hass, OFFICE) == "unlocked", within=1.0)
    await wait_for(lambda: coordinator.activity.pending == frozenset(), within=5.0)
    assert await simulator.count("/my/deviceactivity") >= reads + 2
    assert coordinator._next_poll_in() >= PUSH_HEALTH_POLL


async def test_two_held_back_pushed_reads_share_one_retry_and_none_runs_after_unload(
    hass: HomeAssistant,
    served_hass: str,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two pushed moves whose reads are refused are both read by the one retry; unloaded: none.

    The second refusal finds a retry pending and keeps it (one timer); a read that starts
    after the entry unloaded sends no request.
    """
    monkeypatch.setattr(pushed_activity, "PUSHED_READ_RETRY", 1.0)
    coordinator = await setup_with_bridges(hass, mock_config_entry, simulator, (9001,))
    await wait_for(lambda: coordinator.activity.pending == frozenset())
    fault = {"kind": "status", "status": 503, "path_prefix": "/api/v37/my/deviceactivity"}
    await simulator.control("POST", "faults", {**fault, "count": 2})
    await simulator.control("PATCH", "tedee/locks/1004", {"state": 2})
    await wait_for(lambda: coordinator.pushed_activity._retry.pending, within=1.0)
    await simulator.control("PATCH", "tedee/locks/1002", {"state": 6})
    await wait_for(lambda: coordinator.activity.pending == frozenset({1002, 1004}), within=1.0)
    await wait_for(lambda: coordinator.activity.pending == frozenset(), within=5.0)
    assert state_of(hass, OFFICE) == "unlocked"
    assert state_of(hass, BACK) == "locked"

    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    reads = await simulator.count("/my/deviceactivity")
    coordinator.activity.mark(1004)
    coordinator.pushed_activity.read_soon()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert await simulator.count("/my/deviceactivity") == reads


async def test_refused_pushes_are_counted_by_reason(
    hass: HomeAssistant, served_hass: str, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Forged, replayed, duplicated and wrong-header calls change nothing and are counted."""
    coordinator = await setup_with_bridges(hass, mock_config_entry, simulator, (9001,))
    await simulator.control("POST", "tedee/bridges/9001", {"duplicate": True})
    await simulator.control("PATCH", "tedee/locks/1004", {"state": 2})
    link = coordinator.push.links[0]
    await wait_for(lambda: link.status.refused["duplicate"] == 1)
    await simulator.control("POST", "tedee/bridges/9001", {"duplicate": False})
    await simulator.control("POST", "tedee/bridges/9001/replay")
    await wait_for(lambda: link.status.refused["duplicate"] == 2)
    await simulator.control("POST", "tedee/bridges/9001", {"wrong_headers": True})
    await simulator.control("PATCH", "tedee/locks/1001", {"state": 2})
    await wait_for(lambda: link.status.refused["bad_header"] == 1)
    url = (await bridges(simulator))[9001]["callbacks"][0]["url"]
    forged = await simulator.session.post(url, json={"event": "lock-status-changed"})
    assert forged.status == 200
    await wait_for(lambda: link.status.refused["bad_header"] == 2)
    assert state_of(hass, OFFICE) == "unlocked"  # the one true push
    diagnostics = await async_get_config_entry_diagnostics(hass, mock_config_entry)
    assert diagnostics["push"]["bridges"][0]["refused"] == {"bad_header": 2, "duplicate": 2}


async def test_lock_unlock_open_through_the_bridge_then_the_cloud_when_it_is_gone(
    hass: HomeAssistant, served_hass: str, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Commands go to the bridge (no cloud operation, no library sleep); unreachable: cloud."""
    await setup_with_bridges(hass, mock_config_entry, simulator, (9001,))
    loop = asyncio.get_running_loop()
    started = loop.time()
    await lock_call(hass, "lock", BACK)
    # aiotedee would sleep 5 s here; under that with room for a slow, loaded machine.
    assert loop.time() - started < 4.0
    await wait_for(lambda: state_of(hass, BACK) == "locked")
    await lock_call(hass, "unlock", BACK)
    await wait_for(lambda: state_of(hass, BACK) == "unlocked")
    await lock_call(hass, "open", FRONT)
    await wait_for(lambda: simulator.world.tedee.locks[1001].state in {7, 8, 2})
    operations = await simulator.requests()
    assert not [k for k in operations["by_endpoint"] if "/operation/" in k]
    await simulator.control("POST", "tedee/bridges/9001", {"unreachable": True})
    await lock_call(hass, "lock", OFFICE.replace("office", "back_door"))
    assert simulator.world.tedee.locks[1002].state == 6
    assert await simulator.count("POST /api/{version}/my/lock/{id}/operation/lock") == 1


async def test_bridge_silent_falls_back_to_polling_and_returns(
    hass: HomeAssistant, served_hass: str, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A silent bridge: the health check sees the state no push brought; polling resumes."""
    coordinator = await setup_with_bridges(hass, mock_config_entry, simulator, (9001,))
    await coordinator.async_refresh()  # a poll while pushed: the next one in 5 minutes
    assert coordinator.push.status.polling_interval == PUSH_HEALTH_POLL
    await simulator.control("POST", "tedee/bridges/9001", {"silent": True})
    await simulator.control("PATCH", "tedee/locks/1004", {"state": 2})
    await wait_for(lambda: not coordinator.push.status.active)
    assert coordinator.push.status.reason == "silent"
    assert state_of(hass, SENSOR) == "polling"
    assert state_of(hass, OFFICE) == "unlocked"  # the health check showed it
    assert coordinator._next_poll_in() < PUSH_HEALTH_POLL
    # The slow health-check timer is replaced: the cloud is synced as soon as its 20 s rule
    # allows, not 5 minutes later.
    syncs = await simulator.count("GET /api/{version}/my/lock/sync")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 25.0
    while await simulator.count("GET /api/{version}/my/lock/sync") == syncs:
        assert loop.time() < deadline, "no cloud sync after push was lost"
        await asyncio.sleep(0.2)
    diagnostics = await async_get_config_entry_diagnostics(hass, mock_config_entry)
    assert diagnostics["push"]["active"] is False
    assert diagnostics["push"]["state"] == "silent"
    await simulator.control("POST", "tedee/bridges/9001", {"silent": False})
    await simulator.control("PATCH", "tedee/locks/1004", {"state": 6})
    await wait_for(lambda: coordinator.push.status.active)
    assert state_of(hass, OFFICE) == "locked"
    assert state_of(hass, SENSOR) == "push"


async def test_unreachable_bridge_falls_back_and_returns(
    hass: HomeAssistant, served_hass: str, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """An unreachable bridge says so; once it answers again, push is active again."""
    coordinator = await setup_with_bridges(hass, mock_config_entry, simulator, (9001,))
    await simulator.control("POST", "tedee/bridges/9001", {"unreachable": True})
    await wait_for(lambda: coordinator.push.status.reason == "unreachable", within=10)
    assert coordinator._next_poll_in() < PUSH_HEALTH_POLL
    await simulator.control("POST", "tedee/bridges/9001", {"unreachable": False})
    await wait_for(lambda: coordinator.push.status.active, within=10)


async def test_built_in_cleanup_deletes_our_callback_and_it_comes_back(
    hass: HomeAssistant, served_hass: str, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """What the built-in tedee integration does at setup; ours is registered again; theirs stays.

    On unload only our own callback is deleted (by id), never the built-in integration's.
    """
    coordinator = await setup_with_bridges(hass, mock_config_entry, simulator, (9001,))
    served = (await bridges(simulator))[9001]
    builtin = TedeeLocalClient(
        local_token=served["config"]["token"], local_ip="127.0.0.1", session=simulator.session
    )
    builtin._local_api_base = served["url"]
    ours_before = {h["id"] for h in await builtin.get_webhooks()}
    await builtin.cleanup_webhooks_by_host(served_hass)
    theirs = await builtin.register_webhook(f"{served_hass}/api/webhook/builtin")
    # Our health check may already have registered ours again; the old one is gone either way.
    after_cleanup = {h["id"] for h in await builtin.get_webhooks()}
    assert theirs in after_cleanup
    assert not ours_before & after_cleanup
    link = coordinator.push.links[0]
    await wait_for(lambda: link.reregistered == 1)
    hooks = await builtin.get_webhooks()
    assert len(hooks) == 2
    await simulator.control("PATCH", "tedee/locks/1004", {"state": 2})
    await wait_for(lambda: state_of(hass, OFFICE) == "unlocked", within=2)
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    assert [h["id"] for h in await builtin.get_webhooks()] == [theirs]


async def test_health_checks_go_on_after_a_bridge_answered_garbage(
    hass: HomeAssistant, served_hass: str, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A bridge answering what is not its API (a captive page) counts as unreachable.

    Even when that is its first answer, the health checks go on: once it answers again our
    callback is registered, and when the built-in integration's cleanup deletes it, it is
    registered again — with no lock moving at any time.
    """
    await simulator.control("POST", "tedee/bridges/9001", {"garbled": True})
    served = await bridges(simulator)
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, options={CONF_BRIDGES: [bridge_option(served[9001])]}
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    coordinator = coordinator_of(mock_config_entry, TedeeCoordinator)
    link = coordinator.push.links[0]
    await wait_for(lambda: link.status.reason == "unreachable")
    assert state_of(hass, SENSOR) == "polling"
    assert (await bridges(simulator))[9001]["callbacks"] == []

    await simulator.control("POST", "tedee/bridges/9001", {"garbled": False})
    await wait_for(lambda: coordinator.push.status.active, within=5)
    assert len((await bridges(simulator))[9001]["callbacks"]) == 1
    await simulator.control("DELETE", "tedee/bridges/9001/callbacks")  # the built-in's cleanup
    await wait_for(lambda: link.reregistered == 1, within=5)
    assert len((await bridges(simulator))[9001]["callbacks"]) == 1
    assert coordinator.push.status.active

    # Garbage mid-run: back to polling within a health check, and push again after.
    await simulator.control("POST", "tedee/bridges/9001", {"garbled": True})
    await wait_for(lambda: not coordinator.push.status.active, within=5)
    assert coordinator.push.status.reason == "unreachable"
    await simulator.control("POST", "tedee/bridges/9001", {"garbled": False})
    await wait_for(lambda: coordinator.push.status.active, within=5)


async def test_registered_again_is_counted_once_the_bridge_has_it(
    hass: HomeAssistant, served_hass: str, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Our callback deleted from a slow bridge: counted as registered again only once it is.

    Diagnostics (and the tests that wait for the count) read it as the bridge having ours.
    """
    coordinator = await setup_with_bridges(hass, mock_config_entry, simulator, (9001,))
    link = coordinator.push.links[0]
    await simulator.control("POST", "tedee/bridges/9001", {"delay": 0.1})
    await simulator.control("DELETE", "tedee/bridges/9001/callbacks")  # the built-in's cleanup
    await wait_for(lambda: link.reregistered == 1)
    (hook,) = (await bridges(simulator))[9001]["callbacks"]
    assert hook["id"] == link.callback_id
    diagnostics = await async_get_config_entry_diagnostics(hass, mock_config_entry)
    assert diagnostics["push"]["bridges"][0]["callback_registered_again"] == 1


async def test_a_new_home_assistant_address_replaces_our_callback(
    hass: HomeAssistant, served_hass: str, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Home Assistant's address changes (a new IP): the next health check moves our callback.

    The one under the old address (ours: our webhook's path) is deleted, not left behind for
    the bridge to call forever; the built-in integration's callback stays.
    """
    coordinator = await setup_with_bridges(hass, mock_config_entry, simulator, (9001,))
    served = (await bridges(simulator))[9001]
    builtin = TedeeLocalClient(
        local_token=served["config"]["token"], local_ip="127.0.0.1", session=simulator.session
    )
    builtin._local_api_base = served["url"]
    theirs = await builtin.register_webhook(f"{served_hass}/api/webhook/builtin")
    link = coordinator.push.links[0]
    [before] = [h for h in served["callbacks"] if h["url"] != f"{served_hass}/api/webhook/builtin"]
    moved = served_hass.replace("127.0.0.1", "localhost")
    await async_process_ha_core_config(hass, {"internal_url": moved})
    await wait_for(lambda: link.reregistered == 1, within=5)
    hooks = await builtin.get_webhooks()
    assert sorted(h["url"] for h in hooks) == sorted(
        [f"{served_hass}/api/webhook/builtin", before["url"].replace(served_hass, moved)]
    )
    assert theirs in [h["id"] for h in hooks]
    await async_process_ha_core_config(hass, {"internal_url": served_hass})
    await wait_for(lambda: link.reregistered == 2, within=5)
    assert len(await builtin.get_webhooks()) == 2


async def test_reload_registers_once_and_keeps_pushing(
    hass: HomeAssistant, served_hass: str, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A reload leaves one callback of ours (the old one deleted), and pushes still arrive."""
    await setup_with_bridges(hass, mock_config_entry, simulator, (9001,))
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    coordinator = coordinator_of(mock_config_entry, TedeeCoordinator)
    await wait_for(lambda: coordinator.push.status.active)
    assert len((await bridges(simulator))[9001]["callbacks"]) == 1
    await simulator.control("PATCH", "tedee/locks/1004", {"state": 2})
    await wait_for(lambda: state_of(hass, OFFICE) == "unlocked", within=2)


async def test_unload_waits_for_a_health_check_under_way(
    hass: HomeAssistant, served_hass: str, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A check registering our callback again while the entry unloads leaves none behind.

    The bridge answers slowly, so the check (after the built-in integration's cleanup) is still
    on its way when the unload deletes our callback; the check it let finish first registered
    ours again, and the unload deletes that one: the bridge calls no webhook nobody serves.
    """
    coordinator = await setup_with_bridges(hass, mock_config_entry, simulator, (9001,))
    link = coordinator.push.links[0]
    await simulator.control("DELETE", "tedee/bridges/9001/callbacks")  # the built-in's cleanup
    await simulator.control("POST", "tedee/bridges/9001", {"delay": 0.3})
    check = hass.async_create_task(link.async_check())
    await asyncio.sleep(0.05)  # the check is waiting for the bridge's lock states
    assert not check.done()
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    assert check.done()
    await check
    assert (await bridges(simulator))[9001]["callbacks"] == []
    assert link.callback_id is None
    await link.async_check()  # stopped: no check registers it again
    assert (await bridges(simulator))[9001]["callbacks"] == []


async def test_no_bridge_polls_as_today(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Without a bridge: polling at the normal rate, the sensor says so."""
    coordinator = coordinator_of(init_integration, TedeeCoordinator)
    assert state_of(hass, SENSOR) == "polling"
    assert coordinator._next_poll_in() < PUSH_HEALTH_POLL
    assert coordinator.push.status.reason == "no_bridge"
    entity = er.async_get(hass).async_get(SENSOR)
    assert entity is not None
    assert entity.entity_category == "diagnostic"


@pytest.fixture
def two_bridges_scenario(tmp_path: Path) -> str:
    """Write the home scenario with a second bridge holding locks 1003 and 1004."""
    data = copy.deepcopy(load_scenario("home").data)
    data["tedee"]["bridges"].append({"id": 9002, "name": "Garage bridge", "serialNumber": "B2"})
    for lock in data["tedee"]["locks"]:
        if lock["id"] in {1003, 1004}:
            lock["connectedToId"] = 9002
    path = tmp_path / "two-bridges.json"
    path.write_text(json.dumps(data))
    return str(path)


@pytest.mark.parametrize("scenario_name", [pytest.param("two", id="two-bridges")], indirect=True)
async def test_two_bridges(
    hass: HomeAssistant,
    served_hass: str,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Each bridge pushes its own locks; commands go to the lock's own bridge."""
    coordinator = await setup_with_bridges(hass, mock_config_entry, simulator, (9001, 9002))
    first, second = coordinator.push.links
    assert first.lock_ids == {1001, 1002}
    assert second.lock_ids == {1003, 1004}
    await simulator.control("PATCH", "tedee/locks/1004", {"state": 2})
    await simulator.control("PATCH", "tedee/locks/1002", {"state": 6})
    await wait_for(lambda: state_of(hass, OFFICE) == "unlocked", within=2)
    await wait_for(lambda: state_of(hass, BACK) == "locked", within=2)
    assert second.status.last_push is not None
    assert first.status.last_push is not None
    await simulator.control("POST", "tedee/bridges/9002", {"unreachable": True})
    await wait_for(lambda: not coordinator.push.status.active, within=10)
    assert coordinator.push.link_for(1001) is first
    assert coordinator.push.link_for(1004) is None


@pytest.fixture
def scenario_name(request: pytest.FixtureRequest) -> str:
    """Return the home scenario, or the two-bridges one for the test that asks for it."""
    if getattr(request, "param", None) == "two":
        path: str = request.getfixturevalue("two_bridges_scenario")
        return path
    return "home"


async def test_options_add_check_and_remove_bridges(
    hass: HomeAssistant, served_hass: str, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The options' bridges step contacts the bridge: bad address, token, no answer, twice."""
    served = (await bridges(simulator))[9001]
    settings = {
        "poll_interval": 20,
        "gate_interval": 300,
        "unlock_behavior": "unlock",
        "activity_interval": 15,
    }

    async def bridges_step() -> dict[str, Any]:
        result = await hass.config_entries.options.async_init(init_integration.entry_id)
        result = await hass.config_entries.options.async_configure(result["flow_id"], settings)
        assert result["step_id"] == "bridges"
        return dict(result)

    address = f"127.0.0.1:{served['port']}"
    result = await bridges_step()
    for given, field, error in (
        ({"bridge_address": "http://x/y"}, "bridge_address", "invalid_bridge_address"),
        ({"bridge_address": address, "bridge_token": " "}, "bridge_token", "invalid_bridge_token"),
        (
            {"bridge_address": address, "bridge_token": "wrong"},
            "bridge_token",
            "invalid_bridge_token",
        ),
        (
            {"bridge_address": "127.0.0.1:9", "bridge_token": "t"},
            "bridge_address",
            "cannot_connect_bridge",
        ),
    ):
        result = await hass.config_entries.options.async_configure(result["flow_id"], given)
        assert result["errors"] == {field: error}, given
    token = served["config"]["token"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"bridge_address": address, "bridge_token": token}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    stored = init_integration.options[CONF_BRIDGES]
    assert [item["address"] for item in stored] == [address]
    assert stored[0]["token"] == token
    coordinator = coordinator_of(init_integration, TedeeCoordinator)
    await wait_for(lambda: coordinator.push.status.active)

    result = await bridges_step()
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"bridge_address": address, "bridge_token": token}
    )
    assert result["errors"] == {"bridge_address": "bridge_already_added"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"remove_bridges": [address]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.options[CONF_BRIDGES] == []
    assert (await bridges(simulator))[9001]["callbacks"] == []  # ours deleted on the reload
    assert state_of(hass, SENSOR) == "polling"


async def test_battery_charging_and_connection_pushed(
    hass: HomeAssistant, served_hass: str, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Battery level, charging and the lock's link to its bridge show from pushes too."""
    coordinator = await setup_with_bridges(hass, mock_config_entry, simulator, (9001,))
    await simulator.control("PATCH", "tedee/locks/1004", {"batteryLevel": 42})
    await wait_for(lambda: state_of(hass, "sensor.office_battery") == "42", within=2)
    assert coordinator.data.locks[1004].status.is_charging  # charging in the scenario
    await simulator.control("PATCH", "tedee/locks/1004", {"isCharging": False})
    await wait_for(lambda: not coordinator.data.locks[1004].status.is_charging, within=2)
    assert coordinator.push.links[0].status.refused == {}
    await simulator.control("PATCH", "tedee/locks/1004", {"isConnected": False})
    await wait_for(lambda: not coordinator.data.locks[1004].is_connected, within=2)
    await simulator.control("POST", "tedee/bridges/9001", {"cloud_connected": False})
    await wait_for(lambda: coordinator.push.links[0].status.last_push is not None)


async def test_token_changed_on_the_bridge_and_bodies_refused_unread(
    hass: HomeAssistant, served_hass: str, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A new token in the Tedee app: push stops, said so. With the key: oversized, not JSON."""
    coordinator = await setup_with_bridges(hass, mock_config_entry, simulator, (9001,))
    link = coordinator.push.links[0]
    hook = await our_callback(simulator)
    headers = hook["headers"][0]
    big = await simulator.session.post(hook["url"], data=b"x" * 9000, headers=headers)
    assert big.status == 200
    garbled = await simulator.session.post(hook["url"], data=b"{not json", headers=headers)
    assert garbled.status == 200
    assert link.status.refused == {"too_large": 1, "not_json": 1}
    await simulator.control("POST", "tedee/bridges/9001", {"token": "changed-in-the-app"})
    await wait_for(lambda: coordinator.push.status.reason == "invalid_token", within=10)
    assert state_of(hass, SENSOR) == "polling"


async def test_a_call_whose_body_arrives_in_pieces_is_read_whole(
    hass: HomeAssistant, served_hass: str, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A bridge's call sent in pieces (chunked, a pause between them) is one push, not garbage."""
    coordinator = await setup_with_bridges(hass, mock_config_entry, simulator, (9001,))
    link = coordinator.push.links[0]
    hook = await our_callback(simulator)
    body = json.dumps(OFFICE_UNLOCKED_PUSH).encode()

    async def in_pieces() -> AsyncIterator[bytes]:
        yield body[:20]
        await asyncio.sleep(0.2)
        yield body[20:]

    answer = await simulator.session.post(hook["url"], data=in_pieces(), headers=hook["headers"][0])
    assert answer.status == 200
    await wait_for(lambda: state_of(hass, OFFICE) == "unlocked", within=5)
    assert link.status.refused == {}


async def test_a_lagging_cloud_sync_does_not_undo_a_pushed_position(
    hass: HomeAssistant,
    served_hass: str,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While the bridge pushes, the position shown is the bridge's; the sync brings the rest.

    The sync waits for Tedee's 20 s slot: the health check's grace for a push on its way is
    made longer than that, so it does not correct the forged push first.
    """
    monkeypatch.setattr(bridge_push, "PUSH_GRACE", 60.0)
    coordinator = await setup_with_bridges(hass, mock_config_entry, simulator, (9001,))
    hook = await our_callback(simulator)
    await simulator.control("PATCH", "tedee/locks/1004", {"batteryLevel": 55})
    # What the bridge says before the cloud knows it (the cloud still says locked).
    answer = await simulator.session.post(
        hook["url"], json=OFFICE_UNLOCKED_PUSH, headers=hook["headers"][0]
    )
    assert answer.status == 200
    await wait_for(lambda: state_of(hass, OFFICE) == "unlocked", within=1)
    await coordinator.async_refresh()
    assert state_of(hass, OFFICE) == "unlocked"
    assert coordinator.data.locks[1004].status.battery_level == 55
