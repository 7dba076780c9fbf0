"""Diagnostics of Door Access: the entry and the account's latest data, secrets redacted."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY, CONF_EMAIL, CONF_TOKEN, CONF_UNIQUE_ID
from homeassistant.core import HomeAssistant

from .const import CONF_ACCOUNT_ID
from .coordinator import DoorAccessConfigEntry, TedeeCoordinator

# Secrets, identifiers of the account or of the hardware, and the entry's title and unique id
# (the account holder's name or e-mail, and the account id).
TO_REDACT = frozenset(
    {
        CONF_TOKEN,
        CONF_API_KEY,
        CONF_ACCOUNT_ID,
        CONF_EMAIL,
        CONF_UNIQUE_ID,
        "title",
        "serial_number",
        "serialNumber",
    }
)


def _plain(value: Any) -> Any:
    """Turn models (dataclasses, enums, times) into JSON-friendly values."""
    if is_dataclass(value) and not isinstance(value, type):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, datetime):
        return value.isoformat()
    return value


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001
    entry: DoorAccessConfigEntry,
) -> dict[str, Any]:
    """Return the entry, its options and the coordinator's data, with secrets redacted."""
    coordinator = entry.runtime_data
    coordinator_info: dict[str, Any] = {"last_update_success": coordinator.last_update_success}
    devices: dict[str, Any]
    if isinstance(coordinator, TedeeCoordinator):
        data = coordinator.data
        coordinator_info["api_deprecation"] = _plain(coordinator.client.deprecation)
        devices = {
            "locks": [_plain(lock) for lock in data.locks.values()],
            "gates": [_plain(gate) for gate in data.gates.values()],
            "bridges": [_plain(bridge) for bridge in data.bridges.values()],
        }
    else:
        doorflow = coordinator.data
        account = _plain(doorflow.account)
        # The account's id and name identify the organisation (the name is the entry's title).
        account[CONF_ACCOUNT_ID] = account.pop("id")
        account["title"] = account.pop("name")
        devices = {
            "account": account,
            "channels": [_plain(channel) for channel in doorflow.channels.values()],
        }
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "unique_id": entry.unique_id,
                "version": entry.version,
                "minor_version": entry.minor_version,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
            "coordinator": coordinator_info,
            "data": devices,
        },
        TO_REDACT,
    )
