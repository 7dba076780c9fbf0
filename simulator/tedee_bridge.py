"""Tedee bridges' local API (``/v1.0``), one port per bridge, driven by the same world state.

From Tedee's published Bridge API (``tedee-com/tedee-bridge-api``: ``bridge-api/spec.json``
v1.2 and its how-tos): ``api_token`` header or query parameter, plain or encrypted
(``SHA256(token + ms) + ms``, each value accepted once); ``GET /bridge``, ``/lock``,
``/lock/{id}``; ``POST /lock/{id}/lock|unlock|pull`` (204); ``GET/POST/PUT /callback``,
``PUT/DELETE /callback/{id}``; every answer ``application/json`` (204s too). Registered
callbacks get ``{event, timestamp, data}`` (POST), or the values as query (GET) or path
(GET+NO_PARAMS) parameters, when a lock's state, connection, battery, charging or settings
change, or the bridge's cloud connection does. Control: ``/_control/tedee/bridges``.
"""

# All handlers share one signature for the router, so some arguments go unused.
# ruff: noqa: ARG002

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
import hashlib
import hmac
import json
import logging
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from simulator.control_common import ControlError, read_body, reject_unknown
from simulator.tedee_models import (
    OP_LOCK,
    OP_PULL,
    OP_UNLOCK,
    UNLOCK_MODES,
    Bridge,
    Lock,
)
from simulator.timeutil import iso_ms
from simulator.world import World

