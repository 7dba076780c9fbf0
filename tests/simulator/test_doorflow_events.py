"""DoorFlow events: the feed's query parameters, the code table and everything that emits."""

from __future__ import annotations

from datetime import timedelta

import pytest

from simulator.doorflow_events import label_for

from .conftest import Sim


async def _events(sim: Sim, query: str = "") -> list[dict]:
    answer = await sim.doorflow("GET", f"/api/3/events?{query}")
    assert answer.status == 200, answer.text
    result: list[dict] = answer.body
    return result


async def _inject(sim: Sim, channel: int, **body: object) -> list[dict]:
    result: list[dict] = await sim.control("POST", f"doorflow/channels/{channel}/event", body)
    return result


async def test_default_feed_is_access_events(sim: Sim) -> None:
    answer = await sim.doorflow("GET", "/api/3/events")
    codes = [e["event_code"] for e in answer.body]
    # History of the home scenario: admits and rejects only, newest first.
    assert codes == [11, 20, 10, 13, 10, 10]
    assert answer.headers["Total"] == "6"
    assert answer.headers["Per-Page"] == "50"
    event = answer.body[0]
    assert set(event) == {
        "id",
        "event_id",
        "event_code",
        "event_label",
        "door_controller_id",
        "door_controller_name",
        "channel_id",
        "channel_name",
        "person_id",
        "person_name",
        "credentials_number",
        "created_at",
        "updated_at",
    }
    assert event["event_id"] == event["id"]
    assert event["door_controller_id"] == event["channel_id"] == 1201
    assert event["door_controller_name"] == "Front door"
    assert event["person_name"] == "Ben"
    assert event["event_label"] == "Ben admitted using PIN"
    assert event["created_at"] == "2026-11-20T11:11:40.000Z"
    card = answer.body[4]
    assert (card["person_name"], card["credentials_number"]) == ("Anna", "4009101")
    rejected = answer.body[1]
    assert rejected["event_label"] == "Ben rejected: card not valid"


async def test_query_parameters(sim: Sim) -> None:
    door = await _events(sim, "event_codes=31,32,33,34,37")
    assert [e["event_code"] for e in door] == [37, 34, 31, 37, 33]
    asc = await _events(sim, "event_codes=31,32,33,34,37&sort=asc")
    assert [e["id"] for e in asc] == [e["id"] for e in reversed(door)]
    front = await _events(sim, "channels=1202,1203")
    assert {e["channel_id"] for e in front} == {1202, 1203}
    alias = await _events(sim, "door_controllers=1202,1203")
    assert alias == front
    since = (sim.clock.utcnow() - timedelta(seconds=5000)).isoformat().replace("+00:00", "Z")
    recent = await _events(sim, f"since={since}")
    assert [e["event_code"] for e in recent] == [11, 20, 10]
    old = await _events(sim, "since=2020-01-01T00:00:00Z")
    assert len(old) == 6
    page = await sim.doorflow("GET", "/api/3/events?n=2&page=2")
    assert [e["event_code"] for e in page.body] == [10, 13]
    assert page.headers["Total"] == "6"
    assert page.headers["Per-Page"] == "2"
    many = await sim.doorflow("GET", "/api/3/events?n=5000")
    assert many.headers["Per-Page"] == "1000"
    await sim.control("PATCH", "doorflow/channels/1202", {"status": "offline"})
    assert [e["event_code"] for e in await _events(sim, "n=1")] == [11]
    assert [e["event_code"] for e in await _events(sim, "n=1&level=debug")] == [2]
    single = await sim.doorflow("GET", f"/api/3/events/{door[0]['id']}")
    assert single.body == door[0]
    assert (await sim.doorflow("GET", "/api/3/events/99999")).status == 404


@pytest.mark.parametrize(
    "query",
    ["event_codes=10,999", "event_codes=abc", "channels=x", "sort=up", "since=soon", "n=many"],
)
async def test_bad_queries(sim: Sim, query: str) -> None:
    answer = await sim.doorflow("GET", f"/api/3/events?{query}")
    assert answer.status == 400
    assert answer.body["error"] == "bad_request"
    assert answer.body["error_description"]


