"""The DoorFlow account coordinator: owns the client and every call to the DoorFlow cloud."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Final, override

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_call_later, async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from ..actions import FollowPlan, Transition
from ..api import (
    Account,
    AdmissionRequest,
    AdmissionStatus,
    AuthError,
    BadResponseError,
    Channel,
    DoorCloudError,
    DoorFlowClient,
    DoorFlowEndpoint,
    DoorFlowOperationError,
    Lockdown,
    OperationFailure,
    RateLimitError,
    Site,
)
from ..const import CONF_ACCOUNT_ID, CONF_POLL_INTERVAL, DOMAIN, LOGGER
from ..coordinator import DoorAccessCoordinator, user_action
from ..scheduler import Limit, Priority, RequestDeferredError, RequestScheduler, scheduler_factory
from ..timer import Timer
from .const import (
    DOORFLOW_ACTION_RESERVE,
    DOORFLOW_ADMIT_MAX_WAIT,
    DOORFLOW_DEFAULT_POLL_INTERVAL,
    DOORFLOW_HOURLY_LIMIT,
    DOORFLOW_MIN_POLL_INTERVAL,
    DOORFLOW_RELOCK_MARGIN,
    DOORFLOW_SITES_INTERVAL,
    DOORFLOW_SYNC_MIN_INTERVAL,
)
from .devices import (
    account_device_info,
    channel_identifier,
    controller_device_info,
    controller_identifier,
    controller_of,
    site_name,
)
from .events import EventFeedReader
from .oauth import DoorFlowTokens, RefreshRefusedError
from .push import DoorFlowPush

if TYPE_CHECKING:
    from ..models import DoorAccessConfigEntry

_OPERATION_ERROR_KEYS: Mapping[str, str] = {
    OperationFailure.DENIED: "door_denied",
    OperationFailure.OFFLINE: "door_offline",
    OperationFailure.TIMEOUT: "operation_timeout",
    OperationFailure.REFUSED: "door_refused",
    OperationFailure.NOT_FOUND: "device_not_found",
    OperationFailure.FAILED: "operation_failed",
}

_ADMISSION_FAILURES: Mapping[AdmissionStatus, OperationFailure] = {
    AdmissionStatus.DENIED: OperationFailure.DENIED,
    AdmissionStatus.OFFLINE: OperationFailure.OFFLINE,
    AdmissionStatus.TIMEOUT: OperationFailure.TIMEOUT,
}

# How far ahead a door's relock time gets a timer of its own (later ones: the polls see them).
RELOCK_FOLLOW_HORIZON: Final = timedelta(days=31)

# A door controller answers an admit in about 1-3 s: read its decision first after 1.5 s.
ADMISSION_FOLLOW = FollowPlan(first_delay=1.5, interval=0.75, max_wait=DOORFLOW_ADMIT_MAX_WAIT)


@dataclass(frozen=True, slots=True)
class DoorFlowData:
    """Everything the integration knows about one DoorFlow account."""

    account: Account
    channels: Mapping[str, Channel]
    # When a requested sync will be sent (it waits for DoorFlow's sync slot); None otherwise.
    sync_due: datetime | None = None


class DoorFlowCoordinator(DoorAccessCoordinator[DoorFlowData]):
    """Polls one DoorFlow account (account and channels) and runs the user's door actions."""

    cloud_name = "DoorFlow"
    operation_error_keys = _OPERATION_ERROR_KEYS

    def __init__(
        self,
        hass: HomeAssistant,
        entry: DoorAccessConfigEntry,
        client: DoorFlowClient,
        scheduler: RequestScheduler,
        *,
        tokens: DoorFlowTokens | None = None,
    ) -> None:
        poll = max(
            int(entry.options.get(CONF_POLL_INTERVAL, DOORFLOW_DEFAULT_POLL_INTERVAL)),
            DOORFLOW_MIN_POLL_INTERVAL,
        )
        super().__init__(hass, entry, scheduler, poll_interval=poll)
        self.client = client
        # The OAuth token keeper of an entry signed in through OAuth (None: a personal key).
        self.tokens = tokens
        self.account_device_id: str | None = None
        # Door controllers (by MAC) as devices, and the account's sites (for the doors' areas).
        self.controller_device_ids: dict[str, str] = {}
        self.sites: Mapping[str, Site] = {}
        self._sites_due = float("-inf")
        self._sync_timer = Timer()
        entry.async_on_unload(self._sync_timer.cancel)
        self.events = EventFeedReader(
            hass,
            entry.entry_id,
            client,
            lambda send: self._call(send, endpoint=DoorFlowEndpoint.EVENTS),
            account_name=entry.title,
        )
        self.push = DoorFlowPush(
            hass,
            entry,
            client,
            lambda send, endpoint: self._call(send, endpoint=endpoint),
            events=self.events,
            account_id=str(entry.data.get(CONF_ACCOUNT_ID, "")),
            on_change=self.async_update_listeners,
            on_doors_changed=self._async_read_doors,
        )
        entry.async_on_unload(self.push.async_stop)
        # A poll when the first door held unlocked until a time is due to relock.
        self._relock_timer = Timer()
        self._relock_due: datetime | None = None
        entry.async_on_unload(self._relock_timer.cancel)

    @override
    async def _renew_credentials(self, err: AuthError, refused_since: float) -> bool:
        """Refresh a refused OAuth access token (a personal key, a refused refresh: no)."""
        if self.tokens is None or isinstance(err, RefreshRefusedError):
            return False
        await self.tokens.renew(refused_since)
        return True

    # ---- polling ---------------------------------------------------------------------------

    @override
    async def _fetch(self) -> DoorFlowData:
        """Read the account (its sync status), its sites when due and every channel (paged)."""
        account = await self._call(self.client.get_account, endpoint=DoorFlowEndpoint.ACCOUNT)
        await self._read_sites()
        pager = await self._read_listing(
            self.client.channel_pager,
            self.client.get_channel_page,
            endpoint=DoorFlowEndpoint.CHANNELS,
        )
        channels = {channel.id: channel for channel in pager.items}
        if not pager.complete and self.data is not None:
            # Not the whole listing: keep the doors it did not reach.
            channels = {**self.data.channels, **channels}
        sync_due = self.data.sync_due if self.data is not None else None
        await self._follow_events()
        return DoorFlowData(account=account, channels=channels, sync_due=sync_due)

    async def _follow_events(self) -> None:
        """Read the event feed (the first poll only starts the reader and push).

        While push is healthy the feed is read only every few minutes (`push.py`).
        """
        if not self.events.feed.loaded:
            await self.events.async_start()
            if self.events.feed.enabled:
                await self.push.async_start()
            return
        await self.push.async_maintain()
        if self.push.events_due():
            self.push.note_polled(await self.events.async_read())

    async def _read_sites(self) -> None:
        """Read the account's sites (paged) at startup and hourly; keep them in between.

        Sites only suggest the doors' areas: a key or application not allowed to read them,
        or an answer the client cannot use, leaves the doors without one until the next try.
        """
        if self._clock() < self._sites_due:
            return
        try:
            pager = await self._read_listing(
                self.client.site_pager,
                self.client.get_site_page,
                endpoint=DoorFlowEndpoint.SITES,
            )
        except AuthError as err:
            if not err.missing_scope:
                raise
            LOGGER.debug("%s may not read its DoorFlow sites: no areas", self.config_entry.title)
        except BadResponseError as err:
            LOGGER.debug(
                "The DoorFlow sites of %s are unreadable: %s", self.config_entry.title, err
            )
        else:
            sites = {site.id: site for site in pager.items}
            self.sites = sites if pager.complete else {**self.sites, **sites}
        self._sites_due = self._clock() + DOORFLOW_SITES_INTERVAL

    @override
    def _after_update(self, data: DoorFlowData) -> None:
        """Register the account and controllers, announce new doors, remove gone devices."""
        self._register_account(data.account)
        self._register_controllers(data.channels)
        self._claim_devices({"channel": data.channels})
        new, gone = self._diff("channel", data.channels)
        if gone:
            self._remove_devices(channel_identifier(channel_id) for channel_id in gone)
        self._notify("channel", new)
        self._follow_relock(data.channels)

    def _register_controllers(self, channels: Mapping[str, Channel]) -> None:
        """Register each door controller (doors sharing a MAC) below the account."""
        registry = dr.async_get(self.hass)
        found: dict[str, str] = {}
        for channel in sorted(
            channels.values(), key=lambda door: (door.unit or 0, len(door.id), door.id)
        ):
            mac = controller_of(channel)
            if mac is None or mac in found:
                continue
            device = registry.async_get_or_create(
                config_entry_id=self.config_entry.entry_id,
                **controller_device_info(
                    mac, channel, self.account_device_id, site_name(self.sites, channel)
                ),
            )
            found[mac] = device.id
        gone = self.controller_device_ids.keys() - found.keys()
        self.controller_device_ids = found
        # Doors are removed first: a controller goes only once none of its doors is listed.
        self._remove_devices(controller_identifier(mac) for mac in gone)

    def _register_account(self, account: Account) -> None:
        """Register the account as a device, so that doors can hang below it."""
        device = dr.async_get(self.hass).async_get_or_create(
            config_entry_id=self.config_entry.entry_id, **account_device_info(account)
        )
        self.account_device_id = device.id

    @callback
    def async_add_channel_listener(
        self, listener: Callable[[list[Channel]], None]
    ) -> CALLBACK_TYPE:
        """Call `listener` with doors that appear (the current ones first)."""
        return self._add_announced_listener("channel", listener, lambda data: data.channels)

    @override
    def device_identifier(self, kind: str, device_id: str) -> str:
        """Return the identifier of a door (the only kind of device announced)."""
        return channel_identifier(device_id)

    # ---- actions ---------------------------------------------------------------------------

    def _refuse_in_lockdown(self, channel_id: str) -> None:
        """Refuse to let anyone in through a door in lockdown (nothing is sent)."""
        channel = self.data.channels.get(channel_id)
        if channel is not None and channel.is_locked_down:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="door_in_lockdown",
                translation_placeholders=self.placeholders(door=channel.name),
            )

    async def _command(
        self,
        channel_id: str,
        transition: Transition | None,
        send: Callable[[str], Awaitable[Channel]],
        endpoint: DoorFlowEndpoint,
        refused: Callable[[DoorFlowOperationError], HomeAssistantError] | None = None,
    ) -> None:
        """Send a door command as the door's action and show its answer.

        `refused` turns DoorFlow's refusal into the error the user sees (else it goes up as is).
        """

        async def command() -> None:
            try:
                channel = await self._call(
                    send, channel_id, endpoint=endpoint, priority=Priority.USER
                )
            except DoorFlowOperationError as err:
                if refused is None or err.reason is not OperationFailure.REFUSED:
                    raise
                raise refused(err) from err
            self._settle(channel)

        await self.actions.run(channel_identifier(channel_id), transition, command)

    def _refusal(
        self,
        channel_id: str,
        refused_key: str,
        err: DoorFlowOperationError,
        **placeholders: str,
    ) -> HomeAssistantError:
        """Return the translated error of a refused door command.

        When DoorFlow said why (its message, a 422's field errors), the error says it too.
        """
        if err.detail is not None and (said := err.detail.summary()):
            refused_key, placeholders = f"{refused_key}_detail", {**placeholders, "detail": said}
        channel = self.data.channels.get(channel_id)
        door = channel.name if channel is not None and channel.name else f"Door {channel_id}"
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=refused_key,
            translation_placeholders=self.placeholders(door=door, **placeholders),
        )

    @user_action
    async def async_open(self, channel_id: str) -> None:
        """Admit once (momentary unlock) and wait until the door controller decides."""
        self._refuse_in_lockdown(channel_id)

        async def admit() -> None:
            sent_at = self.actions.now()
            admission = await self._call(
                self.client.admit,
                channel_id,
                endpoint=DoorFlowEndpoint.ADMIT,
                priority=Priority.USER,
            )
            if admission.pending:
                admission = await self.actions.follow(
                    lambda: self._call(
                        self.client.get_admission_request,
                        admission.id,
                        endpoint=DoorFlowEndpoint.ADMISSION_REQUEST,
                        priority=Priority.USER,
                    ),
                    lambda progress: not progress.pending,
                    ADMISSION_FOLLOW,
                    started_at=sent_at,
                )
            _raise_unless_admitted(admission)

        await self.actions.run(channel_identifier(channel_id), Transition.OPENING, admit)

    @user_action
    async def async_unlock(self, channel_id: str) -> None:
        """Hold the door unlocked until it is locked again."""
        self._refuse_in_lockdown(channel_id)
        await self._command(
            channel_id, Transition.UNLOCKING, self.client.unlock, DoorFlowEndpoint.UNLOCK
        )

    @user_action
    async def async_lock(self, channel_id: str) -> None:
        """Return the door to normal mode (locked, card access)."""
        await self._command(
            channel_id, Transition.LOCKING, self.client.normal, DoorFlowEndpoint.NORMAL
        )

    @user_action
    async def async_unlock_until(self, channel_id: str, relock_at: datetime) -> None:
        """Hold the door unlocked until `relock_at` (aware); DoorFlow relocks it then."""
        self._refuse_in_lockdown(channel_id)
        await self._command(
            channel_id,
            Transition.UNLOCKING,
            partial(self.client.unlock, relock_at=relock_at),
            DoorFlowEndpoint.UNLOCK,
            partial(
                self._refusal,
                channel_id,
                "relock_refused",
                relock_at=dt_util.as_local(relock_at).isoformat(timespec="minutes"),
            ),
        )

    @user_action
    async def async_lockdown(self, channel_id: str, inputs: Lockdown) -> None:
        """Lock the door down: exactly the inputs named are disabled."""
        await self._lockdown(channel_id, inputs, self.client.lockdown, DoorFlowEndpoint.LOCKDOWN)

    @user_action
    async def async_end_lockdown(self, channel_id: str, inputs: Lockdown) -> None:
        """Lift the door's lockdown of the inputs named (the others stay as they are)."""
        await self._lockdown(
            channel_id, inputs, self.client.unlockdown, DoorFlowEndpoint.UNLOCKDOWN
        )

    async def _lockdown(
        self,
        channel_id: str,
        inputs: Lockdown,
        send: Callable[..., Awaitable[Channel]],
        endpoint: DoorFlowEndpoint,
    ) -> None:
        """Lock the named inputs down, or lift their lockdown (`send`, `endpoint`)."""
        await self._command(
            channel_id,
            None,
            partial(send, card=inputs.card, rex=inputs.rex, aux=inputs.aux),
            endpoint,
            partial(self._refusal, channel_id, "lockdown_refused"),
        )

    async def _async_read_doors(self, channel_ids: set[str]) -> None:
        """Read doors a pushed event said changed, and show them (a failed read: the poll)."""
        for channel_id in sorted(channel_ids):
            if self.data is None or channel_id not in self.data.channels:
                continue
            try:
                channel = await self._call(
                    self.client.get_channel, channel_id, endpoint=DoorFlowEndpoint.CHANNEL
                )
            except DoorCloudError, RequestDeferredError:
                continue
            self._settle(channel)

    def _settle(self, channel: Channel) -> None:
        """Show the door as the command's answer describes it."""
        if channel.id not in self.data.channels:
            return
        channels = {**self.data.channels, channel.id: channel}
        # Not async_set_updated_data: an action must not move the poll timer.
        self.data = replace(self.data, channels=channels)
        self.async_update_listeners()
        self._follow_relock(channels)

    # ---- relock times ----------------------------------------------------------------------

    def _follow_relock(self, channels: Mapping[str, Channel]) -> None:
        """Read the doors again once the first door held unlocked until a time relocks.

        Only relock times within `RELOCK_FOLLOW_HORIZON` get a timer: DoorFlow may send any
        date-time (9999-12-31 too), and polls in between see a later one.
        """
        now = dt_util.utcnow()
        horizon = now + RELOCK_FOLLOW_HORIZON
        due = min(
            (
                channel.relock_at
                for channel in channels.values()
                if channel.is_unlocked
                and channel.relock_at is not None
                and now < channel.relock_at < horizon
            ),
            default=None,
        )
        if due == self._relock_due:
            return
        self._relock_timer.cancel()
        self._relock_due = due
        if due is not None:
            self._relock_timer.start(
                async_track_point_in_utc_time(
                    self.hass,
                    self._relock_reached,
                    due + timedelta(seconds=DOORFLOW_RELOCK_MARGIN),
                )
            )

    @callback
    def _relock_reached(self, _now: datetime) -> None:
        """Read the doors soon: a relock time has passed (DoorFlow relocked the door, or not)."""
        self._relock_timer.fired()
        self._relock_due = None
        self.bring_poll_forward()

    # ---- sync ------------------------------------------------------------------------------

    async def async_request_sync(self) -> float | None:
        """Push pending changes to every door controller, now or as soon as allowed.

        Requests made while a sync waits for DoorFlow's slot (or for the end of the wait a
        429 named) merge into that one follow-up, which is sent exactly once; nobody waits
        for it. Returns None when the sync went out now, else the seconds until the follow-up.
        """
        if self._sync_timer.pending:
            due = self.data.sync_due
            return 0.0 if due is None else max(0.0, (due - dt_util.utcnow()).total_seconds())
        wait = max(
            self.scheduler.slot_free_in(DoorFlowEndpoint.SYNC),
            self.scheduler.cooling_down_for(DoorFlowEndpoint.SYNC),
        )
        if wait > 0:
            return self._schedule_sync(wait)
        try:
            await self._call(
                self.client.sync, endpoint=DoorFlowEndpoint.SYNC, priority=Priority.USER
            )
        except RateLimitError:
            # DoorFlow refused it for now (its `retry_in`): it goes out once, when allowed.
            return self._schedule_sync(
                max(self.scheduler.cooling_down_for(DoorFlowEndpoint.SYNC), 1.0)
            )
        self.bring_poll_forward()  # the account's sync status
        return None

    @user_action
    async def async_sync(self) -> None:
        """Press of the sync button: sync now, or join the follow-up that waits for its slot."""
        await self.async_request_sync()

    @user_action
    async def async_sync_controllers(self) -> None:
        """Sync now for the action, or say how long the follow-up it joined has to wait."""
        if (due_in := await self.async_request_sync()) is not None:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="sync_scheduled",
                translation_placeholders=self.placeholders(seconds=str(max(1, round(due_in)))),
            )

    def _schedule_sync(self, wait: float) -> float:
        """Send one follow-up sync when its slot is free; show it as waiting until then."""

        @callback
        def send(_now: object) -> None:
            self._sync_timer.fired()
            self._set_sync_due(None)
            self.config_entry.async_create_background_task(
                self.hass, self._send_follow_up(), f"{self.name} follow-up sync"
            )

        self._sync_timer.start(async_call_later(self.hass, wait, send))
        self._set_sync_due(dt_util.utcnow() + timedelta(seconds=wait))
        return wait

    async def _send_follow_up(self) -> None:
        """Send the follow-up sync; if it is still not allowed, wait again (never twice)."""
        try:
            await self.async_request_sync()
        except Exception as err:
            self.logger.warning(
                "The sync requested for %s could not be sent: %s", self.config_entry.title, err
            )

    def _set_sync_due(self, due: datetime | None) -> None:
        """Show when the waiting sync goes out (or that none waits)."""
        if self.data is not None:
            self.data = replace(self.data, sync_due=due)
            self.async_update_listeners()


def _raise_unless_admitted(admission: AdmissionRequest) -> None:
    """Raise unless the door controller admitted."""
    if admission.status is AdmissionStatus.ADMITTED:
        return
    reason = _ADMISSION_FAILURES.get(admission.status, OperationFailure.FAILED)
    raise DoorFlowOperationError(f"the admit ended {admission.status.value}", reason=reason)


# Creates the request scheduler for one DoorFlow account.
build_doorflow_scheduler: Final = scheduler_factory(
    hourly_limit=DOORFLOW_HOURLY_LIMIT,
    action_reserve=DOORFLOW_ACTION_RESERVE,
    # DoorFlow's documented limits, per endpoint: one sync per 30 s (longer for large accounts).
    limits={DoorFlowEndpoint.SYNC: Limit(group="sync", min_interval=DOORFLOW_SYNC_MIN_INTERVAL)},
)
