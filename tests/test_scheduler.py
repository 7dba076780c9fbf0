"""Unit tests of the request scheduler: intervals from arrival with a margin, windows, the
hourly budget and its reserve, 429 cooldowns per group, back-off for polling only."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import random

import pytest

from custom_components.door_access.api import RateLimitError
from custom_components.door_access.scheduler import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    BASE_MARGIN,
    BOOST_HALF_LIFE,
    DEFAULT_RETRY_AFTER,
    MAX_MARGIN,
    MAX_RETRY_AFTER,
    Limit,
    Priority,
    RequestDeferredError,
    RequestScheduler,
    WindowFullError,
)
from tests.clock import FakeClock

SYNC = "GET my/lock/sync"
ONE = "GET my/lock/{id}/sync"
LIST = "GET my/lock"
UNLOCK = "POST my/lock/{id}/operation/unlock"
LIMITS = {
    SYNC: Limit(group="lock_sync", min_interval=20.0),
    ONE: Limit(group="lock_sync_one", min_interval=20.0),
    LIST: Limit(group="lock_list", window_count=2, window=600.0),
}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """These tests need no Home Assistant."""


@pytest.fixture
def clock() -> FakeClock:
    """Return a clock that moves only when told."""
    return FakeClock()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> list[float]:
    """Record every wait of the scheduler and move the clock by it instead of sleeping."""
    waited: list[float] = []
    real_sleep = asyncio.sleep

    async def fake_sleep(seconds: float) -> None:
        waited.append(seconds)
        clock.advance(seconds)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    return waited


def _scheduler(clock: FakeClock, **kwargs: object) -> RequestScheduler:
    defaults: dict[str, object] = {
        "hourly_limit": 10,
        "action_reserve": 3,
        "limits": LIMITS,
        "rng": random.Random(1),
    }
    defaults.update(kwargs)
    return RequestScheduler(clock, **defaults)  # type: ignore[arg-type]


async def _ok() -> str:
    return "ok"


def _taking(clock: FakeClock, seconds: float) -> Callable[[], Awaitable[str]]:
    """Return a request whose answer arrives `seconds` after it was sent."""

    async def send() -> str:
        clock.advance(seconds)
        return "ok"

    return send


def _refused(
    clock: FakeClock, retry_after: float | None, endpoint: str
) -> Callable[[], Awaitable[str]]:
    """Return a request the cloud answers with 429."""

    async def send() -> str:
        clock.advance(0.1)
        raise RateLimitError("429", retry_after=retry_after, endpoint=endpoint)

    return send


async def test_background_requests_leave_the_reserve_to_user_actions(clock: FakeClock) -> None:
    """Polling stops at limit - reserve; user actions may use the rest, then wait an hour."""
    scheduler = _scheduler(clock)
    for _ in range(7):
        assert await scheduler.run(_ok, endpoint="GET my/user") == "ok"
    with pytest.raises(RequestDeferredError) as err:
        await scheduler.run(_ok, endpoint="GET my/user")
    assert err.value.reason == "hourly budget used"
    assert err.value.retry_in == pytest.approx(3600.0)
    for _ in range(3):
        await scheduler.run(_ok, endpoint=UNLOCK, priority=Priority.USER)
    with pytest.raises(RequestDeferredError):
        await scheduler.run(_ok, endpoint=UNLOCK, priority=Priority.USER)
    assert scheduler.used_last_hour() == 10
    clock.advance(3600)
    assert scheduler.used_last_hour() == 0
    assert await scheduler.run(_ok, endpoint="GET my/user") == "ok"
    assert scheduler.total_sent == 11


async def test_interval_counts_from_the_arrival_of_the_answer_plus_a_margin(
    clock: FakeClock, sleeps: list[float]
) -> None:
    """The next sync waits 20 s + margin after the previous answer arrived, not was sent."""
    scheduler = _scheduler(clock)
    await scheduler.run(_taking(clock, 0.0), endpoint=SYNC)
    margin = scheduler.margin
    assert margin == pytest.approx(BASE_MARGIN)
    assert scheduler.slot_free_in(SYNC) == pytest.approx(20.0 + margin)
    clock.advance(19.0)  # a poll that fires early (Home Assistant truncates to the second)
    await scheduler.run(_ok, endpoint=SYNC)
    assert sleeps == [pytest.approx(1.0 + margin)]


async def test_slow_answers_widen_only_the_window_margin(
    clock: FakeClock, sleeps: list[float]
) -> None:
    """A slow round trip widens the margin of sent-timed windows, not of arrival-timed intervals.

    Timed from the arrival, the cloud already sees the whole trip between two requests, so a
    slow network must not slow polling down; a count window is timed from sending, so it keeps
    half the slowest recent round trip on top (within a cap).
    """
    scheduler = _scheduler(clock)
    await scheduler.run(_taking(clock, 2.0), endpoint=SYNC)
    assert scheduler.margin == pytest.approx(BASE_MARGIN)
    assert scheduler.window_margin == pytest.approx(BASE_MARGIN + 1.0)
    assert scheduler.slot_free_in(SYNC) == pytest.approx(20.0 + BASE_MARGIN)
    await scheduler.run(_taking(clock, 60.0), endpoint="GET my/user")
    assert scheduler.window_margin == MAX_MARGIN
    assert scheduler.margin == pytest.approx(BASE_MARGIN)


async def test_a_429_widens_the_margin_for_a_while(clock: FakeClock) -> None:
    """A 429 widens the margin; it halves every BOOST_HALF_LIFE without another 429."""
    scheduler = _scheduler(clock)
    with pytest.raises(RateLimitError):
        await scheduler.run(_refused(clock, 1, UNLOCK), endpoint=UNLOCK)
    assert scheduler.margin == pytest.approx(BASE_MARGIN + 1.0)
    clock.advance(1 + scheduler.margin)  # the cooldown the first 429 asked for
    with pytest.raises(RateLimitError):
        await scheduler.run(_refused(clock, 1, UNLOCK), endpoint=UNLOCK)
    assert scheduler.margin == pytest.approx(BASE_MARGIN + 2.0, abs=0.01)
    clock.advance(BOOST_HALF_LIFE)
    assert scheduler.margin == pytest.approx(BASE_MARGIN + 1.0, abs=0.01)
    clock.advance(10 * BOOST_HALF_LIFE)
    assert scheduler.margin == pytest.approx(BASE_MARGIN, abs=0.01)


async def test_per_device_intervals_are_separate(clock: FakeClock) -> None:
    """A per-lock rule keeps one slot per lock; other endpoints have none."""
    scheduler = _scheduler(clock)
    await scheduler.run(_ok, endpoint=ONE, key=1001)
    assert scheduler.slot_free_in(ONE, 1001) > 20.0
    assert scheduler.slot_free_in(ONE, 1002) == 0.0
    assert scheduler.slot_free_in(UNLOCK) == 0.0


async def test_window_limit_defers_polling_and_makes_actions_wait(
    clock: FakeClock, sleeps: list[float]
) -> None:
    """At most N requests per window: polling is deferred, a user's request waits its turn."""
    scheduler = _scheduler(clock)
    await scheduler.run(_ok, endpoint=LIST)
    await scheduler.run(_ok, endpoint=LIST)
    with pytest.raises(WindowFullError) as err:
        await scheduler.run(_ok, endpoint=LIST)
    assert err.value.reason == f"{LIST} window full"
    assert err.value.retry_in == pytest.approx(600.0 + scheduler.window_margin)
    await scheduler.run(_ok, endpoint=LIST, priority=Priority.USER)
    assert sleeps == [pytest.approx(600.0 + BASE_MARGIN)]


