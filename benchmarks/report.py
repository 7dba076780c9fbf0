"""The benchmark's report: every figure beside its target, printed and written as Markdown.

Every target comes from `targets.py` (fixed before the run); every verdict from `judge.py`.
Door Access's figures decide the exit status; the baselines are judged on the same targets
and shown beside them, but their misses are theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
import math
import os
from pathlib import Path
import platform

from homeassistant.const import __version__ as ha_version

from custom_components.door_access.tedee.const import TEDEE_HOURLY_LIMIT

from . import targets as t
from .baselines import BaselineResult
from .busy import BusyResult
from .busy_report import busy_header, busy_missed, busy_rows, busy_settings_text
from .judge import (
    Verdict,
    describe_p95,
    judge_at_most,
    judge_linear,
    judge_p95,
    not_measured,
    shown,
)
from .loop_watch import COUNTED_SECONDS
from .operations import Actions
from .push import FLOOD_CALLS, PushFigures, PushLoss, PushResult
from .runs import Interaction, Settings, SizeResult
from .sanity import Check
from .stats import Summary

DASH = "\N{EN DASH}"
NOT_RUN = "not run in this mode"
NO_TEDEE = "the Tedee entry never finished setting up"


@dataclass
class Report:
    """Everything one benchmark run found."""

    mode: str
    settings: Settings
    checks: list[Check]
    results: list[SizeResult]
    real_seconds: float
    virtual_seconds: float
    io_poll: float
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    # The push figures, by size (issue 19), and the command line's arguments.
    push: list[PushResult] = field(default_factory=list)
    command: str = ""
    # The busy accounts (one lock moved each minute, activity on).
    busy: list[BusyResult] = field(default_factory=list)


@dataclass
class Row:
    """One line of the summary: a figure, its target, a verdict per size."""

    figure: str
    target: str
    cells: list[Verdict]
    # A baseline's row: judged on the same target, never Door Access's miss.
    baseline: bool = False


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    """Return a Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _num(value: float | None, digits: int = 1, unit: str = "") -> str:
    """Format a number (a dash when missing)."""
    if value is None or math.isnan(value):
        return DASH
    return f"{value:.{digits}f}{unit}"


def _tedee_why(result: SizeResult) -> str:
    """Return why a Tedee figure has no sample: the entry's state when it was not set up."""
    return f"{NO_TEDEE}; it stayed {result.tedee_state}"


# ---- figure 1: requests ----------------------------------------------------------------------


def quiet_share(result: SizeResult) -> Verdict:
    """Tedee requests in the quiet hour, as a share of 700."""
    rates = result.rates
    if rates is None:
        return shown(NOT_RUN)
    if not rates.tedee_loaded:
        return not_measured(_tedee_why(result))
    share = rates.tedee_share
    return judge_at_most(
        share, t.MAX_QUIET_SHARE, f"{rates.tedee_total:.0f}/h ({share:.0%})", why_none=NO_TEDEE
    )


def busiest_hour(part: Interaction | None) -> Verdict:
    """The busiest hour of the action phase, as a share of 700, with the action rate."""
    if part is None:
        return shown(NOT_RUN)
    if not part.actions.samples:
        return not_measured(part.actions.none_reason)
    share = part.busiest_hour / TEDEE_HOURLY_LIMIT
    return judge_at_most(
        share,
        t.MAX_BUSY_SHARE,
        f"{part.busiest_hour}/h ({share:.0%}) at {part.actions.per_hour:.0f} actions/h",
        why_none=part.actions.none_reason,
    )


def requests_per_action(part: Interaction | None) -> Verdict:
    """Every request an action caused beyond the quiet rate."""
    if part is None:
        return shown(NOT_RUN)
    actions = part.actions
    if not actions.samples:
        return not_measured(actions.none_reason)
    count = len(actions.samples) + actions.failed
    forward = actions.brought_forward / count
    return judge_at_most(
        actions.extra_per_action,
        t.MAX_REQUESTS_PER_ACTION,
        f"{actions.extra_per_action:.2f} (polls brought forward {forward:.2f}, n={count})",
        why_none=actions.none_reason,
    )


def syncs_per_poll(result: SizeResult) -> Verdict:
    """Lock-state requests per poll (bulk syncs, and single-lock syncs)."""
    rates = result.rates
    if rates is None:
        return shown(NOT_RUN)
    if not rates.tedee_loaded or not rates.syncs_per_poll:
        return not_measured(_tedee_why(result))
    singles = rates.tedee_rate("GET my/lock/{id}/sync")
    most = rates.most_syncs_in_a_poll
    return Verdict(f"≤ {most} per poll, {singles:.0f} single-lock", met=most == 1 and singles == 0)


def doorflow_rate(result: SizeResult) -> Verdict:
    """DoorFlow requests per hour (no budget published)."""
    rates = result.rates
    return shown(NOT_RUN if rates is None else f"{rates.doorflow_total:.0f}/h")


# ---- figure 2: the unkind days ---------------------------------------------------------------


def self_caused(result: SizeResult) -> Verdict:
    """Self-caused 429s on every unkind day (one per seed)."""
    if not result.days:
        return shown(NOT_RUN)
    if not all(day.tally.tedee_loaded for day in result.days):
        return not_measured(_tedee_why(result))
    counts = [day.self_caused for day in result.days]
    hours = result.days[0].tally.hours
    text = f"{', '.join(map(str, counts))} ({len(counts)} seeds x {hours:.1f} h)"
    return Verdict(text, met=max(counts) <= t.MAX_SELF_CAUSED_429)


def timeouts(result: SizeResult) -> Verdict:
    """Client timeouts on the unkind days."""
    if not result.days:
        return shown(NOT_RUN)
    counts = [day.tally.client_timeouts for day in result.days]
    return Verdict(", ".join(map(str, counts)), met=max(counts) == 0)


def bulk_gap(result: SizeResult) -> Verdict:
    """The smallest gap the server saw between two accepted bulk syncs, every day."""
    gaps = [d.tally.smallest_bulk_gap for d in result.days if d.tally.smallest_bulk_gap]
    if not result.days:
        return shown(NOT_RUN)
    if not gaps:
        return not_measured("no two bulk syncs were sent")
    return Verdict(f"{min(gaps):.3f} s", met=min(gaps) >= 20.0)


# ---- figure 3: freshness and actions ---------------------------------------------------------


def freshness(part: Interaction | None, tedee: bool) -> Verdict:
    """Freshness p95 before and after actions, against the absolute target."""
    if part is None:
        return shown(NOT_RUN)
    fresh = part.freshness
    values = fresh.tedee if tedee else fresh.doorflow
    limit = t.MAX_FRESHNESS_TEDEE if tedee else t.MAX_FRESHNESS_DOORFLOW
    return judge_p95(values, limit, why_none=fresh.tedee_none if tedee else fresh.doorflow_none)


