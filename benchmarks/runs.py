"""The runs measured for each account size, and what each one yields.

1. **Quiet run** (no latency, default options): after the warm-up, one hour of polling with
   nothing changing (figure 1), the update-cost window (figure 5), changes (freshness before
   any action), locks and unlocks (the busy hour), "lock all", opens, and changes again
   (freshness after actions). Home Assistant's event loop is watched in real time throughout.
2. **Every-entity-written run**: the same account with Home Assistant's default write on every
   update, figure 5's comparison.
3. **Unkind days**, one per seed: random latency on both halves of every request, the timed
   interaction again (first seed only), then latency spikes, injected 429s, an entry reload,
   a Home Assistant restart and a second client on the account, with changes timed across
   the day; the simulator's own count of the 429s it refused by rule.
4. **Fair baselines** on their own accounts of the same scenario: a bulk poller every 21 s
   and the HACS cloud Tedee integration's approach, on the same figures.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

from .baselines import APPROACHES, BaselineResult, measure_baseline
from .bench import Bench, open_bench
from .cost import CostResult, every_entity_written, measure_cost
from .freshness import Freshness, measure_freshness
from .harness import CLIENT_ERRORS, sleep_until
from .loop_watch import HOME_ASSISTANT, Longest, LoopWatch, watching
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
from .unkind import Unkindness, unkind_day
from .virtual_time import VirtualTimeLoop


@dataclass(frozen=True)
class Settings:
    """How long and how much each run measures."""

    day_hours: float = 24.0
    warmup: float = 600.0
    rate_window: float = 3600.0
    changes: int = 200
    actions: int = 200
    opens: int = 200
    cost_window: float = 900.0
    latency_ms: tuple[float, float] = (0.0, 500.0)
    seed: int = 1
    day_seeds: int = 3
    baselines: bool = True


@dataclass
class Interaction:
    """Freshness before and after actions, the actions, "lock all" and opens."""

    before: Freshness
    actions: Actions
    lock_all: LockAll
    opens: OpenShown
    after: Freshness
    busiest_hour: int = 0

    @property
    def freshness(self) -> Freshness:
        """Return every change timed, before and after the actions."""
        both = Freshness(tedee_none=self.before.tedee_none, doorflow_none=self.before.doorflow_none)
        both.extend(self.before)
        both.extend(self.after)
        return both


@dataclass
class DayResult:
    """One unkind day (one seed)."""

    seed: int
    tally: DayTally
    unkind: Unkindness

    @property
    def self_caused(self) -> int:
        """Return the 429s the server refused by rule, less those the second client got."""
        return self.tally.self_caused - self.unkind.second_statuses[429]


@dataclass
class SizeResult:
    """Every figure of one account size."""

    size: Size
    devices: str = ""
    tedee_state: str = ""
    tedee_entities: int = 0
    doorflow_entities: int = 0
    rates: RequestRates | None = None
    cost: CostResult | None = None
    cost_written: CostResult | None = None
    quiet: Interaction | None = None
    latency: Interaction | None = None
    days: list[DayResult] = field(default_factory=list)
    blocking: Longest | None = None
    lag: float | None = None
    baselines: list[BaselineResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


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


async def _interact(bench: Bench, settings: Settings, quiet_per_hour: float) -> Interaction:
    """Changes, actions, "lock all", opens, changes again: one after the other."""
    since = bench.loop.time()
    before = await measure_freshness(bench, settings.changes)
    if bench.tedee.loaded:
        actions = await measure_actions(bench, settings.actions, quiet_per_hour)
        lock_all = await measure_lock_all(bench)
        opens = await measure_open(bench, settings.opens)
    else:
        actions, lock_all, opens = Actions(), LockAll(), OpenShown()
    after = await measure_freshness(bench, settings.changes)
    return Interaction(before, actions, lock_all, opens, after, bench.busiest_hour(since))


async def quiet_run(
    loop: VirtualTimeLoop, size: Size, settings: Settings, result: SizeResult, *, full: bool
) -> None:
    """Figures 1, 3, 4 and 5 without latency; the loop watched in real time."""
    watch = LoopWatch()
    async with open_bench(loop, size, seed=settings.seed, watch=watch) as bench:
        await asyncio.sleep(settings.warmup)
        _describe(result, bench)
        bench.attach_probes()
        with watching(loop, watch):
            watch.active = True
            window = RateWindow(bench)
            window.start()
            await asyncio.sleep(settings.rate_window if full else 0)
            result.rates = window.finish() if full else None
            result.cost = await measure_cost(bench, settings.cost_window)
            if full:
                quiet = result.rates.tedee_total if result.rates else 0.0
                result.quiet = await _interact(bench, settings, quiet)
            watch.active = False
        result.blocking = watch.longest(HOME_ASSISTANT)
        result.lag = watch.lag


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
    loop: VirtualTimeLoop, size: Size, settings: Settings, result: SizeResult, seed: int
) -> None:
    """One unkind day: latency, the interaction (first seed), then the disturbances."""
    errors = Counter(CLIENT_ERRORS.by_kind)
    async with open_bench(loop, size, seed=seed, latency_ms=settings.latency_ms) as bench:
        start = loop.time()
        await asyncio.sleep(settings.warmup)
        bench.attach_probes()
        if seed == settings.seed:
            window = RateWindow(bench)
            window.start()
            await asyncio.sleep(min(settings.rate_window, 1800.0))
            quiet = window.finish().tedee_total
            result.latency = await _interact(bench, settings, quiet)
        # The unkind day proper starts after the warm-up and the timed interaction.
        end = loop.time() + settings.day_hours * 3600
        unkind = await unkind_day(bench, loop.time(), end)
        await sleep_until(loop, end)
        hours = (loop.time() - start) / 3600
        tally = day_tally(bench, hours, Counter(CLIENT_ERRORS.by_kind) - errors)
        result.days.append(DayResult(seed, tally, unkind))


async def baseline_runs(
    loop: VirtualTimeLoop, size: Size, settings: Settings, result: SizeResult
) -> None:
    """The fair baselines, each on its own account."""
    for approach in APPROACHES:
        result.baselines.append(
            await measure_baseline(
                loop,
                size,
                approach,
                seed=settings.seed,
                rate_window=settings.rate_window,
                changes=settings.changes,
                actions=settings.actions,
            )
        )


async def measure_size(
    loop: VirtualTimeLoop, size: Size, settings: Settings, *, cost_only: bool = False
) -> SizeResult:
    """Run every run of one size (only the quiet run's cost window with `cost_only`)."""
    result = SizeResult(size=size)
    await quiet_run(loop, size, settings, result, full=not cost_only)
    if cost_only:
        return result
    await written_run(loop, size, settings, result)
    for seed in range(settings.seed, settings.seed + settings.day_seeds):
        await day_run(loop, size, settings, result, seed)
    if settings.baselines:
        await baseline_runs(loop, size, settings, result)
    return result
