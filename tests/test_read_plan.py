"""The read planner: spare reads from the hourly budget, and which activity to read first."""

from __future__ import annotations

import pytest

from custom_components.door_access.tedee.const import TEDEE_ACTION_RESERVE, TEDEE_HOURLY_LIMIT
from custom_components.door_access.tedee.read_plan import (
    MAX_CARRY,
    Budget,
    plan_activity,
    spare_reads,
)


def _budget(*, used: int = 0, poll: float = 21.5, polling: float = 1.2) -> Budget:
    """Return Tedee's budget as a poll sees it."""
    return Budget(
        hourly_limit=TEDEE_HOURLY_LIMIT,
        action_reserve=TEDEE_ACTION_RESERVE,
        used_last_hour=used,
        poll_interval=poll,
        polling_per_poll=polling,
    )


def test_spare_reads_are_what_polling_and_the_reserve_leave() -> None:
    """700 an hour, 140 kept for actions, a sync per 21.5 s and a little more: ~360 spare."""
    budget = _budget()
    spare_per_hour = budget.spare_per_poll * budget.polls_per_hour
    assert 350 < spare_per_hour < 370
    spent, carry, total = 0, 0.0, 0
    for _ in range(round(budget.polls_per_hour)):
        reads, carry = spare_reads(budget, carry)
        spent += reads
        total += reads
    # Over an hour the polls spend the steady share, never more.
    assert (
        budget.spare_per_poll * budget.polls_per_hour - 3
        <= total
        <= budget.spare_per_poll * budget.polls_per_hour
    )
    assert 0 <= carry < 1


def test_spare_reads_never_touch_what_polling_still_needs() -> None:
    """A rolling hour nearly spent leaves nothing spare; polling's own share is kept."""
    assert spare_reads(_budget(used=540))[0] == 0
    assert spare_reads(_budget(used=560), carry=MAX_CARRY)[0] == 0
    # A little room (560 - 536, less 12 for the next polls and 10 kept back): only that.
    reads, _ = spare_reads(_budget(used=536), carry=MAX_CARRY)
    assert reads == 2


def test_spare_reads_carry_is_bounded() -> None:
    """Unspent reads carry over, but a burst after a quiet while stays small."""
    reads, carry = spare_reads(_budget(), carry=1000.0)
    assert reads <= _budget().spare_per_poll + MAX_CARRY
    assert carry <= MAX_CARRY


def test_a_slow_poll_interval_or_heavy_polling_leaves_its_share() -> None:
    """Polling that uses the whole budget leaves nothing (never a negative share)."""
    assert _budget(polling=10.0).spare_per_poll == 0.0
    assert spare_reads(_budget(polling=10.0))[0] == 0
    assert _budget(poll=3600.0).spare_per_poll == pytest.approx(559.0 - 0.2, abs=1.0)


def test_moved_locks_are_read_first_newest_first() -> None:
    """Moves beyond the poll's slots wait; the newest move is read first."""
    plan = plan_activity(
        slots=2,
        moved={7: 100.0, 8: 300.0, 9: 200.0},
        last_read={},
        locks=[7, 8, 9, 10],
        now=400.0,
        catch_up_interval=900.0,
        catch_up_reads=1,
    )
    assert plan.moved == (8, 9)
    assert plan.catch_up == ()
    assert plan.reads == (8, 9)


def test_catch_up_reads_take_what_is_left_round_robin() -> None:
    """Least recently read first, never a lock read within the catch-up interval."""
    plan = plan_activity(
        slots=4,
        moved={1: 50.0},
        last_read={1: 0.0, 2: 10.0, 3: 900.0, 4: 5.0},
        locks=[1, 2, 3, 4, 5],
        now=1000.0,
        catch_up_interval=900.0,
        catch_up_reads=5,
    )
    assert plan.moved == (1,)
    # 5 was never read, then 4 and 2; 3 was read 100 s ago.
    assert plan.catch_up == (5, 4, 2)
    # The pace the caller keeps: one catch-up read now.
    paced = plan_activity(
        slots=4,
        moved={},
        last_read={2: 10.0},
        locks=[1, 2],
        now=1000.0,
        catch_up_interval=900.0,
        catch_up_reads=1,
    )
    assert paced.catch_up == (1,)


def test_no_slots_or_no_catch_up_interval() -> None:
    """No slot: nothing is read; a catch-up interval of 0: only moved locks."""
    nothing = plan_activity(
        slots=0,
        moved={1: 1.0},
        last_read={},
        locks=[1],
        now=2.0,
        catch_up_interval=60.0,
        catch_up_reads=1,
    )
    assert nothing.reads == ()
    only_moved = plan_activity(
        slots=5,
        moved={1: 1.0},
        last_read={},
        locks=[1, 2],
        now=2.0,
        catch_up_interval=0.0,
        catch_up_reads=1,
    )
    assert only_moved.reads == (1,)
