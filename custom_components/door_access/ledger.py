"""How far one stream of a feed was read, and which of its items were delivered (no I/O).

A stream is what one read follows: a Tedee lock's activity, a DoorFlow account's events. Its
ledger keeps a date watermark (everything dated before it was read, as far as the cloud had
uploaded it), the ids delivered with their dates, bounded, and where a read that was cut short
stops. Each read goes back a lookback window before the watermark, so that an item uploaded
late is still found; delivered ids keep everything found twice from being delivered twice, also
when the cloud moved its date. The watermark never moves past the time a read started (Home
Assistant's clock): an item dated in the future is delivered once and hides nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.util import dt as dt_util

# The most delivered ids a stream keeps (the newest by date); at least every id of a window.
DEFAULT_KEPT_IDS: Final = 2000


def _date(text: object) -> datetime | None:
    """Read a stored aware date; None when missing or malformed."""
    date = dt_util.parse_datetime(str(text)) if isinstance(text, str) else None
    return date if date is not None and date.tzinfo is not None else None


def _to_ms(date: datetime) -> datetime:
    """Return a date truncated to the millisecond (the clouds' precision)."""
    return date.replace(microsecond=date.microsecond // 1000 * 1000)


@dataclass(slots=True)
class FeedLedger:
    """One stream's watermark, origin, delivered ids (with dates) and resume point."""

    watermark: datetime
    # Nothing dated before the stream began is news (a feed starts from the time it is set up).
    origin: datetime
    # Set when a read was cut short: the next one starts exactly there, without lookback.
    resume: datetime | None = None
    delivered: dict[str, datetime] = field(default_factory=dict)

    @classmethod
    def starting(cls, now: datetime) -> FeedLedger:
        """Return the ledger of a stream read for the first time: nothing before now is news."""
        start = _to_ms(now)
        return cls(watermark=start, origin=start)

    def since(self, lookback: timedelta) -> datetime:
        """Return the date the next read starts at (items dated from then on are read)."""
        if self.resume is not None:
            return self.resume
        return max(self.origin, self.watermark - lookback)

    def fresh[T](
        self,
        items: Iterable[T],
        *,
        key: Callable[[T], str],
        date: Callable[[T], datetime],
        since: datetime,
    ) -> list[T]:
        """Return the items read that were not delivered yet, oldest first, once each.

        `items` come in the cloud's chronological order (ties keep it); items dated before
        `since` are outside what this read covers and are left alone.
        """
        picked: dict[str, T] = {}
        for item in items:
            item_id = key(item)
            if item_id in self.delivered or item_id in picked or date(item) < since:
                continue
            picked[item_id] = item
        return sorted(picked.values(), key=date)

    def record(
        self,
        seen: Iterable[tuple[str, datetime]],
        *,
        started: datetime,
        resume_from: datetime | None,
        lookback: timedelta,
        kept: int = DEFAULT_KEPT_IDS,
    ) -> None:
        """Note a finished read: every item it saw (id, date) is delivered now; move the watermark.

        `started` is when the read began; `resume_from` the date up to which a read that was
        cut short has read everything (None: it read up to now).
        """
        if resume_from is None:
            self.watermark = max(self.watermark, started)
            self.resume = None
        else:
            self.resume = max(min(resume_from, started), self.since(lookback))
        self.remember(seen, lookback=lookback, kept=kept)

    def remember(
        self,
        seen: Iterable[tuple[str, datetime]],
        *,
        lookback: timedelta,
        kept: int = DEFAULT_KEPT_IDS,
    ) -> None:
        """Note items (id, date) delivered, each with its latest date seen; prune the ids.

        Called alone for items delivered outside a read (a push), the watermark stays: the next
        read covers them again and their ids keep it from delivering them twice.
        """
        for item_id, item_date in seen:
            known = self.delivered.get(item_id)
            # A date that moved later keeps the id as long as the item may be read again.
            self.delivered[item_id] = item_date if known is None else max(known, item_date)
        self._prune(self.since(lookback) - lookback, kept)

    def _prune(self, before: datetime, kept: int) -> None:
        """Forget ids dated well before the next read (none can come back) and beyond `kept`.

        Ids dropped for the bound move the origin past their date: what they were is never
        news again (a burst of more than `kept` items in one window costs late uploads dated
        inside it, never a repeat).
        """
        newest = sorted(self.delivered.items(), key=lambda pair: pair[1], reverse=True)
        self.delivered = {item_id: date for item_id, date in newest[:kept] if date >= before}
        if len(newest) > kept and (dropped := newest[kept][1]) >= before:
            self.origin = max(self.origin, dropped + timedelta(microseconds=1))

    def as_dict(self) -> dict[str, Any]:
        """Return the ledger as stored."""
        return {
            "watermark": self.watermark.isoformat(),
            "origin": self.origin.isoformat(),
            "resume": None if self.resume is None else self.resume.isoformat(),
            "delivered": {item_id: date.isoformat() for item_id, date in self.delivered.items()},
        }

    @classmethod
    def from_dict(cls, data: object, now: datetime) -> FeedLedger | None:
        """Read a stored ledger (dates after `now` are pulled back to it); None if malformed."""
        if not isinstance(data, Mapping):
            return None
        watermark, origin = _date(data.get("watermark")), _date(data.get("origin"))
        delivered = data.get("delivered")
        if watermark is None or origin is None or not isinstance(delivered, Mapping):
            return None
        resume = _date(data.get("resume"))
        return cls(
            watermark=min(watermark, now),
            origin=min(origin, now),
            resume=None if resume is None else min(resume, now),
            delivered={
                str(item_id): date
                for item_id, text in delivered.items()
                if (date := _date(text)) is not None
            },
        )

    @classmethod
    def from_cursor(cls, data: object, now: datetime) -> FeedLedger | None:
        """Read a cursor of storage version 1; None if malformed.

        A cursor (`{"date", "ids"}`) held the newest delivered date and the ids delivered at
        it. Its date becomes watermark and origin, so nothing delivered before is delivered again;
        a date in the future (a cloud's wrong clock) is pulled back to now.
        """
        if not isinstance(data, Mapping):
            return None
        date, ids = _date(data.get("date")), data.get("ids", [])
        if date is None or not isinstance(ids, list):
            return None
        date = min(date, now)
        return cls(
            watermark=date,
            origin=date,
            delivered={
                str(item_id): date
                for item_id in ids
                if isinstance(item_id, int | str) and not isinstance(item_id, bool)
            },
        )
