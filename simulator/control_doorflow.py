"""Control routes for the DoorFlow side: config, sites, channels, door happenings, OAuth."""

# All control handlers share one signature for the router, so some arguments go unused.
# ruff: noqa: ARG002

from __future__ import annotations

from typing import Any

from aiohttp import web

from simulator.control_common import (
    ControlError,
    Route,
    RouteGroup,
    feed_item_edits,
    optional_name,
    page_size,
    read_body,
    reject_unknown,
    seconds_range,
)
from simulator.doorflow_events import EVENT_KINDS
from simulator.doorflow_models import LOCKDOWN_KEYS, Channel
from simulator.oauth import TOKEN_FAILURES, TokenFailure
from simulator.timeutil import parse_iso

CHANNEL_FIELDS = {
    "name": "name",
    "model": "model",
    "model_long": "model_long",
    "mac_address": "mac_address",
    "unit": "unit",
    "serial_number": "serial_number",
    "freescale_version": "freescale_version",
    "pic_version": "pic_version",
    "auto_unlock": "auto_unlock",
    "site_id": "site_id",
    "unresponsive": "unresponsive",
}
CHANNEL_STATE_FIELDS = {"status", "mode", "relock_at", "hold_past_relock", "lockdown"}
STATUSES = ("online", "offline", "pending_encryption")
CONFIG_FIELDS = {"sync_interval", "access_token_lifetime", "admission_timeout", "code_lifetime"}
CONFIG_EXTRA = {
    "admission_delay",
    "door_alarm_clear_after",
    "max_page_size",
    "legacy_lockdown",
    "reset_limits",
}