def day_freshness(result: SizeResult, tedee: bool) -> Verdict:
    """Freshness p95 across the unkind days (every seed together)."""
    if not result.days:
        return shown(NOT_RUN)
    values: list[float] = []
    for day in result.days:
        values += day.unkind.freshness.tedee if tedee else day.unkind.freshness.doorflow
    limit = t.MAX_FRESHNESS_TEDEE if tedee else t.MAX_FRESHNESS_DOORFLOW
    return judge_p95(values, limit, why_none="no change could be made during the day")


def _no_action(actions: Actions, service: str) -> str:
    """Return why a service has no sample."""
    if not actions.samples and not actions.failed:
        return actions.none_reason
    return f"no {service} was drawn"


def beyond(part: Interaction | None, service: str) -> Verdict:
    """Pressed → confirmed, beyond the operation and what no client can avoid; judged."""
    if part is None:
        return shown(NOT_RUN)
    return judge_p95(
        part.actions.delays(service),
        t.MAX_BEYOND_UNAVOIDABLE,
        why_none=_no_action(part.actions, service),
    )


def raw(part: Interaction | None, service: str) -> Verdict:
    """Pressed → confirmed beyond the operation only (the network's delays in): shown."""
    if part is None:
        return shown(NOT_RUN)
    values = [s.beyond_operation for s in part.actions.samples if s.service == service]
    if not values:
        return shown(DASH)
    return shown(describe_p95(Summary.of(values)))


def unavoidable(part: Interaction | None, service: str) -> Verdict:
    """What no client can avoid (command uplink + final answer's downlink): shown."""
    if part is None:
        return shown(NOT_RUN)
    values = [s.command_network + s.read_down for s in part.actions.samples if s.service == service]
    if not values:
        return shown(DASH)
    return shown(describe_p95(Summary.of(values)))


def lock_all(part: Interaction | None) -> Verdict:
    """One call for up to 10 locks against one lock's call."""
    if part is None:
        return shown(NOT_RUN)
    every = part.lock_all
    if not every.single:
        return not_measured(part.actions.none_reason)
    single = Summary.of(every.single).median
    together = Summary.of(every.all_at_once).median
    return Verdict(
        f"{every.ratio:.2f} ({every.locks} locks {together:.2f} s, one {single:.2f} s)",
        met=every.ratio <= t.MAX_LOCK_ALL_RATIO,
    )


def opened(part: Interaction | None) -> Verdict:
    """Time still shown open after the latch was let go (a failed open is infinitely late)."""
    if part is None:
        return shown(NOT_RUN)
    opens = part.opens
    return judge_p95(
        opens.beyond + [math.inf] * opens.failed,
        t.MAX_OPEN_BEYOND,
        why_none="no lock with the pull spring showed a settled state",
    )


# ---- figure 5: cost, writes, the event loop ---------------------------------------------------


def writes(result: SizeResult) -> Verdict:
    """State writes per update, every state event over the whole window."""
    cost = result.cost
    if cost is None or not cost.window_updates:
        return not_measured("no coordinator update ran in the window")
    base = result.cost_written
    text = f"{cost.writes_per_update:.2f} ({cost.window_writes} in {cost.window_updates} updates"
    text += f"; baseline {base.writes_per_update:.1f})" if base else ")"
    return Verdict(text, met=cost.writes_per_update <= t.MAX_WRITES_PER_UPDATE)


def blocking(result: SizeResult) -> Verdict:
    """The longest Home Assistant's loop was held by one callback, real time."""
    longest = result.blocking
    if longest is None or not longest.callbacks:
        return not_measured("the loop watch saw no callback")
    text = (
        f"{longest.seconds * 1000:.1f} ms ({longest.name}); {longest.over} ≥ "
        f"{COUNTED_SECONDS * 1000:.0f} ms of {longest.callbacks}; lag "
        f"{_num((result.lag or 0) * 1000, 1)} ms"
    )
    return Verdict(text, met=longest.seconds <= t.MAX_BLOCKING_SECONDS)


def _integration_cpu(result: SizeResult) -> tuple[int, float]:
    """Return (entities, integration CPU ms per update) of both clouds together."""
    cost = result.cost
    if cost is None:
        return 0, math.nan
    parts = [c for c in (cost.tedee, cost.doorflow) if c is not None]
    return sum(c.entities for c in parts), sum(c.integration_cpu_ms for c in parts)


def _entities_cpu(result: SizeResult) -> tuple[int, float]:
    """Return (entities, the entities' CPU ms per update) of both clouds together."""
    cost = result.cost
    if cost is None:
        return 0, math.nan
    parts = [c for c in (cost.tedee, cost.doorflow) if c is not None]
    return sum(c.entities for c in parts), sum(c.listeners_cpu_ms for c in parts)


def linear(
    results: Sequence[SizeResult], measure: Callable[[SizeResult], tuple[int, float]]
) -> list[Verdict]:
    """CPU per update for each size, judged for linearity against the next smaller size."""
    verdicts = []
    ordered = sorted(results, key=lambda r: measure(r)[0])
    for result in results:
        entities, ms = measure(result)
        text = f"{_num(ms, 2, ' ms')} for {entities} entities"
        smaller = [r for r in ordered if 0 < measure(r)[0] < entities]
        if not smaller:
            verdicts.append(shown(text + " (smallest size)"))
            continue
        verdict = judge_linear(
            [measure(smaller[-1]), (entities, ms)], why_none="CPU was not measured"
        )
        verdicts.append(Verdict(f"{text}; {verdict.text}", verdict.met, verdict.unmeasured))
    return verdicts


# ---- baselines -------------------------------------------------------------------------------


def _baseline(result: SizeResult, index: int) -> BaselineResult | None:
    """Return one baseline of a size."""
    return result.baselines[index] if index < len(result.baselines) else None


