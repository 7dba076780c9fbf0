"""Tedee device activity: the endpoint, paging by date, guests, scopes and what logs activity."""

from __future__ import annotations

from datetime import datetime

import pytest

from simulator.tedee_activity import ActivityError, event_code, naive_ms

from .conftest import Sim

USER_FIELDS = ("userName", "username")

GUEST = "demo-tedee-guest-key"
NO_ACTIVITY = "demo-tedee-noactivity-key"


def name(item: dict) -> str | None:
    """Return an activity's user name, in whichever spelling of the docs it came."""
    spellings = [field for field in USER_FIELDS if field in item]
    assert len(spellings) == 1, item
    value: str | None = item[spellings[0]]
    return value


async def _activity(sim: Sim, query: str, token: str = "demo-tedee-personal-key") -> list[dict]:
    answer = await sim.tedee("GET", f"/my/deviceactivity?{query}", token=token)
    assert answer.status == 200, answer.text
    result: list[dict] = answer.body["result"]
    return result


async def test_history_shape_and_order(sim: Sim) -> None:
    items = await _activity(sim, "deviceId=1001")
    assert [i["event"] for i in items] == [32, 62, 52, 33, 34, 61]
    newest = items[0]
    # The docs' "Device activity" fields; the user's name in one of the two spellings.
    assert set(newest) - set(USER_FIELDS) == {"id", "deviceId", "userId", "event", "source", "date"}
    assert name(newest) == "Ben"
    assert newest["userId"] == 4244
    assert newest["source"] == 1
    assert newest["deviceId"] == 1001
    # Naive UTC with milliseconds, newest first.
    assert newest["date"] == "2026-11-20T11:30:00.000"
    dates = [datetime.fromisoformat(i["date"]) for i in items]
    assert dates == sorted(dates, reverse=True)
    button = items[4]
    assert (button["userId"], name(button), button["source"]) == (None, None, 0)


async def test_elements_and_paging_by_date(sim: Sim) -> None:
    first = await _activity(sim, "deviceId=1001&elements=2")
    assert [i["event"] for i in first] == [32, 62]
    last_date = first[-1]["date"]
    second = await _activity(sim, f"deviceId=1001&elements=2&lastElemDate={last_date}")
    assert [i["event"] for i in second] == [52, 33]
    zulu = await _activity(sim, f"deviceId=1001&elements=2&lastElemDate={last_date}Z")
    assert zulu == second
    offset = await _activity(
        sim, "deviceId=1001&lastElemDate=2026-11-20T11:00:00%2B01:00&elements=200"
    )
    assert [i["event"] for i in offset] == [34, 61]
    everything = await _activity(sim, "DEVICEID=1001&Elements=200")
    assert len(everything) == 6


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("deviceId=1001&elements=201", 400),
        ("deviceId=1001&elements=0", 400),
        ("deviceId=1001&elements=x", 400),
        ("deviceId=1001&lastElemDate=yesterday", 400),
        ("elements=5", 400),
        ("deviceId=abc", 400),
        ("deviceId=77", 404),
    ],
)
async def test_bad_queries(sim: Sim, query: str, status: int) -> None:
    answer = await sim.tedee("GET", f"/my/deviceactivity?{query}")
    assert answer.status == status
    assert answer.body["success"] is False


async def test_scope_and_budget(sim: Sim) -> None:
    denied = await sim.tedee("GET", "/my/deviceactivity?deviceId=1001", token=NO_ACTIVITY)
    assert denied.status == 403
    readonly = "demo-tedee-readonly-key"
    assert (
        await sim.tedee("GET", "/my/deviceactivity?deviceId=1001", token=readonly)
    ).status == 403
    bearer = await sim.tedee(
        "GET", "/my/deviceactivity?deviceId=1001", token="demo-tedee-bearer-token", scheme="Bearer"
    )
    assert bearer.status == 200
    await sim.control("POST", "tedee/config", {"hourly_limit": 4, "reset_limits": True})
    for _ in range(4):
        assert (await sim.tedee("GET", "/my/deviceactivity?deviceId=1002")).status == 200
    assert (await sim.tedee("GET", "/my/deviceactivity?deviceId=1002")).status == 429


async def test_guest_sees_own_and_authorless_activity(sim: Sim) -> None:
    user = await sim.tedee("GET", "/my/user", token=GUEST)
    assert user.body["result"] == {"id": 4244, "email": "ben@example.com", "name": "Ben"}
    items = await _activity(sim, "deviceId=1001", token=GUEST)
    assert [i["event"] for i in items] == [32, 62, 34]
    assert {name(i) for i in items} == {"Ben", None}
    # The guest's own operation is logged under the guest's name.
    answer = await sim.tedee("POST", "/my/lock/1002/operation/lock", token=GUEST)
    assert answer.status == 202
    sim.clock.advance(3)
    mine = await _activity(sim, "deviceId=1002&elements=1", token=GUEST)
    assert (mine[0]["event"], name(mine[0])) == (32, "Ben")
    # Gates are devices with no activity.
    assert await _activity(sim, "deviceId=501", token=GUEST) == []


