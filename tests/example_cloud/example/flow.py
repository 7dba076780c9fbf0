"""The example parts of the config and options flows: the key, the account, its options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import probatio

from custom_components.door_access.api.core.errors import AuthError, DoorCloudError
from custom_components.door_access.cloud import (
    Account,
    CloudFlow,
    NumberRange,
    OptionsStep,
    SignInError,
)
from custom_components.door_access.const import (
    CONF_ACCOUNT_ID,
    CONF_BASE_URL,
    CONF_CLOUD,
    CONF_POLL_INTERVAL,
)
from custom_components.door_access.flow_helpers import SECRET_SELECTOR, seconds_selector

from .client import ExampleClient
from .const import (
    CLOUD,
    CONF_RELOCK_AFTER,
    DEFAULT_BASE_URL,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_RELOCK_AFTER,
    MAX_POLL_INTERVAL,
    MAX_RELOCK_AFTER,
    MIN_POLL_INTERVAL,
    MIN_RELOCK_AFTER,
)


async def _async_sign_in(
    hass: HomeAssistant,
    api_key: str,
    user_input: Mapping[str, Any],
    base_url: str,
) -> Account:
    """Read the account the key belongs to."""
    client = ExampleClient(async_get_clientsession(hass), api_key, base_url)
    try:
        account = await client.get_account()
    except AuthError as err:
        raise SignInError("invalid_auth", CONF_API_KEY) from err
    except DoorCloudError as err:
        raise SignInError("cannot_connect") from err
    return Account(
        unique_id=f"{CLOUD}_{account.id}",
        title=f"Example — {account.name or account.id}",
        data={
            CONF_CLOUD: CLOUD,
            CONF_API_KEY: api_key,
            CONF_BASE_URL: base_url,
            CONF_ACCOUNT_ID: account.id,
        },
    )


def _options_schema(stored: Mapping[str, Any]) -> probatio.Schema:
    """Return the options form: the polling interval and its own relock delay."""
    return probatio.Schema(
        {
            probatio.Required(
                CONF_POLL_INTERVAL, default=DEFAULT_POLL_INTERVAL
            ): seconds_selector(),
            probatio.Required(CONF_RELOCK_AFTER, default=DEFAULT_RELOCK_AFTER): seconds_selector(),
        }
    )


EXAMPLE_FLOW = CloudFlow(
    secret_field=CONF_API_KEY,
    default_base_url=DEFAULT_BASE_URL,
    sign_in_fields=lambda: {probatio.Required(CONF_API_KEY): SECRET_SELECTOR},
    async_sign_in=_async_sign_in,
    reauth_step_id="example_reauth",
    reconfigure_step_id="example_reconfigure",
    options_steps=(
        OptionsStep(
            options_step_id=CLOUD,
            schema=_options_schema,
            ranges={
                CONF_POLL_INTERVAL: NumberRange(
                    low=MIN_POLL_INTERVAL, high=MAX_POLL_INTERVAL, range_error="poll_interval_range"
                ),
                CONF_RELOCK_AFTER: NumberRange(
                    low=MIN_RELOCK_AFTER, high=MAX_RELOCK_AFTER, range_error="relock_after_range"
                ),
            },
        ),
    ),
)
