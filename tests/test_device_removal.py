"""Deleting devices by hand, and a DoorFlow follow-up sync that fails or is dropped at unload."""

from __future__ import annotations

import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access import async_remove_config_entry_device
from custom_components.door_access.const import DOMAIN

from .conftest import Simulator
from .helpers import advance, press_button

SYNC = "button.demo_office_sync_door_controllers"


async def test_doorflow_device_may_be_deleted_only_when_stale(
    hass: HomeAssistant, init_doorflow: MockConfigEntry
) -> None:
    """A door DoorFlow still lists stays; one it no longer lists may go; unloaded: none."""
    registry = dr.async_get(hass)
    current = registry.async_get_device_by_identifier(
        (DOMAIN, "doorflow-1201"), init_doorflow.entry_id
    )
    assert current is not None
    stale = registry.async_get_or_create(
        config_entry_id=init_doorflow.entry_id, identifiers={(DOMAIN, "doorflow-9999")}
    )
    assert not await async_remove_config_entry_device(hass, init_doorflow, current)
    assert await async_remove_config_entry_device(hass, init_doorflow, stale)

    assert await hass.config_entries.async_unload(init_doorflow.entry_id)
    await hass.async_block_till_done()
    assert not await async_remove_config_entry_device(hass, init_doorflow, stale)


async def test_follow_up_sync_that_fails_is_logged(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A sync waiting for its slot that then fails says so in the log, once."""
    caplog.set_level(logging.WARNING)
    await press_button(hass, SYNC)
    await press_button(hass, SYNC)  # within 30 s: a follow-up waits for the slot
    await simulator.control(
        "POST", "faults", {"kind": "status", "status": 503, "path_prefix": "/api/3/sync"}
    )
    await advance(hass, freezer, 35)
    assert "could not be sent" in caplog.text


async def test_waiting_sync_is_dropped_at_unload(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Unloading the entry drops a follow-up sync that still waits: it is never sent."""
    await press_button(hass, SYNC)
    await press_button(hass, SYNC)
    assert await hass.config_entries.async_unload(init_doorflow.entry_id)
    await hass.async_block_till_done()
    await advance(hass, freezer, 60)
    assert await simulator.count("POST /api/3/sync") == 1
