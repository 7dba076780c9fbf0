"""Tedee bridges' pushes: each configured bridge calls Home Assistant when a lock changes.

One `BridgeLink` per bridge the user added (address and local token, in the entry's options):
it registers a POST callback on the bridge to a webhook of its own (Home Assistant's `webhook`
component; a random id, stored in the options, never logged) with a random header the bridge
sends back, and reads every call as untrusted (size, shape, header, known lock, duplicates).

Home Assistant's built-in `tedee` integration, when it sets up, deletes every callback whose URL
contains Home Assistant's address — ours too. So each health check (every `HEALTH_INTERVAL`
seconds, on the LAN, no cloud request) lists the bridge's callbacks and registers ours again
when it is gone; Door Access itself deletes only the callback it registered, by its id, never
by host. The health check also reads the bridge's lock states: a state the bridge reports that
no push brought means the pushes are lost ("silent"), and the account polls the cloud at its
normal rate until a push arrives again; an unreachable bridge counts the same.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Callable, Mapping
import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import json
import secrets
from typing import Any, Final
from urllib.parse import urlsplit

from aiohttp import web
from aiotedee import TedeeLocalAuthException
from homeassistant.components import webhook
from homeassistant.components.webhook import async_register as add_webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.network import NoURLAvailableError, get_url
from homeassistant.util import dt as dt_util

from ..api import LockState
from ..const import DOMAIN, LOGGER
from ..push_status import PushMode, read_push_body
from ..timer import Timer
from .bridge_client import BRIDGE_ERRORS, BridgeAddress, BridgeAddressError, BridgeClient
from .const import CONF_BRIDGES

# Seconds between health checks of a bridge (its callback still there, its locks as shown).
HEALTH_INTERVAL: Final = 20.0
# A push call's body is a few hundred bytes; anything larger is refused unread.
MAX_PUSH_BODY: Final = 8192
# A state the bridge reports that differs from the one shown counts as a lost push only when
# no push arrived for the lock in this many seconds (one may be on its way).
PUSH_GRACE: Final = 2.0
# Bodies remembered per bridge to refuse duplicates and replays.
SEEN_BODIES: Final = 256
# The header the bridge sends back with each call (its value is random per registration).
SECRET_HEADER: Final = "X-Door-Access-Key"  # noqa: S105
# Seconds the unload may spend deleting our callback from a bridge.
UNLOAD_TIMEOUT: Final = 5.0

CONF_BRIDGE_ADDRESS: Final = "address"
CONF_BRIDGE_TOKEN: Final = "token"  # noqa: S105
CONF_BRIDGE_WEBHOOK_ID: Final = "webhook_id"

_STATE_EVENT: Final = "lock-status-changed"
_KNOWN_EVENTS: Final = frozenset(
    {
        _STATE_EVENT,
        "device-connection-changed",
        "device-battery-level-changed",
        "device-battery-start-charging",
        "device-battery-stop-charging",
        "device-battery-fully-charged",
        "device-settings-changed",
        "backend-connection-changed",
    }
)


@dataclass(frozen=True, slots=True)
class LockPush:
    """What one accepted push says about a lock (None: the event does not tell it)."""

    lock_id: int
    event: str
    state: LockState | None = None
    jammed: bool = False
    battery_level: int | None = None
    is_charging: bool | None = None
    is_connected: bool | None = None


@dataclass(slots=True)
class BridgePushStatus:
    """Push of one bridge, or of the whole entry: active, last push, refusals, polling rate.

    Read by the account's push status sensor (`mode`) and dumped in diagnostics.
    """

    active: bool = False
    last_push: datetime | None = None
    refused: Counter[str] = field(default_factory=Counter)
    # Seconds between the cloud's lock syncs now (a health check while every lock is pushed).
    polling_interval: float = 0.0
    # Why push is not active now (None while it is).
    reason: str | None = None

    @property
    def mode(self) -> PushMode:
        """Return how the account's lock state arrives now."""
        return PushMode.PUSH if self.active else PushMode.POLLING

    def as_dict(self) -> dict[str, object]:
        """Return the status for diagnostics (the keys DoorFlow's push uses where shared)."""
        return {
            "active": self.active,
            "state": "active" if self.active else self.reason,
            "last_push_received": None if self.last_push is None else self.last_push.isoformat(),
            "refused": dict(sorted(self.refused.items())),
            "lock_polling": f"every {self.polling_interval:.0f} s",
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkHooks:
    """What a bridge's link tells its entry, and reads from it."""

    # A push accepted (or a state the health check found that no push brought).
    on_push: Callable[[LockPush], None]
    # The position a lock shows now (None: unknown).
    shown_state: Callable[[int], LockState | None]
    # A bridge's push started or stopped.
    on_health: Callable[[], None]
    clock: Callable[[], float]


class PushRefusedError(Exception):
    """A push call that is not read (its reason is counted)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def stored_bridges(options: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the bridge items stored in an entry's options, as stored (mappings only)."""
    found = options.get(CONF_BRIDGES)
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def bridge_configs(options: Mapping[str, Any]) -> list[dict[str, str]]:
    """Return the bridges stored in an entry's options (well-formed items only)."""
    return [
        item
        for item in stored_bridges(options)
        if all(
            isinstance(item.get(key), str) and item[key]
            for key in (CONF_BRIDGE_ADDRESS, CONF_BRIDGE_TOKEN, CONF_BRIDGE_WEBHOOK_ID)
        )
        and _usable_address(item[CONF_BRIDGE_ADDRESS])
    ]


def _usable_address(text: str) -> bool:
    """Tell whether a stored address is still a host with an optional port."""
    try:
        BridgeAddress.parse(text)
    except BridgeAddressError:
        return False
    return True


def new_bridge_config(address: BridgeAddress, token: str) -> dict[str, str]:
    """Return a bridge's stored settings with a new random webhook id."""
    return {
        CONF_BRIDGE_ADDRESS: str(address),
        CONF_BRIDGE_TOKEN: token,
        CONF_BRIDGE_WEBHOOK_ID: secrets.token_hex(16),
    }


def _flag(value: object) -> bool | None:
    """Read the bridge's 0/1 (or true/false) flag."""
    if isinstance(value, bool):
        return value
    if type(value) is int and value in {0, 1}:
        return bool(value)
    return None


def parse_push(body: bytes, known_locks: Callable[[int], bool]) -> LockPush:
    """Read one push call's body (`{event, timestamp, data}`); raise PushRefusedError."""
    try:
        message = json.loads(body)
    except ValueError:
        raise PushRefusedError("not_json") from None
    if not isinstance(message, dict) or not isinstance(message.get("data"), dict):
        raise PushRefusedError("bad_shape")
    event, data = message.get("event"), message["data"]
    if event not in _KNOWN_EVENTS:
        raise PushRefusedError("unknown_event")
    if event == "backend-connection-changed":
        return LockPush(lock_id=0, event=event)
    lock_id = data.get("deviceId")
    if type(lock_id) is not int:
        raise PushRefusedError("bad_shape")
    if not known_locks(lock_id):
        raise PushRefusedError("unknown_lock")
    if event == _STATE_EVENT:
        state = data.get("state")
        if type(state) is not int or not 0 <= state <= 255:
            raise PushRefusedError("bad_shape")
        return LockPush(
            lock_id=lock_id, event=event, state=LockState(state), jammed=bool(data.get("jammed"))
        )
    if event == "device-battery-level-changed":
        level = data.get("batteryLevel")
        if type(level) is not int or not 0 <= level <= 100:
            raise PushRefusedError("bad_shape")
        return LockPush(lock_id=lock_id, event=event, battery_level=level)
    if event.startswith("device-battery-"):
        return LockPush(lock_id=lock_id, event=event, is_charging=event.endswith("start-charging"))
    if event == "device-connection-changed":
        return LockPush(lock_id=lock_id, event=event, is_connected=_flag(data.get("isConnected")))
    return LockPush(lock_id=lock_id, event=event)  # settings: the cloud's details tell them


class BridgeLink:
    """One bridge: its callback to our webhook, the pushes it sends, its health."""

    def __init__(self, hass: HomeAssistant, config: Mapping[str, str], hooks: LinkHooks) -> None:
        self.hass = hass
        self.address = BridgeAddress.parse(config[CONF_BRIDGE_ADDRESS])
        self.client = BridgeClient(
            self.address, config[CONF_BRIDGE_TOKEN], async_get_clientsession(hass)
        )
        self._webhook_id = config[CONF_BRIDGE_WEBHOOK_ID]
        self._webhook_path = webhook.async_generate_path(self._webhook_id)
        self._secret = secrets.token_hex(16)
        self._hooks = hooks
        self.status = BridgePushStatus()
        self.callback_id: int | None = None
        self.lock_ids: frozenset[int] = frozenset()
        self.reregistered = 0
        self._pushed_at: dict[int, float] = {}
        self._seen: deque[bytes] = deque(maxlen=SEEN_BODIES)
        self._checking = asyncio.Lock()
        self._stopped = False

    def last_pushed(self, lock_id: int) -> float:
        """Return when a push last told something of a lock (the loop's clock)."""
        return self._pushed_at.get(lock_id, float("-inf"))

    def _set(self, *, active: bool, reason: str | None) -> None:
        """Note whether push works now; tell the coordinator when that changed."""
        changed = (self.status.active, self.status.reason) != (active, reason)
        self.status.active, self.status.reason = active, reason
        if changed:
            why = "active" if active else f"not active ({reason})"
            LOGGER.info("Tedee bridge %s: push %s", self.address, why)
            self._hooks.on_health()

    # ---- webhook ---------------------------------------------------------------------------

    def register_webhook(self) -> None:
        """Receive the bridge's calls on our webhook (local network only)."""
        add_webhook(
            hass=self.hass,
            domain=DOMAIN,
            name=f"Tedee bridge {self.address}",
            webhook_id=self._webhook_id,
            handler=self._handle_call,
            local_only=True,
            allowed_methods=("POST",),
        )

    def unregister_webhook(self) -> None:
        """Stop receiving calls."""
        webhook.async_unregister(self.hass, self._webhook_id)

    async def _handle_call(
        self,
        hass: HomeAssistant,  # noqa: ARG002
        webhook_id: str,  # noqa: ARG002
        request: web.Request,
    ) -> web.Response:
        """Read one call of the bridge: refused (counted) or handed to the coordinator."""
        try:
            if request.headers.get(SECRET_HEADER) != self._secret:
                raise PushRefusedError("bad_header")
            body = await read_push_body(request, MAX_PUSH_BODY)
            if body is None:
                raise PushRefusedError("too_large")
            if body in self._seen:
                raise PushRefusedError("duplicate")
            push = parse_push(body, lambda lock_id: lock_id in self.lock_ids)
        except PushRefusedError as err:
            self.status.refused[err.reason] += 1
            return web.Response(status=200)
        self._seen.append(body)
        self.status.last_push = dt_util.utcnow()
        if push.lock_id:
            self._pushed_at[push.lock_id] = self._hooks.clock()
        if self.callback_id is not None and self.status.reason != "unreachable":
            self._set(active=True, reason=None)
        self._hooks.on_push(push)
        return web.Response(status=200)

    # ---- the bridge's callbacks ------------------------------------------------------------

    async def async_check(self) -> None:
        """Check the bridge: reachable, our callback there (again), its locks as shown."""
        async with self._checking:
            if self._stopped:
                return
            try:
                # The URL the bridge calls: Home Assistant's own address on the LAN.
                base = get_url(self.hass, allow_ip=True, allow_external=False, allow_cloud=False)
            except NoURLAvailableError:
                self._set(active=False, reason="no_local_url")
                return
            try:
                states = await self.client.read_lock_states()
                self.lock_ids = frozenset(states)
                registered = await self._ensure_callback(f"{base}{self._webhook_path}")
            except TedeeLocalAuthException:
                self._set(active=False, reason="invalid_token")
                return
            except BRIDGE_ERRORS:
                self._set(active=False, reason="unreachable")
                return
            # Right after registering, a difference is what the cloud had not told yet.
            if self._missed_push(states) and not registered:
                self._set(active=False, reason="silent")
            elif self.status.reason in {None, "unreachable", "invalid_token", "no_local_url"}:
                self._set(active=True, reason=None)

    def _is_ours(self, hook: object) -> bool:
        """Tell whether a bridge callback calls our webhook (its random path), at any address."""
        if not isinstance(hook, dict) or not isinstance(hook.get("url"), str):
            return False
        return bool(urlsplit(hook["url"]).path == self._webhook_path)

    async def _ensure_callback(self, url: str) -> bool:
        """Register our callback when the bridge no longer has it as it is now; tell whether.

        Ours is known by our webhook's random path, never by host: one from an earlier run, or
        under an address Home Assistant no longer has (a new IP), is deleted and replaced.
        """
        hooks = await self.client.get_webhooks()
        ours = [hook for hook in hooks if self._is_ours(hook)]
        current = [
            hook for hook in ours if hook.get("id") == self.callback_id and hook.get("url") == url
        ]
        if current and current[0].get("headers") == [{SECRET_HEADER: self._secret}]:
            return False
        for hook in ours:
            if type(hook.get("id")) is int:
                await self.client.delete_webhook(hook["id"])
        again = self.callback_id is not None
        self.callback_id = await self.client.register_webhook(url, [{SECRET_HEADER: self._secret}])
        # Counted once the bridge has it again (not when asked: the request may still fail).
        if again:
            self.reregistered += 1
            LOGGER.info("Tedee bridge %s: our callback was gone; registered again", self.address)
        return True

    def _missed_push(self, states: Mapping[int, Mapping[str, Any]]) -> bool:
        """Tell whether the bridge reports a state no push brought; show the bridge's state."""
        missed = False
        now = self._hooks.clock()
        for lock_id, item in states.items():
            state, shown = item.get("state"), self._hooks.shown_state(lock_id)
            if type(state) is not int or shown is None or LockState(state) is shown:
                continue
            if now - self.last_pushed(lock_id) >= PUSH_GRACE:
                missed = True
                pushed = LockPush(lock_id=lock_id, event=_STATE_EVENT, state=LockState(state))
                self._hooks.on_push(pushed)
        return missed

    async def async_remove_callback(self) -> None:
        """Stop the checks; delete the callback we registered (by its id, never by host).

        A health check under way is let finish first: it may be registering our callback
        again (after the built-in integration's cleanup), and that one must not stay behind
        on the bridge, calling a webhook nobody serves.
        """
        self._stopped = True
        with contextlib.suppress(*BRIDGE_ERRORS):
            async with asyncio.timeout(UNLOAD_TIMEOUT), self._checking:
                if self.callback_id is not None:
                    await self.client.delete_webhook(self.callback_id)
        self.callback_id = None

    def diagnostics(self) -> dict[str, Any]:
        """Return this bridge's push status (no token, no webhook id, no secret)."""
        return {
            **self.status.as_dict(),
            "callback_registered": self.callback_id is not None,
            "callback_registered_again": self.reregistered,
            "locks": sorted(self.lock_ids),
        }


class BridgePush:
    """The entry's bridges: started with the entry, checked on a timer, stopped with it."""

    def __init__(
        self, hass: HomeAssistant, options: Mapping[str, Any], hooks: LinkHooks, *, polling: float
    ) -> None:
        """Link every bridge in the entry's options; `polling`: the lock sync's interval now."""
        self.links = [BridgeLink(hass, config, hooks) for config in bridge_configs(options)]
        # The entry's push, every bridge together: read by the account's push status sensor.
        self.status = BridgePushStatus(
            polling_interval=polling, reason=None if self.links else "no_bridge"
        )
        self._health_timer = Timer()

    def note_health(self, lock_ids: set[int]) -> bool:
        """Note whether pushes bring these locks' state now, and why not; tell if push stopped."""
        status = self.status
        was_active = status.active
        status.active = self.covers(lock_ids)
        status.last_push = self.last_push()
        inactive = [link.status.reason for link in self.links if not link.status.active]
        status.reason = None if status.active else next(iter(inactive), None) or "locks_not_pushed"
        return was_active and not status.active

    def link_for(self, lock_id: int) -> BridgeLink | None:
        """Return the active bridge a lock is connected to (None: use the cloud)."""
        linked = (link for link in self.links if link.status.active and lock_id in link.lock_ids)
        return next(linked, None)

    def covers(self, lock_ids: set[int]) -> bool:
        """Tell whether pushes bring every one of these locks' state now."""
        covered = {lock for link in self.links if link.status.active for lock in link.lock_ids}
        return bool(lock_ids) and lock_ids <= covered

    def last_push(self) -> datetime | None:
        """Return the newest push of any bridge (None: none yet)."""
        pushes = (link.status.last_push for link in self.links)
        return max((pushed for pushed in pushes if pushed is not None), default=None)

    async def async_start(self, hass: HomeAssistant) -> None:
        """Register the webhooks, check each bridge now and every `HEALTH_INTERVAL` s.

        The timer starts first: whatever the first check meets, the checks go on (each one
        registers our callback again when it is gone), with or without a lock moving.
        """
        for link in self.links:
            link.register_webhook()

        @callback
        def tick(_now: object) -> None:
            hass.async_create_background_task(self.async_check_all(), "tedee bridge check")

        self._health_timer.start(
            async_track_time_interval(hass, tick, timedelta(seconds=HEALTH_INTERVAL))
        )
        await self.async_check_all()

    async def async_check_all(self) -> None:
        """Check every bridge (side by side)."""
        await asyncio.gather(*(link.async_check() for link in self.links))

    async def async_stop(self) -> None:
        """Stop the checks, stop receiving calls, delete our callbacks from the bridges."""
        self._health_timer.cancel()
        for link in self.links:
            link.unregister_webhook()
        await asyncio.gather(*(link.async_remove_callback() for link in self.links))
