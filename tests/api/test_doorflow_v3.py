"""DoorFlow v3 shapes from the OpenAPI spec: events, sites, channel fields, lockdown, relock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
import json
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from tests.api.clients import (
    Channel,
    ChannelMode,
    DoorEvent,
    DoorFlowBadResponseError,
    DoorFlowClient,
    EventSort,
    Lockdown,
    Site,
)
from tests.api.reading import all_sites, latest_events
from tests.api.servers import serve_catch_all

START = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)

# A channel exactly as the v3 spec's schema describes it (example values from the spec).
SPEC_CHANNEL: dict[str, Any] = {
    "id": 1340,
    "name": "Front Door",
    "mac_address": "00:11:22:33:44:55",
    "status": "online",
    "unit": 1,
    "model": "IPBR-2",
    "model_long": "2 channel IP Controller",
    "serial_number": "SN-123",
    "site_id": 25,
    "updated_at": "2026-11-03T10:00:00Z",
    "created_at": "2026-01-01T00:00:00Z",
    "sync": {"status": "ok", "last_sync_completed_at": "2026-11-03T09:00:00Z"},
    "lockdown": {
        "message": "Cards and PINs will be rejected",
        "card_lockdown": {"state": True},
        "rex_lockdown": {"state": False},
        "aux_lockdown": {},
    },
    "mode": {
        "description": "unlock",
        "relock_at": "2026-11-03T17:00:00Z",
        "change_stamp": "2026-11-03T10:00:00Z",
    },
    "auto_unlock": {"id": 3, "name": "Opening hours"},
}

SPEC_EVENT: dict[str, Any] = {
    "id": 123456789,
    "event_id": 123456789,
    "event_code": 10,
    "event_label": "John Doe admitted using card",
    "door_controller_id": 1340,
    "door_controller_name": "Front Door",
    "channel_id": 1340,
    "channel_name": "Front Door",
    "person_id": 12345,
    "person_name": "John Doe",
    "credentials_number": "1234567890",
    "created_at": "2026-11-03T10:00:00.000Z",
    "updated_at": "2026-11-03T10:00:01.000Z",
}


@pytest.fixture
async def server(
    socket_enabled: None,
) -> AsyncIterator[tuple[DoorFlowClient, list[web.Request], list[Any]]]:
    """Serve the spec's shapes; give a client, the requests seen and the JSON bodies sent."""
    seen: list[web.Request] = []
    bodies: list[Any] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(request)
        if request.can_read_body:
            bodies.append(await request.json())
        path = request.path.removeprefix("/api/3/")
        if path == "events":
            page = int(request.query["page"])
            events = [{**SPEC_EVENT, "id": page}] if page <= 2 else []
            return web.json_response(events, headers={"Total": "2", "Per-Page": "1"})
        if path == "sites":
            sites = [{"id": 25, "name": "Main Office", "time_zone": "America/New_York"}]
            return web.json_response(sites, headers={"X-Total-Results": "1"})
        return web.json_response(SPEC_CHANNEL)

    async with serve_catch_all(handler) as url, aiohttp.ClientSession() as session:
        yield DoorFlowClient(session, api_key="v3-key", base_url=url), seen, bodies


def test_a_channel_of_the_v3_spec() -> None:
    channel = Channel.from_json(SPEC_CHANNEL)
    assert channel.mac_address == "00:11:22:33:44:55"
    assert channel.unit == 1
    assert channel.model == "IPBR-2"
    assert channel.model_long == "2 channel IP Controller"
    assert channel.serial_number == "SN-123"
    assert channel.updated_at == START
    assert channel.site_id == "25"
    assert channel.mode is ChannelMode.UNLOCK
    assert channel.relock_at == datetime(2026, 11, 3, 17, tzinfo=UTC)
    assert channel.change_stamp == int(START.timestamp())
    assert channel.auto_unlock is True
    assert channel.lockdown == Lockdown(
        card=True, rex=False, aux=False, message="Cards and PINs will be rejected"
    )
    assert channel.is_locked_down


def test_lockdown_shapes_old_and_new() -> None:
    def lockdown(value: dict[str, Any]) -> Lockdown | None:
        return Channel.from_json({"id": 1, "lockdown": value}).lockdown

    assert lockdown({"card_lockdown": True, "rex_lockdown": True}) == Lockdown(
        card=True, rex=True, aux=False
    )
    assert lockdown({"aux": True}) == Lockdown(card=False, rex=False, aux=True)
    assert lockdown({"rex_lockdown": {"state": True}}) == Lockdown(card=False, rex=True, aux=False)
    assert lockdown({"card_lockdown": {"state": None}}) == Lockdown(
        card=False, rex=False, aux=False
    )
    with pytest.raises(DoorFlowBadResponseError, match=r"channel\.lockdown\.card_lockdown\.state"):
        lockdown({"card_lockdown": {"state": "on"}})
    with pytest.raises(DoorFlowBadResponseError, match=r"channel\.lockdown\.rex_lockdown"):
        lockdown({"rex_lockdown": "on"})
    with pytest.raises(DoorFlowBadResponseError, match=r"channel\.lockdown\.message"):
        lockdown({"message": 3})


def test_change_stamp_and_auto_unlock_variants() -> None:
    def channel(mode: Any = None, auto_unlock: Any = None) -> Channel:
        return Channel.from_json({"id": 1, "mode": mode, "auto_unlock": auto_unlock})

    assert channel({"description": "normal", "change_stamp": 42}).change_stamp == 42
    assert channel({"description": "normal", "change_stamp": "soon"}).change_stamp is None
    assert channel({"description": "normal", "change_stamp": None}).change_stamp is None
    assert channel(auto_unlock=False).auto_unlock is False
    assert channel().auto_unlock is None
    with pytest.raises(DoorFlowBadResponseError, match=r"channel\.auto_unlock"):
        channel(auto_unlock=[1])
    with pytest.raises(DoorFlowBadResponseError, match=r"channel\.mode\.change_stamp"):
        channel({"change_stamp": True})


