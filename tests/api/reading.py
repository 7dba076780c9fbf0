"""Whole listings and finished operations, read the way a caller of the clients reads them.

The clients leave loops to their caller (the integration paces every page and every follow-up
read through its scheduler); tests that want a whole listing or a finished operation write the
loop here, once, with the clients' public page and read methods.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.api.clients import (
    AdmissionRequest,
    Channel,
    DoorEvent,
    DoorFlowClient,
    EventSort,
    Gate,
    Lock,
    LockSync,
    Operation,
    Page,
    Pager,
    Site,
    TedeeClient,
)


async def read_pages[T](
    pager: Pager[T], fetch_page: Callable[[int, int], Awaitable[Page[T]]]
) -> list[T]:
    """Read every page the pager asks for; the listing must end before the pager's cap."""
    while (number := pager.next_page()) is not None:
        pager.add(await fetch_page(number, pager.page_size))
    assert pager.complete, f"{pager!r}: stopped before the end of the listing"
    return pager.items


async def all_locks(client: TedeeClient, page_size: int = 100) -> list[Lock]:
    """Return every lock of the account."""
    return await read_pages(client.lock_pager(page_size), client.get_lock_page)


async def all_gates(client: TedeeClient, page_size: int = 100) -> list[Gate]:
    """Return every gate of the account."""
    return await read_pages(client.gate_pager(page_size), client.get_gate_page)


async def lock_sync(client: TedeeClient, lock_id: int) -> LockSync:
    """Return the live state of one lock (the bulk sync, asked for that lock)."""
    (sync,) = await client.sync_locks([lock_id])
    return sync


async def finished_operation(client: TedeeClient, operation_id: str) -> Operation:
    """Return an operation that has completed; raise as the client does if it failed."""
    operation = await client.get_operation(operation_id)
    assert operation.completed
    operation.raise_if_failed()
    return operation


async def activities(client: TedeeClient, device_id: int, **kwargs: Any) -> list[Any]:
    """Return a device's latest activities, newest first (malformed ones left out)."""
    return list((await client.read_device_activity(device_id, **kwargs)).items)


async def all_channels(client: DoorFlowClient, per_page: int = 100) -> list[Channel]:
    """Return every channel (door) of the account."""
    return await read_pages(client.channel_pager(per_page), client.get_channel_page)


async def channel_of(client: DoorFlowClient, channel_id: str) -> Channel:
    """Return one channel, from the listing."""
    return next(channel for channel in await all_channels(client) if channel.id == channel_id)


async def all_sites(client: DoorFlowClient, per_page: int = 100) -> list[Site]:
    """Return every site of the account."""
    return await read_pages(client.site_pager(per_page), client.get_site_page)


async def latest_events(client: DoorFlowClient, n: int = 100) -> list[DoorEvent]:
    """Return the latest events, newest first (one page)."""
    return list((await client.get_event_page(1, n, sort=EventSort.DESC)).items)


async def decided_admission(client: DoorFlowClient, admission_id: str) -> AdmissionRequest:
    """Return an admission that is decided; raise as the client does unless it admitted."""
    admission = await client.get_admission_request(admission_id)
    admission.raise_if_failed()
    assert not admission.pending
    return admission
