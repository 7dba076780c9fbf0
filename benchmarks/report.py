"""The benchmark's report: every figure beside its target, printed and written as Markdown."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
import math
import os
from pathlib import Path
import platform

from homeassistant.const import __version__ as ha_version

from custom_components.door_access.const import TEDEE_HOURLY_LIMIT
from custom_components.door_access.tedee.coordinator import OPERATION_FOLLOW as FOLLOW

from .cost import CostResult, UpdateCost
from .operations import Actions
from .runs import Interaction, Settings, SizeResult
from .sanity import Check
from .stats import Summary

MAX_SHARE = 0.40
# Tedee's device activity endpoint, as figure 1 names it.
ACTIVITY_READ = "GET my/deviceactivity"
FRESHNESS_SLACK = 2.0
MAX_BEYOND_OPERATION = 1.0
MAX_REQUESTS_PER_ACTION = 3.0
MAX_LOCK_ALL_RATIO = 1.5
MAX_OPEN_BEYOND = 2.0
# Shown where a figure has no value.
DASH = "\N{EN DASH}"
NOT_MEASURED = "not measured (Tedee not set up)"


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


@dataclass
class Cell:
    """One figure of one size: its text and whether it meets the target (None: no target)."""

    text: str
    met: bool | None = None

    def render(self) -> str:
        """Return the text with the verdict."""
        if self.met is None:
            return self.text
        return f"{self.text} ✅" if self.met else f"{self.text} ❌ missed"


@dataclass
class Row:
    """One line of the summary: a figure, its target, a cell per size."""

    figure: str
    target: str
    cells: list[Cell]


# ---- formatting ------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 1, unit: str = "") -> str:
    """Format a number (a dash when missing)."""
    if value is None or math.isnan(value):
        return DASH
    return f"{value:.{digits}f}{unit}"


def _pair(summary: Summary, digits: int = 1) -> str:
    """Format `median / p95 s`."""
    if not summary.count:
        return DASH
    return f"{_num(summary.median, digits)} / {_num(summary.p95, digits)} s"


def _spread(summary: Summary) -> str:
    """Format `median / p95 s (max, n)`."""
    return f"{_pair(summary, 2)} (max {_num(summary.high, 2)}, n={summary.count})"


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    """Return a Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _missing() -> Cell:
    """Return the cell of a Tedee figure that could not be measured (a miss)."""
    return Cell(NOT_MEASURED, met=False)


def _latency(settings: Settings) -> str:
    """Describe the day run's latency."""
    low, high = settings.latency_ms
    return f"{low:g} to {high:g} ms each way"


# ---- figure 1 --------------------------------------------------------------------------------


def _share(result: SizeResult) -> Cell:
    """Tedee requests per hour and their share of the budget."""
    rates = result.rates
    if rates is None or not rates.tedee_loaded:
        return _missing()
    share = rates.tedee_share
    return Cell(f"{_num(rates.tedee_total, 0)}/h ({share:.0%})", met=share <= MAX_SHARE)


def _activity(result: SizeResult) -> Cell:
    """Tedee device activity reads per hour (on: the token has DeviceActivity.Read)."""
    rates = result.rates
    if rates is None or not rates.tedee_loaded:
        return Cell(DASH)
    value = rates.tedee_rate(ACTIVITY_READ)
    return Cell(f"{_num(value, 0)}/h ({value / TEDEE_HOURLY_LIMIT:.1%})")


def _syncs_per_poll(result: SizeResult) -> Cell:
    """Lock-state requests per poll (bulk syncs, and single-lock syncs)."""
    rates = result.rates
    if rates is None or not rates.tedee_loaded or not rates.syncs_per_poll:
        return _missing()
    singles = rates.tedee_rate("GET my/lock/{id}/sync")
    most = rates.most_syncs_in_a_poll
    return Cell(
        f"≤ {most} per poll, {_num(singles, 0)} single-lock", met=most == 1 and singles == 0
    )