def baseline_rows(report: Report) -> list[Row]:
    """Each fair baseline on the same figures and targets as Door Access."""
    rows = []
    names = {b.approach.name: i for r in report.results for i, b in enumerate(r.baselines)}
    for name, index in names.items():

        def cells(make: Callable[[BaselineResult], Verdict], i: int = index) -> list[Verdict]:
            found = [_baseline(r, i) for r in report.results]
            return [shown(NOT_RUN) if b is None else make(b) for b in found]

        rows += [
            Row(
                f"Baseline {name}: Tedee requests per hour, quiet",
                f"≤ {t.MAX_QUIET_SHARE:.0%}",
                cells(
                    lambda b: judge_at_most(
                        b.quiet_share,
                        t.MAX_QUIET_SHARE,
                        f"{b.quiet_per_hour:.0f}/h ({b.quiet_share:.0%})",
                        why_none="no request",
                    )
                ),
                baseline=True,
            ),
            Row(
                f"Baseline {name}: 429s refused by rule",
                "0",
                cells(lambda b: Verdict(f"{b.rule_429} in {b.hours:.1f} h", b.rule_429 == 0)),
                baseline=True,
            ),
            Row(
                f"Baseline {name}: freshness Tedee",
                f"p95 ≤ {t.MAX_FRESHNESS_TEDEE:g} s",
                cells(
                    lambda b: judge_p95(
                        b.freshness, t.MAX_FRESHNESS_TEDEE, why_none="no lock to change"
                    )
                ),
                baseline=True,
            ),
            Row(
                f"Baseline {name}: lock / unlock → confirmed, beyond the operation",
                f"p95 ≤ {t.MAX_BEYOND_UNAVOIDABLE:g} s",
                cells(
                    lambda b: judge_p95(
                        b.beyond, t.MAX_BEYOND_UNAVOIDABLE, why_none="no lock to operate"
                    )
                ),
                baseline=True,
            ),
            Row(
                f"Baseline {name}: requests per action beyond the quiet rate",
                f"≤ {t.MAX_REQUESTS_PER_ACTION:g}",
                cells(
                    lambda b: judge_at_most(
                        b.requests_per_action,
                        t.MAX_REQUESTS_PER_ACTION,
                        f"{b.requests_per_action:.2f}",
                        why_none="no action",
                    )
                ),
                baseline=True,
            ),
        ]
    return rows


# ---- the summary -----------------------------------------------------------------------------


def summary_rows(report: Report) -> list[Row]:
    """Return every figure beside its target, one verdict per size."""
    results = report.results
    low, high = report.settings.latency_ms
    latency = f"{low:g}-{high:g} ms"

    def row(figure: str, target: str, cell: Callable[[SizeResult], Verdict]) -> Row:
        return Row(figure, target, [cell(r) for r in results])

    fresh_t = f"p95 ≤ {t.MAX_FRESHNESS_TEDEE:g} s"
    fresh_d = f"p95 ≤ {t.MAX_FRESHNESS_DOORFLOW:g} s"
    beyond_t = f"p95 ≤ {t.MAX_BEYOND_UNAVOIDABLE:g} s"
    rows = [
        row("1 Tedee requests per hour, quiet hour (share of 700)", "≤ 40 %", quiet_share),
        row(
            "1 Busiest hour of the run (share of 700), at the action rate shown",
            f"≤ {t.MAX_BUSY_SHARE:.0%} at ~{t.BUSY_ACTIONS_PER_HOUR} actions/h",
            lambda r: busiest_hour(r.quiet),
        ),
        row(
            "1 Every request an action causes, beyond the quiet rate (per action)",
            f"≤ {t.MAX_REQUESTS_PER_ACTION:g}",
            lambda r: requests_per_action(r.quiet),
        ),
        row("1 Lock-state requests per poll", "1, any size", syncs_per_poll),
        row("1 DoorFlow requests per hour", DASH, doorflow_rate),
        row(
            f"2 Self-caused 429s, unkind day ({latency}, spikes, restart, reload, second "
            "client, injected 429s), each seed",
            "0",
            self_caused,
        ),
        row("2 Client timeouts on those days", "0", timeouts),
        row("2 Smallest gap between two bulk syncs (server)", "≥ 20 s", bulk_gap),
        row(
            "3 Freshness Tedee, before and after actions, no latency",
            fresh_t,
            lambda r: freshness(r.quiet, True),
        ),
        row(
            f"3 Freshness Tedee, before and after actions, {latency}",
            fresh_t,
            lambda r: freshness(r.latency, True),
        ),
        row("3 Freshness Tedee, across the unkind days", fresh_t, lambda r: day_freshness(r, True)),
        row(
            "3 Freshness DoorFlow, before and after actions, no latency",
            fresh_d,
            lambda r: freshness(r.quiet, False),
        ),
        row(
            f"3 Freshness DoorFlow, before and after actions, {latency}",
            fresh_d,
            lambda r: freshness(r.latency, False),
        ),
        row(
            "3 Freshness DoorFlow, across the unkind days",
            fresh_d,
            lambda r: day_freshness(r, False),
        ),
        row(
            "3 Unlock → confirmed, beyond the operation, no latency",
            beyond_t,
            lambda r: beyond(r.quiet, "unlock"),
        ),
        row(
            "3 Lock → confirmed, beyond the operation, no latency",
            beyond_t,
            lambda r: beyond(r.quiet, "lock"),
        ),
        row(
            f"3 Unlock → confirmed, {latency}, raw (beyond the operation only)",
            "shown",
            lambda r: raw(r.latency, "unlock"),
        ),
        row(
            "3 …of which no client can avoid (command uplink + final answer's downlink)",
            "shown",
            lambda r: unavoidable(r.latency, "unlock"),
        ),
        row(
            f"3 Unlock → confirmed, {latency}, beyond what no client can avoid",
            beyond_t,
            lambda r: beyond(r.latency, "unlock"),
        ),
        row(
            f"3 Lock → confirmed, {latency}, beyond what no client can avoid",
            beyond_t,
            lambda r: beyond(r.latency, "lock"),
        ),
        row(
            '3 "Lock all" ÷ one lock (2 s operations), no latency',
            f"≤ {t.MAX_LOCK_ALL_RATIO:g}",
            lambda r: lock_all(r.quiet),
        ),
        row(
            f'3 "Lock all" ÷ one lock, {latency}',
            f"≤ {t.MAX_LOCK_ALL_RATIO:g}",
            lambda r: lock_all(r.latency),
        ),
        row(
            '4 "Open" shown after the latch was let go, no latency',
            f"p95 ≤ {t.MAX_OPEN_BEYOND:g} s",
            lambda r: opened(r.quiet),
        ),
        row(
            f'4 "Open" shown after, {latency}',
            f"p95 ≤ {t.MAX_OPEN_BEYOND:g} s",
            lambda r: opened(r.latency),
        ),
        row(
            "5 State writes per update, nothing changed (every state event in the window)",
            "0",
            writes,
        ),
        row(
            "5 Longest Home Assistant's loop was held by one callback (real time), and lag",
            f"≤ {t.MAX_BLOCKING_SECONDS * 1000:.0f} ms",
            blocking,
        ),
        Row(
            "5 CPU per update, whole integration (both clouds), against the next smaller size",
            f"≤ {t.MAX_SUPERLINEAR:g}x linear",
            linear(results, _integration_cpu),
        ),
        Row(
            "5 CPU per update, entities (both clouds), against the next smaller size",
            f"≤ {t.MAX_SUPERLINEAR:g}x linear",
            linear(results, _entities_cpu),
        ),
    ]
    return rows + baseline_rows(report)


