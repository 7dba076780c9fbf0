"""HTTP routes of the simulated DoorFlow API v3 (``/api/3/...``) and its OAuth server."""

# All DoorFlow handlers share one signature for the router, so some arguments go unused.
# ruff: noqa: ARG002

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
import hashlib
import hmac
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from aiohttp import web

from simulator.doorflow import (
    SCOPE_ADMIT,
    SCOPE_EVENTS,
    SCOPE_READ,
    SCOPE_SYNC,
    SCOPE_WRITE,
    AuthCode,
    Channel,
    DoorFlowApiError,
    OAuthClient,
)
from simulator.timeutil import parse_iso
from simulator.tokens import Token
from simulator.world import World

MAX_PER_PAGE = 1000
DEFAULT_PER_PAGE = 20
LOCKDOWN_KEYS = ("card_lockdown", "rex_lockdown", "aux_lockdown")

Handler = Callable[[web.Request, Token], Awaitable[web.Response]]


def error_response(err: DoorFlowApiError) -> web.Response:
    """Render a DoorFlow error answer."""
    return web.json_response(err.payload(), status=err.status, headers=err.headers)


async def json_body(request: web.Request) -> dict[str, Any]:
    """Return the JSON (or form) body as a dict; empty when there is none."""
    if not request.can_read_body:
        return {}
    if request.content_type == "application/x-www-form-urlencoded":
        return dict(await request.post())
    try:
        data = await request.json()
    except ValueError:
        raise DoorFlowApiError(400, "invalid_request", "Body is not valid JSON") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DoorFlowApiError(400, "invalid_request", "Body must be a JSON object")
    return data


