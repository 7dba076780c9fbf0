"""DoorFlow's event feed, read once per poll and delivered exactly once, in order, per door.

One read per poll: the account's feed, oldest first (`sort=ASC`), from the feed's start date
on (`since`, which DoorFlow treats as "at or after"), with the codes Door Access shows
(`FEED_CODES`; without them DoorFlow sends only admits and rejects), paged up to `MAX_PAGES`
pages. Delivery is the shared feed's (`feed.py`): one stream for the account, a lookback for
late uploads, delivered ids against repeats, kept on disk with each door's forced/held-open
alarm; the first setup starts from now. A read cut short (the page cap, or a server that
answers the same page again) delivers what it got and the next poll goes on from there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..api import DoorEvent, DoorFlowClient, EventSort, Page, RepeatedPageError
from ..feed import Feed, FeedItems, FeedRead, FeedScope, FeedWingState
from ..ledger import FeedLedger
from .event_kinds import ALARM_CLEARED_CODE, ALARM_CODES, FEED_CODES

# The scope a DoorFlow key or token needs to read the event feed.
EVENTS_SCOPE: Final = "account.event.access.readonly"
PAGE_SIZE: Final = 200
MAX_PAGES: Final = 5
# The account's events are one stream.
STREAM: Final = "events"

# Send one request for a page of the feed through the account's scheduler.
type CallFeed = Callable[[Callable[[], Awaitable[Page[DoorEvent]]]], Awaitable[Page[DoorEvent]]]


@dataclass(frozen=True, slots=True)
class DoorAlarm:
    """Whether a door is forced or held open (until it reports back to normal)."""

    # The code that raised it (None: the alarm is off).
    code: int | None


def _event_date(event: DoorEvent) -> datetime | None:
    """Return when an event happened (creation, else last update; None if neither)."""
    return event.created_at or event.updated_at


class EventFeedReader:
    """Reads an account's event feed and hands each door's events to its listeners."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        client: DoorFlowClient,
        call: CallFeed,
        *,
        account_name: str,
    ) -> None:
        self._client = client
        self._call = call
        self._alarms: dict[str, int] = {}
        self.feed = Feed[DoorEvent](
            hass,
            entry_id,
            what="DoorFlow event feed",
            scope=FeedScope(scope=EVENTS_SCOPE, cloud="DoorFlow", account=account_name),
            items=FeedItems(
                key=lambda event: str(event.id),
                date=_event_date,
                device=lambda event: event.channel_id,
            ),
            on_deliver=self._note_alarm,
            wing_state=FeedWingState(dump=self._dump, load=self._load, legacy=legacy_event_data),
        )

    def alarm(self, channel_id: str) -> DoorAlarm:
        """Return whether a door is forced or held open."""
        return DoorAlarm(self._alarms.get(channel_id))

    async def async_start(self) -> None:
        """Load the feed and alarms (a feed never read starts from now); check the scope."""
        await self.feed.async_load()
        self.feed.follow(STREAM)
        await self.feed.async_save()
        await self.feed.async_probe(
            lambda: self._call(lambda: self._client.get_event_page(1, 1, event_codes=FEED_CODES))
        )

    async def async_read(self) -> int:
        """Read the feed and deliver what is new; return how many (0 when the read fails)."""
        before = self.feed.delivered
        if await self.feed.async_read(STREAM, self._read_events):
            await self.feed.async_save()
        return self.feed.delivered - before

    def is_delivered(self, event_id: str) -> bool:
        """Tell whether an event was delivered already (as far as the feed remembers)."""
        return self.feed.knows(STREAM, event_id)

    async def async_push(self, events: list[DoorEvent]) -> list[DoorEvent]:
        """Deliver events DoorFlow pushed (each read by id); return those that were news."""
        return await self.feed.async_push(STREAM, events)

    async def _read_events(self, since: datetime) -> FeedRead[DoorEvent]:
        """Read the pages of the feed from `since` on (oldest first, the codes we show).

        A page the server answers again (it ignored `page`) ends the read with what the
        earlier pages got; so does the page cap. The next read resumes at the newest date read,
        past the whole pages of events of that date that were delivered already.
        """
        skip = self.feed.delivered_at(STREAM, since) // PAGE_SIZE
        pager = self._client.event_pager(PAGE_SIZE, max_pages=MAX_PAGES)
        skipped: list[str] = []
        cut: str | None = None
        while (number := pager.next_page()) is not None:
            answer = await self._call(
                partial(
                    self._client.get_event_page,
                    number + skip,
                    pager.page_size,
                    since=since,
                    event_codes=FEED_CODES,
                    sort=EventSort.ASC,
                )
            )
            skipped.extend(answer.skipped)
            try:
                pager.add(replace(answer, number=number))
            except RepeatedPageError:
                cut = "repeated page"
                break
        if cut is None and not pager.complete:
            cut = "page cap"
        items = pager.items
        dates = [date for event in items if (date := _event_date(event)) is not None]
        return FeedRead(items, skipped, cut=cut, resume_from=max(dates, default=None))

    def _note_alarm(self, _stream: str, event: DoorEvent) -> None:
        """Note a door's forced/held-open alarm from a delivered event."""
        channel_id = event.channel_id
        if channel_id is None:
            return
        if event.event_code in ALARM_CODES:
            self._alarms[channel_id] = event.event_code
        elif event.event_code == ALARM_CLEARED_CODE:
            self._alarms.pop(channel_id, None)

    def _dump(self) -> dict[str, Any]:
        """Return the doors' alarms, as stored."""
        return {"alarms": dict(self._alarms)}

    def _load(self, stored: Mapping[str, Any]) -> None:
        """Read the stored alarms (door ids are opaque text; older stores kept numbers' text)."""
        alarms = stored.get("alarms")
        if isinstance(alarms, Mapping):
            self._alarms = {
                key: value
                for key, value in alarms.items()
                if isinstance(key, str) and key and isinstance(value, int)
            }


def legacy_event_data(old: Mapping[str, Any]) -> dict[str, Any]:
    """Turn storage version 1 (`{"feed": cursor, "alarms": {...}}`) into version 2."""
    ledger = FeedLedger.from_cursor(old.get("feed"), dt_util.utcnow())
    return {
        "streams": {} if ledger is None else {STREAM: ledger.as_dict()},
        "wing": {"alarms": old.get("alarms") or {}},
    }
