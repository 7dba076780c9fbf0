"""A controllable clock for tests that run the simulator without Home Assistant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class FakeClock:
    """Monotonic seconds and a matching wall clock that move only when a test says so."""

    def __init__(self, start: datetime = START) -> None:
        self.now = 1000.0
        self.start = start

    def __call__(self) -> float:
        """Return the monotonic time."""
        return self.now

    def monotonic(self) -> float:
        """Return the monotonic time."""
        return self.now

    def utcnow(self) -> datetime:
        """Return the wall-clock time matching the monotonic time."""
        return self.start + timedelta(seconds=self.now - 1000.0)

    def advance(self, seconds: float) -> None:
        """Move both clocks forward."""
        self.now += seconds
