"""The benchmark program: its virtual clock, and its smoke mode run end to end."""

from __future__ import annotations

import asyncio
from pathlib import Path
import subprocess
import sys
import time

from benchmarks.virtual_time import VirtualTimeLoop

ROOT = Path(__file__).resolve().parent.parent


def test_virtual_loop_jumps_from_timer_to_timer() -> None:
    """A simulated day of timers passes in well under a second of real time."""
    loop = VirtualTimeLoop()
    fired: list[float] = []
    try:
        for hour in (1, 5, 24):
            loop.call_later(hour * 3600, lambda: fired.append(loop.elapsed))
        started = time.perf_counter()
        loop.run_until_complete(asyncio.sleep(24 * 3600))
        real = time.perf_counter() - started
    finally:
        loop.close()
    assert fired == [3600, 5 * 3600, 24 * 3600]
    assert loop.elapsed == 24 * 3600
    assert real < 1


def test_virtual_loop_holds_the_clock_while_a_thread_works() -> None:
    """The clock does not jump to the next timer while an executor job is pending."""
    loop = VirtualTimeLoop()
    loop.call_later(1, lambda: None)

    async def job() -> float:
        await loop.run_in_executor(None, time.sleep, 0.05)
        return loop.elapsed

    try:
        assert loop.run_until_complete(job()) == 0
        assert loop.executor_jobs == 0
    finally:
        loop.close()


def test_benchmark_smoke_mode(tmp_path: Path) -> None:
    """`python -m benchmarks --smoke` runs every figure, agrees with its known answers."""
    output = tmp_path / "benchmarks.md"
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    report = output.read_text(encoding="utf-8")
    for figure in (
        "| 1 Tedee requests per hour, activity on",
        "| 1 …of which activity reads",
        "| 1 Naive baseline",
        "| 2 Self-caused 429s",
        "| 3 Freshness Tedee",
        "| 3 Unlock → confirmed, beyond the operation",
        "| 3 Unlock → confirmed, with latency, raw",
        "| 3 Unlock → confirmed, with latency, the integration's share",
        '| 3 "Lock all"',
        '| 4 "Open" shown',
        "| 5 State writes per update",
    ):
        assert figure in report
    assert "| no jump in flight |" in report
    assert "| held request |" in report
    assert "**no**" not in report
    assert "not measured" not in report
    assert "0 ✅" in report.partition("| 2 Client timeouts")[2].splitlines()[0]
    # Activity is on (the simulated token has the scope): its reads are counted and priced.
    activity = report.partition("| `GET my/deviceactivity` | ")[2].splitlines()[0]
    assert not activity.startswith(("0 ", "\N{EN DASH}")), activity
