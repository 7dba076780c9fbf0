"""DoorFlow API v3: auth, channels, admit, door modes, sync, events and OAuth."""

from __future__ import annotations

import base64
from datetime import timedelta
import hashlib
from urllib.parse import parse_qs, urlsplit

from simulator.doorflow_models import LOCKDOWN_KEYS

from .conftest import Sim


async def test_basic_auth_and_account(sim: Sim) -> None:
    answer = await sim.doorflow("GET", "/api/3/account")
    assert answer.status == 200
    assert answer.body["id"] == "7001"  # the contract types the account id as a string
    assert answer.body["name"] == "Demo Office"
    # The home scenario has an offline door whose last sync failed.
    assert answer.body["sync"]["status"] == "failing"
    assert answer.body["sync"]["last_sync"].endswith("Z")


async def test_auth_errors(sim: Sim) -> None:
    missing = await sim.doorflow("GET", "/api/3/channels", key=None)
    assert missing.status == 401
    assert set(missing.body) == {"error", "error_description"}
    assert (await sim.doorflow("GET", "/api/3/channels", key="wrong")).status == 401
    bad_password = "Basic " + base64.b64encode(b"demo-doorflow-api-key:Y").decode()
    answer = await sim.doorflow("GET", "/api/3/channels", headers={"Authorization": bad_password})
    assert answer.status == 401
    assert (await sim.bearer("GET", "/api/3/channels", "unknown")).status == 401
    readonly = "demo-doorflow-readonly-key"
    assert (await sim.doorflow("GET", "/api/3/channels", key=readonly)).status == 200
    forbidden = await sim.doorflow("POST", "/api/3/channels/1201/admit", key=readonly)
    assert forbidden.status == 403
    assert forbidden.body["error"] == "forbidden"
    await sim.control("POST", "tokens/revoke", {"token": "demo-doorflow-api-key"})
    assert (await sim.doorflow("GET", "/api/3/account")).status == 401


async def test_channels_pagination_headers(sim: Sim) -> None:
    answer = await sim.doorflow("GET", "/api/3/channels?per_page=2&page=2")
    assert [c["id"] for c in answer.body] == [1203]
    for header in ("Total", "X-Total-Results"):
        assert answer.headers[header] == "3"
    for header in ("Per-Page", "X-Per-Page"):
        assert answer.headers[header] == "2"
    everything = await sim.doorflow("GET", "/api/3/channels?skip_pagination=true&per_page=1")
    assert len(everything.body) == 3
    capped = await sim.doorflow("GET", "/api/3/channels?per_page=5000")
    assert capped.headers["Per-Page"] == "1000"
    channel = (await sim.doorflow("GET", "/api/3/channels/1201")).body
    assert channel["mode"]["description"] == "normal"
    assert channel["lockdown"] is None
    assert channel["sync"]["status"] == "ok"
    assert set(channel) >= {
        "status",
        "auto_unlock",
        "model",
        "freescale_version",
        "pic_version",
        "site_id",
    }
    assert "firmware" not in channel  # not in the contract
    missing = await sim.doorflow("GET", "/api/3/channels/9")
    assert missing.status == 404
    assert missing.body["error"] == "not_found"


async def test_admit_admitted(sim: Sim) -> None:
    answer = await sim.doorflow("POST", "/api/3/channels/1201/admit")
    assert answer.status == 202
    assert answer.body["status"] == "pending"
    admission_id = answer.body["admission_request_id"]
    sim.clock.advance(3.1)
    result = await sim.doorflow("GET", f"/api/3/admission_requests/{admission_id}")
    assert result.body["status"] == "admitted"
    events = (await sim.doorflow("GET", "/api/3/events?n=5")).body
    assert events[0]["event_code"] == 15
    assert events[0]["channel_id"] == 1201
    assert events[0]["person_name"] == "Demo User"
    assert events[0]["event_label"] == "Demo User admitted by application"


async def test_admit_offline_denied_timeout(sim: Sim) -> None:
    offline = await sim.doorflow("POST", "/api/3/channels/1203/admit")
    assert offline.body["status"] == "offline"
    await sim.doorflow("POST", "/api/3/channels/1202/lockdown", json={"card_lockdown": True})
    denied = await sim.doorflow("POST", "/api/3/channels/1202/admit")
    sim.clock.advance(3.1)
    denied_id = denied.body["admission_request_id"]
    answer = await sim.doorflow("GET", f"/api/3/admission_requests/{denied_id}")
    assert answer.body["status"] == "denied"
    await sim.control("PATCH", "doorflow/channels/1201", {"unresponsive": True})
    slow = await sim.doorflow("POST", "/api/3/channels/1201/admit")
    slow_id = slow.body["admission_request_id"]
    sim.clock.advance(60)
    assert (await sim.doorflow("GET", f"/api/3/admission_requests/{slow_id}")).body[
        "status"
    ] == "pending"
    sim.clock.advance(61)
    assert (await sim.doorflow("GET", f"/api/3/admission_requests/{slow_id}")).body[
        "status"
    ] == "timeout"
    assert (await sim.doorflow("GET", "/api/3/admission_requests/999")).status == 404


