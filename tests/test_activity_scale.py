"""Activity that scales with the budget: a busy large account gets each event within two polls.

One lock moved by hand each minute on a large account: the activity reads come out of what the
hourly budget leaves after polling and the action reserve (not a fixed cap of 60 an hour), the
locks that moved first, newest first. Each move's event reaches its event entity within two
poll intervals (p95), and the bulk sync keeps its pace. The account is scaled down to 100
locks: neither the budget's arithmetic nor the moves per hour depend on the number of locks.
"""

from __future__ import annotations

from datetime import datetime
import math

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.const import DOMAIN
from custom_components.door_access.tedee.const import TEDEE_ACTION_RESERVE, TEDEE_HOURLY_LIMIT

from .conftest import Simulator
from .helpers import TEDEE_POLL, advance, setup_entry

SYNC = "GET /api/{version}/my/lock/sync"
ACTIVITY = "GET /api/{version}/my/deviceactivity"


async def test_a_move_a_minute_on_a_large_account_arrives_within_two_polls(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """60 moves in an hour: every event delivered, p95 within two polls, polling unslowed."""
    tedee = simulator.world.tedee
    for number in range(96):
        tedee.add_lock({"name": f"Extra {number}", "state": 6}, simulator.world.utcnow())
    assert await setup_entry(hass, mock_config_entry)
    for _ in range(3):
        await advance(hass, freezer, TEDEE_POLL)
    registry = er.async_get(hass)
    lock_ids = sorted(tedee.locks)
    # A lock cut off from its bridge reports no move: the moves go to connected locks.
    movable = [lock_id for lock_id in lock_ids if tedee.locks[lock_id].is_connected]
    entity_of = {
        lock_id: registry.async_get_entity_id("event", DOMAIN, f"tedee-{lock_id}-activity")
        for lock_id in lock_ids
    }
    lock_of = {entity_id: lock_id for lock_id, entity_id in entity_of.items() if entity_id}
    assert len(lock_of) == 100
    delivered: dict[int, list[datetime]] = {}

    @callback
    def on_change(event: Event[EventStateChangedData]) -> None:
        if (lock_id := lock_of.get(event.data["entity_id"])) is not None:
            delivered.setdefault(lock_id, []).append(dt_util.utcnow())

    hass.bus.async_listen("state_changed", on_change)
    start = await simulator.requests()
    moves: list[tuple[int, datetime]] = []
    elapsed, next_move, hour = 0, 0, 3600
    while elapsed < hour:
        if elapsed >= next_move:
            # A different lock each minute, spread over the account, locked and unlocked.
            lock_id = movable[(len(moves) * 37) % len(movable)]
            state = 2 if tedee.locks[lock_id].state == 6 else 6
            await simulator.control("PATCH", f"tedee/locks/{lock_id}", {"state": state})
            moves.append((lock_id, dt_util.utcnow()))
            next_move += 60
        await advance(hass, freezer, TEDEE_POLL)
        elapsed += TEDEE_POLL
    for _ in range(3):
        await advance(hass, freezer, TEDEE_POLL)
    assert len(moves) == 60
    delays: list[float] = []
    for lock_id, moved_at in moves:
        arrivals = [at for at in delivered.get(lock_id, []) if at >= moved_at]
        assert arrivals, f"the move of lock {lock_id} at {moved_at} never came"
        delays.append((min(arrivals) - moved_at).total_seconds())
    delays.sort()
    p95 = delays[math.ceil(0.95 * len(delays)) - 1]
    assert p95 <= 2 * TEDEE_POLL, delays
    end = await simulator.requests()
    # State polling kept its pace: one bulk sync per poll.
    syncs = end["by_endpoint"][SYNC] - start["by_endpoint"][SYNC]
    assert syncs >= hour // TEDEE_POLL
    # Activity took what the budget left (more than the old cap of 60), and nothing was refused.
    reads = end["by_endpoint"][ACTIVITY] - start["by_endpoint"].get(ACTIVITY, 0)
    assert reads >= 60
    assert end["total"] - start["total"] <= TEDEE_HOURLY_LIMIT - TEDEE_ACTION_RESERVE
    assert end["rate_limited"]["by_rules"] == 0
