"""The action pipeline reads an operation's progress on a schedule kept from when it was sent.

The operation starts when the cloud receives the command, before its answer comes back: the
first status read is due `first_delay` after the command *left*, and each next read its wait
after the previous read left, so network time on the way back is not added to every step.
"""

from __future__ import annotations

import pytest

from custom_components.door_access.actions import ActionPipeline, FollowPlan, OperationTimeoutError
from tests.clock import FakeClock

PLAN = FollowPlan(first_delay=2.0, interval=0.75, growth=1.0, max_wait=5.0)


class Trips:
    """Status reads that take `round_trip` seconds each and finish after `reads_needed`."""

    def __init__(self, clock: FakeClock, round_trip: float, reads_needed: int) -> None:
        self.clock = clock
        self.round_trip = round_trip
        self.reads_needed = reads_needed
        self.sent: list[float] = []

    async def read(self) -> int:
        """Send one read, let its round trip pass and answer how many reads were made."""
        self.sent.append(self.clock.now)
        self.clock.advance(self.round_trip)
        return len(self.sent)

    def done(self, reads: int) -> bool:
        """Tell whether the operation is finished."""
        return reads >= self.reads_needed


def _pipeline(clock: FakeClock) -> tuple[ActionPipeline, list[float]]:
    """Return a pipeline on the fake clock and the list of its pauses."""
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)
        clock.advance(seconds)

    pipeline = ActionPipeline(
        on_change=lambda: None, bring_poll_forward=lambda: None, sleep=sleep, now=clock
    )
    return pipeline, pauses


async def test_the_first_read_counts_from_when_the_command_left() -> None:
    """Command sent at 0, its answer back at 0.4 s: the first read leaves at 2.0 s, not 2.4 s."""
    clock = FakeClock()
    pipeline, pauses = _pipeline(clock)
    started = clock.now
    clock.advance(0.4)  # the command's round trip
    trips = Trips(clock, round_trip=0.3, reads_needed=3)
    assert await pipeline.follow(trips.read, trips.done, PLAN, started_at=started) == 3
    assert [round(at - started, 3) for at in trips.sent] == [2.0, 2.75, 3.5]
    assert pauses == [pytest.approx(1.6), pytest.approx(0.45), pytest.approx(0.45)]


async def test_a_read_slower_than_the_interval_is_followed_at_once() -> None:
    """A 1 s round trip against a 0.75 s interval: the next read leaves when the answer came."""
    clock = FakeClock()
    pipeline, pauses = _pipeline(clock)
    trips = Trips(clock, round_trip=1.0, reads_needed=3)
    assert await pipeline.follow(trips.read, trips.done, PLAN) == 3
    assert [round(at - trips.sent[0], 3) for at in trips.sent] == [0.0, 1.0, 2.0]
    assert pauses == [pytest.approx(2.0)]


async def test_a_command_answered_after_the_first_read_was_due_is_read_at_once() -> None:
    """The answer took longer than the operation's typical time: no pause before reading."""
    clock = FakeClock()
    pipeline, pauses = _pipeline(clock)
    started = clock.now
    clock.advance(2.5)
    trips = Trips(clock, round_trip=0.1, reads_needed=1)
    assert await pipeline.follow(trips.read, trips.done, PLAN, started_at=started) == 1
    assert pauses == []


async def test_an_operation_that_never_ends_times_out() -> None:
    """The plan's reads run out: a typed timeout."""
    clock = FakeClock()
    pipeline, _ = _pipeline(clock)
    trips = Trips(clock, round_trip=0.1, reads_needed=99)
    with pytest.raises(OperationTimeoutError):
        await pipeline.follow(trips.read, trips.done, PLAN)
    assert len(trips.sent) == len(PLAN.delays())


def test_steady_reads_then_growing_waits() -> None:
    """After the first read, `steady_reads` reads come every `interval`, then waits grow."""
    plan = FollowPlan(first_delay=1.5, interval=0.6, steady_reads=3, growth=1.5, max_wait=6.0)
    assert plan.delays() == pytest.approx([1.5, 0.6, 0.6, 0.6, 0.9, 1.35])
    # Without steady reads the waits grow from the second one on (the earlier schedule).
    plain = FollowPlan(first_delay=2.0, interval=0.75, growth=1.5, max_wait=6.0)
    assert plain.delays() == pytest.approx([2.0, 0.75, 1.125, 1.6875])