async def test_admit_needs_normal_mode(sim: Sim) -> None:
    unlocked = await sim.doorflow("POST", "/api/3/channels/1201/unlock", json={})
    assert unlocked.body["mode"]["description"] == "unlock"
    refused = await sim.doorflow("POST", "/api/3/channels/1201/admit")
    assert refused.status == 400
    assert refused.body["id"] == 1201
    normal = await sim.doorflow("POST", "/api/3/channels/1201/normal")
    assert normal.body["mode"]["description"] == "normal"
    assert normal.body["mode"]["change_stamp"] > unlocked.body["mode"]["change_stamp"]


async def test_unlock_until_relock_at(sim: Sim) -> None:
    relock = (sim.clock.utcnow().replace(microsecond=0)).isoformat().replace("+00:00", "Z")
    past = await sim.doorflow("POST", "/api/3/channels/1201/unlock", json={"relock_at": relock})
    assert past.status == 422
    assert "relock_at" in past.body["errors"]
    future = sim.clock.utcnow().timestamp() + 60
    from datetime import UTC, datetime

    relock_at = datetime.fromtimestamp(future, UTC).isoformat()
    answer = await sim.doorflow(
        "POST", "/api/3/channels/1201/unlock", json={"relock_at": relock_at}
    )
    assert answer.body["mode"]["relock_at"].endswith("Z")
    sim.clock.advance(61)
    channel = (await sim.doorflow("GET", "/api/3/channels/1201")).body
    assert channel["mode"]["description"] == "normal"
    assert channel["mode"]["relock_at"] is None


async def test_lockdown_and_unlockdown(sim: Sim) -> None:
    body = {"card_lockdown": True, "rex_lockdown": False}
    answer = await sim.doorflow("POST", "/api/3/channels/1202/lockdown", json=body)
    assert answer.body["lockdown"] == {
        "message": "Cards and PINs will be rejected",
        "card_lockdown": {"state": True},
        "rex_lockdown": {"state": False},
        "aux_lockdown": {"state": False},
    }
    assert answer.body["sync"]["status"] == "pending"
    lifted = await sim.doorflow(
        "POST", "/api/3/channels/1202/unlockdown", json={"card_lockdown": True}
    )
    assert lifted.body["lockdown"] is None
    bad = await sim.doorflow("POST", "/api/3/channels/1202/lockdown", json={"bogus": True})
    assert bad.status == 422
    assert "bogus" in bad.body["errors"]
    not_bool = await sim.doorflow("POST", "/api/3/channels/1202/lockdown", json={"rex_lockdown": 1})
    assert not_bool.status == 422
    everything = await sim.doorflow("POST", "/api/3/channels/1202/lockdown")
    assert all(everything.body["lockdown"][k]["state"] for k in LOCKDOWN_KEYS)
    assert "; " in everything.body["lockdown"]["message"]
    lifted = await sim.doorflow("POST", "/api/3/channels/1202/unlockdown")
    assert lifted.body["lockdown"] is None
    codes = [
        e["event_code"] for e in (await sim.doorflow("GET", "/api/3/events?event_codes=52,53")).body
    ]
    assert codes == [53, 52, 53, 52]


async def test_sync_lifecycle_and_rate_limit(sim: Sim) -> None:
    await sim.doorflow("POST", "/api/3/channels/1201/unlock", json={})
    account = (await sim.doorflow("GET", "/api/3/account")).body
    assert account["sync"]["status"] == "pending"
    answer = await sim.doorflow("POST", "/api/3/sync")
    assert answer.status == 200
    assert answer.body == {"result": "ok"}
    channel = (await sim.doorflow("GET", "/api/3/channels/1201")).body
    assert channel["sync"]["status"] == "syncing"
    assert (await sim.doorflow("GET", "/api/3/account")).body["sync"]["status"] == "syncing"
    sim.clock.advance(2)
    channel = (await sim.doorflow("GET", "/api/3/channels/1201")).body
    assert channel["sync"]["status"] == "ok"
    assert channel["sync"]["last_sync_completed_at"] == "2026-11-20T12:00:02Z"
    warehouse = (await sim.doorflow("GET", "/api/3/channels/1203")).body
    assert warehouse["sync"]["status"] == "fail"
    sim.clock.advance(10)
    limited = await sim.doorflow("POST", "/api/3/sync")
    assert limited.status == 429
    assert limited.body["error"] == "rate_limited"
    assert limited.body["retry_in"] == 18
    assert limited.body["description"]
    assert limited.headers["Retry-After"] == "18"
    sim.clock.advance(18)
    assert (await sim.doorflow("POST", "/api/3/sync")).body == {"result": "ok"}


