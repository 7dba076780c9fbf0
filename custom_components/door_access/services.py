"""The integration's actions: door lockdown, unlock until a time, and syncing an account.

`lockdown`, `end_lockdown` and `unlock_until` are entity actions on the integration's locks;
`sync_controllers` takes a config entry or any of its devices. They are registered once, when
the integration is set up (whatever entries exist), and each checks its input before anything
is sent: a wrong or missing value, a target of a cloud that does not offer the action (its
wing has no `door_actions`), a time in the past. Every refusal is a translated
`ServiceValidationError`; what the cloud refuses comes back as a translated error too.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID, Platform
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr, service
from homeassistant.helpers.typing import VolDictType
from homeassistant.util import dt as dt_util
import probatio

from .cloud import CloudWing, DoorActions, LockdownInputs
from .const import DOMAIN, MAX_UNLOCK_AHEAD
from .lock import DoorAccessLock
from .models import DoorAccessConfigEntry

SERVICE_LOCKDOWN: Final = "lockdown"
SERVICE_END_LOCKDOWN: Final = "end_lockdown"
SERVICE_UNLOCK_UNTIL: Final = "unlock_until"
SERVICE_SYNC_CONTROLLERS: Final = "sync_controllers"

ATTR_CARD: Final = "card"
ATTR_REX: Final = "rex"
ATTR_AUX: Final = "aux"
ATTR_UNTIL: Final = "until"
ATTR_DURATION: Final = "duration"
ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"

LOCKDOWN_FIELDS: Final[VolDictType] = {
    probatio.Optional(ATTR_CARD, default=True): cv.boolean,
    probatio.Optional(ATTR_REX, default=True): cv.boolean,
    probatio.Optional(ATTR_AUX, default=True): cv.boolean,
}
UNLOCK_UNTIL_FIELDS: Final[VolDictType] = {
    probatio.Optional(ATTR_UNTIL): cv.datetime,
    probatio.Optional(ATTR_DURATION): cv.time_period,
}
SYNC_CONTROLLERS_SCHEMA: Final = probatio.Schema(
    {
        probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        probatio.Optional(ATTR_DEVICE_ID): cv.string,
    }
)


def _invalid(key: str, **placeholders: str) -> ServiceValidationError:
    """Return a translated refusal of an action's input."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


type Door = DoorAccessLock[Any, Any]


def _door_actions(lock: Door) -> DoorActions[Any]:
    """Return the door actions of a lock's cloud, refusing a lock of a cloud without them."""
    wing: CloudWing[Any] = lock.coordinator.config_entry.runtime_data.wing
    if wing.door_actions is None:
        raise _invalid("action_not_supported", target=lock.entity_id, cloud=wing.name)
    return wing.door_actions


def _lockdown_inputs(data: Mapping[str, Any]) -> LockdownInputs:
    """Return the inputs an action names; at least one."""
    inputs = LockdownInputs(card=data[ATTR_CARD], rex=data[ATTR_REX], aux=data[ATTR_AUX])
    if not (inputs.card or inputs.rex or inputs.aux):
        raise _invalid("lockdown_no_input")
    return inputs


def _too_long(value: str) -> ServiceValidationError:
    """Return the refusal of a relock time further ahead than `MAX_UNLOCK_AHEAD`."""
    return _invalid("unlock_too_long", value=value, days=str(MAX_UNLOCK_AHEAD.days))


def relock_time(data: Mapping[str, Any], now: datetime) -> datetime:
    """Return when a door held unlocked relocks: `until` or `duration` from now, in the future.

    A time without a zone is Home Assistant's local time. At most `MAX_UNLOCK_AHEAD` from now:
    beyond it (up to the end of Python's calendar) the time is refused before anything is sent.
    """
    until: datetime | None = data.get(ATTR_UNTIL)
    duration: timedelta | None = data.get(ATTR_DURATION)
    if until is None:
        if duration is None:
            raise _invalid("until_or_duration")
        if duration <= timedelta(0):
            raise _invalid("duration_not_positive", duration=str(duration))
        if duration > MAX_UNLOCK_AHEAD:
            raise _too_long(str(duration))
        return now + duration
    if duration is not None:
        raise _invalid("until_or_duration")
    if until.tzinfo is None:
        until = until.replace(tzinfo=dt_util.get_default_time_zone())
    # Differences of aware times never overflow; converting 9999-12-31 to UTC may.
    ahead = until - now
    if ahead <= timedelta(0):
        raise _invalid("until_in_past", until=until.isoformat(timespec="seconds"))
    if ahead > MAX_UNLOCK_AHEAD:
        raise _too_long(until.isoformat(timespec="seconds"))
    return dt_util.as_utc(until)