class DoorFlowApi:
    """The DoorFlow routes bound to one world."""

    def __init__(self, world: World) -> None:
        self.world = world

    # -- plumbing -------------------------------------------------------------------------

    def authenticate(self, request: web.Request) -> Token:
        """Return the caller's credential (Basic API key or Bearer token) or raise 401."""
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.strip().partition(" ")
        now = self.world.clock()
        tokens = self.world.tokens
        token: Token | None = None
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode()
            except binascii.Error, UnicodeDecodeError:
                decoded = ""
            user, _, password = decoded.partition(":")
            if password != "X":  # noqa: S105 - DoorFlow's documented fixed password
                raise DoorFlowApiError(
                    401, "unauthorized", "Use the API key as user name and X as password"
                )
            token = tokens.find(user, "doorflow", frozenset({"api_key"}))
        elif scheme.lower() == "bearer":
            token = tokens.find(value.strip(), "doorflow", frozenset({"access"}))
        else:
            raise DoorFlowApiError(401, "unauthorized", "Authentication required")
        if token is None:
            raise DoorFlowApiError(401, "invalid_token", "The access token is invalid")
        if token.revoked:
            raise DoorFlowApiError(401, "invalid_token", "The access token was revoked")
        if not token.is_valid(now):
            raise DoorFlowApiError(401, "invalid_token", "The access token expired")
        return token

    def route(
        self, handler: Handler, scopes: frozenset[str] | None
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """Wrap a handler with authentication and the scope check."""

        async def wrapped(request: web.Request) -> web.StreamResponse:
            try:
                token = self.authenticate(request)
                request["account"] = self.world.doorflow.account.id
                if scopes is not None and not scopes & token.scopes:
                    needed = " or ".join(sorted(scopes))
                    raise DoorFlowApiError(403, "forbidden", f"Missing scope: {needed}")
                return await handler(request, token)
            except DoorFlowApiError as err:
                return error_response(err)

        return wrapped

    def add_routes(self, app: web.Application) -> None:
        """Register every DoorFlow and OAuth route on ``app``."""
        routes: list[tuple[str, str, Handler, frozenset[str] | None]] = [
            ("GET", "/api/3/account", self.get_account, None),
            ("GET", "/api/3/channels", self.get_channels, SCOPE_READ),
            ("GET", r"/api/3/channels/{id:\d+}", self.get_channel, SCOPE_READ),
            ("POST", r"/api/3/channels/{id:\d+}/admit", self.admit, SCOPE_ADMIT),
            ("POST", r"/api/3/channels/{id:\d+}/unlock", self.unlock, SCOPE_WRITE),
            ("POST", r"/api/3/channels/{id:\d+}/normal", self.normal, SCOPE_WRITE),
            ("POST", r"/api/3/channels/{id:\d+}/lockdown", self.lockdown, SCOPE_WRITE),
            ("POST", r"/api/3/channels/{id:\d+}/unlockdown", self.unlockdown, SCOPE_WRITE),
            ("GET", r"/api/3/admission_requests/{id:\d+}", self.get_admission, SCOPE_ADMIT),
            ("POST", "/api/3/sync", self.sync, SCOPE_SYNC),
            ("GET", "/api/3/events", self.get_events, SCOPE_EVENTS),
            ("GET", "/oauth/token/info", self.token_info, None),
        ]
        for method, path, handler, scopes in routes:
            app.router.add_route(method, path, self.route(handler, scopes))
        app.router.add_get("/oauth/authorize", self.authorize)
        app.router.add_post("/oauth/token", self.token)

    def _channel(self, request: web.Request) -> Channel:
        channel = self.world.doorflow.channels.get(int(request.match_info["id"]))
        if channel is None:
            raise DoorFlowApiError(404, "not_found", "Channel not found")
        return channel

    # -- resources ------------------------------------------------------------------------

    async def get_account(self, request: web.Request, token: Token) -> web.Response:
        """GET /api/3/account."""
        return web.json_response(self.world.doorflow.account_json())

    async def get_channels(self, request: web.Request, token: Token) -> web.Response:
        """GET /api/3/channels with page/per_page/skip_pagination and both header styles."""
        channels = sorted(self.world.doorflow.channels.values(), key=lambda c: c.id)
        total = len(channels)
        try:
            page = max(1, int(request.query.get("page", "1")))
            per_page = int(request.query.get("per_page", str(DEFAULT_PER_PAGE)))
        except ValueError:
            raise DoorFlowApiError(
                400, "invalid_request", "page/per_page must be integers"
            ) from None
        per_page = min(max(1, per_page), MAX_PER_PAGE)
        if request.query.get("skip_pagination", "").lower() in ("true", "1"):
            items, per_page = channels, max(total, 1)
        else:
            items = channels[(page - 1) * per_page : page * per_page]
        headers = {
            "Total": str(total),
            "Per-Page": str(per_page),
            "X-Total-Results": str(total),
            "X-Per-Page": str(per_page),
            "X-Page": str(page),
        }
        return web.json_response([c.to_json() for c in items], headers=headers)

    async def get_channel(self, request: web.Request, token: Token) -> web.Response:
        """GET /api/3/channels/{id}."""
        return web.json_response(self._channel(request).to_json())

    async def admit(self, request: web.Request, token: Token) -> web.Response:
        """POST /api/3/channels/{id}/admit: momentary unlock (normal mode only)."""
        channel = self._channel(request)
        if channel.mode != "normal":
            raise DoorFlowApiError(400, "bad_request", "Not in normal mode", body=channel.to_json())
        world = self.world
        admission = world.doorflow.admit(channel, world.clock(), world.utcnow())
        body = {"admission_request_id": admission.id, "status": admission.status}
        return web.json_response(body, status=202)

    async def get_admission(self, request: web.Request, token: Token) -> web.Response:
        """GET /api/3/admission_requests/{id}."""
        admission = self.world.doorflow.admissions.get(int(request.match_info["id"]))
        if admission is None:
            raise DoorFlowApiError(404, "not_found", "Admission request not found")
        return web.json_response(admission.to_json())

    async def unlock(self, request: web.Request, token: Token) -> web.Response:
        """POST /api/3/channels/{id}/unlock with optional ``relock_at``."""
        channel = self._channel(request)
        body = await json_body(request)
        relock = body.get("relock_at")
        utc_now = self.world.utcnow()
        relock_at = None
        if relock is not None:
            try:
                relock_at = parse_iso(str(relock))
            except ValueError:
                relock_at = None
            if relock_at is None or relock_at <= utc_now:
                raise DoorFlowApiError(
                    422,
                    "unprocessable_entity",
                    "relock_at must be a future ISO 8601 date-time",
                    body={
                        "error": "unprocessable_entity",
                        "error_description": "Validation failed",
                        "errors": {"relock_at": ["must be a future ISO 8601 date-time"]},
                    },
                )
        state = self.world.doorflow
        channel.mode = "unlock"
        channel.relock_at = relock_at
        state.bump(channel, utc_now)
        state.mark_pending(channel)
        state.emit(36, channel, utc_now)
        return web.json_response(channel.to_json())

    async def normal(self, request: web.Request, token: Token) -> web.Response:
        """POST /api/3/channels/{id}/normal."""
        channel = self._channel(request)
        state = self.world.doorflow
        utc_now = self.world.utcnow()
        channel.mode = "normal"
        channel.relock_at = None
        state.bump(channel, utc_now)
        state.mark_pending(channel)
        state.emit(37, channel, utc_now)
        return web.json_response(channel.to_json())

    async def _lockdown_flags(self, request: web.Request) -> dict[str, bool]:
        body = await json_body(request)
        unknown = set(body) - set(LOCKDOWN_KEYS)
        if unknown:
            raise DoorFlowApiError(
                422, "unprocessable_entity", f"Unknown fields: {', '.join(sorted(unknown))}"
            )
        if not body:
            return dict.fromkeys(LOCKDOWN_KEYS, True)
        return {k: bool(body[k]) for k in LOCKDOWN_KEYS if k in body}

    async def lockdown(self, request: web.Request, token: Token) -> web.Response:
        """POST /api/3/channels/{id}/lockdown with the lockdown flags to set."""
        channel = self._channel(request)
        flags = await self._lockdown_flags(request)
        current = dict(channel.lockdown or dict.fromkeys(LOCKDOWN_KEYS, False))
        current.update(flags)
        channel.lockdown = current if any(current.values()) else None
        self.world.doorflow.mark_pending(channel)
        return web.json_response(channel.to_json())

    async def unlockdown(self, request: web.Request, token: Token) -> web.Response:
        """POST /api/3/channels/{id}/unlockdown with the lockdown flags to lift."""
        channel = self._channel(request)
        flags = await self._lockdown_flags(request)
        current = dict(channel.lockdown or dict.fromkeys(LOCKDOWN_KEYS, False))
        for key, lift in flags.items():
            if lift:
                current[key] = False
        channel.lockdown = current if any(current.values()) else None
        self.world.doorflow.mark_pending(channel)
        return web.json_response(channel.to_json())

    async def sync(self, request: web.Request, token: Token) -> web.Response:
        """POST /api/3/sync: push pending changes, at most once per 30 s."""
        state = self.world.doorflow
        now = self.world.clock()
        retry_in = state.sync_retry_in(now)
        if retry_in is not None:
            description = f"Sync rate limit exceeded, retry in {retry_in} seconds"
            raise DoorFlowApiError(
                429,
                "rate_limited",
                description,
                body={
                    "error": "rate_limited",
                    "description": description,
                    "error_description": description,
                    "retry_in": retry_in,
                },
                headers={"Retry-After": str(retry_in)},
            )
        state.start_sync(now)
        return web.json_response({"result": "ok"})

    async def get_events(self, request: web.Request, token: Token) -> web.Response:
        """GET /api/3/events?n=..: newest first."""
        try:
            n = int(request.query.get("n", "20"))
        except ValueError:
            raise DoorFlowApiError(400, "invalid_request", "n must be an integer") from None
        n = min(max(n, 1), 1000)
        events = list(reversed(self.world.doorflow.events))[:n]
        return web.json_response(events)

    # -- OAuth ----------------------------------------------------------------------------

    async def token_info(self, request: web.Request, token: Token) -> web.Response:
        """GET /oauth/token/info."""
        now = self.world.clock()
        account = self.world.doorflow.account
        return web.json_response(
            {
                "resource_owner_id": account.resource_owner_id,
                "account_id": account.id,
                "scope": sorted(token.scopes),
                "expires_in": None if token.expires_at is None else int(token.expires_at - now),
                "application": {"uid": token.client_id},
                "created_at": int(token.created_at.timestamp()) if token.created_at else None,
            }
        )

    async def authorize(self, request: web.Request) -> web.StreamResponse:
        """GET /oauth/authorize: auto-consent and redirect back with a code."""
        request["account"] = self.world.doorflow.account.id
        query = request.query
        client = self.world.doorflow.clients.get(query.get("client_id", ""))
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
        else:
            requested = query.get("scope", "").split()
            scopes = [s for s in requested if s in client.scopes] or list(client.scopes)
            code = AuthCode(
                code=self.world.new_secret()[:43],
                client_id=client.client_id,
                redirect_uri=redirect_uri,
                scopes=scopes,
                expires_at=self.world.clock() + self.world.doorflow.config.code_lifetime,
                challenge=query.get("code_challenge"),
                challenge_method=query.get("code_challenge_method", "plain"),
            )
            self.world.doorflow.codes[code.code] = code
            params["code"] = code.code
        if "state" in query:
            params["state"] = query["state"]
        parts = urlsplit(redirect_uri)
        joined = "&".join(p for p in (parts.query, urlencode(params)) if p)
        location = urlunsplit((parts.scheme, parts.netloc, parts.path, joined, parts.fragment))
        return web.Response(status=302, headers={"Location": location})

    def _client(self, request: web.Request, form: dict[str, Any]) -> tuple[OAuthClient, bool]:
        """Return the calling client and whether it proved its secret."""
        client_id = str(form.get("client_id", ""))
        secret = form.get("client_secret")
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                client_id, _, basic_secret = base64.b64decode(value).decode().partition(":")
                secret = basic_secret
            except binascii.Error, UnicodeDecodeError:
                pass
        client = self.world.doorflow.clients.get(client_id)
        if client is None:
            raise DoorFlowApiError(401, "invalid_client", "Client authentication failed")
        if secret is None:
            return client, False
        if not hmac.compare_digest(str(secret), client.client_secret):
            raise DoorFlowApiError(401, "invalid_client", "Client authentication failed")
        return client, True

    def _issue(self, client: OAuthClient, scopes: list[str]) -> dict[str, Any]:
        world = self.world
        lifetime = world.doorflow.config.access_token_lifetime
        access = world.add_token(
            {
                "api": "doorflow",
                "token": world.new_secret(),
                "kind": "access",
                "scopes": scopes,
                "expires_in": lifetime,
                "client_id": client.client_id,
            }
        )
        refresh = world.add_token(
            {
                "api": "doorflow",
                "token": world.new_secret(),
                "kind": "refresh",
                "scopes": scopes,
                "client_id": client.client_id,
            }
        )
        return {
            "access_token": access.value,
            "token_type": "Bearer",
            "expires_in": lifetime,
            "refresh_token": refresh.value,
            "scope": " ".join(scopes),
            "created_at": int(world.utcnow().timestamp()),
        }

    async def token(self, request: web.Request) -> web.StreamResponse:
        """POST /oauth/token: authorization_code and refresh_token grants."""
        request["account"] = self.world.doorflow.account.id
        try:
            form = dict(await request.post())
            client, authenticated = self._client(request, form)
            grant = form.get("grant_type")
            invalid = DoorFlowApiError(
                400,
                "invalid_grant",
                "The provided authorization grant is invalid, expired, revoked, does not match "
                "the redirection URI used in the authorization request, or was issued to "
                "another client.",
            )
            if grant == "authorization_code":
                code = self.world.doorflow.codes.pop(str(form.get("code", "")), None)
                if code is None or code.client_id != client.client_id:
                    raise invalid
                if code.expires_at <= self.world.clock():
                    raise invalid
                if code.redirect_uri != form.get("redirect_uri"):
                    raise invalid
                if code.challenge is not None:
                    if not _pkce_ok(code, str(form.get("code_verifier", ""))):
                        raise invalid
                elif not authenticated:
                    raise DoorFlowApiError(401, "invalid_client", "Client authentication failed")
                body = self._issue(client, code.scopes)
            elif grant == "refresh_token":
                old = self.world.tokens.find(
                    str(form.get("refresh_token", "")), "doorflow", frozenset({"refresh"})
                )
                if old is None or old.revoked or old.client_id != client.client_id:
                    raise invalid
                old.revoked = True
                body = self._issue(client, sorted(old.scopes))
            else:
                raise DoorFlowApiError(
                    400, "unsupported_grant_type", "The authorization grant type is not supported"
                )
        except DoorFlowApiError as err:
            return error_response(err)
        return web.json_response(body, headers={"Cache-Control": "no-store"})


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
