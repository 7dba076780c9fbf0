"""Tedee: smart locks and the BleBox gates linked to a Tedee account, through the Tedee cloud."""

from __future__ import annotations

from homeassistant.const import CONF_EMAIL, CONF_TOKEN, CONF_WEBHOOK_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..api import TEDEE_DEFAULT_BASE_URL, TedeeClient, TokenType
from ..cloud import CloudWing, chain
from ..const import CONF_BASE_URL
from ..models import DoorAccessConfigEntry
from ..scheduler import RequestScheduler
from .activity_sensor import async_setup_activity_sensors
from .binary_sensor import async_setup_binary_sensors
from .button import async_setup_buttons
from .const import CLOUD, CONF_TOKEN_TYPE
from .coordinator import TedeeCoordinator, build_scheduler
from .device_handles import account_id_of
from .devices import account_identifier, tedee_identifier
from .diagnostics import tedee_diagnostics
from .event import async_setup_activity_events
from .flow import TEDEE_FLOW
from .kept_details import forget_details
from .lock import async_setup_locks
from .sensor import async_setup_sensors


def _create_coordinator(
    hass: HomeAssistant, entry: DoorAccessConfigEntry, scheduler: RequestScheduler
) -> TedeeCoordinator:
    """Connect a client to the entry's Tedee account and wrap it in its coordinator."""
    client = TedeeClient(
        async_get_clientsession(hass),
        entry.data[CONF_TOKEN],
        token_type=TokenType(entry.data.get(CONF_TOKEN_TYPE, TokenType.PERSONAL_KEY)),
        base_url=entry.data.get(CONF_BASE_URL) or TEDEE_DEFAULT_BASE_URL,
    )
    return TedeeCoordinator(hass, entry, client, scheduler)


def _current_identifiers(coordinator: TedeeCoordinator) -> set[str]:
    """Return the identifiers of the account and every lock, gate and bridge it has now.

    A lock the last sync left out is not current: it is shown unavailable until a complete
    listing decides, and the user may delete its device meanwhile (after a reload, say, that
    found it gone from the account).
    """
    data = coordinator.data
    device_ids = [*(data.locks.keys() - data.missing_locks), *data.gates, *data.bridges]
    return {account_identifier(account_id_of(coordinator)), *map(tedee_identifier, device_ids)}


TEDEE = CloudWing[TedeeCoordinator](
    cloud=CLOUD,
    name="Tedee",
    build_scheduler=build_scheduler,
    create_coordinator=_create_coordinator,
    platforms={
        Platform.BINARY_SENSOR: async_setup_binary_sensors,
        Platform.BUTTON: async_setup_buttons,
        Platform.EVENT: async_setup_activity_events,
        Platform.LOCK: async_setup_locks,
        Platform.SENSOR: chain(async_setup_sensors, async_setup_activity_sensors),
    },
    flow=TEDEE_FLOW,
    diagnostics=tedee_diagnostics,
    current_identifiers=_current_identifiers,
    forget_entry=forget_details,
    # The token, the bridges' tokens and webhook ids, the account holder's e-mail, the
    # devices' serial numbers.
    redact=frozenset({CONF_TOKEN, CONF_WEBHOOK_ID, CONF_EMAIL, "serial_number", "serialNumber"}),
)