async def test_events_from_door_control(sim: Sim) -> None:
    await sim.control("POST", "doorflow/door/1201", {"rex": True, "open": True})
    await sim.control("POST", "doorflow/door/1201", {"open": False})
    events = (await sim.doorflow("GET", "/api/3/events?n=3&event_codes=30,31,32")).body
    assert [e["event_code"] for e in events] == [32, 31, 30]
    assert events[0]["created_at"].endswith("Z")


async def _authorize(sim: Sim, **extra: str) -> str:
    params = {
        "client_id": "demo-doorflow-client",
        "redirect_uri": "https://example.com/cb",
        "state": "xyz",
        "response_type": "code",
        **extra,
    }
    answer = await sim.call("GET", "/oauth/authorize", params=params)
    assert answer.status == 302
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["xyz"]
    return query["code"][0]


async def test_oauth_code_refresh_rotation_and_expiry(sim: Sim) -> None:
    code = await _authorize(sim)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": "https://example.com/cb",
        "client_id": "demo-doorflow-client",
        "client_secret": "demo-doorflow-secret",
    }
    tokens = (await sim.call("POST", "/oauth/token", data=form)).body
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    assert set(tokens) == {
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "scope",
        "created_at",
    }
    # Codes are single use.
    assert (await sim.call("POST", "/oauth/token", data=form)).status == 400
    access = tokens["access_token"]
    assert (await sim.bearer("GET", "/api/3/channels", access)).status == 200
    info = (await sim.bearer("GET", "/oauth/token/info", access)).body
    assert info["application"] == {"uid": "demo-doorflow-client"}
    assert info["account_id"] == "7001"
    assert info["expires_in"] == 3600
    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": "demo-doorflow-client",
        "client_secret": "demo-doorflow-secret",
    }
    rotated = (await sim.call("POST", "/oauth/token", data=refresh)).body
    assert rotated["refresh_token"] != tokens["refresh_token"]
    reused = await sim.call("POST", "/oauth/token", data=refresh)
    assert reused.status == 400
    assert reused.body["error"] == "invalid_grant"
    sim.clock.advance(3601)
    expired = await sim.bearer("GET", "/api/3/channels", rotated["access_token"])
    assert expired.status == 401
    assert expired.body["error"] == "invalid_token"


async def test_oauth_pkce_and_errors(sim: Sim) -> None:
    verifier = "a" * 50
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    code = await _authorize(sim, code_challenge=challenge, code_challenge_method="S256")
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": "https://example.com/cb",
        "client_id": "demo-doorflow-client",
        "code_verifier": verifier,
    }
    assert (await sim.call("POST", "/oauth/token", data=form)).status == 200
    code = await _authorize(sim, code_challenge=challenge, code_challenge_method="S256")
    bad = {**form, "code": code, "code_verifier": "b" * 50}
    assert (await sim.call("POST", "/oauth/token", data=bad)).status == 400
    unknown = await sim.call("GET", "/oauth/authorize", params={"client_id": "x"})
    assert unknown.status == 401
    grant = await sim.call(
        "POST", "/oauth/token", data={"grant_type": "password", "client_id": "demo-doorflow-client"}
    )
    assert grant.body["error"] == "unsupported_grant_type"
    code = await _authorize(sim)
    wrong_secret = {**form, "code": code, "client_secret": "nope"}
    del wrong_secret["code_verifier"]
    assert (await sim.call("POST", "/oauth/token", data=wrong_secret)).status == 401