def _naive(result: SizeResult) -> Cell:
    """The naive baseline's requests per hour and 429s."""
    naive = result.naive
    if naive is None:
        return Cell(DASH)
    return Cell(
        f"{_num(naive.per_hour, 0)}/h ({naive.per_hour / TEDEE_HOURLY_LIMIT:.0%}); "
        f"{naive.rate_limited} x 429 in {naive.window / 60:.0f} min"
    )


def _doorflow_rate(result: SizeResult) -> Cell:
    """DoorFlow requests per hour."""
    rates = result.rates
    if rates is None:
        return Cell(DASH)
    return Cell(f"{_num(rates.doorflow_total, 0)}/h")


# ---- figure 2 --------------------------------------------------------------------------------


def _self_caused(result: SizeResult) -> Cell:
    """Self-caused 429s over the day run."""
    day = result.day
    if day is None:
        return Cell(DASH)
    if not day.tedee_loaded:
        cell = _missing()
        cell.text += f"; {day.self_caused} in {day.hours:.1f} h"
        return cell
    return Cell(f"{day.self_caused} in {day.hours:.1f} h", met=day.self_caused == 0)


def _bulk_gap(result: SizeResult) -> Cell:
    """The smallest gap the server saw between two bulk syncs."""
    day = result.day
    if day is None or day.smallest_bulk_gap is None:
        return _missing() if day is not None and not day.tedee_loaded else Cell(DASH)
    return Cell(f"{day.smallest_bulk_gap:.3f} s", met=day.smallest_bulk_gap >= 20.0)


def _timeouts(result: SizeResult) -> Cell:
    """Client timeouts during the day run."""
    day = result.day
    if day is None:
        return Cell(DASH)
    return Cell(str(day.client_timeouts), met=day.client_timeouts == 0)


# ---- figures 3 and 4 -------------------------------------------------------------------------


def _freshness(part: Interaction | None, tedee: bool) -> Cell:
    """Median and p95 delay from a change to HA's state, against interval + 2 s."""
    if part is None:
        return Cell(DASH)
    interval = part.tedee_interval if tedee else part.doorflow_interval
    summary = part.freshness.tedee_summary if tedee else part.freshness.doorflow_summary
    if interval is None or not summary.count:
        return _missing() if tedee else Cell(DASH)
    limit = interval + FRESHNESS_SLACK
    return Cell(f"{_pair(summary)} (≤ {limit:.1f})", met=summary.p95 <= limit)


def _beyond(
    part: Interaction | None, share: str = "beyond_operation", *, judged: bool = True
) -> Cell:
    """Unlock pressed → confirmed state beyond the operation's own time (or a share of it)."""
    if part is None:
        return Cell(DASH)
    summary = part.actions.beyond("unlock", share)
    if not summary.count:
        return _missing()
    return Cell(_spread(summary), met=summary.p95 <= MAX_BEYOND_OPERATION if judged else None)


def _requests_per_action(part: Interaction | None) -> Cell:
    """Mean requests per action (command and status reads), and polls brought forward."""
    if part is None:
        return Cell(DASH)
    actions = part.actions
    if not actions.samples:
        return _missing()
    return Cell(
        f"{actions.requests_per_action:.2f} (+{actions.forward_per_action:.2f} poll)",
        met=actions.requests_per_action <= MAX_REQUESTS_PER_ACTION,
    )


def _lock_all(part: Interaction | None) -> Cell:
    """One call for up to 10 locks against one lock's call."""
    if part is None:
        return Cell(DASH)
    lock_all = part.lock_all
    if not lock_all.single:
        return _missing()
    single = Summary.of(lock_all.single).median
    together = Summary.of(lock_all.all_at_once).median
    return Cell(
        f"{lock_all.ratio:.2f} ({lock_all.locks} locks {together:.2f} s, one {single:.2f} s)",
        met=lock_all.ratio <= MAX_LOCK_ALL_RATIO,
    )


def _open(part: Interaction | None) -> Cell:
    """Time shown open after the latch was let go."""
    if part is None:
        return Cell(DASH)
    summary = part.opens.summary
    if not summary.count:
        return _missing()
    return Cell(_spread(summary), met=summary.p95 <= MAX_OPEN_BEYOND)


# ---- figure 5 --------------------------------------------------------------------------------


