"""Exact under real timing (issue 8), against the simulator: what a 429 blocks, gates kept
apart from locks, paging that cannot run away, bounded reads, latency, and actions that never
wait behind polling."""

from __future__ import annotations

import logging
import time

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)

from custom_components.door_access.const import DOMAIN
from custom_components.door_access.tedee.coordinator import TedeeCoordinator
from custom_components.door_access.tedee.repairs import blebox_issue_id, gate_scope_issue_id

from .conftest import Simulator
from .helpers import (
    TEDEE_POLL,
    advance,
    assert_translated,
    coordinator_of,
    lock_call,
    press_button,
    run_action,
    setup_entry,
    state_of,
)

SYNC = "GET /api/{version}/my/lock/sync"
UNLOCK = "POST /api/{version}/my/lock/{id}/operation/unlock"
GATE_SYNC = "POST /api/{version}/my/gate/sync"
GATES = "GET /api/{version}/my/gate"
FRONT = "lock.front_door"
BACK = "lock.back_door"
OFFICE = "lock.office"
DRIVEWAY_OPEN = "button.driveway_gate_open"
DRIVEWAY_STATUS = "sensor.driveway_gate_status"


async def test_a_429_on_the_lock_sync_does_not_block_unlocking(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A 429 (300 s) on the bulk sync: entities keep their state, an unlock still goes out."""
    await simulator.control(
        "POST",
        "faults",
        {
            "kind": "rate_limit",
            "retry_after": 300,
            "count": 1,
            "path_prefix": "/api/v37/my/lock/sync",
        },
    )
    await advance(hass, freezer, TEDEE_POLL)
    assert state_of(hass, OFFICE) == "locked"  # last known state, still available
    await advance(hass, freezer, 90)
    syncs = await simulator.count(SYNC)
    await run_action(hass, freezer, lock_call(hass, "unlock", OFFICE))
    assert state_of(hass, OFFICE) == "unlocked"
    assert await simulator.count(UNLOCK) == 1
    # No sync lands inside the cloud's window; after it, polling goes on by itself.
    assert await simulator.count(SYNC) == syncs
    await advance(hass, freezer, 300)
    await advance(hass, freezer, TEDEE_POLL)
    assert await simulator.count(SYNC) > syncs
    log = await simulator.requests()
    assert log["rate_limited"]["by_rules"] == 0


async def test_two_actions_on_one_lock_and_actions_on_several_locks(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A second action on a lock does not wait for a sync slot; several locks move together."""
    await run_action(hass, freezer, lock_call(hass, "unlock", OFFICE))
    started = time.monotonic()
    await run_action(hass, freezer, lock_call(hass, "lock", OFFICE), max_seconds=8)
    assert state_of(hass, OFFICE) == "locked"
    # "Lock all": one service call for three locks; each follows its own operation.
    await run_action(hass, freezer, lock_call(hass, "unlock", OFFICE))
    await run_action(
        hass,
        freezer,
        hass.services.async_call(
            LOCK_DOMAIN, "lock", {ATTR_ENTITY_ID: [FRONT, BACK, OFFICE]}, blocking=True
        ),
        max_seconds=8,
    )
    assert [state_of(hass, e) for e in (FRONT, BACK, OFFICE)] == ["locked"] * 3
    assert time.monotonic() - started < 30  # no real waiting either


async def test_failed_operation_falls_back_and_polls_soon(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """An operation the lock could not do: the last confirmed state shows, a poll follows."""
    await simulator.control("PATCH", "tedee/locks/1004", {"isConnected": False})
    with pytest.raises(HomeAssistantError) as err:
        await run_action(hass, freezer, lock_call(hass, "unlock", OFFICE))
    assert_translated(err.value, "operation_failed")
    syncs = await simulator.count(SYNC)
    await advance(hass, freezer, TEDEE_POLL)
    assert await simulator.count(SYNC) == syncs + 1
    assert state_of(hass, OFFICE) == STATE_UNAVAILABLE  # what the lock really reports


async def test_account_without_blebox_has_no_gates_and_a_repair(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """412 on the gate sync: locks work, no gates, a repair issue; gates looked for hourly."""
    await simulator.control("POST", "tedee/config", {"blebox_integration": False})
    assert await setup_entry(hass, mock_config_entry)
    assert state_of(hass, FRONT) == "locked"
    assert hass.states.get(DRIVEWAY_OPEN) is None
    issue = ir.async_get(hass).async_get_issue(DOMAIN, blebox_issue_id(mock_config_entry.entry_id))
    assert issue is not None
    assert issue.translation_key == "blebox_not_linked"
    for _ in range(90):  # one hour of polls
        await advance(hass, freezer, 40)
    assert await simulator.count(GATE_SYNC) <= 2
    assert state_of(hass, FRONT) == "locked"

    await simulator.control("POST", "tedee/config", {"blebox_integration": True})
    for _ in range(95):
        await advance(hass, freezer, 40)
    assert hass.states.get(DRIVEWAY_OPEN) is not None
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, blebox_issue_id(mock_config_entry.entry_id))
        is None
    )


async def test_gate_failure_leaves_locks_alone_and_the_reverse(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Gates failing: gate entities unavailable, locks fine; locks failing: gates keep theirs."""
    coordinator = coordinator_of(init_integration, TedeeCoordinator)
    await simulator.control(
        "POST", "faults", {"kind": "status", "status": 500, "path_prefix": "/api/v37/my/gate"}
    )
    await advance(hass, freezer, coordinator.gate_reads.interval + 1)
    assert state_of(hass, DRIVEWAY_STATUS) == STATE_UNAVAILABLE
    assert state_of(hass, FRONT) == "locked"
    await simulator.control("DELETE", "faults")
    await advance(hass, freezer, 61)
    assert state_of(hass, DRIVEWAY_STATUS) == "connected"

    await simulator.control(
        "POST", "faults", {"kind": "status", "status": 500, "path_prefix": "/api/v37/my/lock"}
    )
    await advance(hass, freezer, TEDEE_POLL)
    assert state_of(hass, FRONT) == STATE_UNAVAILABLE
    assert state_of(hass, DRIVEWAY_STATUS) == "connected"
    await simulator.control("DELETE", "faults")
    for _ in range(40):
        await advance(hass, freezer, 30)
        if state_of(hass, FRONT) != STATE_UNAVAILABLE:
            break
    assert state_of(hass, FRONT) == "locked"


async def test_a_repeated_page_stops_the_listing_without_losing_locks(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A server that answers page 1 for every page: an error, one request more, no deletion."""
    coordinator = coordinator_of(init_integration, TedeeCoordinator)
    await simulator.control(
        "POST", "faults", {"kind": "repeat_page", "path_prefix": "/api/v37/my/lock"}
    )
    before = (await simulator.requests())["total"]
    coordinator.lock_listing.due_at = 0.0  # the hourly full listing is due now
    await advance(hass, freezer, TEDEE_POLL)
    assert (await simulator.requests())["total"] - before <= 4
    registry = dr.async_get(hass)
    for lock_id in (1001, 1002, 1003, 1004):
        identifier = (DOMAIN, f"tedee-{lock_id}")
        assert registry.async_get_device_by_identifier(identifier, init_integration.entry_id)
    assert "page" in caplog.text.lower()


@pytest.mark.parametrize("scenario_name", ["home"])
async def test_a_server_that_caps_pages_is_read_to_the_end(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """120 locks, pages capped at 50 by the server: all 120 are found (3 pages + 1 empty)."""
    await simulator.control("POST", "tedee/config", {"max_page_size": 50})
    for number in range(116):
        await simulator.control("POST", "tedee/locks", {"name": f"Extra {number}", "state": 6})
    assert await setup_entry(hass, mock_config_entry)
    coordinator = coordinator_of(mock_config_entry, TedeeCoordinator)
    assert len(coordinator.data.locks) == 120
    log = await simulator.requests()
    assert log["by_endpoint"]["GET /api/{version}/my/lock"] == 3


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "oversized", "size_mb": 64},
        {"kind": "gzip_bomb", "size_mb": 1024},
        {"kind": "endless", "chunk_kb": 64},
    ],
)
async def test_unbounded_answers_are_cut_and_nothing_applied(  # noqa: PLR0917
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
    fault: dict[str, object],
) -> None:
    """An oversized, zip-bomb or endless sync answer: a typed error, no data applied, one log."""
    caplog.set_level(logging.WARNING)
    await simulator.control(
        "POST", "faults", fault | {"count": 3, "path_prefix": "/api/v37/my/lock/sync"}
    )
    await advance(hass, freezer, TEDEE_POLL)
    await hass.async_block_till_done()
    assert state_of(hass, FRONT) == STATE_UNAVAILABLE
    assert caplog.text.count("Error fetching") == 1
    await simulator.control("DELETE", "faults")
    for _ in range(30):
        await advance(hass, freezer, 30)
        if state_of(hass, FRONT) != STATE_UNAVAILABLE:
            break
    assert state_of(hass, FRONT) == "locked"


