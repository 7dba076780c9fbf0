"""Unit tests of the request scheduler: slots, hourly budget, reserve, Retry-After, back-off."""

from __future__ import annotations

import asyncio
import random

import pytest

from custom_components.door_access.scheduler import (
    Priority,
    RequestDeferredError,
    RequestScheduler,
)
from tests.clock import FakeClock


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """These tests need no Home Assistant."""


def _scheduler(clock: FakeClock, **kwargs: object) -> RequestScheduler:
    defaults: dict[str, object] = {
        "hourly_limit": 10,
        "action_reserve": 3,
        "slot_intervals": {"sync": 20.0},
        "rng": random.Random(1),
    }
    defaults.update(kwargs)
    return RequestScheduler(clock, **defaults)  # type: ignore[arg-type]


async def _ok() -> str:
    return "ok"


async def test_background_requests_leave_the_reserve_to_user_actions() -> None:
    """Polling stops at limit - reserve; user actions may use the rest, then wait an hour."""
    clock = FakeClock()
    scheduler = _scheduler(clock)
    for _ in range(7):
        assert await scheduler.run(_ok) == "ok"
    with pytest.raises(RequestDeferredError) as err:
        await scheduler.run(_ok)
    assert err.value.reason == "hourly budget used"
    assert err.value.retry_in == pytest.approx(3600.0)
    for _ in range(3):
        await scheduler.run(_ok, priority=Priority.USER)
    with pytest.raises(RequestDeferredError):
        await scheduler.run(_ok, priority=Priority.USER)
    assert scheduler.used_last_hour() == 10
    clock.advance(3600)
    assert scheduler.used_last_hour() == 0
    assert await scheduler.run(_ok) == "ok"
    assert scheduler.total_sent == 11


async def test_slot_waits_for_its_interval_by_name_or_tuple(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A slot (or a tuple keyed by its name) is not reused before its interval."""
    clock = FakeClock()
    scheduler = _scheduler(clock)
    await scheduler.run(_ok, slot="sync")
    assert scheduler.slot_free_in("sync") == pytest.approx(20.0)
    assert scheduler.slot_free_in(("sync", 1)) == 0.0
    await scheduler.run(_ok, slot=("sync", 1))
    assert scheduler.slot_free_in(("sync", 1)) == pytest.approx(20.0)
    assert scheduler.slot_free_in("unknown") == 0.0
    clock.advance(15)
    assert scheduler.slot_free_in("sync") == pytest.approx(5.0)

    waited: list[float] = []
    real_sleep = asyncio.sleep

    async def fake_sleep(seconds: float) -> None:
        waited.append(seconds)
        clock.advance(seconds)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    await scheduler.run(_ok, slot="sync")
    assert waited == [pytest.approx(5.0)]


async def test_rate_limit_blocks_everything_until_retry_after() -> None:
    """After a 429 nothing goes out until Retry-After (or the default) has passed."""
    clock = FakeClock()
    scheduler = _scheduler(clock, default_retry_after=60.0)
    assert scheduler.note_rate_limited(30) == 30
    assert scheduler.cooling_down_for() == pytest.approx(30)
    with pytest.raises(RequestDeferredError) as err:
        await scheduler.run(_ok, priority=Priority.USER)
    assert err.value.reason == "cooling down"
    clock.advance(30)
    assert await scheduler.run(_ok) == "ok"
    assert scheduler.note_rate_limited(None) == 60.0


async def test_backoff_grows_with_jitter_up_to_the_cap_and_resets() -> None:
    """Each outage doubles the wait (±20 %), capped; a success starts over."""
    clock = FakeClock()
    scheduler = _scheduler(clock, backoff_base=10.0, backoff_cap=100.0)
    delays = [scheduler.note_outage() for _ in range(6)]
    for attempt, delay in enumerate(delays):
        nominal = min(100.0, 10.0 * 2**attempt)
        assert 0.8 * nominal <= delay <= 1.2 * nominal
    assert scheduler.consecutive_failures == 6
    scheduler.note_success()
    assert scheduler.consecutive_failures == 0
    assert 8.0 <= scheduler.note_outage() <= 12.0