def _both(result: SizeResult, written: bool, text: Callable[[UpdateCost], str]) -> str:
    """Return a cost figure for both clouds, `Tedee / DoorFlow`."""
    cost: CostResult | None = result.cost_written if written else result.cost
    if cost is None:
        return DASH
    return " / ".join(text(c) if c is not None else DASH for c in (cost.tedee, cost.doorflow))


def _writes(result: SizeResult) -> Cell:
    """State writes per update with nothing changed, against every entity written."""
    cost = result.cost
    text = (
        f"{_both(result, False, lambda c: f'{c.writes_per_update:g}')} "
        f"(of {_both(result, False, lambda c: str(c.entities))}; baseline "
        f"{_both(result, True, lambda c: f'{c.writes_per_update:g}')})"
    )
    if cost is None or cost.tedee is None:
        return Cell(f"{NOT_MEASURED}; {text}", met=False)
    writes = [c.writes_per_update for c in (cost.tedee, cost.doorflow) if c is not None]
    return Cell(text, met=all(w == 0 for w in writes))


def _cost_row(text: Callable[[UpdateCost], str]) -> Callable[[SizeResult], Cell]:
    """Return a cell maker for a cost figure: optimised, then the every-write baseline."""

    def cell(result: SizeResult) -> Cell:
        return Cell(f"{_both(result, False, text)} (baseline {_both(result, True, text)})")

    return cell


# ---- the summary -----------------------------------------------------------------------------


def summary_rows(report: Report) -> list[Row]:
    """Return every figure beside its target, one cell per size."""
    latency = _latency(report.settings)

    def row(figure: str, target: str, cell: Callable[[SizeResult], Cell]) -> Row:
        return Row(figure, target, [cell(r) for r in report.results])

    return [
        row("1 Tedee requests per hour, activity on (share of 700)", "≤ 40 %", _share),
        row("1 …of which activity reads", DASH, _activity),
        row("1 Naive baseline: requests per hour; its 429s", DASH, _naive),
        row("1 Lock-state requests per poll", "1, any size", _syncs_per_poll),
        row("1 DoorFlow requests per hour", DASH, _doorflow_rate),
        row(f"2 Self-caused 429s, {report.settings.day_hours:g} h, {latency}", "0", _self_caused),
        row("2 Smallest gap between two bulk syncs (server)", "≥ 20 s", _bulk_gap),
        row("2 Client timeouts in that day", "0", _timeouts),
        row(
            "3 Freshness Tedee, median / p95, no latency",
            "p95 ≤ interval + 2 s",
            lambda r: _freshness(r.quiet, True),
        ),
        row(
            "3 Freshness Tedee, with latency",
            "p95 ≤ interval + 2 s",
            lambda r: _freshness(r.latency, True),
        ),
        row(
            "3 Freshness DoorFlow, median / p95, no latency",
            "p95 ≤ interval + 2 s",
            lambda r: _freshness(r.quiet, False),
        ),
        row(
            "3 Freshness DoorFlow, with latency",
            "p95 ≤ interval + 2 s",
            lambda r: _freshness(r.latency, False),
        ),
        row(
            "3 Unlock → confirmed, beyond the operation, median / p95, no latency",
            "p95 ≤ 1 s",
            lambda r: _beyond(r.quiet),
        ),
        row(
            "3 Unlock → confirmed, with latency, raw (the network's up to 1 s per round trip "
            "included)",
            "shown, not judged",
            lambda r: _beyond(r.latency, judged=False),
        ),
        row(
            "3 Unlock → confirmed, with latency, the integration's share (raw less the "
            "command's uplink and the final status read's transit)",
            "p95 ≤ 1 s",
            lambda r: _beyond(r.latency, "integration_share"),
        ),
        row(
            "3 Requests per action (+ polls brought forward), no latency",
            "≤ 3",
            lambda r: _requests_per_action(r.quiet),
        ),
        row(
            "3 Requests per action, with latency",
            "≤ 3",
            lambda r: _requests_per_action(r.latency),
        ),
        row(
            '3 "Lock all" ÷ one lock (2 s operations), no latency',
            "≤ 1.5",
            lambda r: _lock_all(r.quiet),
        ),
        row('3 "Lock all" ÷ one lock, with latency', "≤ 1.5", lambda r: _lock_all(r.latency)),
        row(
            '4 "Open" shown after the latch was let go, median / p95, no latency',
            "p95 ≤ 2 s",
            lambda r: _open(r.quiet),
        ),
        row('4 "Open" shown after, with latency', "p95 ≤ 2 s", lambda r: _open(r.latency)),
        row("5 State writes per update, nothing changed (Tedee / DoorFlow)", "0", _writes),
        row(
            "5 CPU per update, entities (Tedee / DoorFlow)",
            "linear in devices",
            _cost_row(lambda c: _num(c.listeners_cpu_ms, 2, " ms")),
        ),
        row(
            "5 CPU per update, whole integration (Tedee / DoorFlow)",
            "linear in devices",
            _cost_row(lambda c: _num(c.integration_cpu_ms, 2, " ms")),
        ),
        row(
            "5 Peak memory per update, entities (Tedee / DoorFlow)",
            DASH,
            _cost_row(lambda c: _num(c.listeners_memory_kib, 1, " KiB")),
        ),
    ]


