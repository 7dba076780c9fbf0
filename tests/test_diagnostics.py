"""Diagnostics: the entry and the account's data, without secrets or hardware identifiers."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from .conftest import TEDEE_ACCOUNT_ID, TEDEE_KEY, Simulator
from .helpers import REDACTED, assert_entry_redacted


async def test_diagnostics_redacts_secrets(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """The dump holds every device but no token, serial number, account id or title."""
    result = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert_entry_redacted(result, "token", simulator.url)

    devices = result["data"]
    assert isinstance(devices, dict)
    locks = devices["locks"]
    assert isinstance(locks, list)
    assert sorted(lock["id"] for lock in locks) == [1001, 1002, 1003, 1004]
    front = next(lock for lock in locks if lock["id"] == 1001)
    assert isinstance(front, dict)
    assert front["serial_number"] == REDACTED
    assert front["status"]["state"] == "LOCKED"
    assert front["settings"]["pull_spring_enabled"] is True
    garage = next(lock for lock in locks if lock["id"] == 1003)
    assert garage["status"] is None
    gates = devices["gates"]
    assert isinstance(gates, list)
    assert len(gates) == 3
    assert all(gate["serial_number"] in (REDACTED, "") for gate in gates)
    bridges = devices["bridges"]
    assert isinstance(bridges, list)
    assert bridges[0]["serial_number"] == REDACTED

    text = json.dumps(result)
    assert TEDEE_KEY not in text
    assert str(TEDEE_ACCOUNT_ID) not in text
    assert "Demo" not in text  # the entry title (the account holder's name)
    for lock in simulator.world.tedee.locks.values():
        assert lock.serial_number not in text
    for bridge in simulator.world.tedee.bridges.values():
        assert bridge.serial_number not in text