async def test_operations_log_activity(sim: Sim) -> None:
    await sim.tedee("POST", "/my/lock/1001/operation/unlock")
    sim.clock.advance(3)
    items = await _activity(sim, "deviceId=1001&elements=2")
    assert [(i["event"], name(i), i["source"]) for i in items] == [
        (52, "Demo User", 1),
        (33, "Demo User", 1),
    ]
    assert items[0]["date"] > items[1]["date"]
    sim.clock.advance(5)
    await sim.tedee("POST", "/my/lock/1001/operation/unlock?mode=4")
    sim.clock.advance(3)
    assert (await _activity(sim, "deviceId=1001&elements=1"))[0]["event"] == 55
    await sim.tedee("POST", "/my/lock/1001/operation/pull")
    sim.clock.advance(3)
    assert (await _activity(sim, "deviceId=1001&elements=1"))[0]["event"] == 51
    await sim.tedee("POST", "/my/lock/1001/operation/lock")
    sim.clock.advance(3)
    assert (await _activity(sim, "deviceId=1001&elements=1"))[0]["event"] == 32
    await sim.tedee("POST", "/my/lock/1002/operation/lock")
    sim.clock.advance(3)
    await sim.tedee("POST", "/my/lock/1002/operation/unlock")
    sim.clock.advance(3)
    assert (await _activity(sim, "deviceId=1002&elements=1"))[0]["event"] == 33
    await sim.control("PATCH", "tedee/locks/1002", {"jam_next_operation": True})
    await sim.tedee("POST", "/my/lock/1002/operation/lock")
    sim.clock.advance(3)
    jam = (await _activity(sim, "deviceId=1002&elements=1"))[0]
    assert (jam["event"], name(jam), jam["source"]) == (40, None, 0)
    # Nothing is logged before the lock gets there, nor when the lock is off its bridge.
    count = len(await _activity(sim, "deviceId=1003"))
    await sim.tedee("POST", "/my/lock/1003/operation/unlock")
    sim.clock.advance(3)
    assert len(await _activity(sim, "deviceId=1003")) == count


async def test_injected_activity_changes_the_lock(sim: Sim) -> None:
    added = await sim.control(
        "POST", "tedee/locks/1001/activity", {"event": "pin_unlock", "username": "Anna"}
    )
    assert [(a["event"], name(a), a["source"]) for a in added] == [(61, "Anna", 0)]
    assert sim.world.tedee.locks[1001].state == 2
    await sim.control("POST", "tedee/locks/1001/activity", {"event": 34})
    assert sim.world.tedee.locks[1001].state == 6
    await sim.control("POST", "tedee/locks/1001/activity", {"event": "UnlockedManual"})
    assert sim.world.tedee.locks[1001].state == 2
    await sim.control("POST", "tedee/locks/1001/activity", {"event": "manual_pull"})
    assert sim.world.tedee.locks[1001].state == 7
    sim.clock.advance(3)
    sim.world.tick()
    assert sim.world.tedee.locks[1001].state == 2
    await sim.control("POST", "tedee/locks/1001/activity", {"event": 47})
    assert sim.world.tedee.locks[1001].state == 3
    await sim.control("POST", "tedee/locks/1002/activity", {"event": "charging_started"})
    assert sim.world.tedee.locks[1002].is_charging is True
    await sim.control("POST", "tedee/locks/1002/activity", {"event": 50})
    assert sim.world.tedee.locks[1002].is_charging is False
    await sim.control("POST", "tedee/locks/1002/activity", {"event": "jammed"})
    assert sim.world.tedee.locks[1002].state_change_result == 1
    before = sim.world.tedee.locks[1002].state
    only_logged = (62, 75, 41, 42, 43, 85, 86, 224, 225, 999)
    for code in only_logged:
        await sim.control("POST", "tedee/locks/1002/activity", {"event": code})
    assert sim.world.tedee.locks[1002].state == before
    items = await _activity(sim, f"deviceId=1002&elements={len(only_logged)}")
    assert [i["event"] for i in items] == list(reversed(only_logged))
    # The newer codes move the lock as their documented meaning says.
    lock = sim.world.tedee.locks[1002]
    for event, state in [
        ("PostponedLock", 6),  # locked by holding the button
        ("force_unlock", 2),
        ("keypad_button_lock", 6),
        ("fingerprint_unlock", 2),
        ("matter_lock", 6),
        ("access_link_unlock", 2),
        ("bridge_api_lock", 6),
        ("LockPartiallyOpenByMatter", 3),
    ]:
        await sim.control("POST", "tedee/locks/1002/activity", {"event": event})
        assert lock.state == state, event
    await sim.control("POST", "tedee/locks/1002/activity", {"event": "door_opened"})
    assert lock.door_state == 2
    await sim.control("POST", "tedee/locks/1002/activity", {"event": 84})
    assert lock.door_state == 3
    new_user = await sim.control(
        "POST", "tedee/locks/1004/activity", {"event": 61, "username": "Zoe", "count": 3}
    )
    assert len(new_user) == 3
    assert len({a["date"] for a in new_user}) == 3
    assert any(u["name"] == "Zoe" for u in (await sim.control("GET", "state"))["tedee"]["users"])
    listing = await sim.control("GET", "tedee/locks/1004/activity")
    assert name(listing[0]) == "Zoe"


