"""The base entity of Door Access: one device of an account, described by an entity description.

Every platform has one entity class built on `DoorAccessEntity`; what an entity shows is data in
its description (`value_fn`, `is_on_fn`, ...), and which device it belongs to is a `DeviceHandle`
made by the cloud's wing. Unique ids are `<device identifier>-<description key>`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, override

from homeassistant.const import Platform
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .cloud import PlatformSetup
from .const import DOMAIN
from .coordinator import DoorAccessCoordinator
from .scope_issue import entities_to_add


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceHandle[ModelT, IdT: (int, str) = int]:
    """One device of an account as its entities see it.

    `IdT` is the type of the cloud's device ids: numbers for Tedee, opaque text for DoorFlow.
    """

    # The device's identifier in this domain; also the prefix of its entities' unique ids.
    identifier: str
    # The cloud's own id of the device (what actions are sent to).
    device_id: IdT
    info: DeviceInfo
    # The device's latest data (None once the account no longer has it).
    read: Callable[[], ModelT | None]

    def reading[OtherT](self, read: Callable[[], OtherT | None]) -> DeviceHandle[OtherT, IdT]:
        """Return the same device, read as something else (its activity, its request budget)."""
        return DeviceHandle(
            identifier=self.identifier, device_id=self.device_id, info=self.info, read=read
        )


# What an action of an entity (lock, unlock, turn on, press, ...) does with its device.
type DeviceAction[CoordinatorT, ModelT] = Callable[
    [CoordinatorT, DeviceHandle[ModelT, Any]], Awaitable[None]
]


@dataclass(frozen=True, kw_only=True)
class DoorAccessEntityDescription[ModelT](EntityDescription):
    """What every Door Access entity description adds: when it exists and is available."""

    # Whether the device gets this entity at all (e.g. a door sensor only when one is paired).
    supported_fn: Callable[[ModelT], bool] = lambda _data: True
    # Whether what the entity shows can be read now.
    available_fn: Callable[[ModelT], bool] = lambda _data: True
    # State attributes the device adds (e.g. a door's locked-down inputs).
    attributes_fn: Callable[[ModelT], Mapping[str, Any]] | None = None


class DoorAccessEntity[CoordinatorT: DoorAccessCoordinator[Any], ModelT](
    CoordinatorEntity[CoordinatorT]
):
    """An entity of one device of an account."""

    _attr_has_entity_name = True
    entity_description: DoorAccessEntityDescription[ModelT]

    def __init__(
        self,
        coordinator: CoordinatorT,
        device: DeviceHandle[ModelT, Any],
        description: DoorAccessEntityDescription[ModelT],
    ) -> None:
        super().__init__(coordinator)
        self.entity_description = description
        self.device = device
        self._attr_unique_id = f"{device.identifier}-{description.key}"
        self._attr_device_info = device.info
        self._written: tuple[object, ...] | None = None

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Write the state only when what it shows changed (most polls change nothing)."""
        shown = (
            self.available,
            self.state,
            self.state_attributes,
            self.extra_state_attributes,
            self.capability_attributes,
            self.supported_features,
        )
        if shown == self._written:
            return
        self._written = shown
        self.async_write_ha_state()

    def _read[T](self, read_fn: Callable[[ModelT], T] | None) -> T | None:
        """Return what `read_fn` reads from the device's data (None without data or function)."""
        data = self.device.read()
        return None if read_fn is None or data is None else read_fn(data)

    @property
    @override
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Return the attributes the description adds (if any)."""
        return self._read(self.entity_description.attributes_fn)

    @property
    @override
    def available(self) -> bool:
        """Tell whether the cloud answers, still has the device, and it reports this value."""
        data = self.device.read()
        return super().available and data is not None and self.entity_description.available_fn(data)


# How a platform hears of a kind of device: hand the listener the devices there are now and
# those that appear later; return how to stop.
type DeviceListen[CoordinatorT, ModelT] = Callable[
    [CoordinatorT, Callable[[list[ModelT]], None]], CALLBACK_TYPE
]


def once[CoordinatorT, ModelT](
    read: Callable[[CoordinatorT], ModelT],
) -> DeviceListen[CoordinatorT, ModelT]:
    """Return a listen that hands over one device, the account's own, at setup only."""

    def listen(
        coordinator: CoordinatorT, listener: Callable[[list[ModelT]], None]
    ) -> CALLBACK_TYPE:
        listener([read(coordinator)])
        return lambda: None

    return listen


def entity_adder[
    CoordinatorT: DoorAccessCoordinator[Any],
    ModelT,
    DescriptionT: DoorAccessEntityDescription[Any],
](
    listen: DeviceListen[CoordinatorT, ModelT],
    device_of: Callable[[CoordinatorT, ModelT], DeviceHandle[Any, Any]],
    entity: Callable[[CoordinatorT, DeviceHandle[Any, Any], DescriptionT], Entity],
    *descriptions: DescriptionT,
    feed: tuple[Platform, Callable[[CoordinatorT], bool]] | None = None,
) -> PlatformSetup[CoordinatorT]:
    """Return the setup that adds each device's entities of `descriptions`, now and later.

    Whether a description applies is asked of the device's data as first seen. With `feed`
    (the platform, whether the account may read the feed) entities fed by an activity feed
    are added only while it reads, or where the user already has them.
    """

    def setup(
        coordinator: CoordinatorT, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> CALLBACK_TYPE:
        @callback
        def add(models: list[ModelT]) -> None:
            """Add the entities of newly seen devices."""
            entities = [
                entity(coordinator, device, description)
                for model in models
                for device in (device_of(coordinator, model),)
                for description in descriptions
                if description.supported_fn(model)
            ]
            if feed is not None:
                platform, readable = feed
                entities = entities_to_add(
                    coordinator.hass, platform, entities, readable=readable(coordinator)
                )
            async_add_entities(entities)

        return listen(coordinator, add)

    return setup


def retiring[CoordinatorT: DoorAccessCoordinator[Any], ModelT, HandleT: DeviceHandle[Any, Any]](
    device_of: Callable[[CoordinatorT, ModelT], HandleT], platform: Platform, keys: tuple[str, ...]
) -> Callable[[CoordinatorT, ModelT], HandleT]:
    """Return `device_of` that first removes the device's entities an earlier version had.

    Those are the entities of `platform` with descriptions of these keys: Home Assistant would
    otherwise keep each as an orphan ("no longer provided") for good.
    """

    def device(coordinator: CoordinatorT, model: ModelT) -> HandleT:
        handle = device_of(coordinator, model)
        registry = er.async_get(coordinator.hass)
        for key in keys:
            unique_id = f"{handle.identifier}-{key}"
            if entity_id := registry.async_get_entity_id(platform, DOMAIN, unique_id):
                registry.async_remove(entity_id)
        return handle

    return device