async def test_sync_button_and_budget_sensor_in_diagnostics(
    hass: HomeAssistant,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """The scheduler's report counts requests per endpoint (and the press)."""
    await press_button(hass, "button.demo_office_sync_door_controllers")
    report = init_doorflow.runtime_data.coordinator.scheduler.report()
    assert report["requests_last_hour"]["POST sync"] == 1
    assert report["rate_limited"]["self_caused"] == 0


async def test_a_token_without_the_gate_scope_still_runs_the_locks(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """The scenario's guest key lacks Device.ReadWrite: 403 on gates, no reauth, a repair."""
    guest = MockConfigEntry(
        domain=DOMAIN,
        title=mock_config_entry.title,
        unique_id=mock_config_entry.unique_id,
        data={**mock_config_entry.data, "token": "demo-tedee-guest-key"},
    )
    mock_config_entry = guest
    assert await setup_entry(hass, mock_config_entry)
    assert state_of(hass, FRONT) == "locked"
    assert hass.states.get(DRIVEWAY_OPEN) is None
    assert not hass.config_entries.flow.async_progress()  # no reauth
    issue_id = gate_scope_issue_id(mock_config_entry.entry_id)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {
        "account": mock_config_entry.title,
        "scope": "Device.ReadWrite",
    }
    await advance(hass, freezer, TEDEE_POLL)
    assert state_of(hass, FRONT) == "locked"
