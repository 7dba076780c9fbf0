"""The Tedee lock listing: when it is read, and reading it page by page across polls.

The paged listing (`GET /my/lock`) gives the locks' details. It is read at the first poll,
hourly, when locks went missing from the sync or many are new; it keeps its place across polls
while Tedee's count window is full, and ends once it holds every lock known. A complete listing
decides which locks the sync leaves out are really gone. What it knows is kept across a reload
(`kept_details.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from copy import deepcopy
from typing import Final

from ..api import Lock, Page, Pager
from ..const import LOGGER
from ..scheduler import WindowFullError
from .const import DETAILS_REFRESH_INTERVAL
from .kept_details import KeptDetails

# More new locks than this in one sync (and no listing under way): read them by a listing.
NEW_LOCKS_FOR_A_LISTING: Final = 5
# The first poll reads listing pages for at most this long; the listing goes on later.
SETUP_LISTING_SECONDS: Final = 10.0


class LockListing:
    """One account's lock listing: when it is due, its place, and what it decided."""

    def __init__(self, clock: Callable[[], float], kept: KeptDetails) -> None:
        """Start from what the entry kept before a reload (nothing: `KeptDetails`' defaults)."""
        self._clock = clock
        # When the hourly lock listing is due; whether missing locks call for one sooner.
        self.due_at = kept.listing_due_at
        self.due_early = False
        # The lock listing under way (kept across polls while its window is full).
        self.pager = kept.listing
        # How long the count window holds the listing back (0: it was not held back).
        self.wait = 0.0
        # Locks the sync leaves out that the last complete listing still had.
        self.confirmed_missing = kept.confirmed_missing

    def wanted(self, *, first: bool, unknown: int) -> bool:
        """Tell whether the lock listing is read (or goes on) in this poll."""
        return (
            first
            or self.pager is not None
            or self.due_early
            or self._clock() >= self.due_at
            or unknown > NEW_LOCKS_FOR_A_LISTING
        )

    async def go_on(
        self,
        new_pager: Callable[[], Pager[Lock]],
        read_page: Callable[[int, int], Awaitable[Page[Lock]]],
        *,
        expected: set[int],
        first: bool,
        account: str,
    ) -> Pager[Lock]:
        """Read pages of the lock listing as far as its count window allows now, no further.

        The listing keeps its place across polls and ends once it holds every lock in
        `expected` (no extra page only to learn that the next one is empty). The first poll
        reads pages for at most `SETUP_LISTING_SECONDS`, so that setup never waits long.
        """
        pager = self.pager or new_pager()
        self.pager = pager
        pager.expect(expected)
        deadline = self._clock() + SETUP_LISTING_SECONDS if first else None
        self.wait = 0.0
        try:
            while (number := pager.next_page()) is not None:
                if deadline is not None and self._clock() >= deadline:
                    break
                try:
                    page = await read_page(number, pager.page_size)
                except WindowFullError as err:
                    self.wait = err.retry_in
                    break
                pager.add(page)
        except BaseException:
            self.pager = None
            raise
        if pager.done:
            self.pager = None
            self.due_early = False
            self.due_at = self._clock() + DETAILS_REFRESH_INTERVAL
            if not pager.complete:
                LOGGER.warning(
                    "Tedee lock listing for %s stopped after %d pages; "
                    "locks missing from it are kept",
                    account,
                    pager.pages_read,
                )
        return pager

    def kept(self, locks: Mapping[int, Lock]) -> KeptDetails:
        """Return what to keep for the entry's next setup: these details and the listing.

        A listing under way is kept as a copy: a poll still in flight goes on with its own.
        """
        return KeptDetails(
            locks=locks,
            listing_due_at=self.due_at,
            listing=deepcopy(self.pager),
            confirmed_missing=self.confirmed_missing,
        )
