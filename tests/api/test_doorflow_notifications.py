"""DoorFlow notification-rule client: against the simulator over HTTP, and odd answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
from aiohttp import web
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from simulator import SimulatorServer, World, load_scenario
from simulator.doorflow_notifications import NOTIFICATIONS_KEY
from tests.api.clients import (
    DoorFlowAuthError,
    DoorFlowBadResponseError,
    DoorFlowClient,
    DoorFlowOperationError,
    NotificationRule,
    OperationFailure,
    rule_input,
)
from tests.api.servers import serve_catch_all
from tests.contracts.doorflow_openapi import answers, schema

KEY = "client-rules-key"


@pytest.fixture
async def sim_client(
    socket_enabled: None,
) -> AsyncIterator[tuple[DoorFlowClient, SimulatorServer, list[str]]]:
    """A client with the rule scope against a running simulator, and a webhook receiver."""
    world = World(load_scenario("home"), seed=3)
    world.add_token(
        {
            "api": "doorflow",
            "token": KEY,
            "scopes": ["account.notification_rule", "account.event.access.readonly"],
        }
    )
    received: list[str] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(await request.text())
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    received.append(f"http://127.0.0.1:{port}/hook")
    async with SimulatorServer(world) as server, aiohttp.ClientSession() as session:
        yield DoorFlowClient(session, api_key=KEY, base_url=server.url), server, received
    await runner.cleanup()


async def test_rules_round_trip_and_acknowledged_read(
    sim_client: tuple[DoorFlowClient, SimulatorServer, list[str]],
) -> None:
    """Create, list, get, update, a pushed call, the acknowledged read, delete."""
    client, server, received = sim_client
    url = received.pop(0)
    rules = client.notification_rules
    created = await rules.create(rule_input("Door Access", url, [33, 10, 33], [1201]))
    assert created.event_codes == (10, 33)
    assert created.controller_ids == ("1201",)
    assert created.call_back_urls == (url,)
    assert created.active is True
    assert url not in repr(created)
    assert await rules.list() == [created]
    updated = await rules.update(created.id, rule_input("Door Access", url, [33]))
    assert (updated.event_codes, updated.controller_ids) == ((33,), ())
    world = server.world
    world.doorflow.emit(33, world.doorflow.channels[1202], world.utcnow())
    for _ in range(50):
        if received:
            break
        await asyncio.sleep(0.1)
    item = json.loads(received[0])[0]
    query = parse_qs(urlsplit(item["resource"]).query)
    event = await rules.read_event(
        item["resource_id"], callback=query["callback"][0], ack_token=item["ack_token"]
    )
    assert (event.id, event.event_code, event.channel_id) == (item["resource_id"], 33, "1202")
    assert server.app[NOTIFICATIONS_KEY].calls[0].acknowledged is True
    plain = await rules.read_event(event.id)
    assert plain == event
    assert await rules.delete(created.id) is True
    assert await rules.delete(created.id) is False
    assert await rules.list() == []
    with pytest.raises(DoorFlowOperationError) as err:
        await rules.update(created.id, rule_input("Door Access", url, [33]))
    assert err.value.reason is OperationFailure.NOT_FOUND
    with pytest.raises(DoorFlowOperationError) as err:
        await rules.read_event(999999)
    assert err.value.reason is OperationFailure.NOT_FOUND


async def test_refusals_are_typed(
    sim_client: tuple[DoorFlowClient, SimulatorServer, list[str]],
) -> None:
    """A 422 is an operation refused; a missing scope is an auth error with status 403."""
    client, server, _ = sim_client
    with pytest.raises(DoorFlowOperationError) as err:
        await client.notification_rules.create(
            {"name": "x", "call_back_url": "http://a/b", "match_event_codes": [999]}
        )
    assert err.value.reason is OperationFailure.REFUSED
    with pytest.raises(DoorFlowOperationError):
        await client.notification_rules.update(
            12345, rule_input("x", "http://a/b", [10], active=False)
        )
    server.world.add_token({"api": "doorflow", "token": "no-scope", "scopes": ["account.sync"]})
    async with aiohttp.ClientSession() as session:
        other = DoorFlowClient(session, api_key="no-scope", base_url=server.url)
        with pytest.raises(DoorFlowAuthError) as auth:
            await other.notification_rules.list()
    assert auth.value.missing_scope


def test_rule_input_is_checked_before_it_leaves() -> None:
    """Blank names, other schemes and no codes never reach DoorFlow."""
    with pytest.raises(ValueError, match="name"):
        rule_input(" ", "https://a/b", [10])
    with pytest.raises(ValueError, match="call_back_url"):
        rule_input("x", "ftp://a/b", [10])
    with pytest.raises(ValueError, match="event_codes"):
        rule_input("x", "https://a/b", [])
    assert rule_input("x", "https://a/b", [11, 10], ["7", 3], active=False) == {
        "name": "x",
        "active": False,
        "call_back_url": "https://a/b",
        "match_event_codes": [10, 11],
        "match_controller_ids": [3, 7],
    }


async def test_untrusted_answers(socket_enabled: None) -> None:
    """Bad items are skipped, text ids kept, a non-list and a huge list refused."""
    answers: list[Any] = [
        [
            {
                "id": "r1",
                "name": "ok",
                "active": True,
                "conditions": [
                    {"type": "door_controller_id", "value": 5},
                    {"type": "other", "value": "x"},
                    "junk",
                    {"type": "door_controller_id", "value": True},
                ],
                "events": [{"code": 10}, {"code": "11"}, "junk", {"code": False}],
                "actions": [{"type": 0, "data": "https://x/y"}, {"type": 1, "data": "z"}, 3],
            },
            {"id": None, "name": "no id"},
            "junk",
        ],
        {"not": "a list"},
        [{"id": n} for n in range(1001)],
    ]

    async def handler(request: web.Request) -> web.Response:
        return web.json_response(answers.pop(0))

    async with serve_catch_all(handler) as base, aiohttp.ClientSession() as session:
        rules = DoorFlowClient(session, api_key="k", base_url=base).notification_rules
        listed = await rules.list()
        assert listed == [
            NotificationRule(
                id="r1",
                name="ok",
                active=True,
                event_codes=(10,),
                controller_ids=("5",),
                call_back_urls=("https://x/y",),
            )
        ]
        with pytest.raises(DoorFlowBadResponseError):
            await rules.list()
        with pytest.raises(DoorFlowBadResponseError):
            await rules.list()
        with pytest.raises(ValueError, match="both"):
            await rules.read_event(1, callback="1")
        with pytest.raises(ValueError, match="ack_token"):
            await rules.read_event(1, callback="1", ack_token="x" * 600)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_rule_the_contract_allows_parses(data: st.DataObject) -> None:
    """Any `NotificationRule` DoorFlow's openapi.yaml allows is read without error."""
    raw = data.draw(answers(schema("NotificationRule")))
    rule = NotificationRule.from_json(raw)
    assert rule.id == str(raw["id"])
    assert rule.name == raw["name"]
    assert rule.active is raw["active"]
    expected_codes = [e["code"] for e in raw["events"] if isinstance(e.get("code"), int)]
    assert list(rule.event_codes) == expected_codes
    webhook_urls = [a["data"] for a in raw["actions"] if a.get("type") == 0 and a.get("data")]
    assert list(rule.call_back_urls) == webhook_urls
