"""Sensors: lock battery, last state change, pull spring duration, and gate status."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.sensor import ATTR_OPTIONS, ATTR_STATE_CLASS
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import EntityCategory
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.const import DOMAIN

from .conftest import Simulator
from .helpers import TEDEE_POLL, advance, enable_entity, set_tedee_lock, setup_entry, state_of


async def test_battery(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Battery level in percent; unavailable while the lock has no state; out of range unknown."""
    state = hass.states.get("sensor.front_door_battery")
    assert state is not None
    assert state.state == "87"
    assert state.attributes[ATTR_DEVICE_CLASS] == "battery"
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "%"
    assert state.attributes[ATTR_STATE_CLASS] == "measurement"
    assert state_of(hass, "sensor.office_battery") == "9"
    assert state_of(hass, "sensor.garage_side_door_battery") == STATE_UNAVAILABLE

    await set_tedee_lock(hass, simulator, freezer, 1001, batteryLevel=50)
    assert state_of(hass, "sensor.front_door_battery") == "50"
    await set_tedee_lock(hass, simulator, freezer, 1001, batteryLevel=250)
    assert state_of(hass, "sensor.front_door_battery") == STATE_UNKNOWN
    await set_tedee_lock(hass, simulator, freezer, 1001, isConnected=False)
    assert state_of(hass, "sensor.front_door_battery") == STATE_UNAVAILABLE


async def test_last_state_change_is_opt_in(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The timestamp sensor is disabled by default."""
    entry = er.async_get(hass).async_get("sensor.front_door_last_state_change")
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert entry.original_device_class == "timestamp"


async def test_last_state_change(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """When enabled, it shows when the lock last changed position."""
    enable_entity(hass, "sensor", "tedee-1004-last_state_change", "office_last_state_change")
    assert await setup_entry(hass, mock_config_entry)

    await set_tedee_lock(hass, simulator, freezer, 1004, state=2)
    changed = simulator.world.tedee.locks[1004].last_state_changed
    assert changed is not None
    value = dt_util.parse_datetime(state_of(hass, "sensor.office_last_state_change"))
    assert value is not None
    assert abs((value - changed).total_seconds()) < 1  # shown to the second

    await set_tedee_lock(hass, simulator, freezer, 1004, isConnected=False)
    assert state_of(hass, "sensor.office_last_state_change") == STATE_UNAVAILABLE


async def test_last_state_change_without_offset_is_utc(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
) -> None:
    """A time the cloud sends without an offset is read as UTC (HA needs aware times)."""
    enable_entity(hass, "sensor", "tedee-1004-last_state_change", "office_last_state_change")
    assert await setup_entry(hass, mock_config_entry)
    coordinator = mock_config_entry.runtime_data.coordinator
    lock = coordinator.data.locks[1004]
    naive = datetime(2026, 5, 1, 12, 30, 15)
    locks = {
        **coordinator.data.locks,
        1004: replace(lock, status=replace(lock.status, last_state_changed=naive)),
    }
    coordinator.async_set_updated_data(replace(coordinator.data, locks=locks))
    await hass.async_block_till_done()
    assert state_of(hass, "sensor.office_last_state_change") == "2026-05-01T12:30:15+00:00"


async def test_pull_spring_duration(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A diagnostic setting in seconds, kept while the lock is cut off from its bridge."""
    state = hass.states.get("sensor.front_door_pull_spring_duration")
    assert state is not None
    assert state.state == "3"
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "s"
    entry = er.async_get(hass).async_get("sensor.front_door_pull_spring_duration")
    assert entry is not None
    assert entry.entity_category is EntityCategory.DIAGNOSTIC
    assert state_of(hass, "sensor.garage_side_door_pull_spring_duration") == "2"

    await set_tedee_lock(hass, simulator, freezer, 1001, pullSpringDuration=5)
    assert state_of(hass, "sensor.front_door_pull_spring_duration") == "5"


async def test_gate_status(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Gate status: connected, disconnected or unlinked, as an enum sensor."""
    state = hass.states.get("sensor.driveway_gate_status")
    assert state is not None
    assert state.state == "connected"
    assert state.attributes[ATTR_DEVICE_CLASS] == "enum"
    assert state.attributes[ATTR_OPTIONS] == ["connected", "disconnected", "unlinked"]
    assert state.name == "Driveway gate Status"
    assert state_of(hass, "sensor.garden_gate_status") == "unlinked"
    assert state_of(hass, "sensor.garage_door_status") == "disconnected"

    await simulator.control("PATCH", "tedee/gates/501", {"isPresentInExternal": False})
    await simulator.control("PATCH", "tedee/gates/502", {"isPresentInExternal": True})
    await simulator.control("PATCH", "tedee/gates/503", {"isConnected": True})
    interval = init_integration.runtime_data.coordinator.gate_reads.interval
    await advance(hass, freezer, interval + 1)
    assert state_of(hass, "sensor.driveway_gate_status") == "unlinked"
    assert state_of(hass, "sensor.garden_gate_status") == "connected"
    assert state_of(hass, "sensor.garage_door_status") == "connected"


async def test_new_lock_gets_its_sensors(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A lock added to the account later gets its sensors without a reload."""
    added = await simulator.control(
        "POST", "tedee/locks", {"name": "Shed", "state": 6, "batteryLevel": 33}
    )
    await advance(hass, freezer, TEDEE_POLL)
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id("sensor", DOMAIN, f"tedee-{added['id']}-battery")
    assert entity_id is not None
    assert state_of(hass, entity_id) == "33"
