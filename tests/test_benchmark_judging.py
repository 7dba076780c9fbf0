"""The benchmark's judging can fail: deliberately broken inputs miss their targets.

Pure tests of `benchmarks.judge`, `benchmarks.stats` and the report's verdicts, fed samples a
broken product would produce (a poller every 120 s, half the changes never shown, too few
samples, a quadratic cost, a missing unlock), beside samples a sound product produces.
"""

from __future__ import annotations

import math
import random

from benchmarks import report as judged, targets
from benchmarks.baselines import BULK_21, BaselineResult
from benchmarks.freshness import Freshness
from benchmarks.judge import judge_linear, judge_p95
from benchmarks.loop_watch import Longest
from benchmarks.operations import Actions, ActionSample, LockAll, OpenShown
from benchmarks.runs import Interaction, Settings, SizeResult
from benchmarks.scenarios import Size
from benchmarks.stats import Summary, bootstrap_interval, percentile

RNG = random.Random(17)


def _uniform(high: float, count: int = 400) -> list[float]:
    """Return delays spread evenly over a poll interval (a change at any phase)."""
    return [RNG.uniform(0.0, high) for _ in range(count)]


def test_percentile_counts_a_change_never_shown() -> None:
    """An infinite sample reaches the percentiles above it; it is never dropped or NaN."""
    values = [1.0] * 90 + [math.inf] * 10
    assert percentile(values, 0.5) == 1.0
    assert percentile(values, 0.95) == math.inf
    assert Summary.of(values).p95_high == math.inf


def test_bootstrap_interval_holds_the_p95() -> None:
    """The interval surrounds the sample's p95 and narrows with more samples."""
    small, large = _uniform(20.0, 40), _uniform(20.0, 2000)
    low, high = bootstrap_interval(small)
    assert low <= percentile(small, 0.95) <= high
    wide = high - low
    low, high = bootstrap_interval(large)
    assert high - low < wide


def test_a_sound_poller_meets_freshness() -> None:
    """Delays of a 21 s poller (p95 near 20 s) meet the 23 s target: the judge can pass."""
    assert judge_p95(_uniform(21.0), targets.MAX_FRESHNESS_TEDEE, why_none="-").met is True


def test_a_poller_every_120_s_misses_freshness() -> None:
    """The target is absolute: a 120 s poller cannot pass by reporting its interval."""
    verdict = judge_p95(_uniform(120.0), targets.MAX_FRESHNESS_TEDEE, why_none="-")
    assert verdict.met is False
    assert verdict.unmeasured is None


def test_half_the_changes_never_shown_misses_freshness() -> None:
    """Changes never shown count as infinitely late: the p95 cannot hide them."""
    values = _uniform(5.0, 200) + [math.inf] * 200
    verdict = judge_p95(values, targets.MAX_FRESHNESS_TEDEE, why_none="-")
    assert verdict.met is False
    assert "200 never shown" in verdict.text


def test_a_p95_on_too_few_samples_is_missed() -> None:
    """Nine good unlocks are not enough for a p95: missed, saying why."""
    verdict = judge_p95([0.2] * 9, targets.MAX_BEYOND_UNAVOIDABLE, why_none="-")
    assert verdict.met is False
    assert verdict.unmeasured == "only 9 samples, a p95 needs 200"


def test_a_p95_whose_interval_crosses_the_target_is_missed() -> None:
    """The sample's p95 is within 1 s but its interval is not: not met."""
    values = [0.5] * 180 + [0.98] * 10 + [1.2] * 10
    summary = Summary.of(values)
    assert summary.p95 <= 1.0 < summary.p95_high
    assert judge_p95(values, 1.0, why_none="-").met is False


def test_a_quadratic_cost_misses_linearity() -> None:
    """10x the entities at 100x the CPU misses; 10x at 9x meets (fixed costs amortised)."""
    assert judge_linear([(100, 1.0), (1000, 100.0)], why_none="-").met is False
    assert judge_linear([(100, 1.0), (1000, 9.0)], why_none="-").met is True
    assert judge_linear([(100, 1.0)], why_none="one size").unmeasured == "one size"


