"""The Tedee parts of the config and options flows: sign-in form, account check, options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from aiotedee import TedeeLocalAuthException
from homeassistant.const import CONF_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)
import probatio

from ..api import (
    TEDEE_DEFAULT_BASE_URL,
    TedeeApiVersionError,
    TedeeClient,
    TokenType,
)
from ..cloud import Account, CloudFlow, NumberRange, OptionsError, OptionsStep
from ..const import CONF_ACCOUNT_ID, CONF_BASE_URL, CONF_CLOUD, CONF_POLL_INTERVAL
from ..flow_helpers import SECRET_SELECTOR, seconds_selector, sign_in_errors, split_auth_scheme
from .bridge_client import BRIDGE_ERRORS, BridgeAddress, BridgeAddressError, BridgeClient
from .bridge_push import CONF_BRIDGE_ADDRESS as STORED_ADDRESS, new_bridge_config, stored_bridges
from .const import (
    CLOUD,
    CONF_ACTIVITY_INTERVAL,
    CONF_BRIDGE_ADDRESS,
    CONF_BRIDGE_TOKEN,
    CONF_BRIDGES,
    CONF_GATE_INTERVAL,
    CONF_REMOVE_BRIDGES,
    CONF_TOKEN_TYPE,
    CONF_UNLOCK_BEHAVIOR,
    DEFAULT_ACTIVITY_INTERVAL,
    DEFAULT_GATE_INTERVAL,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_UNLOCK_BEHAVIOR,
    MAX_ACTIVITY_INTERVAL,
    MAX_GATE_INTERVAL,
    MAX_POLL_INTERVAL,
    MIN_ACTIVITY_INTERVAL,
    MIN_GATE_INTERVAL,
    MIN_POLL_INTERVAL,
    UnlockBehavior,
)

# Selector option values are translation keys (lower case); entry data keeps TokenType values.
_TOKEN_TYPE_OPTIONS: Final[dict[str, TokenType]] = {
    "personal_key": TokenType.PERSONAL_KEY,
    "bearer": TokenType.BEARER,
}
# The selector option of a stored token type (entry data keeps the enum's value).
_TOKEN_TYPE_OPTION_OF: Final[dict[str, str]] = {
    token_type.value: option for option, token_type in _TOKEN_TYPE_OPTIONS.items()
}
# `PersonalKey <key>` or `Bearer <token>` pasted whole: the word (the header's) says which.
_SCHEME_TOKEN_TYPES: Final = {token_type.lower(): token_type for token_type in TokenType}
# Minutes (its range is checked by the flow, like the seconds boxes).
_MINUTES_SELECTOR: Final = NumberSelector(
    NumberSelectorConfig(step=1, unit_of_measurement="min", mode=NumberSelectorMode.BOX)
)
_TOKEN_TYPE_SELECTOR: Final = SelectSelector(
    SelectSelectorConfig(
        options=list(_TOKEN_TYPE_OPTIONS),
        mode=SelectSelectorMode.LIST,
        translation_key="token_type",
    )
)


def _sign_in_fields() -> dict[probatio.Marker, Any]:
    """Return the Tedee sign-in fields: the token and its kind."""
    return {
        probatio.Required(CONF_TOKEN): SECRET_SELECTOR,
        probatio.Required(
            CONF_TOKEN_TYPE, default=_TOKEN_TYPE_OPTION_OF[TokenType.PERSONAL_KEY]
        ): _TOKEN_TYPE_SELECTOR,
    }


def _suggested_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the token kind stored in the entry (what was typed comes back with the form)."""
    stored = _TOKEN_TYPE_OPTION_OF.get(str(values.get(CONF_TOKEN_TYPE)))
    return {CONF_TOKEN_TYPE: stored or _TOKEN_TYPE_OPTION_OF[TokenType.PERSONAL_KEY]}


async def _async_sign_in(
    hass: HomeAssistant, token: str, user_input: Mapping[str, Any], base_url: str
) -> Account:
    """Read the Tedee account the token belongs to (a pasted scheme picks the token kind)."""
    scheme, _ = split_auth_scheme(user_input.get(CONF_TOKEN))
    token_type = _SCHEME_TOKEN_TYPES.get(scheme or "") or _TOKEN_TYPE_OPTIONS.get(
        str(user_input.get(CONF_TOKEN_TYPE)), TokenType.PERSONAL_KEY
    )
    client = TedeeClient(
        async_get_clientsession(hass), token, token_type=token_type, base_url=base_url
    )
    with sign_in_errors(CONF_TOKEN, TedeeApiVersionError):
        user = await client.get_user()
    return Account(
        unique_id=f"{CLOUD}_{user.id}",
        title=f"Tedee — {user.name or user.email or user.id}'s account",
        data={
            CONF_CLOUD: CLOUD,
            CONF_TOKEN: token,
            CONF_TOKEN_TYPE: token_type.value,
            CONF_BASE_URL: base_url,
            CONF_ACCOUNT_ID: user.id,
        },
    )


def _options_schema(stored: Mapping[str, Any]) -> probatio.Schema:  # noqa: ARG001
    """Return the options form of a Tedee entry."""
    return probatio.Schema(
        {
            probatio.Required(
                CONF_POLL_INTERVAL, default=DEFAULT_POLL_INTERVAL
            ): seconds_selector(),
            probatio.Required(
                CONF_GATE_INTERVAL, default=DEFAULT_GATE_INTERVAL
            ): seconds_selector(),
            probatio.Required(
                CONF_UNLOCK_BEHAVIOR, default=DEFAULT_UNLOCK_BEHAVIOR.value
            ): SelectSelector(
                SelectSelectorConfig(
                    options=[behavior.value for behavior in UnlockBehavior],
                    mode=SelectSelectorMode.LIST,
                    translation_key=CONF_UNLOCK_BEHAVIOR,
                )
            ),
            probatio.Required(
                CONF_ACTIVITY_INTERVAL, default=DEFAULT_ACTIVITY_INTERVAL
            ): _MINUTES_SELECTOR,
        }
    )