def test_an_event_of_the_v3_spec() -> None:
    event = DoorEvent.from_json(SPEC_EVENT)
    assert event.id == "123456789"
    assert event.event_id == "123456789"
    assert event.event_code == 10
    assert event.event_label == "John Doe admitted using card"
    assert (event.channel_id, event.channel_name) == ("1340", "Front Door")
    assert (event.door_controller_id, event.door_controller_name) == ("1340", "Front Door")
    assert (event.person_id, event.person_name) == ("12345", "John Doe")
    assert event.credentials_number == "1234567890"
    assert "1234567890" not in repr(event)
    assert event.created_at == START
    assert event.updated_at == START + timedelta(seconds=1)


def test_an_event_naming_only_the_door_controller() -> None:
    event = DoorEvent.from_json(
        {"id": 1, "event_code": 31, "door_controller_id": 7, "door_controller_name": "Back"}
    )
    assert (event.channel_id, event.channel_name) == ("7", "Back")
    assert event.person_name is None
    assert event.created_at is None
    with pytest.raises(DoorFlowBadResponseError, match=r"event\.person_id"):
        DoorEvent.from_json({"id": 1, "event_code": 31, "person_id": 1.5})
    # Ids are opaque text: a person id that is not a number is an id all the same.
    assert DoorEvent.from_json({"id": "e1", "event_code": 31, "person_id": "x"}).person_id == "x"


async def test_the_event_page_request(
    server: tuple[DoorFlowClient, list[web.Request], Any],
) -> None:
    client, seen, _ = server
    cest = timezone(timedelta(hours=2))
    page = await client.get_event_page(
        1,
        500,
        since=datetime(2026, 11, 3, 12, 0, tzinfo=cest),
        event_codes=[10, 31, 90],
        channels=["1340", "1341"],
    )
    assert seen[0].path == "/api/3/events"
    assert dict(seen[0].query) == {
        "page": "1",
        "n": "500",
        "sort": "ASC",
        "since": "2026-11-03T10:00:00Z",
        "event_codes": "10,31,90",
        "channels": "1340,1341",
    }
    assert (page.total, page.per_page) == (2, 1)
    assert [event.id for event in page.items] == ["1"]
    await client.get_event_page(2, sort="DESC")
    assert seen[1].query["sort"] == "DESC"
    assert "since" not in seen[1].query
    with pytest.raises(ValueError, match="timezone-aware"):
        await client.get_event_page(1, since=datetime(2026, 11, 3))
    with pytest.raises(ValueError, match="n must be"):
        await client.get_event_page(1, 1001)
    with pytest.raises(ValueError, match="DESCENDING"):
        await client.get_event_page(1, sort="DESCENDING")


async def test_the_event_feed_through_its_pager(
    server: tuple[DoorFlowClient, list[web.Request], Any],
) -> None:
    client, seen, _ = server
    pager = client.event_pager(1)
    while (number := pager.next_page()) is not None:
        pager.add(await client.get_event_page(number, pager.page_size, sort=EventSort.ASC))
    assert pager.complete
    assert [event.id for event in pager.items] == ["1", "2"]
    assert len(seen) == 2  # the total (2) ends it: no empty third page
    latest = await latest_events(client, 5)
    assert seen[-1].query["sort"] == "DESC"
    assert [event.id for event in latest] == ["1"]


async def test_sites(server: tuple[DoorFlowClient, list[web.Request], Any]) -> None:
    client, seen, _ = server
    page = await client.get_site_page(1, 50)
    assert dict(seen[0].query) == {"page": "1", "per_page": "50"}
    assert page.items == (
        Site(id="25", name="Main Office", time_zone="America/New_York", notes=None),
    )
    assert page.total == 1
    assert await all_sites(client) == list(page.items)
    with pytest.raises(ValueError, match="per_page"):
        client.site_pager(0)
    with pytest.raises(DoorFlowBadResponseError, match=r"site\.name"):
        Site.from_json({"id": 1, "name": 5})


async def test_door_commands_send_the_spec_bodies_and_return_the_channel(
    server: tuple[DoorFlowClient, list[web.Request], list[Any]],
) -> None:
    client, seen, bodies = server
    cest = timezone(timedelta(hours=2))
    channel = await client.unlock("1340", relock_at=datetime(2026, 11, 3, 19, 0, tzinfo=cest))
    assert isinstance(channel, Channel)
    assert bodies[-1] == {"relock_at": "2026-11-03T17:00:00Z"}
    await client.lockdown("1340", card=True, rex=False, aux=True)
    assert bodies[-1] == {"card_lockdown": True, "rex_lockdown": False, "aux_lockdown": True}
    assert (await client.unlockdown("1340")).id == "1340"
    await client.unlockdown("1340", card=False, rex=True, aux=False)
    assert bodies[-1] == {"card_lockdown": False, "rex_lockdown": True, "aux_lockdown": False}
    assert (await client.normal("1340")).id == "1340"
    assert [request.path for request in seen] == [
        "/api/3/channels/1340/unlock",
        "/api/3/channels/1340/lockdown",
        "/api/3/channels/1340/unlockdown",
        "/api/3/channels/1340/unlockdown",
        "/api/3/channels/1340/normal",
    ]
    assert json.dumps(bodies)
