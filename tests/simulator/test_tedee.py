"""Tedee cloud API: envelope, auth, versions, locks, sync limits, operations, gates."""

from __future__ import annotations

import pytest

from .conftest import TEDEE_BEARER, Sim


async def test_envelope_and_headers(sim: Sim) -> None:
    answer = await sim.tedee("GET", "/my/user")
    assert answer.status == 200
    assert answer.body == {
        "result": {"id": 4242, "email": "demo@example.com", "name": "Demo User"},
        "success": True,
        "errorMessages": [],
        "statusCode": 200,
    }
    assert answer.headers["API-Supported-Versions"] == "v1.36, v37"
    assert answer.headers["API-Deprecated-Versions"] == "v1.36"
    assert "Deprecation" not in answer.headers


async def test_bearer_auth(sim: Sim) -> None:
    answer = await sim.tedee("GET", "/my/user", token=TEDEE_BEARER, scheme="Bearer")
    assert answer.status == 200
    # A personal key presented as Bearer is not a bearer token.
    wrong = await sim.tedee("GET", "/my/user", scheme="Bearer")
    assert wrong.status == 401


@pytest.mark.parametrize(
    ("token", "scheme"),
    [(None, "PersonalKey"), ("nope", "PersonalKey"), ("demo-tedee-expired-key", "PersonalKey")],
)
async def test_unauthorized(sim: Sim, token: str | None, scheme: str) -> None:
    answer = await sim.tedee("GET", "/my/lock", token=token, scheme=scheme)
    assert answer.status == 401
    assert answer.body["success"] is False
    assert answer.body["statusCode"] == 401
    assert answer.body["errorMessages"]
    assert answer.headers["API-Supported-Versions"] == "v1.36, v37"


async def test_revoked_token(sim: Sim) -> None:
    await sim.control("POST", "tokens/revoke", {"token": "demo-tedee-personal-key"})
    assert (await sim.tedee("GET", "/my/lock")).status == 401


async def test_added_token_and_missing_scope(sim: Sim) -> None:
    await sim.control(
        "POST",
        "tokens",
        {"api": "tedee", "token": "short", "kind": "bearer", "scopes": ["Device.Read"]},
    )
    ok = await sim.tedee("GET", "/my/lock", token="short", scheme="Bearer")
    assert ok.status == 200
    denied = await sim.tedee("POST", "/my/lock/1001/operation/lock", token="short", scheme="Bearer")
    assert denied.status == 403
    gate = await sim.tedee("POST", "/my/gate/501/operation/unlock", token="short", scheme="Bearer")
    assert gate.status == 403


async def test_token_expiry_by_clock(sim: Sim) -> None:
    await sim.control(
        "POST", "tokens", {"api": "tedee", "token": "brief", "kind": "bearer", "expires_in": 60}
    )
    assert (await sim.tedee("GET", "/my/user", token="brief", scheme="Bearer")).status == 200
    sim.clock.advance(61)
    assert (await sim.tedee("GET", "/my/user", token="brief", scheme="Bearer")).status == 401


async def test_lock_list_and_detail(sim: Sim) -> None:
    answer = await sim.tedee("GET", "/my/lock")
    locks = answer.body["result"]
    assert [lk["id"] for lk in locks] == [1001, 1002, 1003, 1004]
    front = locks[0]
    assert front["type"] == 2
    assert front["connectedToId"] == 9001
    assert front["deviceSettings"]["pullSpringEnabled"] is True
    assert front["deviceState"]["doorState"] == 3
    assert front["softwareVersions"] == [{"softwareType": 0, "version": "2.2.17707"}]
    assert locks[1]["type"] == 4
    assert "doorState" not in locks[1]["deviceState"]
    assert locks[2]["deviceState"] is None
    assert locks[3]["deviceState"]["isCharging"] is True
    detail = await sim.tedee("GET", "/my/lock/1002")
    assert detail.body["result"]["name"] == "Back door"
    assert (await sim.tedee("GET", "/my/lock/9")).status == 404


async def test_lock_pagination(sim: Sim) -> None:
    page1 = await sim.tedee("GET", "/my/lock?Page=1&ItemsPerPage=3")
    page2 = await sim.tedee("GET", "/my/lock?page=2&itemsPerPage=3")
    assert [lk["id"] for lk in page1.body["result"]] == [1001, 1002, 1003]
    assert [lk["id"] for lk in page2.body["result"]] == [1004]
    assert (await sim.tedee("GET", "/my/lock?Page=0&ItemsPerPage=3")).status == 400


