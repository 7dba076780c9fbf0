"""Every DoorFlow answer the integration uses, as the simulator gives it, keeps the contract.

The schemas come from DoorFlow's published `openapi.yaml` (`tests/contracts/doorflow/`), not
from the simulator or the client: account, channels (a page and one), admit, admission
request, unlock / normal / lockdown / unlockdown, sync (200 and 429), events (a page and one),
token info, and the error answers (400, 401, 403, 404, 422).
"""

from __future__ import annotations

from datetime import UTC, datetime
import random
from typing import Any

import pytest

from simulator.doorflow import DoorFlowState
from simulator.doorflow_events import ADMIT_KINDS, DENY_REASONS, DOOR_KINDS
from tests.contracts.doorflow_openapi import (
    component_response,
    errors_of,
    list_of,
    response_schema,
    schema,
)

from .conftest import Answer, Sim

ACCESS_TOKEN = "contract-doorflow-access-token"
START = datetime(2026, 11, 3, 10, tzinfo=UTC)


def keeps(answer: Answer, json_schema: dict[str, Any], status: int) -> None:
    """Assert the answer has the status and keeps the contract's schema."""
    assert answer.status == status, answer.text
    assert errors_of(answer.body, json_schema) == []


async def test_account_and_token_info(sim: Sim) -> None:
    keeps(await sim.doorflow("GET", "/api/3/account"), schema("Account"), 200)
    await sim.control(
        "POST", "tokens", {"api": "doorflow", "token": ACCESS_TOKEN, "kind": "access"}
    )
    info = await sim.bearer("GET", "/oauth/token/info", ACCESS_TOKEN)
    keeps(info, response_schema("/oauth/token/info", "get", 200), 200)
    assert isinstance(info.body["account_id"], str)


async def test_channels_a_page_and_one(sim: Sim) -> None:
    await sim.control("PATCH", "doorflow/channels/1202", {"auto_unlock": True})
    await sim.doorflow("POST", "/api/3/channels/1201/lockdown", json={"card_lockdown": True})
    page = await sim.doorflow("GET", "/api/3/channels?per_page=2&page=1")
    keeps(page, response_schema("/api/3/channels", "get", 200), 200)
    keeps(page, list_of(schema("Channel")), 200)
    for channel_id in (1201, 1202, 1203):
        one = await sim.doorflow("GET", f"/api/3/channels/{channel_id}")
        keeps(one, response_schema("/api/3/channels/{id}", "get", 200), 200)
        assert "firmware" not in one.body  # the contract has freescale_version / pic_version


async def test_admit_and_its_admission_request(sim: Sim) -> None:
    admit = await sim.doorflow("POST", "/api/3/channels/1201/admit")
    keeps(admit, response_schema("/api/3/channels/{id}/admit", "post", 202), 202)
    path = f"/api/3/admission_requests/{admit.body['admission_request_id']}"
    admission_schema = response_schema("/api/3/admission_requests/{id}", "get", 200)
    keeps(await sim.doorflow("GET", path), admission_schema, 200)  # pending
    sim.clock.advance(5)
    decided = await sim.doorflow("GET", path)
    keeps(decided, admission_schema, 200)
    assert decided.body["status"] == "admitted"
    await sim.control("PATCH", "doorflow/channels/1202", {"unresponsive": True})
    stuck = await sim.doorflow("POST", "/api/3/channels/1202/admit")
    sim.clock.advance(300)
    timed_out = await sim.doorflow(
        "GET", f"/api/3/admission_requests/{stuck.body['admission_request_id']}"
    )
    keeps(timed_out, admission_schema, 200)
    assert timed_out.body["status"] == "timeout"


@pytest.mark.parametrize(
    ("command", "body"),
    [
        ("unlock", {"relock_at": "2099-01-01T00:00:00Z"}),
        ("unlock", None),
        ("normal", None),
        ("lockdown", {"card_lockdown": True, "rex_lockdown": False, "aux_lockdown": True}),
        ("lockdown", None),
        ("unlockdown", None),
    ],
)
async def test_door_commands(sim: Sim, command: str, body: dict[str, Any] | None) -> None:
    answer = await sim.doorflow("POST", f"/api/3/channels/1201/{command}", json=body)
    keeps(answer, response_schema(f"/api/3/channels/{{id}}/{command}", "post", 200), 200)


