"""DoorFlow notification rules in the simulator: the contract's routes, the calls, the acks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiohttp import web
import pytest

from simulator.doorflow_notifications import sign
from tests.contracts.doorflow_openapi import component_response, errors_of, response_schema
from tests.simulator.conftest import Answer, Sim

RULES_KEY = "rules-key"
READ_KEY = "rules-read-key"
SECRET = "doorflow-webhook-secret"


@dataclass
class Receiver:
    """A loopback webhook endpoint that records every call (body and headers)."""

    url: str
    calls: list[tuple[dict[str, str], str]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_for(self, count: int, within: float = 5.0) -> None:
        """Wait until ``count`` calls arrived."""
        async with asyncio.timeout(within):
            while len(self.calls) < count:
                self.arrived.clear()
                await self.arrived.wait()


@pytest.fixture
async def receiver(socket_enabled: None) -> AsyncIterator[Receiver]:
    """Serve a webhook receiver on 127.0.0.1."""
    app = web.Application()
    holder: list[Receiver] = []

    async def hook(request: web.Request) -> web.Response:
        holder[0].calls.append((dict(request.headers), await request.text()))
        holder[0].arrived.set()
        return web.Response(status=200)

    app.router.add_post("/hook/{id}", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    holder.append(Receiver(url=f"http://127.0.0.1:{port}/hook/abc"))
    yield holder[0]
    await runner.cleanup()


@pytest.fixture
async def keys(sim: Sim) -> None:
    """Add DoorFlow keys with the rule scopes (write, read-only)."""
    base = ["account.event.access.readonly", "account.channel.readonly"]
    await sim.control(
        "POST",
        "tokens",
        {"api": "doorflow", "token": RULES_KEY, "scopes": [*base, "account.notification_rule"]},
    )
    await sim.control(
        "POST",
        "tokens",
        {
            "api": "doorflow",
            "token": READ_KEY,
            "scopes": [*base, "account.notification_rule.readonly"],
        },
    )


RULES = "/api/3/notification_rules"
NO_PUSH_KEY = "demo-doorflow-nopush-key"
ONE = "/api/3/notification_rules/{id}"


def keeps(answer: Answer, json_schema: dict[str, Any], status: int) -> None:
    """Assert the status and that the body keeps DoorFlow's published schema."""
    assert answer.status == status, answer.text
    assert errors_of(answer.body, json_schema) == []


def rule_body(url: str, **extra: Any) -> dict[str, Any]:
    """Return a valid ``NotificationRuleInput``."""
    return {"name": "Door Access", "call_back_url": url, "match_event_codes": [33, 10], **extra}


async def test_rule_lifecycle_follows_the_contract(sim: Sim, keys: None) -> None:
    """Create, list, read, replace and delete a rule; the answers have the contract's shape."""
    created = await sim.doorflow(
        "POST",
        "/api/3/notification_rules",
        key=RULES_KEY,
        json=rule_body("https://ha.example/api/webhook/x", match_controller_ids=[1201]),
    )
    keeps(created, response_schema(RULES, "post", 200), 200)
    rule = created.body
    assert set(rule) == {"id", "name", "active", "conditions", "events", "actions"}
    assert isinstance(rule["id"], int)
    assert rule["active"] is True
    assert rule["conditions"] == [
        {"type": "door_controller_id", "type_description": "Door Controller", "value": "1201"}
    ]
    assert [e["code"] for e in rule["events"]] == [33, 10]
    assert all(isinstance(e["name"], str) for e in rule["events"])
    assert rule["actions"] == [
        {"type": 0, "type_description": "Callback URL", "data": "https://ha.example/api/webhook/x"}
    ]
    listed = await sim.doorflow("GET", "/api/3/notification_rules", key=READ_KEY)
    keeps(listed, response_schema(RULES, "get", 200), 200)
    assert listed.body == [rule]
    one = await sim.doorflow("GET", f"/api/3/notification_rules/{rule['id']}", key=READ_KEY)
    keeps(one, response_schema(ONE, "get", 200), 200)
    assert one.body == rule
    replaced = await sim.doorflow(
        "PUT",
        f"/api/3/notification_rules/{rule['id']}",
        key=RULES_KEY,
        json=rule_body("https://ha.example/api/webhook/y", active=False),
    )
    keeps(replaced, response_schema(ONE, "put", 200), 200)
    assert replaced.body["conditions"] == []
    assert replaced.body["active"] is False
    assert replaced.body["actions"][0]["data"] == "https://ha.example/api/webhook/y"
    patched = await sim.doorflow(
        "PATCH", f"/api/3/notification_rules/{rule['id']}", key=RULES_KEY, json={}
    )
    assert patched.status == 405  # the contract defines no PATCH
    deleted = await sim.doorflow("DELETE", f"/api/3/notification_rules/{rule['id']}", key=RULES_KEY)
    keeps(deleted, response_schema(ONE, "delete", 200), 200)
    assert deleted.body == {"result": "ok"}
    gone = await sim.doorflow("DELETE", f"/api/3/notification_rules/{rule['id']}", key=RULES_KEY)
    keeps(gone, response_schema(ONE, "delete", 404), 404)
    assert gone.body["error"] == "not_found"
    missing = await sim.doorflow("GET", "/api/3/notification_rules/999", key=READ_KEY)
    assert missing.status == 404