async def test_bridges(sim: Sim) -> None:
    answer = await sim.tedee("GET", "/my/bridge")
    assert answer.body["result"][0]["id"] == 9001
    assert answer.body["result"][0]["type"] == 1


async def test_bulk_sync_shapes_and_20s_limit(sim: Sim) -> None:
    answer = await sim.tedee("GET", "/my/lock/sync")
    items = {item["id"]: item for item in answer.body["result"]}
    assert items[1003] == {"id": 1003, "isConnected": False, "deviceState": None, "revision": 1}
    assert "doorState" not in items[1002]["deviceState"]
    assert items[1001]["deviceState"]["lastStateChangedDate"].endswith("Z")
    sim.clock.advance(5)
    limited = await sim.tedee("GET", "/my/lock/sync")
    assert limited.status == 429
    assert limited.headers["Retry-After"] == "15"
    assert limited.body["success"] is False
    sim.clock.advance(15)
    filtered = await sim.tedee("GET", "/my/lock/sync?id=1001&id=1004")
    assert [i["id"] for i in filtered.body["result"]] == [1001, 1004]


async def test_single_sync_limit_is_per_lock(sim: Sim) -> None:
    first = await sim.tedee("GET", "/my/lock/1001/sync")
    assert first.body["result"]["id"] == 1001
    assert (await sim.tedee("GET", "/my/lock/1002/sync")).status == 200
    sim.clock.advance(19.5)
    again = await sim.tedee("GET", "/my/lock/1001/sync")
    assert again.status == 429
    assert again.headers["Retry-After"] == "1"
    sim.clock.advance(0.5)
    assert (await sim.tedee("GET", "/my/lock/1001/sync")).status == 200


async def test_legacy_lock_properties(sim: Sim) -> None:
    await sim.control("POST", "tedee/config", {"legacy_lock_properties": True})
    sync = await sim.tedee("GET", "/my/lock/1001/sync")
    assert sync.body["result"]["lockProperties"]["state"] == 6
    assert "deviceState" not in sync.body["result"]
    lock = await sim.tedee("GET", "/my/lock/1001")
    assert "lockProperties" in lock.body["result"]


async def test_hourly_limit_and_retry_after(sim: Sim) -> None:
    await sim.control("POST", "tedee/config", {"hourly_limit": 3})
    for _ in range(3):
        assert (await sim.tedee("GET", "/my/user")).status == 200
        sim.clock.advance(10)
    blocked = await sim.tedee("GET", "/my/user")
    assert blocked.status == 429
    assert blocked.headers["Retry-After"] == str(3600 - 30)
    # 429 answers do not consume budget: the window frees when the first request ages out.
    sim.clock.advance(3570)
    assert (await sim.tedee("GET", "/my/user")).status == 200


async def test_deprecated_version_has_lower_limit(sim: Sim) -> None:
    await sim.control("POST", "tedee/config", {"hourly_limit": 10, "deprecated_hourly_limit": 2})
    for _ in range(2):
        assert (await sim.tedee("GET", "/my/user", version="v1.36")).status == 200
    assert (await sim.tedee("GET", "/my/user", version="v1.36")).status == 429
    assert (await sim.tedee("GET", "/my/user")).status == 200


async def test_version_lifecycle(sim: Sim) -> None:
    deprecated = await sim.tedee("GET", "/my/user", version="v1.36")
    assert deprecated.status == 200
    assert deprecated.headers["Deprecation"] == "true"
    assert deprecated.headers["Sunset"] == "Mon, 01 Feb 2027 00:00:00 GMT"
    retired = await sim.tedee("GET", "/my/lock", version="v1.35")
    assert retired.status == 410
    assert retired.body["errorMessages"] == ["API version v1.35 retired"]
    unknown = await sim.tedee("GET", "/my/lock", version="v99")
    assert unknown.status == 404
    config = {"versions": {"supported": ["v1.35"], "retired": ["v1.36"]}}
    await sim.control("POST", "tedee/config", config)
    legacy = await sim.tedee("GET", "/my/lock/1001/sync", version="v1.35")
    assert legacy.status == 200
    assert legacy.headers["API-Supported-Versions"] == "v1.35, v37"
    assert "deviceState" in legacy.body["result"]
    await sim.control("POST", "tedee/config", {"versions": {"supported": ["v1.34"]}})
    older = await sim.tedee("GET", "/my/lock/1002/sync", version="v1.34")
    assert "lockProperties" in older.body["result"]


