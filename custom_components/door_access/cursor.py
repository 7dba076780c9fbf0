"""Where a feed of happenings was last read up to, so that each one is delivered exactly once.

Both clouds date their items (Tedee activity, DoorFlow events) and give them ids. A cursor
holds the date of the newest item delivered and the ids delivered at exactly that date: an
item is new when it is dated later, or at that date with an id not delivered yet (items that
share a millisecond are told apart by id). Ids are numbers (Tedee) or opaque text (DoorFlow).
Cursors are stored as JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.util import dt as dt_util


@dataclass(frozen=True, slots=True)
class FeedCursor[IdT: (int, str) = int]:
    """The newest delivered date and the ids delivered at that date."""

    date: datetime
    ids: frozenset[IdT] = frozenset()

    def is_new(self, date: datetime, item_id: IdT) -> bool:
        """Tell whether an item dated `date` with id `item_id` was not delivered yet."""
        return date > self.date or (date == self.date and item_id not in self.ids)

    def new_items[T](self, items: Iterable[T], key: Callable[[T], tuple[datetime, IdT]]) -> list[T]:
        """Return the items not delivered yet, oldest first (by date, then id), once each."""
        fresh: dict[IdT, T] = {}
        for item in items:
            date, item_id = key(item)
            if self.is_new(date, item_id):
                fresh.setdefault(item_id, item)
        return sorted(fresh.values(), key=key)

    def after[T](
        self, delivered: list[T], key: Callable[[T], tuple[datetime, IdT]]
    ) -> FeedCursor[IdT]:
        """Return the cursor once `delivered` (oldest first, all new) has been delivered."""
        if not delivered:
            return self
        newest, _ = key(delivered[-1])
        ids = {item_id for date, item_id in map(key, delivered) if date == newest}
        if newest == self.date:
            ids |= self.ids
        return FeedCursor(newest, frozenset(ids))

    def as_dict(self) -> dict[str, Any]:
        """Return the cursor as stored (ISO date, sorted ids)."""
        return {"date": self.date.isoformat(), "ids": sorted(self.ids)}

    @classmethod
    def from_dict(cls, data: object) -> FeedCursor[Any] | None:
        """Read a stored cursor (ids all numbers or all text); None when missing or malformed."""
        if not isinstance(data, Mapping):
            return None
        date = dt_util.parse_datetime(str(data.get("date", "")))
        ids = data.get("ids", [])
        if date is None or date.tzinfo is None or not isinstance(ids, list):
            return None
        if not (
            all(isinstance(item_id, int) and not isinstance(item_id, bool) for item_id in ids)
            or all(isinstance(item_id, str) for item_id in ids)
        ):
            return None
        return cls(date, frozenset(ids))


def starting_now() -> FeedCursor[Any]:
    """Return the cursor of a feed read for the first time: nothing before now is news.

    Clouds date items to the millisecond: an item of this very millisecond counts as new.
    """
    now = dt_util.utcnow()
    return FeedCursor(now.replace(microsecond=now.microsecond // 1000 * 1000))
