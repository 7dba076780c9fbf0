"""DoorFlow's OAuth 2.0 server: authorize (auto-consent), token (rotation), revoke."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from aiohttp import web

from simulator.doorflow import DoorFlowApiError
from simulator.http_common import ACCOUNT_KEY, arrival_of
from simulator.http_doorflow import error_response
from simulator.oauth import TOKEN_FAILURES, AuthCode, OAuthClient
from simulator.tokens import Token
from simulator.world import World

INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)


def _basic_client(request: web.Request) -> tuple[str, str] | None:
    """Return ``(client_id, secret)`` from an HTTP Basic header (standard or URL-safe)."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    raw = value.strip()
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            client_id, sep, secret = decode(raw + "=" * (-len(raw) % 4)).decode().partition(":")
        except binascii.Error, UnicodeDecodeError, ValueError:
            continue
        if sep:
            return client_id, secret
    return None


class OAuthApi:
    """The OAuth routes bound to one world."""

    def __init__(self, world: World) -> None:
        self.world = world

    def add_routes(self, app: web.Application) -> None:
        """Register the OAuth routes on ``app``."""
        app.router.add_get("/oauth/authorize", self.authorize)
        app.router.add_post("/oauth/token", self.token)
        app.router.add_post("/oauth/revoke", self.revoke)

    # -- authorize ------------------------------------------------------------------------

    async def authorize(self, request: web.Request) -> web.StreamResponse:
        """GET /oauth/authorize: consent at once (or refuse, when told) and redirect back."""
        state = self.world.doorflow
        request[ACCOUNT_KEY] = state.account.id
        query = request.query
        client = state.clients.get(query.get("client_id", ""))
        redirect_uri = query.get("redirect_uri", "")
        if client is None:
            return error_response(
                DoorFlowApiError(401, "invalid_client", "Client authentication failed")
            )
        if not redirect_uri or (client.redirect_uris and redirect_uri not in client.redirect_uris):
            return error_response(
                DoorFlowApiError(400, "invalid_redirect_uri", "The redirect uri is not valid")
            )
        params: dict[str, str] = {}
        if query.get("response_type") != "code":
            params["error"] = "unsupported_response_type"
        elif state.oauth.deny_authorize > 0:
            state.oauth.deny_authorize -= 1
            params["error"] = "access_denied"
            params["error_description"] = "The resource owner denied the request."
        else:
            requested = query.get("scope", "").split()
            scopes = [s for s in requested if s in client.scopes] or list(client.scopes)
            code = AuthCode(
                code=self.world.new_secret()[:43],
                client_id=client.client_id,
                redirect_uri=redirect_uri,
                scopes=scopes,
                expires_at=arrival_of(request, self.world) + state.config.code_lifetime,
                challenge=query.get("code_challenge"),
                challenge_method=query.get("code_challenge_method", "plain"),
            )
            state.codes[code.code] = code
            params["code"] = code.code
        if "state" in query:
            params["state"] = query["state"]
        parts = urlsplit(redirect_uri)
        joined = "&".join(p for p in (parts.query, urlencode(params)) if p)
        location = urlunsplit((parts.scheme, parts.netloc, parts.path, joined, parts.fragment))
        return web.Response(status=302, headers={"Location": location})

    # -- token ----------------------------------------------------------------------------

    def _client(self, request: web.Request, form: dict[str, Any]) -> tuple[OAuthClient, bool]:
        """Return the calling client and whether it proved its secret."""
        client_id = str(form.get("client_id", ""))
        secret = form.get("client_secret")
        basic = _basic_client(request)
        if basic is not None:
            client_id, secret = basic
        client = self.world.doorflow.clients.get(client_id)
        if client is None:
            raise DoorFlowApiError(401, "invalid_client", "Client authentication failed")
        if secret is None:
            return client, False
        if not hmac.compare_digest(str(secret), client.client_secret):
            raise DoorFlowApiError(401, "invalid_client", "Client authentication failed")
        return client, True

    def _issue(self, client: OAuthClient, scopes: list[str], grant: int) -> dict[str, Any]:
        """Issue an access and a refresh token of one authorization (``grant``)."""
        world = self.world
        lifetime = world.doorflow.config.access_token_lifetime
        person = world.doorflow.owner.id
        common = {"api": "doorflow", "scopes": scopes, "client_id": client.client_id}
        access = world.add_token(
            {**common, "token": world.new_secret(), "kind": "access", "expires_in": lifetime}
        )
        refresh = world.add_token({**common, "token": world.new_secret(), "kind": "refresh"})
        for token in (access, refresh):
            token.grant = grant
            token.user_id = person
        return {
            "access_token": access.value,
            "token_type": "Bearer",
            "expires_in": lifetime,
            "refresh_token": refresh.value,
            "scope": " ".join(scopes),
            "created_at": int(world.utcnow().timestamp()),
        }

    def _grant(
        self, request: web.Request, form: dict[str, Any], client: OAuthClient, authenticated: bool
    ) -> dict[str, Any]:
        """Run the requested grant and return the token answer."""
        state = self.world.doorflow
        now = arrival_of(request, self.world)
        invalid = DoorFlowApiError(400, "invalid_grant", INVALID_GRANT)
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            code = state.codes.pop(str(form.get("code", "")), None)
            if code is None or code.client_id != client.client_id:
                raise invalid
            if code.expires_at <= now or code.redirect_uri != form.get("redirect_uri"):
                raise invalid
            if code.challenge is not None:
                if not _pkce_ok(code, str(form.get("code_verifier", ""))):
                    raise invalid
            elif not authenticated:
                raise DoorFlowApiError(401, "invalid_client", "Client authentication failed")
            return self._issue(client, code.scopes, state.new_grant())
        if grant_type == "refresh_token":
            old = self.world.tokens.find(
                str(form.get("refresh_token", "")), "doorflow", frozenset({"refresh"})
            )
            if old is None or old.revoked or old.client_id != client.client_id:
                raise invalid
            old.revoked = True
            grant = old.grant if old.grant is not None else state.new_grant()
            return self._issue(client, sorted(old.scopes), grant)
        raise DoorFlowApiError(
            400, "unsupported_grant_type", "The authorization grant type is not supported"
        )

    def _forced_failure(self, after_rotation: bool) -> DoorFlowApiError | None:
        """Return (and use up) a forced token-endpoint failure of the given timing."""
        failure = self.world.doorflow.oauth.token_failure
        if failure is None or failure.after_rotation != after_rotation:
            return None
        failure.count -= 1
        if failure.count <= 0:
            self.world.doorflow.oauth.token_failure = None
        status = TOKEN_FAILURES[failure.error]
        return DoorFlowApiError(status, failure.error, f"Simulated {failure.error}")

    async def token(self, request: web.Request) -> web.StreamResponse:
        """POST /oauth/token: authorization_code and refresh_token grants.

        Each refresh token works once; using it revokes it and returns a new pair.
        """
        request[ACCOUNT_KEY] = self.world.doorflow.account.id
        try:
            before = self._forced_failure(after_rotation=False)
            if before is not None:
                raise before
            form = dict(await request.post())
            client, authenticated = self._client(request, form)
            body = self._grant(request, form, client, authenticated)
            after = self._forced_failure(after_rotation=True)
            if after is not None:
                raise after
        except DoorFlowApiError as err:
            return error_response(err)
        return web.json_response(body, headers={"Cache-Control": "no-store"})

    # -- revoke ---------------------------------------------------------------------------

    async def revoke(self, request: web.Request) -> web.StreamResponse:
        """POST /oauth/revoke (client Basic auth): 200 ``{}`` even for an unknown token.

        Revoking a refresh token revokes its whole authorization (every access token too);
        revoking an access token revokes just that token.
        """
        request[ACCOUNT_KEY] = self.world.doorflow.account.id
        forbidden = DoorFlowApiError(
            403, "unauthorized_client", "You are not authorized to revoke this token"
        )
        basic = _basic_client(request)
        clients = self.world.doorflow.clients
        client = clients.get(basic[0]) if basic is not None else None
        if (
            basic is None
            or client is None
            or not hmac.compare_digest(basic[1], client.client_secret)
        ):
            return error_response(forbidden)
        form = dict(await request.post())
        token: Token | None = self.world.tokens.find(
            str(form.get("token", "")), "doorflow", frozenset({"access", "refresh"})
        )
        if token is not None:
            if token.client_id != client.client_id:
                return error_response(forbidden)
            if token.kind == "refresh" and token.grant is not None:
                self.world.tokens.revoke_grant(token.grant)
            token.revoked = True
        return web.json_response({})


def _pkce_ok(code: AuthCode, verifier: str) -> bool:
    """Check a PKCE verifier against the stored challenge (S256 or plain)."""
    if not verifier or code.challenge is None:
        return False
    if code.challenge_method == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    else:
        expected = verifier
    return hmac.compare_digest(expected, code.challenge)
