"""DoorFlow notification rules over HTTP: the API routes, the webhook caller and its controls.

API (``/api/3/notification_rules``, ``…/{id}``) as DoorFlow's ``openapi.yaml`` defines it: GET
list and one (scope ``account.notification_rule.readonly`` or ``account.notification_rule``),
POST create, PUT replace, DELETE (scope ``account.notification_rule``); the contract has no
PATCH. A caller task watches the account's event feed and calls each matching rule's URL.
Control: ``/_control/doorflow/notifications`` (state; config: ``delay``, ``silent``,
``wrong_token``, ``duplicate``, ``secret``; ``replay`` re-sends a call unchanged).
"""

# All handlers share one signature for the router, so some arguments go unused.
# ruff: noqa: ARG002

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import logging
import time

import aiohttp
from aiohttp import web

from simulator.control_common import ControlError, read_body, reject_unknown
from simulator.doorflow import DoorFlowApiError, DoorFlowState
from simulator.doorflow_events import DoorEvent
from simulator.doorflow_notifications import (
    MAX_RULES,
    NOTIFICATIONS_KEY,
    SCOPE_RULES_READ,
    SCOPE_RULES_WRITE,
    NotificationCenter,
    NotificationRule,
    RuleInputError,
    WebhookCall,
    parse_rule_input,
    sign,
)
from simulator.http_common import WORLD_KEY
from simulator.http_doorflow import DoorFlowApi, json_body
from simulator.tokens import Token
from simulator.world import World

_LOGGER = logging.getLogger(__name__)
# While rules exist the feed is looked at after every answer the server gives (a request or a
# control call may add events) and at least every WATCH_INTERVAL s (events that time makes:
# admission results, alarms clearing). Without rules the watcher sleeps until an answer.
WATCH_INTERVAL = 0.25
CALL_TIMEOUT = 10.0
CONFIG_FIELDS = {"delay", "silent", "wrong_token", "duplicate", "secret"}


def _unprocessable(errors: dict[str, list[str]]) -> DoorFlowApiError:
    """Return the contract's 422 (``error`` plus field ``errors``)."""
    return DoorFlowApiError(
        422,
        "unprocessable_entity",
        "Validation failed",
        body={
            "error": "unprocessable_entity",
            "error_description": "Validation failed",
            "errors": errors,
        },
    )


