"""Request discipline over long runs, faults along the way, and no secret anywhere."""

from __future__ import annotations

from collections import deque
import json
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)

from custom_components.door_access.diagnostics import async_get_config_entry_diagnostics
from custom_components.door_access.tedee.activity import (
    ACTIVITY_LIMIT,
)
from custom_components.door_access.tedee.const import TEDEE_HOURLY_LIMIT
from custom_components.door_access.tedee.coordinator import TedeeCoordinator

from .activity_helpers import activity_reads_per_hour
from .conftest import TEDEE_KEY, Simulator
from .helpers import TEDEE_POLL, advance, tick

POLL = TEDEE_POLL
ACTIVITY = "GET /api/{version}/my/deviceactivity"


class RequestMeter:
    """Samples the simulator's request total to check the rolling-hour budget."""

    def __init__(self) -> None:
        self.samples: deque[tuple[float, int]] = deque()
        self.worst_rolling_hour = 0
        self.elapsed = 0.0

    def add(self, seconds: float, total: int) -> None:
        """Record the request total at a point in time; keep the worst rolling hour."""
        self.elapsed += seconds
        self.samples.append((self.elapsed, total))
        while self.samples and self.samples[0][0] < self.elapsed - 3600:
            self.samples.popleft()
        self.worst_rolling_hour = max(self.worst_rolling_hour, total - self.samples[0][1])


