"""The integration's actions, registered for the clouds that declare them.

A wing declares its actions (`CloudWing.lock_actions`, `account_actions`; DoorFlow's in
`doorflow/services.py`): what each is called, its fields and what it does. This module
registers each declared action once, when the integration is set up (whatever entries exist):
a lock action as an entity action of the integration's locks, an account action taking a
config entry or any of its devices. Before anything is sent it refuses, translated
(`ServiceValidationError`), a target whose cloud does not declare the action, an entry or device
that is unknown or not loaded; the wing checks the action's own input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID, Platform
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr, service
import probatio

from .cloud import AccountAction, CloudWing, LockAction
from .clouds import CLOUDS
from .const import DOMAIN
from .lock import DoorAccessLock
from .models import DoorAccessConfigEntry

ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ACCOUNT_ACTION_SCHEMA: Final = probatio.Schema(
    {
        probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        probatio.Optional(ATTR_DEVICE_ID): cv.string,
    }
)


def _invalid(key: str, **placeholders: str) -> ServiceValidationError:
    """Return a translated refusal of an action's target."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def _declared[ActionT: (LockAction[Any], AccountAction[Any])](
    actions: Iterable[ActionT], wing: CloudWing[Any], name: str, target: str
) -> ActionT:
    """Return the action a wing declares by name, refusing a target of a cloud without it."""
    action = next((action for action in actions if action.service == name), None)
    if action is None:
        raise _invalid("action_not_supported", target=target, cloud=wing.name)
    return action


async def _run_on_lock(lock: DoorAccessLock[Any, Any], call: ServiceCall) -> None:
    """Run a lock action on one of the integration's locks, as its cloud declares it."""
    wing: CloudWing[Any] = lock.coordinator.config_entry.runtime_data.wing
    action = _declared(wing.lock_actions, wing, call.service, lock.entity_id)
    await action.run(lock.coordinator, lock.device.device_id, call.data)


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


async def _run_on_account(call: ServiceCall) -> None:
    """Run an account action on the entry the call names, as its cloud declares it."""
    entry = _entry_of(call.hass, call.data)
    runtime = entry.runtime_data
    action = _declared(runtime.wing.account_actions, runtime.wing, call.service, entry.title)
    await action.run(runtime.coordinator, call.data)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register each action some cloud declares (once, whichever clouds declare it)."""
    for wing in CLOUDS.values():
        for lock_action in wing.lock_actions:
            if not hass.services.has_service(DOMAIN, lock_action.service):
                service.async_register_platform_entity_service(
                    hass,
                    DOMAIN,
                    lock_action.service,
                    entity_domain=Platform.LOCK,
                    schema=lock_action.fields,
                    func=_run_on_lock,
                )
        for account_action in wing.account_actions:
            if not hass.services.has_service(DOMAIN, account_action.service):
                hass.services.async_register(
                    DOMAIN, account_action.service, _run_on_account, schema=ACCOUNT_ACTION_SCHEMA
                )