def _size_header(result: SizeResult) -> str:
    """Return a column title: the size and its device counts."""
    if result.size.locks is None:
        return f"{result.size.name} ({result.devices})"
    return result.devices or result.size.name


def missed(report: Report) -> list[str]:
    """Return every Door Access figure that missed its target, and every failed check."""
    found = []
    for row in summary_rows(report):
        if row.baseline:
            continue
        for result, cell in zip(report.results, row.cells, strict=True):
            if cell.met is False:
                found.append(f"{row.figure} — {result.size.name}: {cell.text}")
    found.extend(push_missed(report))
    found.extend(busy_missed(report.busy))
    found.extend(
        f"known answer {check.name}: expected {check.expected}, measured {check.measured}"
        for check in report.checks
        if not check.passed
    )
    return found


def _summary_table(report: Report) -> list[str]:
    """Return the summary table."""
    header = ["Figure", "Target", *(_size_header(r) for r in report.results)]
    return _table(
        header,
        (
            [row.figure, row.target, *(c.render() for c in row.cells)]
            for row in summary_rows(report)
        ),
    )


def _busy_table(report: Report) -> list[str]:
    """Return the busy accounts' figures beside their targets."""
    header = ["Figure", "Target", *(busy_header(r) for r in report.busy)]
    return _table(
        header,
        (
            [row.figure, row.target, *(c.render() for c in row.cells)]
            for row in busy_rows(report.busy)
        ),
    )


def _busy_section(report: Report) -> list[str]:
    """Return the busy account's section (nothing when it was not run)."""
    if not report.busy:
        return []
    return [
        "### The busy account",
        "",
        "A large Tedee account where one lock is moved from outside Home Assistant each minute "
        "(every other move by hand, the others by a person's PIN on the keypad), activity on: "
        + busy_settings_text(report.busy)
        + " See *How it is measured*.",
        "",
        *_busy_table(report),
        "",
    ]


def _checks_table(report: Report) -> list[str]:
    """Return the known-answer checks."""
    return _table(
        ["Known answer", "Expected", "Measured", "Agrees"],
        ([c.name, c.expected, c.measured, "yes" if c.passed else "**no**"] for c in report.checks),
    )


def _history() -> list[str]:
    """Return the targets' history."""
    return _table(["Date", "Change", "Why"], ([c.date, c.change, c.reason] for c in t.HISTORY))


def _day_table(report: Report) -> list[str]:
    """Return each unkind day's details."""
    rows = []
    for r in report.results:
        for day in r.days:
            tally, unkind = day.tally, day.unkind
            rows.append(
                [
                    f"{r.size.name}, seed {day.seed}",
                    f"{tally.hours:.1f} h",
                    str(tally.requests),
                    str(tally.by_rule or "none"),
                    f"{tally.injected} (of {unkind.injected} injected)",
                    f"{unkind.spikes} x {unkind.restarts} / {unkind.reloads}",
                    f"{unkind.second_sent} sent, 429: {unkind.second_statuses[429]}",
                    f"{tally.scheduler_self_caused} / {tally.scheduler_other}",
                    str(tally.client_errors or "none"),
                ]
            )
    return _table(
        [
            "Size, seed",
            "Simulated",
            "Requests",
            "429 by rule (server)",
            "429 by fault (server)",
            "Spikes x restarts / reloads",
            "Second client",
            "429 seen by the integration (self / other)",
            "Client errors",
        ],
        rows,
    )


def _action_table(report: Report) -> list[str]:
    """Return the action phases' details: requests by endpoint and failed actions."""
    rows = []
    for r in report.results:
        for name, part in (("no latency", r.quiet), ("latency", r.latency)):
            if part is None:
                continue
            actions = part.actions
            endpoints = ", ".join(
                f"{key.partition(' ')[0]} {key.partition(' ')[2].removeprefix('/api/{version}/')}"
                f" {n}"
                for key, n in sorted(actions.by_endpoint.items(), key=lambda kv: -kv[1])
            )
            rows.append(
                [
                    f"{r.size.name}, {name}",
                    f"{len(actions.samples)} ({actions.failed} failed)",
                    f"{actions.seconds / 3600:.1f} h",
                    f"{actions.brought_forward}",
                    endpoints or DASH,
                ]
            )
    return _table(
        ["Size, network", "Actions", "Phase", "Polls brought forward", "Tedee requests seen"],
        rows,
    )


