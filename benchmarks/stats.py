"""Summary statistics of samples: median, 95th percentile with a bootstrap interval, mean.

A sample may be `math.inf`: a change that was never shown is infinitely late, so it counts
in every percentile instead of being left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import math
import random

# Bootstrap resamples for a percentile's confidence interval, and its level.
BOOTSTRAP_RESAMPLES = 2000
CONFIDENCE = 0.95


def percentile(values: Sequence[float], share: float) -> float:
    """Return the `share` (0-1) percentile, interpolated between the closest ranks.

    An infinite sample makes every percentile that reaches it infinite (never NaN).
    """
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = math.floor(position)
    high = math.ceil(position)
    if high == low or ordered[high] == ordered[low]:
        return ordered[low]
    if math.isinf(ordered[high]):
        return math.inf
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def bootstrap_interval(
    values: Sequence[float],
    share: float = 0.95,
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
) -> tuple[float, float]:
    """Return the percentile bootstrap 95 % confidence interval of a percentile."""
    if not values:
        return math.nan, math.nan
    rng = random.Random(seed)
    size = len(values)
    estimates = sorted(percentile(rng.choices(values, k=size), share) for _ in range(resamples))
    tail = (1.0 - CONFIDENCE) / 2
    return percentile(estimates, tail), percentile(estimates, 1.0 - tail)


@dataclass(frozen=True)
class Summary:
    """Median, 95th percentile (with its bootstrap interval), mean and extremes of samples."""

    count: int
    median: float
    p95: float
    mean: float
    low: float
    high: float
    p95_low: float = math.nan
    p95_high: float = math.nan

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        """Summarise samples (NaN everywhere when there are none)."""
        if not values:
            return cls(0, math.nan, math.nan, math.nan, math.nan, math.nan)
        interval = bootstrap_interval(values)
        return cls(
            count=len(values),
            median=percentile(values, 0.5),
            p95=percentile(values, 0.95),
            mean=sum(values) / len(values),
            low=min(values),
            high=max(values),
            p95_low=interval[0],
            p95_high=interval[1],
        )
