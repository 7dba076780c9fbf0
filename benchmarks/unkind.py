"""A day that is not kind: what happens to the day run besides random latency.

At fixed shares of the day (after the warm-up and the timed interaction):

- **latency spikes**: three windows (3 minutes each in a 24-hour day, the same share of a
  shorter one) with `SPIKE_MS` on each half of every request (seconds, not milliseconds);
- **injected 429s**: twice, the simulator answers the next `INJECTED_429` bulk syncs with 429
  (a fault, not a rule: never counted as self-caused);
- **an entry reload** (the user's "Reload") and **a Home Assistant restart** (stopped, 30 s
  down, started again with the same config entries);
- **a second client on the same account** (from the first hour to the end): one
  `GET my/bridge` every `SECOND_CLIENT_GAP` s with its own session, spending part of the
  hourly budget the integration cannot see.

Throughout, changes are made in the cloud (one per cloud at a time, 3 s + up to 30 s after the
previous one was shown or given up) and timed until Home Assistant shows them: freshness across
the whole day, spikes included (a change is not made while the entry reloads or Home Assistant
restarts).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp

from .bench import Bench
from .freshness import Freshness, measure_freshness
from .harness import TEDEE_KEY, sleep_until

SPIKES = (0.30, 0.55, 0.80)
# Each spike lasts this share of the day: 3 minutes in 24 hours (the gate's shorter days keep
# the same share, so that they are not unkinder than the full run's).
SPIKE_SHARE = 180.0 / 86400.0
SPIKE_MS = (1000.0, 4000.0)
INJECTED_429_AT = (0.35, 0.60)
INJECTED_429 = 3
RELOAD_AT = 0.40
RESTART_AT = 0.50
SECOND_CLIENT_FROM = 3600.0
SECOND_CLIENT_GAP = 36.0
BULK_SYNC_PATH = "/api/v37/my/lock/sync"


@dataclass
class Unkindness:
    """What the day did to the integration, and what the second client met."""

    spikes: int = 0
    injected: int = 0
    reloads: int = 0
    restarts: int = 0
    second_sent: int = 0
    second_statuses: Counter[int] = field(default_factory=Counter)
    freshness: Freshness = field(default_factory=Freshness)


async def _second_client(bench: Bench, end: float, result: Unkindness) -> None:
    """Another client of the same account: one cheap read every SECOND_CLIENT_GAP s."""
    headers = {"Authorization": f"PersonalKey {TEDEE_KEY}"}
    url = f"{bench.cloud.url}/api/v37/my/bridge"
    async with aiohttp.ClientSession() as session:
        while bench.loop.time() + SECOND_CLIENT_GAP < end:
            await asyncio.sleep(SECOND_CLIENT_GAP)
            async with session.get(url, headers=headers) as response:
                await response.read()
                result.second_sent += 1
                result.second_statuses[response.status] += 1


async def _changes(bench: Bench, end: float, turn: asyncio.Lock, result: Unkindness) -> None:
    """Change devices in the cloud until the end, timing each (not during a restart)."""
    while bench.loop.time() < end - 600:
        async with turn:
            if bench.tedee.loaded or bench.doorflow.loaded:
                result.freshness.extend(await measure_freshness(bench, 1))
            else:
                await asyncio.sleep(60)


async def _at(bench: Bench, when: float, event: Callable[[], Awaitable[None]]) -> None:
    """Run one event at a virtual moment."""
    await sleep_until(bench.loop, when)
    await event()


async def unkind_day(bench: Bench, start: float, end: float) -> Unkindness:
    """Run the disturbances and the changes from `start` until `end` (virtual times)."""
    result = Unkindness()
    length = end - start
    turn = asyncio.Lock()
    world = bench.cloud.world
    normal = (world.latency.request_ms, world.latency.response_ms)

    async def spike() -> None:
        world.latency.set(request_ms=SPIKE_MS, response_ms=SPIKE_MS)
        result.spikes += 1
        await asyncio.sleep(SPIKE_SHARE * length)
        world.latency.set(request_ms=normal[0], response_ms=normal[1])

    async def inject() -> None:
        await bench.cloud.control(
            "POST",
            "faults",
            {"kind": "rate_limit", "count": INJECTED_429, "path_prefix": BULK_SYNC_PATH},
        )
        result.injected += INJECTED_429

    async def reload() -> None:
        async with turn:
            await bench.reload_tedee()
            result.reloads += 1

    async def restart() -> None:
        async with turn:
            await bench.restart()
            result.restarts += 1

    events = [
        *(_at(bench, start + share * length, spike) for share in SPIKES),
        *(_at(bench, start + share * length, inject) for share in INJECTED_429_AT),
        _at(bench, start + RELOAD_AT * length, reload),
        _at(bench, start + RESTART_AT * length, restart),
    ]
    second = asyncio.create_task(_second_client(bench, end, result))
    changes = asyncio.create_task(_changes(bench, end, turn, result))
    try:
        await asyncio.gather(*events)
        await sleep_until(bench.loop, end)
    finally:
        await asyncio.gather(second, changes, return_exceptions=True)
        for task in (second, changes):
            task.cancel()
    return result
