"""The pieces under the activity feeds: cursors, stored records, logbook without strings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from homeassistant.core import HomeAssistant

from custom_components.door_access.cursor import FeedCursor
from custom_components.door_access.logbook import describe_activity
from custom_components.door_access.tedee.activity import (
    ACTIVITY_LIMIT,
    LastOperation,
    activity_reads_per_hour,
)

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _key(item: tuple[datetime, int]) -> tuple[datetime, int]:
    return item


def test_cursor_tells_new_items_apart_at_equal_dates() -> None:
    """Later dates are new; at the cursor's date only ids not yet delivered are."""
    cursor = FeedCursor(T0, frozenset({5}))
    later = T0 + timedelta(milliseconds=1)
    items = [(later, 7), (T0, 5), (T0, 6), (T0 - timedelta(seconds=1), 9), (T0, 6)]
    fresh = cursor.new_items(items, _key)
    assert fresh == [(T0, 6), (later, 7)]
    assert cursor.after(fresh, _key) == FeedCursor(later, frozenset({7}))
    assert cursor.after([(T0, 6)], _key) == FeedCursor(T0, frozenset({5, 6}))
    assert cursor.after([], _key) is cursor


def test_cursor_round_trip_and_malformed_records() -> None:
    """A stored cursor reads back; anything malformed reads as none."""
    cursor = FeedCursor(T0, frozenset({3, 1}))
    assert FeedCursor.from_dict(cursor.as_dict()) == cursor
    text_ids = FeedCursor(T0, frozenset({"b7x", "10", "9"}))  # DoorFlow's ids are opaque text
    assert FeedCursor.from_dict(text_ids.as_dict()) == text_ids
    for broken in (
        None,
        [],
        {"date": "yesterday"},
        {"date": "2026-11-20T12:00:00"},  # naive
        {"date": T0.isoformat(), "ids": "1"},
        {"date": T0.isoformat(), "ids": ["1", 2]},  # numbers and text mixed
        {"date": T0.isoformat(), "ids": [True]},
    ):
        assert FeedCursor.from_dict(broken) is None


def test_last_operation_malformed_records() -> None:
    """A stored last operation reads back; malformed ones read as none."""
    operation = LastOperation("Anna", "unlocked", "pin", T0)
    assert LastOperation.from_dict(operation.as_dict()) == operation
    assert LastOperation.from_dict({**operation.as_dict(), "method": 3}) == LastOperation(
        "Anna", "unlocked", None, T0
    )
    for broken in (None, {"user": "Anna"}, {**operation.as_dict(), "user": None}):
        assert LastOperation.from_dict(broken) is None


async def test_logbook_without_loaded_strings(hass: HomeAssistant) -> None:
    """Before any translation is loaded the line is made of the keys, readable."""
    entry = describe_activity(
        hass,
        {
            "name": "Front door",
            "event_type": "jammed",
            "sentence": "activity_jammed",
            "pieces": {"method": "method_pin"},
        },
    )
    assert entry["message"] == "jammed"
    assert entry["name"] == "Front door"


def test_activity_reads_per_hour() -> None:
    """The budget of activity: catch-up reads plus moves, never above the cap."""
    assert activity_reads_per_hour(locks=3, catch_up_minutes=15) == 12
    assert activity_reads_per_hour(locks=500, catch_up_minutes=15) == 30
    assert activity_reads_per_hour(locks=3, catch_up_minutes=0, moves_per_hour=5) == 5
    assert activity_reads_per_hour(locks=0, catch_up_minutes=15) == 0
    assert activity_reads_per_hour(locks=500, catch_up_minutes=15, moves_per_hour=100) == (
        ACTIVITY_LIMIT.window_count
    )