def _cpu_model() -> str:
    """Return the CPU model name (Linux), else the platform's processor."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _machine(report: Report) -> list[str]:
    """Return the machine and settings table."""
    s = report.settings
    sized = (
        [
            [
                "Unkind days",
                f"{s.day_seeds} x {s.day_hours:g} simulated hours, random latency "
                f"{s.latency_ms[0]:g}-{s.latency_ms[1]:g} ms each way, spikes, a restart, a "
                "reload, a second client, injected 429s",
            ],
            [
                "Phases",
                f"warm-up {s.warmup / 60:g} min; request rates over {s.rate_window / 60:g} min; "
                f"update cost over {s.cost_window / 60:g} min; {s.changes} changes per cloud "
                f"before and again after actions; ≥ {s.actions} locks and ≥ {s.actions} "
                f"unlocks; {s.opens} opens",
            ],
            ["Seeds", f"{s.seed} to {s.seed + s.day_seeds - 1}"],
        ]
        if report.results
        else []
    )
    return _table(
        ["", ""],
        [
            ["CPU", f"{_cpu_model()}, {os.cpu_count()} cores"],
            ["System", platform.platform()],
            ["Python", platform.python_version()],
            ["Home Assistant", ha_version],
            ["Date", report.created.strftime("%Y-%m-%d %H:%M UTC")],
            [
                "Run time",
                f"{report.real_seconds / 60:.1f} min real for "
                f"{report.virtual_seconds / 3600:.1f} simulated hours (mode `{report.mode}`)",
            ],
            [
                "Sizes",
                "; ".join(
                    [", ".join(_size_header(r) for r in report.results)] * bool(report.results)
                    + [f"busy account: {busy_header(r)}" for r in report.busy]
                ),
            ],
            *sized,
            ["Options", "the integration's defaults (set up through its config flow)"],
            ["I/O poll before a clock jump", f"{report.io_poll * 1000:g} ms real"],
        ],
    )


def _cost_table(report: Report) -> list[str]:
    """Return figure 5 per size, cloud and way of writing."""
    rows = []
    for r in report.results:
        for name, cost in (("only on change", r.cost), ("every update", r.cost_written)):
            if cost is None:
                continue
            for cloud, c in (("Tedee", cost.tedee), ("DoorFlow", cost.doorflow)):
                if c is None:
                    continue
                rows.append(
                    [
                        f"{r.size.name}, {cloud}",
                        name,
                        str(c.entities),
                        f"{c.updates} ({c.discarded} overlapped)",
                        f"{c.writes_per_update:g}",
                        _num(c.listeners_cpu_ms, 3),
                        _num(c.listeners_us_per_entity, 1),
                        _num(c.integration_cpu_ms, 2),
                        _num(c.cpu_ms, 2),
                        _num(c.listeners_memory_kib, 1),
                        _num(c.memory_kib, 0),
                    ]
                )
    return _table(
        [
            "Size, cloud",
            "Writes",
            "Entities",
            "Updates",
            "Writes per update",
            "Entities CPU ms",
            "µs per entity",
            "Integration CPU ms",
            "With the simulator, ms",
            "Entities peak KiB",
            "Whole update peak KiB",
        ],
        rows,
    )


def _size_details(report: Report) -> list[str]:
    """Return the unkind days, the action phases and figure 5 of the sizes measured."""
    return [
        "## The unkind days",
        "",
        *_day_table(report),
        "",
        "## The action phases",
        "",
        *_action_table(report),
        "",
        "## Figure 5: one update with nothing changed",
        "",
        "Medians of process CPU per update. *Entities*: the listener phase. *Integration*: the "
        "whole update without the in-process simulator's handling of its requests.",
        "",
        *_cost_table(report),
        "",
    ]


def render_markdown(report: Report) -> str:
    """Return docs/benchmarks.md."""
    lines = [
        "# Benchmarks",
        "",
        "Generated by `./scripts/run python -m benchmarks` (see *Running it* and *How it is "
        "measured* below); do not edit by hand.",
        "",
        "## Machine and settings",
        "",
        *_machine(report),
        "",
        "## Every figure beside its target",
        "",
        "✅ met, ❌ missed. Times are simulated (virtual) seconds unless marked real. A p95 is "
        "shown as `median / p95 s [bootstrap 95 % interval of the p95] (n)`; it is judged only "
        f"on at least {t.MIN_SAMPLES} samples and met only if the whole interval is within the "
        "target. A change never shown, or an action never confirmed, is infinitely late (∞). "
        "A figure that could not be measured is missed and says why. The baselines are "
        "judged on the same targets; their misses do not fail the run.",
        "",
        *([*_summary_table(report), ""] if report.results else []),
        *_busy_section(report),
        "### Missed",
        "",
        *([f"- {line}" for line in missed(report)] or ["- nothing"]),
        "",
        "## Targets and their history",
        "",
        "Fixed in `benchmarks/targets.py` before the run; none is read from the product.",
        "",
        *_history(),
        "",
        *([*render_push(report), ""] if report.push else []),
        *(_size_details(report) if report.results else []),
        "## Known answers",
        "",
        "Checks of the measuring itself, run first.",
        "",
        *_checks_table(report),
        "",
        METHOD,
    ]
    return "\n".join(lines) + "\n"


def render_console(report: Report) -> str:
    """Return what the benchmark prints: the summary, the misses and the checks."""
    lines = [
        "",
        *([*_summary_table(report), ""] if report.results else []),
        *([*_push_table(report), ""] if report.push else []),
        *([*_busy_table(report), ""] if report.busy else []),
        "Missed:",
        *([f"  - {line}" for line in missed(report)] or ["  nothing"]),
        "",
        *([*_checks_table(report), ""] if report.checks else []),
        f"{report.real_seconds:.0f} s real for {report.virtual_seconds / 3600:.1f} simulated hours",
    ]
    if report.mode in ("gate", "push"):
        misses = missed(report)
        label = "Gate" if report.mode == "gate" else "Push"
        lines.append(f"{label}: " + ("FAILED" if misses else "passed") + f" ({len(misses)} missed)")
    return "\n".join(lines)


def write_markdown(report: Report, path: Path) -> None:
    """Write the report to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(report), encoding="utf-8")


