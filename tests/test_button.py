"""Gate buttons: open a BleBox gate, and every documented failure as a translated error."""

from __future__ import annotations

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .conftest import Simulator
from .helpers import assert_translated, press_button

DRIVEWAY = "button.driveway_gate_open"  # 501: connected
GARDEN = "button.garden_gate_open"  # 502: unlinked from BleBox
GARAGE = "button.garage_door_open"  # 503: disconnected


async def test_one_open_button_per_gate(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Every gate gets an open button; locks get none."""
    registry = er.async_get(hass)
    buttons = [
        e
        for e in er.async_entries_for_config_entry(registry, init_integration.entry_id)
        if e.domain == BUTTON_DOMAIN
    ]
    assert sorted(e.unique_id for e in buttons) == [
        "tedee-501-open",
        "tedee-502-open",
        "tedee-503-open",
    ]
    state = hass.states.get(DRIVEWAY)
    assert state is not None
    assert state.state == STATE_UNKNOWN
    assert state.name == "Driveway gate Open"


async def test_press_opens_the_gate(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Pressing sends one open operation to the cloud."""
    await press_button(hass, DRIVEWAY)
    assert simulator.world.tedee.gates[501].opened == 1
    assert await simulator.count("POST /api/{version}/my/gate/{id}/operation/unlock") == 1
    assert hass.states.get(DRIVEWAY).state != STATE_UNKNOWN


@pytest.mark.parametrize(
    ("entity_id", "gate_id", "change", "translation_key"),
    [
        (DRIVEWAY, 501, {"accessLevel": 0}, "gate_no_access"),  # 403
        (DRIVEWAY, 501, {"timeout_next_open": True}, "gate_timeout"),  # 408
        (GARAGE, 503, {}, "gate_disconnected"),  # 423, disconnected
        (GARDEN, 502, {}, "gate_unlinked"),  # 423 for a gate BleBox no longer has
    ],
)
async def test_press_errors_are_translated(  # noqa: PLR0917
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    entity_id: str,
    gate_id: int,
    change: dict[str, object],
    translation_key: str,
) -> None:
    """Each refusal of the cloud becomes a HomeAssistantError with its own message."""
    if change:
        await simulator.control("PATCH", f"tedee/gates/{gate_id}", change)
    with pytest.raises(HomeAssistantError) as err:
        await press_button(hass, entity_id)
    assert_translated(err.value, translation_key)
    assert simulator.world.tedee.gates[gate_id].opened == 0


async def test_press_without_blebox_integration(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """412: the account has no BleBox integration."""
    await simulator.control("POST", "tedee/config", {"blebox_integration": False})
    with pytest.raises(HomeAssistantError) as err:
        await press_button(hass, DRIVEWAY)
    assert err.value.translation_key == "gate_no_blebox"
    assert "BleBox" in str(err.value)


async def test_press_when_gate_is_gone(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """404: the gate left the account since the last refresh."""
    await simulator.control("DELETE", "tedee/gates/501")
    with pytest.raises(HomeAssistantError) as err:
        await press_button(hass, DRIVEWAY)
    assert err.value.translation_key == "device_not_found"


async def test_press_when_cloud_is_down(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A server error is reported as not reaching the cloud."""
    await simulator.control("POST", "faults", {"kind": "status", "status": 503, "count": 5})
    with pytest.raises(HomeAssistantError) as err:
        await press_button(hass, DRIVEWAY)
    assert err.value.translation_key == "action_cannot_connect"
