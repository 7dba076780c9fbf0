"""Diagnostics of Door Access: the entry and the account's latest data, secrets redacted."""

from __future__ import annotations

from typing import Any, Final

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_UNIQUE_ID
from homeassistant.core import HomeAssistant

from .const import CONF_ACCOUNT_ID, CONF_OAUTH_TOKEN
from .models import DoorAccessConfigEntry

# What every cloud redacts: an OAuth token, the account's id, and the entry's title and unique
# id (the account holder's name or e-mail, and the account id). Each wing adds its own keys
# (`CloudWing.redact`: its secrets, its hardware's identifiers).
TO_REDACT: Final = frozenset({CONF_OAUTH_TOKEN, CONF_ACCOUNT_ID, CONF_UNIQUE_ID, "title"})


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001
    entry: DoorAccessConfigEntry,
) -> dict[str, Any]:
    """Return the entry, its options and what its cloud knows, with secrets redacted."""
    runtime = entry.runtime_data
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
            **runtime.wing.diagnostics(runtime.coordinator),
            # Requests per endpoint in the last hour, 429s, the safety margin and cooldowns.
            "requests": runtime.coordinator.scheduler.report(),
            # Devices another entry sees too (an account sharing a lock): which entry shows them.
            "shared_devices": runtime.coordinator.shared_devices(),
        },
        TO_REDACT | runtime.wing.redact,
    )