async def _async_options(
    hass: HomeAssistant,  # noqa: ARG001
    user_input: Mapping[str, Any],
    stored: Mapping[str, Any],  # noqa: ARG001
) -> dict[str, Any]:
    """Return the unlock behaviour to store (the flow stores the ranged intervals)."""
    return {CONF_UNLOCK_BEHAVIOR: UnlockBehavior(user_input[CONF_UNLOCK_BEHAVIOR])}


def _bridges_schema(stored: Mapping[str, Any]) -> probatio.Schema:
    """Return the bridges form: a bridge to add (address, token); ones to remove, if any."""
    fields: dict[probatio.Marker, Any] = {
        probatio.Optional(CONF_BRIDGE_ADDRESS): TextSelector(),
        probatio.Optional(CONF_BRIDGE_TOKEN): SECRET_SELECTOR,
    }
    if addresses := [str(item.get(STORED_ADDRESS)) for item in stored_bridges(stored)]:
        fields[probatio.Optional(CONF_REMOVE_BRIDGES)] = SelectSelector(
            SelectSelectorConfig(options=addresses, multiple=True, mode=SelectSelectorMode.LIST)
        )
    return probatio.Schema(fields)


async def _async_bridges(
    hass: HomeAssistant, user_input: Mapping[str, Any], stored: Mapping[str, Any]
) -> dict[str, Any]:
    """Add a local bridge (address and token, checked by contacting it) or remove some."""
    removed = set(user_input.get(CONF_REMOVE_BRIDGES) or ())
    bridges = [
        dict(item) for item in stored_bridges(stored) if item.get(STORED_ADDRESS) not in removed
    ]
    if address := str(user_input.get(CONF_BRIDGE_ADDRESS) or "").strip():
        token = str(user_input.get(CONF_BRIDGE_TOKEN) or "")
        bridges.append(await _async_add_bridge(hass, address, token, bridges))
    return {CONF_BRIDGES: bridges}


async def _async_first_bridge(
    hass: HomeAssistant, user_input: Mapping[str, Any], stored: Mapping[str, Any]
) -> dict[str, Any]:
    """Add a bridge to a new account's entry (nothing stored when the address is empty)."""
    found = await _async_bridges(hass, user_input, stored)
    return found if found[CONF_BRIDGES] else {}


async def _async_add_bridge(
    hass: HomeAssistant, address_text: str, token: str, known: list[dict[str, str]]
) -> dict[str, str]:
    """Contact a bridge at an address with its local token; return its settings to store."""
    try:
        address = BridgeAddress.parse(address_text)
    except BridgeAddressError as err:
        raise OptionsError("invalid_bridge_address", CONF_BRIDGE_ADDRESS) from err
    if any(item.get(STORED_ADDRESS) == str(address) for item in known):
        raise OptionsError("bridge_already_added", CONF_BRIDGE_ADDRESS)
    token = token.strip()
    if not token:
        raise OptionsError("invalid_bridge_token", CONF_BRIDGE_TOKEN)
    client = BridgeClient(address, token, async_get_clientsession(hass))
    try:
        await client.get_local_bridge()
    except TedeeLocalAuthException as err:
        raise OptionsError("invalid_bridge_token", CONF_BRIDGE_TOKEN) from err
    except BRIDGE_ERRORS as err:
        raise OptionsError("cannot_connect_bridge", CONF_BRIDGE_ADDRESS) from err
    return new_bridge_config(address, token)


TEDEE_FLOW = CloudFlow(
    secret_field=CONF_TOKEN,
    default_base_url=TEDEE_DEFAULT_BASE_URL,
    sign_in_fields=_sign_in_fields,
    suggested_values=_suggested_values,
    async_sign_in=_async_sign_in,
    reauth_step_id="tedee_reauth",
    reconfigure_step_id="tedee_reconfigure",
    options_steps=(
        OptionsStep(
            options_step_id=CLOUD,
            schema=_options_schema,
            async_options=_async_options,
            ranges={
                CONF_POLL_INTERVAL: NumberRange(
                    low=MIN_POLL_INTERVAL, high=MAX_POLL_INTERVAL, range_error="poll_interval_range"
                ),
                CONF_GATE_INTERVAL: NumberRange(
                    low=MIN_GATE_INTERVAL, high=MAX_GATE_INTERVAL, range_error="gate_interval_range"
                ),
                CONF_ACTIVITY_INTERVAL: NumberRange(
                    low=MIN_ACTIVITY_INTERVAL,
                    high=MAX_ACTIVITY_INTERVAL,
                    range_error="activity_interval_range",
                ),
            },
        ),
        # Then the local bridges that push state (optional; nothing typed keeps them).
        OptionsStep(
            options_step_id="bridges", schema=_bridges_schema, async_options=_async_bridges
        ),
    ),
    # A new account may add its first bridge at once (the same form and checks; optional).
    after_sign_in=(
        OptionsStep(
            options_step_id="bridges", schema=_bridges_schema, async_options=_async_first_bridge
        ),
    ),
)
