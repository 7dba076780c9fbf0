"""Tedee lock binary sensors: door, charging, connectivity, semi-locked, calibrated, pull spring."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import EntityCategory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.const import DOMAIN

from .conftest import Simulator
from .helpers import (
    advance,
    enable_entity,
    former_entity_removed_at_setup,
    set_tedee_lock,
    setup_entry,
    state_of,
)


async def _set_gate(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    gate_id: int,
    **fields: Any,
) -> None:
    """Change a gate (live and BleBox side), then wait for the coordinator's gate refresh."""
    await simulator.control("PATCH", f"tedee/gates/{gate_id}", fields)
    await advance(hass, freezer, init_gate_interval(hass) + 1)


def init_gate_interval(hass: HomeAssistant) -> float:
    """Return the gate refresh interval of the loaded entry."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    return float(entry.runtime_data.coordinator.gate_reads.interval)


async def test_entities_of_the_home(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """Every lock gets its binary sensors, with the documented classes; gates get none."""
    assert state_of(hass, "binary_sensor.front_door_door") == STATE_OFF
    assert state_of(hass, "binary_sensor.front_door_charging") == STATE_OFF
    assert state_of(hass, "binary_sensor.office_charging") == STATE_ON
    assert state_of(hass, "binary_sensor.front_door_connectivity") == STATE_ON
    assert state_of(hass, "binary_sensor.front_door_semi_locked") == STATE_OFF
    assert state_of(hass, "binary_sensor.front_door_pull_spring_enabled") == STATE_ON
    assert state_of(hass, "binary_sensor.office_pull_spring_enabled") == STATE_OFF
    # A gate's connection is its Status sensor (connected / disconnected / unlinked) alone.
    gate_binary_sensors = [
        entry.unique_id
        for entry in er.async_entries_for_config_entry(
            er.async_get(hass), init_integration.entry_id
        )
        if entry.domain == "binary_sensor" and entry.unique_id.startswith(("tedee-50",))
    ]
    assert gate_binary_sensors == []

    registry = er.async_get(hass)
    door = registry.async_get("binary_sensor.front_door_door")
    assert door is not None
    assert door.unique_id == "tedee-1001-door"
    assert door.original_device_class == "door"
    connectivity = registry.async_get("binary_sensor.front_door_connectivity")
    assert connectivity is not None
    assert connectivity.entity_category is EntityCategory.DIAGNOSTIC
    uncalibrated = registry.async_get("binary_sensor.front_door_lock_uncalibrated")
    assert uncalibrated is not None
    assert uncalibrated.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert uncalibrated.original_device_class == "problem"
    assert hass.states.get("binary_sensor.front_door_lock_uncalibrated") is None
    assert hass.states.get("binary_sensor.front_door_semi_locked").name == (
        "Front door Semi-locked"
    )


async def test_door_sensor_only_for_locks_that_report_one(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """No door entity for a lock without door state, nor for one without state at setup."""
    registry = er.async_get(hass)
    assert registry.async_get_entity_id("binary_sensor", DOMAIN, "tedee-1001-door")
    assert registry.async_get_entity_id("binary_sensor", DOMAIN, "tedee-1004-door")
    assert registry.async_get_entity_id("binary_sensor", DOMAIN, "tedee-1002-door") is None
    assert registry.async_get_entity_id("binary_sensor", DOMAIN, "tedee-1003-door") is None


async def test_no_door_sensor_when_not_paired(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
) -> None:
    """A lock reporting doorState NotPaired at setup gets no door entity."""
    await simulator.control("PATCH", "tedee/locks/1001", {"doorState": 0})
    assert await setup_entry(hass, mock_config_entry)
    registry = er.async_get(hass)
    assert registry.async_get_entity_id("binary_sensor", DOMAIN, "tedee-1001-door") is None


@pytest.mark.parametrize(
    ("door_state", "expected"),
    [
        (0, STATE_UNAVAILABLE),  # NotPaired
        (1, STATE_UNAVAILABLE),  # Disconnected
        (2, STATE_ON),  # Opened
        (3, STATE_OFF),  # Closed
        (4, STATE_UNAVAILABLE),  # Uncalibrated
        (None, STATE_UNAVAILABLE),  # no longer reported
        (42, STATE_UNKNOWN),  # not in the docs
    ],
)
async def test_door_states(  # noqa: PLR0917
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    door_state: int | None,
    expected: str,
) -> None:
    """Every documented door state, a missing one and an unknown one."""
    await set_tedee_lock(hass, simulator, freezer, 1001, doorState=door_state)
    assert state_of(hass, "binary_sensor.front_door_door") == expected


async def test_lock_without_state(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Cut off from its bridge: state sensors unavailable, connectivity off, settings kept."""
    assert state_of(hass, "binary_sensor.garage_side_door_charging") == STATE_UNAVAILABLE
    assert state_of(hass, "binary_sensor.garage_side_door_semi_locked") == STATE_UNAVAILABLE
    assert state_of(hass, "binary_sensor.garage_side_door_connectivity") == STATE_OFF
    assert state_of(hass, "binary_sensor.garage_side_door_pull_spring_enabled") == STATE_ON

    await set_tedee_lock(hass, simulator, freezer, 1001, isConnected=False)
    assert state_of(hass, "binary_sensor.front_door_door") == STATE_UNAVAILABLE
    assert state_of(hass, "binary_sensor.front_door_charging") == STATE_UNAVAILABLE
    assert state_of(hass, "binary_sensor.front_door_connectivity") == STATE_OFF
    assert state_of(hass, "binary_sensor.front_door_pull_spring_enabled") == STATE_ON

    await set_tedee_lock(hass, simulator, freezer, 1003, isConnected=True)
    assert state_of(hass, "binary_sensor.garage_side_door_connectivity") == STATE_ON
    assert state_of(hass, "binary_sensor.garage_side_door_charging") == STATE_OFF


