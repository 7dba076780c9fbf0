"""Summary statistics of samples: median, 95th percentile, mean."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import math


def percentile(values: Sequence[float], share: float) -> float:
    """Return the `share` (0-1) percentile, interpolated between the closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = math.floor(position)
    high = math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Summary:
    """Median, 95th percentile, mean and extremes of some samples."""

    count: int
    median: float
    p95: float
    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        """Summarise samples (NaN everywhere when there are none)."""
        if not values:
            return cls(0, math.nan, math.nan, math.nan, math.nan, math.nan)
        return cls(
            count=len(values),
            median=percentile(values, 0.5),
            p95=percentile(values, 0.95),
            mean=sum(values) / len(values),
            low=min(values),
            high=max(values),
        )
