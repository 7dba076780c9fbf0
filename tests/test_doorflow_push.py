"""DoorFlow push: the simulator calls Home Assistant's real webhook; the event is read by id.

Home Assistant's HTTP server listens on loopback (the test client's server) and is set as its
external URL, so the simulated DoorFlow calls the rule's URL for real. No poll runs within
these tests' few seconds (every 30 s), so what arrives came by push.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
import json
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.door_access.api import rule_input
from custom_components.door_access.const import CONF_POLL_INTERVAL, DOMAIN
from custom_components.door_access.doorflow.const import (
    CONF_CLOUDHOOK_URL,
    CONF_PUSH,
    CONF_PUSH_RULE_ID,
    CONF_WEBHOOK_ID,
    DOORFLOW_MAX_POLL_INTERVAL,
)
from custom_components.door_access.doorflow.coordinator import DoorFlowCoordinator
from custom_components.door_access.doorflow.event_kinds import RULE_CODES
from custom_components.door_access.doorflow.push import READS_PER_MINUTE, push_issue_id

from .activity_helpers import FiredEvents
from .conftest import DOORFLOW_ACCOUNT_ID, Simulator
from .helpers import coordinator_of, setup_entry, state_of

FRONT = "event.head_office_front_door_access_events"
FRONT_ALARM = "binary_sensor.head_office_front_door_forced_or_held_open"
FRONT_LOCK = "lock.head_office_front_door"
PUSH_SENSOR = "sensor.demo_office_data_updates"
EVENT_READ = "GET /api/3/events/{id}"
NO_PUSH_KEY = "demo-doorflow-nopush-key"
RULES_PATH = "/api/3/notification_rules"


async def wait_until(hass: HomeAssistant, check: Callable[[], bool], within: float = 5.0) -> None:
    """Let Home Assistant and the simulator run (real time) until `check` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not check():
        assert loop.time() < deadline, "not reached in time"
        await asyncio.sleep(0.05)
        await hass.async_block_till_done()


async def settle(hass: HomeAssistant, seconds: float = 0.6) -> None:
    """Let calls in flight arrive and be handled."""
    await asyncio.sleep(seconds)
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.fixture
async def ha_url(hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator) -> TestClient:
    """Serve Home Assistant's HTTP on loopback and make it the external URL DoorFlow calls."""
    # The integration and its dependencies (webhook) first: the server freezes its routes.
    assert await async_setup_component(hass, DOMAIN, {})
    assert await async_setup_component(hass, "diagnostics", {})
    client = await hass_client_no_auth()
    await hass.config.async_update(external_url=str(client.make_url("/")).rstrip("/"))
    return client


async def rules(simulator: Simulator) -> list[dict[str, Any]]:
    """Return the simulated account's notification rules."""
    state: dict[str, Any] = await simulator.control("GET", "doorflow/notifications")
    return list(state["rules"])


async def calls(simulator: Simulator) -> list[dict[str, Any]]:
    """Return the webhook calls the simulated DoorFlow made."""
    state: dict[str, Any] = await simulator.control("GET", "doorflow/notifications")
    return list(state["calls"])


async def inject(simulator: Simulator, channel_id: int, **happening: Any) -> None:
    """Log a happening at a door in the simulated cloud."""
    await simulator.control("POST", f"doorflow/channels/{channel_id}/event", happening)


def coordinator(entry: MockConfigEntry) -> DoorFlowCoordinator:
    """Return the entry's DoorFlow coordinator."""
    return coordinator_of(entry, DoorFlowCoordinator)


