"""The pieces under the feeds: ledgers, stored records, capped texts, activity reads per hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from custom_components.door_access.ledger import FeedLedger
from custom_components.door_access.tedee.activity import (
    ACTIVITY_LIMIT,
    LastOperation,
)
from custom_components.door_access.text import MAX_TEXT, cloud_text
from tests.activity_helpers import activity_reads_per_hour

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)


LOOKBACK = timedelta(minutes=15)
MS = timedelta(milliseconds=1)


def _key(item: tuple[datetime, str]) -> str:
    return item[1]


def _date(item: tuple[datetime, str]) -> datetime:
    return item[0]


def _record(ledger: FeedLedger, seen: list[tuple[datetime, str]], **kwargs: Any) -> None:
    ledger.record([(_key(item), _date(item)) for item in seen], lookback=LOOKBACK, **kwargs)


def test_ledger_delivers_once_oldest_first_and_late_uploads() -> None:
    """New ids in the window come oldest first, once; delivered ids never again."""
    ledger = FeedLedger.starting(T0)
    since = ledger.since(LOOKBACK)
    assert since == T0  # a new stream: nothing before its start is news
    items = [(T0 + 2 * MS, "b"), (T0 + MS, "a"), (T0 + 2 * MS, "b"), (T0 - MS, "old")]
    fresh = ledger.fresh(items, key=_key, date=_date, since=since)
    assert fresh == [(T0 + MS, "a"), (T0 + 2 * MS, "b")]
    read_at = T0 + timedelta(minutes=1)
    _record(ledger, items, started=read_at, resume_from=None)
    assert ledger.watermark == read_at
    assert ledger.since(LOOKBACK) == T0  # the lookback never reaches before the origin
    # Later: a late upload dated before what was delivered is news; known ids are not.
    ledger.watermark = T0 + timedelta(hours=1)
    since = ledger.since(LOOKBACK)
    assert since == ledger.watermark - LOOKBACK
    late = (since + MS, "late")
    moved = (since + 2 * MS, "a")  # "a" again, its date moved
    assert ledger.fresh([late, moved], key=_key, date=_date, since=since) == [late]


def test_ledger_watermark_never_passes_the_read() -> None:
    """A future-dated item is delivered once and hides nothing after it."""
    ledger = FeedLedger.starting(T0)
    future = (T0 + timedelta(days=365), "future")
    read_at = T0 + timedelta(seconds=30)
    assert ledger.fresh([future], key=_key, date=_date, since=T0) == [future]
    _record(ledger, [future], started=read_at, resume_from=None)
    assert ledger.watermark == read_at
    later = (read_at + timedelta(seconds=5), "later")
    since = ledger.since(LOOKBACK)
    assert ledger.fresh([later, future], key=_key, date=_date, since=since) == [later]


def test_ledger_resumes_a_cut_read_and_prunes() -> None:
    """A cut read resumes at the newest date it read (never past the read); ids are bounded."""
    ledger = FeedLedger.starting(T0)
    seen = [(T0 + i * MS, str(i)) for i in range(10)]
    _record(ledger, seen, started=T0 + timedelta(seconds=1), resume_from=T0 + 9 * MS, kept=4)
    assert ledger.resume == T0 + 9 * MS
    assert ledger.since(LOOKBACK) == T0 + 9 * MS
    assert sorted(ledger.delivered) == ["6", "7", "8", "9"]
    # The ids dropped for the bound are never news again.
    assert ledger.origin == T0 + 5 * MS + timedelta(microseconds=1)
    assert ledger.fresh(seen, key=_key, date=_date, since=ledger.origin) == []
    _record(ledger, [], started=T0 + timedelta(seconds=2), resume_from=T0 + timedelta(days=1))
    assert ledger.resume == T0 + timedelta(seconds=2)
    _record(ledger, [], started=T0 + timedelta(seconds=3), resume_from=None)
    assert ledger.resume is None
    assert ledger.watermark == T0 + timedelta(seconds=3)


def test_ledger_round_trip_and_malformed_records() -> None:
    """A stored ledger reads back (dates in the future pulled back); malformed is none."""
    ledger = FeedLedger(T0, T0 - MS, T0 - 2 * MS, {"1": T0})
    assert FeedLedger.from_dict(ledger.as_dict(), T0) == ledger
    ahead = FeedLedger(T0 + timedelta(days=1), T0)
    data = {**ahead.as_dict(), "delivered": {"1": T0.isoformat(), "2": "nope"}}
    assert FeedLedger.from_dict(data, T0) == FeedLedger(T0, T0, None, {"1": T0})
    for broken in (None, [], {"watermark": "yesterday"}, {**ledger.as_dict(), "delivered": []}):
        assert FeedLedger.from_dict(broken, T0) is None


def test_ledger_from_a_version_1_cursor() -> None:
    """A stored cursor of storage version 1 becomes a ledger that delivers nothing again."""
    cursor = {"date": T0.isoformat(), "ids": [3, "x1"]}
    assert FeedLedger.from_cursor(cursor, T0 + MS) == FeedLedger(T0, T0, None, {"3": T0, "x1": T0})
    future = {"date": (T0 + timedelta(days=9)).isoformat(), "ids": []}
    assert FeedLedger.from_cursor(future, T0) == FeedLedger(T0, T0)
    for broken in (None, {"date": "2026-11-20T12:00:00"}, {"date": T0.isoformat(), "ids": "1"}):
        assert FeedLedger.from_cursor(broken, T0) is None


def test_cloud_text_is_one_capped_line() -> None:
    """Names from a cloud: one line, at most MAX_TEXT characters, an ellipsis when cut."""
    assert cloud_text(None) is None
    assert cloud_text(" Anna\n\tSmith ") == "Anna Smith"
    long = cloud_text("x" * 10_000)
    assert len(long) == MAX_TEXT
    assert long.endswith("…")
    assert cloud_text("y" * MAX_TEXT) == "y" * MAX_TEXT


def test_last_operation_malformed_records() -> None:
    """A stored last operation reads back; malformed ones read as none."""
    operation = LastOperation("Anna", "unlocked", "pin", T0)
    assert LastOperation.from_dict(operation.as_dict()) == operation
    assert LastOperation.from_dict({**operation.as_dict(), "method": 3}) == LastOperation(
        "Anna", "unlocked", None, T0
    )
    for broken in (None, {"user": "Anna"}, {**operation.as_dict(), "user": None}):
        assert LastOperation.from_dict(broken) is None


def test_activity_reads_per_hour() -> None:
    """The budget of activity: catch-up reads plus moves, never above the cap."""
    assert activity_reads_per_hour(locks=3, catch_up_minutes=15) == 12
    assert activity_reads_per_hour(locks=500, catch_up_minutes=15) == 30
    assert activity_reads_per_hour(locks=3, catch_up_minutes=0, moves_per_hour=5) == 5
    assert activity_reads_per_hour(locks=0, catch_up_minutes=15) == 0
    # Connected gates: each every catch-up interval, at most 6 gate reads an hour.
    assert activity_reads_per_hour(locks=0, catch_up_minutes=15, gates=1) == 4
    assert activity_reads_per_hour(locks=0, catch_up_minutes=15, gates=20) == 6
    assert activity_reads_per_hour(locks=3, catch_up_minutes=0, gates=2) == 0
    assert activity_reads_per_hour(locks=500, catch_up_minutes=15, moves_per_hour=1000) == (
        ACTIVITY_LIMIT.window_count
    )