async def test_window_free_in_says_when_a_place_opens(clock: FakeClock) -> None:
    """0 with a place in the window; full, the time until its oldest request leaves it."""
    scheduler = _scheduler(clock)
    assert scheduler.window_free_in(LIST) == 0.0
    assert scheduler.window_free_in(SYNC) == 0.0  # no window at all
    await scheduler.run(_ok, endpoint=LIST)
    clock.advance(100.0)
    assert scheduler.window_free_in(LIST) == 0.0
    await scheduler.run(_ok, endpoint=LIST)
    assert scheduler.window_free_in(LIST) == pytest.approx(500.0 + scheduler.window_margin)
    clock.advance(600.0 + scheduler.window_margin)
    assert scheduler.window_free_in(LIST) == 0.0


async def test_a_429_blocks_only_its_group_for_retry_after(clock: FakeClock) -> None:
    """A 429 on the lock sync stops the sync until Retry-After; an unlock still goes out."""
    scheduler = _scheduler(clock)
    with pytest.raises(RateLimitError):
        await scheduler.run(_refused(clock, 300, SYNC), endpoint=SYNC)
    assert scheduler.cooling_down_for(SYNC) == pytest.approx(300 + scheduler.margin, abs=0.2)
    assert scheduler.cooling_down_for(UNLOCK) == 0.0
    assert await scheduler.run(_ok, endpoint=UNLOCK, priority=Priority.USER) == "ok"
    with pytest.raises(RequestDeferredError) as err:
        await scheduler.run(_ok, endpoint=SYNC, priority=Priority.USER)
    assert "cooling down" in err.value.reason
    clock.advance(300 + MAX_MARGIN)
    assert await scheduler.run(_ok, endpoint=SYNC) == "ok"