async def test_rule_created_and_events_pushed_once_in_order(
    hass: HomeAssistant,
    ha_url: TestClient,
    simulator: Simulator,
    doorflow_config_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """One rule for every code shown; a call is read by id with its ack, delivered once."""
    assert await setup_entry(hass, doorflow_config_entry)
    webhook_id = doorflow_config_entry.data[CONF_WEBHOOK_ID]
    assert len(webhook_id) == 64
    (rule,) = await rules(simulator)
    assert rule["actions"][0]["data"] == f"{ha_url.make_url('/')}api/webhook/{webhook_id}"
    assert sorted(event["code"] for event in rule["events"]) == sorted(RULE_CODES)
    assert rule["conditions"] == []
    assert str(rule["id"]) == doorflow_config_entry.data[CONF_PUSH_RULE_ID]
    assert state_of(hass, PUSH_SENSOR) == "push"

    fired = FiredEvents(hass)
    await simulator.control("POST", "doorflow/config", {"door_alarm_clear_after": None})
    await inject(simulator, 1201, kind="card_admit", person="Anna")
    await inject(simulator, 1201, kind="forced")
    await wait_until(hass, lambda: state_of(hass, FRONT_ALARM) == "on")
    await wait_until(hass, lambda: len(fired.of(FRONT)) == 2)
    assert [f.event_type for f in fired.of(FRONT)] == ["access_granted", "door_forced_open"]
    await settle(hass)
    made = await calls(simulator)
    assert len(made) == 2
    assert all(call["acknowledged"] and call["refused_acks"] == 0 for call in made)
    assert await simulator.count(EVENT_READ) == 2

    # The next feed read finds both and delivers neither again.
    assert await coordinator(doorflow_config_entry).events.async_read() == 0
    assert len(fired.of(FRONT)) == 2

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, doorflow_config_entry)
    push = diagnostics["push"]
    assert push["state"] == "active"
    assert push["active"] is True
    assert push["events_delivered_by_push"] == 2
    assert push["last_push_received"] is not None
    assert push["event_polling"] == "every 300 s"
    assert webhook_id not in json.dumps(diagnostics)

    # Nor after a reload (the pushed ids were written at once): the first read delivers nothing.
    await hass.config_entries.async_reload(doorflow_config_entry.entry_id)
    await hass.async_block_till_done()
    assert await coordinator(doorflow_config_entry).events.async_read() == 0
    assert len(fired.of(FRONT)) == 2


async def test_duplicate_and_replayed_calls_are_refused(
    hass: HomeAssistant, ha_url: TestClient, simulator: Simulator, init_doorflow: MockConfigEntry
) -> None:
    """DoorFlow sending a call twice, or a replay of it, is refused without a read."""
    del ha_url
    await simulator.control("POST", "doorflow/notifications", {"duplicate": True})
    fired = FiredEvents(hass)
    await inject(simulator, 1201, kind="card_admit", person="Anna")
    await wait_until(hass, lambda: len(fired.of(FRONT)) == 1)
    await settle(hass)
    await simulator.control("POST", "doorflow/notifications/replay", {})
    push = coordinator(init_doorflow).push
    # The duplicate and the replay, however long the replayed call takes on a loaded machine.
    await wait_until(hass, lambda: push.refused["replayed"] >= 2)
    await settle(hass)
    assert push.refused["replayed"] == 2
    assert await simulator.count(EVENT_READ) == 1
    assert len(fired.of(FRONT)) == 1


async def test_wrong_token_still_reads_the_real_event_once(
    hass: HomeAssistant, ha_url: TestClient, simulator: Simulator, init_doorflow: MockConfigEntry
) -> None:
    """A wrong ack token is no authentication: the event read is DoorFlow's, delivered once."""
    del ha_url
    await simulator.control("POST", "doorflow/notifications", {"wrong_token": True})
    fired = FiredEvents(hass)
    await inject(simulator, 1201, kind="card_admit", person="Anna")
    await wait_until(hass, lambda: len(fired.of(FRONT)) == 1)
    await settle(hass)
    (call,) = await calls(simulator)
    assert call["refused_acks"] == 1
    assert fired.of(FRONT)[0].attributes["person"] == "Anna"


def _forged(**item: Any) -> bytes:
    """Return a call's body with one item."""
    base = {
        "action": "CREATE",
        "resource": "https://api.doorflow.com/api/3/events/1?callback=zz&ack_token=t",
        "resource_type": "Event",
        "resource_id": "1",
        "account_id": str(DOORFLOW_ACCOUNT_ID),
        "ack_token": "t",
    }
    return json.dumps([{**base, **item}]).encode()


