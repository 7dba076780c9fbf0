"""DoorFlow: access-controlled doors ("channels") of a DoorFlow account, through API v3."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from homeassistant.const import CONF_API_KEY, CONF_EMAIL, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..api import DOORFLOW_DEFAULT_BASE_URL, DoorFlowClient
from ..cloud import CloudWing, chain
from ..const import CONF_AUTH_IMPLEMENTATION, CONF_BASE_URL, LOGGER
from ..models import DoorAccessConfigEntry
from ..scheduler import Priority, RequestScheduler
from .binary_sensor import async_setup_binary_sensors
from .button import async_setup_buttons
from .const import CLOUD, CONF_CLOUDHOOK_URL, CONF_PUSH_RULE_ID, CONF_WEBHOOK_ID
from .coordinator import DoorFlowCoordinator, build_doorflow_scheduler
from .devices import account_identifier, channel_identifier, controller_identifier
from .diagnostics import doorflow_diagnostics
from .event import async_setup_door_alarms, async_setup_door_events
from .flow import DOORFLOW_FLOW
from .lock import async_setup_doors
from .oauth import DoorFlowTokens, entry_tokens, forget_entry_tokens
from .push_rule import async_delete_rule, async_drop_cloudhook
from .sensor import async_setup_sensors
from .services import ACCOUNT_ACTIONS, LOCK_ACTIONS
from .switch import async_setup_switches


def _create_client(
    hass: HomeAssistant, entry: DoorAccessConfigEntry
) -> tuple[DoorFlowClient, DoorFlowTokens | None]:
    """Connect a client to the entry's DoorFlow account (and return its token keeper).

    An entry signed in through OAuth asks its token keeper for a fresh access token before
    each request; an entry with a personal API key sends the key.
    """
    session = async_get_clientsession(hass)
    base_url = entry.data.get(CONF_BASE_URL) or DOORFLOW_DEFAULT_BASE_URL
    if CONF_AUTH_IMPLEMENTATION in entry.data:
        tokens = entry_tokens(hass, entry)
        client = DoorFlowClient(session, token_provider=tokens.access_token, base_url=base_url)
        return client, tokens
    return DoorFlowClient(session, api_key=entry.data[CONF_API_KEY], base_url=base_url), None


def _create_coordinator(
    hass: HomeAssistant, entry: DoorAccessConfigEntry, scheduler: RequestScheduler
) -> DoorFlowCoordinator:
    """Wrap a client of the entry's DoorFlow account in its coordinator."""
    client, tokens = _create_client(hass, entry)
    return DoorFlowCoordinator(hass, entry, client, scheduler, tokens=tokens)


async def _async_remove(
    hass: HomeAssistant, entry: DoorAccessConfigEntry, scheduler: RequestScheduler
) -> None:
    """Delete the entry's notification rule and cloudhook (the entry is removed)."""

    async def call(send: Callable[[], Awaitable[object]], endpoint: str) -> object:
        return await scheduler.run(send, endpoint=endpoint, priority=Priority.USER)

    try:
        if CONF_PUSH_RULE_ID in entry.data:
            client, _tokens = _create_client(hass, entry)
            await async_delete_rule(hass, entry, client, call)
    except Exception as err:
        LOGGER.warning(
            "The DoorFlow notification rule of %s could not be deleted (%s); delete it in "
            "DoorFlow if it is still there",
            entry.title,
            type(err).__name__,
        )
    await async_drop_cloudhook(hass, entry)


def _current_identifiers(coordinator: DoorFlowCoordinator) -> set[str]:
    """Return the identifiers of the account, its door controllers and every door it has now."""
    data = coordinator.data
    return {
        account_identifier(data.account.id),
        *(controller_identifier(mac) for mac in coordinator.controller_device_ids),
        *(channel_identifier(channel_id) for channel_id in data.channels),
    }


DOORFLOW = CloudWing[DoorFlowCoordinator](
    cloud=CLOUD,
    name="DoorFlow",
    build_scheduler=build_doorflow_scheduler,
    create_coordinator=_create_coordinator,
    platforms={
        Platform.BINARY_SENSOR: chain(async_setup_binary_sensors, async_setup_door_alarms),
        Platform.BUTTON: async_setup_buttons,
        Platform.EVENT: async_setup_door_events,
        Platform.LOCK: async_setup_doors,
        Platform.SENSOR: async_setup_sensors,
        Platform.SWITCH: async_setup_switches,
    },
    flow=DOORFLOW_FLOW,
    diagnostics=doorflow_diagnostics,
    current_identifiers=_current_identifiers,
    # The key, the push webhook's id and URL, the controllers' hardware identifiers.
    redact=frozenset(
        {
            CONF_API_KEY,
            CONF_EMAIL,
            CONF_WEBHOOK_ID,
            CONF_CLOUDHOOK_URL,
            "serial_number",
            "mac_address",
        }
    ),
    lock_actions=LOCK_ACTIONS,
    account_actions=ACCOUNT_ACTIONS,
    forget_entry=forget_entry_tokens,
    async_remove=_async_remove,
)
