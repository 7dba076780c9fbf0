"""The loopback control API (``/_control/...``): inspect and steer a running world."""

# All control handlers share one signature for the router, so some arguments go unused.
# ruff: noqa: ARG002

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from simulator.faults import FaultError
from simulator.tedee import TedeeConfig, VersionInfo
from simulator.tokens import DOORFLOW_KINDS, TEDEE_KINDS
from simulator.world import World

LOCK_FIELDS = {
    # control field: (attribute, bumps revision)
    "name": ("name", True),
    "state": ("state", False),
    "doorState": ("door_state", False),
    "batteryLevel": ("battery_level", False),
    "isCharging": ("is_charging", False),
    "isConnected": ("is_connected", False),
    "connectedToId": ("connected_to_id", False),
    "stateChangeResult": ("state_change_result", False),
    "pullSpringEnabled": ("pull_spring_enabled", True),
    "pullSpringDuration": ("pull_spring_duration", True),
    "autoPullSpringEnabled": ("auto_pull_spring_enabled", True),
    "autoLockEnabled": ("auto_lock_enabled", True),
    "softwareVersion": ("software_version", True),
    "jam_next_operation": ("jam_next_operation", False),
}
GATE_LIVE_FIELDS = {
    "name": ("name", True),
    "icon": ("icon", True),
    "isConnected": ("is_connected", False),
    "accessLevel": ("access_level", True),
    "timeout_next_open": ("timeout_next_open", False),
}
GATE_BLEBOX_FIELDS = {
    "isPresentInExternal": "is_present_in_external",
    "impulseLength": "impulse_length",
    "externalName": "external_name",
    "softwareVersion": "software_version",
}
CHANNEL_FIELDS = {
    "name": "name",
    "status": "status",
    "model": "model",
    "firmware": "firmware",
    "auto_unlock": "auto_unlock",
    "site_id": "site_id",
    "unresponsive": "unresponsive",
}
CONFIG_FIELDS = {
    "sync_interval",
    "hourly_limit",
    "deprecated_hourly_limit",
    "hourly_window",
    "lock_list_limit",
    "lock_list_window",
    "legacy_lock_properties",
    "blebox_integration",
}
DOORFLOW_CONFIG_FIELDS = {
    "sync_interval",
    "access_token_lifetime",
    "admission_timeout",
    "code_lifetime",
}


