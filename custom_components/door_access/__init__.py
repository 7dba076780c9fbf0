"""Door Access: Tedee cloud locks, BleBox gates and DoorFlow doors in Home Assistant."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType
from homeassistant.util.hass_dict import HassKey

from .claims import device_claims
from .clouds import wing_of
from .const import DOMAIN
from .models import DoorAccessConfigEntry, DoorAccessData
from .scheduler import RequestScheduler
from .services import async_setup_services
from .storage import FeedStore

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.LOCK,
    Platform.SENSOR,
    Platform.SWITCH,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

# One scheduler per account, kept across setup retries and reloads so that the cloud's
# limits (20 s between lock syncs, Retry-After, the hourly budget) survive them.
SCHEDULERS: HassKey[dict[str, RequestScheduler]] = HassKey(f"{DOMAIN}_schedulers")


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:  # noqa: ARG001
    """Register the integration's actions (once, whatever entries exist)."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: DoorAccessConfigEntry) -> bool:
    """Connect to the account's cloud, fetch its devices and set up the platforms."""
    wing = wing_of(entry.data)
    schedulers = hass.data.setdefault(SCHEDULERS, {})
    if (scheduler := schedulers.get(entry.entry_id)) is None:
        scheduler = schedulers[entry.entry_id] = wing.build_scheduler(hass)
    coordinator = wing.create_coordinator(hass, entry, scheduler)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = DoorAccessData(wing, coordinator)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: DoorAccessConfigEntry) -> bool:
    """Unload the platforms of an entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_config_entry_device(
    hass: HomeAssistant,  # noqa: ARG001
    entry: DoorAccessConfigEntry,
    device: dr.DeviceEntry,
) -> bool:
    """Let the user delete a device only when the cloud no longer lists it."""
    if entry.state is not ConfigEntryState.LOADED:
        return False  # what the account has is not known: keep the device
    runtime = entry.runtime_data
    current = runtime.wing.current_identifiers(runtime.coordinator)
    return not any(
        domain == DOMAIN and identifier in current for domain, identifier in device.identifiers
    )


async def async_remove_entry(hass: HomeAssistant, entry: DoorAccessConfigEntry) -> None:
    """Undo what the entry made in the cloud, hand shared devices on, forget what it kept."""
    wing = wing_of(entry.data)
    scheduler = hass.data.get(SCHEDULERS, {}).pop(entry.entry_id, None)
    if wing.async_remove is not None:
        await wing.async_remove(hass, entry, scheduler or wing.build_scheduler(hass))
    device_claims(hass).remove(entry.entry_id)
    await FeedStore(hass, entry.entry_id).async_remove()
    if wing.forget_entry is not None:
        wing.forget_entry(hass, entry.entry_id)
