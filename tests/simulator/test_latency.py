"""Latency (uplink and downlink delays), arrival stamps and the request log's gaps and 429s."""

from __future__ import annotations

import asyncio
import time

import pytest

from simulator import World, load_scenario
from simulator.latency import Latency, LatencyError, parse_range

from .conftest import Sim


def test_parse_range() -> None:
    assert parse_range("0:500") == (0.0, 500.0)
    assert parse_range("250") == (250.0, 250.0)
    assert parse_range([10, 20]) == (10.0, 20.0)
    for bad in ("a:b", [5, 1], [-1, 3], [1, True], "1:2:3", {"min": 1}):
        with pytest.raises(LatencyError):
            parse_range(bad)


def test_latency_is_seeded_and_apart_from_the_world() -> None:
    def draws(seed: int) -> list[float]:
        latency = Latency(seed)
        latency.set(request_ms=(0, 500), response_ms=(100, 200))
        return [latency.request_delay() for _ in range(5)] + [latency.response_delay()]

    assert draws(3) == draws(3)
    assert draws(3) != draws(4)
    assert all(0 <= d <= 0.5 for d in draws(3))
    assert 0.1 <= draws(3)[-1] <= 0.2
    assert Latency(1).request_delay() == 0.0
    # The world's random draws do not depend on latency being used.
    plain = World(load_scenario("home"), seed=9)
    delayed = World(load_scenario("home"), seed=9)
    delayed.latency.set(request_ms=(0, 500))
    delayed.latency.request_delay()
    assert plain.rng.random() == delayed.rng.random()


async def test_latency_control(sim: Sim) -> None:
    assert await sim.control("GET", "latency") == {"request_ms": [0, 0], "response_ms": [0, 0]}
    answer = await sim.control("POST", "latency", {"request_ms": [10, 20]})
    assert answer == {"request_ms": [10, 20], "response_ms": [0, 0]}
    answer = await sim.control("POST", "latency", {"response_ms": "5:6"})
    assert answer["response_ms"] == [5, 6]
    bad = await sim.call("POST", "/_control/latency", json={"request_ms": [3, 1]})
    assert bad.status == 400
    unknown = await sim.call("POST", "/_control/latency", json={"both_ms": [1, 2]})
    assert unknown.status == 400
    assert (await sim.control("GET", "state"))["latency"]["request_ms"] == [10, 20]


async def test_delays_apply_to_api_calls_but_not_control(sim: Sim) -> None:
    await sim.control("POST", "latency", {"request_ms": [150, 150], "response_ms": [150, 150]})
    started = time.monotonic()
    assert (await sim.tedee("GET", "/my/user")).status == 200
    assert time.monotonic() - started >= 0.3
    await sim.control("POST", "latency", {"request_ms": [3000, 3000], "response_ms": [0, 0]})
    started = time.monotonic()
    await sim.control("GET", "state")
    assert time.monotonic() - started < 1.5


async def test_sync_rule_is_judged_by_arrival(sim: Sim) -> None:
    assert (await sim.tedee("GET", "/my/lock/sync")).status == 200
    sim.clock.advance(18)
    # Sent at 18 s; the uplink takes "3 s" of the world's clock, so it arrives at 21 s.
    await sim.control("POST", "latency", {"request_ms": [400, 400]})
    request = asyncio.ensure_future(sim.tedee("GET", "/my/lock/sync"))
    await asyncio.sleep(0.15)
    sim.clock.advance(3)
    answer = await request
    assert answer.status == 200
    log = await sim.control("GET", "requests")
    assert log["recent"][-1]["t"] == pytest.approx(sim.clock.now)
    assert log["endpoints"]["GET /api/{version}/my/lock/sync"]["min_gap"] == 21.0


async def test_doorflow_sync_rule_is_judged_by_arrival(sim: Sim) -> None:
    assert (await sim.doorflow("POST", "/api/3/sync")).status == 200
    sim.clock.advance(29)
    await sim.control("POST", "latency", {"request_ms": [400, 400]})
    request = asyncio.ensure_future(sim.doorflow("POST", "/api/3/sync"))
    await asyncio.sleep(0.15)
    sim.clock.advance(1)
    assert (await request).status == 200


async def test_request_log_gaps_and_429s(sim: Sim) -> None:
    await sim.tedee("GET", "/my/lock/sync")
    sim.clock.advance(19.5)
    limited = await sim.tedee("GET", "/my/lock/sync")
    assert limited.status == 429
    sim.clock.advance(0.5)
    await sim.tedee("GET", "/my/lock/sync")
    await sim.tedee("GET", "/my/lock/1001/sync")
    sim.clock.advance(5)
    await sim.tedee("GET", "/my/lock/1001/sync")
    await sim.tedee("GET", "/my/lock/1002/sync")
    await sim.doorflow("POST", "/api/3/sync")
    sim.clock.advance(10)
    await sim.doorflow("POST", "/api/3/sync")
    await sim.control("POST", "faults", {"kind": "rate_limit", "count": 1})
    await sim.tedee("GET", "/my/user")
    log = await sim.control("GET", "requests")
    bulk = log["endpoints"]["GET /api/{version}/my/lock/sync"]
    assert bulk["count"] == 3
    assert bulk["min_gap"] == 0.5
    assert bulk["max_gap"] == 19.5
    assert bulk["mean_gap"] == 10.0
    assert bulk["rate_limited"] == 1
    # Gaps are measured per resource: lock 1002's first single sync has none.
    single = log["endpoints"]["GET /api/{version}/my/lock/{id}/sync"]
    assert single["min_gap"] == 5.0
    limited_log = log["rate_limited"]
    assert limited_log["total"] == 4
    assert limited_log["by_rules"] == 3
    assert limited_log["by_faults"] == 1
    assert limited_log["by_rule"] == {"lock_sync": 1, "lock_sync_single": 1, "doorflow_sync": 1}
    assert limited_log["smallest_rule_gap"] == 5.0
    first = limited_log["recent"][0]
    assert first["rule"] == "lock_sync"
    assert first["rule_gap"] == 19.5
    assert first["retry_after"] == "1"
    assert limited_log["recent"][-1]["fault"] == "rate_limit"
    assert sim.world.requests.rule_limited == 3
    await sim.control("DELETE", "requests")
    cleared = await sim.control("GET", "requests")
    assert cleared["endpoints"] == {}
    assert cleared["rate_limited"]["total"] == 0


async def test_hourly_429_is_named(sim: Sim) -> None:
    await sim.control("POST", "tedee/config", {"hourly_limit": 1})
    await sim.tedee("GET", "/my/user")
    await sim.tedee("GET", "/my/user")
    log = await sim.control("GET", "requests")
    assert log["rate_limited"]["by_rule"] == {"hourly": 1}
    assert log["rate_limited"]["recent"][0]["rule_gap"] is None
