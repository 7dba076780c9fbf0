"""DoorFlow OAuth: refusals on request, forced token failures, strict rotation and revocation."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .conftest import Sim

CLIENT = "demo-doorflow-client"
SECRET = "demo-doorflow-secret"
REDIRECT = "https://example.com/cb"
BASIC = "Basic " + base64.b64encode(f"{CLIENT}:{SECRET}".encode()).decode()


async def _authorize(sim: Sim) -> dict[str, list[str]]:
    params = {
        "client_id": CLIENT,
        "redirect_uri": REDIRECT,
        "state": "s1",
        "response_type": "code",
        "scope": "account.channel.readonly account.site.readonly",
    }
    answer = await sim.call("GET", "/oauth/authorize", params=params)
    assert answer.status == 302
    return parse_qs(urlsplit(answer.headers["Location"]).query)


async def _tokens(sim: Sim) -> dict[str, Any]:
    code = (await _authorize(sim))["code"][0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": CLIENT,
        "client_secret": SECRET,
    }
    answer = await sim.call("POST", "/oauth/token", data=form)
    assert answer.status == 200, answer.text
    result: dict[str, Any] = answer.body
    return result


async def _refresh(sim: Sim, refresh_token: str) -> Any:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": CLIENT}
    return await sim.call("POST", "/oauth/token", data=form, headers={"Authorization": BASIC})


async def test_refuse_next_authorization(sim: Sim) -> None:
    switches = await sim.control("POST", "doorflow/oauth", {"deny_next_authorize": True})
    assert switches["deny_authorize"] == 1
    refused = await _authorize(sim)
    assert refused["error"] == ["access_denied"]
    assert refused["state"] == ["s1"]
    assert "code" not in refused
    assert refused["error_description"]
    assert "code" in await _authorize(sim)
    await sim.control("POST", "doorflow/oauth", {"deny_next_authorize": 2})
    await _authorize(sim)
    await _authorize(sim)
    assert "code" in await _authorize(sim)
    bad = await sim.call("POST", "/_control/doorflow/oauth", json={"deny_next_authorize": -1})
    assert bad.status == 400


async def test_token_endpoint_fails_on_request(sim: Sim) -> None:
    tokens = await _tokens(sim)
    await sim.control("POST", "doorflow/oauth", {"token_failure": {"error": "server_error"}})
    failed = await _refresh(sim, tokens["refresh_token"])
    assert failed.status == 500
    assert failed.body["error"] == "server_error"
    # The failure came before anything happened: the refresh token still works, once.
    rotated = await _refresh(sim, tokens["refresh_token"])
    assert rotated.status == 200
    await sim.control(
        "POST", "doorflow/oauth", {"token_failure": {"error": "invalid_grant", "count": 2}}
    )
    for _ in range(2):
        answer = await _refresh(sim, rotated.body["refresh_token"])
        assert (answer.status, answer.body["error"]) == (400, "invalid_grant")
    assert (await _refresh(sim, rotated.body["refresh_token"])).status == 200
    state = await sim.control("GET", "doorflow/oauth")
    assert state["token_failure"] is None
    assert state["live_access_tokens"] == {CLIENT: 3}
    for failure in ({"error": "teapot"}, {"error": "server_error", "when": "now"}, "x"):
        answer = await sim.call("POST", "/_control/doorflow/oauth", json={"token_failure": failure})
        assert answer.status == 400


async def test_lost_answer_after_rotation(sim: Sim) -> None:
    tokens = await _tokens(sim)
    await sim.control(
        "POST",
        "doorflow/oauth",
        {"token_failure": {"error": "server_error", "after_rotation": True}},
    )
    lost = await _refresh(sim, tokens["refresh_token"])
    assert lost.status == 500
    # The server rotated before failing: the old refresh token is spent.
    again = await _refresh(sim, tokens["refresh_token"])
    assert (again.status, again.body["error"]) == (400, "invalid_grant")


async def test_rotation_is_strict_and_tokens_expire(sim: Sim) -> None:
    first = await _tokens(sim)
    assert first["scope"] == "account.channel.readonly account.site.readonly"
    second = (await _refresh(sim, first["refresh_token"])).body
    third = (await _refresh(sim, second["refresh_token"])).body
    for old in (first["refresh_token"], second["refresh_token"]):
        reused = await _refresh(sim, old)
        assert (reused.status, reused.body["error"]) == (400, "invalid_grant")
    assert (await sim.bearer("GET", "/api/3/sites", third["access_token"])).status == 200
    assert (await sim.bearer("GET", "/api/3/events", third["access_token"])).status == 403
    sim.clock.advance(3600)
    expired = await sim.bearer("GET", "/api/3/sites", third["access_token"])
    assert (expired.status, expired.body["error"]) == (401, "invalid_token")
    assert (await _refresh(sim, third["refresh_token"])).status == 200


async def test_revoke_endpoint(sim: Sim) -> None:
    tokens = await _tokens(sim)
    newer = (await _refresh(sim, tokens["refresh_token"])).body
    no_auth = await sim.call("POST", "/oauth/revoke", data={"token": newer["access_token"]})
    assert (no_auth.status, no_auth.body["error"]) == (403, "unauthorized_client")
    wrong = "Basic " + base64.b64encode(f"{CLIENT}:nope".encode()).decode()
    denied = await sim.call(
        "POST", "/oauth/revoke", data={"token": "x"}, headers={"Authorization": wrong}
    )
    assert denied.status == 403
    unknown = await sim.call(
        "POST", "/oauth/revoke", data={"token": "unknown"}, headers={"Authorization": BASIC}
    )
    assert (unknown.status, unknown.body) == (200, {})
    # Revoking an access token ends just that one.
    await sim.call(
        "POST",
        "/oauth/revoke",
        data={"token": newer["access_token"], "token_type_hint": "access_token"},
        headers={"Authorization": BASIC},
    )
    assert (await sim.bearer("GET", "/api/3/sites", newer["access_token"])).status == 401
    assert (await sim.bearer("GET", "/api/3/sites", tokens["access_token"])).status == 200
    # Revoking the refresh token ends the whole authorization, earlier access tokens too.
    urlsafe = "Basic " + base64.urlsafe_b64encode(f"{CLIENT}:{SECRET}".encode()).decode()
    answer = await sim.call(
        "POST",
        "/oauth/revoke",
        data={"token": newer["refresh_token"]},
        headers={"Authorization": urlsafe},
    )
    assert answer.status == 200
    assert (await sim.bearer("GET", "/api/3/sites", tokens["access_token"])).status == 401
    assert (await _refresh(sim, newer["refresh_token"])).status == 400


async def test_revoke_other_clients_token_is_forbidden(sim: Sim) -> None:
    sim.world.doorflow.clients["other"] = type(sim.world.doorflow.clients[CLIENT])(
        client_id="other", client_secret="other-secret"
    )
    tokens = await _tokens(sim)
    other = "Basic " + base64.b64encode(b"other:other-secret").decode()
    answer = await sim.call(
        "POST",
        "/oauth/revoke",
        data={"token": tokens["refresh_token"]},
        headers={"Authorization": other},
    )
    assert answer.status == 403
    assert (await sim.bearer("GET", "/api/3/sites", tokens["access_token"])).status == 200


async def test_control_revokes_every_token_of_a_client(sim: Sim) -> None:
    first = await _tokens(sim)
    second = await _tokens(sim)
    answer = await sim.control("POST", f"doorflow/clients/{CLIENT}/revoke")
    assert answer == {"revoked": 4}
    for tokens in (first, second):
        assert (await sim.bearer("GET", "/api/3/sites", tokens["access_token"])).status == 401
        assert (await _refresh(sim, tokens["refresh_token"])).status == 400
    # The account's API key is not a client's token.
    assert (await sim.doorflow("GET", "/api/3/sites")).status == 200
    missing = await sim.call("POST", "/_control/doorflow/clients/nobody/revoke")
    assert missing.status == 404


async def test_oauth_tokens_act_as_the_account_owner(sim: Sim) -> None:
    code = (await _authorize(sim))["code"][0]
    tokens = (
        await sim.call(
            "POST",
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT,
            },
            headers={"Authorization": BASIC},
        )
    ).body
    assert tokens["token_type"] == "Bearer"
    info = (await sim.bearer("GET", "/oauth/token/info", tokens["access_token"])).body
    assert info["resource_owner_id"] == 9100
    assert info["scope"] == ["account.channel.readonly", "account.site.readonly"]