METHOD = """## Running it

```sh
./scripts/run python -m benchmarks              # every size: the full run that writes this file
./scripts/run python -m benchmarks --gate       # the quick gate CI runs (home, 100 locks' cost)
./scripts/run python -m benchmarks --only push  # push alone (home, 1000 locks): its section only
./scripts/run python -m benchmarks --busy       # the busy account alone (1000 locks, 7 h, ~5 min)
./scripts/run python -m benchmarks --sizes home,250 --hours 6 --no-write
./scripts/run python -m benchmarks --help
```

It exits with status 1 when any Door Access figure misses its target or a known-answer check
fails, and prints why. `--gate` runs the key figures on fewer sizes with the same rules and the
same targets (home: every Door Access figure, on two 3-hour unkind days, no baselines; 100
locks: the update cost, the writes and the event loop, for linearity; the busy account on 100
locks for 3.4 hours, 204 moves);
`tests/test_benchmarks.py` runs it inside the test command, so any miss fails CI.
`--smoke` only checks that every figure is produced. `python -m benchmarks.breakages` measures
deliberately broken products and shows each missing its figure
(`tests/test_benchmark_breakages.py`).

## How it is measured

**Real code, virtual time.** A real Home Assistant (the test harness's
`async_test_home_assistant`, custom integrations enabled, its HTTP server on a free port of
127.0.0.1) signs in to both simulated accounts through Door Access's own config flow and polls
them over real HTTP on 127.0.0.1. Everything runs on one asyncio loop whose clock is virtual
(`benchmarks/virtual_time.py`): when nothing is ready to run, the loop polls the sockets for a
short real time, waits while any executor job is pending, and only then moves its clock to the
next timer. Home Assistant's timers and wall clock, the integration's scheduler, the
simulator's clock (which judges the 20 s rule at arrival) and its latency all read that clock.
CPU work takes no virtual time, so what the virtual clock cannot see is measured in real time:
every callback of the loop is timed (`benchmarks/loop_watch.py`), less the time other processes
took the CPU away (involuntary context switches), and sorted by whose code it runs (simulator,
benchmark driver, or Home Assistant with the integration); CPU per update is process time.

**Counts.** Requests are the simulator's own log (by arrival), never the integration's
counters. *Every request an action causes*: all Tedee requests the server saw during the action
phase (operations, status reads, activity, lock details, polls brought forward) less what the
quiet hour's rate would have cost over the same time, per action. *Busiest hour*: the most
Tedee requests in any sliding hour of the quiet run after the warm-up (it covers the action
phase). State writes: every `state_changed` and `state_reported` event over the whole cost
window, divided by the coordinator updates in it (a write one loop turn late still counts).

**Freshness.** A lock's position or a door's mode is changed through the control API at a
random moment (3 s plus a uniform draw over at least 30 s after the previous change was shown)
and timed until Home Assistant shows it; not shown within 300 s is never shown (∞). The quiet
and latency runs time 200 changes per cloud before the actions and 200 after; the unkind days
time changes the whole day through (not while the entry reloads or Home Assistant restarts).

**Actions.** Lock or unlock on a random connected lock until each has at least 200 samples,
timed from the service call to the confirmed state in Home Assistant, less the lock's own
operation (command arrival to the operation's end, from the simulator) and less what no client
can avoid: the command's uplink and the final status read's downlink as the simulator drew them.
Nothing else is taken out; an action that fails or is never confirmed is ∞. The raw figure
(less the operation only) is shown beside it.

**The unkind day** (`benchmarks/unkind.py`): random latency, three 3-minute spikes of 1-4 s each
way, twice three injected 429s on the bulk sync (faults, not rules), an entry reload, a Home
Assistant restart (30 s down, the same config entries), and from the first hour a second client
on the same account (`GET my/bridge` every 36 s). Self-caused 429s are the simulator's count of
requests refused by its rules, less those the second client received, on every seed.

**The busy account** (`benchmarks/busy.py`, issue 16): a generated account (1000 locks in the
full run and with `--busy`) with random latency of 0-500 ms each way. From the sign-in's first
step until every lock's entity shows a state is *sign-in → entities*. After a 10-minute warm-up
(in which the "last operated by" sensors of the locks a person will move are enabled and Home
Assistant reloads the entry, as when a user enables them), a different connected lock is moved
from outside Home Assistant each minute, spread over the account: every other move by hand
(`PATCH /_control/tedee/locks/{id}`, which logs the manual activity 38 / 39), the others by a
person's PIN on the keypad (activity 65 / 61, naming them). Each move is timed until Home
Assistant shows the lock's new position, the lock's activity event entity fires and, for a
person's move, "last operated by" names them; not shown within 300 s is never shown (∞). Over
the moves' hours the server's log gives the Tedee requests in the busiest sliding hour, the bulk
syncs per hour and the 429s its rules refused; the lock-list pages are counted in every sliding
hour from the sign-in on (setup's listing and the reload included).

**Baselines** (`benchmarks/baselines.py`), each on its own simulated account of the same
scenario, no latency: a bulk poller every 21 s (the documented floor), and the HACS cloud Tedee
integration's approach (bulk sync every 15 s, a fixed 5 s sleep after an operation, then a
sync); the same freshness, action, request and 429 figures, the same targets.
"""


# ---- push (issue 19) -------------------------------------------------------------------------


def _figures(result: PushResult, polling: bool) -> PushFigures | None:
    """Return one mode's figures of a size."""
    return result.polling if polling else result.push


def _not_run(result: PushResult, polling: bool) -> Verdict | None:
    """Return the verdict of a figure whose run did not happen (None: it ran)."""
    if _figures(result, polling) is None:
        return not_measured("the run did not finish") if result.notes else shown(NOT_RUN)
    return None


def push_freshness(result: PushResult, tedee: bool, *, polling: bool = False) -> Verdict:
    """A change made outside Home Assistant → shown, p95, with push (or polling)."""
    figures = _figures(result, polling)
    if figures is None:
        return _not_run(result, polling) or shown(NOT_RUN)
    fresh = figures.freshness
    values = fresh.tedee if tedee else fresh.doorflow
    why = fresh.tedee_none if tedee else fresh.doorflow_none
    return judge_p95(values, t.MAX_PUSH_FRESHNESS, why_none=why)


def push_who(result: PushResult, *, polling: bool = False) -> Verdict:
    """Keypad unlock / lock → the lock's event with who, p95."""
    figures = _figures(result, polling)
    if figures is None:
        return _not_run(result, polling) or shown(NOT_RUN)
    return judge_p95(figures.who, t.MAX_PUSH_WHO, why_none=figures.who_none)


def push_forced(result: PushResult, *, polling: bool = False) -> Verdict:
    """A DoorFlow door forced open → its problem sensor on, p95."""
    figures = _figures(result, polling)
    if figures is None:
        return _not_run(result, polling) or shown(NOT_RUN)
    return judge_p95(figures.forced, t.MAX_PUSH_FORCED, why_none=figures.forced_none)


def push_quiet_share(result: PushResult, *, polling: bool = False) -> Verdict:
    """Tedee requests in a quiet hour as a share of 700 (DoorFlow's beside it)."""
    figures = _figures(result, polling)
    if figures is None:
        return _not_run(result, polling) or shown(NOT_RUN)
    rates = figures.rates
    if rates is None or not rates.tedee_loaded:
        return not_measured(NO_TEDEE)
    share = rates.tedee_share
    text = (
        f"{rates.tedee_total:.0f}/h ({share:.0%}); DoorFlow {rates.doorflow_total:.0f}/h; "
        f"said {figures.tedee_mode or DASH} / {figures.doorflow_mode or DASH}"
    )
    return judge_at_most(share, t.MAX_PUSH_QUIET_SHARE, text, why_none=NO_TEDEE)


def _loss(result: PushResult) -> PushLoss | None:
    """Return the push-lost phase of a size."""
    return result.loss


def loss_back(result: PushResult) -> Verdict:
    """Push lost: the first change no push brought → the next cloud lock-state poll."""
    loss = _loss(result)
    if loss is None:
        return shown(NOT_RUN)
    text = f"{_num(loss.tedee_back, 1, ' s')} (first change after the bridges fell silent)"
    return judge_at_most(
        loss.tedee_back, t.MAX_LOSS_BACK_TO_POLLING, text, why_none="no cloud poll followed"
    )


def loss_gap(result: PushResult) -> Verdict:
    """Push lost: the longest gap between cloud lock-state polls afterwards."""
    loss = _loss(result)
    if loss is None:
        return shown(NOT_RUN)
    return judge_at_most(
        loss.tedee_longest_gap,
        t.MAX_LOSS_POLL_GAP,
        f"{_num(loss.tedee_longest_gap, 2, ' s')}",
        why_none="no cloud poll followed",
    )