def _sample(service: str, beyond: float) -> ActionSample:
    """Return an action whose time beyond the operation and the network is `beyond`."""
    return ActionSample(
        service=service,
        call_seconds=2.0 + beyond,
        operation_seconds=2.0,
        requests=3,
        command_uplink=0.0,
        read_lag=0.0,
        read_downlink=0.0,
        command_network=0.0,
        read_transit=0.0,
        read_down=0.0,
        before_command=0.0,
        end_to_read=beyond,
        after_answer=0.0,
        command_downlink=0.0,
    )


def _report(result: SizeResult) -> judged.Report:
    """Return a report of one size's result."""
    return judged.Report(
        mode="test",
        settings=Settings(),
        checks=[],
        results=[result],
        real_seconds=0.0,
        virtual_seconds=0.0,
        io_poll=0.002,
    )


def _interaction(actions: Actions) -> Interaction:
    """Return an interaction with these actions and sound freshness."""
    fresh = Freshness(tedee=_uniform(21.0), doorflow=_uniform(30.0))
    return Interaction(fresh, actions, LockAll(), OpenShown(), Freshness(), busiest_hour=400)


def test_no_unlock_drawn_says_so() -> None:
    """Only locks were pressed: the unlock figure is missed with that cause, not another."""
    actions = Actions(samples=[_sample("lock", 0.3) for _ in range(200)])
    verdict = judged.beyond(_interaction(actions), "unlock")
    assert verdict.met is False
    assert verdict.unmeasured == "no unlock was drawn"
    assert judged.beyond(_interaction(actions), "lock").met is True


def test_an_unconfirmed_action_is_infinitely_late() -> None:
    """Failed actions count as ∞ in the judged delays."""
    actions = Actions(samples=[_sample("unlock", 0.3) for _ in range(190)], failed=10)
    actions.failed_by["unlock"] = 10
    assert judged.beyond(_interaction(actions), "unlock").met is False


def test_a_missed_figure_fails_the_run_and_a_baseline_does_not() -> None:
    """`missed` lists Door Access's misses (the exit status); a baseline's miss is shown only."""
    result = SizeResult(size=Size("home"), devices="4 locks")
    actions = Actions(samples=[_sample(s, 0.3) for s in ("lock", "unlock") for _ in range(200)])
    actions.extra_requests, actions.seconds = 2.0 * 400, 400 * 30.0
    result.quiet = _interaction(actions)
    result.blocking = Longest(seconds=0.01, name="poll", callbacks=100)
    slow = BaselineResult(BULK_21, quiet_per_hour=171, freshness=_uniform(120.0))
    result.baselines.append(slow)
    lines = judged.missed(_report(result))
    assert not any("Baseline" in line for line in lines)
    assert not any(
        "Freshness Tedee, before and after actions, no latency" in line for line in lines
    )
    rows = {row.figure: row for row in judged.summary_rows(_report(result))}
    assert rows[f"Baseline {BULK_21.name}: freshness Tedee"].cells[0].met is False
    result.blocking = Longest(seconds=0.3, name="poll", callbacks=100, over=1)
    assert any("loop was held" in line for line in judged.missed(_report(result)))


def test_the_busiest_hour_beyond_its_target_is_missed() -> None:
    """An action phase that spends 95 % of the budget in an hour misses."""
    actions = Actions(samples=[_sample("unlock", 0.3)], seconds=3600.0)
    part = _interaction(actions)
    part.busiest_hour = 665
    assert judged.busiest_hour(part).met is False
    part.busiest_hour = 500
    assert judged.busiest_hour(part).met is True


def test_a_miss_is_a_miss_in_the_gate_too() -> None:
    """An unlock p95 over 1 s is listed as missed, whatever the mode: no figure is let off."""
    result = SizeResult(size=Size("home"), devices="4 locks")
    slow = [_sample("unlock", 1.2) for _ in range(200)]
    actions = Actions(samples=slow + [_sample("lock", 0.3) for _ in range(200)])
    actions.extra_requests, actions.seconds = 2.0 * 400, 400 * 30.0
    result.quiet = _interaction(actions)
    result.blocking = Longest(seconds=0.01, name="poll", callbacks=100)
    unlock = "Unlock → confirmed, beyond the operation, no latency"
    assert any(unlock in line for line in judged.missed(_report(result)))
    actions.samples = [_sample("unlock", 0.5) for _ in range(200)] + actions.samples[200:]
    assert not any(unlock in line for line in judged.missed(_report(result)))
