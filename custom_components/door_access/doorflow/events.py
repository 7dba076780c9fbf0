"""DoorFlow's event feed, read once per poll and delivered exactly once, in order, per door.

One read per poll: the account's feed, oldest first (`sort=ASC`), from the newest delivered
event on (`since`, which DoorFlow treats as "at or after", so events sharing that date are told
apart by id), with the codes Door Access shows (`FEED_CODES`; without them DoorFlow sends only
admits and rejects), paged up to `MAX_PAGES` pages (the rest comes next poll). The cursor and
each door's forced/held-open alarm are kept on disk; the first setup starts from now. A read
that fails (429, outage, budget) delivers nothing; the next one picks up from the same cursor.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant

from ..api import (
    AuthError,
    BadResponseError,
    CloudConnectionError,
    DoorEvent,
    DoorFlowClient,
    EventSort,
    Page,
    Pager,
    RateLimitError,
)
from ..const import LOGGER
from ..cursor import FeedCursor, starting_now
from ..scheduler import RequestDeferredError
from ..scope_issue import clear_missing_scope, report_missing_scope
from ..storage import feed_store
from .event_kinds import ALARM_CLEARED_CODE, ALARM_CODES, FEED_CODES

# The scope a DoorFlow key or token needs to read the event feed.
EVENTS_SCOPE: Final = "account.event.access.readonly"
# Keys (unique-id suffixes) of the entities fed by the event feed.
EVENT_ENTITY_KEYS: Final = ("access_events", "door_alarm")
PAGE_SIZE: Final = 200
MAX_PAGES: Final = 5

# Send one request for a page of the feed through the account's scheduler.
type CallFeed = Callable[[Callable[[], Awaitable[Page[DoorEvent]]]], Awaitable[Page[DoorEvent]]]


@dataclass(frozen=True, slots=True)
class DoorAlarm:
    """Whether a door is forced or held open (until it reports back to normal)."""

    code: int | None

    @property
    def on(self) -> bool:
        """Tell whether the alarm is on."""
        return self.code is not None


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
        self._hass = hass
        self._entry_id = entry_id
        self._store = feed_store(hass, entry_id)
        self._client = client
        self._call = call
        self._account_name = account_name
        self.cursor: FeedCursor[str] | None = None
        self._alarms: dict[str, int] = {}
        self._listeners: dict[str, list[Callable[[DoorEvent], None]]] = {}
        self.scope_missing: bool | None = None

    @property
    def started(self) -> bool:
        """Tell whether the cursor was loaded (or started from now)."""
        return self.cursor is not None

    @property
    def enabled(self) -> bool:
        """Tell whether the feed can be read (the key has the scope, as far as known)."""
        return self.scope_missing is not True

    def subscribe(self, channel_id: str, listener: Callable[[DoorEvent], None]) -> CALLBACK_TYPE:
        """Hand a door's new events to `listener`, oldest first; return how to stop."""
        listeners = self._listeners.setdefault(channel_id, [])
        listeners.append(listener)
        return lambda: listeners.remove(listener)

    def alarm(self, channel_id: str) -> DoorAlarm:
        """Return whether a door is forced or held open."""
        return DoorAlarm(self._alarms.get(channel_id))

    async def async_start(self) -> None:
        """Load the cursor and alarms; a feed never read starts from now."""
        stored = await self._store.async_load() or {}
        cursor = FeedCursor.from_dict(stored.get("feed"))
        # Event ids are opaque text; a cursor stored when they were numbers keeps their text.
        self.cursor = (
            None if cursor is None else FeedCursor(cursor.date, frozenset(map(str, cursor.ids)))
        )
        alarms = stored.get("alarms")
        if isinstance(alarms, Mapping):
            self._alarms = {
                key: value
                for key, value in alarms.items()
                if isinstance(key, str) and key and isinstance(value, int)
            }
        if self.cursor is None:
            self.cursor = starting_now()
            await self._async_save()
        await self._probe()

    async def _probe(self) -> None:
        """Read one event (delivered later, not now) to learn whether the key has the scope."""
        try:
            await self._call(lambda: self._client.get_event_page(1, 1, event_codes=FEED_CODES))
        except AuthError as err:
            if not err.missing_scope:
                raise
            self._scope_refused()
        except RateLimitError, RequestDeferredError, CloudConnectionError, BadResponseError:
            return  # unknown for now; the next read tells
        else:
            self._scope_granted()

    async def async_read(self) -> None:
        """Read the feed from the cursor on and deliver what is new (nothing on failure)."""
        cursor = self.cursor
        if cursor is None or not self.enabled:
            return
        try:
            pager = await self._read_feed(cursor)
        except AuthError as err:
            if not err.missing_scope:
                raise
            self._scope_refused()
            return
        except (
            RateLimitError,
            RequestDeferredError,
            CloudConnectionError,
            BadResponseError,
        ) as err:
            LOGGER.debug("DoorFlow event feed not read now: %s", err)
            return
        self._scope_granted()
        fresh = cursor.new_items(pager.items, self._order)
        if not fresh:
            return
        self.cursor = cursor.after(fresh, self._order)
        for event in fresh:
            self._deliver(event)
        await self._async_save()

    async def _read_feed(self, cursor: FeedCursor[str]) -> Pager[DoorEvent]:
        """Read the pages of the feed since the cursor (oldest first, the codes we show).

        Events at the cursor's date were delivered and come first: whole pages of them are
        skipped, so that even more than a page of events sharing one date moves on.
        """
        skip = len(cursor.ids) // PAGE_SIZE
        pager = self._client.event_pager(PAGE_SIZE, max_pages=MAX_PAGES)
        while (number := pager.next_page()) is not None:
            answer = await self._call(
                partial(
                    self._client.get_event_page,
                    number + skip,
                    pager.page_size,
                    since=cursor.date,
                    event_codes=FEED_CODES,
                    sort=EventSort.ASC,
                )
            )
            pager.add(replace(answer, number=number))
        if not pager.complete:
            LOGGER.debug("More DoorFlow events than %d pages: the rest comes next poll", MAX_PAGES)
        return pager

    def _order(self, event: DoorEvent) -> tuple[datetime, str]:
        """Return the order events are delivered in: by creation date, then id."""
        assert self.cursor is not None
        return event.created_at or event.updated_at or self.cursor.date, event.id

    def _deliver(self, event: DoorEvent) -> None:
        """Note a door's alarm and hand the event to the door's listeners."""
        channel_id = event.channel_id
        if channel_id is None:
            return
        if event.event_code in ALARM_CODES:
            self._alarms[channel_id] = event.event_code
        elif event.event_code == ALARM_CLEARED_CODE:
            self._alarms.pop(channel_id, None)
        for listener in list(self._listeners.get(channel_id, [])):
            listener(event)

    def _scope_refused(self) -> None:
        """Stop reading the feed, say which scope the key lacks, remove the entities."""
        LOGGER.warning(
            "The DoorFlow key may not read the event feed (scope %s missing); "
            "door event entities are not shown",
            EVENTS_SCOPE,
        )
        self.scope_missing = True
        report_missing_scope(
            self._hass,
            entry_id=self._entry_id,
            account=self._account_name,
            cloud="DoorFlow",
            scope=EVENTS_SCOPE,
            entity_keys=EVENT_ENTITY_KEYS,
        )

    def _scope_granted(self) -> None:
        """Clear the scope issue once the feed reads."""
        if self.scope_missing is not False:
            self.scope_missing = False
            clear_missing_scope(self._hass, self._entry_id)

    async def _async_save(self) -> None:
        """Write the cursor and alarms (right away: a restart must not replay)."""
        data: dict[str, Any] = {
            "feed": None if self.cursor is None else self.cursor.as_dict(),
            "alarms": dict(self._alarms),
        }
        await self._store.async_save(data)
