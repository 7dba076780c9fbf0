"""Pacing under real network timing: the scheduler, the real client and the simulator, in real
time with the 20 s rule scaled down to 0.5 s so a test can watch many syncs.

The simulator judges the rule by when each request *arrives* (after its random uplink delay);
the scheduler measures the interval from when the previous *answer* arrived, plus its margin.
A negative control (pacing from when requests are sent, without margin) shows that the same
run does trip the rule, so the check can fail.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Hashable
import random
import time

import aiohttp
import pytest

from custom_components.door_access.api import RateLimitError, TedeeClient, TedeeEndpoint
from custom_components.door_access.scheduler import (
    Limit,
    RequestScheduler,
)
from simulator import SimulatorServer, World, load_scenario

RULE = 0.5  # seconds between two bulk syncs (the real rule is 20 s)
SYNCS = 12


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """These tests need no Home Assistant."""


@pytest.fixture
async def world(socket_enabled: None) -> AsyncIterator[tuple[World, str]]:
    """A real-time simulator whose lock-sync rule is 0.5 s, with 0-150 ms latency each way."""
    world = World(load_scenario("home"), seed=3)
    world.tedee.config.sync_interval = RULE
    world.latency.set(request_ms=(0.0, 150.0), response_ms=(0.0, 150.0))
    async with SimulatorServer(world, host="127.0.0.1", port=0) as server:
        yield world, str(server.url)


class SentPacedScheduler(RequestScheduler):
    """The old, wrong pacing: from when the previous request was sent, without margin."""

    def slot_free_in(self, endpoint: str, key: Hashable | None = None) -> float:
        """Return the wait counted from the previous send only."""
        slot = self._slots.get((endpoint, key))
        if slot is None or slot.sent_at is None:
            return 0.0
        return max(0.0, slot.sent_at + RULE - time.monotonic())

    @property
    def margin(self) -> float:
        """No margin."""
        return 0.0


async def _sync_as_fast_as_allowed(scheduler: RequestScheduler, url: str) -> None:
    """Send bulk syncs back to back, each as soon as the scheduler lets it go."""
    async with aiohttp.ClientSession() as session:
        client = TedeeClient(session, "demo-tedee-personal-key", base_url=url)
        for _ in range(SYNCS):
            await scheduler.run(client.sync_locks, endpoint=TedeeEndpoint.LOCK_SYNC)


def _scheduler(kind: type[RequestScheduler]) -> RequestScheduler:
    return kind(
        time.monotonic,
        hourly_limit=700,
        action_reserve=140,
        limits={TedeeEndpoint.LOCK_SYNC: Limit(group="lock_sync", min_interval=RULE)},
        rng=random.Random(1),
    )


async def test_pacing_from_the_answer_never_trips_the_rule(world: tuple[World, str]) -> None:
    """With random latency, the server never sees two syncs closer than the rule."""
    simulated, url = world
    await _sync_as_fast_as_allowed(_scheduler(RequestScheduler), url)
    log = simulated.requests.to_json()
    assert log["by_endpoint"]["GET /api/{version}/my/lock/sync"] == SYNCS
    assert log["rate_limited"]["by_rules"] == 0
    assert log["endpoints"]["GET /api/{version}/my/lock/sync"]["min_gap"] >= RULE


async def test_pacing_from_the_send_does_trip_it(world: tuple[World, str]) -> None:
    """Negative control: the same run paced from the send, no margin, gets 429s."""
    simulated, url = world
    with pytest.raises(RateLimitError):
        await _sync_as_fast_as_allowed(_scheduler(SentPacedScheduler), url)
    assert simulated.requests.to_json()["rate_limited"]["by_rules"] >= 1
