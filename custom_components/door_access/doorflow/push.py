"""DoorFlow push: a webhook that DoorFlow's notification rule calls, read as a doorbell only.

With the option on (absent: on when Home Assistant has a reachable URL) the entry registers a
webhook under a random id (kept in the entry, never logged) and keeps one notification rule
calling it for every event code the integration shows (`push_rule.py`). A call is only a
notification: each event it names is read by id through the account's scheduler with the
call's acknowledgment, then delivered through the event feed (`events.py`), exactly once and
oldest first, as polling delivers. What a call says is never trusted: the random webhook id is
the guard, and a call that does not fit (too large, not the documented shape, another account,
a callback already seen, an event already delivered, beyond `READS_PER_MINUTE`) is refused and
counted by reason without a request to DoorFlow.

While push is healthy the event feed is read only every `HEALTHY_EVENT_POLL` seconds (doors
and account are polled as before); when such a read finds events push did not bring, push is
taken as silent and the feed is read at every poll again until a call comes.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import partial
import secrets
from typing import Any, Final

from aiohttp import web
from aiohttp.hdrs import METH_POST
from homeassistant.components import webhook
from homeassistant.components.webhook import async_register as register_webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from ..api import (
    MAX_WEBHOOK_BODY,
    DoorCloudError,
    DoorEvent,
    DoorFlowClient,
    DoorFlowEndpoint,
    DoorFlowOperationError,
    DoorFlowWebhookError,
    OperationFailure,
    WebhookNotice,
    parse_webhook_body,
)
from ..const import DOMAIN, LOGGER
from ..issues import clear_issue, raise_issue
from ..models import DoorAccessConfigEntry
from ..push_status import PushMode, read_push_body
from ..scheduler import RequestDeferredError
from .const import CONF_PUSH, CONF_WEBHOOK_ID
from .event_kinds import DOOR_STATE_CODES, FEED_CODES
from .events import EventFeedReader
from .push_rule import (
    CallCloud,
    async_delete_rule,
    async_drop_cloudhook,
    async_ensure_rule,
    async_webhook_url,
)

# The scope a key or token needs to keep a notification rule.
RULES_SCOPE: Final = "account.notification_rule"
# At most this many events are read by id per minute, whatever calls arrive.
READS_PER_MINUTE: Final = 12
# While push is healthy the event feed is read this often (seconds), to see that it is.
HEALTHY_EVENT_POLL: Final = 300.0
# A rule that could not be set up (or push that went silent) is looked at again this often.
RECHECK_AFTER: Final = 600.0
_FEED_CODES: Final = frozenset(FEED_CODES)
# Callback ids remembered against replays.
KEPT_CALLBACKS: Final = 2000


class PushState(StrEnum):
    """Where an entry's push stands (diagnostics)."""

    OFF = "off"
    NO_URL = "no_url"
    SCOPE_MISSING = "scope_missing"
    STARTING = "starting"
    ERROR = "error"
    ACTIVE = "active"
    SILENT = "silent"


class Refusal(StrEnum):
    """Why a webhook call (or one item of it) was refused."""

    INACTIVE = "inactive"
    OVERSIZED = "oversized"
    MALFORMED = "malformed"
    NOT_AN_EVENT = "not_an_event"
    OTHER_ACCOUNT = "other_account"
    REPLAYED = "replayed"
    RATE_CAPPED = "rate_capped"
    UNKNOWN_EVENT = "unknown_event"
    READ_FAILED = "read_failed"


_STATUS: Final[dict[Refusal, int]] = {
    Refusal.INACTIVE: 404,
    Refusal.OVERSIZED: 413,
    Refusal.RATE_CAPPED: 429,
    Refusal.REPLAYED: 200,  # DoorFlow may send a call twice: nothing to try again
}


def push_issue_id(translation_key: str, entry_id: str) -> str:
    """Return the id of a push repair issue of an entry."""
    return f"{translation_key}_{entry_id}"