# The entity actions run on the integration's lock entities (the lock platform of its domain).


async def _lockdown(lock: Door, call: ServiceCall) -> None:
    """Lock a door down: the inputs chosen are disabled."""
    actions = _door_actions(lock)
    inputs = _lockdown_inputs(call.data)
    await actions.lockdown(lock.coordinator, lock.device.device_id, inputs)


async def _end_lockdown(lock: Door, call: ServiceCall) -> None:
    """End a door's lockdown of the inputs chosen."""
    actions = _door_actions(lock)
    inputs = _lockdown_inputs(call.data)
    await actions.end_lockdown(lock.coordinator, lock.device.device_id, inputs)


async def _unlock_until(lock: Door, call: ServiceCall) -> None:
    """Hold a door unlocked until a time, or for a while."""
    actions = _door_actions(lock)
    relock_at = relock_time(call.data, dt_util.utcnow())
    await actions.unlock_until(lock.coordinator, lock.device.device_id, relock_at)


def _entry_of(hass: HomeAssistant, data: Mapping[str, Any]) -> DoorAccessConfigEntry:
    """Return the loaded Door Access entry an action names directly or by one of its devices."""
    entry_id: str | None = data.get(ATTR_CONFIG_ENTRY_ID)
    device_id: str | None = data.get(ATTR_DEVICE_ID)
    if (entry_id is None) == (device_id is None):
        raise _invalid("entry_or_device")
    if device_id is not None:
        # A device belongs to one config entry: the one of this domain, if any.
        _device, owner = dr.async_get_device_and_config_entry_for_domain(
            hass, device_id, domain=DOMAIN, include_child_devices=False
        )
        if owner is None:
            raise _invalid("device_unknown", device_id=device_id)
        entry_id = owner.entry_id
    entry: DoorAccessConfigEntry | None = hass.config_entries.async_get_entry(str(entry_id))
    if entry is None or entry.domain != DOMAIN:
        raise _invalid("entry_unknown", entry_id=str(entry_id))
    if entry.state is not ConfigEntryState.LOADED:
        raise _invalid("entry_not_loaded", name=entry.title)
    return entry


async def _sync_controllers(call: ServiceCall) -> None:
    """Push an account's pending changes to its door controllers, or say how long to wait."""
    entry = _entry_of(call.hass, call.data)
    runtime = entry.runtime_data
    if runtime.wing.door_actions is None:
        raise _invalid("action_not_supported", target=entry.title, cloud=runtime.wing.name)
    await runtime.wing.door_actions.sync_controllers(runtime.coordinator)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    service.async_register_platform_entity_service(
        hass,
        DOMAIN,
        SERVICE_LOCKDOWN,
        entity_domain=Platform.LOCK,
        schema=LOCKDOWN_FIELDS,
        func=_lockdown,
    )
    service.async_register_platform_entity_service(
        hass,
        DOMAIN,
        SERVICE_END_LOCKDOWN,
        entity_domain=Platform.LOCK,
        schema=LOCKDOWN_FIELDS,
        func=_end_lockdown,
    )
    service.async_register_platform_entity_service(
        hass,
        DOMAIN,
        SERVICE_UNLOCK_UNTIL,
        entity_domain=Platform.LOCK,
        schema=UNLOCK_UNTIL_FIELDS,
        func=_unlock_until,
    )
    hass.services.async_register(
        DOMAIN, SERVICE_SYNC_CONTROLLERS, _sync_controllers, schema=SYNC_CONTROLLERS_SCHEMA
    )