def loss_freshness(result: PushResult, tedee: bool) -> Verdict:
    """Push lost: changes shown within polling's freshness targets, p95."""
    loss = _loss(result)
    if loss is None:
        return shown(NOT_RUN)
    fresh = loss.freshness
    values = fresh.tedee if tedee else fresh.doorflow
    limit = t.MAX_FRESHNESS_TEDEE if tedee else t.MAX_FRESHNESS_DOORFLOW
    return judge_p95(values, limit, why_none=fresh.tedee_none if tedee else fresh.doorflow_none)


def loss_doorflow_back(result: PushResult) -> Verdict:
    """Push lost: the first forced door no push brought → its problem sensor on."""
    loss = _loss(result)
    if loss is None:
        return shown(NOT_RUN)
    return judge_at_most(
        loss.doorflow_back,
        t.MAX_LOSS_DOORFLOW_BACK,
        f"{_num(loss.doorflow_back, 1, ' s')}",
        why_none="no door to force",
    )


def loss_forced(result: PushResult) -> Verdict:
    """Push lost: forced door → problem sensor, p95 (the first one included)."""
    loss = _loss(result)
    if loss is None:
        return shown(NOT_RUN)
    return judge_p95(loss.forced, t.MAX_LOSS_FORCED, why_none="no door to force")


def _never(values: Iterable[float]) -> int:
    """Return how many samples never came (∞)."""
    return sum(1 for value in values if math.isinf(value))


def push_lost(result: PushResult) -> Verdict:
    """Changes never shown and forced doors never delivered, push on and push lost."""
    figures, loss = result.push, result.loss
    if figures is None or loss is None:
        return shown(NOT_RUN)
    changes = [
        *figures.freshness.tedee,
        *figures.freshness.doorflow,
        *figures.who,
        *figures.forced,
        *loss.freshness.tedee,
        *loss.freshness.doorflow,
        *loss.forced,
    ]
    never = _never(changes)
    undelivered = loss.events_made - loss.events_delivered
    lost = never + undelivered
    text = (
        f"{lost} ({never} of {len(changes)} changes and events never shown; "
        f"{undelivered} of {loss.events_made} forced doors while lost not delivered)"
    )
    return Verdict(text, met=lost <= t.MAX_PUSH_LOST)


def push_duplicates(result: PushResult) -> Verdict:
    """Events fired more than once over the whole push run."""
    if result.duplicates is None:
        return shown(NOT_RUN)
    return Verdict(str(result.duplicates), met=result.duplicates <= t.MAX_PUSH_DUPLICATES)


def flood_requests(result: PushResult) -> Verdict:
    """Forged calls: the cloud requests they caused."""
    flood = result.flood
    if flood is None:
        return shown(NOT_RUN)
    if not flood.calls:
        return not_measured("no webhook to call")
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(flood.statuses.items()))
    text = (
        f"{flood.caused} of {flood.calls} calls (answers {statuses}; every request meanwhile "
        f"{flood.requests}, polls included, in {flood.virtual_seconds:.0f} s)"
    )
    return Verdict(text, met=flood.caused <= t.MAX_FLOOD_REQUESTS)


def flood_events(result: PushResult) -> Verdict:
    """Forged calls: the events they delivered."""
    flood = result.flood
    if flood is None:
        return shown(NOT_RUN)
    if not flood.calls:
        return not_measured("no webhook to call")
    return Verdict(str(flood.delivered), met=flood.delivered <= t.MAX_FLOOD_EVENTS)


def push_rows(report: Report) -> list[Row]:
    """Every push figure beside its target, one verdict per size; polling's beside them."""
    results = report.push
    low, high = report.settings.latency_ms
    latency = f"{low:g}-{high:g} ms"

    def row(
        figure: str, target: str, cell: Callable[[PushResult], Verdict], *, baseline: bool = False
    ) -> Row:
        return Row(figure, target, [cell(r) for r in results], baseline=baseline)

    fresh = f"p95 ≤ {t.MAX_PUSH_FRESHNESS:g} s"
    who = f"p95 ≤ {t.MAX_PUSH_WHO:g} s"
    forced = f"p95 ≤ {t.MAX_PUSH_FORCED:g} s"
    share = f"≤ {t.MAX_PUSH_QUIET_SHARE:.0%}"
    return [
        row(
            f"P Tedee lock turned by hand → shown, push (bridge), {latency}",
            fresh,
            lambda r: push_freshness(r, True),
        ),
        row(
            "P …polling, same run",
            fresh,
            lambda r: push_freshness(r, True, polling=True),
            baseline=True,
        ),
        row(
            f"P DoorFlow door's mode changed → shown, push (notification rule), {latency}",
            fresh,
            lambda r: push_freshness(r, False),
        ),
        row(
            "P …polling, same run",
            fresh,
            lambda r: push_freshness(r, False, polling=True),
            baseline=True,
        ),
        row("P Keypad unlock / lock → 'who' event, push (bridge)", who, push_who),
        row("P …polling, same run", who, lambda r: push_who(r, polling=True), baseline=True),
        row("P DoorFlow forced door → problem sensor, push", forced, push_forced),
        row("P …polling, same run", forced, lambda r: push_forced(r, polling=True), baseline=True),
        row(
            "P Tedee requests per hour, quiet, push healthy (share of 700)", share, push_quiet_share
        ),
        row(
            "P …polling, same run",
            share,
            lambda r: push_quiet_share(r, polling=True),
            baseline=True,
        ),
        row(
            "P Push lost: first change no push brought → next cloud lock-state poll",
            f"≤ {t.MAX_LOSS_BACK_TO_POLLING:g} s",
            loss_back,
        ),
        row(
            "P Push lost: longest gap between cloud lock-state polls afterwards",
            f"≤ {t.MAX_LOSS_POLL_GAP:g} s",
            loss_gap,
        ),
        row(
            "P Push lost: Tedee changes shown",
            f"p95 ≤ {t.MAX_FRESHNESS_TEDEE:g} s",
            lambda r: loss_freshness(r, True),
        ),
        row(
            "P Push lost: DoorFlow changes shown",
            f"p95 ≤ {t.MAX_FRESHNESS_DOORFLOW:g} s",
            lambda r: loss_freshness(r, False),
        ),
        row(
            "P Push lost: first forced door no push brought → problem sensor",
            f"≤ {t.MAX_LOSS_DOORFLOW_BACK:g} s",
            loss_doorflow_back,
        ),
        row(
            "P Push lost: forced door → problem sensor",
            f"p95 ≤ {t.MAX_LOSS_FORCED:g} s",
            loss_forced,
        ),
        row("P Lost: changes or events never shown, push on and lost", "0", push_lost),
        row("P Delivered twice, the whole push run", "0", push_duplicates),
        row(
            f"P {FLOOD_CALLS} forged calls at each webhook: cloud requests caused",
            "0",
            flood_requests,
        ),
        row("P …events delivered", "0", flood_events),
    ]