async def test_scopes_and_validation(sim: Sim, keys: None) -> None:
    """Writing needs account.notification_rule; reading accepts the read-only scope; 422s."""
    url = "https://ha.example/hook"
    refused = await sim.doorflow(
        "POST", "/api/3/notification_rules", key=READ_KEY, json=rule_body(url)
    )
    keeps(refused, response_schema(RULES, "post", 403), 403)
    assert refused.body["error"] == "forbidden"
    plain = await sim.doorflow("GET", "/api/3/notification_rules", key=NO_PUSH_KEY)  # no scope
    assert plain.status == 403
    # The scenario's default key has the scope (push works in the demo and the tests).
    assert (await sim.doorflow("GET", "/api/3/notification_rules")).status == 200
    cases: list[tuple[dict[str, Any], str]] = [
        ({"call_back_url": url, "match_event_codes": [10]}, "name"),
        ({"name": "x", "match_event_codes": [10]}, "call_back_url"),
        ({"name": "x", "call_back_url": "ftp://x/y", "match_event_codes": [10]}, "call_back_url"),
        ({"name": "x", "call_back_url": url}, "match_event_codes"),
        ({"name": "x", "call_back_url": url, "match_event_codes": []}, "match_event_codes"),
        ({"name": "x", "call_back_url": url, "match_event_codes": [999]}, "match_event_codes"),
        ({"name": "x", "call_back_url": url, "match_event_codes": ["10"]}, "match_event_codes"),
        (rule_body(url, match_controller_ids=[True]), "match_controller_ids"),
        (rule_body(url, active="yes"), "active"),
        (rule_body(url, name="n" * 300), "name"),
    ]
    for body, wrong in cases:
        answer = await sim.doorflow("POST", "/api/3/notification_rules", key=RULES_KEY, json=body)
        keeps(answer, component_response("UnprocessableEntityError"), 422)
        assert answer.body["error"] == "unprocessable_entity"
        assert list(answer.body["errors"]) == [wrong], body
    assert (await sim.doorflow("GET", "/api/3/notification_rules", key=READ_KEY)).body == []


async def _create(sim: Sim, url: str, **extra: Any) -> dict[str, Any]:
    """Create a rule and return it."""
    answer = await sim.doorflow(
        "POST", "/api/3/notification_rules", key=RULES_KEY, json=rule_body(url, **extra)
    )
    assert answer.status == 200, answer.text
    body: dict[str, Any] = answer.body
    return body


async def _forced(sim: Sim, channel: int = 1201) -> None:
    """Log a forced door (code 33) on ``channel``."""
    await sim.control("POST", f"doorflow/channels/{channel}/event", {"kind": "forced"})


async def test_matching_event_calls_the_url_and_the_read_acknowledges(
    sim: Sim, keys: None, receiver: Receiver
) -> None:
    """A matching event → one signed call naming the event; reading it with the ids acks it."""
    await _forced(sim)  # before any rule: never called
    await _create(sim, receiver.url, match_controller_ids=[1201])
    await sim.control("POST", "doorflow/channels/1202/event", {"kind": "forced"})  # other door
    await sim.control("POST", "doorflow/channels/1201/event", {"kind": "door_closed"})  # code 32
    await _forced(sim)
    await receiver.wait_for(1)
    await asyncio.sleep(0.3)
    assert len(receiver.calls) == 1
    headers, body = receiver.calls[0]
    assert headers["Content-Type"] == "application/json"
    assert headers["Signature"] == sign(SECRET, headers["Timestamp"], body)
    payload = json.loads(body)
    assert isinstance(payload, list)
    assert len(payload) == 1
    item = payload[0]
    assert set(item) == {
        "action",
        "resource",
        "resource_type",
        "resource_id",
        "account_id",
        "ack_token",
    }
    assert (item["action"], item["resource_type"]) == ("CREATE", "Event")
    assert item["account_id"] == "7001"
    resource = urlsplit(item["resource"])
    assert resource.path == f"/api/3/events/{item['resource_id']}"
    query = parse_qs(resource.query)
    assert query["ack_token"] == [item["ack_token"]]
    callback = query["callback"][0]
    state = await sim.control("GET", "doorflow/notifications")
    assert state["calls"][0]["acknowledged"] is False
    read = await sim.doorflow(
        "GET",
        f"/api/3/events/{item['resource_id']}",
        key=RULES_KEY,
        params={"callback": callback, "ack_token": "forged"},
    )
    assert read.status == 200
    assert read.body["event_code"] == 33
    assert read.body["channel_id"] == 1201
    state = await sim.control("GET", "doorflow/notifications")
    assert (state["calls"][0]["acknowledged"], state["calls"][0]["refused_acks"]) == (False, 1)
    read = await sim.doorflow(
        "GET",
        resource.path,
        key=RULES_KEY,
        params={"callback": callback, "ack_token": item["ack_token"]},
    )
    keeps(read, response_schema("/api/3/events/{id}", "get", 200), 200)
    state = await sim.control("GET", "doorflow/notifications")
    assert state["calls"][0]["acknowledged"] is True
    assert state["calls"][0]["statuses"] == [200]


