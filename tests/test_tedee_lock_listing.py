"""The lock listing's own rules, against the simulated cloud: setup's time cap, failures, caps.

`LockListing` reads pages of `GET /my/lock` (here straight through a real client over HTTP);
the coordinator's tests show the same rules through polls.
"""

from __future__ import annotations

import logging

import pytest

from custom_components.door_access.api import Lock, Page, TedeeClient, TedeeError
from custom_components.door_access.tedee.const import DETAILS_REFRESH_INTERVAL
from custom_components.door_access.tedee.kept_details import KeptDetails
from custom_components.door_access.tedee.lock_listing import SETUP_LISTING_SECONDS, LockListing

from .conftest import TEDEE_KEY, Simulator

PAGE_SIZE = 2


class _Clock:
    """The loop's clock as the listing sees it: moved on by the test, never by itself."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _account(simulator: Simulator, extra: int) -> tuple[TedeeClient, set[int]]:
    """Add `extra` locks; return a client of the account and every lock id it has."""
    tedee = simulator.world.tedee
    for number in range(extra):
        tedee.add_lock({"name": f"Extra {number}", "state": 6}, simulator.world.utcnow())
    client = TedeeClient(simulator.session, TEDEE_KEY, base_url=simulator.url)
    return client, set(tedee.locks)


async def test_setup_reads_pages_for_a_while_and_the_next_poll_goes_on(
    simulator: Simulator,
) -> None:
    """The first poll stops listing after `SETUP_LISTING_SECONDS`; a later poll ends it."""
    client, lock_ids = await _account(simulator, 5)
    clock = _Clock()
    listing = LockListing(clock, KeptDetails(locks={}))

    async def slow_page(number: int, size: int) -> Page[Lock]:
        page = await client.get_lock_page(number, size)
        clock.now += SETUP_LISTING_SECONDS  # each page took the whole setup allowance
        return page

    pager = await listing.go_on(
        lambda: client.lock_pager(PAGE_SIZE),
        slow_page,
        expected=lock_ids,
        first=True,
        account="Demo",
    )
    assert pager.pages_read == 1
    assert not pager.done
    assert listing.pager is pager  # kept for the next poll
    assert listing.wanted(first=False, unknown=0)

    pager = await listing.go_on(
        lambda: client.lock_pager(PAGE_SIZE),
        client.get_lock_page,
        expected=lock_ids,
        first=False,
        account="Demo",
    )
    assert pager.done
    assert pager.complete
    assert {lock.id for lock in pager.items} == lock_ids
    assert listing.pager is None
    assert listing.due_at == clock.now + DETAILS_REFRESH_INTERVAL
    assert not listing.wanted(first=False, unknown=0)


async def test_a_failed_page_drops_the_listing(simulator: Simulator) -> None:
    """A page that fails ends the listing under way: the next one starts afresh."""
    client, lock_ids = await _account(simulator, 5)
    listing = LockListing(_Clock(), KeptDetails(locks={}))
    await simulator.control("POST", "faults", {"kind": "status", "status": 503, "count": 1})
    with pytest.raises(TedeeError):
        await listing.go_on(
            lambda: client.lock_pager(PAGE_SIZE),
            client.get_lock_page,
            expected=lock_ids,
            first=False,
            account="Demo",
        )
    assert listing.pager is None
    assert listing.kept({}).listing is None


async def test_a_listing_cut_at_its_page_cap_is_done_but_not_complete(
    simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A listing stopped by its page cap says so once; the locks it lacks are not decided."""
    client, lock_ids = await _account(simulator, 5)
    listing = LockListing(_Clock(), KeptDetails(locks={}))
    caplog.set_level(logging.WARNING)
    pager = await listing.go_on(
        lambda: client.lock_pager(PAGE_SIZE, max_pages=1),
        client.get_lock_page,
        expected=lock_ids,
        first=False,
        account="Demo",
    )
    assert pager.done
    assert not pager.complete
    assert listing.pager is None
    assert "Tedee lock listing for Demo stopped after 1 pages" in caplog.text