@dataclass(eq=False)
class DoorFlowPush:
    """One entry's push: webhook, rule upkeep, the calls' screening and reads, its health."""

    hass: HomeAssistant
    entry: DoorAccessConfigEntry
    client: DoorFlowClient
    call: CallCloud
    _: KW_ONLY
    events: EventFeedReader
    account_id: str
    on_change: Callable[[], None]
    on_doors_changed: Callable[[set[str]], Awaitable[None]]
    state: PushState = field(default=PushState.STARTING, init=False)
    _registered: str | None = field(default=None, init=False)
    _recheck_at: float = field(default=float("inf"), init=False)
    _events_read_at: float = field(default=float("-inf"), init=False)
    _reads: deque[float] = field(default_factory=deque, init=False)
    _callbacks: OrderedDict[str, None] = field(default_factory=OrderedDict, init=False)
    refused: Counter[str] = field(default_factory=Counter, init=False)
    accepted_calls: int = field(default=0, init=False)
    pushed_events: int = field(default=0, init=False)
    last_push: datetime | None = field(default=None, init=False)

    # ---- what the coordinator asks ------------------------------------------------------------

    @property
    def mode(self) -> PushMode:
        """Return whether events arrive by push now (else by polling)."""
        return PushMode.PUSH if self.state is PushState.ACTIVE else PushMode.POLLING

    @property
    def event_poll_interval(self) -> float | None:
        """Return how often the feed is read while push is healthy (None: at every poll)."""
        return HEALTHY_EVENT_POLL if self.mode is PushMode.PUSH else None

    def events_due(self) -> bool:
        """Tell whether the event feed is to be read at this poll (and note the read)."""
        now = self.hass.loop.time()
        interval = self.event_poll_interval
        if interval is not None and now - self._events_read_at < interval:
            return False
        self._events_read_at = now
        return True

    def note_polled(self, delivered: int) -> None:
        """Note a feed read's deliveries: while push is taken as healthy, it went silent."""
        if delivered and self.state is PushState.ACTIVE:
            LOGGER.info(
                "DoorFlow push of %s missed events that polling found; polling the events "
                "again at every poll until a call comes",
                self.entry.title,
            )
            self._set_state(PushState.SILENT)
            self._recheck_at = self.hass.loop.time()

    async def async_start(self) -> None:
        """Set push up as the option says (or take it down); never raises."""
        wanted = self.entry.options.get(CONF_PUSH)
        if wanted is False:
            await self._async_turn_off()
            return
        webhook_id = self.entry.data.get(CONF_WEBHOOK_ID)
        if not isinstance(webhook_id, str) or not webhook_id:
            webhook_id = secrets.token_hex(32)
        url = await async_webhook_url(self.hass, self.entry, webhook_id)
        if url is None:
            self._set_state(PushState.NO_URL)
            if wanted:
                self._report("push_no_url")
            return
        if self.entry.data.get(CONF_WEBHOOK_ID) != webhook_id:  # set up first: keep the random id
            self.hass.config_entries.async_update_entry(
                self.entry, data={**self.entry.data, CONF_WEBHOOK_ID: webhook_id}
            )
        self._clear("push_no_url")
        self._register(webhook_id)
        await self._async_ensure(webhook_id, url)

    async def async_maintain(self) -> None:
        """Look at the rule again when due (it could not be set up, or push went silent)."""
        if self.hass.loop.time() < self._recheck_at or self._registered is None:
            return
        url = await async_webhook_url(self.hass, self.entry, self._registered)
        if url is not None:
            await self._async_ensure(self._registered, url)

    @callback
    def async_stop(self) -> None:
        """Unregister the webhook (the entry unloads); the rule stays for the next start."""
        if self._registered is not None:
            webhook.async_unregister(self.hass, self._registered)
            self._registered = None

    def diagnostics(self) -> dict[str, Any]:
        """Return push's state, counts and the event polling in use (no id, URL or token)."""
        interval = self.event_poll_interval
        return {
            "option": self.entry.options.get(CONF_PUSH, "default"),
            "state": self.state.value,
            "active": self.mode is PushMode.PUSH,
            "last_push_received": None if self.last_push is None else self.last_push.isoformat(),
            "accepted_calls": self.accepted_calls,
            "events_delivered_by_push": self.pushed_events,
            "refused": dict(sorted(self.refused.items())),
            "reads_per_minute_cap": READS_PER_MINUTE,
            "event_polling": "every poll" if interval is None else f"every {interval:.0f} s",
        }

    # ---- set up and take down -----------------------------------------------------------------

    def _register(self, webhook_id: str) -> None:
        """Register the webhook with Home Assistant (once)."""
        if self._registered is None:
            register_webhook(
                self.hass,
                DOMAIN,
                name=f"DoorFlow push ({self.entry.title})",
                webhook_id=webhook_id,
                handler=self._async_handle,
                allowed_methods=[METH_POST],
            )
            self._registered = webhook_id

    async def _async_ensure(self, webhook_id: str, url: str) -> None:
        """Have the rule in place; a refused scope raises the repair issue, polling goes on."""
        self._recheck_at = float("inf")
        try:
            await async_ensure_rule(
                self.hass, self.entry, self.client, self.call, webhook_id=webhook_id, url=url
            )
        except DoorCloudError as err:
            if getattr(err, "missing_scope", False):
                LOGGER.warning(
                    "The DoorFlow credentials of %s may not keep notification rules (scope %s "
                    "missing): no push, events are polled",
                    self.entry.title,
                    RULES_SCOPE,
                )
                self._set_state(PushState.SCOPE_MISSING)
                self._report("push_scope_missing", scope=RULES_SCOPE)
                self.async_stop()
                return
            self._failed(err)
        except RequestDeferredError as err:
            self._failed(err)
        else:
            self._clear("push_scope_missing")
            if self.state is PushState.SILENT:
                # The rule is in place but calls do not come: stay on polling (looking at the
                # rule every 10 minutes) until a call delivers again.
                self._recheck_at = self.hass.loop.time() + RECHECK_AFTER
            else:
                self._set_state(PushState.ACTIVE)

    def _failed(self, err: Exception) -> None:
        """Note a rule that could not be set up now: polling goes on, try again later."""
        LOGGER.debug("DoorFlow push of %s not set up now: %s", self.entry.title, err)
        self._set_state(PushState.ERROR)
        self._recheck_at = self.hass.loop.time() + RECHECK_AFTER

    async def _async_turn_off(self) -> None:
        """Push is off: delete the rule and cloudhook the entry made, clear the issues."""
        self._set_state(PushState.OFF)
        self._clear("push_no_url")
        self._clear("push_scope_missing")
        try:
            await async_delete_rule(self.hass, self.entry, self.client, self.call)
        except (DoorCloudError, RequestDeferredError) as err:
            LOGGER.debug("The push rule of %s stays until next time: %s", self.entry.title, err)
        await async_drop_cloudhook(self.hass, self.entry)

    def _set_state(self, state: PushState) -> None:
        """Change the state and let the entities know."""
        if state is not self.state:
            self.state = state
            self.on_change()

    def _report(self, translation_key: str, **placeholders: str) -> None:
        """Raise a push repair issue (what is missing; polling works as before)."""
        raise_issue(
            self.hass,
            push_issue_id(translation_key, self.entry.entry_id),
            translation_key,
            {"account": self.entry.title, **placeholders},
        )

    def _clear(self, translation_key: str) -> None:
        """Clear a push repair issue."""
        clear_issue(self.hass, push_issue_id(translation_key, self.entry.entry_id))

    # ---- calls --------------------------------------------------------------------------------

    def _refuse(self, reason: Refusal) -> web.Response:
        """Count a refusal and answer it."""
        self.refused[reason] += 1
        return web.Response(status=_STATUS.get(reason, 400))

    async def _async_handle(
        self,
        hass: HomeAssistant,  # noqa: ARG002
        webhook_id: str,  # noqa: ARG002
        request: web.Request,
    ) -> web.Response:
        """Screen a call (no request to DoorFlow); read what passes in the background."""
        if self.state not in (PushState.ACTIVE, PushState.SILENT):
            return self._refuse(Refusal.INACTIVE)
        raw = await read_push_body(request, MAX_WEBHOOK_BODY)
        if raw is None:
            return self._refuse(Refusal.OVERSIZED)
        try:
            notices = parse_webhook_body(raw)
        except DoorFlowWebhookError:
            return self._refuse(Refusal.MALFORMED)
        wanted = [notice for notice in notices if notice.is_event]
        if not wanted:
            return self._refuse(Refusal.NOT_AN_EVENT)
        screened = [(notice, self._screen(notice)) for notice in wanted]
        reasons = [reason for _, reason in screened if reason is not None]
        self.refused.update(reasons)
        passed = [notice for notice, reason in screened if reason is None]
        if not passed:
            return web.Response(status=_STATUS.get(reasons[0], 400))
        self.accepted_calls += 1
        self.last_push = dt_util.utcnow()
        self.entry.async_create_background_task(
            self.hass, self._async_read(passed), "DoorFlow push read"
        )
        return web.Response(status=200)

    def _screen(self, notice: WebhookNotice) -> Refusal | None:
        """Return why an item of a call is refused (None: it is read), at no cloud cost."""
        if notice.account_id is not None and notice.account_id != self.account_id:
            return Refusal.OTHER_ACCOUNT
        if notice.callback is None:
            return Refusal.MALFORMED
        if notice.callback in self._callbacks or self.events.is_delivered(notice.resource_id):
            return Refusal.REPLAYED
        now = self.hass.loop.time()
        while self._reads and now - self._reads[0] >= 60.0:
            self._reads.popleft()
        if len(self._reads) >= READS_PER_MINUTE:
            return Refusal.RATE_CAPPED
        self._reads.append(now)
        self._callbacks[notice.callback] = None
        while len(self._callbacks) > KEPT_CALLBACKS:
            self._callbacks.popitem(last=False)
        return None

    async def _async_read(self, notices: list[WebhookNotice]) -> None:
        """Read each event by id with its acknowledgment; deliver those that are news."""
        rules = self.client.notification_rules
        read: list[DoorEvent] = []
        for notice in notices:
            try:
                event: DoorEvent = await self.call(
                    partial(
                        rules.read_event,
                        notice.resource_id,
                        callback=notice.callback,
                        ack_token=notice.ack_token,
                    ),
                    DoorFlowEndpoint.EVENT,
                )
            except DoorFlowOperationError as err:
                unknown = err.reason is OperationFailure.NOT_FOUND
                self.refused[Refusal.UNKNOWN_EVENT if unknown else Refusal.READ_FAILED] += 1
                continue
            except DoorCloudError, RequestDeferredError, ValueError:
                self.refused[Refusal.READ_FAILED] += 1
                continue
            read.append(event)
        # A door whose state changed (its mode, online, lockdown) is read again at once, so
        # that it shows within seconds, not at the next poll; such an event is not the feed's.
        doors = {
            event.channel_id
            for event in read
            if event.event_code in DOOR_STATE_CODES and event.channel_id is not None
        }
        if doors:
            await self.on_doors_changed(doors)
        read = [event for event in read if event.event_code in _FEED_CODES]
        news = [event.id for event in read if not self.events.is_delivered(event.id)]
        caught_up = 0
        if news and self.state is PushState.SILENT:
            # Push missed events before this one: read the feed first, so they come first.
            caught_up = await self.events.async_read()
        delivered = await self.events.async_push(read)
        pushed = [event_id for event_id in news if self.events.is_delivered(event_id)]
        if stale := len(read) - len(pushed):
            self.refused[Refusal.REPLAYED] += stale
        if not pushed:
            return
        self.pushed_events += len(pushed)
        if self.state is PushState.ACTIVE:
            if delivered and not caught_up:
                self.on_change()  # the doors' alarms and the entities reading them
        else:
            self._set_state(PushState.ACTIVE)
