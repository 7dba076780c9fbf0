"""The simulated Tedee cloud answers as Tedee's published docs say (not as our client reads).

Every answer is checked against the stored copies of the docs' data structures
(`tests/contracts/tedee/datastructures`): only documented fields, each of its documented type,
enum values from the documented enums.
"""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.door_access.api import ActivityEvent, TedeeClient
from simulator.tedee_activity import EVENT_NAMES
from tests.api.reading import activities as read_activities
from tests.contracts.tedee_docs import enum, problems

from .conftest import Sim

# The two spellings of the user's name: the data-structure table, the examples.
USER_FIELDS = frozenset({"userName", "username"})


async def _result(sim: Sim, method: str, path: str) -> Any:
    answer = await sim.tedee(method, path)
    assert answer.status < 300, answer.text
    return answer.body["result"]


async def _activity(sim: Sim, device_id: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = await _result(
        sim, "GET", f"/my/deviceactivity?deviceId={device_id}"
    )
    return items


def test_the_simulator_knows_exactly_the_documented_codes() -> None:
    assert enum("event-type") == EVENT_NAMES


async def test_locks_syncs_gates_and_operations_follow_the_docs(sim: Sim) -> None:
    locks = await _result(sim, "GET", "/my/lock")
    assert locks
    for lock in locks:
        assert problems("lock", lock) == []
    assert problems("lock", await _result(sim, "GET", "/my/lock/1001")) == []
    for item in await _result(sim, "GET", "/my/lock/sync"):
        assert problems("lock-sync", item) == []
    page = await _result(sim, "GET", "/my/gate")
    assert problems("gate-list", page) == []
    assert page["gates"]
    for gate in page["gates"]:
        assert problems("gate", gate) == []
    started = await _result(sim, "POST", "/my/lock/1001/operation/unlock")
    operation = await _result(sim, "GET", f"/my/device/operation/{started['operationId']}")
    assert problems("device-operation", operation) == []


@pytest.mark.parametrize("spelling", ["userName", "username"])
async def test_activity_items_name_the_user_as_configured(sim: Sim, spelling: str) -> None:
    await sim.control("POST", "tedee/config", {"activity_user_field": spelling})
    items = await _activity(sim, 1001)
    assert items
    for item in items:
        assert problems("device-activity", item, extra=USER_FIELDS) == []
        assert USER_FIELDS & item.keys() == {spelling}
    assert {item[spelling] for item in items} >= {"Ben", None}


async def test_by_default_activity_uses_both_spellings(sim: Sim) -> None:
    """Both spellings the docs show reach every client of the simulator, item by item."""
    config = await sim.control("GET", "tedee/config")
    assert config["activity_user_field"] == "alternate"
    items = await _activity(sim, 1001)
    spellings = [next(iter(USER_FIELDS & item.keys())) for item in items]
    assert set(spellings) == USER_FIELDS
    for item in items:
        assert problems("device-activity", item, extra=USER_FIELDS) == []
    answer = await sim.call("POST", "/_control/tedee/config", json={"activity_user_field": "x"})
    assert answer.status == 400


async def test_opening_a_gate_logs_gate_activity_on_its_id(sim: Sim) -> None:
    """10000 when the API (the app) opens it, 10001 when an access link does."""
    gate_id = 501
    answer = await sim.tedee("POST", f"/my/gate/{gate_id}/operation/unlock")
    assert answer.status == 204
    await sim.control(
        "POST", f"tedee/gates/{gate_id}/open", {"by": "access_link", "username": "Courier"}
    )
    await sim.control("POST", f"tedee/gates/{gate_id}/open", {"by": "remote"})
    items = await _activity(sim, gate_id)
    assert [(item["event"], item["deviceId"]) for item in items] == [
        (10000, gate_id),
        (10001, gate_id),
        (10000, gate_id),
    ]
    names = [item.get("userName", item.get("username")) for item in items]
    assert names == [None, "Courier", sim.world.tedee.account.name]
    assert [item["source"] for item in items] == [1, 1, 1]
    for item in items:
        assert problems("device-activity", item, extra=USER_FIELDS) == []
    assert sim.world.tedee.gates[gate_id].opened == 3
    listed = await sim.control("GET", f"tedee/gates/{gate_id}/activity")
    assert [item["event"] for item in listed] == [10000, 10001, 10000]
    bad = await sim.call("POST", f"/_control/tedee/gates/{gate_id}/open", json={"by": "knock"})
    assert bad.status == 400
    # A gate that is removed takes its activity along.
    await sim.control("DELETE", f"tedee/gates/{gate_id}")
    assert sim.world.tedee.activity.of(gate_id) == []


async def test_a_refused_gate_opening_logs_nothing(sim: Sim) -> None:
    await sim.control("PATCH", "tedee/gates/501", {"isConnected": False, "immediate": True})
    answer = await sim.tedee("POST", "/my/gate/501/operation/unlock")
    assert answer.status == 423
    assert await _activity(sim, 501) == []


@pytest.mark.parametrize("spelling", ["userName", "username", "alternate"])
async def test_the_client_reads_what_the_simulator_answers(sim: Sim, spelling: str) -> None:
    """Gate and lock activity over HTTP: the codes, the gate's id and the user in any spelling."""
    await sim.control("POST", "tedee/config", {"activity_user_field": spelling})
    await sim.tedee("POST", "/my/gate/501/operation/unlock")
    await sim.control("POST", "tedee/gates/501/open", {"username": "Courier"})
    await sim.control("POST", "tedee/locks/1001/activity", {"event": 78, "username": "Anna"})
    client = TedeeClient(sim.session, "demo-tedee-personal-key", base_url=sim.url)
    gate = await read_activities(client, 501)
    assert [(a.event, a.device_id, a.username) for a in gate] == [
        (ActivityEvent.GATE_UNLOCKED_BY_ACCESS_LINK, 501, "Courier"),
        (ActivityEvent.GATE_UNLOCKED_BY_REMOTE, 501, sim.world.tedee.account.name),
    ]
    newest = (await read_activities(client, 1001, elements=1))[0]
    assert (newest.event, newest.username) == (ActivityEvent.FORCE_UNLOCKED_BY_FINGERPRINT, "Anna")