async def test_inactive_rule_and_deleted_rule_call_nothing(
    sim: Sim, keys: None, receiver: Receiver
) -> None:
    """An inactive rule is kept but silent; a deleted one is gone."""
    rule = await _create(sim, receiver.url, active=False)
    await _forced(sim)
    await asyncio.sleep(0.4)
    assert receiver.calls == []
    await sim.doorflow(
        "PUT",
        f"/api/3/notification_rules/{rule['id']}",
        key=RULES_KEY,
        json=rule_body(receiver.url),
    )
    await _forced(sim)
    await receiver.wait_for(1)
    await sim.doorflow("DELETE", f"/api/3/notification_rules/{rule['id']}", key=RULES_KEY)
    await _forced(sim)
    await asyncio.sleep(0.4)
    assert len(receiver.calls) == 1


async def test_control_breaks_the_calls(sim: Sim, keys: None, receiver: Receiver) -> None:
    """Silent, duplicate, wrong token, slow and replay, as the control API sets them."""
    await _create(sim, receiver.url)
    await sim.control("POST", "doorflow/notifications", {"silent": True})
    await _forced(sim)
    await asyncio.sleep(0.4)
    assert receiver.calls == []
    state = await sim.control("GET", "doorflow/notifications")
    assert state["calls"][0]["statuses"] == ["suppressed"]

    await sim.control(
        "POST", "doorflow/notifications", {"silent": False, "duplicate": True, "wrong_token": True}
    )
    await _forced(sim)
    await receiver.wait_for(2)
    assert receiver.calls[0][1] == receiver.calls[1][1]
    item = json.loads(receiver.calls[0][1])[0]
    call = (await sim.control("GET", "doorflow/notifications"))["calls"][-1]
    assert item["ack_token"] == call["sent_ack_token"] != call["ack_token"]
    callback = parse_qs(urlsplit(item["resource"]).query)["callback"][0]
    await sim.doorflow(
        "GET",
        f"/api/3/events/{item['resource_id']}",
        key=RULES_KEY,
        params={"callback": callback, "ack_token": item["ack_token"]},
    )
    call = (await sim.control("GET", "doorflow/notifications"))["calls"][-1]
    assert call["acknowledged"] is False  # the token sent was not the one that acknowledges

    await sim.control(
        "POST",
        "doorflow/notifications",
        {"duplicate": False, "wrong_token": False, "delay": 1.5, "secret": "other"},
    )
    await _forced(sim)
    await asyncio.sleep(0.3)
    assert len(receiver.calls) == 2  # still on its way (1.5 s: room for a loaded machine)
    await receiver.wait_for(3)
    headers, body = receiver.calls[2]
    assert headers["Signature"] == sign("other", headers["Timestamp"], body)

    replayed = await sim.control("POST", "doorflow/notifications/replay", {})
    await receiver.wait_for(4)
    assert receiver.calls[3][1] == body
    assert replayed["sends"] == 1  # the answer shows the call before the replay left
    bad = await sim.call("POST", "/_control/doorflow/notifications/replay", json={"callback": "x"})
    assert bad.status == 400
    bad = await sim.call("POST", "/_control/doorflow/notifications", json={"delay": -1})
    assert bad.status == 400
    bad = await sim.call("POST", "/_control/doorflow/notifications", json={"silent": "no"})
    assert bad.status == 400
    bad = await sim.call("POST", "/_control/doorflow/notifications", json={"secret": ""})
    assert bad.status == 400
    bad = await sim.call("POST", "/_control/doorflow/notifications", json={"what": 1})
    assert bad.status == 400


async def test_unreachable_url_is_recorded_and_reset_forgets_rules(sim: Sim, keys: None) -> None:
    """A call to a closed port is recorded as failed; a world reset drops every rule."""
    await _create(sim, "http://127.0.0.1:9/hook")
    await _forced(sim)
    for _ in range(50):
        state = await sim.control("GET", "doorflow/notifications")
        if state["calls"] and state["calls"][0]["statuses"]:
            break
        await asyncio.sleep(0.1)
    assert state["calls"][0]["statuses"] == ["ClientConnectorError"]
    await sim.control("POST", "reset")
    await sim.control(
        "POST",
        "tokens",
        {"api": "doorflow", "token": READ_KEY, "scopes": ["account.notification_rule.readonly"]},
    )
    listed = await sim.doorflow("GET", "/api/3/notification_rules", key=READ_KEY)
    assert listed.body == []
