"""Paging that cannot run away: the Pager's rules, and the clients' page methods on real servers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
import contextlib
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from tests.api.clients import (
    BadResponseError,
    DoorFlowClient,
    DoorFlowRepeatedPageError,
    Page,
    Pager,
    PagerStop,
    RepeatedPageError,
    TedeeClient,
    TedeeRepeatedPageError,
)
from tests.api.reading import all_channels, all_gates, all_locks
from tests.api.servers import Handler, serve_catch_all


def ids(*numbers: int) -> tuple[dict[str, int], ...]:
    """Return items that are only their ids."""
    return tuple({"id": number} for number in numbers)


def pager(page_size: int = 3, max_pages: int = 10) -> Pager[dict[str, int]]:
    """Return a pager of id-only items."""
    return Pager(key=lambda item: item["id"], page_size=page_size, max_pages=max_pages)


def test_skipped_items_count_towards_the_page() -> None:
    """A feed's malformed items, left out by the parser, still make a page full (not short),
    a page of only such items is not empty, and they count towards the total."""
    listing = pager(page_size=3)
    listing.add(Page(1, ids(1, 2), skipped=("event.id: expected an identifier, got list",)))
    assert listing.next_page() == 2
    listing.add(Page(2, (), skipped=("a", "b", "c")))
    assert listing.next_page() == 3
    listing.add(Page(3, ids(3), total=7, skipped=("d",)))
    assert listing.stopped_by is PagerStop.TOTAL_REACHED
    assert [item["id"] for item in listing.items] == [1, 2, 3]


def drive(pages: dict[int, Page[dict[str, int]]], subject: Pager[dict[str, int]]) -> list[int]:
    """Feed pages as the pager asks for them; return the page numbers it asked for."""
    asked = []
    while (number := subject.next_page()) is not None:
        asked.append(number)
        subject.add(pages[number])
    return asked


# -- the rules ---------------------------------------------------------------------------


def test_an_empty_page_ends_the_listing() -> None:
    subject = pager()
    assert drive({1: Page(1, ids(1, 2, 3)), 2: Page(2, ())}, subject) == [1, 2]
    assert subject.complete
    assert subject.stopped_by is PagerStop.EMPTY_PAGE
    assert [item["id"] for item in subject.items] == [1, 2, 3]


def test_the_servers_total_ends_the_listing_without_an_extra_page() -> None:
    subject = pager()
    pages = {1: Page(1, ids(1, 2, 3), total=6), 2: Page(2, ids(4, 5, 6), total=6)}
    assert drive(pages, subject) == [1, 2]
    assert subject.stopped_by is PagerStop.TOTAL_REACHED
    assert subject.complete


def test_a_page_shorter_than_the_stated_page_size_ends_it() -> None:
    subject = pager(page_size=3)
    pages = {1: Page(1, ids(1, 2, 3), per_page=3), 2: Page(2, ids(4), per_page=3)}
    assert drive(pages, subject) == [1, 2]
    assert subject.stopped_by is PagerStop.SHORT_PAGE


def test_a_server_that_caps_pages_below_the_size_asked_is_read_to_the_end() -> None:
    """Asked for 100 per page, the server sends 50: 120 items need three pages, not one."""
    subject = pager(page_size=100)
    items = ids(*range(120))
    pages = {n: Page(n, items[(n - 1) * 50 : n * 50]) for n in (1, 2, 3)}
    assert drive(pages, subject) == [1, 2, 3]
    assert len(subject.items) == 120
    assert subject.stopped_by is PagerStop.SHORT_PAGE
    assert subject.complete


def test_the_page_cap_stops_an_incomplete_listing() -> None:
    subject = pager(page_size=2, max_pages=3)
    pages = {n: Page(n, ids(n * 10, n * 10 + 1)) for n in range(1, 10)}
    assert drive(pages, subject) == [1, 2, 3]
    assert subject.stopped_by is PagerStop.PAGE_CAP
    assert not subject.complete
    assert subject.done
    assert subject.pages_read == 3
    assert subject.next_page() is None


def test_the_same_page_again_raises() -> None:
    subject = pager(page_size=2)
    subject.add(Page(1, ids(1, 2)))
    with pytest.raises(RepeatedPageError) as info:
        subject.add(Page(2, ids(1, 2)))
    assert info.value.page == 2
    assert "repeats page 1" in str(info.value)
    assert isinstance(info.value, BadResponseError)


def test_a_page_with_nothing_new_raises() -> None:
    subject = pager(page_size=2)
    subject.add(Page(1, ids(1, 2)))
    subject.add(Page(2, ids(3, 4)))
    with pytest.raises(RepeatedPageError, match="brings no item"):
        subject.add(Page(3, ids(2, 1)))


def test_items_are_de_duplicated_in_order() -> None:
    subject = pager(page_size=3)
    drive({1: Page(1, ids(1, 2, 2)), 2: Page(2, ids(2, 3, 4)), 3: Page(3, ())}, subject)
    assert [item["id"] for item in subject.items] == [1, 2, 3, 4]


def test_misuse_is_refused() -> None:
    with pytest.raises(ValueError, match="page_size"):
        pager(page_size=0)
    with pytest.raises(ValueError, match="max_pages"):
        pager(max_pages=0)
    subject = pager()
    with pytest.raises(ValueError, match="expected page 1"):
        subject.add(Page(2, ids(1)))
    subject.add(Page(1, ()))
    with pytest.raises(ValueError, match="already finished"):
        subject.add(Page(2, ()))
    assert "stopped_by" in repr(subject)
    assert "'listing'" in repr(subject)


# -- the clients' page methods on real servers ---------------------------------------------


@pytest.fixture
async def serve(socket_enabled: None) -> AsyncIterator[Callable[..., Any]]:
    """Serve a handler and return a client of it: `await serve(handler, "tedee")`."""
    async with aiohttp.ClientSession() as session, contextlib.AsyncExitStack() as stack:

        async def start(handler: Handler, cloud: str) -> Any:
            url = await stack.enter_async_context(serve_catch_all(handler))
            if cloud == "tedee":
                return TedeeClient(session, "paging-key", base_url=url)
            return DoorFlowClient(session, api_key="paging-key", base_url=url)

        yield start


def tedee_lock(number: int) -> dict[str, Any]:
    """Return a minimal lock of the Tedee listing."""
    return {"id": number, "name": f"Lock {number}"}


async def test_tedee_lock_pages_from_a_server_capping_at_50(serve: Any) -> None:
    asked: list[tuple[str, str]] = []

    async def handler(request: web.Request) -> web.Response:
        asked.append((request.query["Page"], request.query["ItemsPerPage"]))
        page = int(request.query["Page"])
        locks = [tedee_lock(n) for n in range(120)][(page - 1) * 50 : page * 50]
        return web.json_response({"result": locks, "success": True})

    client: TedeeClient = await serve(handler, "tedee")
    subject = client.lock_pager(100)
    while (number := subject.next_page()) is not None:
        subject.add(await client.get_lock_page(number, subject.page_size))
    assert subject.complete
    assert len(subject.items) == 120
    assert asked == [("1", "100"), ("2", "100"), ("3", "100")]
    assert len(await all_locks(client, 100)) == 120


async def test_tedee_gate_pages_use_the_stated_page_size(serve: Any) -> None:
    calls = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        gates = [{"id": 500 + n, "name": f"Gate {n}"} for n in range(3)]
        result = {"page": 1, "itemsPerPage": 10, "gates": gates}
        return web.json_response({"result": result, "success": True})

    client: TedeeClient = await serve(handler, "tedee")
    page = await client.get_gate_page(1, 10)
    assert page.per_page == 10
    assert [gate.id for gate in page.items] == [500, 501, 502]
    assert [gate.id for gate in await all_gates(client, 10)] == [500, 501, 502]
    assert calls == 2  # one page each: 3 < 10 stated per page


async def test_tedee_repeated_pages_are_a_tedee_error(serve: Any) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"result": [tedee_lock(1), tedee_lock(2)], "success": True})

    client: TedeeClient = await serve(handler, "tedee")
    with pytest.raises(TedeeRepeatedPageError) as info:
        await all_locks(client, 2)
    assert info.value.endpoint == "GET my/lock"


async def test_doorflow_channel_pages_read_both_header_spellings(serve: Any) -> None:
    async def handler(request: web.Request) -> web.Response:
        page = int(request.query["page"])
        channels = [{"id": n, "name": f"D{n}"} for n in range(5)][(page - 1) * 2 : page * 2]
        headers = (
            {"Total": "5", "Per-Page": "2"}
            if page == 1
            else {"X-Total-Results": "5", "X-Per-Page": "2"}
        )
        return web.json_response(channels, headers=headers)

    client: DoorFlowClient = await serve(handler, "doorflow")
    first = await client.get_channel_page(1, 2)
    assert (first.total, first.per_page, first.number) == (5, 2, 1)
    second = await client.get_channel_page(2, 2)
    assert (second.total, second.per_page) == (5, 2)
    assert [channel.id for channel in await all_channels(client, 2)] == [
        "0",
        "1",
        "2",
        "3",
        "4",
    ]


async def test_doorflow_repeated_pages_and_the_cap(serve: Any) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response([{"id": 1}, {"id": 2}])

    client: DoorFlowClient = await serve(handler, "doorflow")
    with pytest.raises(DoorFlowRepeatedPageError) as info:
        await all_channels(client, 2)
    assert info.value.endpoint == "GET channels"

    capped: Pager[int] = Pager(key=lambda item: item, page_size=2, max_pages=4)
    while (number := capped.next_page()) is not None:
        capped.add(Page(number, (number * 2, number * 2 + 1)))
    assert capped.pages_read == 4
    assert not capped.complete


def test_a_listing_ends_once_it_holds_every_expected_item() -> None:
    """Expected keys end the listing on the page that completes them: no empty page after."""
    listing = pager(page_size=2)
    listing.expect({1, 2, 3, 4})
    listing.add(Page(1, ids(1, 2)))
    assert listing.next_page() == 2
    listing.add(Page(2, ids(3, 4)))
    assert listing.stopped_by is PagerStop.EXPECTED_SEEN
    assert listing.complete
    assert listing.next_page() is None


def test_an_expected_item_that_never_comes_lets_the_listing_end_naturally() -> None:
    """A key the server does not have: the listing goes on to its empty page."""
    listing = pager(page_size=2)
    listing.expect({1, 2, 9})
    listing.add(Page(1, ids(1, 2)))
    listing.add(Page(2, ids(3, 4)))
    assert listing.next_page() == 3
    listing.add(Page(3, ()))
    assert listing.stopped_by is PagerStop.EMPTY_PAGE
    assert {item["id"] for item in listing.items} == {1, 2, 3, 4}


def test_expecting_after_pages_were_read_can_end_the_listing_at_once() -> None:
    """Expectations given between pages are checked right away; none given: no effect."""
    listing = pager(page_size=2)
    listing.expect(set())
    listing.add(Page(1, ids(1, 2)))
    assert listing.next_page() == 2
    listing.expect({1})
    assert listing.stopped_by is PagerStop.EXPECTED_SEEN