async def test_sync_and_its_rate_limit(sim: Sim) -> None:
    keeps(
        await sim.doorflow("POST", "/api/3/sync"), response_schema("/api/3/sync", "post", 200), 200
    )
    limited = await sim.doorflow("POST", "/api/3/sync")
    keeps(limited, response_schema("/api/3/sync", "post", 429), 429)
    assert limited.body["retry_in"] > 0


async def test_events_a_page_and_one(sim: Sim) -> None:
    happenings: list[dict[str, Any]] = [
        *({"kind": kind, "person": "Anna"} for kind in ADMIT_KINDS),
        *({"kind": kind} for kind in DOOR_KINDS),
        *({"kind": "denied", "reason": reason, "person": "Ben"} for reason in DENY_REASONS),
        {"event_code": 72, "label": "Rejected: second factor missing"},
    ]
    for happening in happenings:
        await sim.control("POST", "doorflow/channels/1201/event", happening)
    await sim.doorflow("POST", "/api/3/channels/1201/admit")
    sim.clock.advance(5)
    # Every code the contract's `event_codes` allows (admits, rejects, status, auto-unlock,
    # tamper, door alarm, REX, sync).
    allowed = [*range(1, 4), *range(10, 19), 70, *range(20, 30), 71, 72, 73, *range(30, 38)]
    codes = ",".join(str(code) for code in [*allowed, 40, 41, 42, 90, 91, *range(100, 108)])
    page = await sim.doorflow("GET", f"/api/3/events?n=1000&event_codes={codes}")
    keeps(page, response_schema("/api/3/events", "get", 200), 200)
    assert len(page.body) > len(happenings)
    for event in page.body[:: max(1, len(page.body) // 10)]:
        one = await sim.doorflow("GET", f"/api/3/events/{event['id']}")
        keeps(one, response_schema("/api/3/events/{id}", "get", 200), 200)


async def test_error_answers(sim: Sim) -> None:
    refused = await sim.doorflow("GET", "/api/3/account", key="wrong")
    keeps(refused, response_schema("/api/3/account", "get", 401), 401)
    keeps(refused, schema("Error"), 401)
    forbidden = await sim.doorflow(
        "POST", "/api/3/channels/1201/admit", key="demo-doorflow-readonly-key"
    )
    keeps(forbidden, response_schema("/api/3/channels/{id}/admit", "post", 403), 403)
    missing = await sim.doorflow("GET", "/api/3/channels/999")
    keeps(missing, response_schema("/api/3/channels/{id}", "get", 404), 404)
    gone = await sim.doorflow("GET", "/api/3/admission_requests/999999")
    keeps(gone, response_schema("/api/3/admission_requests/{id}", "get", 404), 404)
    # An admit outside normal mode: 400 with the channel, as the contract says.
    await sim.doorflow("POST", "/api/3/channels/1201/unlock")
    not_normal = await sim.doorflow("POST", "/api/3/channels/1201/admit")
    keeps(not_normal, response_schema("/api/3/channels/{id}/admit", "post", 400), 400)
    past = await sim.doorflow(
        "POST", "/api/3/channels/1201/unlock", json={"relock_at": "2000-01-01T00:00:00Z"}
    )
    # The unlock endpoint documents no 422; the simulator answers the contract's shape of one.
    keeps(past, component_response("UnprocessableEntityError"), 422)
    assert past.body["errors"]["relock_at"]


def test_a_scenario_account_with_a_hashid() -> None:
    """A scenario may give the account the contract's string id; the API shows it as given."""
    state = DoorFlowState({"account": {"id": "abc123xyz"}}, random.Random(1), START)
    assert state.account_json()["id"] == "abc123xyz"
    assert errors_of(state.account_json(), schema("Account")) == []
    numbered = DoorFlowState({"account": {"id": 42}}, random.Random(1), START)
    assert numbered.account_json()["id"] == "42"
