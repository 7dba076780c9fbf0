"""DoorFlow: access-controlled doors ("channels") of a DoorFlow account, through API v3."""

from __future__ import annotations

from homeassistant.const import CONF_API_KEY, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..api import DOORFLOW_DEFAULT_BASE_URL, DoorFlowClient
from ..cloud import CloudWing, chain
from ..const import CONF_BASE_URL, Cloud
from ..models import DoorAccessConfigEntry
from ..scheduler import RequestScheduler
from .binary_sensor import async_setup_binary_sensors
from .button import async_setup_buttons
from .coordinator import DoorFlowCoordinator, build_doorflow_scheduler
from .devices import account_identifier, channel_identifier
from .diagnostics import doorflow_diagnostics
from .event import async_setup_door_alarms, async_setup_door_events
from .flow import DOORFLOW_FLOW
from .lock import async_setup_doors
from .sensor import async_setup_sensors


def _create_coordinator(
    hass: HomeAssistant, entry: DoorAccessConfigEntry, scheduler: RequestScheduler
) -> DoorFlowCoordinator:
    """Connect a client to the entry's DoorFlow account and wrap it in its coordinator."""
    client = DoorFlowClient(
        async_get_clientsession(hass),
        api_key=entry.data[CONF_API_KEY],
        base_url=entry.data.get(CONF_BASE_URL) or DOORFLOW_DEFAULT_BASE_URL,
    )
    return DoorFlowCoordinator(hass, entry, client, scheduler)


def _current_identifiers(coordinator: DoorFlowCoordinator) -> set[str]:
    """Return the identifiers of the account and every door it has now."""
    data = coordinator.data
    return {
        account_identifier(data.account.id),
        *(channel_identifier(channel_id) for channel_id in data.channels),
    }


DOORFLOW = CloudWing[DoorFlowCoordinator](
    cloud=Cloud.DOORFLOW,
    name="DoorFlow",
    build_scheduler=build_doorflow_scheduler,
    create_coordinator=_create_coordinator,
    platforms={
        Platform.BINARY_SENSOR: chain(async_setup_binary_sensors, async_setup_door_alarms),
        Platform.BUTTON: async_setup_buttons,
        Platform.EVENT: async_setup_door_events,
        Platform.LOCK: async_setup_doors,
        Platform.SENSOR: async_setup_sensors,
    },
    flow=DOORFLOW_FLOW,
    diagnostics=doorflow_diagnostics,
    current_identifiers=_current_identifiers,
)