async def test_unknown_path_is_enveloped_404(sim: Sim) -> None:
    answer = await sim.tedee("GET", "/my/nothing")
    assert answer.status == 404
    assert answer.body["statusCode"] == 404
    assert answer.headers["API-Supported-Versions"]


async def _wait_op(sim: Sim, op_id: str) -> dict:
    for _ in range(20):
        op = (await sim.tedee("GET", f"/my/device/operation/{op_id}")).body["result"]
        if op["status"] == "COMPLETED":
            return op
        sim.clock.advance(0.5)
    raise AssertionError("operation never completed")


def _state(sim: Sim, lock_id: int) -> int:
    sim.world.tick()
    return sim.world.tedee.locks[lock_id].state


async def test_lock_operation_lifecycle(sim: Sim) -> None:
    await sim.control("PATCH", "tedee/locks/1002", {"state": 2})
    answer = await sim.tedee("POST", "/my/lock/1002/operation/lock")
    assert answer.status == 202
    op_id = answer.body["result"]["operationId"]
    assert answer.body["result"]["lastStateChangedDate"].endswith("Z")
    pending = await sim.tedee("GET", f"/my/device/operation/{op_id}")
    assert pending.body["result"] == {
        "deviceId": 1002,
        "operationId": op_id,
        "type": 0,
        "status": "PENDING",
        "result": None,
    }
    assert _state(sim, 1002) == 5
    op = await _wait_op(sim, op_id)
    assert op["result"] == 0
    assert _state(sim, 1002) == 6
    assert (await sim.tedee("GET", "/my/device/operation/nope")).status == 404


async def test_unlock_with_auto_pull_spring(sim: Sim) -> None:
    answer = await sim.tedee("POST", "/my/lock/1001/operation/unlock")
    op_id = answer.body["result"]["operationId"]
    assert _state(sim, 1001) == 4
    op = await _wait_op(sim, op_id)
    assert op["type"] == 1
    assert _state(sim, 1001) == 7
    sim.clock.advance(3.1)
    assert _state(sim, 1001) == 2


async def test_unlock_mode_3_skips_pull(sim: Sim) -> None:
    answer = await sim.tedee("POST", "/my/lock/1001/operation/unlock?mode=3")
    await _wait_op(sim, answer.body["result"]["operationId"])
    assert _state(sim, 1001) == 2


async def test_unlock_mode_4_pulls_when_unlocked(sim: Sim) -> None:
    await sim.control("PATCH", "tedee/locks/1001", {"state": 2, "autoPullSpringEnabled": False})
    answer = await sim.tedee("POST", "/my/lock/1001/operation/unlock?mode=4")
    assert _state(sim, 1001) == 8
    await _wait_op(sim, answer.body["result"]["operationId"])
    assert _state(sim, 1001) == 7


async def test_force_unlock_only_in_unknown_state(sim: Sim) -> None:
    assert (await sim.tedee("POST", "/my/lock/1001/operation/unlock?mode=2")).status == 400
    assert (await sim.tedee("POST", "/my/lock/1001/operation/unlock?mode=7")).status == 400
    await sim.control("PATCH", "tedee/locks/1001", {"state": 9})
    answer = await sim.tedee("POST", "/my/lock/1001/operation/unlock?mode=2")
    assert answer.status == 202
    await _wait_op(sim, answer.body["result"]["operationId"])
    assert _state(sim, 1001) == 2


async def test_pull(sim: Sim) -> None:
    assert (await sim.tedee("POST", "/my/lock/1002/operation/pull")).status == 400
    await sim.control("PATCH", "tedee/locks/1001", {"state": 2})
    answer = await sim.tedee("POST", "/my/lock/1001/operation/pull")
    assert _state(sim, 1001) == 8
    op = await _wait_op(sim, answer.body["result"]["operationId"])
    assert op["type"] == 2
    assert _state(sim, 1001) == 7
    sim.clock.advance(5)
    assert _state(sim, 1001) == 2


