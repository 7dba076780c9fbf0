"""The DoorFlow parts of the config and options flows: sign-in (key or OAuth), options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import BooleanSelector
import probatio

from ..api import (
    DOORFLOW_DEFAULT_BASE_URL,
    Account as DoorFlowAccount,
    DoorFlowClient,
)
from ..cloud import Account, CloudFlow, CloudOAuth, NumberRange, OptionsStep
from ..const import (
    CONF_ACCOUNT_ID,
    CONF_AUTH_IMPLEMENTATION,
    CONF_BASE_URL,
    CONF_CLOUD,
    CONF_OAUTH_TOKEN,
    CONF_POLL_INTERVAL,
)
from ..flow_helpers import SECRET_SELECTOR, seconds_selector, sign_in_errors
from .const import (
    CLOUD,
    CONF_PUSH,
    DOORFLOW_DEFAULT_POLL_INTERVAL,
    DOORFLOW_MAX_POLL_INTERVAL,
    DOORFLOW_MIN_POLL_INTERVAL,
)
from .oauth import DOORFLOW_APPLICATION


def _sign_in_fields() -> dict[probatio.Marker, Any]:
    """Return the DoorFlow sign-in fields: the personal API key."""
    return {probatio.Required(CONF_API_KEY): SECRET_SELECTOR}


def _account(account: DoorFlowAccount, base_url: str, credentials: Mapping[str, Any]) -> Account:
    """Return what the entry of a DoorFlow account is made of (the same for every sign-in)."""
    return Account(
        unique_id=f"{CLOUD}_{account.id}",
        title=f"DoorFlow — {account.name or account.id}",
        data={
            CONF_CLOUD: CLOUD,
            **credentials,
            CONF_BASE_URL: base_url,
            CONF_ACCOUNT_ID: account.id,
        },
    )


async def _async_sign_in(
    hass: HomeAssistant,
    api_key: str,
    user_input: Mapping[str, Any],  # noqa: ARG001
    base_url: str,
) -> Account:
    """Read the DoorFlow account the API key belongs to."""
    client = DoorFlowClient(async_get_clientsession(hass), api_key=api_key, base_url=base_url)
    with sign_in_errors(CONF_API_KEY):
        account = await client.get_account()
    return _account(account, base_url, {CONF_API_KEY: api_key})


async def _async_oauth_sign_in(
    hass: HomeAssistant, result: Mapping[str, Any], base_url: str
) -> Account:
    """Read the DoorFlow account an OAuth sign-in reached (the same one a key would)."""
    token = result[CONF_OAUTH_TOKEN]
    client = DoorFlowClient(
        async_get_clientsession(hass), access_token=token["access_token"], base_url=base_url
    )
    with sign_in_errors("base"):  # a refusal shows on the form, not at a field
        account = await client.get_account()
    credentials = {
        CONF_AUTH_IMPLEMENTATION: result[CONF_AUTH_IMPLEMENTATION],
        CONF_OAUTH_TOKEN: token,
    }
    return _account(account, base_url, credentials)


DOORFLOW_OAUTH = CloudOAuth(application=DOORFLOW_APPLICATION, async_sign_in=_async_oauth_sign_in)


def _options_schema(stored: Mapping[str, Any]) -> probatio.Schema:  # noqa: ARG001
    """Return the options form of a DoorFlow entry."""
    return probatio.Schema(
        {
            probatio.Required(
                CONF_POLL_INTERVAL, default=DOORFLOW_DEFAULT_POLL_INTERVAL
            ): seconds_selector(),
            # Push (DoorFlow calls Home Assistant): on unless turned off here.
            probatio.Required(CONF_PUSH, default=True): BooleanSelector(),
        }
    )


async def _async_options(
    hass: HomeAssistant,  # noqa: ARG001
    user_input: Mapping[str, Any],
    stored: Mapping[str, Any],  # noqa: ARG001
) -> dict[str, Any]:
    """Return whether DoorFlow pushes (the flow stores the ranged polling interval)."""
    return {CONF_PUSH: bool(user_input.get(CONF_PUSH, True))}


DOORFLOW_FLOW = CloudFlow(
    secret_field=CONF_API_KEY,
    default_base_url=DOORFLOW_DEFAULT_BASE_URL,
    sign_in_fields=_sign_in_fields,
    async_sign_in=_async_sign_in,
    reauth_step_id="doorflow_reauth",
    reconfigure_step_id="doorflow_reconfigure",
    options_steps=(
        OptionsStep(
            options_step_id=CLOUD,
            schema=_options_schema,
            async_options=_async_options,
            ranges={
                CONF_POLL_INTERVAL: NumberRange(
                    low=DOORFLOW_MIN_POLL_INTERVAL,
                    high=DOORFLOW_MAX_POLL_INTERVAL,
                    range_error="poll_interval_range",
                )
            },
        ),
    ),
    oauth=DOORFLOW_OAUTH,
)