_LOGGER = logging.getLogger(__name__)
# While a callback is registered the locks are looked at after every answer (of the cloud, the
# control API or a bridge), when a lock's next scheduled step is due, and at least every
# WATCH_INTERVAL s; with no callback anywhere the watcher sleeps until an answer.
WATCH_INTERVAL = 1.0
MIN_WAIT = 0.05
CALL_TIMEOUT = 10.0
MAX_CALLBACKS = 50
MAX_URL = 2048
MAX_SKEW_MS = 5 * 60 * 1000
USED_KEYS_KEPT = 10000
METHODS = ("POST", "GET", "GET+NO_PARAMS")
CONFIG_FIELDS = {
    "token",
    "encrypted",
    "delay",
    "silent",
    "wrong_headers",
    "duplicate",
    "unreachable",
    "garbled",
    "cloud_connected",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class BridgeError(Exception):
    """An answer of the bridge's API other than success: ``{"error-description": ...}``."""

    def __init__(self, status: int, description: str, **extra: Any) -> None:
        super().__init__(description)
        self.status = status
        self.body = {"error-description": description, **extra}


def _bool01(value: bool) -> int:
    """Return the bridge's 0/1 for a boolean."""
    return 1 if value else 0


@dataclass
class Callback:
    """A registered event server (webhook)."""

    id: int
    url: str
    method: str = "POST"
    headers: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return ``CallbackDetails``."""
        return {"id": self.id, "url": self.url, "method": self.method, "headers": self.headers}


@dataclass
class SentCallback:
    """One request the bridge made to a callback, for the control API."""

    callback_id: int
    url: str
    event: str
    body: dict[str, Any]
    statuses: list[int | str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Describe it."""
        return {
            "callback": self.callback_id,
            "url": self.url,
            "event": self.event,
            "body": self.body,
            "statuses": list(self.statuses),
        }


def parse_callback(body: Any) -> tuple[str, str, list[dict[str, str]]]:
    """Validate ``CallbackDetailsNoId``; return (url, method, headers) or raise 400."""
    if not isinstance(body, dict):
        raise BridgeError(400, "Invalid param")
    url = body.get("url")
    method = body.get("method", "POST")
    headers = body.get("headers", [])
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise BridgeError(400, "Invalid param")
    if len(url) > MAX_URL or method not in METHODS or not isinstance(headers, list):
        raise BridgeError(400, "Invalid param")
    clean: list[dict[str, str]] = []
    for item in headers:
        if not isinstance(item, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in item.items()
        ):
            raise BridgeError(400, "Invalid param")
        clean.append(dict(item))
    return url, str(method), clean


@dataclass
class BridgeConfig:
    """The bridge's API settings (as the Tedee app sets them) and how it misbehaves."""

    token: str
    encrypted: bool = True
    delay: float = 0.0
    silent: bool = False
    wrong_headers: bool = False
    duplicate: bool = False
    unreachable: bool = False
    # Answers 200 with a page that is not the API's (what a captive portal or a proxy sends).
    garbled: bool = False
    cloud_connected: bool = True

    def to_json(self) -> dict[str, Any]:
        """Describe the configuration (the token included: it is a test double)."""
        return {
            "token": self.token,
            "encrypted": self.encrypted,
            "delay": self.delay,
            "silent": self.silent,
            "wrong_headers": self.wrong_headers,
            "duplicate": self.duplicate,
            "unreachable": self.unreachable,
            "garbled": self.garbled,
            "cloud_connected": self.cloud_connected,
        }


def lock_snapshot(lock: Lock) -> dict[str, Any]:
    """Return what the bridge notices of a lock, to compare between two looks."""
    return {
        "state": lock.state,
        "jammed": _bool01(lock.state_change_result == 1),
        "isConnected": lock.is_connected,
        "batteryLevel": lock.battery_level,
        "isCharging": lock.is_charging,
        "settings": (
            lock.revision,
            lock.pull_spring_enabled,
            lock.pull_spring_duration,
            lock.auto_pull_spring_enabled,
            lock.auto_lock_enabled,
        ),
    }


def changes_between(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Return the webhook events (name, extra data) a lock's change causes, in a stable order."""
    events: list[tuple[str, dict[str, Any]]] = []
    if old["isConnected"] != new["isConnected"]:
        events.append(("device-connection-changed", {"isConnected": _bool01(new["isConnected"])}))
    if old["settings"] != new["settings"]:
        events.append(("device-settings-changed", {}))
    if old["state"] != new["state"] or old["jammed"] != new["jammed"]:
        events.append(("lock-status-changed", {"state": new["state"], "jammed": new["jammed"]}))
    if old["batteryLevel"] != new["batteryLevel"]:
        events.append(("device-battery-level-changed", {"batteryLevel": new["batteryLevel"]}))
    if old["isCharging"] != new["isCharging"]:
        if new["isCharging"]:
            events.append(("device-battery-start-charging", {}))
        elif new["batteryLevel"] == 100:
            events.append(("device-battery-fully-charged", {}))
        else:
            events.append(("device-battery-stop-charging", {}))
    return events


class SimulatedBridge:
    """One bridge's local API on its own port."""

    def __init__(self, world: World, bridge_id: int, token: str, wall: Callable[[], float]) -> None:
        self.world = world
        self.bridge_id = bridge_id
        self.config = BridgeConfig(token=token)
        self.callbacks: dict[int, Callback] = {}
        self.sent: list[SentCallback] = []
        self._wall = wall
        self._next_callback = 1
        self._used_keys: dict[str, None] = {}
        self._seen: dict[int, dict[str, Any]] = {}
        self._cloud_seen = True
        self.app = web.Application(middlewares=[self._middleware])
        self._add_routes()
        self._runner: web.AppRunner | None = None
        self.host = "127.0.0.1"
        self.port = 0

    @property
    def url(self) -> str:
        """Return the base URL of the local API (``…/v1.0``)."""
        return f"http://{self.host}:{self.port}/v1.0"

    # -- serving ----------------------------------------------------------------------------

    async def start(self, host: str, port: int = 0) -> None:
        """Listen on ``host`` (any free port unless one is given)."""
        runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self.host = host
        self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    @property
    def bridge(self) -> Bridge:
        """Return the world's bridge (404-free: the fleet only serves existing bridges)."""
        return self.world.tedee.bridges[self.bridge_id]

    def locks(self) -> list[Lock]:
        """Return the locks paired with this bridge, by id."""
        locks = self.world.tedee.locks.values()
        return sorted((x for x in locks if x.connected_to_id == self.bridge_id), key=lambda x: x.id)

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Check the token, tick the world, render errors; slow, unreachable, garbled faults."""
        if self.config.unreachable:
            transport = request.transport
            if transport is not None:
                transport.close()
            raise web.HTTPServiceUnavailable
        if self.config.garbled:
            return web.Response(
                text="<html>Sign in to the network</html>", content_type="text/html"
            )
        if self.config.delay > 0:
            await asyncio.sleep(self.config.delay)
        try:
            self.authenticate(request)
            self.world.tick()
            return await handler(request)
        except BridgeError as err:
            return web.json_response(err.body, status=err.status)

    def authenticate(self, request: web.Request) -> None:
        """Accept the plain token, or an encrypted one used once and within five minutes."""
        given = request.headers.get("api_token") or request.query.get("api_token") or ""
        token = self.config.token
        if not self.config.encrypted:
            if not hmac.compare_digest(given, token):
                raise BridgeError(401, "Invalid token")
            return
        digest, stamp = given[:64], given[64:]
        if not stamp.isdigit() or len(stamp) > 16:
            raise BridgeError(401, "Invalid token")
        expected = hashlib.sha256(f"{token}{stamp}".encode()).hexdigest()
        if not hmac.compare_digest(digest, expected):
            raise BridgeError(401, "Invalid token")
        if abs(int(stamp) - int(self._wall() * 1000)) > MAX_SKEW_MS or given in self._used_keys:
            raise BridgeError(401, "Invalid token")
        self._used_keys[given] = None
        if len(self._used_keys) > USED_KEYS_KEPT:
            del self._used_keys[next(iter(self._used_keys))]

    def _add_routes(self) -> None:
        """Register the local API."""
        add = self.app.router.add_route
        add("GET", "/v1.0/bridge", self.get_bridge)
        add("GET", "/v1.0/lock", self.get_locks)
        add("GET", r"/v1.0/lock/{id:\d+}", self.get_lock)
        add("POST", r"/v1.0/lock/{id:\d+}/lock", self.op_lock)
        add("POST", r"/v1.0/lock/{id:\d+}/unlock", self.op_unlock)
        add("POST", r"/v1.0/lock/{id:\d+}/pull", self.op_pull)
        add("GET", "/v1.0/callback", self.get_callbacks)
        add("POST", "/v1.0/callback", self.add_callback)
        add("PUT", "/v1.0/callback", self.set_callbacks)
        add("PUT", r"/v1.0/callback/{id:\d+}", self.update_callback)
        add("DELETE", r"/v1.0/callback/{id:\d+}", self.delete_callback)

    # -- API ------------------------------------------------------------------------------

    @staticmethod
    def no_content() -> web.Response:
        """Return the 204 the bridge sends (``application/json`` in all cases, per its docs)."""
        return web.Response(status=204, content_type="application/json")

    async def get_bridge(self, request: web.Request) -> web.Response:
        """GET /v1.0/bridge: ``BridgeDetails``."""
        bridge = self.bridge
        return web.json_response(
            {
                "name": bridge.name,
                "currentTime": iso_ms(datetime.fromtimestamp(self._wall(), UTC)),
                "serialNumber": bridge.serial_number,
                "ssid": "TedeeWiFi",
                "isConnected": _bool01(self.config.cloud_connected),
                "version": bridge.software_version,
                "wifiVersion": "35.2.2.4",
            }
        )

    def lock_json(self, lock: Lock) -> dict[str, Any]:
        """Return ``LockDetails`` (every flag as 0/1, as the spec types them)."""
        return {
            "id": lock.id,
            "name": lock.name,
            "type": lock.type,
            "serialNumber": lock.serial_number,
            "isConnected": _bool01(lock.is_connected),
            "rssi": -52,
            "deviceRevision": lock.revision,
            "version": lock.software_version,
            "state": lock.state,
            "jammed": _bool01(lock.state_change_result == 1),
            "batteryLevel": lock.battery_level,
            "isCharging": _bool01(lock.is_charging),
            "deviceSettings": {
                "autoLockEnabled": _bool01(lock.auto_lock_enabled),
                "pullSpringEnabled": _bool01(lock.pull_spring_enabled),
                "pullSpringDuration": lock.pull_spring_duration,
                "autoPullSpringEnabled": _bool01(lock.auto_pull_spring_enabled),
            },
        }

    def _lock(self, request: web.Request) -> Lock:
        """Return the lock in the path if it is paired with this bridge, else 404."""
        lock = self.world.tedee.locks.get(int(request.match_info["id"]))
        if lock is None or lock.connected_to_id != self.bridge_id:
            raise BridgeError(404, "Device not found")
        return lock

    async def get_locks(self, request: web.Request) -> web.Response:
        """GET /v1.0/lock: every paired lock."""
        return web.json_response([self.lock_json(lock) for lock in self.locks()])

    async def get_lock(self, request: web.Request) -> web.Response:
        """GET /v1.0/lock/{id}."""
        return web.json_response(self.lock_json(self._lock(request)))

    def _operate(self, request: web.Request, op_type: int, mode: int = 0) -> web.Response:
        """Start an operation through the world (405 when the lock is off the bridge)."""
        lock = self._lock(request)
        if not lock.is_connected:
            raise BridgeError(405, "Device is disconnected")
        self.world.tedee.operate(lock, op_type, mode, self.world.clock())
        return self.no_content()

    async def op_lock(self, request: web.Request) -> web.Response:
        """POST /v1.0/lock/{id}/lock."""
        return self._operate(request, OP_LOCK)

    async def op_unlock(self, request: web.Request) -> web.Response:
        """POST /v1.0/lock/{id}/unlock with ``mode`` (header per the spec, query as aiotedee)."""
        raw = request.headers.get("mode") or request.query.get("mode") or "0"
        if not raw.isdigit() or int(raw) not in UNLOCK_MODES:
            raise BridgeError(403, "Invalid param")
        return self._operate(request, OP_UNLOCK, int(raw))

    async def op_pull(self, request: web.Request) -> web.Response:
        """POST /v1.0/lock/{id}/pull (406 when the pull spring is not set up)."""
        lock = self._lock(request)
        if not lock.pull_spring_enabled:
            raise BridgeError(406, "BLE API error", **{"error-code": 2})
        return self._operate(request, OP_PULL)

    async def get_callbacks(self, request: web.Request) -> web.Response:
        """GET /v1.0/callback: the registered event servers."""
        return web.json_response([c.to_json() for c in self.callbacks.values()])

    def _register(self, url: str, method: str, headers: list[dict[str, str]]) -> Callback:
        """Store a callback under the next id (409 Busy past the bridge's room)."""
        if len(self.callbacks) >= MAX_CALLBACKS:
            raise BridgeError(409, "Busy")
        callback = Callback(self._next_callback, url, method, headers)
        self._next_callback += 1
        self.callbacks[callback.id] = callback
        self._remember_all()
        return callback

    async def _json(self, request: web.Request) -> Any:
        """Read the JSON body (400 when it is not JSON)."""
        try:
            return await request.json()
        except ValueError:
            raise BridgeError(400, "Invalid param") from None

    async def add_callback(self, request: web.Request) -> web.Response:
        """POST /v1.0/callback: ``{"id": n}``."""
        callback = self._register(*parse_callback(await self._json(request)))
        return web.json_response({"id": callback.id})

    async def set_callbacks(self, request: web.Request) -> web.Response:
        """PUT /v1.0/callback: replace all; answer the new ids."""
        body = await self._json(request)
        if not isinstance(body, list) or len(body) > MAX_CALLBACKS:
            raise BridgeError(400, "Invalid param")
        parsed = [parse_callback(item) for item in body]
        self.callbacks.clear()
        return web.json_response([self._register(*item).id for item in parsed])

    def _callback(self, request: web.Request) -> Callback:
        """Return the callback in the path, or 404."""
        callback = self.callbacks.get(int(request.match_info["id"]))
        if callback is None:
            raise BridgeError(404, "Callback not found")
        return callback

    async def update_callback(self, request: web.Request) -> web.Response:
        """PUT /v1.0/callback/{id}: 204."""
        callback = self._callback(request)
        callback.url, callback.method, callback.headers = parse_callback(await self._json(request))
        return self.no_content()

    async def delete_callback(self, request: web.Request) -> web.Response:
        """DELETE /v1.0/callback/{id}: 204."""
        del self.callbacks[self._callback(request).id]
        return self.no_content()

    # -- watching and calling -------------------------------------------------------------

    def _remember_all(self) -> None:
        """Take the current look of every lock as the base for the next comparison."""
        self._seen = {lock.id: lock_snapshot(lock) for lock in self.locks()}
        self._cloud_seen = self.config.cloud_connected

    def changes(self) -> list[dict[str, Any]]:
        """Return the webhook bodies for what changed since the last look (oldest first)."""
        stamp = iso_ms(datetime.fromtimestamp(self._wall(), UTC))
        bodies: list[dict[str, Any]] = []
        if self.config.cloud_connected != self._cloud_seen:
            self._cloud_seen = self.config.cloud_connected
            cloud = {"isConnected": _bool01(self._cloud_seen)}
            bodies.append(
                {"event": "backend-connection-changed", "timestamp": stamp, "data": cloud}
            )
        for lock in self.locks():
            now = lock_snapshot(lock)
            before = self._seen.get(lock.id)
            self._seen[lock.id] = now
            if before is None:
                continue
            for event, extra in changes_between(before, now):
                data: dict[str, Any] = {
                    "deviceType": lock.type,
                    "deviceId": lock.id,
                    "serialNumber": lock.serial_number,
                    **extra,
                }
                bodies.append({"event": event, "timestamp": stamp, "data": data})
        return bodies

    def requests_for(self, body: dict[str, Any]) -> list[tuple[Callback, str, str | None]]:
        """Return (callback, URL, JSON body or None) for each registered callback."""
        flat = {"event": body["event"], "timestamp": body["timestamp"], **body["data"]}
        made: list[tuple[Callback, str, str | None]] = []
        for callback in self.callbacks.values():
            if callback.method == "POST":
                made.append((callback, callback.url, json.dumps(body)))
            elif callback.method == "GET":
                joiner = "&" if "?" in callback.url else "?"
                made.append((callback, f"{callback.url}{joiner}{urlencode(flat)}", None))
            else:
                path = "/".join(f"{k}={v}" for k, v in flat.items())
                made.append((callback, f"{callback.url.rstrip('/')}/{path}", None))
        return made


class BridgeFleet:
    """Every bridge of the Tedee account, served on its own port, plus their watcher."""

    def __init__(self, world: World, wall: Callable[[], float] = time.time) -> None:
        self.world = world
        self.bridges: dict[int, SimulatedBridge] = {}
        self._wall = wall
        self._watcher: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._state: object = None
        self._wake = asyncio.Event()

    def add_control_routes(self, app: web.Application) -> None:
        """Register ``/_control/tedee/bridges`` on the main application."""
        add = app.router.add_route
        add("GET", "/_control/tedee/bridges", self.control_list)
        add("POST", r"/_control/tedee/bridges/{id:\d+}", self.control_config)
        add("DELETE", r"/_control/tedee/bridges/{id:\d+}/callbacks", self.control_drop)
        add("POST", r"/_control/tedee/bridges/{id:\d+}/replay", self.control_replay)
        app.on_response_prepare.append(self._after_answer)

    async def _after_answer(self, request: web.Request, response: web.StreamResponse) -> None:
        """Wake the watcher: the request just answered may have changed a lock."""
        self._wake.set()

    async def start(self, host: str) -> None:
        """Serve every bridge of the world and start watching."""
        self._state = self.world.tedee
        for bridge_id in sorted(self.world.tedee.bridges):
            device = SimulatedBridge(self.world, bridge_id, f"bridge-token-{bridge_id}", self._wall)
            device.app.on_response_prepare.append(self._after_answer)
            await device.start(host)
            self.bridges[bridge_id] = device
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=CALL_TIMEOUT))
        self._watcher = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        """Stop watching, calling and serving."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for device in self.bridges.values():
            await device.stop()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def poll(self) -> list[tuple[SimulatedBridge, dict[str, Any]]]:
        """Bring the world up to date; return each bridge's webhook bodies since the last look."""
        if self._state is not self.world.tedee:
            self._state = self.world.tedee
            for device in self.bridges.values():
                device.callbacks.clear()
        found: list[tuple[SimulatedBridge, dict[str, Any]]] = []
        watched = [d for d in self.bridges.values() if d.callbacks]
        if not watched:
            return found
        self.world.tick()
        for device in watched:
            if device.bridge_id not in self.world.tedee.bridges:
                continue
            found.extend((device, body) for body in device.changes())
        return found

    def _next_wait(self) -> float | None:
        """Return how long to sleep: until a watched lock's next step, at most the interval."""
        watched = [d for d in self.bridges.values() if d.callbacks]
        if not watched:
            return None
        wait = WATCH_INTERVAL
        now = self.world.clock()
        for device in watched:
            for lock in device.locks():
                if lock.steps:
                    wait = min(wait, lock.steps[0].at - now)
        return max(wait, MIN_WAIT)

    async def _watch(self) -> None:
        """Call the callbacks of what changed; look after answers, due steps and on a timer."""
        while True:
            self._wake.clear()
            try:
                for device, body in self.poll():
                    self.dispatch(device, body)
                wait = self._next_wait()
            except Exception:  # pragma: no cover - keep watching whatever one round did
                _LOGGER.exception("Tedee bridge watcher failed")
                wait = WATCH_INTERVAL
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    def dispatch(
        self, device: SimulatedBridge, body: dict[str, Any], times: int | None = None
    ) -> None:
        """Send ``body`` to every callback of ``device`` (unless silent; twice if duplicate)."""
        config = device.config
        if config.silent:
            return
        count = times if times is not None else (2 if config.duplicate else 1)
        for callback, url, data in device.requests_for(body):
            sent = SentCallback(callback.id, url, body["event"], body)
            device.sent.append(sent)
            del device.sent[:-1000]
            headers: dict[str, str] = {}
            for item in callback.headers:
                headers.update(item)
            if config.wrong_headers:
                headers = dict.fromkeys(headers, "wrong") or {"X-Wrong": "wrong"}
            task = asyncio.create_task(
                self._send(
                    sent,
                    method=callback.method,
                    url=url,
                    data=data,
                    headers=headers,
                    count=count,
                    delay=config.delay,
                )
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _send(
        self,
        sent: SentCallback,
        *,
        method: str,
        url: str,
        data: str | None,
        headers: dict[str, str],
        count: int,
        delay: float,
    ) -> None:
        """Make the request ``count`` times after ``delay`` seconds."""
        if delay > 0:
            await asyncio.sleep(delay)
        assert self._session is not None
        if data is not None:
            headers = {"Content-Type": "application/json", **headers}
        verb = "POST" if method == "POST" else "GET"
        for _ in range(count):
            try:
                async with self._session.request(verb, url, data=data, headers=headers) as resp:
                    await resp.read()
                    sent.statuses.append(resp.status)
            except (aiohttp.ClientError, TimeoutError) as err:
                sent.statuses.append(type(err).__name__)

    # -- control --------------------------------------------------------------------------

    def _device(self, request: web.Request) -> SimulatedBridge:
        """Return the bridge named in the path."""
        device = self.bridges.get(int(request.match_info["id"]))
        if device is None:
            raise ControlError(404, "no such bridge")
        return device

    @staticmethod
    def _describe(device: SimulatedBridge) -> dict[str, Any]:
        """Describe a served bridge."""
        return {
            "id": device.bridge_id,
            "host": device.host,
            "port": device.port,
            "url": device.url,
            "config": device.config.to_json(),
            "callbacks": [c.to_json() for c in device.callbacks.values()],
            "sent": [s.to_json() for s in device.sent],
        }

    async def control_list(self, request: web.Request) -> web.Response:
        """GET /_control/tedee/bridges: every served bridge, its port, token and callbacks."""
        return web.json_response([self._describe(d) for d in self.bridges.values()])

    async def control_config(self, request: web.Request) -> web.Response:
        """POST /_control/tedee/bridges/{id}: token, mode and misbehaviour."""
        try:
            device = self._device(request)
            body = await read_body(request)
            reject_unknown(body, CONFIG_FIELDS)
            config = device.config
            if "token" in body:
                if not isinstance(body["token"], str) or not body["token"]:
                    raise ControlError(400, "token must be a non-empty string")
                config.token = body["token"]
            if "delay" in body:
                delay = body["delay"]
                if isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0:
                    raise ControlError(400, "delay must be a number of seconds >= 0")
                config.delay = float(delay)
            for name in CONFIG_FIELDS - {"token", "delay"}:
                if name in body:
                    if not isinstance(body[name], bool):
                        raise ControlError(400, f"{name} must be a boolean")
                    setattr(config, name, body[name])
        except ControlError as err:
            return web.json_response({"error": err.message}, status=err.status)
        return web.json_response(self._describe(device))

    async def control_drop(self, request: web.Request) -> web.Response:
        """DELETE /_control/tedee/bridges/{id}/callbacks: forget every callback."""
        try:
            device = self._device(request)
        except ControlError as err:
            return web.json_response({"error": err.message}, status=err.status)
        device.callbacks.clear()
        return web.json_response(self._describe(device))

    async def control_replay(self, request: web.Request) -> web.Response:
        """POST /_control/tedee/bridges/{id}/replay: send the last body again, unchanged."""
        try:
            device = self._device(request)
            if not device.sent:
                raise ControlError(400, "nothing sent yet")
        except ControlError as err:
            return web.json_response({"error": err.message}, status=err.status)
        self.dispatch(device, device.sent[-1].body, times=1)
        return web.json_response(device.sent[-1].to_json())


BRIDGES_KEY = web.AppKey("tedee_bridges", BridgeFleet)