def _size_header(result: SizeResult) -> str:
    """Return a column title: the size and its device counts."""
    if result.size.locks is None:
        return f"{result.size.name} ({result.devices})"
    return result.devices


def missed(report: Report) -> list[str]:
    """Return every figure that missed its target (Tedee figures not measured, once a size)."""
    found = []
    not_measured: dict[str, int] = {}
    for row in summary_rows(report):
        for result, cell in zip(report.results, row.cells, strict=True):
            if cell.met is not False:
                continue
            if cell.text.startswith(NOT_MEASURED):
                not_measured[result.size.name] = not_measured.get(result.size.name, 0) + 1
            else:
                found.append(f"{row.figure} — {result.size.name}: {cell.text}")
    found.extend(
        f"{result.size.name}: {not_measured[result.size.name]} Tedee figures not measured: "
        f"the Tedee entry never finished setting up; it stayed {result.tedee_state}"
        for result in report.results
        if result.size.name in not_measured
    )
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


def _checks_table(report: Report) -> list[str]:
    """Return the known-answer checks."""
    return _table(
        ["Known answer", "Expected", "Measured", "Agrees"],
        ([c.name, c.expected, c.measured, "yes" if c.passed else "**no**"] for c in report.checks),
    )


# ---- details ---------------------------------------------------------------------------------


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
            ["Sizes", ", ".join(_size_header(r) for r in report.results)],
            ["Day run", f"{s.day_hours:g} simulated hours, random latency {_latency(s)}"],
            [
                "Phases",
                f"warm-up {s.warmup / 60:g} min; request rates over {s.rate_window / 60:g} min; "
                f"update cost over {s.cost_window / 60:g} min; {s.changes} changes per cloud; "
                f"{s.actions} actions; {s.opens} opens; the naive poller stops at "
                f"{s.naive_cap} requests",
            ],
            ["Options", "the integration's defaults (set up through its config flow)"],
            ["Seed", str(s.seed)],
            ["I/O poll before a clock jump", f"{report.io_poll * 1000:g} ms real"],
        ],
    )