async def test_injection_errors(sim: Sim) -> None:
    for body in (
        {"event": "dance"},
        {"event": True},
        {"event": 61, "source": 3},
        {"event": 61, "count": 0},
        {"event": 61, "username": ""},
        {"event": 61, "colour": "red"},
    ):
        answer = await sim.call("POST", "/_control/tedee/locks/1001/activity", json=body)
        assert answer.status == 400, body
    missing = await sim.call("POST", "/_control/tedee/locks/7/activity", json={"event": 61})
    assert missing.status == 404


async def test_control_patch_logs_manual_activity(sim: Sim) -> None:
    await sim.control("PATCH", "tedee/locks/1001", {"state": 2})
    await sim.control("PATCH", "tedee/locks/1004", {"isCharging": False})
    await sim.control("PATCH", "tedee/locks/1002", {"state": 6, "activity": False})
    assert (await _activity(sim, "deviceId=1001&elements=1"))[0]["event"] == 39
    assert (await _activity(sim, "deviceId=1004&elements=1"))[0]["event"] == 50
    assert (await _activity(sim, "deviceId=1002&elements=1"))[0]["event"] == 56
    await sim.control("DELETE", "tedee/locks/1002")
    await sim.control("POST", "tedee/locks", {"id": 1002, "name": "Again"})
    assert await _activity(sim, "deviceId=1002") == []


async def test_users_control(sim: Sim) -> None:
    user = await sim.control("POST", "tedee/users", {"name": "Cleo", "organizationUserId": 7})
    assert user["email"] == "cleo@example.com"
    assert user["organizationUserId"] == 7
    await sim.control("POST", "tedee/locks/1001/activity", {"event": 61, "username": "Cleo"})
    newest = (await _activity(sim, "deviceId=1001&elements=1"))[0]
    assert "organizationUserId" not in newest  # not a field of the documented item
    assert (await sim.call("POST", "/_control/tedee/users", json={})).status == 400
    clash = await sim.call("POST", "/_control/tedee/users", json={"id": 4243, "name": "X"})
    assert clash.status == 409
    await sim.control(
        "POST",
        "tokens",
        {"api": "tedee", "token": "cleo-key", "user": "Cleo", "guest": True},
    )
    cleo = await sim.tedee("GET", "/my/user", token="cleo-key")
    assert cleo.body["result"]["name"] == "Cleo"


def test_event_names() -> None:
    assert event_code("UnlockByPin") == 61
    assert event_code("wrong_pin") == 62
    assert event_code("225") == 225
    assert event_code(300) == 300
    with pytest.raises(ActivityError):
        event_code(None)
    assert naive_ms(datetime.fromisoformat("2020-11-20T13:59:26.212999+00:00")) == (
        "2020-11-20T13:59:26.212"
    )


async def test_ambient_life_logs_activity(sim: Sim) -> None:
    before = sim.world.tedee.activity.count()
    events = sim.world.doorflow.events.items[-1].id
    await sim.control("POST", "ambient", {"events": 200})
    assert sim.world.tedee.activity.count() > before
    codes = {a.event for a in sim.world.tedee.activity.recent(1000)}
    assert {61, 34, 62} <= codes
    assert sim.world.doorflow.events.items[-1].id > events


async def test_added_lock_brings_its_history(sim: Sim) -> None:
    lock = await sim.control(
        "POST",
        "tedee/locks",
        {"name": "Shed", "activity": [{"event": 61, "user": "Anna", "ago": 60}, {"event": 34}]},
    )
    items = await _activity(sim, f"deviceId={lock['id']}")
    assert [(i["event"], name(i)) for i in items] == [(34, None), (61, "Anna")]
