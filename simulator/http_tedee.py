"""HTTP routes of the simulated Tedee cloud API (``/api/{version}/...``)."""

# All Tedee handlers share one signature for the router, so some arguments go unused.
# ruff: noqa: ARG002

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from simulator.http_common import ACCOUNT_KEY, ARRIVAL_KEY, RATE_RULE_KEY, take_fault
from simulator.tedee import RateLimiter, TedeeApiError, too_many
from simulator.tedee_activity import TedeeUser
from simulator.tedee_models import (
    LOCK_SCOPES_READ,
    OP_LOCK,
    OP_PULL,
    OP_UNLOCK,
    SCOPE_ACTIVITY,
    SCOPE_OPERATE,
    SCOPE_READWRITE,
    UNKNOWN,
    UNLOCK_MODES,
    Gate,
    Lock,
)
from simulator.timeutil import http_date, iso_ms, parse_iso
from simulator.tokens import Token
from simulator.world import World

VERSION = r"{version:v[0-9]+(?:\.[0-9]+)?}"
PREFIX = f"/api/{VERSION}"
MAX_ACTIVITY_ELEMENTS = 200


def envelope(
    result: Any,
    status: int = 200,
    errors: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    """Wrap ``result`` in Tedee's ``{result, success, errorMessages, statusCode}`` envelope."""
    body = {
        "result": result,
        "success": 200 <= status < 300,
        "errorMessages": errors or [],
        "statusCode": status,
    }
    return web.json_response(body, status=status, headers=headers)


def error_envelope(
    status: int, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    """Return a Tedee error answer."""
    return envelope(None, status, [message], headers)


@dataclass
class Call:
    """What a Tedee handler gets besides the request: the version, caller and time."""

    version: str
    token: Token
    now: float
    utc_now: datetime
    # The caller's rate limits (Tedee counts them per user).
    limiter: RateLimiter

    def sees(self, lock: Lock) -> bool:
        """Tell whether the caller has the lock: its owner, or a guest it is shared with."""
        return not self.token.guest or self.token.user_id in lock.shared_with


Handler = Callable[[web.Request, Call], web.Response]


class TedeeApi:
    """The Tedee routes bound to one world."""

    def __init__(self, world: World) -> None:
        self.world = world

    # -- plumbing -------------------------------------------------------------------------

    def version_headers(self, version: str | None) -> dict[str, str]:
        """Return the version-reporting headers for a request to ``version``."""
        config = self.world.tedee.config
        headers = {"API-Supported-Versions": ", ".join(config.supported_versions())}
        deprecated = config.deprecated_versions()
        if deprecated:
            headers["API-Deprecated-Versions"] = ", ".join(deprecated)
        info = config.versions.get(version or "")
        if info is not None and info.status == "deprecated":
            headers["Deprecation"] = "true"
            if info.sunset:
                sunset = datetime.fromisoformat(info.sunset)
                sunset = sunset if sunset.tzinfo else sunset.replace(tzinfo=UTC)
                headers["Sunset"] = http_date(sunset)
        return headers

    def authenticate(self, request: web.Request, now: float) -> Token:
        """Return the caller's credential or raise 401."""
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.strip().partition(" ")
        kinds = {"personalkey": "personal_key", "bearer": "bearer"}
        kind = kinds.get(scheme.lower())
        if kind is None or not value.strip():
            raise TedeeApiError(401, "Unauthorized: missing or malformed Authorization header")
        token = self.world.tokens.find(value.strip(), "tedee", frozenset({kind}))
        if token is None:
            raise TedeeApiError(401, "Unauthorized: invalid credentials")
        if token.revoked:
            raise TedeeApiError(401, "Unauthorized: credentials revoked")
        if not token.is_valid(now):
            raise TedeeApiError(401, "Unauthorized: credentials expired")
        return token

    def route(
        self, handler: Handler, scopes: frozenset[str] | None
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """Wrap a handler with version checks, auth, the hourly budget and scopes."""

        async def wrapped(request: web.Request) -> web.StreamResponse:
            """Check version, auth, budget and scope, then run the handler."""
            version = request.match_info["version"]
            world = self.world
            state = world.tedee
            now = float(request.get(ARRIVAL_KEY, world.clock()))
            counted = False
            try:
                info = state.config.versions.get(version)
                if info is None:
                    raise TedeeApiError(404, f"API version {version} not found")
                if info.status == "retired":
                    raise TedeeApiError(410, f"API version {version} retired")
                token = self.authenticate(request, now)
                request[ACCOUNT_KEY] = state.account.id
                limiter = state.limiter_of(self._user_of(token).id)
                limiter.check_hourly(now, state.hourly_limit(version), state.config.hourly_window)
                counted = True
                if scopes is not None and not scopes & token.scopes:
                    needed = " or ".join(sorted(scopes))
                    raise TedeeApiError(403, f"Forbidden: the token lacks scope {needed}")
                response = handler(request, Call(version, token, now, world.utcnow(), limiter))
            except TedeeApiError as err:
                if err.rule is not None:
                    request[RATE_RULE_KEY] = (err.rule, err.gap)
                response = error_envelope(err.status, err.message, err.headers)
            if counted and response.status != 429:
                limiter.hourly.append(now)
            response.headers.update(self.version_headers(version))
            return response

        return wrapped

    def add_routes(self, app: web.Application) -> None:
        """Register every Tedee route on ``app``."""
        read, operate, write = LOCK_SCOPES_READ, SCOPE_OPERATE, SCOPE_READWRITE
        routes: list[tuple[str, str, Handler, frozenset[str] | None]] = [
            ("GET", "/my/user", self.get_user, None),
            ("GET", "/my/lock", self.get_locks, read),
            ("GET", "/my/lock/sync", self.sync_locks, read),
            ("GET", r"/my/lock/{id:\d+}", self.get_lock, read),
            ("GET", r"/my/lock/{id:\d+}/sync", self.sync_lock, read),
            ("POST", r"/my/lock/{id:\d+}/operation/lock", self.op_lock, operate),
            ("POST", r"/my/lock/{id:\d+}/operation/unlock", self.op_unlock, operate),
            ("POST", r"/my/lock/{id:\d+}/operation/pull", self.op_pull, operate),
            ("GET", "/my/device/operation/{operation_id}", self.get_operation, None),
            ("GET", "/my/bridge", self.get_bridges, read),
            ("GET", "/my/deviceactivity", self.get_activity, SCOPE_ACTIVITY),
            ("POST", "/my/gate/sync", self.sync_gates, write),
            ("GET", "/my/gate", self.get_gates, read),
            ("GET", r"/my/gate/{id:\d+}", self.get_gate, read),
            ("POST", r"/my/gate/{id:\d+}/sync", self.sync_gate, write),
            ("POST", r"/my/gate/{id:\d+}/operation/unlock", self.open_gate, write),
        ]
        for method, path, handler, scopes in routes:
            app.router.add_route(method, PREFIX + path, self.route(handler, scopes))

    # -- helpers --------------------------------------------------------------------------

    def _lock(self, request: web.Request, call: Call) -> Lock:
        """Return the lock named in the path, or 404 (also for a lock the caller does not have)."""
        lock = self.world.tedee.locks.get(int(request.match_info["id"]))
        if lock is None or not call.sees(lock):
            raise TedeeApiError(404, f"Lock {request.match_info['id']} not found")
        return lock

    def _gate(self, request: web.Request) -> Gate:
        """Return the gate named in the path, or 404."""
        gate = self.world.tedee.gates.get(int(request.match_info["id"]))
        if gate is None:
            raise TedeeApiError(404, f"Gate {request.match_info['id']} not found")
        return gate

    @staticmethod
    def _query(request: web.Request, name: str) -> list[str]:
        """Return all values of a query parameter, matched case-insensitively (as .NET does)."""
        return [v for k, v in request.query.items() if k.lower() == name.lower()]

    def _int_query(self, request: web.Request, name: str) -> int | None:
        """Read a positive integer query parameter (None when absent)."""
        values = self._query(request, name)
        if not values:
            return None
        try:
            number = int(values[0])
        except ValueError:
            raise TedeeApiError(400, f"Query parameter {name} must be an integer") from None
        if number < 1:
            raise TedeeApiError(400, f"Query parameter {name} must be at least 1")
        return number

    def _page(self, request: web.Request, items: list[Any]) -> tuple[list[Any], int, int]:
        """Cut one page (``Page``, ``ItemsPerPage``) under the server's page-size cap.

        Without ``ItemsPerPage`` the whole list is one page, unless the cap is set. Under the
        ``repeat_page`` fault the items of page 1 come back whatever page was asked.
        """
        page = self._int_query(request, "Page")
        per_page = self._int_query(request, "ItemsPerPage")
        cap = self.world.tedee.config.max_page_size
        if per_page is None and cap is None:
            return items, page or 1, len(items)
        page = page or 1
        size = per_page if per_page is not None else len(items) or 1
        if cap is not None:
            size = min(size, cap)
        start_page = 1 if take_fault(self.world, "repeat_page", request) else page
        start = (start_page - 1) * size
        return items[start : start + size], page, size

    def _user(self, call: Call) -> TedeeUser:
        """Return the account user the credential belongs to."""
        return self._user_of(call.token)

    def _user_of(self, token: Token) -> TedeeUser:
        """Return the account user a credential belongs to."""
        state = self.world.tedee
        user_id = token.user_id
        return state.users.get(user_id, state.account) if user_id else state.account

    # -- user, locks, bridges -------------------------------------------------------------

    def get_user(self, request: web.Request, call: Call) -> web.Response:
        """GET /my/user: the user owning the credential."""
        return envelope(self._user(call).to_json())

    def get_locks(self, request: web.Request, call: Call) -> web.Response:
        """GET /my/lock: every lock (optionally one page)."""
        state = self.world.tedee
        limit = state.config.lock_list_limit
        if limit is not None and call.token.kind == "personal_key":
            window = call.limiter.lock_list
            while window and window[0] <= call.now - state.config.lock_list_window:
                window.popleft()
            if len(window) >= limit:
                wait = window[0] + state.config.lock_list_window - call.now
                raise too_many(
                    wait, f"GET /my/lock allowed {limit} times per window", rule="lock_list"
                )
            window.append(call.now)
        _, model_key = state.state_keys(call.version)
        locks = [
            lock.model_json(model_key, guest=call.token.guest)
            for lock in sorted(state.locks.values(), key=_by_id)
            if call.sees(lock)
        ]
        page, _, _ = self._page(request, locks)
        return envelope(page)

    def get_lock(self, request: web.Request, call: Call) -> web.Response:
        """GET /my/lock/{id}: one lock."""
        _, model_key = self.world.tedee.state_keys(call.version)
        return envelope(self._lock(request, call).model_json(model_key, guest=call.token.guest))

    def sync_locks(self, request: web.Request, call: Call) -> web.Response:
        """GET /my/lock/sync[?id=..]: state of all (or the listed) locks, once per 20 s."""
        state = self.world.tedee
        try:
            ids = {int(v) for v in self._query(request, "id")}
        except ValueError:
            raise TedeeApiError(400, "Query parameter id must be an integer") from None
        call.limiter.spaced(
            call.limiter.last_bulk_sync,
            call.now,
            state.config.sync_interval,
            "Lock sync",
            "lock_sync",
        )
        call.limiter.last_bulk_sync = call.now
        sync_key, _ = state.state_keys(call.version)
        locks = sorted(state.locks.values(), key=_by_id)
        omit = take_fault(self.world, "omit_locks", request)
        left_out = set(omit.lock_ids) if omit is not None else set()
        return envelope(
            [
                lk.sync_json(sync_key)
                for lk in locks
                if (not ids or lk.id in ids) and lk.id not in left_out and call.sees(lk)
            ]
        )

    def sync_lock(self, request: web.Request, call: Call) -> web.Response:
        """GET /my/lock/{id}/sync: one lock's state, once per 20 s per lock."""
        state = self.world.tedee
        lock = self._lock(request, call)
        last = call.limiter.last_single_sync.get(lock.id)
        call.limiter.spaced(
            last, call.now, state.config.sync_interval, "Lock sync", "lock_sync_single"
        )
        call.limiter.last_single_sync[lock.id] = call.now
        sync_key, _ = state.state_keys(call.version)
        return envelope(lock.sync_json(sync_key))

    def get_bridges(self, request: web.Request, call: Call) -> web.Response:
        """GET /my/bridge: the account's bridges."""
        return envelope([b.to_json() for b in self.world.tedee.bridges.values()])

    def get_activity(self, request: web.Request, call: Call) -> web.Response:
        """GET /my/deviceactivity?deviceId=&elements=&lastElemDate=: newest first.

        A guest's credential sees only its user's activity and activity without an author.
        Under a ``repeat_page`` fault `lastElemDate` is ignored (the newest items come again).
        """
        state = self.world.tedee
        values = self._query(request, "deviceId")
        if not values:
            raise TedeeApiError(400, "Query parameter deviceId is required")
        try:
            device_id = int(values[0])
        except ValueError:
            raise TedeeApiError(400, "Query parameter deviceId must be an integer") from None
        lock = state.locks.get(device_id)
        if (lock is None or not call.sees(lock)) and device_id not in state.gates:
            raise TedeeApiError(404, f"Device {device_id} not found")
        elements = self._int_query(request, "elements") or MAX_ACTIVITY_ELEMENTS
        if elements > MAX_ACTIVITY_ELEMENTS:
            raise TedeeApiError(
                400, f"Query parameter elements must be at most {MAX_ACTIVITY_ELEMENTS}"
            )
        dates = self._query(request, "lastElemDate")
        before = None
        if dates and take_fault(self.world, "repeat_page", request) is None:
            try:
                before = parse_iso(dates[0])
            except ValueError:
                raise TedeeApiError(400, "Query parameter lastElemDate is not a date") from None
        only_user = self._user(call).id if call.token.guest else None
        items = state.activity.query(
            device_id, elements=elements, before=before, only_user=only_user
        )
        user_field = state.config.activity_user_field
        return envelope([item.to_json(user_field) for item in items])

    # -- operations -----------------------------------------------------------------------

    def _operate(self, lock: Lock, op_type: int, mode: int, call: Call) -> web.Response:
        """Start an operation for the caller and answer 202."""
        operation = self.world.tedee.operate(lock, op_type, mode, call.now, self._user(call))
        result = {"operationId": operation.id, "lastStateChangedDate": iso_ms(call.utc_now)}
        return envelope(result, 202)

    def op_lock(self, request: web.Request, call: Call) -> web.Response:
        """POST /my/lock/{id}/operation/lock."""
        return self._operate(self._lock(request, call), OP_LOCK, 0, call)

    def op_unlock(self, request: web.Request, call: Call) -> web.Response:
        """POST /my/lock/{id}/operation/unlock?mode=N."""
        lock = self._lock(request, call)
        values = self._query(request, "mode")
        try:
            mode = int(values[0]) if values else 0
        except ValueError:
            raise TedeeApiError(400, "Query parameter mode must be an integer") from None
        if mode not in UNLOCK_MODES:
            raise TedeeApiError(400, f"Unsupported unlock mode {mode}")
        if mode == 2 and lock.state != UNKNOWN:
            raise TedeeApiError(400, "Force unlock is allowed only when the lock state is Unknown")
        return self._operate(lock, OP_UNLOCK, mode, call)

    def op_pull(self, request: web.Request, call: Call) -> web.Response:
        """POST /my/lock/{id}/operation/pull."""
        lock = self._lock(request, call)
        if not lock.pull_spring_enabled:
            raise TedeeApiError(400, "Pull spring is disabled for this lock")
        return self._operate(lock, OP_PULL, 0, call)

    def get_operation(self, request: web.Request, call: Call) -> web.Response:
        """GET /my/device/operation/{operationId}."""
        op_id = request.match_info["operation_id"]
        operation = self.world.tedee.operations.get(op_id)
        if operation is None:
            raise TedeeApiError(404, f"Operation {op_id} not found")
        return envelope(operation.to_json(call.now))

    # -- gates ----------------------------------------------------------------------------

    def _require_blebox(self) -> None:
        """Answer 412 when the account has no BleBox integration."""
        if not self.world.tedee.config.blebox_integration:
            raise TedeeApiError(412, "BleBox integration is not configured for this account")

    def sync_gates(self, request: web.Request, call: Call) -> web.Response:
        """POST /my/gate/sync: take over BleBox-side changes for all gates (204)."""
        self._require_blebox()
        self.world.tedee.sync_gates(call.now)
        return web.json_response(
            {"success": True, "errorMessages": [], "statusCode": 204}, status=204
        )

    def sync_gate(self, request: web.Request, call: Call) -> web.Response:
        """POST /my/gate/{id}/sync: take over BleBox-side changes for one gate."""
        self._require_blebox()
        gate = self._gate(request)
        gate.apply_pending()
        return envelope(gate.to_json())

    def get_gates(self, request: web.Request, call: Call) -> web.Response:
        """GET /my/gate: ``{page, itemsPerPage, gates}``."""
        self._require_blebox()
        gates = [g.to_json() for g in sorted(self.world.tedee.gates.values(), key=_by_id)]
        items, page, per_page = self._page(request, gates)
        return envelope({"page": page, "itemsPerPage": per_page, "gates": items})

    def get_gate(self, request: web.Request, call: Call) -> web.Response:
        """GET /my/gate/{id}."""
        self._require_blebox()
        return envelope(self._gate(request).to_json())

    def open_gate(self, request: web.Request, call: Call) -> web.Response:
        """POST /my/gate/{id}/operation/unlock: open for impulseLength (204) or 403/408/412/423."""
        self._require_blebox()
        gate = self._gate(request)
        if gate.access_level == 0:
            raise TedeeApiError(403, "You do not have access to operate this gate")
        if not gate.is_present_in_external:
            raise TedeeApiError(423, "Gate is unlinked: it is not present in BleBox")
        if not gate.is_connected:
            raise TedeeApiError(423, "Gate is disconnected")
        if gate.timeout_next_open:
            gate.timeout_next_open = False
            raise TedeeApiError(408, "BleBox did not answer in time")
        self.world.tedee.open_gate(gate, call.utc_now, user=self._user(call), by_access_link=False)
        return web.json_response(
            {"success": True, "errorMessages": [], "statusCode": 204}, status=204
        )


def _by_id(item: Lock | Gate) -> int:
    """Sort key: device id."""
    return item.id