def _endpoint_tables(report: Report) -> list[str]:
    """Return requests per hour by endpoint, every size, both clouds."""
    sizes = [r.size.name for r in report.results]
    lines: list[str] = []
    for cloud in ("tedee", "doorflow"):
        endpoints = sorted(
            {key for r in report.results if r.rates is not None for key in getattr(r.rates, cloud)}
        )
        rows = []
        for endpoint in endpoints:
            cells = [f"`{endpoint}`"]
            for r in report.results:
                value = getattr(r.rates, cloud).get(endpoint, 0.0) if r.rates else math.nan
                share = f" ({value / TEDEE_HOURLY_LIMIT:.1%})" if cloud == "tedee" else ""
                cells.append(f"{_num(value, 0)}{share}")
            rows.append(cells)
        title = "Tedee (share of 700 per hour)" if cloud == "tedee" else "DoorFlow"
        lines += [f"**{title}**", "", *_table(["Endpoint", *sizes], rows), ""]
    rows = []
    for r in report.results:
        rates, day_rates, naive = r.rates, r.day_rates, r.naive
        syncs = rates.syncs_per_poll if rates else []
        rows.append(
            [
                r.size.name,
                _num(rates.effective_interval, 2, " s") if rates else DASH,
                f"{len(syncs)} ({sum(1 for n in syncs if n)} synced)",
                str(rates.scheduler_last_hour) if rates and rates.scheduler_last_hour else DASH,
                _num(day_rates.tedee_total, 0) if day_rates else DASH,
                _num(day_rates.effective_interval, 2, " s") if day_rates else DASH,
                f"{naive.sent} sent, {naive.by_status[200]} accepted, {naive.rate_limited} x 429 "
                f"in {naive.window / 60:.0f} min"
                if naive
                else DASH,
            ]
        )
    lines += _table(
        [
            "Size",
            "Tedee interval used",
            "Tedee polls in the hour",
            "The scheduler's own count of the last hour",
            "Tedee requests/h with latency",
            "Interval used with latency",
            "Naive poller",
        ],
        rows,
    )
    return lines


def _day_table(report: Report) -> list[str]:
    """Return the day run's details."""
    rows = []
    for r in report.results:
        day = r.day
        if day is None:
            continue
        rows.append(
            [
                r.size.name,
                f"{day.hours:.1f} h",
                str(day.requests),
                str(day.bulk_syncs),
                _num(day.mean_bulk_gap, 2, " s"),
                str(day.by_rule or "none"),
                _num(day.smallest_rule_gap, 3, " s"),
                f"{day.scheduler_self_caused} / {day.scheduler_other}",
                str(day.client_errors or "none"),
            ]
        )
    return _table(
        [
            "Size",
            "Simulated",
            "Requests",
            "Bulk syncs",
            "Mean gap",
            "429 by rule (server)",
            "Closest refused gap",
            "429 seen by the integration (self / other)",
            "Client errors",
        ],
        rows,
    )


def _median(actions: Actions, part: str) -> float:
    """Return the median of one part of the unlocks' time beyond the operation."""
    return actions.beyond("unlock", part).median