async def test_invalid_code_is_named(sim: Sim) -> None:
    answer = await sim.doorflow("GET", "/api/3/events?event_codes=10,999,4")
    assert answer.body["error_description"] == (
        "The following event codes are not valid for this method: 4, 999"
    )


async def test_event_scope(sim: Sim) -> None:
    readonly = "demo-doorflow-readonly-key"
    assert (await sim.doorflow("GET", "/api/3/events", key=readonly)).status == 403
    assert (await sim.doorflow("GET", "/api/3/events/1", key=readonly)).status == 403


async def test_remote_control_events(sim: Sim) -> None:
    await sim.doorflow("POST", "/api/3/channels/1201/unlock", json={})
    await sim.doorflow("POST", "/api/3/channels/1201/normal")
    await sim.doorflow("POST", "/api/3/channels/1201/lockdown", json={"rex_lockdown": True})
    await sim.doorflow("POST", "/api/3/channels/1201/unlockdown")
    remote = await _events(sim, "event_codes=50,51,52,53")
    assert [e["event_code"] for e in remote] == [53, 52, 51, 50]
    assert {e["person_name"] for e in remote} == {"Demo User"}
    assert remote[-1]["event_label"] == "Held unlocked remotely"


async def test_admit_denied_and_offline_events(sim: Sim) -> None:
    await sim.doorflow("POST", "/api/3/channels/1202/lockdown", json={"card_lockdown": True})
    await sim.doorflow("POST", "/api/3/channels/1202/admit")
    await sim.doorflow("POST", "/api/3/channels/1203/admit")
    sim.clock.advance(3)
    codes = [e["event_code"] for e in await _events(sim, "n=2")]
    assert codes == [22, 29]


async def test_injected_admits_respect_lockdown(sim: Sim) -> None:
    assert [
        e["event_code"] for e in await _inject(sim, 1201, kind="card_admit", person="Anna")
    ] == [10]
    await sim.control("PATCH", "doorflow/channels/1201", {"lockdown": {"card_lockdown": True}})
    blocked = await _inject(sim, 1201, kind="pin_admit", person="Anna")
    assert (blocked[0]["event_code"], blocked[0]["person_name"]) == (22, "Anna")
    assert [e["event_code"] for e in await _inject(sim, 1201, kind="rex")] == [13]
    await sim.control("PATCH", "doorflow/channels/1201", {"lockdown": {"rex_lockdown": True}})
    assert [e["event_code"] for e in await _inject(sim, 1201, kind="rex")] == [22]
    assert [e["event_code"] for e in await _inject(sim, 1201, kind="aux")] == [14]
    await sim.control("PATCH", "doorflow/channels/1201", {"lockdown": None})
    kinds = {
        "manual_admit": 12,
        "app_admit": 15,
        "unlocked_admit": 16,
        "apple_wallet": 17,
        "google_wallet": 18,
        "rex_pressed": 30,
        "tamper": 90,
        "tamper_cleared": 91,
    }
    for kind, code in kinds.items():
        assert [e["event_code"] for e in await _inject(sim, 1202, kind=kind)] == [code]
    reasons = {"out_of_hours": 21, "wrong_pin": 24, "pass_back": 28, "offline": 29}
    for reason, code in reasons.items():
        events = await _inject(sim, 1202, kind="denied", reason=reason, person="Ben")
        assert events[0]["event_code"] == code
    assert (await _inject(sim, 1202, kind="denied"))[0]["event_code"] == 20
    raw = await _inject(sim, 1202, event_code=63, label="Something new")
    assert (raw[0]["event_code"], raw[0]["event_label"]) == (63, "Something new")
    people = (await sim.control("GET", "state"))["doorflow"]["people"]
    assert [p["name"] for p in people] == ["Demo User", "Anna", "Ben"]
    for body in (
        {"kind": "dance"},
        {"kind": "denied", "reason": "bad mood"},
        {"event_code": "x"},
        {"kind": "rex", "colour": "red"},
    ):
        answer = await sim.call("POST", "/_control/doorflow/channels/1202/event", json=body)
        assert answer.status == 400, body
    missing = await sim.call("POST", "/_control/doorflow/channels/9/event", json={"kind": "rex"})
    assert missing.status == 404


