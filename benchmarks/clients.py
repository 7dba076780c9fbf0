"""Benchmark the cloud clients against the simulator's `large` scenario over loopback HTTP.

Reports, for each call the integration makes, how many HTTP requests it costs and how long it
takes (median of several runs), plus what one hour of default polling costs an account.
Run: ./scripts/run python -m benchmarks.clients
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import statistics
import time
from typing import Any

import aiohttp

from custom_components.door_access.api.doorflow import DoorFlowClient
from custom_components.door_access.api.tedee import Lock, TedeeClient
from simulator import SimulatorServer, World, load_scenario
from tests.clock import FakeClock

RUNS = 5


async def _measure(
    world: World, clock: FakeClock, call: Callable[[], Awaitable[Any]]
) -> tuple[float, int]:
    """Return (median seconds, requests per call) of a call, moving the clock past limits."""
    durations: list[float] = []
    requests = 0
    for _ in range(RUNS):
        clock.advance(21)
        before = world.requests.total
        start = time.perf_counter()
        await call()
        durations.append(time.perf_counter() - start)
        requests = world.requests.total - before
    return statistics.median(durations), requests


async def main() -> None:
    """Run every benchmark and print a table."""
    clock = FakeClock()
    world = World(load_scenario("large"), clock=clock, utcnow=clock.utcnow, seed=1)
    no_hourly_limit: dict[str, Any] = {"hourly_limit": 100000}
    async with (
        SimulatorServer(world) as server,
        aiohttp.ClientSession() as session,
    ):
        async with session.post(f"{server.url}/_control/tedee/config", json=no_hourly_limit):
            pass
        tedee = TedeeClient(session, "demo-tedee-personal-key", base_url=server.url)
        doorflow = DoorFlowClient(session, api_key="demo-doorflow-api-key", base_url=server.url)
        rows: list[tuple[str, float, int]] = []
        benchmarks: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
            ("Tedee: all 500 locks (paged, 100 per page)", tedee.get_locks),
            ("Tedee: bulk lock sync of 500 locks", tedee.sync_locks),
            ("Tedee: gate sync + all 100 gates", lambda: _gates(tedee)),
            ("DoorFlow: account + all 200 doors", lambda: _doors(doorflow)),
        ]
        for name, call in benchmarks:
            seconds, requests = await _measure(world, clock, call)
            rows.append((name, seconds, requests))
        raw = await _raw_locks(session, server.url)
    start = time.perf_counter()
    for _ in range(20):
        for item in raw:
            Lock.from_json(item)
    parse_us = (time.perf_counter() - start) / (20 * len(raw)) * 1e6

    print(f"{'call':50} {'median ms':>10} {'requests':>9}")
    for name, seconds, requests in rows:
        print(f"{name:50} {seconds * 1000:10.1f} {requests:9d}")
    print(f"{'Parse one lock (Lock.from_json)':50} {parse_us / 1000:10.4f} {'-':>9}")
    per_hour = 3600 // 20 * rows[1][2] + 3600 // 300 * rows[2][2] + rows[0][2]
    print(
        f"\nOne hour of default Tedee polling for 500 locks / 100 gates: {per_hour} requests "
        f"({per_hour / 700:.0%} of Tedee's 700 per hour)."
    )


async def _gates(tedee: TedeeClient) -> None:
    await tedee.sync_gates()
    await tedee.get_gates()


async def _doors(doorflow: DoorFlowClient) -> None:
    await doorflow.get_account()
    await doorflow.get_channels()


async def _raw_locks(session: aiohttp.ClientSession, url: str) -> list[object]:
    async with session.get(
        f"{url}/api/v37/my/lock",
        headers={"Authorization": "PersonalKey demo-tedee-personal-key"},
    ) as response:
        body = await response.json()
    result: list[object] = body["result"]
    return result


if __name__ == "__main__":
    asyncio.run(main())
