"""Tedee device activity: the request, the model, every documented code, and a missing scope."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from tests.api.clients import (
    Activity,
    ActivityEvent,
    ActivitySource,
    AuthError,
    ItemsRead,
    TedeeAuthError,
    TedeeBadResponseError,
    TedeeClient,
    TedeeEndpoint,
)
from tests.api.reading import activities as read_activities
from tests.api.servers import serve_catch_all
from tests.contracts.tedee_docs import enum

# Every code of the Tedee docs ("Event type"), by the name the docs give it: the stored page.
DOCUMENTED_CODES = enum("event-type")


def item(number: int, event: int = 33, date: str = "2026-11-20T13:59:26.212") -> dict[str, Any]:
    """Return one activity as the cloud lists it."""
    return {
        "id": number,
        "deviceId": 1001,
        "userId": 7,
        "userName": "Anna",
        "event": event,
        "source": 1,
        "date": date,
    }


@pytest.fixture
async def cloud(socket_enabled: None) -> AsyncIterator[tuple[TedeeClient, list[web.Request]]]:
    """Serve activity (or a 403 for the device id 403); give a client and the requests seen."""
    seen: list[web.Request] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(request)
        if request.query.get("deviceId") == "403":
            return web.json_response(
                {"result": None, "success": False, "errorMessages": ["Forbidden"]}, status=403
            )
        if request.query.get("deviceId") == "0":
            return web.json_response({"result": [], "success": True})
        if request.query.get("deviceId") == "7":  # one malformed item among good ones
            items = [item(3, 62), {**item(2), "id": [2]}, item(1)]
            return web.json_response({"result": items, "success": True})
        items = [item(3, 62), item(2, 61, "2026-11-20T13:00:00"), item(1, 999)]
        return web.json_response({"result": items, "success": True})

    async with serve_catch_all(handler) as url, aiohttp.ClientSession() as session:
        yield TedeeClient(session, "activity-key", base_url=url), seen


async def test_the_request_and_the_parsed_activities(
    cloud: tuple[TedeeClient, list[web.Request]],
) -> None:
    client, seen = cloud
    activities = await read_activities(client, 1001)
    assert seen[0].path == "/api/v37/my/deviceactivity"
    assert dict(seen[0].query) == {"deviceId": "1001", "elements": "200"}
    assert [activity.id for activity in activities] == [3, 2, 1]  # newest first, as sent
    newest = activities[0]
    assert newest == Activity(
        id=3,
        device_id=1001,
        event=ActivityEvent.INCORRECT_PIN,
        event_code=62,
        source=ActivitySource.MOBILE,
        date=datetime(2026, 11, 20, 13, 59, 26, 212000, tzinfo=UTC),
        user_id=7,
        username="Anna",
    )
    unknown = activities[2]
    assert unknown.event is ActivityEvent.UNRECOGNIZED
    assert unknown.event_code == 999


async def test_older_than_is_sent_as_naive_utc(
    cloud: tuple[TedeeClient, list[web.Request]],
) -> None:
    client, seen = cloud
    cest = timezone(timedelta(hours=2))
    await read_activities(
        client, 1001, elements=5, older_than=datetime(2026, 11, 20, 15, 59, 26, 212000, tzinfo=cest)
    )
    await read_activities(
        client, 1001, older_than=datetime(2026, 11, 20, 13, 59, 26, 212345, tzinfo=UTC)
    )
    assert seen[0].query["lastElemDate"] == "2026-11-20T13:59:26.212"
    assert seen[0].query["elements"] == "5"
    assert seen[1].query["lastElemDate"] == "2026-11-20T13:59:26.212345"
    with pytest.raises(ValueError, match="timezone-aware"):
        await read_activities(client, 1001, older_than=datetime(2026, 11, 20))
    for elements in (0, 201):
        with pytest.raises(ValueError, match="elements"):
            await read_activities(client, 1001, elements=elements)


async def test_a_malformed_item_is_skipped_not_the_answer(
    cloud: tuple[TedeeClient, list[web.Request]],
) -> None:
    """The good items are kept; the skipped one's problem names its field, not its value."""
    client, _ = cloud
    read = await client.read_device_activity(7)
    assert isinstance(read, ItemsRead)
    assert [activity.id for activity in read.items] == [3, 1]
    assert len(read.skipped) == 1
    assert "activity.id" in read.skipped[0]
    assert "[2]" not in read.skipped[0]
    assert [activity.id for activity in await read_activities(client, 7)] == [3, 1]


async def test_an_empty_answer_is_no_activity(
    cloud: tuple[TedeeClient, list[web.Request]],
) -> None:
    """A guest sees only their own activity: often nothing at all."""
    client, _ = cloud
    assert await read_activities(client, 0) == []


async def test_a_token_without_the_activity_scope(
    cloud: tuple[TedeeClient, list[web.Request]],
) -> None:
    client, _ = cloud
    with pytest.raises(TedeeAuthError) as info:
        await read_activities(client, 403)
    error = info.value
    assert isinstance(error, AuthError)
    assert error.status == 403
    assert error.missing_scope
    assert error.endpoint == TedeeEndpoint.DEVICE_ACTIVITY == "GET my/deviceactivity"
    assert "Forbidden" in str(error)
    assert "activity-key" not in str(error)


@pytest.mark.parametrize(("code", "name"), sorted(DOCUMENTED_CODES.items()))
def test_every_documented_code_has_its_member(code: int, name: str) -> None:
    event = Activity.from_json(item(1, code)).event
    assert event.value == code
    assert event.name.replace("_", "") == name.upper()


def test_every_member_is_documented() -> None:
    members = {member.value for member in ActivityEvent} - {-1}
    assert members == set(DOCUMENTED_CODES)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": None}, "activity.date"),
        ({"date": "yesterday"}, "activity.date"),
        ({"event": "33"}, "activity.event"),
        ({"deviceId": None}, "activity.deviceId"),
        ({"userName": 5}, "activity.userName"),
        ({"userName": None, "username": ["Anna"]}, "activity.username"),
    ],
)
def test_malformed_activities_are_bad_responses(change: dict[str, Any], field: str) -> None:
    with pytest.raises(TedeeBadResponseError, match=field.replace(".", r"\.")):
        Activity.from_json({**item(1), **change})


def test_optional_fields_and_sources() -> None:
    bare = Activity.from_json(
        {"id": 1, "deviceId": 2, "event": 40, "date": "2026-11-20T10:00:00Z", "username": ""}
    )
    assert bare.source is ActivitySource.UNRECOGNIZED
    assert bare.user_id is None
    assert bare.username is None
    assert Activity.from_json({**item(1), "source": 0}).source is ActivitySource.DEVICE
    assert Activity.from_json({**item(1), "source": 9}).source is ActivitySource.UNRECOGNIZED


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ({"userName": "Anna"}, "Anna"),  # the data-structure table
        ({"username": "Anna"}, "Anna"),  # the examples
        ({"userName": "Anna", "username": "Ann"}, "Anna"),
        ({"userName": "", "username": "Ann"}, "Ann"),
        ({"userName": None}, None),
        ({}, None),
    ],
)
def test_the_user_name_is_read_in_either_spelling(
    names: dict[str, Any], expected: str | None
) -> None:
    bare = {"id": 1, "deviceId": 2, "event": 33, "date": "2026-11-20T10:00:00"}
    assert Activity.from_json({**bare, **names}).username == expected