async def test_jammed_operation(sim: Sim) -> None:
    await sim.control("PATCH", "tedee/locks/1002", {"jam_next_operation": True})
    answer = await sim.tedee("POST", "/my/lock/1002/operation/lock")
    op = await _wait_op(sim, answer.body["result"]["operationId"])
    assert op["result"] == 1
    sim.clock.advance(20)
    sync = await sim.tedee("GET", "/my/lock/1002/sync")
    assert sync.body["result"]["deviceState"]["state"] == 2
    assert sync.body["result"]["deviceState"]["stateChangeResult"] == 1
    # The flag is one-shot.
    answer = await sim.tedee("POST", "/my/lock/1002/operation/lock")
    assert (await _wait_op(sim, answer.body["result"]["operationId"]))["result"] == 0


async def test_disconnected_and_uncalibrated_locks(sim: Sim) -> None:
    answer = await sim.tedee("POST", "/my/lock/1003/operation/unlock")
    assert answer.status == 202
    op = await _wait_op(sim, answer.body["result"]["operationId"])
    assert op["result"] == 2
    await sim.control("PATCH", "tedee/locks/1004", {"state": 0})
    answer = await sim.tedee("POST", "/my/lock/1004/operation/unlock")
    assert (await _wait_op(sim, answer.body["result"]["operationId"]))["result"] == 0
    assert _state(sim, 1004) == 0
    assert (await sim.tedee("POST", "/my/lock/4/operation/lock")).status == 404


async def test_control_patch_bumps_revision_and_hides_state(sim: Sim) -> None:
    await sim.control("PATCH", "tedee/locks/1002", {"name": "Patio", "isConnected": False})
    sync = (await sim.tedee("GET", "/my/lock/1002/sync")).body["result"]
    assert sync == {"id": 1002, "isConnected": False, "deviceState": None, "revision": 2}
    await sim.control("PATCH", "tedee/locks/1001", {"doorState": None})
    lock = (await sim.tedee("GET", "/my/lock/1001")).body["result"]
    assert "doorState" not in lock["deviceState"]
    added = await sim.control("POST", "tedee/locks", {"name": "New", "type": 4})
    assert (await sim.tedee("GET", f"/my/lock/{added['id']}")).status == 200
    await sim.control("DELETE", f"tedee/locks/{added['id']}")
    assert (await sim.tedee("GET", f"/my/lock/{added['id']}")).status == 404


async def test_gate_list_paged(sim: Sim) -> None:
    answer = await sim.tedee("GET", "/my/gate?Page=1&ItemsPerPage=2")
    result = answer.body["result"]
    assert result["page"] == 1
    assert result["itemsPerPage"] == 2
    assert [g["id"] for g in result["gates"]] == [501, 502]
    gate = (await sim.tedee("GET", "/my/gate/501")).body["result"]
    assert gate["type"] == 5
    assert gate["isConnected"] is True
    assert gate["isPresentInExternal"] is True
    assert (await sim.tedee("GET", "/my/gate/9")).status == 404


async def test_gate_unlinking_waits_for_gate_sync(sim: Sim) -> None:
    await sim.control("PATCH", "tedee/gates/501", {"isPresentInExternal": False})
    before = (await sim.tedee("GET", "/my/gate/501")).body["result"]
    assert before["isPresentInExternal"] is True
    sync = await sim.tedee("POST", "/my/gate/sync")
    assert sync.status == 204
    after = (await sim.tedee("GET", "/my/gate/501")).body["result"]
    assert after["isPresentInExternal"] is False
    assert after["revision"] == before["revision"] + 1
    # Re-added in BleBox: one gate's sync re-links it.
    await sim.control("PATCH", "tedee/gates/501", {"isPresentInExternal": True})
    single = await sim.tedee("POST", "/my/gate/501/sync")
    assert single.body["result"]["isPresentInExternal"] is True
    await sim.control("PATCH", "tedee/gates/501", {"isPresentInExternal": False, "immediate": True})
    assert (await sim.tedee("GET", "/my/gate/501")).body["result"]["isPresentInExternal"] is False


async def test_gates_resync_by_themselves_after_24h(sim: Sim) -> None:
    await sim.control("PATCH", "tedee/gates/502", {"isPresentInExternal": True})
    sim.clock.advance(24 * 3600)
    assert (await sim.tedee("GET", "/my/gate/502")).body["result"]["isPresentInExternal"] is True