class DoorFlowControl(RouteGroup):
    """Control routes of DoorFlow."""

    def routes(self) -> list[Route]:
        """Return the DoorFlow control routes."""
        return [
            ("GET", "/_control/doorflow/config", self.get_config),
            ("POST", "/_control/doorflow/config", self.config),
            ("POST", "/_control/doorflow/sites", self.add_site),
            ("DELETE", r"/_control/doorflow/sites/{id:\d+}", self.delete_site),
            ("POST", "/_control/doorflow/channels", self.add_channel),
            ("PATCH", r"/_control/doorflow/channels/{id:\d+}", self.patch_channel),
            ("DELETE", r"/_control/doorflow/channels/{id:\d+}", self.delete_channel),
            ("POST", r"/_control/doorflow/channels/{id:\d+}/event", self.event),
            ("PATCH", r"/_control/doorflow/events/{id:\d+}", self.patch_event),
            ("POST", r"/_control/doorflow/door/{id:\d+}", self.door),
            ("GET", "/_control/doorflow/oauth", self.get_oauth),
            ("POST", "/_control/doorflow/oauth", self.oauth),
            ("POST", "/_control/doorflow/clients/{client_id}/revoke", self.revoke_client),
        ]

    # -- config and sites -----------------------------------------------------------------

    async def get_config(self, request: web.Request) -> web.Response:
        """GET /_control/doorflow/config."""
        return web.json_response(self.world.doorflow.config.to_json())

    async def config(self, request: web.Request) -> web.Response:
        """POST /_control/doorflow/config: sync interval, lifetimes, delays, paging, shape."""
        body = await read_body(request)
        reject_unknown(body, CONFIG_FIELDS | CONFIG_EXTRA)
        state = self.world.doorflow
        config = state.config
        for key in CONFIG_FIELDS & set(body):
            setattr(config, key, type(getattr(config, key))(body[key]))
        if "admission_delay" in body:
            config.admission_delay = seconds_range(body["admission_delay"], "admission_delay")
        if "door_alarm_clear_after" in body:
            value = body["door_alarm_clear_after"]
            config.door_alarm_clear_after = None if value is None else float(value)
        if "max_page_size" in body:
            config.max_page_size = page_size(body["max_page_size"])
        if "legacy_lockdown" in body:
            config.legacy_lockdown = bool(body["legacy_lockdown"])
        if body.get("reset_limits"):
            state.last_sync_request = None
        return web.json_response(config.to_json())

    async def add_site(self, request: web.Request) -> web.Response:
        """POST /_control/doorflow/sites: add or replace a site (``{id?, name, time_zone?}``)."""
        body = await read_body(request)
        reject_unknown(body, {"id", "name", "time_zone", "notes", "ip_address"})
        site = self.world.doorflow.add_site(body)
        return web.json_response(site.to_json(), status=201)

    async def delete_site(self, request: web.Request) -> web.Response:
        """DELETE /_control/doorflow/sites/{id} (its channels keep their site_id)."""
        site_id = int(request.match_info["id"])
        if self.world.doorflow.sites.pop(site_id, None) is None:
            raise ControlError(404, "no such site")
        return web.json_response({"deleted": site_id})

    # -- channels -------------------------------------------------------------------------

    def _channel(self, request: web.Request) -> Channel:
        """Return the channel named in the path, or 404."""
        channel = self.world.doorflow.channels.get(int(request.match_info["id"]))
        if channel is None:
            raise ControlError(404, "no such channel")
        return channel

    async def add_channel(self, request: web.Request) -> web.Response:
        """POST /_control/doorflow/channels: add a channel (id optional)."""
        body = await read_body(request)
        state = self.world.doorflow
        if body.get("id") is not None and int(body["id"]) in state.channels:
            raise ControlError(409, "channel id already exists")
        utc_now = self.world.utcnow()
        channel = state.add_channel(body, utc_now)
        state.add_history([{**body, "id": channel.id}], utc_now)
        return web.json_response(state.channel_json(channel), status=201)

    async def patch_channel(self, request: web.Request) -> web.Response:
        """PATCH /_control/doorflow/channels/{id}: fields, status, and mode/lockdown directly.

        Setting ``mode``/``relock_at``/``lockdown`` here is a change made elsewhere (not
        through the API): it logs events 50/51/52/53 without an author and leaves the sync
        status alone. ``hold_past_relock`` keeps an unlocked door unlocked past its relock_at.
        """
        channel = self._channel(request)
        body = await read_body(request)
        reject_unknown(body, set(CHANNEL_FIELDS) | CHANNEL_STATE_FIELDS)
        state = self.world.doorflow
        utc_now = self.world.utcnow()
        if "status" in body and body["status"] not in STATUSES:
            raise ControlError(400, "status must be online|offline|pending_encryption")
        for key, value in body.items():
            if key in CHANNEL_FIELDS:
                setattr(channel, CHANNEL_FIELDS[key], value)
                channel.updated_at = utc_now
        if "status" in body:
            state.set_status(channel, body["status"], utc_now)
        if "mode" in body or "relock_at" in body:
            mode = body.get("mode", channel.mode)
            if mode not in ("normal", "unlock"):
                raise ControlError(400, "mode must be normal|unlock")
            relock = body.get("relock_at", channel.relock_at)
            if isinstance(relock, str):
                try:
                    relock = parse_iso(relock)
                except ValueError:
                    raise ControlError(400, "relock_at must be an ISO 8601 date-time") from None
            state.set_mode(channel, mode, relock, utc_now, None)
        if "hold_past_relock" in body:
            channel.hold_past_relock = bool(body["hold_past_relock"])
        if "lockdown" in body:
            flags = body["lockdown"] or {}
            if not isinstance(flags, dict):
                raise ControlError(400, "lockdown must be an object of flags or null")
            reject_unknown(flags, set(LOCKDOWN_KEYS))
            state.set_lockdown(channel, flags, utc_now, None)
        return web.json_response(state.channel_json(channel))

    async def delete_channel(self, request: web.Request) -> web.Response:
        """DELETE /_control/doorflow/channels/{id}."""
        channel = self._channel(request)
        del self.world.doorflow.channels[channel.id]
        return web.json_response({"deleted": channel.id})

    async def event(self, request: web.Request) -> web.Response:
        """POST /_control/doorflow/channels/{id}/event: ``{kind, person?, reason?}`` or a code.

        A raw ``{"event_code": n, "person"?, "label"?}`` is logged as given (nothing changes).
        ``created_at`` dates the events as given instead of now (uploaded late, a wrong clock);
        ``override`` replaces fields of each event as the API shows it (a malformed event).
        """
        channel = self._channel(request)
        body = await read_body(request)
        allowed = {"kind", "person", "reason", "event_code", "label", "created_at", "override"}
        reject_unknown(body, allowed)
        date, override = feed_item_edits(body, "created_at")
        state = self.world.doorflow
        name = optional_name(body, "person")
        person = state.person_named(name) if name else None
        utc_now = self.world.utcnow()
        if "event_code" in body:
            code = body["event_code"]
            if isinstance(code, bool) or not isinstance(code, int):
                raise ControlError(400, "event_code must be an integer")
            label = optional_name(body, "label")
            events = [state.emit(code, channel, utc_now, person=person, label=label)]
        else:
            kind = body.get("kind")
            if kind not in EVENT_KINDS:
                raise ControlError(400, f"kind must be one of {sorted(EVENT_KINDS)}")
            try:
                events = state.record_kind(
                    channel,
                    str(kind),
                    utc_now,
                    now=self.world.clock(),
                    person=person,
                    reason=body.get("reason"),
                )
            except ValueError as err:
                raise ControlError(400, str(err)) from None
        for event in events:
            if date is not None:
                state.events.redate(event, date)
            event.override = dict(override)
        return web.json_response([e.to_json() for e in events], status=201)

    async def patch_event(self, request: web.Request) -> web.Response:
        """PATCH /_control/doorflow/events/{id} ``{created_at?, override?}``: move or spoil it."""
        events = self.world.doorflow.events
        event = events.get(int(request.match_info["id"]))
        if event is None:
            raise ControlError(404, "no such event")
        body = await read_body(request)
        reject_unknown(body, {"created_at", "override"})
        date, override = feed_item_edits(body, "created_at")
        if date is not None:
            events.redate(event, date)
        if "override" in body:
            event.override = dict(override)
        return web.json_response(event.to_json())

    async def door(self, request: web.Request) -> web.Response:
        """POST /_control/doorflow/door/{id} ``{"open": bool, "forced"?, "rex"?, "held"?}``."""
        channel = self._channel(request)
        body = await read_body(request)
        reject_unknown(body, {"open", "forced", "rex", "held"})
        state = self.world.doorflow
        utc_now, now = self.world.utcnow(), self.world.clock()
        events = []
        if body.get("rex"):
            events += state.record_kind(channel, "rex_pressed", utc_now, now=now)
        if "open" in body:
            kind = "door_opened" if body["open"] else "door_closed"
            if body["open"] and body.get("forced"):
                kind = "forced"
            events += state.record_kind(channel, kind, utc_now, now=now)
        if body.get("held"):
            events += state.record_kind(channel, "held_open", utc_now, now=now)
        return web.json_response({"events": [e.to_json() for e in events]})

    # -- OAuth ----------------------------------------------------------------------------

    async def get_oauth(self, request: web.Request) -> web.Response:
        """GET /_control/doorflow/oauth: the pending refusals and live tokens per client."""
        return web.json_response(self._oauth_json())

    def _oauth_json(self) -> dict[str, Any]:
        """Describe the OAuth switches and the live access tokens per client."""
        now = self.world.clock()
        live: dict[str, int] = {}
        for token in self.world.tokens.all():
            if token.client_id and token.kind == "access" and token.is_valid(now):
                live[token.client_id] = live.get(token.client_id, 0) + 1
        return {**self.world.doorflow.oauth.to_json(), "live_access_tokens": live}

    async def oauth(self, request: web.Request) -> web.Response:
        """POST /_control/doorflow/oauth ``{deny_next_authorize?, token_failure?}``."""
        body = await read_body(request)
        reject_unknown(body, {"deny_next_authorize", "token_failure"})
        switches = self.world.doorflow.oauth
        if "deny_next_authorize" in body:
            deny = body["deny_next_authorize"]
            if not isinstance(deny, bool | int) or deny < 0:
                raise ControlError(400, "deny_next_authorize must be true/false or a count")
            switches.deny_authorize = int(deny)
        if "token_failure" in body:
            failure = body["token_failure"]
            if failure is None:
                switches.token_failure = None
            else:
                if not isinstance(failure, dict):
                    raise ControlError(400, "token_failure must be an object or null")
                reject_unknown(failure, {"error", "count", "after_rotation"})
                error = failure.get("error", "server_error")
                if error not in TOKEN_FAILURES:
                    raise ControlError(400, f"error must be one of {sorted(TOKEN_FAILURES)}")
                switches.token_failure = TokenFailure(
                    error=str(error),
                    count=max(1, int(failure.get("count", 1))),
                    after_rotation=bool(failure.get("after_rotation", False)),
                )
        return web.json_response(self._oauth_json())

    async def revoke_client(self, request: web.Request) -> web.Response:
        """POST /_control/doorflow/clients/{client_id}/revoke: revoke all its tokens."""
        client_id = request.match_info["client_id"]
        if client_id not in self.world.doorflow.clients:
            raise ControlError(404, "no such client")
        return web.json_response({"revoked": self.world.tokens.revoke_client(client_id)})
