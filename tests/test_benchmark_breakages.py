"""The benchmark can fail: deliberately broken products miss the figure they break.

Each breakage of `benchmarks/breakages.py` patches Door Access for its own run, is measured by
the benchmark's own code against the simulator, and judged on the same targets as the product.
Run in a subprocess (a virtual-clock loop of its own, outside the test harness's loop).
"""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(1300)
def test_every_breakage_misses_its_figure() -> None:
    """A 120 s poller, half the entities never updating, a 300 ms blocking call in every poll,
    a quadratic listener, writes one loop turn later and activity read round robin whichever
    locks moved: each figure is missed, measured."""
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.breakages"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    verdicts = {line["breakage"]: line for line in map(json.loads, completed.stdout.splitlines())}
    assert set(verdicts) == {
        "poll-120s",
        "half-never-update",
        "blocking-300ms",
        "quadratic-listener",
        "late-writes",
        "activity-round-robin",
    }
    for name, verdict in verdicts.items():
        assert verdict["met"] is False, (name, verdict)
        # Missed on the figure itself, not for want of samples.
        assert verdict["unmeasured"] is None, (name, verdict)