@pytest.fixture
async def rarely_polled_doorflow(
    hass: HomeAssistant, doorflow_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set the DoorFlow entry up polling at its longest interval (an hour).

    For a test that can outlast the 30 s poll on a slow, loaded machine while it counts the
    requests only calls cause: a poll's would be counted too.
    """
    doorflow_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        doorflow_config_entry, options={CONF_POLL_INTERVAL: DOORFLOW_MAX_POLL_INTERVAL}
    )
    assert await hass.config_entries.async_setup(doorflow_config_entry.entry_id)
    await hass.async_block_till_done()
    return doorflow_config_entry


async def test_flood_of_forged_calls_costs_no_request_and_delivers_nothing(
    hass: HomeAssistant,
    ha_url: TestClient,
    simulator: Simulator,
    rarely_polled_doorflow: MockConfigEntry,
) -> None:
    """1000 forged calls: refused by reason, 0 cloud requests, 0 events; reads stay capped."""
    init_doorflow = rarely_polled_doorflow
    fired = FiredEvents(hass)
    await inject(simulator, 1201, kind="card_admit", person="Anna")
    await wait_until(hass, lambda: len(fired.of(FRONT)) == 1)
    await settle(hass)
    (real,) = await calls(simulator)
    url = f"/api/webhook/{init_doorflow.data[CONF_WEBHOOK_ID]}"
    bodies = [
        b"not json",
        b"x" * (64 * 1024 + 1),
        _forged(account_id="999999"),
        _forged(resource_type="Person"),
        _forged(resource=f"https://x/api/3/events/{real['event_id']}?callback={real['callback']}"),
    ]
    before = (await simulator.requests())["total"]
    statuses = []
    for n in range(1000):
        response = await ha_url.post(url, data=bodies[n % len(bodies)])
        statuses.append(response.status)
    await ha_url.post("/api/webhook/not-our-id", data=_forged())
    await settle(hass)
    assert (await simulator.requests())["total"] == before
    assert len(fired.of(FRONT)) == 1
    refused = coordinator(init_doorflow).push.refused
    assert dict(refused) == {
        "malformed": 200,
        "oversized": 200,
        "other_account": 200,
        "not_an_event": 200,
        "replayed": 200,
    }
    assert set(statuses) == {400, 413, 200}

    # A body without a length, over 64 KiB; an item without a callback id: refused, no read.
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(17):
            yield b"x" * 4096

    assert (await ha_url.post(url, data=chunks())).status == 413
    assert (await ha_url.post(url, data=_forged(resource="https://x/api/3/events/1"))).status == 400
    assert refused["oversized"] == 201
    assert refused["malformed"] == 201
    # A large call (60 items, about 40 KiB) arriving in small pieces is read whole.
    people = [
        {"action": "UPDATE", "resource": f"https://x/{'p' * 600}", "resource_type": "Person"}
        | {"resource_id": str(n), "ack_token": "t"}
        for n in range(60)
    ]
    big = json.dumps(people).encode()

    async def pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 1000):
            yield big[start : start + 1000]

    assert (await ha_url.post(url, data=pieces())).status == 400
    assert refused["not_an_event"] == 201
    assert refused["malformed"] == 201
    assert (await simulator.requests())["total"] == before

    # A real event from hours ago under an invented callback: read once, not delivered.
    loop = asyncio.get_running_loop()
    reads_from = loop.time()
    old = str(real["event_id"] - 1)
    await ha_url.post(url, data=_forged(resource=f"https://x/api/3/events/{old}?callback=o"))
    await settle(hass)
    assert await simulator.count(EVENT_READ) == 2
    assert refused["replayed"] == 201
    assert len(fired.of(FRONT)) == 1

    # Well-shaped calls naming events that do not exist: at most the stated reads per minute.
    for n in range(1000):
        body = _forged(
            resource=f"https://x/api/3/events/{900000 + n}?callback=forged{n}",
            resource_id=str(900000 + n),
        )
        await ha_url.post(url, data=body)
    await settle(hass, 1.0)
    # The cap is per minute (sliding): a slow machine may spread these reads over more than one.
    cap = READS_PER_MINUTE * (1 + int((loop.time() - reads_from) // 60))
    assert await simulator.count(EVENT_READ) - 1 <= cap
    assert refused["rate_capped"] >= 1000 - cap
    assert len(fired.of(FRONT)) == 1


async def test_url_change_reload_options_and_removal(
    hass: HomeAssistant, ha_url: TestClient, simulator: Simulator, init_doorflow: MockConfigEntry
) -> None:
    """The rule is kept on reload, replaced (PUT) for a new URL, deleted when off or removed."""
    (rule,) = await rules(simulator)
    # A second rule calling the same webhook (left behind by a crash) goes on the next start.
    rules_api = coordinator(init_doorflow).client.notification_rules
    await rules_api.create(rule_input("left behind", rule["actions"][0]["data"], [10]))
    await hass.config_entries.async_reload(init_doorflow.entry_id)
    await hass.async_block_till_done()
    assert [r["id"] for r in await rules(simulator)] == [rule["id"]]

    base = str(ha_url.make_url("/")).rstrip("/").replace("127.0.0.1", "localhost")
    await hass.config.async_update(external_url=base)
    await hass.config_entries.async_reload(init_doorflow.entry_id)
    await hass.async_block_till_done()
    (moved,) = await rules(simulator)
    assert moved["id"] == rule["id"]
    assert moved["actions"][0]["data"].startswith(f"{base}/api/webhook/")
    assert await simulator.count("PUT /api/3/notification_rules/{id}") == 1
    fired = FiredEvents(hass)
    await inject(simulator, 1201, kind="card_admit", person="Anna")
    await wait_until(hass, lambda: len(fired.of(FRONT)) == 1)

    hass.config_entries.async_update_entry(
        init_doorflow, options={CONF_POLL_INTERVAL: 30, CONF_PUSH: False}
    )
    await hass.config_entries.async_reload(init_doorflow.entry_id)
    await hass.async_block_till_done()
    assert await rules(simulator) == []
    assert CONF_PUSH_RULE_ID not in init_doorflow.data
    assert state_of(hass, PUSH_SENSOR) == "polling"

    hass.config_entries.async_update_entry(init_doorflow, options={CONF_POLL_INTERVAL: 30})
    await hass.config_entries.async_reload(init_doorflow.entry_id)
    await hass.async_block_till_done()
    assert len(await rules(simulator)) == 1
    assert state_of(hass, PUSH_SENSOR) == "push"

    await hass.config_entries.async_remove(init_doorflow.entry_id)
    await hass.async_block_till_done()
    assert await rules(simulator) == []


async def test_silent_push_falls_back_to_polling_and_returns(
    hass: HomeAssistant, ha_url: TestClient, simulator: Simulator, init_doorflow: MockConfigEntry
) -> None:
    """Events that polling finds and push did not bring: polling at every poll, until a call."""
    del ha_url
    door = coordinator(init_doorflow)
    await door.async_refresh()  # the first read after setup
    await simulator.control("POST", "doorflow/notifications", {"silent": True})
    fired = FiredEvents(hass)
    await inject(simulator, 1201, kind="card_admit", person="Anna")
    await door.async_refresh()
    await hass.async_block_till_done()
    assert fired.of(FRONT) == []  # push healthy: the feed is not read at every poll

    door.push._events_read_at -= 301
    await door.async_refresh()
    await hass.async_block_till_done()
    assert len(fired.of(FRONT)) == 1
    assert state_of(hass, PUSH_SENSOR) == "polling"
    assert door.push.diagnostics()["event_polling"] == "every poll"
    # The next poll finds the rule in place: still polling, until a call delivers.
    await door.async_refresh()
    await hass.async_block_till_done()
    assert state_of(hass, PUSH_SENSOR) == "polling"
    assert await simulator.count("GET /api/3/notification_rules") == 2

    # Missed again (no poll in between); the next call reads the feed first: in order, once.
    await inject(simulator, 1201, kind="denied", reason="wrong_pin", person="Ben")
    await settle(hass)
    await simulator.control("POST", "doorflow/notifications", {"silent": False})
    await inject(simulator, 1201, kind="forced")
    await wait_until(hass, lambda: state_of(hass, PUSH_SENSOR) == "push")
    assert [f.event_type for f in fired.of(FRONT)] == [
        "access_granted",
        "access_denied",
        "door_forced_open",
    ]
    assert door.push.diagnostics()["events_delivered_by_push"] == 1


async def test_a_door_changed_elsewhere_shows_at_once_from_its_pushed_event(
    hass: HomeAssistant, ha_url: TestClient, simulator: Simulator, init_doorflow: MockConfigEntry
) -> None:
    """A door's mode changed outside Home Assistant: its pushed event has the door read by id.

    The event (remote control) is not the feed's: it fires no event entity. A door read that
    fails leaves the door for the next poll.
    """
    del ha_url
    fired = FiredEvents(hass)
    await simulator.control("PATCH", "doorflow/channels/1201", {"mode": "unlock"})
    await wait_until(hass, lambda: state_of(hass, FRONT_LOCK) == "unlocked")
    assert await simulator.count("GET /api/3/channels/{id}") == 1
    assert await simulator.count("GET /api/3/channels") == 1  # the setup's poll alone
    await settle(hass)
    assert fired.of(FRONT) == []

    await simulator.control(
        "POST",
        "faults",
        {"kind": "status", "status": 503, "path_prefix": "/api/3/channels/1201", "count": 1},
    )
    await simulator.control("PATCH", "doorflow/channels/1201", {"mode": "normal"})
    await wait_until(hass, lambda: coordinator(init_doorflow).push.accepted_calls == 2, within=5.0)
    await settle(hass)
    assert state_of(hass, FRONT_LOCK) == "unlocked"  # the read failed: the next poll shows it
    await coordinator(init_doorflow).async_refresh()
    assert state_of(hass, FRONT_LOCK) == "locked"


async def test_key_without_the_rules_scope_raises_a_repair_and_polls(
    hass: HomeAssistant,
    ha_url: TestClient,
    simulator: Simulator,
    doorflow_config_entry: MockConfigEntry,
) -> None:
    """No scope account.notification_rule: a repair issue, no rule, events by polling."""
    del ha_url
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=doorflow_config_entry.title,
        unique_id=doorflow_config_entry.unique_id,
        data={**doorflow_config_entry.data, CONF_API_KEY: NO_PUSH_KEY},
    )
    assert await setup_entry(hass, entry)
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, push_issue_id("push_scope_missing", entry.entry_id)
    )
    assert issue is not None
    assert issue.translation_placeholders == {
        "account": entry.title,
        "scope": "account.notification_rule",
    }
    assert await rules(simulator) == []
    assert state_of(hass, PUSH_SENSOR) == "polling"
    fired = FiredEvents(hass)
    await inject(simulator, 1201, kind="card_admit", person="Anna")
    await coordinator(entry).async_refresh()
    await hass.async_block_till_done()
    assert len(fired.of(FRONT)) == 1


async def test_no_reachable_url(
    hass: HomeAssistant, simulator: Simulator, doorflow_config_entry: MockConfigEntry
) -> None:
    """Without a URL push is off by default (no issue); turned on, a repair issue says why."""
    assert await setup_entry(hass, doorflow_config_entry)
    issues = ir.async_get(hass)
    issue_id = push_issue_id("push_no_url", doorflow_config_entry.entry_id)
    assert issues.async_get_issue(DOMAIN, issue_id) is None
    assert state_of(hass, PUSH_SENSOR) == "polling"
    assert CONF_WEBHOOK_ID not in doorflow_config_entry.data

    hass.config_entries.async_update_entry(
        doorflow_config_entry, options={CONF_POLL_INTERVAL: 30, CONF_PUSH: True}
    )
    await hass.config_entries.async_reload(doorflow_config_entry.entry_id)
    await hass.async_block_till_done()
    assert issues.async_get_issue(DOMAIN, issue_id) is not None
    assert await rules(simulator) == []

    # Turned off: the issue goes; there is no rule to delete.
    hass.config_entries.async_update_entry(
        doorflow_config_entry, options={CONF_POLL_INTERVAL: 30, CONF_PUSH: False}
    )
    await hass.config_entries.async_reload(doorflow_config_entry.entry_id)
    await hass.async_block_till_done()
    assert issues.async_get_issue(DOMAIN, issue_id) is None


async def test_rule_outage_retries_and_a_failed_read_falls_back_to_polling(
    hass: HomeAssistant,
    ha_url: TestClient,
    simulator: Simulator,
    doorflow_config_entry: MockConfigEntry,
) -> None:
    """No rule yet: calls are refused, polling goes on; a read that fails loses nothing."""
    fault = await simulator.control(
        "POST", "faults", {"kind": "status", "status": 503, "path_prefix": RULES_PATH}
    )
    assert await setup_entry(hass, doorflow_config_entry)
    door = coordinator(doorflow_config_entry)
    assert door.push.diagnostics()["state"] == "error"
    assert state_of(hass, PUSH_SENSOR) == "polling"
    url = f"/api/webhook/{doorflow_config_entry.data[CONF_WEBHOOK_ID]}"
    assert (await ha_url.post(url, data=_forged())).status == 404
    assert door.push.refused["inactive"] == 1

    await simulator.control("DELETE", f"faults/{fault['id']}")
    door.push._recheck_at = 0
    await door.async_refresh()
    await hass.async_block_till_done()
    assert state_of(hass, PUSH_SENSOR) == "push"
    assert len(await rules(simulator)) == 1

    # The read by id fails: counted; the next feed read delivers the event, once.
    await simulator.control(
        "POST", "faults", {"kind": "status", "status": 503, "path_prefix": "/api/3/events/"}
    )
    fired = FiredEvents(hass)
    await inject(simulator, 1201, kind="card_admit", person="Anna")
    await wait_until(hass, lambda: door.push.refused["read_failed"] == 1)
    assert fired.of(FRONT) == []
    door.push._events_read_at -= 301
    await door.async_refresh()
    await hass.async_block_till_done()
    assert len(fired.of(FRONT)) == 1
    assert state_of(hass, PUSH_SENSOR) == "polling"


async def test_home_assistant_cloud_gives_a_cloudhook(
    hass: HomeAssistant,
    ha_url: TestClient,
    simulator: Simulator,
    doorflow_config_entry: MockConfigEntry,
) -> None:
    """With an active Home Assistant Cloud subscription the rule calls the cloudhook."""
    webhook_base = str(ha_url.make_url("/")).rstrip("/")
    hass.config.components.add("cloud")

    async def create(_hass: HomeAssistant, webhook_id: str) -> str:
        return f"{webhook_base}/api/webhook/{webhook_id}"

    with (
        patch("homeassistant.components.cloud.async_active_subscription", return_value=True),
        patch("homeassistant.components.cloud.async_create_cloudhook", side_effect=create),
        patch(
            "homeassistant.components.cloud.async_delete_cloudhook",
            side_effect=RuntimeError("cloud unreachable"),
        ) as delete,
    ):
        await hass.config.async_update(external_url=None)
        assert await setup_entry(hass, doorflow_config_entry)
        cloudhook = doorflow_config_entry.data[CONF_CLOUDHOOK_URL]
        (rule,) = await rules(simulator)
        assert rule["actions"][0]["data"] == cloudhook
        fired = FiredEvents(hass)
        await inject(simulator, 1201, kind="card_admit", person="Anna")
        await wait_until(hass, lambda: len(fired.of(FRONT)) == 1)

        await hass.config_entries.async_remove(doorflow_config_entry.entry_id)
        await hass.async_block_till_done()
    assert await rules(simulator) == []
    delete.assert_called_once()


async def test_removal_goes_on_when_the_rule_cannot_be_deleted(
    hass: HomeAssistant,
    ha_url: TestClient,
    simulator: Simulator,
    init_doorflow: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """DoorFlow refusing the DELETE: the entry is removed anyway; the log says what is left."""
    del ha_url
    await simulator.control(
        "POST", "faults", {"kind": "status", "status": 503, "path_prefix": RULES_PATH}
    )
    await hass.config_entries.async_remove(init_doorflow.entry_id)
    await hass.async_block_till_done()
    assert hass.config_entries.async_get_entry(init_doorflow.entry_id) is None
    assert len(await rules(simulator)) == 1
    assert "could not be deleted" in caplog.text
    assert init_doorflow.data[CONF_WEBHOOK_ID] not in caplog.text