async def test_a_retry_after_beyond_an_hour_is_cut_to_an_hour(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Retry-After 10^9 s waits MAX_RETRY_AFTER (one hour), said once in the log."""
    scheduler = _scheduler(clock)
    for endpoint in (SYNC, UNLOCK):
        with pytest.raises(RateLimitError):
            await scheduler.run(_refused(clock, 1_000_000_000, endpoint), endpoint=endpoint)
        note = scheduler.last_rate_limit
        assert note is not None
        assert note.retry_after == MAX_RETRY_AFTER == 3600.0
        assert scheduler.cooling_down_for(endpoint) <= MAX_RETRY_AFTER + MAX_MARGIN
    assert caplog.text.count("the longest wait Door Access accepts") == 1
    clock.advance(MAX_RETRY_AFTER + MAX_MARGIN)
    assert await scheduler.run(_ok, endpoint=SYNC) == "ok"


async def test_429_notes_say_what_happened(clock: FakeClock) -> None:
    """Each 429 is noted (endpoint, real gap, self-caused or not); an episode starts once."""
    scheduler = _scheduler(clock)
    with pytest.raises(RateLimitError):
        await scheduler.run(_refused(clock, None, UNLOCK), endpoint=UNLOCK)
    note = scheduler.last_rate_limit
    assert note is not None
    assert (note.endpoint, note.retry_after, note.gap, note.first) == (
        UNLOCK,
        DEFAULT_RETRY_AFTER,
        None,
        True,
    )
    assert not note.self_caused
    assert scheduler.other_429 == 1
    assert scheduler.margin > BASE_MARGIN  # widened after a 429
    report = scheduler.report()
    assert report["rate_limited"] == {"self_caused": 0, "other": 1, "by_endpoint": {UNLOCK: 1}}
    assert set(report["cooldowns_seconds"]) == {UNLOCK}
    assert report["requests_last_hour"] == {UNLOCK: 1}


async def test_self_caused_429_is_counted_as_such(clock: FakeClock) -> None:
    """A 429 that follows our own request to the same rule too closely is ours."""
    scheduler = _scheduler(clock)
    await scheduler.run(_ok, endpoint=SYNC)
    # As if pacing had failed: the previous answer arrived only 5 s ago.
    slot = next(iter(scheduler._slots.values()))  # simulating a pacing bug
    slot.arrived_at = slot.sent_at = clock.now - 5.0
    slot.arrived_at = clock.now - 5.0
    monkey_free = scheduler.slot_free_in
    scheduler.slot_free_in = lambda *_args: 0.0  # type: ignore[method-assign]
    with pytest.raises(RateLimitError):
        await scheduler.run(_refused(clock, 15, SYNC), endpoint=SYNC)
    scheduler.slot_free_in = monkey_free  # type: ignore[method-assign]
    assert scheduler.self_caused_429 == 1
    assert scheduler.last_rate_limit is not None
    assert scheduler.last_rate_limit.gap == pytest.approx(5.0)


async def test_backoff_is_for_polling_only(clock: FakeClock) -> None:
    """After an outage polling is deferred; a user's action is never held by our back-off."""
    scheduler = _scheduler(clock)
    delay = scheduler.note_outage()
    clock.advance(delay - 0.1)
    with pytest.raises(RequestDeferredError) as err:
        await scheduler.run(_ok, endpoint="GET my/user")
    assert "outage" in err.value.reason
    assert await scheduler.run(_ok, endpoint=UNLOCK, priority=Priority.USER) == "ok"
    scheduler.note_success()
    assert await scheduler.run(_ok, endpoint="GET my/user") == "ok"


async def test_backoff_grows_with_jitter_up_to_the_cap_and_resets(clock: FakeClock) -> None:
    """Each outage doubles the wait (±20 %), capped; a success starts over."""
    scheduler = _scheduler(clock)
    delays = [scheduler.note_outage() for _ in range(7)]
    for attempt, delay in enumerate(delays):
        nominal = min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)
        assert 0.8 * nominal <= delay <= 1.2 * nominal
    assert delays[-1] >= 0.8 * BACKOFF_CAP  # capped: 30 * 2**6 would be 1920
    scheduler.note_success()
    assert 0.8 * BACKOFF_BASE <= scheduler.note_outage() <= 1.2 * BACKOFF_BASE


async def test_failed_requests_still_count_and_free_the_slot_from_their_answer(
    clock: FakeClock,
) -> None:
    """An error answer is an arrival too: the interval counts from it."""
    scheduler = _scheduler(clock)

    async def boom() -> str:
        clock.advance(1.0)
        raise ConnectionError

    with pytest.raises(ConnectionError):
        await scheduler.run(boom, endpoint=SYNC)
    assert scheduler.used_last_hour() == 1
    assert scheduler.slot_free_in(SYNC) == pytest.approx(20.0 + scheduler.margin)
