"""Reading DoorFlow's webhook calls: the simulator's real calls, then forged and broken ones."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import json
import time

import aiohttp
from aiohttp import web
import pytest

from simulator import SimulatorServer, World, load_scenario
from simulator.doorflow_notifications import NOTIFICATIONS_KEY
from tests.api.clients import (
    DoorFlowClient,
    DoorFlowWebhookError,
    WebhookNotice,
    parse_webhook_body,
    rule_input,
    signature_is_valid,
)

KEY = "webhook-reader-key"
SECRET = "doorflow-webhook-secret"


@pytest.fixture
async def calls(
    socket_enabled: None,
) -> AsyncIterator[tuple[str, list[tuple[bytes, dict[str, str]]]]]:
    """A receiver on 127.0.0.1 keeping each call's raw body and headers."""
    received: list[tuple[bytes, dict[str, str]]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((await request.read(), dict(request.headers)))
        return web.Response()

    app = web.Application()
    app.router.add_post("/api/webhook/{id}", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/api/webhook/random-id", received
    await runner.cleanup()


async def test_a_real_call_is_read_verified_and_acknowledged(
    calls: tuple[str, list[tuple[bytes, dict[str, str]]]],
) -> None:
    """Rule → forced door → call → parsed notice → signature → acknowledged read."""
    url, received = calls
    world = World(load_scenario("home"), seed=5)
    world.add_token(
        {
            "api": "doorflow",
            "token": KEY,
            "scopes": ["account.notification_rule", "account.event.access.readonly"],
        }
    )
    async with SimulatorServer(world) as server, aiohttp.ClientSession() as session:
        client = DoorFlowClient(session, api_key=KEY, base_url=server.url)
        await client.notification_rules.create(rule_input("Door Access", url, [33]))
        event = world.doorflow.emit(33, world.doorflow.channels[1203], world.utcnow())
        for _ in range(50):
            if received:
                break
            await asyncio.sleep(0.1)
        body, headers = received[0]
        assert signature_is_valid(
            SECRET, body, headers["Timestamp"], headers["Signature"], now=time.time()
        )
        assert not signature_is_valid(
            "other", body, headers["Timestamp"], headers["Signature"], now=time.time()
        )
        assert not signature_is_valid(
            SECRET, body + b" ", headers["Timestamp"], headers["Signature"], now=time.time()
        )
        assert not signature_is_valid(
            SECRET, body, headers["Timestamp"], headers["Signature"], now=time.time() + 3600
        )
        [notice] = parse_webhook_body(body)
        assert notice.is_event
        assert notice.resource_id == str(event.id)
        assert notice.account_id == "7001"
        assert notice.callback is not None
        assert notice.ack_token not in repr(notice)
        read = await client.notification_rules.read_event(
            notice.resource_id, callback=notice.callback, ack_token=notice.ack_token
        )
        assert read.event_code == 33
        assert server.app[NOTIFICATIONS_KEY].calls[0].acknowledged is True


def test_forged_and_broken_bodies() -> None:
    """Oversized, not JSON, scalars, too many items: refused; bad items skipped."""
    with pytest.raises(DoorFlowWebhookError, match="bytes"):
        parse_webhook_body(b" " * (64 * 1024 + 1))
    with pytest.raises(DoorFlowWebhookError, match="not JSON"):
        parse_webhook_body(b"{nope")
    with pytest.raises(DoorFlowWebhookError, match="str"):
        parse_webhook_body(b'"text"')
    with pytest.raises(DoorFlowWebhookError, match="items"):
        parse_webhook_body(json.dumps([{}] * 101).encode())
    good = {
        "action": "CREATE",
        "resource": "https://api.doorflow.com/api/3/events/5?callback=9&ack_token=t",
        "resource_type": "Event",
        "resource_id": 5,
        "account_id": "abc",
        "ack_token": "t",
    }
    items = [
        good,
        {**good, "ack_token": ""},
        {**good, "resource_id": True},
        {**good, "action": "x" * 40},
        {**good, "ack_token": "t\n"},
        {**good, "resource": "https://x/y?callback=1&callback=2", "action": "DESTROY"},
        "junk",
    ]
    notices = parse_webhook_body(json.dumps(items).encode())
    assert notices == [
        WebhookNotice(
            action="CREATE",
            resource_type="Event",
            resource_id="5",
            account_id="abc",
            callback="9",
            ack_token="t",
        ),
        WebhookNotice(
            action="DESTROY",
            resource_type="Event",
            resource_id="5",
            account_id="abc",
            callback=None,
            ack_token="t",
        ),
    ]
    assert not notices[1].is_event
    one = parse_webhook_body(json.dumps({**good, "resource": None}).encode())
    assert one[0].callback is None
    for timestamp, signature in ((None, "x"), ("1", None), ("x1", "x"), ("1" * 20, "x")):
        assert not signature_is_valid(SECRET, b"{}", timestamp, signature, now=1.0)
