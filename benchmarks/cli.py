"""The benchmark's command line: `./scripts/run python -m benchmarks [options]`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
import logging
from pathlib import Path
import random
import sys
import time

from .busy import BusyResult, BusySettings, measure_busy
from .ha_clock import follow_virtual_clock
from .harness import counting_client_errors
from .push import PushResult, measure_push
from .report import Report, missed, render_console, write_markdown, write_push_section
from .runs import Settings, SizeResult, measure_size
from .sanity import Check, run_sanity
from .scenarios import Size, parse_size
from .virtual_time import IO_POLL_SECONDS, VirtualTimeLoop

DEFAULT_SIZES = "home,10,100,1000"
# The sizes the push figures are measured on (issue 19): home and 1000 locks / 400 doors.
DEFAULT_PUSH_SIZES = "home,1000"
DEFAULT_OUTPUT = Path("docs/benchmarks.md")
# The busy account (one lock moved each minute, activity on): its size in the full run and
# with `--busy`.
BUSY_SIZE = "1000"
# The gate's busy account: the same rule on 100 locks (the budget's arithmetic and the moves
# per hour do not depend on the count), just over the 200 moves a p95 needs.
GATE_BUSY_SIZE = "100"
GATE_BUSY = BusySettings(hours=3.4, warmup=300.0)


@dataclass(frozen=True)
class Mode:
    """A preset of sizes and durations."""

    sizes: str
    settings: Settings
    # The sizes of the push section ("" for none).
    push_sizes: str = ""


# The gate's sizes: `home` with every figure, and a larger account for the update cost, the
# writes and the event loop only (CPU linearity needs two sizes).
GATE_SIZES = "home"
GATE_COST_SIZES = "100"

MODES = {
    "full": Mode(DEFAULT_SIZES, Settings(), DEFAULT_PUSH_SIZES),
    # The push section alone (`--only push`): home and 1000 locks, polling beside push.
    "push": Mode("", Settings(warmup=300, rate_window=1800), DEFAULT_PUSH_SIZES),
    # The busy account alone (`--busy`): its own settings (`BusySettings`).
    "busy": Mode("", Settings()),
    "gate": Mode(
        GATE_SIZES,
        Settings(day_hours=3, day_seeds=2, warmup=300, cost_window=300, baselines=False),
    ),
    "smoke": Mode(
        "home",
        Settings(
            day_hours=1.5,
            day_seeds=1,
            warmup=60,
            rate_window=600,
            changes=3,
            actions=2,
            opens=1,
            cost_window=120,
        ),
    ),
}


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=(
            "Measure Door Access in a real Home Assistant against the cloud simulator, on a "
            "virtual clock, and write docs/benchmarks.md."
        ),
    )
    preset = parser.add_mutually_exclusive_group()
    preset.add_argument(
        "--gate",
        action="store_true",
        help="the quick gate CI runs: home with every Door Access figure (3-hour unkind days, "
        "2 seeds; no baselines), 100 locks' update cost, the busy account at 100 locks "
        "(3.4 h); the same targets and rules, any miss fails it (a few minutes)",
    )
    preset.add_argument(
        "--smoke",
        action="store_true",
        help="home only, minimal samples: checks that every figure is produced (exits 1 only "
        "on a known-answer failure, since its samples are too few to judge)",
    )
    preset.add_argument(
        "--busy",
        action="store_true",
        help=f"the busy account only: {BUSY_SIZE} locks (or --sizes), one lock moved from "
        "outside each minute for --busy-hours, activity on; the full run includes it",
    )
    parser.add_argument(
        "--only",
        choices=["push"],
        help="run one section alone: `push` measures push (home and 1000 locks, polling "
        "beside it) and replaces only the push section of the report",
    )
    parser.add_argument(
        "--sizes", help=f"comma-separated: home and/or numbers of locks (default {DEFAULT_SIZES})"
    )
    parser.add_argument(
        "--push-sizes",
        help=f"sizes of the push section (default {DEFAULT_PUSH_SIZES}; with --only push, "
        "--sizes names them too)",
    )
    parser.add_argument(
        "--busy-hours",
        type=float,
        help=f"simulated hours of the busy account's moves ({BusySettings.hours:g}: "
        f"{BusySettings().moves} moves, a p95 needs 200)",
    )
    parser.add_argument(
        "--no-busy",
        action="store_true",
        help="leave the busy account out of the full run and the gate",
    )
    parser.add_argument("--hours", type=float, help="simulated hours of the day run (24)")
    parser.add_argument("--changes", type=int, help="changes per cloud for freshness (100)")
    parser.add_argument("--actions", type=int, help="lock/unlock actions per run (20)")
    parser.add_argument("--opens", type=int, help="opens (pulls) per run (10)")
    parser.add_argument(
        "--latency-ms",
        help="random latency of the day run, MIN:MAX ms on each half of a request (0:500)",
    )
    parser.add_argument("--seed", type=int, help="random seed of the first day (1)")
    parser.add_argument("--day-seeds", type=int, help="unkind days, one seed each (3)")
    parser.add_argument(
        "--cost-sizes", help="sizes measured for the update cost only (the gate's 100 locks)"
    )
    parser.add_argument("--no-baselines", action="store_true", help="skip the fair baselines")
    parser.add_argument(
        "--io-poll-ms",
        type=float,
        default=IO_POLL_SECONDS * 1000,
        help="real ms the loop polls for I/O before its clock may jump (2)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"where the report goes (default {DEFAULT_OUTPUT})",
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("-v", "--verbose", action="store_true", help="log Home Assistant")
    return parser.parse_args(argv)


@dataclass(frozen=True)
class Plan:
    """What one run measures."""

    mode: str
    sizes: list[Size]
    cost_sizes: list[Size]
    push_sizes: list[Size]
    settings: Settings
    # The busy accounts and how they are measured.
    busy_sizes: list[Size] = field(default_factory=list)
    busy: BusySettings = field(default_factory=BusySettings)


def _sizes(text: str) -> list[Size]:
    """Read comma-separated sizes."""
    return [parse_size(s.strip()) for s in text.split(",") if s.strip()]


def _busy_plan(args: argparse.Namespace, name: str) -> tuple[list[Size], BusySettings]:
    """Return the busy accounts to measure and their settings."""
    busy = GATE_BUSY if name == "gate" else BusySettings()
    if args.busy_hours is not None:
        busy = replace(busy, hours=args.busy_hours)
    if args.seed is not None:
        busy = replace(busy, seed=args.seed)
    if name == "busy":
        text = args.sizes or BUSY_SIZE
    elif name == "full" and not args.no_busy and args.sizes is None:
        text = BUSY_SIZE
    elif name == "gate" and not args.no_busy:
        text = GATE_BUSY_SIZE
    else:
        text = ""
    return _sizes(text), busy


def _plan(args: argparse.Namespace) -> Plan:
    """Return what the command line asks to measure, the busy accounts included."""
    plan = _settings(args)
    busy_sizes, busy = _busy_plan(args, plan.mode)
    return replace(plan, busy_sizes=busy_sizes, busy=busy)


def _settings(args: argparse.Namespace) -> Plan:
    """Return the mode, the sizes (full, cost-only, push) and the settings asked for."""
    name = "smoke" if args.smoke else "gate" if args.gate else "busy" if args.busy else "full"
    if args.only == "push":
        name = "push"
    mode = MODES[name]
    settings = mode.settings
    changes: dict[str, object] = {}
    if args.hours is not None:
        changes["day_hours"] = args.hours
    if args.changes is not None:
        changes["changes"] = args.changes
    if args.actions is not None:
        changes["actions"] = args.actions
    if args.opens is not None:
        changes["opens"] = args.opens
    if args.seed is not None:
        changes["seed"] = args.seed
    if args.day_seeds is not None:
        changes["day_seeds"] = args.day_seeds
    if args.no_baselines:
        changes["baselines"] = False
    if args.latency_ms is not None:
        low, _, high = args.latency_ms.partition(":")
        changes["latency_ms"] = (float(low), float(high or low))
    settings = replace(settings, **changes)  # type: ignore[arg-type]
    if name == "push":
        push_text = args.push_sizes or args.sizes or mode.push_sizes
        return Plan(name, [], [], _sizes(push_text), settings)
    if name == "busy":
        return Plan(name, [], [], [], settings)
    sizes = _sizes(args.sizes or mode.sizes)
    cost_text = args.cost_sizes or (GATE_COST_SIZES if name == "gate" else "")
    push_text = mode.push_sizes if args.push_sizes is None else args.push_sizes
    return Plan(name, sizes, _sizes(cost_text), _sizes(push_text), settings)


async def _measure(
    loop: VirtualTimeLoop, plan: Plan
) -> tuple[list[Check], list[SizeResult], list[PushResult], list[BusyResult]]:
    """Run the known-answer checks, every size (then the cost-only sizes), push's, busy's."""
    settings = plan.settings
    async with counting_client_errors():
        checks = [] if plan.mode == "push" else await run_sanity(loop, naive=plan.mode != "smoke")
        results = []
        both = [(s, False) for s in plan.sizes] + [(s, True) for s in plan.cost_sizes]
        for size, cost_only in both:
            started = time.perf_counter()
            results.append(await measure_size(loop, size, settings, cost_only=cost_only))
            print(f"  {size.name}: {time.perf_counter() - started:.0f} s", flush=True)
        pushed = []
        for size in plan.push_sizes:
            started = time.perf_counter()
            pushed.append(await measure_push(loop, size, settings))
            print(f"  {size.name} (push): {time.perf_counter() - started:.0f} s", flush=True)
        busy = []
        for size in plan.busy_sizes:
            started = time.perf_counter()
            busy.append(await measure_busy(loop, size, plan.busy))
            print(f"  busy {size.name}: {time.perf_counter() - started:.0f} s", flush=True)
    return checks, results, pushed, busy


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the figures and write the report.

    Exit 1 when a figure misses its target or a known-answer check fails (smoke mode: only a
    known-answer check, its samples being too few to judge).
    """
    args = _parse_args(argv)
    plan = _plan(args)
    mode, settings = plan.mode, plan.settings
    logging.basicConfig(level=logging.INFO if args.verbose else logging.CRITICAL)
    started = time.perf_counter()
    # Home Assistant draws its timers' sub-second offsets from the global generator.
    random.seed(settings.seed)
    loop = VirtualTimeLoop(io_poll=args.io_poll_ms / 1000)
    names = [s.name for s in plan.sizes] + [f"{s.name} (cost only)" for s in plan.cost_sizes]
    names += [f"{s.name} (push)" for s in plan.push_sizes]
    names += [f"{s.name} (busy, {plan.busy.hours:g} h)" for s in plan.busy_sizes]
    print(f"Door Access benchmark ({mode}): {', '.join(names)}", flush=True)
    try:
        with follow_virtual_clock(loop):
            checks, results, pushed, busy = loop.run_until_complete(_measure(loop, plan))
    finally:
        loop.close()
    report = Report(
        mode=mode,
        settings=settings,
        checks=checks,
        results=results,
        real_seconds=time.perf_counter() - started,
        virtual_seconds=loop.elapsed,
        io_poll=loop.io_poll,
        push=pushed,
        busy=busy,
        command=" ".join(sys.argv[1:] if argv is None else argv),
    )
    print(render_console(report))
    if not args.no_write:
        if mode == "push":
            write_push_section(report, args.output)
        else:
            write_markdown(report, args.output)
        print(f"Wrote {args.output}")
    if args.smoke:
        return 0 if all(check.passed for check in checks) else 1
    return 1 if missed(report) else 0
