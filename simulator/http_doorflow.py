"""HTTP routes of the simulated DoorFlow API v3 (``/api/3/...``)."""

# All DoorFlow handlers share one signature for the router, so some arguments go unused.
# ruff: noqa: ARG002

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiohttp import web

from simulator.doorflow import DoorFlowApiError
from simulator.doorflow_events import DEFAULT_CODES, STATUS_CODES, VALID_CODES, EventQuery
from simulator.doorflow_models import (
    LOCKDOWN_KEYS,
    SCOPE_ADMIT,
    SCOPE_EVENTS,
    SCOPE_READ,
    SCOPE_SITES,
    SCOPE_SYNC,
    Channel,
    Person,
)
from simulator.doorflow_notifications import acknowledge
from simulator.http_common import ACCOUNT_KEY, RATE_RULE_KEY, arrival_of, take_fault
from simulator.timeutil import parse_iso
from simulator.tokens import Token
from simulator.world import World

MAX_PER_PAGE = 1000
DEFAULT_PER_PAGE = 500
DEFAULT_EVENTS = 50
EVENTS_WINDOW = timedelta(days=90)

Handler = Callable[[web.Request, Token], Awaitable[web.Response]]


def error_response(err: DoorFlowApiError) -> web.Response:
    """Render a DoorFlow error answer."""
    return web.json_response(err.payload(), status=err.status, headers=err.headers)


def bad_request(description: str) -> DoorFlowApiError:
    """Return the spec's 400 ``{error: "bad_request", error_description}``."""
    return DoorFlowApiError(400, "bad_request", description)


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


def _int_list(request: web.Request, *names: str) -> list[int] | None:
    """Read a comma-separated list of integers from the first query parameter present."""
    for name in names:
        raw = request.query.get(name)
        if raw is None:
            continue
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            raise bad_request(f"{name} must be a comma-separated list of integers") from None
    return None


def _int_param(request: web.Request, name: str, default: int) -> int:
    """Read an integer query parameter."""
    try:
        return int(request.query.get(name, str(default)))
    except ValueError:
        raise bad_request(f"{name} must be an integer") from None


def _paging_headers(total: int, per_page: int, page: int) -> dict[str, str]:
    """Return both styles of pagination headers."""
    return {
        "Total": str(total),
        "Per-Page": str(per_page),
        "X-Total-Results": str(total),
        "X-Per-Page": str(per_page),
        "X-Page": str(page),
    }


