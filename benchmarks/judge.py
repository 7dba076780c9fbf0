"""Judging a figure against its target: met, missed, or not measured (with the reason).

Pure functions of the measured samples, so that tests can feed them deliberately broken
inputs and see the figure missed. A figure that could not be measured is missed, and says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import itertools
import math

from .stats import Summary
from .targets import MAX_SUPERLINEAR, MIN_SAMPLES


@dataclass(frozen=True)
class Verdict:
    """A figure's text and whether it meets its target (None: shown, not judged)."""

    text: str
    met: bool | None = None
    # Why it could not be measured (then `met` is False).
    unmeasured: str | None = None

    def render(self) -> str:
        """Return the text with the verdict."""
        if self.met is None:
            return self.text
        return f"{self.text} ✅" if self.met else f"{self.text} ❌ missed"


def shown(text: str) -> Verdict:
    """Return a figure shown without a target."""
    return Verdict(text)


def not_measured(reason: str) -> Verdict:
    """Return a figure that could not be measured: a miss, with its cause."""
    return Verdict(f"not measured: {reason}", met=False, unmeasured=reason)


def seconds(value: float, digits: int = 2) -> str:
    """Format seconds (∞ for a change never shown, a dash for none)."""
    if math.isnan(value):
        return "\N{EN DASH}"
    if math.isinf(value):
        return "∞"
    return f"{value:.{digits}f}"


def describe_p95(summary: Summary, digits: int = 2) -> str:
    """Format `median / p95 s [interval] (n, never shown)`."""
    return (
        f"{seconds(summary.median, digits)} / {seconds(summary.p95, digits)} s "
        f"[{seconds(summary.p95_low, digits)}, {seconds(summary.p95_high, digits)}] "
        f"(n={summary.count})"
    )


def judge_p95(
    values: Sequence[float],
    limit: float,
    *,
    why_none: str,
    min_samples: int = MIN_SAMPLES,
) -> Verdict:
    """Judge a p95 of delays: ≥ `min_samples` samples, and its whole interval ≤ `limit`.

    `why_none` names the cause when there is no sample at all (e.g. "no unlock was drawn").
    """
    if not values:
        return not_measured(why_none)
    summary = Summary.of(values)
    never = sum(1 for v in values if math.isinf(v))
    text = describe_p95(summary) + (f", {never} never shown" if never else "")
    if summary.count < min_samples:
        return Verdict(
            f"{text}; fewer than {min_samples} samples",
            met=False,
            unmeasured=f"only {summary.count} samples, a p95 needs {min_samples}",
        )
    return Verdict(text, met=summary.p95_high <= limit)


def judge_at_most(value: float | None, limit: float, text: str, *, why_none: str) -> Verdict:
    """Judge one number against an upper bound."""
    if value is None or math.isnan(value):
        return not_measured(why_none)
    return Verdict(text, met=value <= limit)


def judge_linear(
    costs: Sequence[tuple[int, float]], *, why_none: str, limit: float = MAX_SUPERLINEAR
) -> Verdict:
    """Judge CPU per update for linearity across sizes: `(entities, cost)` per size.

    Between each pair of consecutive sizes (by entities) the cost may grow at most `limit`
    times faster than the entities; two sizes at least are needed.
    """
    known = sorted((n, c) for n, c in costs if n > 0 and not math.isnan(c) and c > 0)
    if len(known) < 2:
        return not_measured(why_none)
    worst = 0.0
    for (small_n, small_c), (big_n, big_c) in itertools.pairwise(known):
        if big_n == small_n:
            continue
        worst = max(worst, (big_c / small_c) / (big_n / small_n))
    if worst == 0.0:
        return not_measured(why_none)
    return Verdict(f"grows {worst:.2f}x as fast as the entities at worst", met=worst <= limit)
