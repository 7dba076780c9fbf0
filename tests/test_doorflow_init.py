"""Setup, unload, outages, rate limits, reauth and dynamic doors of a DoorFlow entry."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.door_access.const import DOMAIN
from custom_components.door_access.doorflow_coordinator import DoorFlowCoordinator

from .conftest import DOORFLOW_ACCOUNT_ID, Simulator

FRONT = "lock.front_door"  # 1201: online, normal


async def _advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move time forward and let every timer that fell due run."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _coordinator(entry: MockConfigEntry) -> DoorFlowCoordinator:
    coordinator = entry.runtime_data
    assert isinstance(coordinator, DoorFlowCoordinator)
    return coordinator


def _lock_entity_ids(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    registry = er.async_get(hass)
    return [
        e.entity_id
        for e in er.async_entries_for_config_entry(registry, entry.entry_id)
        if e.domain == "lock"
    ]


async def test_setup_and_unload(
    hass: HomeAssistant, init_doorflow: MockConfigEntry, simulator: Simulator
) -> None:
    """The entry loads the account and every door as devices, and unloads cleanly."""
    entry = init_doorflow
    assert entry.state is ConfigEntryState.LOADED
    coordinator = _coordinator(entry)
    assert sorted(coordinator.data.channels) == [1201, 1202, 1203]
    registry = dr.async_get(hass)
    account = registry.async_get_device_by_identifier(
        (DOMAIN, f"doorflow-account-{DOORFLOW_ACCOUNT_ID}"), entry.entry_id
    )
    assert account is not None
    assert account.name == "Demo Office"
    assert account.manufacturer == "DoorFlow"
    door = registry.async_get_device_by_identifier((DOMAIN, "doorflow-1201"), entry.entry_id)
    assert door is not None
    assert door.name == "Front door"
    assert door.manufacturer == "DoorFlow"
    assert door.model == "DoorFlow DC-2"
    assert door.sw_version == "4.12.0"
    assert door.via_device_id == account.id
    assert len(_lock_entity_ids(hass, entry)) == 3
    # Startup reads the account and the channels, nothing else.
    log = await simulator.requests()
    assert log["by_endpoint"] == {"GET /api/3/account": 1, "GET /api/3/channels": 1}

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