async def test_sites(sim: Sim) -> None:
    answer = await sim.doorflow("GET", "/api/3/sites")
    assert answer.body == [
        {
            "id": 1,
            "name": "Head office",
            "ip_address": "192.168.1.0/24",
            "time_zone": "Europe/London",
            "notes": None,
            "site_ips": [{"ip_address": "192.168.1.0/24"}],
        },
        {
            "id": 2,
            "name": "Warehouse",
            "ip_address": None,
            "time_zone": "Europe/London",
            "notes": None,
            "site_ips": [],
        },
    ]
    assert answer.headers["Total"] == "2"
    assert answer.headers["Per-Page"] == "500"
    paged = await sim.doorflow("GET", "/api/3/sites?per_page=1&page=2")
    assert [s["id"] for s in paged.body] == [2]
    readonly = "demo-doorflow-readonly-key"
    assert (await sim.doorflow("GET", "/api/3/sites", key=readonly)).status == 403
    added = await sim.control("POST", "doorflow/sites", {"name": "Lab", "notes": "upstairs"})
    assert added["id"] == 3
    await sim.control("DELETE", "doorflow/sites/3")
    assert (await sim.call("DELETE", "/_control/doorflow/sites/3")).status == 404


async def test_channel_fields_and_controllers(sim: Sim) -> None:
    channels = (await sim.doorflow("GET", "/api/3/channels")).body
    front, back, warehouse = channels
    assert front["mac_address"] == back["mac_address"] != warehouse["mac_address"]
    assert (front["unit"], back["unit"], warehouse["unit"]) == (1, 2, 1)
    assert front["model"] == "IPBR-2"
    assert front["model_long"] == "2 channel IP Controller"
    assert front["serial_number"] == back["serial_number"]
    assert (front["site_id"], warehouse["site_id"]) == (1, 2)
    assert front["created_at"] == front["updated_at"] == "2026-11-20T12:00:00.000Z"
    site_two = await sim.doorflow("GET", "/api/3/channels?site_id=2")
    assert [c["id"] for c in site_two.body] == [1203]
    sim.clock.advance(10)
    await sim.doorflow("POST", "/api/3/channels/1201/unlock", json={})
    changed = (await sim.doorflow("GET", "/api/3/channels/1201")).body
    assert changed["updated_at"] == "2026-11-20T12:00:10.000Z"


async def test_mode_changes_need_the_admit_scope(sim: Sim) -> None:
    await sim.control(
        "POST",
        "tokens",
        {"api": "doorflow", "token": "admit-only", "scopes": ["account.channel.admit"]},
    )
    for path in ("unlock", "normal", "lockdown", "unlockdown", "admit"):
        answer = await sim.doorflow("POST", f"/api/3/channels/1202/{path}", key="admit-only")
        assert answer.status in (200, 202), path
    readonly = "demo-doorflow-readonly-key"
    for path in ("unlock", "normal", "lockdown", "unlockdown"):
        answer = await sim.doorflow("POST", f"/api/3/channels/1202/{path}", key=readonly)
        assert answer.status == 403
    assert (await sim.doorflow("GET", "/api/3/channels", key="admit-only")).status == 403


async def test_set_mode_directly_and_hold_past_relock(sim: Sim) -> None:
    past = (sim.clock.utcnow() - timedelta(minutes=5)).isoformat()
    channel = await sim.control(
        "PATCH",
        "doorflow/channels/1201",
        {"mode": "unlock", "relock_at": past, "hold_past_relock": True},
    )
    assert channel["mode"]["description"] == "unlock"
    assert channel["mode"]["relock_at"] == "2026-11-20T11:55:00Z"
    assert channel["sync"]["status"] == "ok"
    sim.clock.advance(60)
    held = (await sim.doorflow("GET", "/api/3/channels/1201")).body
    assert held["mode"]["description"] == "unlock"
    assert held["mode"]["relock_at"] == "2026-11-20T11:55:00Z"
    # Without the hold, a past relock_at puts the door back to normal at once.
    await sim.control("PATCH", "doorflow/channels/1201", {"hold_past_relock": False})
    assert (await sim.doorflow("GET", "/api/3/channels/1201")).body["mode"][
        "description"
    ] == "normal"
    # The API's own unlock clears the hold.
    await sim.control(
        "PATCH", "doorflow/channels/1202", {"mode": "unlock", "hold_past_relock": True}
    )
    await sim.doorflow("POST", "/api/3/channels/1202/normal")
    assert sim.world.doorflow.channels[1202].hold_past_relock is False
    for body in ({"mode": "party"}, {"relock_at": "later"}, {"lockdown": [1]}, {"status": "x"}):
        answer = await sim.call("PATCH", "/_control/doorflow/channels/1201", json=body)
        assert answer.status == 400, body


async def test_legacy_lockdown_shape(sim: Sim) -> None:
    await sim.control("POST", "doorflow/config", {"legacy_lockdown": True})
    answer = await sim.doorflow(
        "POST", "/api/3/channels/1202/lockdown", json={"aux_lockdown": True}
    )
    assert answer.body["lockdown"] == {
        "card_lockdown": False,
        "rex_lockdown": False,
        "aux_lockdown": True,
    }