class NotificationRulesApi:
    """The notification-rule routes and the caller bound to one world."""

    def __init__(self, world: World, center: NotificationCenter) -> None:
        self.world = world
        self.center = center
        self._doorflow = DoorFlowApi(world)
        self._state: DoorFlowState | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None
        self._wake = asyncio.Event()

    # -- API ------------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        """Register the API and control routes and the caller's lifetime on ``app``."""
        app[NOTIFICATIONS_KEY] = self.center
        rules = "/api/3/notification_rules"
        one = r"/api/3/notification_rules/{id:\d+}"
        route = self._doorflow.route
        app.router.add_route("GET", rules, route(self.list_rules, SCOPE_RULES_READ))
        app.router.add_route("POST", rules, route(self.create_rule, SCOPE_RULES_WRITE))
        app.router.add_route("GET", one, route(self.get_rule, SCOPE_RULES_READ))
        app.router.add_route("PUT", one, route(self.update_rule, SCOPE_RULES_WRITE))
        app.router.add_route("DELETE", one, route(self.delete_rule, SCOPE_RULES_WRITE))
        control = "/_control/doorflow/notifications"
        app.router.add_route("GET", control, self.control_state)
        app.router.add_route("POST", control, self.control_config)
        app.router.add_route("POST", f"{control}/replay", self.control_replay)
        app.cleanup_ctx.append(self._lifetime)
        app.on_response_prepare.append(self._after_answer)

    def _rule(self, request: web.Request) -> NotificationRule:
        """Return the rule named in the path, or the contract's 404."""
        self._follow_reset()
        rule = self.center.rules.get(int(request.match_info["id"]))
        if rule is None:
            raise DoorFlowApiError(404, "not_found", "Notification rule not found")
        return rule

    async def list_rules(self, request: web.Request, token: Token) -> web.Response:
        """GET /api/3/notification_rules: every rule (the contract: no pagination)."""
        self._follow_reset()
        return web.json_response([r.to_json() for r in self.center.rules.values()])

    async def get_rule(self, request: web.Request, token: Token) -> web.Response:
        """GET /api/3/notification_rules/{id}."""
        return web.json_response(self._rule(request).to_json())

    async def create_rule(self, request: web.Request, token: Token) -> web.Response:
        """POST /api/3/notification_rules: 200 with the new ``NotificationRule``."""
        self._follow_reset()
        try:
            fields = parse_rule_input(await json_body(request))
        except RuleInputError as err:
            raise _unprocessable(err.errors) from None
        if len(self.center.rules) >= MAX_RULES:
            raise _unprocessable({"base": [f"at most {MAX_RULES} notification rules"]})
        self._start_watching()
        rule = self.center.create(fields, str(request.url.origin()))
        return web.json_response(rule.to_json())

    async def update_rule(self, request: web.Request, token: Token) -> web.Response:
        """PUT /api/3/notification_rules/{id}: replace conditions, events and action."""
        rule = self._rule(request)
        try:
            fields = parse_rule_input(await json_body(request))
        except RuleInputError as err:
            raise _unprocessable(err.errors) from None
        self.center.update(rule, fields)
        return web.json_response(rule.to_json())

    async def delete_rule(self, request: web.Request, token: Token) -> web.Response:
        """DELETE /api/3/notification_rules/{id}: ``{"result": "ok"}``."""
        rule = self._rule(request)
        del self.center.rules[rule.id]
        return web.json_response({"result": "ok"})

    # -- watching the feed and calling ------------------------------------------------------

    def _follow_reset(self) -> None:
        """Forget rules and calls when the world was reset (a new DoorFlow state)."""
        if self._state is not self.world.doorflow:
            if self._state is not None:
                self.center.clear()
            self._state = self.world.doorflow

    def _start_watching(self) -> None:
        """Mark the newest event as seen when the first rule appears (no calls for the past)."""
        if not self.center.rules:
            self.center.last_event_id = self._newest_id()

    def _newest_id(self) -> int:
        """Return the id of the newest event of the account (0 when there is none)."""
        items = self.world.doorflow.events.items
        return items[-1].id if items else 0

    def new_events(self) -> list[DoorEvent]:
        """Return the events that appeared since the last look, oldest first."""
        items = self.world.doorflow.events.items
        last = self.center.last_event_id
        if last is None:
            self.center.last_event_id = self._newest_id()
            return []
        fresh: list[DoorEvent] = []
        for event in reversed(items):
            if event.id <= last:
                break
            fresh.append(event)
        fresh.reverse()
        if fresh:
            self.center.last_event_id = fresh[-1].id
        return fresh

    def poll(self) -> list[WebhookCall]:
        """Bring the world up to date and return the calls its new events cause."""
        self._follow_reset()
        if not self.center.rules:
            self.center.last_event_id = self._newest_id()
            return []
        self.world.tick()
        events = self.new_events()
        if not events:
            return []
        account = str(self.world.doorflow.account.id)
        return self.center.calls_for(events, account, self.world.new_secret)

    async def _lifetime(self, app: web.Application) -> AsyncIterator[None]:
        """Run the watcher while the app serves; close the caller's session after."""
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=CALL_TIMEOUT))
        watcher = asyncio.create_task(self._watch())
        yield
        watcher.cancel()
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._session.close()

    async def _after_answer(self, request: web.Request, response: web.StreamResponse) -> None:
        """Wake the watcher: the request just answered may have added events."""
        self._wake.set()

    async def _watch(self) -> None:
        """Send the calls new events cause; look after each answer and, with rules, on a timer."""
        while True:
            self._wake.clear()
            try:
                for call in self.poll():
                    self.dispatch(call)
            except Exception:  # pragma: no cover - keep watching whatever one round did
                _LOGGER.exception("DoorFlow notification watcher failed")
            idle = WATCH_INTERVAL if self.center.rules else None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=idle)

    def dispatch(self, call: WebhookCall, *, times: int | None = None) -> None:
        """Send ``call`` in the background (twice under ``duplicate``; never when ``silent``)."""
        config = self.center.config
        if config.silent:
            call.statuses.append("suppressed")
            return
        count = times if times is not None else (2 if config.duplicate else 1)
        task = asyncio.create_task(self._send(call, count, config.delay))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, call: WebhookCall, count: int, delay: float) -> None:
        """POST the call's body (signed) ``count`` times after ``delay`` seconds."""
        if delay > 0:
            await asyncio.sleep(delay)
        assert self._session is not None
        for _ in range(count):
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "Timestamp": stamp,
                "Signature": sign(self.center.config.secret, stamp, call.body),
            }
            call.sends += 1
            try:
                async with self._session.post(call.url, data=call.body, headers=headers) as resp:
                    await resp.read()
                    call.statuses.append(resp.status)
            except (aiohttp.ClientError, TimeoutError) as err:
                call.statuses.append(type(err).__name__)

    # -- control --------------------------------------------------------------------------

    async def control_state(self, request: web.Request) -> web.Response:
        """GET /_control/doorflow/notifications: rules, calls and configuration."""
        self._follow_reset()
        return web.json_response(self.center.to_json())

    async def control_config(self, request: web.Request) -> web.Response:
        """POST /_control/doorflow/notifications: change how calls misbehave."""
        try:
            body = await read_body(request)
            reject_unknown(body, CONFIG_FIELDS)
            config = self.center.config
            if "delay" in body:
                delay = body["delay"]
                if not isinstance(delay, int | float) or isinstance(delay, bool) or delay < 0:
                    raise ControlError(400, "delay must be a number of seconds >= 0")
                config.delay = float(delay)
            for name in ("silent", "wrong_token", "duplicate"):
                if name in body:
                    if not isinstance(body[name], bool):
                        raise ControlError(400, f"{name} must be a boolean")
                    setattr(config, name, body[name])
            if "secret" in body:
                if not isinstance(body["secret"], str) or not body["secret"]:
                    raise ControlError(400, "secret must be a non-empty string")
                config.secret = body["secret"]
        except ControlError as err:
            return web.json_response({"error": err.message}, status=err.status)
        return web.json_response(self.center.config.to_json())

    async def control_replay(self, request: web.Request) -> web.Response:
        """POST /_control/doorflow/notifications/replay ``{"callback"?}``: send a call again."""
        try:
            body = await read_body(request)
            reject_unknown(body, {"callback"})
            wanted = body.get("callback")
            if wanted is None:
                call = self.center.calls[-1] if self.center.calls else None
            else:
                call = self.center.find_call(str(wanted))
            if call is None:
                raise ControlError(400, "no such webhook call")
        except ControlError as err:
            return web.json_response({"error": err.message}, status=err.status)
        self.dispatch(call, times=1)
        return web.json_response(call.to_json())


def add_notification_routes(app: web.Application) -> None:
    """Serve DoorFlow notification rules on ``app`` (which already carries its world)."""
    NotificationRulesApi(app[WORLD_KEY], NotificationCenter()).add_routes(app)
