"""Paged listings the caller drives page by page: a typed page, and a pager that cannot run away.

The clients never loop over pages behind the caller's back. The caller asks a `Pager` which
page is due, fetches it with its own pacing, and hands it back:

    pager = client.lock_pager()
    while (number := pager.next_page()) is not None:
        pager.add(await paced(client.get_lock_page(number, pager.page_size)))
    if pager.complete: ...  # pager.items is the whole listing
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Protocol

from .errors import RepeatedPageError

DEFAULT_MAX_PAGES: Final = 100


def check_size(name: str, value: int, most: int | None = None) -> None:
    """Refuse a page size or count below 1 (or above `most`): a ValueError naming it."""
    if value < 1 or (most is not None and value > most):
        bounds = "at least 1" if most is None else f"between 1 and {most}"
        raise ValueError(f"{name} must be {bounds}")


@dataclass(frozen=True, slots=True)
class Page[T]:
    """One page of a listing as the server answered it.

    `total` is the server's count of every item of the listing and `per_page` its page size,
    each only when the server says it (headers or fields); None otherwise. `skipped` says what
    was wrong with each item a lenient parser left out (a feed's malformed items); they still
    count towards the page's length.
    """

    number: int
    items: tuple[T, ...]
    total: int | None = None
    per_page: int | None = None
    skipped: tuple[str, ...] = ()


class PagerStop(StrEnum):
    """Why a pager stopped asking for pages."""

    EMPTY_PAGE = "empty_page"
    TOTAL_REACHED = "total_reached"
    SHORT_PAGE = "short_page"
    PAGE_CAP = "page_cap"
    EXPECTED_SEEN = "expected_seen"


class Pager[T]:
    """Decides which page of a listing is due and when the listing is complete; no I/O.

    The listing ends on an empty page, when the server's total is reached, on a page
    shorter than the server's page size (the size the server states, else the largest page
    seen, so a server that silently caps pages below the size asked is still read to the
    end), or once it holds every key the caller `expect`s (known from elsewhere, e.g. a
    bulk state read that names every item: no extra page only to learn that it is empty).
    After `max_pages` pages it stops with `complete` False. A page that brings nothing
    new (the same page again) raises `repeated_error`; items are de-duplicated by `key`.
    """

    def __init__(
        self,
        *,
        key: Callable[[T], Hashable],
        page_size: int,
        max_pages: int = DEFAULT_MAX_PAGES,
        what: str = "listing",
        endpoint: str | None = None,
        repeated_error: type[RepeatedPageError] = RepeatedPageError,
    ) -> None:
        check_size("page_size", page_size)
        check_size("max_pages", max_pages)
        self._key = key
        self._page_size = page_size
        self._max_pages = max_pages
        self._what = what
        self._endpoint = endpoint
        self._repeated_error = repeated_error
        self._items: list[T] = []
        self._seen: set[Hashable] = set()
        self._last_keys: tuple[Hashable, ...] | None = None
        self._largest = 0
        self._skipped = 0
        self._pages_read = 0
        self._stopped_by: PagerStop | None = None
        self._expected: frozenset[Hashable] = frozenset()

    def __repr__(self) -> str:
        return (
            f"Pager({self._what!r}, pages_read={self._pages_read}, items={len(self._items)}, "
            f"stopped_by={self._stopped_by})"
        )

    @property
    def page_size(self) -> int:
        """Return the page size to ask the server for."""
        return self._page_size

    @property
    def pages_read(self) -> int:
        """Return how many pages were added."""
        return self._pages_read

    @property
    def items(self) -> list[T]:
        """Return the distinct items read so far, in the server's order."""
        return list(self._items)

    @property
    def done(self) -> bool:
        """Tell whether no further page is due."""
        return self._stopped_by is not None

    @property
    def complete(self) -> bool:
        """Tell whether the listing was read to its end (not stopped by the page cap)."""
        return self._stopped_by is not None and self._stopped_by is not PagerStop.PAGE_CAP

    @property
    def stopped_by(self) -> PagerStop | None:
        """Return why the pager stopped, or None while pages are still due."""
        return self._stopped_by

    def expect(self, keys: Collection[Hashable]) -> None:
        """End the listing as soon as it holds all these keys (none given: never by this).

        Items the listing has beyond them are still kept; a key that never comes makes the
        listing go on to its natural end.
        """
        self._expected = frozenset(keys)
        self._stop_if_expected_seen()

    def _stop_if_expected_seen(self) -> None:
        """Stop when at least one page was read and every expected key is among the items."""
        if (
            self._stopped_by is None
            and self._pages_read
            and self._expected
            and self._expected <= self._seen
        ):
            self._stopped_by = PagerStop.EXPECTED_SEEN

    def next_page(self) -> int | None:
        """Return the number of the page to fetch next (from 1), or None when done."""
        return None if self.done else self._pages_read + 1

    def add(self, page: Page[T]) -> None:
        """Take the page that `next_page` asked for and decide whether the listing goes on."""
        expected = self.next_page()
        if expected is None:
            raise ValueError(f"{self._what}: the listing is already finished")
        if page.number != expected:
            raise ValueError(f"{self._what}: got page {page.number}, expected page {expected}")
        self._pages_read += 1
        keys = tuple(self._key(item) for item in page.items)
        length = len(keys) + len(page.skipped)
        if not length:
            self._stopped_by = PagerStop.EMPTY_PAGE
            return
        if keys and keys == self._last_keys:
            raise self._repeated(page.number, f"repeats page {page.number - 1}")
        new = 0
        for item, key in zip(page.items, keys, strict=True):
            if key not in self._seen:
                self._seen.add(key)
                self._items.append(item)
                new += 1
        if keys and not new:
            raise self._repeated(page.number, "brings no item that earlier pages did not")
        self._last_keys = keys
        self._skipped += len(page.skipped)
        self._largest = max(self._largest, length)
        effective_size = page.per_page if page.per_page else self._largest
        if page.total is not None and len(self._items) + self._skipped >= page.total:
            self._stopped_by = PagerStop.TOTAL_REACHED
        elif length < effective_size:
            self._stopped_by = PagerStop.SHORT_PAGE
        else:
            self._stop_if_expected_seen()
            if self._stopped_by is None and self._pages_read >= self._max_pages:
                self._stopped_by = PagerStop.PAGE_CAP

    def _repeated(self, number: int, problem: str) -> RepeatedPageError:
        """Build the error for a page that brought nothing new."""
        return self._repeated_error(
            f"{self._what}: page {number} {problem}", page=number, endpoint=self._endpoint
        )


class _Identified(Protocol):
    """An item of a listing that carries its own id."""

    @property
    def id(self) -> Hashable:
        """Return the item's id."""


def pager_by_id[T: _Identified](
    what: str,
    endpoint: str,
    page_size: int,
    max_pages: int,
    repeated_error: type[RepeatedPageError],
) -> Pager[T]:
    """Return a pager of a listing whose items are keyed by their `id`."""
    return Pager(
        key=lambda item: item.id,
        page_size=page_size,
        max_pages=max_pages,
        what=what,
        endpoint=endpoint,
        repeated_error=repeated_error,
    )
