"""The example account's coordinator: polls the doors, announces new ones, locks and unlocks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback

from custom_components.door_access.actions import Transition
from custom_components.door_access.const import CONF_POLL_INTERVAL
from custom_components.door_access.coordinator import DoorAccessCoordinator, user_action
from custom_components.door_access.scheduler import Priority, RequestScheduler

from .client import ExampleAccount, ExampleClient, ExampleDoor
from .const import (
    ACTION_RESERVE,
    CONF_RELOCK_AFTER,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_RELOCK_AFTER,
    HOURLY_LIMIT,
)
from .devices import door_identifier


@dataclass(frozen=True, slots=True)
class ExampleData:
    """What one poll read: the account and its doors by id."""

    account: ExampleAccount
    doors: Mapping[str, ExampleDoor]


class ExampleCoordinator(DoorAccessCoordinator[ExampleData]):
    """Polls one example account through its scheduler."""

    cloud_name: ClassVar[str] = "Example"
    operation_error_keys: ClassVar[Mapping[str, str]] = {}

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        client: ExampleClient,
        scheduler: RequestScheduler,
    ) -> None:
        options = entry.options
        super().__init__(
            hass,
            entry,
            scheduler,
            poll_interval=int(options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL)),
        )
        self.client = client
        self.relock_after = int(options.get(CONF_RELOCK_AFTER, DEFAULT_RELOCK_AFTER))

    @override
    async def _fetch(self) -> ExampleData:
        """Read the account and its doors."""
        account = await self._call(self.client.get_account, endpoint="GET api/account")
        doors = await self._call(self.client.get_doors, endpoint="GET api/doors")
        return ExampleData(account=account, doors=doors)

    @override
    def _after_update(self, data: ExampleData) -> None:
        """Announce new doors; remove the devices of doors that are gone."""
        self._claim_devices({"door": data.doors})
        new, gone = self._diff("door", data.doors)
        if gone:
            self._remove_devices(door_identifier(door_id) for door_id in gone)
        self._notify("door", new)

    @callback
    def async_add_door_listener(
        self, listener: Callable[[list[ExampleDoor]], None]
    ) -> CALLBACK_TYPE:
        """Call `listener` with doors that appear (the current ones first)."""
        current = self.announced("door", self.data.doors) if self.data is not None else ()
        return self._add_listener("door", listener, current)

    @override
    def device_identifier(self, kind: str, device_id: str) -> str:
        """Return the identifier of a door (the only kind of device)."""
        return door_identifier(device_id)

    @user_action
    async def async_lock(self, door_id: str) -> None:
        """Lock a door."""

        async def send() -> None:
            self._settle(
                await self._call(
                    self.client.lock,
                    door_id,
                    endpoint="POST api/doors/{id}/lock",
                    priority=Priority.USER,
                )
            )

        await self.actions.run(door_identifier(door_id), Transition.LOCKING, send)

    @user_action
    async def async_unlock(self, door_id: str) -> None:
        """Unlock a door; the cloud locks it again after the entry's `relock_after`."""

        async def send() -> None:
            self._settle(
                await self._call(
                    self.client.unlock,
                    door_id,
                    self.relock_after,
                    endpoint="POST api/doors/{id}/unlock",
                    priority=Priority.USER,
                )
            )

        await self.actions.run(door_identifier(door_id), Transition.UNLOCKING, send)

    def _settle(self, door: ExampleDoor) -> None:
        """Show the door as the command's answer describes it."""
        self.async_set_updated_data(replace(self.data, doors={**self.data.doors, door.id: door}))


def build_scheduler(hass: HomeAssistant) -> RequestScheduler:
    """Create the request scheduler of one example account."""
    return RequestScheduler(
        hass.loop.time, hourly_limit=HOURLY_LIMIT, action_reserve=ACTION_RESERVE
    )
