"""DoorFlow diagnostics: the account and its doors, without the API key or account identity."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from .conftest import DOORFLOW_ACCOUNT_ID, DOORFLOW_KEY, Simulator
from .helpers import REDACTED, assert_entry_redacted


async def test_diagnostics_redacts_secrets(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """The dump holds the account's sync and every door, but no key, account id or title."""
    result = await get_diagnostics_for_config_entry(hass, hass_client, init_doorflow)
    data = assert_entry_redacted(result, "api_key", simulator.url)
    assert data["cloud"] == "doorflow"
    assert result["coordinator"] == {"last_update_success": True}

    devices = result["data"]
    assert isinstance(devices, dict)
    account = devices["account"]
    assert isinstance(account, dict)
    assert account["account_id"] == REDACTED
    assert account["title"] == REDACTED
    assert account["sync"]["status"] == "FAILING"
    channels = devices["channels"]
    assert isinstance(channels, list)
    assert sorted(channel["id"] for channel in channels) == ["1201", "1202", "1203"]
    warehouse = next(channel for channel in channels if channel["id"] == "1203")
    assert warehouse["status"] == "OFFLINE"
    assert warehouse["sync_status"] == "FAIL"

    text = json.dumps(result)
    assert DOORFLOW_KEY not in text
    assert str(DOORFLOW_ACCOUNT_ID) not in text
    assert "Demo Office" not in text