async def _run(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    meter: RequestMeter,
    seconds: float,
) -> None:
    """Let the integration poll for a while, metering the requests."""
    for _ in range(int(seconds // POLL)):
        await advance(hass, freezer, POLL)
        meter.add(POLL, simulator.world.requests.total)


def _coordinator(entry: MockConfigEntry) -> TedeeCoordinator:
    coordinator = entry.runtime_data.coordinator
    assert isinstance(coordinator, TedeeCoordinator)
    return coordinator


# Every fault kind but "hang": a request held open under the frozen test clock would wait for
# a timer that only the test can move (hangs are covered by the client tests with real time).
FAULTS: list[dict[str, Any]] = [
    {"kind": "status", "status": 503, "seconds": 600},
    {"kind": "malformed_json", "count": 3},
    {"kind": "rate_limit", "retry_after": 300, "count": 1},
    {"kind": "html", "seconds": 300},
    {"kind": "empty", "count": 2},
    {"kind": "wrong_types", "count": 2},
    {"kind": "status", "status": 500, "seconds": 3600},
]


async def test_soak_24_hours_with_faults(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A simulated day: no self-inflicted 429, budget kept, every fault recovered."""
    coordinator = _coordinator(init_integration)
    meter = RequestMeter()
    meter.add(0, simulator.world.requests.total)
    hours_between_faults = 24 / (len(FAULTS) + 1)
    forced_429 = 0
    for fault in FAULTS:
        await _run(hass, freezer, simulator, meter, hours_between_faults * 3600)
        assert coordinator.last_update_success, f"not recovered before {fault}"
        await simulator.control("POST", "faults", fault)
        forced_429 += fault["kind"] == "rate_limit"
    await _run(hass, freezer, simulator, meter, hours_between_faults * 3600)

    assert coordinator.last_update_success
    assert init_integration.state is ConfigEntryState.LOADED
    log = await simulator.requests()
    assert log["by_status"].get("429", 0) == forced_429
    assert meter.worst_rolling_hour <= TEDEE_HOURLY_LIMIT - coordinator.scheduler.action_reserve
    print(f"24 h soak: {log['total']} requests, worst rolling hour {meter.worst_rolling_hour}")


@pytest.mark.parametrize("scenario_name", ["home", "large"])
async def test_steady_polling_uses_at_most_40_percent_of_the_budget(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    scenario_name: str,
) -> None:
    """Default settings, steady state: at most 40 % of 700 requests in any rolling hour."""
    meter = RequestMeter()
    meter.add(0, simulator.world.requests.total)
    await _run(hass, freezer, simulator, meter, 2 * 3600)
    start = simulator.world.requests.by_endpoint.get(ACTIVITY, 0)
    await _run(hass, freezer, simulator, meter, 3600)
    assert meter.worst_rolling_hour <= 0.4 * TEDEE_HOURLY_LIMIT
    # Activity: only the catch-up reads (nothing moves), as the budget function says.
    activity = simulator.world.requests.by_endpoint.get(ACTIVITY, 0) - start
    connected = sum(lock.is_connected for lock in simulator.world.tedee.locks.values())
    gates = sum(gate.status == "connected" for gate in simulator.world.tedee.gates.values())
    expected = activity_reads_per_hour(
        locks=connected, catch_up_minutes=15, poll_interval=POLL, gates=gates
    )
    assert abs(activity - expected) <= 1
    print(
        f"{scenario_name}: worst rolling hour {meter.worst_rolling_hour} requests, "
        f"activity {activity} per hour"
    )


@pytest.mark.parametrize("scenario_name", ["home", "large"])
@pytest.mark.parametrize("busy", [False, True], ids=["ambient", "busy"])
async def test_steady_polling_with_activity_stays_within_40_percent(
    hass: HomeAssistant,
    *,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    scenario_name: str,
    busy: bool,
) -> None:
    """Activity on, locks moving: ambient life within 40 %; busy within the polling budget.

    Busy (three locks move every poll, far more than any household): activity reads take what
    the hourly budget leaves after polling and the action reserve, so the rolling hour stays
    within what polling may use (700 less the 140 kept for actions), never above the ceiling
    of activity reads (`ACTIVITY_LIMIT`).
    """
    await simulator.control("POST", "ambient", {"enabled": True})
    lock_ids = sorted(simulator.world.tedee.locks)
    meter = RequestMeter()
    meter.add(0, simulator.world.requests.total)
    start = simulator.world.requests.by_endpoint.get(ACTIVITY, 0)
    # Busy reads far more activity (each move, within the budget): two hours show the rolling
    # hour as well, in less time.
    hours = 2 if busy else 3
    for poll in range(hours * 3600 // POLL):
        if busy:
            for offset in range(3):
                lock_id = lock_ids[(3 * poll + offset) % len(lock_ids)]
                state = 2 if poll % 2 else 6
                await simulator.control("PATCH", f"tedee/locks/{lock_id}", {"state": state})
        await advance(hass, freezer, POLL)
        meter.add(POLL, simulator.world.requests.total)
    per_hour = (simulator.world.requests.by_endpoint.get(ACTIVITY, 0) - start) / hours
    if busy:
        reserve = init_integration.runtime_data.coordinator.scheduler.action_reserve
        assert meter.worst_rolling_hour <= TEDEE_HOURLY_LIMIT - reserve
        assert (await simulator.requests())["rate_limited"]["by_rules"] == 0
    else:
        assert meter.worst_rolling_hour <= 0.4 * TEDEE_HOURLY_LIMIT
    assert 0 < per_hour <= ACTIVITY_LIMIT.window_count
    print(
        f"{scenario_name} ({'busy' if busy else 'ambient'}): worst rolling hour "
        f"{meter.worst_rolling_hour} requests, activity {per_hour:.0f} per hour"
    )


async def test_no_secret_anywhere_with_every_fault(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """At DEBUG, through every fault and a revoked token: the token shows up nowhere."""
    caplog.set_level(logging.DEBUG)
    for name in ("custom_components.door_access", "aiohttp", "homeassistant"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    meter = RequestMeter()
    for fault in FAULTS:
        await simulator.control("POST", "faults", fault)
        await _run(hass, freezer, simulator, meter, 1800)
    await simulator.control("DELETE", "faults")
    await _run(hass, freezer, simulator, meter, 1800)
    lock_id = next(
        e.entity_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), mock_config_entry.entry_id)
        if e.domain == "lock"
    )
    await simulator.control("POST", "faults", {"kind": "status", "status": 503, "count": 1})
    with pytest.raises(HomeAssistantError) as action_error:
        await hass.services.async_call("lock", "lock", {"entity_id": lock_id}, blocking=True)
    diagnostics = await async_get_config_entry_diagnostics(hass, mock_config_entry)
    # A 401 asked again after a pause (ticking), then a revoked key (reauth at once).
    await simulator.control("POST", "faults", {"kind": "unauthorized", "count": 1})
    await advance(hass, freezer, POLL, wait_background_tasks=False)
    await tick(hass, freezer, 30)
    await hass.async_block_till_done()
    await simulator.control("POST", "tokens/revoke", {"token": TEDEE_KEY})
    await _run(hass, freezer, simulator, meter, 60)

    places = {
        "logs": caplog.text,
        "action error": f"{action_error.value!r} {action_error.value}",
        "diagnostics": json.dumps(diagnostics, default=str),
        "states": json.dumps([s.as_dict() for s in hass.states.async_all()], default=str),
        "issues": json.dumps(
            [issue.translation_placeholders for issue in ir.async_get(hass).issues.values()],
            default=str,
        ),
    }
    for where, text in places.items():
        assert TEDEE_KEY not in text, f"token found in {where}"
    assert [f["context"]["source"] for f in hass.config_entries.flow.async_progress()] == ["reauth"]


async def test_reauth_keeps_entity_ids_names_and_customisations(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """After a revoked token and a reauth, every entity returns with its id and user name."""
    registry = er.async_get(hass)
    entries = er.async_entries_for_config_entry(registry, init_integration.entry_id)
    lock_entity = next(e for e in entries if e.domain == "lock")
    registry.async_update_entity(lock_entity.entity_id, name="My front door")
    before = {e.unique_id: e.entity_id for e in entries}

    await simulator.control("POST", "tokens/revoke", {"token": TEDEE_KEY})
    await advance(hass, freezer, POLL)
    state = hass.states.get(lock_entity.entity_id)
    assert state is not None
    flow = next(iter(hass.config_entries.flow.async_progress()))
    assert flow["context"]["source"] == "reauth"

    await simulator.control(
        "POST",
        "tokens",
        {"api": "tedee", "token": "fresh-key-2", "kind": "personal_key"},
    )
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"token": "fresh-key-2"}
    )
    assert result["type"] == "abort"
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()

    assert init_integration.state is ConfigEntryState.LOADED
    after = {
        e.unique_id: e.entity_id
        for e in er.async_entries_for_config_entry(registry, init_integration.entry_id)
    }
    assert after == before
    renamed = registry.async_get(lock_entity.entity_id)
    assert renamed is not None
    assert renamed.name == "My front door"
    state = hass.states.get(lock_entity.entity_id)
    assert state is not None
    assert state.state != STATE_UNAVAILABLE
    assert state.attributes["friendly_name"] == "My front door"
