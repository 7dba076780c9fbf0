"""The example cloud's wing: doors with a lock and a battery, one option of its own."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_API_KEY, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from custom_components.door_access.cloud import CloudWing
from custom_components.door_access.const import CONF_BASE_URL
from custom_components.door_access.scheduler import RequestScheduler

from .client import ExampleClient
from .const import CLOUD, DEFAULT_BASE_URL
from .coordinator import ExampleCoordinator, build_scheduler
from .devices import door_identifier
from .diagnostics import example_diagnostics
from .flow import EXAMPLE_FLOW
from .lock import async_setup_locks
from .sensor import async_setup_sensors


def _create_coordinator(
    hass: HomeAssistant, entry: ConfigEntry[Any], scheduler: RequestScheduler
) -> ExampleCoordinator:
    """Connect a client to the entry's account and wrap it in its coordinator."""
    client = ExampleClient(
        async_get_clientsession(hass),
        entry.data[CONF_API_KEY],
        entry.data.get(CONF_BASE_URL) or DEFAULT_BASE_URL,
    )
    return ExampleCoordinator(hass, entry, client, scheduler)


EXAMPLE = CloudWing[ExampleCoordinator](
    cloud=CLOUD,
    name="Example",
    build_scheduler=build_scheduler,
    create_coordinator=_create_coordinator,
    platforms={Platform.LOCK: async_setup_locks, Platform.SENSOR: async_setup_sensors},
    flow=EXAMPLE_FLOW,
    diagnostics=example_diagnostics,
    current_identifiers=lambda coordinator: {
        door_identifier(door_id) for door_id in coordinator.data.doors
    },
    redact=frozenset({CONF_API_KEY}),
)