async def test_charging(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Charging follows isCharging."""
    await set_tedee_lock(hass, simulator, freezer, 1001, isCharging=True)
    assert state_of(hass, "binary_sensor.front_door_charging") == STATE_ON
    await set_tedee_lock(hass, simulator, freezer, 1001, isCharging=False)
    assert state_of(hass, "binary_sensor.front_door_charging") == STATE_OFF


@pytest.mark.parametrize(
    ("tedee_state", "semi_locked", "uncalibrated"),
    [
        (0, STATE_OFF, STATE_ON),
        (1, STATE_OFF, STATE_OFF),
        (2, STATE_OFF, STATE_OFF),
        (3, STATE_ON, STATE_OFF),
        (6, STATE_OFF, STATE_OFF),
        (9, STATE_OFF, STATE_OFF),
        (18, STATE_OFF, STATE_OFF),
        (77, STATE_OFF, STATE_OFF),
    ],
)
async def test_semi_locked_and_uncalibrated(  # noqa: PLR0917
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    tedee_state: int,
    semi_locked: str,
    uncalibrated: str,
) -> None:
    """Semi-locked is on in state 3; the (opt-in) uncalibrated problem in state 0."""
    enable_entity(hass, "binary_sensor", "tedee-1004-uncalibrated", "office_lock_uncalibrated")
    assert await setup_entry(hass, mock_config_entry)
    assert state_of(hass, "binary_sensor.office_lock_uncalibrated") == STATE_OFF

    await set_tedee_lock(hass, simulator, freezer, 1004, state=tedee_state)
    assert state_of(hass, "binary_sensor.office_semi_locked") == semi_locked
    assert state_of(hass, "binary_sensor.office_lock_uncalibrated") == uncalibrated


async def test_pull_spring_setting(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """The pull spring sensor follows the lock's setting."""
    await set_tedee_lock(hass, simulator, freezer, 1004, pullSpringEnabled=True)
    assert state_of(hass, "binary_sensor.office_pull_spring_enabled") == STATE_ON
    await set_tedee_lock(hass, simulator, freezer, 1001, pullSpringEnabled=False)
    assert state_of(hass, "binary_sensor.front_door_pull_spring_enabled") == STATE_OFF


async def test_the_former_gate_connectivity_binary_sensor_is_removed(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """An install from before 0.2.0 loses a gate's Connectivity (it repeated the Status)."""
    registry = await former_entity_removed_at_setup(
        hass, mock_config_entry, "tedee-501-connectivity", "driveway_gate_connectivity"
    )
    assert state_of(hass, "sensor.driveway_gate_status") == "connected"
    # A lock's Connectivity, under the same key, stays.
    lock = registry.async_get("binary_sensor.front_door_connectivity")
    assert lock is not None
    assert lock.unique_id == "tedee-1001-connectivity"


async def test_removed_gate_loses_its_entities(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A gate removed from the account no longer shows a state."""
    await simulator.control("DELETE", "tedee/gates/501")
    await advance(hass, freezer, init_gate_interval(hass) + 1)
    state = hass.states.get("sensor.driveway_gate_status")
    assert state is None or state.state == STATE_UNAVAILABLE
