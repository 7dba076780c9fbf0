"""Network latency: a random delay before a request is handled and before its answer is sent."""

from __future__ import annotations

import random
from typing import Any

Range = tuple[float, float]
NO_DELAY: Range = (0.0, 0.0)


class LatencyError(ValueError):
    """A latency setting that cannot be accepted."""


def parse_range(value: object) -> Range:
    """Read ``[min, max]`` milliseconds (a list, or ``"min:max"`` / ``"ms"`` text)."""
    if isinstance(value, str):
        low, sep, high = value.partition(":")
        try:
            parts = [float(low), float(high if sep else low)]
        except ValueError:
            raise LatencyError(f"latency must be MIN:MAX milliseconds, not {value!r}") from None
    elif isinstance(value, list | tuple) and len(value) == 2:
        parts = list(value)
    else:
        raise LatencyError("latency must be [min, max] milliseconds")
    if any(isinstance(p, bool) or not isinstance(p, int | float) for p in parts):
        raise LatencyError("latency bounds must be numbers")
    low_ms, high_ms = float(parts[0]), float(parts[1])
    if low_ms < 0 or high_ms < low_ms:
        raise LatencyError("latency must satisfy 0 <= min <= max")
    return low_ms, high_ms


class Latency:
    """Uplink (request) and downlink (response) delay ranges in ms, drawn from their own RNG.

    The RNG is separate from the world's, so adding latency never changes what the world does.
    """

    def __init__(self, seed: int | None = None) -> None:
        self.request_ms: Range = NO_DELAY
        self.response_ms: Range = NO_DELAY
        self._rng = random.Random(None if seed is None else f"latency-{seed}")  # noqa: S311

    def set(self, *, request_ms: Range | None = None, response_ms: Range | None = None) -> None:
        """Change either range (milliseconds)."""
        if request_ms is not None:
            self.request_ms = request_ms
        if response_ms is not None:
            self.response_ms = response_ms

    def _draw(self, bounds: Range) -> float:
        """Draw a delay in seconds from a range in milliseconds."""
        low, high = bounds
        if high <= 0:
            return 0.0
        return self._rng.uniform(low, high) / 1000.0

    def request_delay(self) -> float:
        """Return the next uplink delay in seconds."""
        return self._draw(self.request_ms)

    def response_delay(self) -> float:
        """Return the next downlink delay in seconds."""
        return self._draw(self.response_ms)

    def to_json(self) -> dict[str, Any]:
        """Describe the ranges as the control API shows them."""
        return {"request_ms": list(self.request_ms), "response_ms": list(self.response_ms)}