class DoorFlowApi:
    """The DoorFlow routes bound to one world."""

    def __init__(self, world: World) -> None:
        self.world = world

    # -- plumbing -------------------------------------------------------------------------

    def authenticate(self, request: web.Request) -> Token:
        """Return the caller's credential (Basic API key or Bearer token) or raise 401."""
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.strip().partition(" ")
        now = arrival_of(request, self.world)
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
            """Authenticate, check the scope, run the handler, render its error."""
            try:
                token = self.authenticate(request)
                request[ACCOUNT_KEY] = self.world.doorflow.account.id
                if scopes is not None and not scopes & token.scopes:
                    needed = " or ".join(sorted(scopes))
                    raise DoorFlowApiError(403, "forbidden", f"Missing scope: {needed}")
                return await handler(request, token)
            except DoorFlowApiError as err:
                return error_response(err)

        return wrapped

    def add_routes(self, app: web.Application) -> None:
        """Register every DoorFlow API route on ``app``."""
        routes: list[tuple[str, str, Handler, frozenset[str] | None]] = [
            ("GET", "/api/3/account", self.get_account, None),
            ("GET", "/api/3/sites", self.get_sites, SCOPE_SITES),
            ("GET", "/api/3/channels", self.get_channels, SCOPE_READ),
            ("GET", r"/api/3/channels/{id:\d+}", self.get_channel, SCOPE_READ),
            ("POST", r"/api/3/channels/{id:\d+}/admit", self.admit, SCOPE_ADMIT),
            ("POST", r"/api/3/channels/{id:\d+}/unlock", self.unlock, SCOPE_ADMIT),
            ("POST", r"/api/3/channels/{id:\d+}/normal", self.normal, SCOPE_ADMIT),
            ("POST", r"/api/3/channels/{id:\d+}/lockdown", self.lockdown, SCOPE_ADMIT),
            ("POST", r"/api/3/channels/{id:\d+}/unlockdown", self.unlockdown, SCOPE_ADMIT),
            ("GET", r"/api/3/admission_requests/{id:\d+}", self.get_admission, SCOPE_ADMIT),
            ("POST", "/api/3/sync", self.sync, SCOPE_SYNC),
            ("GET", "/api/3/events", self.get_events, SCOPE_EVENTS),
            ("GET", r"/api/3/events/{id:\d+}", self.get_event, SCOPE_EVENTS),
            ("GET", "/oauth/token/info", self.token_info, None),
        ]
        for method, path, handler, scopes in routes:
            app.router.add_route(method, path, self.route(handler, scopes))

    def _channel(self, request: web.Request) -> Channel:
        """Return the channel named in the path, or 404."""
        channel = self.world.doorflow.channels.get(int(request.match_info["id"]))
        if channel is None:
            raise DoorFlowApiError(404, "not_found", "Channel not found")
        return channel

    def _person(self, token: Token) -> Person:
        """Return the person acting through a credential (the account owner by default)."""
        state = self.world.doorflow
        person = state.people.get(token.user_id) if token.user_id is not None else None
        return person or state.owner

    def _page(self, request: web.Request, items: list[Any]) -> web.Response:
        """Answer one page of ``items`` (page, per_page, skip_pagination) with both headers.

        ``per_page`` is capped at 1000 and at the server's ``max_page_size``; under the
        ``repeat_page`` fault page 1 comes back whatever page was asked.
        """
        total = len(items)
        page = max(1, _int_param(request, "page", 1))
        per_page = min(max(1, _int_param(request, "per_page", DEFAULT_PER_PAGE)), MAX_PER_PAGE)
        cap = self.world.doorflow.config.max_page_size
        skip = request.query.get("skip_pagination", "").lower() in ("true", "1")
        if skip:
            per_page = max(total, 1)
        if cap is not None:
            per_page = min(per_page, cap)
        repeat = take_fault(self.world, "repeat_page", request) is not None
        start_page = 1 if repeat or skip else page
        shown = items[(start_page - 1) * per_page : start_page * per_page]
        return web.json_response(shown, headers=_paging_headers(total, per_page, page))

    # -- resources ------------------------------------------------------------------------

    async def get_account(self, request: web.Request, token: Token) -> web.Response:
        """GET /api/3/account."""
        return web.json_response(self.world.doorflow.account_json())

    async def get_sites(self, request: web.Request, token: Token) -> web.Response:
        """GET /api/3/sites, paged like the channels."""
        sites = sorted(self.world.doorflow.sites.values(), key=lambda s: s.id)
        return self._page(request, [s.to_json() for s in sites])

    async def get_channels(self, request: web.Request, token: Token) -> web.Response:
        """GET /api/3/channels with site_id/page/per_page/skip_pagination."""
        state = self.world.doorflow
        channels = sorted(state.channels.values(), key=lambda c: c.id)
        if "site_id" in request.query:
            site_id = _int_param(request, "site_id", 0)
            channels = [c for c in channels if c.site_id == site_id]
        return self._page(request, [state.channel_json(c) for c in channels])

    async def get_channel(self, request: web.Request, token: Token) -> web.Response:
        """GET /api/3/channels/{id}."""
        return web.json_response(self.world.doorflow.channel_json(self._channel(request)))

    async def admit(self, request: web.Request, token: Token) -> web.Response:
        """POST /api/3/channels/{id}/admit: momentary unlock (normal mode only)."""
        channel = self._channel(request)
        state = self.world.doorflow
        if channel.mode != "normal":
            raise DoorFlowApiError(
                400, "bad_request", "Not in normal mode", body=state.channel_json(channel)
            )
        world = self.world
        admission = state.admit(
            channel, arrival_of(request, world), world.utcnow(), self._person(token)
        )
        body = {"admission_request_id": admission.id, "status": admission.status}
        return web.json_response(body, status=202)

    async def get_admission(self, request: web.Request, token: Token) -> web.Response:
        """GET /api/3/admission_requests/{id}."""
        admission = self.world.doorflow.admissions.get(int(request.match_info["id"]))
        if admission is None:
            raise DoorFlowApiError(404, "not_found", "Admission request not found")
        return web.json_response(admission.to_json())

    async def unlock(self, request: web.Request, token: Token) -> web.Response:
        """POST /api/3/channels/{id}/unlock with optional ``relock_at`` (event 50)."""
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
        state.set_mode(channel, "unlock", relock_at, utc_now, self._person(token))
        state.mark_pending(channel)
        return web.json_response(state.channel_json(channel))

    async def normal(self, request: web.Request, token: Token) -> web.Response:
        """POST /api/3/channels/{id}/normal (event 51)."""
        channel = self._channel(request)
        state = self.world.doorflow
        state.set_mode(channel, "normal", None, self.world.utcnow(), self._person(token))
        state.mark_pending(channel)
        return web.json_response(state.channel_json(channel))

    async def _lockdown_flags(self, request: web.Request) -> dict[str, bool]:
        """Read ``{card_lockdown, rex_lockdown, aux_lockdown}`` (booleans; empty means all)."""
        body = await json_body(request)
        unknown = set(body) - set(LOCKDOWN_KEYS)
        wrong = [k for k in LOCKDOWN_KEYS if k in body and not isinstance(body[k], bool)]
        if unknown or wrong:
            errors = {k: ["is not a known field"] for k in sorted(unknown)}
            errors.update({k: ["must be a boolean"] for k in wrong})
            raise DoorFlowApiError(
                422,
                "unprocessable_entity",
                "Validation failed",
                body={
                    "error": "unprocessable_entity",
                    "error_description": "Validation failed",
                    "errors": errors,
                },
            )
        if not body:
            return dict.fromkeys(LOCKDOWN_KEYS, True)
        return {k: body[k] for k in LOCKDOWN_KEYS if k in body}

    async def lockdown(self, request: web.Request, token: Token) -> web.Response:
        """POST /api/3/channels/{id}/lockdown with the flags to set (event 52)."""
        channel = self._channel(request)
        flags = await self._lockdown_flags(request)
        current = dict(channel.lockdown or dict.fromkeys(LOCKDOWN_KEYS, False))
        current.update(flags)
        state = self.world.doorflow
        state.set_lockdown(channel, current, self.world.utcnow(), self._person(token))
        state.mark_pending(channel)
        return web.json_response(state.channel_json(channel))

    async def unlockdown(self, request: web.Request, token: Token) -> web.Response:
        """POST /api/3/channels/{id}/unlockdown: lift all flags, or those named (event 53)."""
        channel = self._channel(request)
        flags = await self._lockdown_flags(request)
        current = dict(channel.lockdown or dict.fromkeys(LOCKDOWN_KEYS, False))
        for key, lift in flags.items():
            if lift:
                current[key] = False
        state = self.world.doorflow
        state.set_lockdown(channel, current, self.world.utcnow(), self._person(token))
        state.mark_pending(channel)
        return web.json_response(state.channel_json(channel))

    async def sync(self, request: web.Request, token: Token) -> web.Response:
        """POST /api/3/sync: push pending changes, at most once per 30 s (by arrival)."""
        state = self.world.doorflow
        now = arrival_of(request, self.world)
        retry_in = state.sync_retry_in(now)
        if retry_in is not None:
            last = state.last_sync_request
            request[RATE_RULE_KEY] = ("doorflow_sync", None if last is None else now - last)
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

    def _event_query(self, request: web.Request) -> EventQuery:
        """Parse ``event_codes, channels, since, level, sort, n, page``."""
        codes = _int_list(request, "event_codes")
        if codes is not None:
            invalid = sorted({c for c in codes if c not in VALID_CODES})
            if invalid:
                listed = ", ".join(str(c) for c in invalid)
                raise bad_request(
                    f"The following event codes are not valid for this method: {listed}"
                )
        chosen = frozenset(codes) if codes else DEFAULT_CODES
        if request.query.get("level") == "debug":
            chosen |= STATUS_CODES
        channels = _int_list(request, "channels", "door_controllers")
        since_text = request.query.get("since")
        if since_text is None:
            since = self.world.utcnow() - EVENTS_WINDOW
        else:
            try:
                since = parse_iso(since_text)
            except ValueError:
                raise bad_request("since must be an ISO 8601 date-time") from None
        sort = request.query.get("sort", "DESC").upper()
        if sort not in ("ASC", "DESC"):
            raise bad_request("sort must be ASC or DESC")
        n = min(max(1, _int_param(request, "n", DEFAULT_EVENTS)), MAX_PER_PAGE)
        cap = self.world.doorflow.config.max_page_size
        if cap is not None:
            n = min(n, cap)
        page = max(1, _int_param(request, "page", 1))
        return EventQuery(
            codes=chosen,
            channels=None if channels is None else frozenset(channels),
            since=since,
            descending=sort == "DESC",
            n=n,
            page=1 if take_fault(self.world, "repeat_page", request) else page,
        )

    async def get_events(self, request: web.Request, token: Token) -> web.Response:
        """GET /api/3/events: access events (admits and rejects) unless told otherwise."""
        query = self._event_query(request)
        items, total = self.world.doorflow.events.query(query)
        headers = _paging_headers(total, query.n, max(1, _int_param(request, "page", 1)))
        return web.json_response([e.to_json() for e in items], headers=headers)

    async def get_event(self, request: web.Request, token: Token) -> web.Response:
        """GET /api/3/events/{id}."""
        event = self.world.doorflow.events.get(int(request.match_info["id"]))
        if event is None:
            raise DoorFlowApiError(404, "not_found", "Event not found")
        acknowledge(request, event.id)
        return web.json_response(event.to_json())

    async def token_info(self, request: web.Request, token: Token) -> web.Response:
        """GET /oauth/token/info."""
        now = arrival_of(request, self.world)
        account = self.world.doorflow.account
        info: dict[str, Any] = {
            "resource_owner_id": account.resource_owner_id,
            "account_id": account.hashid,
            "scope": sorted(token.scopes),
            # The contract requires both numbers; a token the simulator made without a
            # lifetime shows the configured one, and one made without a date shows now.
            "expires_in": (
                self.world.doorflow.config.access_token_lifetime
                if token.expires_at is None
                else max(0, int(token.expires_at - now))
            ),
            "created_at": int((token.created_at or self.world.utcnow()).timestamp()),
        }
        if token.client_id is not None:
            info["application"] = {"uid": token.client_id}
        return web.json_response(info)
