"""The shape every Door Access coordinator shares: scheduled calls, errors, device tracking."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .const import DOMAIN, LOGGER
from .scheduler import Priority, RequestDeferredError, RequestScheduler

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry


class DoorAccessCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Polls one cloud account through its scheduler and tracks the account's devices.

    Subclasses name their cloud and its error classes, and implement `_fetch`.
    """

    config_entry: ConfigEntry
    # Shown in logs and translated messages ({cloud}).
    cloud_name: ClassVar[str]
    # The client's error classes: credentials refused, 429, cloud unreachable or garbled.
    auth_errors: ClassVar[tuple[type[Exception], ...]]
    rate_limit_errors: ClassVar[tuple[type[Exception], ...]]
    outage_errors: ClassVar[tuple[type[Exception], ...]]
    # An action's refusal or failure: its `reason` (a StrEnum) picks the translation key.
    operation_errors: ClassVar[tuple[type[Exception], ...]]
    operation_error_keys: ClassVar[Mapping[str, str]]

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
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
        self._clock = hass.loop.time
        self._rate_limited = False
        self._device_listeners: dict[str, list[Callable[[list[Any]], None]]] = {}
        self._known: dict[str, set[int]] = {}

    # ---- requests --------------------------------------------------------------------------

    def placeholders(self, **values: str) -> dict[str, str]:
        """Return translation placeholders, always with the cloud's name."""
        return {"cloud": self.cloud_name, **values}

    async def _call[T](
        self,
        send: Callable[..., Awaitable[T]],
        *args: Any,
        priority: Priority = Priority.BACKGROUND,
        slot: Hashable | None = None,
    ) -> T:
        """Send one request through the account's scheduler; a 429 stops every request."""
        try:
            return await self.scheduler.run(lambda: send(*args), priority=priority, slot=slot)
        except self.rate_limit_errors as err:
            wait = self.scheduler.note_rate_limited(getattr(err, "retry_after", None))
            if not self._rate_limited:
                self._rate_limited = True
                LOGGER.warning(
                    "%s rate limit reached for %s; no request for %.0f s",
                    self.cloud_name,
                    self.config_entry.title,
                    wait,
                )
            raise

    async def _async_update_data(self) -> DataT:
        """Fetch fresh data; a rate limit keeps the last data, an outage backs off."""
        try:
            data = await self._fetch()
        except self.auth_errors as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN,
                translation_key="auth_failed",
                translation_placeholders=self.placeholders(),
            ) from err
        except RequestDeferredError as err:
            return self._keep_data(err, err.retry_in)
        except self.rate_limit_errors as err:
            return self._keep_data(err, self.scheduler.cooling_down_for())
        except self.outage_errors as err:
            delay = self.scheduler.note_outage()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cannot_connect",
                translation_placeholders=self.placeholders(error=str(err)),
                retry_after=delay,
            ) from err
        self.scheduler.note_success()
        if self._rate_limited:
            self._rate_limited = False
            LOGGER.info("%s requests for %s resumed", self.cloud_name, self.config_entry.title)
        self._after_update(data)
        return data

    def _keep_data(self, err: Exception, retry_in: float) -> DataT:
        """Keep the last data while rate limited; fail when there is none to keep."""
        if self.data is None or not self.last_update_success:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                translation_placeholders=self.placeholders(seconds=str(round(retry_in))),
                retry_after=max(retry_in, 1.0),
            ) from err
        return self.data

    @abstractmethod
    async def _fetch(self) -> DataT:
        """Read what is due from the cloud."""

    def _after_update(self, data: DataT) -> None:
        """Track devices and repair issues after a successful update."""

    def action_error(self, err: Exception) -> HomeAssistantError:
        """Translate a client error raised by a user action (refused token: start reauth)."""
        if isinstance(err, self.auth_errors):
            self.config_entry.async_start_reauth(self.hass)
            key = "auth_failed"
        elif isinstance(err, self.operation_errors):
            reason = str(getattr(err, "reason", ""))
            key = self.operation_error_keys.get(reason, "operation_failed")
        elif isinstance(err, self.rate_limit_errors):
            key = "rate_limited"
        else:
            key = "action_cannot_connect"
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders=self.placeholders(
                seconds=str(round(self.scheduler.cooling_down_for()))
            ),
        )

    def deferred_error(self, err: RequestDeferredError) -> HomeAssistantError:
        """Translate a request the scheduler held back (cooling down, budget spent)."""
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="rate_limited",
            translation_placeholders=self.placeholders(seconds=str(round(err.retry_in))),
        )

    # ---- new and removed devices -----------------------------------------------------------

    @callback
    def _add_listener[T](
        self, kind: str, listener: Callable[[list[T]], None], current: Iterable[T]
    ) -> CALLBACK_TYPE:
        """Call `listener` with the devices of a kind that appear (the current ones first)."""
        listeners = self._device_listeners.setdefault(kind, [])
        listeners.append(listener)
        if self.data is not None:
            listener(list(current))
        return lambda: listeners.remove(listener)

    def _diff[T](self, kind: str, items: Mapping[int, T]) -> tuple[list[T], set[int]]:
        """Return the devices of a kind seen for the first time and the ids that are gone."""
        known = self._known.get(kind, set())
        new = [item for item_id, item in items.items() if item_id not in known]
        gone = known - items.keys()
        self._known[kind] = set(items)
        return new, gone

    def _notify[T](self, kind: str, new: list[T]) -> None:
        """Hand newly seen devices to the platforms that listen for them."""
        if new:
            for listener in list(self._device_listeners.get(kind, [])):
                listener(new)

    def _remove_devices(self, identifiers: Iterable[str]) -> None:
        """Detach the devices with these identifiers (in this domain) from the entry."""
        registry = dr.async_get(self.hass)
        for identifier in identifiers:
            device = registry.async_get_device_by_identifier(
                (DOMAIN, identifier), self.config_entry.entry_id
            )
            if device is not None:
                registry.async_remove_device(device.id)
