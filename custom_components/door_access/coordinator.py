"""The shape every Door Access coordinator shares: scheduled calls, errors, actions, devices."""

from __future__ import annotations

from abc import abstractmethod
import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Hashable, Iterable, Mapping
from datetime import timedelta
from functools import wraps
from typing import Any, ClassVar, Concatenate, Final, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .actions import ActionInterruptedError, ActionPipeline, OperationTimeoutError
from .api import (
    AuthError,
    BadResponseError,
    CloudConnectionError,
    DoorCloudError,
    OperationError,
    Page,
    Pager,
    RateLimitError,
)
from .claims import device_claims
from .const import DOMAIN, LOGGER, STALE_AFTER
from .scheduler import Priority, RequestDeferredError, RequestScheduler, WindowFullError
from .timer import Timer

# Seconds before a request refused with a plain 401 on a fixed key (a personal key) is sent
# again: only a second refusal asks the user to sign in again.
CREDENTIAL_RECHECK_PAUSE: Final = 5.0


class DoorAccessCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Polls one cloud account through its scheduler and tracks the account's devices.

    Subclasses name their cloud and its error classes, and implement `_fetch`.
    """

    config_entry: ConfigEntry[Any]
    # Shown in logs and translated messages ({cloud}).
    cloud_name: ClassVar[str]
    # The client errors that mean "the cloud is unreachable or garbled" (an outage).
    outage_errors: ClassVar[tuple[type[Exception], ...]] = (
        CloudConnectionError,
        BadResponseError,
    )
    # An action's refusal or failure: its `reason` (OperationFailure) picks the translation key.
    operation_error_keys: ClassVar[Mapping[str, str]]

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        scheduler: RequestScheduler,
        *,
        poll_interval: int,
    ) -> None:
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {self.cloud_name.lower()} {entry.title}",
            update_interval=timedelta(seconds=poll_interval),
        )
        self.scheduler = scheduler
        self.poll_interval = poll_interval
        self._clock = hass.loop.time
        self._rate_limited = False
        self._device_listeners: dict[str, list[Callable[[list[Any]], None]]] = {}
        self._known: dict[str, set[Any]] = {}
        # Devices handed to the platforms, per kind; the account's devices as last seen.
        self._announced: dict[str, set[Any]] = {}
        self._current: dict[str, Mapping[Any, Any]] = {}
        # The devices (identifiers) this entry provides; another entry may provide the rest.
        self.provided: set[str] = set()
        self._claims = device_claims(hass)
        self._claims.join(entry.entry_id, self._granted)
        entry.async_on_unload(lambda: self._claims.leave(entry))
        self._open_listings: dict[str, Pager[Any]] = {}
        self._forward_timer = Timer()
        # Set once the entry unloads: nothing this coordinator does polls again after that.
        self.unloaded = False
        entry.async_on_unload(self._stop_polling)
        self._last_fetch_at = float("-inf")
        self._last_success_at = float("-inf")
        # Data older than this is not shown any more while the cloud holds requests back.
        self.stale_after = max(STALE_AFTER, 5 * poll_interval)
        self.actions = ActionPipeline(
            on_change=self.async_update_listeners,
            bring_poll_forward=self.bring_poll_forward,
            now=hass.loop.time,
        )

    # ---- requests --------------------------------------------------------------------------

    def placeholders(self, **values: str) -> dict[str, str]:
        """Return translation placeholders, always with the cloud's name."""
        return {"cloud": self.cloud_name, **values}

    async def _call[T](
        self,
        send: Callable[..., Awaitable[T]],
        *args: Any,
        endpoint: str,
        key: Hashable | None = None,
        priority: Priority = Priority.BACKGROUND,
    ) -> T:
        """Send one request through the account's scheduler; ask once more after a plain 401.

        A refused credential (401) is not taken at its word at once: an OAuth token is
        refreshed and the request sent again; a fixed key (a personal key) is tried again
        after `CREDENTIAL_RECHECK_PAUSE` (clouds have answered 401 during outages). Only a
        second refusal, or a key the cloud says is revoked, reaches the caller (reauth).
        """
        sent_at = self._clock()
        try:
            return await self._scheduled(send, args, endpoint, key, priority)
        except AuthError as err:
            if not await self._ready_to_ask_again(err, endpoint, sent_at):
                raise
        return await self._scheduled(send, args, endpoint, key, priority)

    async def _ready_to_ask_again(self, err: AuthError, endpoint: str, sent_at: float) -> bool:
        """Renew the credential, or wait a short pause; False when asking again cannot help."""
        if err.missing_scope:
            return False
        if await self._renew_credentials(err, sent_at):
            LOGGER.debug(
                "%s refused the access token of %s for %s; refreshed it, sending again",
                self.cloud_name,
                self.config_entry.title,
                endpoint,
            )
            return True
        if err.revoked:
            return False
        LOGGER.debug(
            "%s refused the key of %s for %s; asking again in %.0f s before signing in again",
            self.cloud_name,
            self.config_entry.title,
            endpoint,
            CREDENTIAL_RECHECK_PAUSE,
        )
        await asyncio.sleep(CREDENTIAL_RECHECK_PAUSE)
        if self.unloaded:
            raise ActionInterruptedError  # nothing goes out after the entry unloaded
        return True

    async def _renew_credentials(self, err: AuthError, refused_since: float) -> bool:  # noqa: ARG002
        """Renew a refused credential (an OAuth token); False when it cannot be renewed.

        `refused_since` is when the refused request was sent (the loop's clock).
        """
        return False

    async def _scheduled[T](
        self,
        send: Callable[..., Awaitable[T]],
        args: tuple[Any, ...],
        endpoint: str,
        key: Hashable | None,
        priority: Priority,
    ) -> T:
        """Send one request through the account's scheduler; say once what a 429 blocked."""
        try:
            return await self.scheduler.run(
                lambda: send(*args), endpoint=endpoint, key=key, priority=priority
            )
        except RateLimitError:
            note = self.scheduler.last_rate_limit
            if note is not None and note.first:
                self._rate_limited = True
                LOGGER.warning(
                    "%s answered 429 (too many requests) to %s for %s, %s; "
                    "nothing more goes to it for %.0f s",
                    self.cloud_name,
                    note.endpoint,
                    self.config_entry.title,
                    "the first request to it"
                    if note.gap is None
                    else f"{note.gap:.1f} s after the previous one",
                    note.retry_after,
                )
            raise

    async def _read_listing[T](
        self,
        new_pager: Callable[[], Pager[T]],
        fetch_page: Callable[[int, int], Awaitable[Page[T]]],
        *,
        endpoint: str,
    ) -> Pager[T]:
        """Read a paged listing, every page through the scheduler; say when it was cut short.

        A listing longer than the endpoint's count window allows keeps its place: it is left
        open and `WindowFullError` is raised; the next call goes on from the page due. Setup
        never sleeps for the window: a first refresh that cannot read its listing fails with
        a translated "wait" error, and Home Assistant retries the setup later.
        """
        pager = self._open_listings.pop(endpoint, None) or new_pager()
        while (number := pager.next_page()) is not None:
            try:
                page = await self._call(fetch_page, number, pager.page_size, endpoint=endpoint)
            except WindowFullError:
                self._open_listings[endpoint] = pager
                raise
            pager.add(page)
        if not pager.complete:
            LOGGER.warning(
                "%s listing %s for %s stopped after %d pages; devices missing from it are kept",
                self.cloud_name,
                endpoint,
                self.config_entry.title,
                pager.pages_read,
            )
        return pager

    @override
    async def _async_update_data(self) -> DataT:
        """Fetch fresh data; a rate limit keeps the last data, an outage backs off."""
        self._last_fetch_at = self._clock()
        # The next poll fires only once the cloud's rule allows it (HA rounds timers down).
        self.update_interval = timedelta(seconds=self._next_poll_in())
        try:
            data = await self._fetch()
        except AuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN,
                translation_key="auth_failed",
                translation_placeholders=self.placeholders(),
            ) from err
        except RequestDeferredError as err:
            return self._keep_data(err, err.retry_in)
        except RateLimitError as err:
            return self._keep_data(err, self.scheduler.cooling_down_for(err.endpoint))
        except self.outage_errors as err:
            delay = self.scheduler.note_outage()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cannot_connect",
                translation_placeholders=self.placeholders(error=str(err)),
                retry_after=delay,
            ) from err
        if self._healthy(data):
            self.scheduler.note_success()
            self._last_success_at = self._clock()
        if self._rate_limited:
            self._rate_limited = False
            LOGGER.info("%s requests for %s resumed", self.cloud_name, self.config_entry.title)
        self._after_update(data)
        # Home Assistant times the next poll from the end of this one: leave out what this
        # poll took (activity reads, listing pages, their round trips), so polls keep their
        # interval from when each began and extra reads never slow state polling down.
        elapsed = self._clock() - self._last_fetch_at
        self.update_interval = timedelta(seconds=max(1.0, self._next_poll_in() - elapsed))
        return data

    def _keep_data(self, err: Exception, retry_in: float) -> DataT:
        """Keep the last data while the cloud holds requests back, unless it is too old.

        Entities stay available with their last known state; they go unavailable once the
        data is older than `STALE_AFTER` (or when there is none to keep).
        """
        # Data already shown as unreadable (a failed part) stays so without a new error.
        if (
            self.data is None
            or not self.last_update_success
            or (
                self._healthy(self.data)
                and self._clock() - self._last_success_at > self.stale_after
            )
        ):
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                translation_placeholders=self.placeholders(seconds=str(round(retry_in))),
                retry_after=max(retry_in, 1.0),
            ) from err
        return self.data

    def _healthy(self, data: DataT) -> bool:  # noqa: ARG002
        """Tell whether a poll that returned data read everything (no part failed)."""
        return True

    @abstractmethod
    async def _fetch(self) -> DataT:
        """Read what is due from the cloud."""

    def _after_update(self, data: DataT) -> None:
        """Track devices and repair issues after a successful update."""

    def _poll_allowed_in(self) -> float:
        """Return the seconds until a poll may go out (the cloud's slot for it)."""
        return 0.0

    def _next_poll_in(self) -> float:
        """Return the seconds between polls: the user's interval, or the cloud's rule if longer.

        Home Assistant fires a coordinator's timer up to a second early (it rounds the clock
        down), so a rule of N seconds needs N + margin + 1 for the poll never to wait.
        """
        return float(self.poll_interval)

    @callback
    def bring_poll_forward(self) -> None:
        """Poll as soon as the account's limits allow; never blocks the caller.

        A timer fires when the poll's slot is free, so nothing waits in between; requests to
        bring it forward while one is pending are merged into it.
        """
        if self._forward_timer.pending or self.unloaded:
            return  # merged into the pending one, or the entry is gone (an action ended late)
        asked_at = self._clock()

        @callback
        def poll(_now: object) -> None:
            self._forward_timer.fired()
            if self.unloaded or self._last_fetch_at > asked_at:
                return  # Unloaded, or a poll has run since: nothing to bring forward.
            self.config_entry.async_create_background_task(
                self.hass, self.async_refresh(), f"{self.name} poll brought forward"
            )

        self._forward_timer.start(async_call_later(self.hass, self._poll_allowed_in(), poll))

    @callback
    def _stop_polling(self) -> None:
        """Drop a pending brought-forward poll and refuse new ones (the entry unloads)."""
        self.unloaded = True
        self.actions.close()
        self._forward_timer.cancel()

    # ---- actions ---------------------------------------------------------------------------

    def action_error(self, err: Exception) -> HomeAssistantError:
        """Translate an error raised by a user action (refused token: start reauth).

        A 402 (the account's plan or licence) says so, with the cloud's words when it gave any.
        """
        seconds = 0.0
        said: dict[str, str] = {}
        if isinstance(err, BadResponseError) and err.status == 402:
            key = "payment_required"
            if err.detail is not None and (detail := err.detail.summary()):
                key, said = "payment_required_detail", {"detail": detail}
        elif isinstance(err, AuthError):
            self.config_entry.async_start_reauth(self.hass)
            key = "auth_failed"
        elif isinstance(err, OperationError):
            key = self.operation_error_keys.get(err.reason, "operation_failed")
        elif isinstance(err, ActionInterruptedError):
            key = "action_interrupted"
        elif isinstance(err, OperationTimeoutError):
            key = "operation_timeout"
        elif isinstance(err, RequestDeferredError):
            key, seconds = "rate_limited", err.retry_in
        elif isinstance(err, RateLimitError):
            key, seconds = "rate_limited", self.scheduler.cooling_down_for(err.endpoint)
        else:
            key = "action_cannot_connect"
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders=self.placeholders(seconds=str(max(1, round(seconds))), **said),
        )

    # ---- new and removed devices -----------------------------------------------------------

    @abstractmethod
    def device_identifier(self, kind: str, device_id: Any) -> str:
        """Return the identifier (in this domain) of a device of a kind (its unique-id prefix)."""

    @callback
    def _add_listener[T](
        self, kind: str, listener: Callable[[list[T]], None], current: Iterable[T]
    ) -> CALLBACK_TYPE:
        """Call `listener` with the devices of a kind that appear (the current ones first).

        Only devices this entry provides are handed over; `current` are those announced so far.
        """
        listeners = self._device_listeners.setdefault(kind, [])
        listeners.append(listener)
        if self.data is not None:
            listener(list(current))
        return lambda: listeners.remove(listener)

    @callback
    def _add_announced_listener[T](
        self,
        kind: str,
        listener: Callable[[list[T]], None],
        items: Callable[[DataT], Mapping[Any, T]],
    ) -> CALLBACK_TYPE:
        """Call `listener` with the devices of a kind that appear (those `items` has first)."""
        current = self.announced(kind, items(self.data)) if self.data is not None else ()
        return self._add_listener(kind, listener, current)

    def announced[T](self, kind: str, items: Mapping[Any, T]) -> list[T]:
        """Return the devices of a kind that this entry shows (it provides them)."""
        shown = self._announced.get(kind, set())
        return [item for item_id, item in items.items() if item_id in shown]

    def _claim_devices(self, kinds: Mapping[str, Mapping[Any, Any]]) -> None:
        """Note every device the account has now; provide those no other entry provides."""
        self._current = dict(kinds)
        seen = {
            self.device_identifier(kind, device_id)
            for kind, items in kinds.items()
            for device_id in items
        }
        self.provided = self._claims.update(self.config_entry.entry_id, seen)

    def _diff[K: (int, str), T](self, kind: str, items: Mapping[K, T]) -> tuple[list[T], set[K]]:
        """Return the provided devices of a kind not announced yet, and the ids that are gone."""
        gone = self._known.get(kind, set()) - items.keys()
        self._known[kind] = set(items)
        self._announced.setdefault(kind, set()).difference_update(gone)
        return self._announce(kind, items, self.provided), gone

    def _announce[T](self, kind: str, items: Mapping[Any, T], provided: set[str]) -> list[T]:
        """Return the devices of a kind in `provided` not announced yet, now announced."""
        announced = self._announced.setdefault(kind, set())
        new = {
            item_id: item
            for item_id, item in items.items()
            if item_id not in announced and self.device_identifier(kind, item_id) in provided
        }
        announced.update(new)
        return list(new.values())

    def shared_devices(self) -> dict[str, dict[str, Any]]:
        """Return the devices other entries see too: whether this entry shows them, and how many."""
        return {
            identifier: {"shown_here": identifier in self.provided, "other_entries": len(others)}
            for identifier, others in self._claims.shared_with(self.config_entry.entry_id).items()
        }

    @callback
    def _granted(self, identifiers: set[str]) -> None:
        """Show the devices another entry provided until now (it unloaded or lost them)."""
        self.provided |= identifiers
        for kind, items in self._current.items():
            self._devices_granted(kind, self._announce(kind, items, identifiers))

    def _devices_granted(self, kind: str, new: list[Any]) -> None:
        """Show devices of a kind this entry now provides (by default: hand them to platforms)."""
        self._notify(kind, new)

    def _notify[T](self, kind: str, new: list[T]) -> None:
        """Hand newly seen devices to the platforms that listen for them."""
        if new:
            for listener in list(self._device_listeners.get(kind, [])):
                listener(new)

    def _remove_devices(self, identifiers: Iterable[str]) -> None:
        """Remove this entry's devices with these identifiers; hand on what others still see."""
        registry = dr.async_get(self.hass)
        for identifier in identifiers:
            device = registry.async_get_device_by_identifier(
                (DOMAIN, identifier), self.config_entry.entry_id
            )
            if device is not None:
                registry.async_remove_device(device.id)
        self._claims.hand_over_unseen(self.config_entry.entry_id)


type _CoordinatorMethod[C, **P] = Callable[Concatenate[C, P], Coroutine[Any, Any, None]]


def user_action[C: DoorAccessCoordinator[Any], **P](
    func: _CoordinatorMethod[C, P],
) -> _CoordinatorMethod[C, P]:
    """Turn the errors of a user action into translated Home Assistant errors."""

    @wraps(func)
    async def run(self: C, /, *args: P.args, **kwargs: P.kwargs) -> None:
        translated: tuple[type[Exception], ...] = (
            DoorCloudError,
            OperationTimeoutError,
            ActionInterruptedError,
            RequestDeferredError,
        )
        try:
            await func(self, *args, **kwargs)
        except translated as err:
            raise self.action_error(err) from err

    return run
