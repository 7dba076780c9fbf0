"""A cloud's feed of happenings, delivered exactly once and oldest first, across restarts.

Written once for both clouds (Tedee device activity, DoorFlow events). A wing says only what is
its cloud's: how to read a stream from a date on (`FeedRead`), how to key and date an item,
which device an item belongs to, and what to do with a delivered item. The feed does the rest:

- one ledger per stream (`ledger.py`): reads go back `LOOKBACK` before the watermark, so late
  uploads are delivered; delivered ids (bounded) keep anything read twice, or moved in date,
  from being delivered twice; the watermark never passes the start of a read, so an item dated
  in the future is delivered once and hides nothing;
- delivery oldest first to the listeners of the item's device, then the ledger is saved
  (`storage.py`, one versioned store per entry) before anything else is read;
- malformed items the client skipped are logged once per kind and counted for diagnostics;
  a read cut short (a page the cloud repeated, the page cap) keeps what it got and the next
  read resumes there;
- a push (an item the cloud announced, read by id) is delivered through the same ledger, after
  any read in progress has delivered (oldest first), once: the next read finds its id;
- the scope: a token refused the feed (403 naming the scope) gets a repair issue and no feed
  entities; a read that works clears it.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.util import dt as dt_util

from .api import AuthError, BadResponseError, CloudConnectionError, RateLimitError
from .const import LOGGER
from .ledger import DEFAULT_KEPT_IDS, FeedLedger
from .scheduler import RequestDeferredError
from .scope_issue import clear_missing_scope, report_missing_scope
from .storage import FeedStore, LegacyFeedData

# How far before the watermark every read goes again: items uploaded this late are delivered.
LOOKBACK: Final = timedelta(minutes=15)
# A read that delivered nothing writes its watermark to disk at most this often.
SAVE_WATERMARK_EVERY: Final = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class FeedRead[ItemT]:
    """What one read of a stream got.

    `items` in the cloud's chronological order (oldest first); `skipped` the problem of each
    malformed item the client left out; `cut` why the read stopped early (None: it read up to
    now), with `resume_from` the date up to which it has everything (None: nothing to resume).
    """

    items: Sequence[ItemT]
    skipped: Sequence[str] = ()
    cut: str | None = None
    resume_from: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedScope:
    """The scope a token needs for a feed, named in the repair issue when it is missing."""

    scope: str
    cloud: str
    account: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedItems[ItemT]:
    """How a wing's items are keyed, dated and told apart by device."""

    key: Callable[[ItemT], str]
    # None: the cloud gave no date (the item counts as dated when the read started).
    date: Callable[[ItemT], datetime | None]
    device: Callable[[ItemT], Hashable | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedWingState:
    """What a wing keeps on disk beside its feed, and how it reads its version-1 data."""

    dump: Callable[[], dict[str, Any]]
    load: Callable[[Mapping[str, Any]], None]
    legacy: LegacyFeedData


# The outcomes of a read that leave everything as it was, to be read again later.
_NOT_NOW: Final = (RateLimitError, RequestDeferredError, CloudConnectionError, BadResponseError)


@dataclass(eq=False)
class Feed[ItemT]:
    """One entry's feed of happenings: streams, listeners, scope, storage and delivery."""

    hass: HomeAssistant
    entry_id: str
    _: KW_ONLY
    what: str
    scope: FeedScope
    items: FeedItems[ItemT]
    on_deliver: Callable[[str, ItemT], None]
    wing_state: FeedWingState
    kept_ids: int = DEFAULT_KEPT_IDS
    _store: FeedStore = field(init=False)
    _ledgers: dict[str, FeedLedger] = field(default_factory=dict, init=False)
    _listeners: dict[Hashable, list[Callable[[ItemT], None]]] = field(
        default_factory=dict, init=False
    )
    # Whether the stored ledgers were read; how many items were delivered since setup.
    loaded: bool = field(default=False, init=False)
    delivered: int = field(default=0, init=False)
    _dirty: bool = field(default=False, init=False)
    _saved_at: datetime = field(default_factory=dt_util.utcnow, init=False)
    _skipped: Counter[str] = field(default_factory=Counter, init=False)
    _cut: Counter[str] = field(default_factory=Counter, init=False)
    # Reads and pushes deliver one at a time: a push waits for a read in progress.
    _delivering: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    # None until a read tells; True once the cloud refused the scope (403).
    scope_missing: bool | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        """Open the entry's feed store (its version-1 data read the wing's way)."""
        self._store = FeedStore(self.hass, self.entry_id, self.wing_state.legacy)

    # ---- what the wing asks ----------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        """Tell whether the feed can be read (the token has the scope, as far as known)."""
        return self.scope_missing is not True

    @property
    def streams(self) -> frozenset[str]:
        """Return the streams followed."""
        return frozenset(self._ledgers)

    def watermark(self, stream: str) -> datetime | None:
        """Return the date up to which a stream was read (None: not followed)."""
        ledger = self._ledgers.get(stream)
        return None if ledger is None else ledger.watermark

    def delivered_at(self, stream: str, date: datetime) -> int:
        """Return how many delivered items of a stream are dated exactly `date`."""
        ledger = self._ledgers.get(stream)
        return 0 if ledger is None else sum(d == date for d in ledger.delivered.values())

    def knows(self, stream: str, key: str) -> bool:
        """Tell whether an item of a stream was delivered (among the ids remembered)."""
        ledger = self._ledgers.get(stream)
        return ledger is not None and key in ledger.delivered

    def subscribe(self, device_id: Hashable, listener: Callable[[ItemT], None]) -> CALLBACK_TYPE:
        """Hand a device's new items to `listener`, oldest first; return how to stop."""
        listeners = self._listeners.setdefault(device_id, [])
        listeners.append(listener)
        return lambda: listeners.remove(listener)

    async def async_load(self) -> None:
        """Read the stored ledgers and the wing's state (migrating older storage)."""
        stored = await self._store.async_load() or {}
        now = dt_util.utcnow()
        streams = stored.get("streams")
        if isinstance(streams, Mapping):
            for stream, data in streams.items():
                if (ledger := FeedLedger.from_dict(data, now)) is not None:
                    self._ledgers[str(stream)] = ledger
        wing = stored.get("wing")
        self.wing_state.load(wing if isinstance(wing, Mapping) else {})
        self.loaded = True

    def follow(self, stream: str) -> bool:
        """Follow a stream from now on, unless it is followed already; tell whether it is new."""
        if stream in self._ledgers:
            return False
        self._ledgers[stream] = FeedLedger.starting(dt_util.utcnow())
        self._dirty = True
        return True

    def forget(self, stream: str) -> None:
        """Stop following a stream (its device is gone)."""
        if self._ledgers.pop(stream, None) is not None:
            self._dirty = True

    def changed(self) -> None:
        """Note that the wing's state changed, to be saved with the feed."""
        self._dirty = True

    async def async_probe[T](self, call: Callable[[], Awaitable[T]]) -> T | None:
        """Read once, learning whether the token has the scope; None when refused or not now.

        Nothing is delivered: the result is the caller's (a probe, or a stream's read).

        A 403 naming the scope stops the feed (repair issue); a read held back (429, outage,
        budget, an answer that is not a list) leaves the scope as it was known, for later.
        """
        try:
            result = await call()
        except AuthError as err:
            if not err.missing_scope:
                raise
            self._scope_refused()
            return None
        except _NOT_NOW as err:
            LOGGER.debug("%s not read now: %s", self.what, err)
            return None
        self._scope_granted()
        return result

    async def async_read(
        self, stream: str, read: Callable[[datetime], Awaitable[FeedRead[ItemT]]]
    ) -> bool:
        """Read a stream from its ledger on and deliver what is new, oldest first.

        False when the read was held back (429, outage, budget, an answer that is not a list):
        nothing is delivered and the stream stays where it was, to be read again.
        """
        async with self._delivering:
            ledger = self._ledgers.get(stream)
            if ledger is None or not self.enabled:
                return False
            started = dt_util.utcnow()
            since = ledger.since(LOOKBACK)
            if (result := await self.async_probe(lambda: read(since))) is None:
                return False
            self._note_problems(result)
            date = self._dated(started)
            fresh = ledger.fresh(result.items, key=self.items.key, date=date, since=since)
            resume = ledger.resume
            ledger.record(
                [(self.items.key(item), date(item)) for item in result.items],
                started=started,
                resume_from=result.resume_from if result.cut else None,
                lookback=LOOKBACK,
                kept=self.kept_ids,
            )
            # Deliveries are written at once; a watermark that only moved on now and then (a
            # restart then reads a little more again, which the delivered ids make harmless).
            if fresh or ledger.resume != resume or started - self._saved_at >= SAVE_WATERMARK_EVERY:
                self._dirty = True
            for item in fresh:
                self._deliver(stream, item)
            return True

    async def async_push(self, stream: str, items: Sequence[ItemT]) -> list[ItemT]:
        """Deliver items the cloud pushed (each read by id), oldest first; return those delivered.

        Only items not delivered yet and within what the stream's next read covers are news
        (an item older than that is a replay). The watermark does not move: the next read
        covers the items again and their ids keep it from delivering them twice.
        """
        async with self._delivering:
            ledger = self._ledgers.get(stream)
            if ledger is None or not self.enabled:
                return []
            date = self._dated(dt_util.utcnow())
            since = ledger.since(LOOKBACK)
            fresh = ledger.fresh(items, key=self.items.key, date=date, since=since)
            if not fresh:
                return []
            ledger.remember(
                [(self.items.key(item), date(item)) for item in fresh],
                lookback=LOOKBACK,
                kept=self.kept_ids,
            )
            self._dirty = True
            for item in fresh:
                self._deliver(stream, item)
            await self.async_save()
            return fresh

    async def async_save(self) -> None:
        """Write the ledgers and the wing's state when they changed (a restart must not replay)."""
        if not self._dirty:
            return
        self._dirty = False
        self._saved_at = dt_util.utcnow()
        await self._store.async_save(
            {
                "streams": {stream: ledger.as_dict() for stream, ledger in self._ledgers.items()},
                "wing": self.wing_state.dump(),
            }
        )

    def diagnostics(self) -> dict[str, Any]:
        """Return what the feed counted: streams, deliveries, skipped items, reads cut short."""
        return {
            "scope_missing": self.scope_missing,
            "streams": len(self._ledgers),
            "lookback_seconds": LOOKBACK.total_seconds(),
            "delivered_since_start": self.delivered,
            "remembered_ids": sum(len(ledger.delivered) for ledger in self._ledgers.values()),
            "skipped_items": dict(sorted(self._skipped.items())),
            "cut_reads": dict(sorted(self._cut.items())),
        }

    # ---- inside ------------------------------------------------------------------------------

    def _dated(self, now: datetime) -> Callable[[ItemT], datetime]:
        """Return an item's date: the cloud's, else `now` (when the read or push began)."""
        return lambda item: self.items.date(item) or now

    def _deliver(self, stream: str, item: ItemT) -> None:
        """Let the wing note the item, then hand it to its device's listeners."""
        self.delivered += 1
        self.on_deliver(stream, item)
        device = self.items.device(item)
        if device is None:
            return
        for listener in list(self._listeners.get(device, [])):
            listener(item)

    def _note_problems(self, result: FeedRead[ItemT]) -> None:
        """Count skipped items and cut reads; log each kind once."""
        for problem in result.skipped:
            self._count(
                self._skipped,
                problem,
                "%s: an item the cloud sent is malformed (%s); it is skipped, the others are "
                "delivered (counted in diagnostics, not logged again)",
            )
        if result.cut is not None:
            self._count(
                self._cut,
                result.cut,
                "%s: a read stopped early (%s); what it got is delivered and the next read goes "
                "on from there (not logged again)",
            )

    def _count(self, counter: Counter[str], kind: str, message: str) -> None:
        """Count one problem of a kind; log the first of each kind (`message`: what, kind)."""
        if not counter[kind]:
            LOGGER.warning(message, self.what, kind)
        counter[kind] += 1

    def _scope_refused(self) -> None:
        """Stop reading the feed and say which scope the token lacks (its entities: unavailable)."""
        if self.scope_missing is not True:
            LOGGER.warning(
                "The %s token may not read %s (scope %s missing); its entities are unavailable",
                self.scope.cloud,
                self.what,
                self.scope.scope,
            )
        self.scope_missing = True
        report_missing_scope(
            self.hass,
            entry_id=self.entry_id,
            account=self.scope.account,
            cloud=self.scope.cloud,
            scope=self.scope.scope,
        )

    def _scope_granted(self) -> None:
        """Clear the scope issue once the feed reads."""
        if self.scope_missing is not False:
            self.scope_missing = False
            clear_missing_scope(self.hass, self.entry_id)