def _push_header(result: PushResult) -> str:
    """Return a push column title."""
    if result.size.locks is None:
        return f"{result.size.name} ({result.devices})"
    return result.devices or result.size.name


def push_missed(report: Report) -> list[str]:
    """Return every push figure (not polling's) that missed its target."""
    found = []
    for row in push_rows(report):
        if row.baseline:
            continue
        for result, cell in zip(report.push, row.cells, strict=True):
            if cell.met is False:
                found.append(f"{row.figure} — {result.size.name}: {cell.text}")
    return found


def _push_table(report: Report) -> list[str]:
    """Return the push table."""
    header = ["Figure", "Target", *(_push_header(r) for r in report.push)]
    return _table(
        header,
        ([row.figure, row.target, *(c.render() for c in row.cells)] for row in push_rows(report)),
    )


def _push_samples(report: Report) -> str:
    """Return the samples each push size took, and its run times."""
    parts = []
    for r in report.push:
        counts = []
        for figures in (r.push, r.polling):
            if figures is None:
                continue
            counts.append(
                f"{figures.mode}: {len(figures.freshness.tedee)} / "
                f"{len(figures.freshness.doorflow)} changes, {len(figures.who)} keypad, "
                f"{len(figures.forced)} forced"
            )
        if r.loss is not None:
            counts.append(
                f"lost: {len(r.loss.freshness.tedee)} / {len(r.loss.freshness.doorflow)} "
                f"changes, {len(r.loss.forced)} forced"
            )
        timing = f"{r.real_seconds / 60:.1f} min real for {r.virtual_seconds / 3600:.1f} h"
        parts.append(f"{r.size.name} ({timing}): " + "; ".join(counts))
    return "; ".join(parts)


PUSH_START = "<!-- push:start -->"
PUSH_END = "<!-- push:end -->"


def render_push(report: Report) -> list[str]:
    """Return the push section of docs/benchmarks.md (between its markers)."""
    s = report.settings
    return [
        PUSH_START,
        "## Push (issue 19)",
        "",
        *_table(
            ["", ""],
            [
                ["Date", report.created.strftime("%Y-%m-%d %H:%M UTC")],
                ["Command", f"`./scripts/run python -m benchmarks {report.command}`".rstrip()],
                [
                    "Run time",
                    f"{report.real_seconds / 60:.1f} min real for "
                    f"{report.virtual_seconds / 3600:.1f} simulated hours (mode `{report.mode}`)",
                ],
                ["Samples", _push_samples(report)],
                [
                    "Settings",
                    f"random latency {s.latency_ms[0]:g}-{s.latency_ms[1]:g} ms each way on "
                    f"every cloud request; warm-up {s.warmup / 60:g} min; quiet rate over "
                    f"{s.rate_window / 60:g} min; {s.changes} changes per cloud, keypad "
                    f"actions and forced doors per phase; seed {s.seed}",
                ],
            ],
        ),
        "",
        "✅ met, ❌ missed, as above. *…polling, same run*: the same account without a URL or "
        "a bridge (the integration's defaults without push), judged on the same target; its "
        "misses are polling's, not push's.",
        "",
        *_push_table(report),
        "",
        "### Push missed",
        "",
        *(
            [
                *[f"- {line}" for line in push_missed(report)],
                *[
                    f"- {r.size.name}, {figures.mode}: {miss}"
                    for r in report.push
                    for figures in (r.push, r.polling)
                    if figures is not None
                    for miss in figures.misses
                ],
            ]
            or ["- nothing"]
        ),
        "",
        *_push_notes(report),
        PUSH_METHOD,
        PUSH_END,
    ]


def _push_notes(report: Report) -> list[str]:
    """The runs' notes (what happened beside the figures), under their own heading."""
    notes = [f"- {r.size.name}: {note}" for r in report.push for note in r.notes]
    return ["### Push notes", "", *notes, ""] if notes else []


def write_push_section(report: Report, path: Path) -> None:
    """Put the push section into `path`, replacing the one there (the rest is kept)."""
    section = "\n".join(render_push(report))
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start, end = text.find(PUSH_START), text.find(PUSH_END)
    if start != -1 and end != -1:
        text = text[:start] + section + text[end + len(PUSH_END) :]
    else:
        anchor = text.find("## Targets and their history")
        if anchor == -1:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
        else:
            text = text[:anchor] + section + "\n\n" + text[anchor:]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


PUSH_METHOD = """### How push is measured

Two benches of the same account in the same run (`benchmarks/push.py`), each with the random
latency on every cloud request. **Push on**: Home Assistant's HTTP server (127.0.0.1) is its
external and internal URL before the accounts sign in, so DoorFlow push is on by default and
the simulated DoorFlow calls the notification rule's webhook for real; the Tedee entry gets
every bridge of the account in its options, and the simulated bridges call their callbacks
(the bridge is on the LAN: no latency). **Polling**: the same account without a URL or a
bridge. After the warm-up: the quiet hour's requests; changes made in the cloud at random
moments (a lock turned by hand, a door's mode changed elsewhere) until Home Assistant shows
them; then side by side keypad unlocks / locks with a PIN (Tedee 61 / 65, a user of the
account) until the lock's event names the user and code, and doors forced open until the
door's problem sensor is on (each ended and seen off before the next). **Push lost**: the
bridges and DoorFlow stop calling (the simulator's `silent`); a lock turned by hand at once,
then changes and forced doors as before; the cloud's lock-state polls are the server's own
log. Every event Door Access fires is counted by identity (entity, type, time, code) over the
whole push run. **The flood**, after push is back: forged calls at DoorFlow's webhook (one in
ten at a guessed id; the rest at the real id with garbage, an oversized body, another account,
not an event, a replay of a real call) and at each bridge's (its real id, a missing or wrong
secret header, a well-shaped body or garbage); the cloud requests to the endpoints a call can
lead to (an event or a door by id, a lock's activity or details) and the events fired.
The simulated bridge is on the LAN (no latency) and the simulator's push watchers look at the
clock every 5 s instead of every 0.25 / 1 s: every change the benchmark makes goes through the
control API, whose answer wakes them at once, so only changes time alone makes (none measured
here) could be pushed later, never sooner; on the virtual clock each look costs real time.
The push section is not part of `--gate`: its 200 samples per figure, push and polling, take
about 4 minutes of real time at home, well past what the gate may add.
"""