async def test_forced_door_is_back_to_normal_when_closed(sim: Sim) -> None:
    forced = await _inject(sim, 1201, kind="forced")
    assert [e["event_code"] for e in forced] == [33]
    assert sim.world.doorflow.channels[1201].alarm == "forced"
    closed = await _inject(sim, 1201, kind="door_closed")
    assert [e["event_code"] for e in closed] == [32, 37]
    assert sim.world.doorflow.channels[1201].alarm is None
    again = await _inject(sim, 1201, kind="door_closed")
    assert [e["event_code"] for e in again] == [32]


async def test_held_open_clears_by_itself(sim: Sim) -> None:
    await sim.control("POST", "doorflow/config", {"door_alarm_clear_after": 30})
    held = await _inject(sim, 1202, kind="held_open")
    assert [e["event_code"] for e in held] == [31, 34]
    sim.clock.advance(29)
    assert sim.world.doorflow.channels[1202].alarm is not None
    sim.clock.advance(1)
    events = await _events(sim, "event_codes=31,32,34,37&n=2")
    assert [e["event_code"] for e in events] == [37, 32]
    assert events[0]["created_at"] == "2026-11-20T12:00:30.000Z"
    assert sim.world.doorflow.channels[1202].door_open is False
    await sim.control("POST", "doorflow/config", {"door_alarm_clear_after": None})
    await _inject(sim, 1202, kind="held_open")
    sim.clock.advance(3600)
    sim.world.tick()
    assert sim.world.doorflow.channels[1202].alarm == "held"
    back = await _inject(sim, 1202, kind="back_to_normal")
    assert [e["event_code"] for e in back] == [37]
    assert sim.world.doorflow.channels[1202].door_open is True


async def test_door_route_uses_the_table(sim: Sim) -> None:
    answer = await sim.control("POST", "doorflow/door/1201", {"open": True, "forced": True})
    assert [e["event_code"] for e in answer["events"]] == [33]
    answer = await sim.control("POST", "doorflow/door/1201", {"held": True})
    assert [e["event_code"] for e in answer["events"]] == [34]
    answer = await sim.control("POST", "doorflow/door/1201", {"open": False})
    assert [e["event_code"] for e in answer["events"]] == [32, 37]


async def test_relock_and_status_events(sim: Sim) -> None:
    relock = (sim.clock.utcnow() + timedelta(seconds=60)).isoformat()
    await sim.doorflow("POST", "/api/3/channels/1201/unlock", json={"relock_at": relock})
    sim.clock.advance(61)
    back = (await _events(sim, "event_codes=51&n=1"))[0]
    assert back["person_name"] is None
    assert back["event_label"] == "Back to normal mode (relock time reached)"
    assert back["created_at"] == "2026-11-20T12:01:00.000Z"
    await sim.control("PATCH", "doorflow/channels/1203", {"status": "online"})
    await sim.control("PATCH", "doorflow/channels/1203", {"status": "pending_encryption"})
    codes = [e["event_code"] for e in await _events(sim, "event_codes=1,2,3")]
    assert codes == [3, 1]


async def test_events_are_in_time_order(sim: Sim) -> None:
    since = sim.clock.utcnow().isoformat().replace("+00:00", "Z")
    await sim.doorflow("POST", "/api/3/channels/1201/admit")
    await _inject(sim, 1202, kind="forced")
    sim.clock.advance(120)
    items = await _events(sim, f"event_codes=15,32,33,37&sort=ASC&n=10&since={since}")
    assert [e["event_code"] for e in items] == [33, 15, 32, 37]
    assert [e["id"] for e in items] == sorted(e["id"] for e in items)
    dates = [e["created_at"] for e in items]
    assert dates == sorted(dates)


def test_labels() -> None:
    assert label_for(20, None) == "Rejected: card not valid"
    assert label_for(15, "Anna") == "Anna admitted by application"
    assert label_for(77, None) == "Event 77"


async def test_added_channel_brings_its_history(sim: Sim) -> None:
    channel = await sim.control(
        "POST", "doorflow/channels", {"name": "Lab", "events": [{"kind": "rex", "ago": 10}]}
    )
    events = await _events(sim, f"channels={channel['id']}")
    assert [(e["event_code"], e["channel_name"]) for e in events] == [(13, "Lab")]
