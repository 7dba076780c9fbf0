"""Snapshots of every entity (registry entry and state) and of diagnostics, for both clouds.

They guard names, unique ids, device classes, units, translation keys and the diagnostics
shape: a change to any of them shows up as a reviewed difference in `snapshots/*.ambr`.
Time is frozen and the simulator is seeded, so the `home` scenario reads the same every run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from .helpers import setup_entry

FROZEN_AT = "2026-11-20T12:00:00+00:00"

TEDEE_PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.LOCK,
    Platform.SENSOR,
]
DOORFLOW_PLATFORMS = [*TEDEE_PLATFORMS, Platform.SWITCH]


@pytest.fixture(autouse=True)
def frozen_time(freezer: FrozenDateTimeFactory) -> None:
    """Start every snapshot at the same instant."""
    freezer.move_to(FROZEN_AT)


@pytest.fixture
def all_entities_enabled() -> Iterator[None]:
    """Create every entity enabled, also those disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


def only_platform(platform: Platform) -> AbstractContextManager[object]:
    """Set up the integration with one platform only (snapshot_platform wants one)."""
    return patch("custom_components.door_access.PLATFORMS", [platform])


@pytest.mark.usefixtures("all_entities_enabled")
@pytest.mark.parametrize("platform", TEDEE_PLATFORMS)
async def test_tedee_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    mock_config_entry: MockConfigEntry,
    platform: Platform,
) -> None:
    """Every entity of the Tedee `home` account, one platform at a time."""
    with only_platform(platform):
        assert await setup_entry(hass, mock_config_entry)
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


@pytest.mark.usefixtures("all_entities_enabled")
@pytest.mark.parametrize("platform", DOORFLOW_PLATFORMS)
async def test_doorflow_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    doorflow_config_entry: MockConfigEntry,
    platform: Platform,
) -> None:
    """Every entity of the DoorFlow `home` account, one platform at a time."""
    with only_platform(platform):
        assert await setup_entry(hass, doorflow_config_entry)
    await snapshot_platform(hass, entity_registry, snapshot, doorflow_config_entry.entry_id)


def describe_devices(hass: HomeAssistant, entry: MockConfigEntry) -> list[dict[str, object]]:
    """Describe the entry's devices: identifiers, names, models and who hangs below whom."""
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    by_id = {device.id: device for device in devices}
    areas = ar.async_get(hass)
    described: list[dict[str, object]] = [
        {
            "identifiers": sorted(device.identifiers),
            "connections": sorted(device.connections),
            "name": device.name,
            "manufacturer": device.manufacturer,
            "model": device.model,
            "model_id": device.model_id,
            "serial_number": device.serial_number,
            "sw_version": device.sw_version,
            "via_device": (
                sorted(by_id[device.via_device_id].identifiers)
                if device.via_device_id in by_id
                else None
            ),
            # The area a new device got from its suggestion (a DoorFlow door: its site).
            "area": (
                area.name
                if device.area_id and (area := areas.async_get_area(device.area_id))
                else None
            ),
            "entry_type": device.entry_type,
        }
        for device in devices
    ]
    return sorted(described, key=lambda device: str(device["identifiers"]))


async def test_tedee_devices(
    hass: HomeAssistant, snapshot: SnapshotAssertion, mock_config_entry: MockConfigEntry
) -> None:
    """Every device of the Tedee account: locks below their bridge, gates."""
    assert await setup_entry(hass, mock_config_entry)
    assert describe_devices(hass, mock_config_entry) == snapshot


async def test_doorflow_devices(
    hass: HomeAssistant, snapshot: SnapshotAssertion, doorflow_config_entry: MockConfigEntry
) -> None:
    """Every device of the DoorFlow account: doors in their site's area, below their controller."""
    assert await setup_entry(hass, doorflow_config_entry)
    assert describe_devices(hass, doorflow_config_entry) == snapshot


async def test_tedee_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
    mock_config_entry: MockConfigEntry,
) -> None:
    """The Tedee diagnostics dump keeps its shape (and its redactions)."""
    assert await setup_entry(hass, mock_config_entry)
    result = await get_diagnostics_for_config_entry(hass, hass_client, mock_config_entry)
    result["entry"]["data"]["base_url"] = "<simulator>"
    assert result == snapshot


async def test_doorflow_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
    doorflow_config_entry: MockConfigEntry,
) -> None:
    """The DoorFlow diagnostics dump keeps its shape (and its redactions)."""
    assert await setup_entry(hass, doorflow_config_entry)
    result = await get_diagnostics_for_config_entry(hass, hass_client, doorflow_config_entry)
    result["entry"]["data"]["base_url"] = "<simulator>"
    assert result == snapshot