def _interaction_table(report: Report) -> list[str]:
    """Return the details of figures 3 and 4, both network conditions."""
    rows = []
    for r in report.results:
        for name, part in (("no latency", r.quiet), ("latency", r.latency)):
            if part is None:
                continue
            fresh, actions = part.freshness, part.actions
            rows.append(
                [
                    f"{r.size.name}, {name}",
                    f"{_num(part.tedee_interval, 2, ' s')} / "
                    f"{_num(part.doorflow_interval, 2, ' s')}",
                    f"{len(fresh.tedee)} / {len(fresh.doorflow)} ({fresh.missed} missed)",
                    _spread(actions.beyond("unlock")),
                    " + ".join(
                        _num(actions.beyond("unlock", part).median, 2)
                        for part in ("command_uplink", "read_lag", "read_downlink")
                    )
                    + " s",
                    " + ".join(
                        _num(actions.beyond("unlock", part).median, 2)
                        for part in ("command_network", "read_transit")
                    )
                    + " s",
                    _spread(actions.beyond("unlock", "integration_share")),
                    " + ".join(
                        _num(actions.beyond("unlock", part).median, 2)
                        for part in ("before_command", "end_to_read", "after_answer")
                    )
                    + f" s (command answer {_num(_median(actions, 'command_downlink'), 2)} s)",
                    _spread(actions.beyond("lock")),
                    f"{len(actions.samples)} ({actions.failed} failed), "
                    f"{actions.brought_forward} polls brought forward",
                    f"{part.lock_all.locks} locks: "
                    + ", ".join(f"{t:.2f}" for t in part.lock_all.all_at_once)
                    + " s; one: "
                    + ", ".join(f"{t:.2f}" for t in part.lock_all.single)
                    + " s",
                    f"{_spread(part.opens.summary)}; springs "
                    + (
                        ", ".join(sorted({f"{s:g} s" for s in part.opens.spring}))
                        if part.opens.spring
                        else DASH
                    ),
                ]
            )
    return _table(
        [
            "Size, network",
            "Poll interval used (Tedee / DoorFlow)",
            "Changes timed (Tedee / DoorFlow)",
            "Unlock beyond the operation",
            "…median parts: command uplink + status read after the end + its downlink",
            "…the network's part, medians: command uplink + final status read's transit",
            "Unlock, the integration's share",
            "…its parts, medians: before the command left + operation's end → final status "
            "read sent + its answer → state shown",
            "Lock beyond the operation",
            "Actions",
            '"Lock all" calls',
            '"Open" after the latch was let go',
        ],
        rows,
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
        "✅ met, ❌ missed. Times are simulated (virtual) seconds; medians and 95th "
        "percentiles are over the run's samples. A figure that could not be measured counts "
        "as missed. Baselines: the naive poller (figure 1) and every entity written on every "
        "update (figure 5).",
        "",
        *_summary_table(report),
        "",
        "### Missed",
        "",
        *([f"- {line}" for line in missed(report)] or ["- nothing"]),
        "",
        "## Figure 1: requests per hour by endpoint",
        "",
        "Over the quiet hour after the warm-up (no latency, default options), as the simulator "
        "counted them. Activity is on: the simulated token has `DeviceActivity.Read`, so the "
        "integration reads `GET my/deviceactivity` (a catch-up read at most every 120 s, every "
        "activity read together at most 60 an hour); those reads count in the share judged "
        "against ≤ 40 %.",
        "",
        *_endpoint_tables(report),
        "",
        "## Figure 2: the day with latency",
        "",
        *_day_table(report),
        "",
        "## Figures 3 and 4: changes, actions, opens",
        "",
        "Unlock → confirmed with latency is shown twice. The raw figure is the time from "
        "the service call to the confirmed state, less the lock's own operation time; with "
        f"{_latency(report.settings)} on every request the network alone can take up to twice "
        "the upper bound per round trip, and the command's uplink and the final status "
        "read's round trip are on the path of every unlock, so the raw figure cannot meet "
        "≤ 1 s whatever the integration does. The target is judged on *the integration's "
        "share*: the raw figure less the delays the simulator drew for the command's uplink "
        "and for the final status read's uplink and downlink (read from the simulator's "
        "side, per request). What is left is Home Assistant's and the client's work before "
        "the command leaves, the wait from the operation's end to the final status read "
        "being sent (negative when a read sent shortly before the end arrives after it), and "
        "the work from its answer to the state written. The status reads follow the "
        f"integration's own schedule (`OPERATION_FOLLOW`), kept from when requests left: the "
        f"first {FOLLOW.first_delay:g} s after the command was sent, then "
        f"{FOLLOW.interval:g} s after the previous read was sent, each wait "
        f"{FOLLOW.growth:g} times the one before (at most {FOLLOW.max_interval:g} s); so the "
        "share is mostly the wait from the operation's end to the next read on that grid.",
        "",
        *_interaction_table(report),
        "",
        "## Figure 5: one update with nothing changed",
        "",
        "Medians. *Entities*: the listener phase (the entities deciding whether to write, and "
        "writing). *Integration*: the whole update (HTTP client, parsing, coordinator, "
        "entities) without the in-process simulator's handling of the requests. *Whole "
        "update peak* includes the event loop's 256 KiB socket reads and the simulator.",
        "",
        *_cost_table(report),
        "",
        "## Known answers",
        "",
        "Checks of the measuring itself, run first; the benchmark exits with status 1 if one "
        "does not agree.",
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
        *_summary_table(report),
        "",
        "Missed:",
        *([f"  - {line}" for line in missed(report)] or ["  nothing"]),
        "",
        *_checks_table(report),
        "",
        f"{report.real_seconds:.0f} s real for {report.virtual_seconds / 3600:.1f} simulated hours",
    ]
    return "\n".join(lines)


def write_markdown(report: Report, path: Path) -> None:
    """Write the report to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(report), encoding="utf-8")


METHOD = """## Running it

