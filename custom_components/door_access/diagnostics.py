"""Diagnostics of Door Access: the entry and the account's latest data, secrets redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY, CONF_EMAIL, CONF_TOKEN, CONF_UNIQUE_ID
from homeassistant.core import HomeAssistant

from .const import CONF_ACCOUNT_ID, CONF_CLOUDHOOK_URL, CONF_WEBHOOK_ID
from .models import DoorAccessConfigEntry

# Secrets, identifiers of the account or of the hardware, and the entry's title and unique id
# (the account holder's name or e-mail, and the account id); the push webhook's id and URL.
TO_REDACT = frozenset(
    {
        CONF_TOKEN,
        CONF_API_KEY,
        CONF_ACCOUNT_ID,
        CONF_EMAIL,
        CONF_UNIQUE_ID,
        CONF_WEBHOOK_ID,
        CONF_CLOUDHOOK_URL,
        "title",
        "serial_number",
        "serialNumber",
        "mac_address",
    }
)


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
        TO_REDACT,
    )
