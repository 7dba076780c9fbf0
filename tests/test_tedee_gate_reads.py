"""Tedee gates read at startup: unreachable gates do not hold the locks; a refused token does."""

from __future__ import annotations

from typing import Final

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .conftest import Simulator
from .helpers import advance, flow_sources, setup_entry, state_of, tick

GATE_PATH: Final = "/api/v37/my/gate"
DRIVEWAY_OPEN: Final = "button.driveway_gate_open"


async def test_gates_unreachable_at_startup_come_later(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """The entry loads with its locks; the gates appear at the next gate read."""
    await simulator.control(
        "POST", "faults", {"kind": "status", "status": 503, "path_prefix": GATE_PATH, "count": 1}
    )
    assert await setup_entry(hass, mock_config_entry)
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert state_of(hass, "lock.front_door") == "locked"
    assert hass.states.get(DRIVEWAY_OPEN) is None
    coordinator = mock_config_entry.runtime_data.coordinator
    await advance(hass, freezer, coordinator.gate_reads.interval + 1)
    assert hass.states.get(DRIVEWAY_OPEN) is not None


async def test_a_refused_token_on_the_gates_asks_for_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A 401 on the gate read, again after the pause, is the account's token refused."""
    await simulator.control("POST", "faults", {"kind": "unauthorized", "path_prefix": GATE_PATH})
    coordinator = init_integration.runtime_data.coordinator
    await advance(hass, freezer, coordinator.gate_reads.interval + 1, wait_background_tasks=False)
    await tick(hass, freezer, 10)
    await hass.async_block_till_done()
    assert flow_sources(hass) == ["reauth"]
