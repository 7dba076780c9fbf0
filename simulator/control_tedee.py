"""Control routes for the Tedee side: config, locks, gates, users and device activity."""

# All control handlers share one signature for the router, so some arguments go unused.
# ruff: noqa: ARG002

from __future__ import annotations

from aiohttp import web

from simulator.control_common import (
    ControlError,
    Route,
    RouteGroup,
    count_of,
    feed_item_edits,
    optional_name,
    page_size,
    read_body,
    reject_unknown,
    seconds_range,
)
from simulator.tedee import MANUAL_EVENT_FOR_STATE
from simulator.tedee_activity import ActivityError, event_code, user_field
from simulator.tedee_models import Gate, Lock, TedeeConfig, VersionInfo

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
CONFIG_EXTRA = {
    "operation_duration",
    "max_page_size",
    "versions",
    "reset_limits",
    "activity_user_field",
}


class TedeeControl(RouteGroup):
    """Control routes of the Tedee cloud."""

    def routes(self) -> list[Route]:
        """Return the Tedee control routes."""
        return [
            ("GET", "/_control/tedee/config", self.get_config),
            ("POST", "/_control/tedee/config", self.config),
            ("POST", "/_control/tedee/users", self.add_user),
            ("POST", "/_control/tedee/locks", self.add_lock),
            ("PATCH", r"/_control/tedee/locks/{id:\d+}", self.patch_lock),
            ("DELETE", r"/_control/tedee/locks/{id:\d+}", self.delete_lock),
            ("GET", r"/_control/tedee/locks/{id:\d+}/activity", self.get_activity),
            ("POST", r"/_control/tedee/locks/{id:\d+}/activity", self.add_activity),
            ("POST", r"/_control/tedee/gates/{id:\d+}/open", self.open_gate),
            ("GET", r"/_control/tedee/gates/{id:\d+}/activity", self.get_gate_activity),
            ("PATCH", r"/_control/tedee/activity/{id:\d+}", self.patch_activity),
            ("POST", "/_control/tedee/gates", self.add_gate),
            ("PATCH", r"/_control/tedee/gates/{id:\d+}", self.patch_gate),
            ("DELETE", r"/_control/tedee/gates/{id:\d+}", self.delete_gate),
        ]

    # -- config ---------------------------------------------------------------------------

    async def get_config(self, request: web.Request) -> web.Response:
        """GET /_control/tedee/config."""
        return web.json_response(self.world.tedee.config.to_json())

    async def config(self, request: web.Request) -> web.Response:
        """POST /_control/tedee/config: limits, timings, paging, versions, BleBox flag."""
        body = await read_body(request)
        reject_unknown(body, CONFIG_FIELDS | CONFIG_EXTRA)
        config = self.world.tedee.config
        for key in CONFIG_FIELDS & set(body):
            default = getattr(TedeeConfig(), key)
            value = body[key]
            if isinstance(default, bool):
                value = bool(value)
            elif value is not None:
                value = type(default)(value) if default is not None else int(value)
            setattr(config, key, value)
        if "operation_duration" in body:
            config.operation_duration = seconds_range(
                body["operation_duration"], "operation_duration"
            )
        if "max_page_size" in body:
            config.max_page_size = page_size(body["max_page_size"])
        if "activity_user_field" in body:
            try:
                config.activity_user_field = user_field(body["activity_user_field"])
            except ActivityError as err:
                raise ControlError(400, str(err)) from None
        lifecycle = body.get("versions") or {}
        reject_unknown(lifecycle, {"deprecated", "retired", "supported", "current"})
        for name, sunset in (lifecycle.get("deprecated") or {}).items():
            config.versions[name] = VersionInfo("deprecated", sunset)
        for name in lifecycle.get("retired") or []:
            config.versions[name] = VersionInfo("retired", None)
        for name in lifecycle.get("supported") or []:
            config.versions[name] = VersionInfo("supported", None)
        if lifecycle.get("current"):
            config.versions[str(lifecycle["current"])] = VersionInfo("current", None)
        if body.get("reset_limits"):
            self.world.tedee.clear_limits()
        return web.json_response(config.to_json())

    # -- users ----------------------------------------------------------------------------

    async def add_user(self, request: web.Request) -> web.Response:
        """POST /_control/tedee/users ``{name, email?, id?, organizationUserId?}``."""
        body = await read_body(request)
        reject_unknown(body, {"name", "email", "id", "organizationUserId"})
        if optional_name(body, "name") is None:
            raise ControlError(400, "name is required")
        state = self.world.tedee
        if body.get("id") is not None and int(body["id"]) in state.users:
            raise ControlError(409, "user id already exists")
        user = state.add_user(body)
        return web.json_response(
            {**user.to_json(), "organizationUserId": user.organization_user_id}, status=201
        )

    # -- locks ----------------------------------------------------------------------------

    def _lock(self, request: web.Request) -> Lock:
        """Return the lock named in the path, or 404."""
        lock = self.world.tedee.locks.get(int(request.match_info["id"]))
        if lock is None:
            raise ControlError(404, "no such lock")
        return lock

    async def add_lock(self, request: web.Request) -> web.Response:
        """POST /_control/tedee/locks: add a lock (Tedee field names; id optional)."""
        body = await read_body(request)
        state = self.world.tedee
        if body.get("id") is not None and int(body["id"]) in state.locks:
            raise ControlError(409, "lock id already exists")
        utc_now = self.world.utcnow()
        lock = state.add_lock(body, utc_now)
        state.add_history([{**body, "id": lock.id}], utc_now)
        return web.json_response(lock.model_json("deviceState"), status=201)

    async def patch_lock(self, request: web.Request) -> web.Response:
        """PATCH /_control/tedee/locks/{id}.

        A new ``state`` logs the manual activity it stands for (38 locked, 39 unlocked,
        53 pulled, 47 partially open) and a change of ``isCharging`` logs 46 / 50, unless
        ``"activity": false``. ``sharedWith`` (guests' names) replaces whom the lock is shared
        with.
        """
        lock = self._lock(request)
        body = await read_body(request)
        reject_unknown(body, set(LOCK_FIELDS) | {"activity", "sharedWith"})
        log = bool(body.pop("activity", True))
        if "sharedWith" in body:
            guests = body.pop("sharedWith")
            if not isinstance(guests, list):
                raise ControlError(400, "sharedWith must be a list of user names")
            lock.shared_with = self.world.tedee.shared_with(guests)
        state_before, charging_before = lock.state, lock.is_charging
        bump = False
        for key, value in body.items():
            attr, bumps = LOCK_FIELDS[key]
            if getattr(lock, attr) != value:
                setattr(lock, attr, value)
                bump = bump or bumps
        utc_now = self.world.utcnow()
        if "state" in body:
            lock.steps.clear()
            lock.last_state_changed = utc_now
        if bump:
            lock.revision += 1
        if log:
            activity = self.world.tedee.activity
            manual = MANUAL_EVENT_FOR_STATE.get(lock.state)
            if "state" in body and lock.state != state_before and manual is not None:
                activity.add(lock.id, manual, utc_now)
            if lock.is_charging != charging_before:
                activity.add(lock.id, 46 if lock.is_charging else 50, utc_now)
        return web.json_response(lock.model_json("deviceState"))

    async def delete_lock(self, request: web.Request) -> web.Response:
        """DELETE /_control/tedee/locks/{id} (its activity goes too)."""
        lock = self._lock(request)
        del self.world.tedee.locks[lock.id]
        self.world.tedee.activity.forget(lock.id)
        return web.json_response({"deleted": lock.id})

    async def get_activity(self, request: web.Request) -> web.Response:
        """GET /_control/tedee/locks/{id}/activity: every entry, newest first."""
        lock = self._lock(request)
        items = self.world.tedee.activity.of(lock.id)
        return web.json_response([a.to_json() for a in reversed(items)])

    async def add_activity(self, request: web.Request) -> web.Response:
        """POST /_control/tedee/locks/{id}/activity ``{event, username?, source?, count?}``.

        Events that stand for a change make it (61 → unlocked, 34 → locked, 53 → pulled,
        46/50 → charging, 40 → jammed ...); the others only log. Unknown codes are accepted.
        ``date`` logs it at that date instead of now (uploaded late, or a lock's wrong clock);
        ``override`` replaces fields of the item as the API shows it (a malformed item).
        """
        lock = self._lock(request)
        body = await read_body(request)
        reject_unknown(body, {"event", "username", "source", "count", "date", "override"})
        date, override = feed_item_edits(body, "date")
        try:
            code = event_code(body.get("event"))
        except ActivityError as err:
            raise ControlError(400, str(err)) from None
        source = body.get("source")
        if source is not None and source not in (0, 1):
            raise ControlError(400, "source must be 0 (Device) or 1 (Mobile)")
        state = self.world.tedee
        name = optional_name(body, "username")
        user = state.user_named(name) if name else None
        now, utc_now = self.world.clock(), self.world.utcnow()
        created = [
            state.apply_event(lock, code, now, utc_now, user=user, source=source)
            for _ in range(count_of(body))
        ]
        for activity in created:
            if date is not None:
                state.activity.redate(activity, date)
            activity.override = dict(override)
        return web.json_response([a.to_json() for a in created], status=201)

    async def patch_activity(self, request: web.Request) -> web.Response:
        """PATCH /_control/tedee/activity/{id} ``{date?, override?}``: move or spoil an item."""
        activity = self.world.tedee.activity.get(int(request.match_info["id"]))
        if activity is None:
            raise ControlError(404, "no such activity")
        body = await read_body(request)
        reject_unknown(body, {"date", "override"})
        date, override = feed_item_edits(body, "date")
        if date is not None:
            self.world.tedee.activity.redate(activity, date)
        if "override" in body:
            activity.override = dict(override)
        return web.json_response(activity.to_json())

    # -- gates ----------------------------------------------------------------------------

    def _gate(self, request: web.Request) -> Gate:
        """Return the gate named in the path, or 404."""
        gate = self.world.tedee.gates.get(int(request.match_info["id"]))
        if gate is None:
            raise ControlError(404, "no such gate")
        return gate

    async def add_gate(self, request: web.Request) -> web.Response:
        """POST /_control/tedee/gates: add a gate (Tedee field names; id optional)."""
        body = await read_body(request)
        state = self.world.tedee
        if body.get("id") is not None and int(body["id"]) in state.gates:
            raise ControlError(409, "gate id already exists")
        gate = state.add_gate(body)
        return web.json_response(gate.to_json(), status=201)

    async def patch_gate(self, request: web.Request) -> web.Response:
        """PATCH /_control/tedee/gates/{id}: BleBox-side fields wait for a gate sync."""
        gate = self._gate(request)
        body = await read_body(request)
        reject_unknown(body, set(GATE_LIVE_FIELDS) | set(GATE_BLEBOX_FIELDS) | {"immediate"})
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

    async def open_gate(self, request: web.Request) -> web.Response:
        """POST /_control/tedee/gates/{id}/open ``{by?: "access_link" | "remote", username?}``.

        Someone opened the gate outside Home Assistant: by a guest's access link (10001
        GateUnlockedByAccessLink, the default) or from the Tedee app (10000).
        """
        gate = self._gate(request)
        body = await read_body(request)
        reject_unknown(body, {"by", "username"})
        by = body.get("by", "access_link")
        if by not in ("access_link", "remote"):
            raise ControlError(400, 'by must be "access_link" or "remote"')
        name = optional_name(body, "username")
        state = self.world.tedee
        user = state.user_named(name) if name else None
        activity = state.open_gate(
            gate, self.world.utcnow(), user=user, by_access_link=by == "access_link"
        )
        return web.json_response(activity.to_json(), status=201)

    async def get_gate_activity(self, request: web.Request) -> web.Response:
        """GET /_control/tedee/gates/{id}/activity: every entry, newest first."""
        gate = self._gate(request)
        items = self.world.tedee.activity.of(gate.id)
        return web.json_response([a.to_json() for a in reversed(items)])

    async def delete_gate(self, request: web.Request) -> web.Response:
        """DELETE /_control/tedee/gates/{id}."""
        gate = self._gate(request)
        del self.world.tedee.gates[gate.id]
        self.world.tedee.activity.forget(gate.id)
        return web.json_response({"deleted": gate.id})
