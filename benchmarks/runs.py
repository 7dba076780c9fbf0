"""The three runs measured for each account size, and what each one yields.

1. **Quiet run** (no latency): after the warm-up, one hour of polling with nothing changing
   (figure 1, beside the naive poller on its own account), then the update-cost window
   (figure 5), then changes (figure 3), actions, "lock all" and opens (figures 3 and 4).
2. **Every-entity-written run**: the same account with Home Assistant's default write on every
   update, for figure 5's comparison.
3. **Day run** (random latency on both halves of every request): the same phases with latency,
   then quiet polling until the simulated day is over; the 429s of the whole day (figure 2).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

import aiohttp

from .bench import Bench, open_bench
from .cost import CostResult, every_entity_written, measure_cost
from .freshness import Freshness, measure_freshness
from .harness import CLIENT_ERRORS, simulated_cloud, sleep_until
from .naive import INTERVAL, NaivePoller, NaiveResult
from .operations import (
    Actions,
    LockAll,
    OpenShown,
    measure_actions,
    measure_lock_all,
    measure_open,
)
from .rates import DayTally, RateWindow, RequestRates, day_tally
from .scenarios import Size
from .virtual_time import VirtualTimeLoop


@dataclass(frozen=True)
class Settings:
    """How long and how much each run measures."""

    day_hours: float = 24.0
    warmup: float = 600.0
    rate_window: float = 3600.0
    # The naive poller stops after this many requests (its rate is the same every interval).
    naive_cap: int = 20000
    changes: int = 100
    actions: int = 20
    opens: int = 10
    cost_window: float = 900.0
    latency_ms: tuple[float, float] = (0.0, 500.0)
    seed: int = 1


@dataclass
class Interaction:
    """Figures 3 and 4 under one network condition."""

    freshness: Freshness
    actions: Actions
    lock_all: LockAll
    opens: OpenShown
    tedee_interval: float | None
    doorflow_interval: float | None


@dataclass
class SizeResult:
    """Every figure of one account size."""

    size: Size
    devices: str = ""
    tedee_state: str = ""
    tedee_entities: int = 0
    doorflow_entities: int = 0
    rates: RequestRates | None = None
    naive: NaiveResult | None = None
    cost: CostResult | None = None
    cost_written: CostResult | None = None
    quiet: Interaction | None = None
    day: DayTally | None = None
    day_rates: RequestRates | None = None
    latency: Interaction | None = None
    notes: list[str] = field(default_factory=list)


def _interval(bench: Bench, tedee: bool) -> float | None:
    """Return the poll interval a coordinator uses now (its update interval)."""
    account = bench.tedee if tedee else bench.doorflow
    if not account.loaded or account.coordinator.update_interval is None:
        return None
    return account.coordinator.update_interval.total_seconds()


async def _interact(bench: Bench, settings: Settings) -> Interaction:
    """Changes, actions, "lock all" and opens, one after the other."""
    freshness = await measure_freshness(bench, settings.changes)
    tedee_interval, doorflow_interval = _interval(bench, True), _interval(bench, False)
    if bench.tedee.loaded:
        actions = await measure_actions(bench, settings.actions)
        lock_all = await measure_lock_all(bench)
        opens = await measure_open(bench, settings.opens)
    else:
        actions, lock_all, opens = Actions(), LockAll(), OpenShown()
    return Interaction(freshness, actions, lock_all, opens, tedee_interval, doorflow_interval)


async def _naive(loop: VirtualTimeLoop, size: Size, settings: Settings) -> NaiveResult:
    """Run the naive poller on its own account of the same scenario, in whole intervals."""
    async with (
        simulated_cloud(loop, size.scenario(), seed=settings.seed) as cloud,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as session,
    ):
        locks = sorted(cloud.world.tedee.locks)
        intervals = max(
            1, min(int(settings.rate_window // INTERVAL), settings.naive_cap // len(locks))
        )
        return await NaivePoller(loop, session, cloud.url, locks).run(intervals * INTERVAL)


def _describe(result: SizeResult, bench: Bench) -> None:
    """Note the devices, the Tedee entry's state and how many entities each account has."""
    world = bench.cloud.world
    result.devices = (
        f"{len(world.tedee.locks)} locks, {len(world.tedee.gates)} gates, "
        f"{len(world.doorflow.channels)} doors"
    )
    entry = bench.tedee.entry
    result.tedee_state = entry.state.value + (f" ({entry.reason})" if entry.reason else "")
    result.tedee_entities = len(bench.tedee.entity_ids(bench.hass))
    result.doorflow_entities = len(bench.doorflow.entity_ids(bench.hass))


async def quiet_run(
    loop: VirtualTimeLoop, size: Size, settings: Settings, result: SizeResult
) -> None:
    """Figures 1, 3, 4 and 5 without latency."""
    async with open_bench(loop, size, seed=settings.seed) as bench:
        await asyncio.sleep(settings.warmup)
        _describe(result, bench)
        bench.attach_probes()
        window = RateWindow(bench)
        window.start()
        naive = asyncio.create_task(_naive(loop, size, settings))
        await asyncio.sleep(settings.rate_window)
        result.rates = window.finish()
        result.naive = await naive
        result.cost = await measure_cost(bench, settings.cost_window)
        result.quiet = await _interact(bench, settings)


async def written_run(
    loop: VirtualTimeLoop, size: Size, settings: Settings, result: SizeResult
) -> None:
    """Figure 5's comparison: every entity written on every update."""
    with every_entity_written():
        async with open_bench(loop, size, seed=settings.seed) as bench:
            await asyncio.sleep(settings.warmup)
            bench.attach_probes()
            result.cost_written = await measure_cost(bench, settings.cost_window)


async def day_run(
    loop: VirtualTimeLoop, size: Size, settings: Settings, result: SizeResult
) -> None:
    """Figure 2, and figures 3 and 4 with latency: a simulated day with random latency."""
    errors = Counter(CLIENT_ERRORS.by_kind)
    async with open_bench(loop, size, seed=settings.seed, latency_ms=settings.latency_ms) as bench:
        start = loop.time()
        await asyncio.sleep(settings.warmup)
        bench.attach_probes()
        window = RateWindow(bench)
        window.start()
        await asyncio.sleep(settings.rate_window)
        result.day_rates = window.finish()
        result.latency = await _interact(bench, settings)
        await sleep_until(loop, start + settings.day_hours * 3600)
        hours = (loop.time() - start) / 3600
        result.day = day_tally(bench, hours, Counter(CLIENT_ERRORS.by_kind) - errors)


async def measure_size(loop: VirtualTimeLoop, size: Size, settings: Settings) -> SizeResult:
    """Run the three runs of one size."""
    result = SizeResult(size=size)
    await quiet_run(loop, size, settings, result)
    await written_run(loop, size, settings, result)
    await day_run(loop, size, settings, result)
    return result
