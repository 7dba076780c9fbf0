"""Door Access: Tedee cloud locks, BleBox gates and DoorFlow doors in Home Assistant."""

from __future__ import annotations

from homeassistant.const import CONF_API_KEY, CONF_TOKEN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util.hass_dict import HassKey

from .api.doorflow import DoorFlowClient
from .api.tedee import DEFAULT_BASE_URL, TedeeClient, TokenType
from .const import (
    CONF_BASE_URL,
    CONF_CLOUD,
    CONF_TOKEN_TYPE,
    DOMAIN,
    DOORFLOW_DEFAULT_BASE_URL,
    Cloud,
)
from .coordinator import DoorAccessConfigEntry, TedeeCoordinator, build_scheduler
from .doorflow_coordinator import DoorFlowCoordinator, build_doorflow_scheduler
from .scheduler import RequestScheduler

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.LOCK,
    Platform.SENSOR,
]

# One scheduler per account, kept across setup retries and reloads so that the cloud's
# limits (20 s between lock syncs, Retry-After, the hourly budget) survive them.
SCHEDULERS: HassKey[dict[str, RequestScheduler]] = HassKey(f"{DOMAIN}_schedulers")


async def async_setup_entry(hass: HomeAssistant, entry: DoorAccessConfigEntry) -> bool:
    """Connect to the account's cloud, fetch its devices and set up the platforms."""
    session = async_get_clientsession(hass)
    schedulers = hass.data.setdefault(SCHEDULERS, {})
    scheduler = schedulers.get(entry.entry_id)
    coordinator: TedeeCoordinator | DoorFlowCoordinator
    if entry.data.get(CONF_CLOUD) == Cloud.DOORFLOW:
        if scheduler is None:
            scheduler = schedulers[entry.entry_id] = build_doorflow_scheduler(hass)
        doorflow = DoorFlowClient(
            session,
            api_key=entry.data[CONF_API_KEY],
            base_url=entry.data.get(CONF_BASE_URL) or DOORFLOW_DEFAULT_BASE_URL,
        )
        coordinator = DoorFlowCoordinator(hass, entry, doorflow, scheduler)
    else:
        if scheduler is None:
            scheduler = schedulers[entry.entry_id] = build_scheduler(hass)
        tedee = TedeeClient(
            session,
            entry.data[CONF_TOKEN],
            token_type=TokenType(entry.data.get(CONF_TOKEN_TYPE, TokenType.PERSONAL_KEY)),
            base_url=entry.data.get(CONF_BASE_URL) or DEFAULT_BASE_URL,
        )
        coordinator = TedeeCoordinator(hass, entry, tedee, scheduler)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: DoorAccessConfigEntry) -> bool:
    """Unload the platforms of an entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: DoorAccessConfigEntry) -> None:
    """Forget the account's scheduler when its entry is deleted."""
    hass.data.get(SCHEDULERS, {}).pop(entry.entry_id, None)