```sh
./scripts/run python -m benchmarks              # every size, a simulated day each
./scripts/run python -m benchmarks --quick      # home, 10 and 100 locks, 3 simulated hours
./scripts/run python -m benchmarks --sizes home,250 --hours 6 --no-write
./scripts/run python -m benchmarks --help
```

Options: `--sizes` (`home` and/or numbers of locks; gates and DoorFlow doors follow in
proportion: one gate per 5 locks, one door per 2.5 locks, one bridge per 50 locks),
`--hours` (the day run), `--changes`, `--actions`, `--opens`, `--latency-ms MIN:MAX` (on each
half of a request), `--seed`, `--output PATH`, `--no-write`, `-v` (Home Assistant's log),
`--smoke` (seconds; what `tests/test_benchmarks.py` runs inside `./scripts/test`). It prints the
summary and writes this file; it exits with status 1 when a known-answer check fails, never
because a target is missed (misses are listed above).

## How it is measured

**Real code, virtual time.** A real Home Assistant (the test harness's
`async_test_home_assistant`, custom integrations enabled) signs in to both simulated accounts
through Door Access's own config flow and polls them over real HTTP on 127.0.0.1. Everything
— Home Assistant, the integration, the simulator's aiohttp server, the driver — runs on one
asyncio loop whose clock is virtual (`benchmarks/virtual_time.py`): when nothing is ready to
run, the loop polls the sockets for a short real time (loopback answers in flight complete),
waits while any executor job is pending, and only then moves its clock straight to the next
timer. Home Assistant's timers (`loop.call_at`, `async_call_later`; Home Assistant 2026.10 binds
`loop.time = time.monotonic` only on loops it creates itself, and this one is not), its wall
clock (`dt_util.utcnow` and the event helper's trackers), the integration's scheduler
(`hass.loop.time`), the simulator's clock (`World(clock=..., utcnow=...)`, which judges the 20 s
rule by arrival) and its latency sleeps all read that one clock, so a simulated day takes a
minute or two. CPU work takes no virtual time: the times are the network's and the protocol's,
as on an infinitely fast machine. The known-answer checks show that the clock never jumps
while an answer is on its way and that a real timeout is still seen.

**Runs per size.** (1) A quiet run without latency: warm-up, then an hour of polling with
nothing changing, beside a naive poller on its own simulated account of the same scenario
(one `GET my/lock/{id}/sync` per lock every 20 s, all at once; on large accounts it stops at
its request cap and its rate is scaled to an hour); then the update-cost window; then changes,
actions, "lock all" and opens. (2) The same account with every entity written on every update
(Home Assistant's default, monkeypatched in for that run only), for figure 5's baseline. (3) A
day with random latency on both halves of every request: the same phases, then polling until
the day is over; its 429s are the simulator's own count of requests it refused by rule
(`rate_limited.by_rules` of `GET /_control/requests`), its client timeouts the errors the
integration's HTTP core raised.

**Figures.** Freshness: a lock's position or a door's mode is changed through the control API
at random moments (3 s plus a uniform draw over one poll interval after the previous change was
shown, so at every phase of the poll cycle alike) and timed until Home Assistant shows it; the
target is the interval the coordinator actually uses (Tedee: the 20 s rule + the scheduler's
margin + 1 s; DoorFlow: 30 s) + 2 s. Actions: lock or unlock on a random
lock, timed from the service call to the confirmed state in Home Assistant, minus the time the
simulated lock took from the command's arrival to the operation's end (with latency also
without the network's part: see figures 3 and 4); the requests are the
operation endpoints the server saw (command and status reads); the polls brought forward are
counted apart. "Lock all" sets every simulated operation to 2 s and compares one `lock.lock`
call for up to 10 unlocked locks with a call for one. Open: `lock.open` on locks with the pull
spring; how long Home Assistant still shows "open" after the simulated lock let the latch go
(it is Pulled for exactly its pull-spring duration). Update cost: every poll in a window with
nothing changing, after a garbage collection; CPU is process time (first half of the window),
memory the peak traced by tracemalloc (second half); writes are `state_changed` plus
`state_reported` events.
"""