class ControlError(Exception):
    """A control-API request that cannot be honoured."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _unknown(body: dict[str, Any], allowed: set[str]) -> None:
    extra = set(body) - allowed
    if extra:
        raise ControlError(400, f"unknown fields: {sorted(extra)}; allowed: {sorted(allowed)}")


class ControlApi:
    """Control routes bound to one world."""

    def __init__(self, world: World) -> None:
        self.world = world

    def add_routes(self, app: web.Application) -> None:
        """Register every control route on ``app``."""
        r = app.router
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "/_control/state", self.state),
            ("POST", "/_control/reset", self.reset),
            ("POST", "/_control/ambient", self.ambient),
            ("GET", "/_control/tedee/config", self.get_tedee_config),
            ("POST", "/_control/tedee/config", self.tedee_config),
            ("POST", "/_control/tedee/locks", self.add_lock),
            ("PATCH", r"/_control/tedee/locks/{id:\d+}", self.patch_lock),
            ("DELETE", r"/_control/tedee/locks/{id:\d+}", self.delete_lock),
            ("POST", "/_control/tedee/gates", self.add_gate),
            ("PATCH", r"/_control/tedee/gates/{id:\d+}", self.patch_gate),
            ("DELETE", r"/_control/tedee/gates/{id:\d+}", self.delete_gate),
            ("POST", "/_control/tokens", self.add_token),
            ("POST", "/_control/tokens/revoke", self.revoke_token),
            ("POST", "/_control/doorflow/config", self.doorflow_config),
            ("POST", "/_control/doorflow/channels", self.add_channel),
            ("PATCH", r"/_control/doorflow/channels/{id:\d+}", self.patch_channel),
            ("DELETE", r"/_control/doorflow/channels/{id:\d+}", self.delete_channel),
            ("POST", r"/_control/doorflow/door/{id:\d+}", self.door),
            ("GET", "/_control/faults", self.list_faults),
            ("POST", "/_control/faults", self.add_fault),
            ("DELETE", "/_control/faults", self.clear_faults),
            ("DELETE", r"/_control/faults/{id:\d+}", self.delete_fault),
            ("GET", "/_control/requests", self.get_requests),
            ("DELETE", "/_control/requests", self.clear_requests),
        ]
        for method, path, handler in routes:
            r.add_route(method, path, self._wrap(handler))

    def _wrap(self, handler: Handler) -> Handler:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            self.world.tick()
            try:
                return await handler(request)
            except ControlError as err:
                return web.json_response({"error": err.message}, status=err.status)

        return wrapped

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        if not request.can_read_body:
            return {}
        try:
            data = await request.json()
        except ValueError:
            raise ControlError(400, "body must be JSON") from None
        if not isinstance(data, dict):
            raise ControlError(400, "body must be a JSON object")
        return data

    # -- world ----------------------------------------------------------------------------

    async def state(self, request: web.Request) -> web.Response:
        """GET /_control/state: the whole world."""
        return web.json_response(self.world.to_json())

    async def reset(self, request: web.Request) -> web.Response:
        """POST /_control/reset: reload the scenario (keeps the request log)."""
        self.world.reset()
        return web.json_response({"reset": True, "scenario": self.world.scenario.name})

    async def ambient(self, request: web.Request) -> web.Response:
        """POST /_control/ambient ``{"enabled": bool}`` or ``{"events": n}`` to force changes."""
        body = await self._body(request)
        _unknown(body, {"enabled", "events"})
        if "enabled" in body:
            self.world.ambient = bool(body["enabled"])
        applied = [
            self.world.ambient_event(self.world.utcnow()) for _ in range(int(body.get("events", 0)))
        ]
        return web.json_response({"enabled": self.world.ambient, "applied": applied})

    # -- tedee ----------------------------------------------------------------------------

    async def get_tedee_config(self, request: web.Request) -> web.Response:
        """GET /_control/tedee/config."""
        return web.json_response(self.world.tedee.config.to_json())

    async def tedee_config(self, request: web.Request) -> web.Response:
        """POST /_control/tedee/config: limits, legacy key, version lifecycle, BleBox flag."""
        body = await self._body(request)
        _unknown(body, CONFIG_FIELDS | {"versions", "reset_limits"})
        config = self.world.tedee.config
        for key in CONFIG_FIELDS & set(body):
            default = getattr(TedeeConfig(), key)
            value = body[key]
            if isinstance(default, bool):
                value = bool(value)
            elif value is not None:
                value = type(default)(value) if default is not None else int(value)
            setattr(config, key, value)
        lifecycle = body.get("versions") or {}
        _unknown(lifecycle, {"deprecated", "retired", "supported", "current"})
        for name, sunset in (lifecycle.get("deprecated") or {}).items():
            config.versions[name] = VersionInfo("deprecated", sunset)
        for name in lifecycle.get("retired") or []:
            config.versions[name] = VersionInfo("retired", None)
        for name in lifecycle.get("supported") or []:
            config.versions[name] = VersionInfo("supported", None)
        if lifecycle.get("current"):
            config.versions[str(lifecycle["current"])] = VersionInfo("current", None)
        if body.get("reset_limits"):
            self.world.tedee.limiter.clear()
        return web.json_response(config.to_json())

    def _lock(self, request: web.Request) -> Any:
        lock = self.world.tedee.locks.get(int(request.match_info["id"]))
        if lock is None:
            raise ControlError(404, "no such lock")
        return lock

    async def add_lock(self, request: web.Request) -> web.Response:
        """POST /_control/tedee/locks: add a lock (Tedee field names; id optional)."""
        body = await self._body(request)
        state = self.world.tedee
        if body.get("id") is not None and int(body["id"]) in state.locks:
            raise ControlError(409, "lock id already exists")
        lock = state.add_lock(body, self.world.utcnow())
        return web.json_response(lock.model_json("deviceState"), status=201)

    async def patch_lock(self, request: web.Request) -> web.Response:
        """PATCH /_control/tedee/locks/{id}."""
        lock = self._lock(request)
        body = await self._body(request)
        _unknown(body, set(LOCK_FIELDS))
        bump = False
        for key, value in body.items():
            attr, bumps = LOCK_FIELDS[key]
            if getattr(lock, attr) != value:
                setattr(lock, attr, value)
                bump = bump or bumps
        if "state" in body:
            lock.steps.clear()
            lock.last_state_changed = self.world.utcnow()
        if bump:
            lock.revision += 1
        return web.json_response(lock.model_json("deviceState"))

    async def delete_lock(self, request: web.Request) -> web.Response:
        """DELETE /_control/tedee/locks/{id}."""
        lock = self._lock(request)
        del self.world.tedee.locks[lock.id]
        return web.json_response({"deleted": lock.id})

    def _gate(self, request: web.Request) -> Any:
        gate = self.world.tedee.gates.get(int(request.match_info["id"]))
        if gate is None:
            raise ControlError(404, "no such gate")
        return gate

    async def add_gate(self, request: web.Request) -> web.Response:
        """POST /_control/tedee/gates: add a gate (Tedee field names; id optional)."""
        body = await self._body(request)
        state = self.world.tedee
        if body.get("id") is not None and int(body["id"]) in state.gates:
            raise ControlError(409, "gate id already exists")
        gate = state.add_gate(body)
        return web.json_response(gate.to_json(), status=201)

    async def patch_gate(self, request: web.Request) -> web.Response:
        """PATCH /_control/tedee/gates/{id}: BleBox-side fields wait for a gate sync."""
        gate = self._gate(request)
        body = await self._body(request)
        _unknown(body, set(GATE_LIVE_FIELDS) | set(GATE_BLEBOX_FIELDS) | {"immediate"})
        immediate = bool(body.pop("immediate", False))
        bump = False
        for key, value in body.items():
            if key in GATE_LIVE_FIELDS:
                attr, bumps = GATE_LIVE_FIELDS[key]
                if getattr(gate, attr) != value:
                    setattr(gate, attr, value)
                    bump = bump or bumps
            else:
                gate.pending[GATE_BLEBOX_FIELDS[key]] = value
        if bump:
            gate.revision += 1
        if immediate:
            gate.apply_pending()
        return web.json_response({**gate.to_json(), "status": gate.status, "pending": gate.pending})

    async def delete_gate(self, request: web.Request) -> web.Response:
        """DELETE /_control/tedee/gates/{id}."""
        gate = self._gate(request)
        del self.world.tedee.gates[gate.id]
        return web.json_response({"deleted": gate.id})

    # -- tokens ---------------------------------------------------------------------------

    async def add_token(self, request: web.Request) -> web.Response:
        """POST /_control/tokens: add a credential."""
        body = await self._body(request)
        _unknown(body, {"api", "token", "kind", "scopes", "expires_in", "client_id", "revoked"})
        api = body.get("api")
        if api not in ("tedee", "doorflow") or not isinstance(body.get("token"), str):
            raise ControlError(400, "api must be tedee|doorflow and token a string")
        kinds = TEDEE_KINDS if api == "tedee" else DOORFLOW_KINDS
        if "kind" in body and body["kind"] not in kinds:
            raise ControlError(400, f"kind must be one of {sorted(kinds)}")
        token = self.world.add_token(body)
        return web.json_response(token.public_json(self.world.clock()), status=201)

    async def revoke_token(self, request: web.Request) -> web.Response:
        """POST /_control/tokens/revoke ``{"token": ...}``."""
        body = await self._body(request)
        if not self.world.tokens.revoke(str(body.get("token", ""))):
            raise ControlError(404, "no such token")
        return web.json_response({"revoked": True})

    # -- doorflow -------------------------------------------------------------------------

    async def doorflow_config(self, request: web.Request) -> web.Response:
        """POST /_control/doorflow/config: sync interval, token lifetime, admission timeout."""
        body = await self._body(request)
        _unknown(body, DOORFLOW_CONFIG_FIELDS | {"reset_limits"})
        config = self.world.doorflow.config
        for key in DOORFLOW_CONFIG_FIELDS & set(body):
            setattr(config, key, type(getattr(config, key))(body[key]))
        if body.get("reset_limits"):
            self.world.doorflow.last_sync_request = None
        return web.json_response(config.to_json())

    def _channel(self, request: web.Request) -> Any:
        channel = self.world.doorflow.channels.get(int(request.match_info["id"]))
        if channel is None:
            raise ControlError(404, "no such channel")
        return channel

    async def add_channel(self, request: web.Request) -> web.Response:
        """POST /_control/doorflow/channels: add a channel (id optional)."""
        body = await self._body(request)
        state = self.world.doorflow
        if body.get("id") is not None and int(body["id"]) in state.channels:
            raise ControlError(409, "channel id already exists")
        channel = state.add_channel(body, self.world.utcnow())
        return web.json_response(channel.to_json(), status=201)

    async def patch_channel(self, request: web.Request) -> web.Response:
        """PATCH /_control/doorflow/channels/{id}."""
        channel = self._channel(request)
        body = await self._body(request)
        _unknown(body, set(CHANNEL_FIELDS))
        if "status" in body and body["status"] not in ("online", "offline", "pending_encryption"):
            raise ControlError(400, "status must be online|offline|pending_encryption")
        for key, value in body.items():
            setattr(channel, CHANNEL_FIELDS[key], value)
        return web.json_response(channel.to_json())

    async def delete_channel(self, request: web.Request) -> web.Response:
        """DELETE /_control/doorflow/channels/{id}."""
        channel = self._channel(request)
        del self.world.doorflow.channels[channel.id]
        return web.json_response({"deleted": channel.id})

    async def door(self, request: web.Request) -> web.Response:
        """POST /_control/doorflow/door/{id} ``{"open": bool, "forced"?: bool, "rex"?: bool}``."""
        channel = self._channel(request)
        body = await self._body(request)
        _unknown(body, {"open", "forced", "rex", "held"})
        state = self.world.doorflow
        utc_now = self.world.utcnow()
        events = []
        if body.get("rex"):
            events.append(state.emit(30, channel, utc_now))
        if "open" in body:
            channel.door_open = bool(body["open"])
            code = 31 if channel.door_open else 32
            if channel.door_open and body.get("forced"):
                code = 33
            events.append(state.emit(code, channel, utc_now))
        if body.get("held"):
            events.append(state.emit(34, channel, utc_now))
        return web.json_response({"events": events})

    # -- faults and request log -----------------------------------------------------------

    async def list_faults(self, request: web.Request) -> web.Response:
        """GET /_control/faults."""
        now = self.world.clock()
        return web.json_response([f.to_json(now) for f in self.world.faults.active(now)])

    async def add_fault(self, request: web.Request) -> web.Response:
        """POST /_control/faults: inject a fault; returns it with its id."""
        body = await self._body(request)
        now = self.world.clock()
        try:
            fault = self.world.faults.add(body, now)
        except (FaultError, TypeError, ValueError) as err:
            raise ControlError(400, str(err)) from None
        return web.json_response(fault.to_json(now), status=201)

    async def clear_faults(self, request: web.Request) -> web.Response:
        """DELETE /_control/faults: remove every fault."""
        self.world.faults.clear()
        return web.json_response({"cleared": True})

    async def delete_fault(self, request: web.Request) -> web.Response:
        """DELETE /_control/faults/{id}: remove one fault."""
        if not self.world.faults.remove(int(request.match_info["id"])):
            raise ControlError(404, "no such fault")
        return web.json_response({"deleted": True})

    async def get_requests(self, request: web.Request) -> web.Response:
        """GET /_control/requests: counts by endpoint template and status, last 500."""
        return web.json_response(self.world.requests.to_json())

    async def clear_requests(self, request: web.Request) -> web.Response:
        """DELETE /_control/requests."""
        self.world.requests.clear()
        return web.json_response({"cleared": True})