async def test_gate_open(sim: Sim) -> None:
    assert (await sim.tedee("POST", "/my/gate/501/operation/unlock")).status == 204
    assert sim.world.tedee.gates[501].opened == 1
    assert (await sim.tedee("POST", "/my/gate/502/operation/unlock")).status == 423
    assert (await sim.tedee("POST", "/my/gate/503/operation/unlock")).status == 423
    assert (await sim.tedee("POST", "/my/gate/599/operation/unlock")).status == 404
    await sim.control("PATCH", "tedee/gates/501", {"timeout_next_open": True})
    timeout = await sim.tedee("POST", "/my/gate/501/operation/unlock")
    assert timeout.status == 408
    assert timeout.body["statusCode"] == 408
    assert (await sim.tedee("POST", "/my/gate/501/operation/unlock")).status == 204
    await sim.control("PATCH", "tedee/gates/501", {"accessLevel": 0})
    assert (await sim.tedee("POST", "/my/gate/501/operation/unlock")).status == 403
    await sim.control("POST", "tedee/config", {"blebox_integration": False})
    assert (await sim.tedee("POST", "/my/gate/503/operation/unlock")).status == 412
    assert (await sim.tedee("POST", "/my/gate/sync")).status == 412


async def test_lock_list_limit_for_personal_keys(sim: Sim) -> None:
    await sim.control("POST", "tedee/config", {"lock_list_limit": 2})
    assert (await sim.tedee("GET", "/my/lock")).status == 200
    assert (await sim.tedee("GET", "/my/lock")).status == 200
    limited = await sim.tedee("GET", "/my/lock")
    assert limited.status == 429
    assert int(limited.headers["Retry-After"]) == 600
    bearer = await sim.tedee("GET", "/my/lock", token=TEDEE_BEARER, scheme="Bearer")
    assert bearer.status == 200


async def test_wrong_verb_is_enveloped_405(sim: Sim) -> None:
    answer = await sim.tedee("GET", "/my/gate/sync")
    assert answer.status == 405
    assert answer.body["statusCode"] == 405
    assert answer.headers["API-Supported-Versions"] == "v1.36, v37"


async def test_a_guest_sees_only_the_locks_shared_with_it(sim: Sim) -> None:
    """Ben's own key lists the two doors shared with him, as a guest; the owner's lists all."""
    guest = "demo-tedee-guest-key"
    owner = await sim.tedee("GET", "/my/lock")
    assert [(lock["id"], lock["accessLevel"]) for lock in owner.body["result"]] == [
        (1001, 2),
        (1002, 2),
        (1003, 2),
        (1004, 2),
    ]
    listed = await sim.tedee("GET", "/my/lock", token=guest)
    assert [(lock["id"], lock["accessLevel"]) for lock in listed.body["result"]] == [
        (1001, 0),
        (1002, 0),
    ]
    synced = await sim.tedee("GET", "/my/lock/sync", token=guest)
    assert [lock["id"] for lock in synced.body["result"]] == [1001, 1002]
    assert (await sim.tedee("GET", "/my/lock/1003", token=guest)).status == 404
    assert (await sim.tedee("POST", "/my/lock/1003/operation/lock", token=guest)).status == 404
    assert (await sim.tedee("GET", "/my/deviceactivity?deviceId=1003", token=guest)).status == 404
    # The owner stops sharing the front door.
    await sim.control("PATCH", "tedee/locks/1001", {"sharedWith": []})
    listed = await sim.tedee("GET", "/my/lock", token=guest)
    assert [lock["id"] for lock in listed.body["result"]] == [1002]
    bad = await sim.call("PATCH", "/_control/tedee/locks/1001", json={"sharedWith": "Ben"})
    assert bad.status == 400


async def test_rate_limits_are_counted_per_user(sim: Sim) -> None:
    """The owner's lock sync does not use up the guest's 20 s: each user has its own."""
    assert (await sim.tedee("GET", "/my/lock/sync")).status == 200
    assert (await sim.tedee("GET", "/my/lock/sync")).status == 429
    guest = await sim.tedee("GET", "/my/lock/sync", token="demo-tedee-guest-key")
    assert guest.status == 200
