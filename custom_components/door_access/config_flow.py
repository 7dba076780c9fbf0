"""Config flow of Door Access: pick a cloud, sign in, reauthenticate, reconfigure, set options."""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import ip_address
from typing import Any, Final, override

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_API_KEY, CONF_TOKEN
from homeassistant.core import callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio
from yarl import URL

from .api.doorflow import (
    DoorFlowAuthError,
    DoorFlowClient,
    DoorFlowConnectionError,
    DoorFlowRateLimitError,
)
from .api.tedee import (
    DEFAULT_BASE_URL as TEDEE_DEFAULT_BASE_URL,
    TedeeApiVersionError,
    TedeeAuthError,
    TedeeClient,
    TedeeConnectionError,
    TedeeRateLimitError,
    TokenType,
)
from .const import (
    CONF_ACCOUNT_ID,
    CONF_BASE_URL,
    CONF_CLOUD,
    CONF_GATE_INTERVAL,
    CONF_POLL_INTERVAL,
    CONF_TOKEN_TYPE,
    CONF_UNLOCK_BEHAVIOR,
    DEFAULT_GATE_INTERVAL,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_UNLOCK_BEHAVIOR,
    DOMAIN,
    DOORFLOW_DEFAULT_BASE_URL,
    DOORFLOW_DEFAULT_POLL_INTERVAL,
    DOORFLOW_MIN_POLL_INTERVAL,
    LOGGER,
    MAX_GATE_INTERVAL,
    MAX_POLL_INTERVAL,
    MIN_GATE_INTERVAL,
    MIN_POLL_INTERVAL,
    Cloud,
    UnlockBehavior,
)

# Form section holding the rarely needed base URL override (collapsed by default).
SECTION_ADVANCED: Final = "advanced"

MAX_TOKEN_LENGTH: Final = 4096
_LOOPBACK_NAMES: Final = frozenset({"localhost"})

# Selector option values are translation keys (lower case); entry data keeps TokenType values.
_TOKEN_TYPE_OPTIONS: Final[dict[str, TokenType]] = {
    "personal_key": TokenType.PERSONAL_KEY,
    "bearer": TokenType.BEARER,
}
_TOKEN_TYPE_OPTION_OF: Final[dict[TokenType, str]] = {
    token_type: option for option, token_type in _TOKEN_TYPE_OPTIONS.items()
}

_SECRET_SELECTOR: Final = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="off")
)
_URL_SELECTOR: Final = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_TOKEN_TYPE_SELECTOR: Final = SelectSelector(
    SelectSelectorConfig(
        options=list(_TOKEN_TYPE_OPTIONS),
        mode=SelectSelectorMode.LIST,
        translation_key="token_type",
    )
)


class InvalidInputError(Exception):
    """A field the user typed is malformed; `error` is the translation key to show."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def _normalize_token(value: object) -> str:
    """Return the stripped token, or raise InvalidInputError when it cannot be a token."""
    token = str(value or "").strip()
    if (
        not token
        or len(token) > MAX_TOKEN_LENGTH
        or not (token.isascii() and token.isprintable())
        or " " in token
    ):
        raise InvalidInputError("invalid_token")
    return token


def _is_loopback(host: str) -> bool:
    """Return whether a host name or address is this machine."""
    if host.lower().rstrip(".") in _LOOPBACK_NAMES:
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _normalize_base_url(value: object, default: str) -> str:
    """Return the base URL without trailing slash; only HTTPS, or HTTP to this machine."""
    text = str(value or "").strip() or default
    try:
        url = URL(text)
    except ValueError as err:
        raise InvalidInputError("invalid_base_url") from err
    if (
        not url.absolute
        or not url.host
        or url.scheme not in ("http", "https")
        or (url.scheme == "http" and not _is_loopback(url.host))
        or url.user is not None
        or url.password is not None
        or url.query_string
        or url.fragment
    ):
        raise InvalidInputError("invalid_base_url")
    return str(url).rstrip("/")


def _advanced_base_url(user_input: Mapping[str, Any], default: str) -> str:
    """Read the base URL from the collapsed advanced section."""
    advanced = user_input.get(SECTION_ADVANCED) or {}
    return _normalize_base_url(advanced.get(CONF_BASE_URL), default)


def _tedee_schema(*, with_base_url: bool) -> probatio.Schema:
    """Return the Tedee sign-in form: token, token type and, optionally, the base URL."""
    fields: dict[probatio.Marker, Any] = {
        probatio.Required(CONF_TOKEN): _SECRET_SELECTOR,
        probatio.Required(
            CONF_TOKEN_TYPE, default=_TOKEN_TYPE_OPTION_OF[TokenType.PERSONAL_KEY]
        ): _TOKEN_TYPE_SELECTOR,
    }
    if with_base_url:
        fields[probatio.Optional(SECTION_ADVANCED)] = _base_url_section()
    return probatio.Schema(fields)


def _doorflow_schema(*, with_base_url: bool) -> probatio.Schema:
    """Return the DoorFlow sign-in form: personal API key and, optionally, the base URL."""
    fields: dict[probatio.Marker, Any] = {probatio.Required(CONF_API_KEY): _SECRET_SELECTOR}
    if with_base_url:
        fields[probatio.Optional(SECTION_ADVANCED)] = _base_url_section()
    return probatio.Schema(fields)


def _base_url_section() -> section:
    """Return the collapsed section with the base URL override."""
    return section(
        probatio.Schema({probatio.Optional(CONF_BASE_URL): _URL_SELECTOR}),
        {"collapsed": True},
    )


def _suggested(token_type: str, base_url: str) -> dict[str, Any]:
    """Return the non-secret values to show again in a form."""
    return {CONF_TOKEN_TYPE: token_type, SECTION_ADVANCED: {CONF_BASE_URL: base_url}}


class DoorAccessConfigFlow(ConfigFlow, domain=DOMAIN):
    """Sign in to a Tedee or DoorFlow account; one config entry per account."""

    VERSION = 1
    MINOR_VERSION = 1

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> DoorAccessOptionsFlow:
        """Return the options flow of an entry."""
        return DoorAccessOptionsFlow()

    @override
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Let the user choose the cloud."""
        return self.async_show_menu(step_id="user", menu_options=[Cloud.TEDEE, Cloud.DOORFLOW])

    # Tedee

    async def async_step_tedee(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Sign in to Tedee with a personal access key or an OAuth access token."""
        return await self._async_tedee_form("tedee", user_input, with_base_url=True)

    async def _async_tedee_form(
        self, step_id: str, user_input: dict[str, Any] | None, *, with_base_url: bool
    ) -> ConfigFlowResult:
        """Show a Tedee form, validate it with a real call and finish the flow on success."""
        entry = self._existing_entry()
        base_url = entry.data.get(CONF_BASE_URL, TEDEE_DEFAULT_BASE_URL) if entry else None
        suggested = _suggested(
            _TOKEN_TYPE_OPTION_OF[
                TokenType(entry.data.get(CONF_TOKEN_TYPE, TokenType.PERSONAL_KEY))
                if entry
                else TokenType.PERSONAL_KEY
            ],
            base_url or TEDEE_DEFAULT_BASE_URL,
        )
        errors: dict[str, str] = {}
        if user_input is not None:
            suggested = _suggested(
                user_input[CONF_TOKEN_TYPE],
                (user_input.get(SECTION_ADVANCED) or {}).get(CONF_BASE_URL)
                or suggested[SECTION_ADVANCED][CONF_BASE_URL],
            )
            try:
                token = _normalize_token(user_input[CONF_TOKEN])
                if with_base_url:
                    base_url = _advanced_base_url(user_input, TEDEE_DEFAULT_BASE_URL)
            except InvalidInputError as err:
                errors[CONF_TOKEN if err.error == "invalid_token" else "base"] = err.error
            else:
                token_type = _TOKEN_TYPE_OPTIONS[user_input[CONF_TOKEN_TYPE]]
                result = await self._async_finish_tedee(
                    token, token_type, base_url or TEDEE_DEFAULT_BASE_URL, errors
                )
                if result is not None:
                    return result
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                _tedee_schema(with_base_url=with_base_url), suggested
            ),
            errors=errors,
        )

    async def _async_finish_tedee(
        self, token: str, token_type: TokenType, base_url: str, errors: dict[str, str]
    ) -> ConfigFlowResult | None:
        """Read the Tedee account; create or update the entry, or fill `errors`."""
        client = TedeeClient(
            async_get_clientsession(self.hass), token, token_type=token_type, base_url=base_url
        )
        try:
            user = await client.get_user()
        except TedeeAuthError:
            errors[CONF_TOKEN] = "invalid_auth"
            return None
        except TedeeConnectionError, TedeeRateLimitError, TedeeApiVersionError:
            errors["base"] = "cannot_connect"
            return None
        except Exception:
            LOGGER.exception("Unexpected error while signing in to Tedee")
            errors["base"] = "unknown"
            return None
        data = {
            CONF_CLOUD: Cloud.TEDEE.value,
            CONF_TOKEN: token,
            CONF_TOKEN_TYPE: token_type.value,
            CONF_BASE_URL: base_url,
            CONF_ACCOUNT_ID: user.id,
        }
        return await self._async_finish(
            f"{Cloud.TEDEE}_{user.id}", user.name or user.email or "Tedee", data
        )

    # DoorFlow

    async def async_step_doorflow(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in to DoorFlow with a personal API key."""
        return await self._async_doorflow_form("doorflow", user_input, with_base_url=True)

    async def _async_doorflow_form(
        self, step_id: str, user_input: dict[str, Any] | None, *, with_base_url: bool
    ) -> ConfigFlowResult:
        """Show a DoorFlow form, validate it with a real call and finish the flow on success."""
        entry = self._existing_entry()
        base_url = entry.data.get(CONF_BASE_URL, DOORFLOW_DEFAULT_BASE_URL) if entry else None
        suggested: dict[str, Any] = {
            SECTION_ADVANCED: {CONF_BASE_URL: base_url or DOORFLOW_DEFAULT_BASE_URL}
        }
        errors: dict[str, str] = {}
        if user_input is not None:
            entered_url = (user_input.get(SECTION_ADVANCED) or {}).get(CONF_BASE_URL)
            if entered_url:
                suggested = {SECTION_ADVANCED: {CONF_BASE_URL: entered_url}}
            try:
                api_key = _normalize_token(user_input[CONF_API_KEY])
                if with_base_url:
                    base_url = _advanced_base_url(user_input, DOORFLOW_DEFAULT_BASE_URL)
            except InvalidInputError as err:
                errors[CONF_API_KEY if err.error == "invalid_token" else "base"] = err.error
            else:
                result = await self._async_finish_doorflow(
                    api_key, base_url or DOORFLOW_DEFAULT_BASE_URL, errors
                )
                if result is not None:
                    return result
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                _doorflow_schema(with_base_url=with_base_url), suggested
            ),
            errors=errors,
        )

    async def _async_finish_doorflow(
        self, api_key: str, base_url: str, errors: dict[str, str]
    ) -> ConfigFlowResult | None:
        """Read the DoorFlow account; create or update the entry, or fill `errors`."""
        client = DoorFlowClient(
            async_get_clientsession(self.hass), api_key=api_key, base_url=base_url
        )
        try:
            account = await client.get_account()
        except DoorFlowAuthError:
            errors[CONF_API_KEY] = "invalid_auth"
            return None
        except DoorFlowConnectionError, DoorFlowRateLimitError:
            errors["base"] = "cannot_connect"
            return None
        except Exception:
            LOGGER.exception("Unexpected error while signing in to DoorFlow")
            errors["base"] = "unknown"
            return None
        data = {
            CONF_CLOUD: Cloud.DOORFLOW.value,
            CONF_API_KEY: api_key,
            CONF_BASE_URL: base_url,
            CONF_ACCOUNT_ID: account.id,
        }
        return await self._async_finish(
            f"{Cloud.DOORFLOW}_{account.id}", account.name or "DoorFlow", data
        )

    # Shared by both clouds

    async def _async_finish(
        self, unique_id: str, title: str, data: dict[str, Any]
    ) -> ConfigFlowResult:
        """Create the entry, or update the entry being reauthenticated or reconfigured."""
        await self.async_set_unique_id(unique_id, raise_on_progress=False)
        if self.source in (SOURCE_REAUTH, SOURCE_RECONFIGURE):
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            entry = self._existing_entry()
            assert entry is not None
            return self.async_update_reload_and_abort(entry, data_updates=data)
        self._abort_if_unique_id_configured()
        return self.async_create_entry(title=title, data=data)

    def _existing_entry(self) -> ConfigEntry | None:
        """Return the entry being reauthenticated or reconfigured, if any."""
        if self.source == SOURCE_REAUTH:
            return self._get_reauth_entry()
        if self.source == SOURCE_RECONFIGURE:
            return self._get_reconfigure_entry()
        return None

    # Reauthentication and reconfiguration

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Start reauthentication after the cloud refused the stored credentials."""
        if entry_data.get(CONF_CLOUD) == Cloud.DOORFLOW:
            return await self.async_step_reauth_confirm_doorflow()
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new Tedee token of the same account."""
        return await self._async_tedee_form("reauth_confirm", user_input, with_base_url=False)

    async def async_step_reauth_confirm_doorflow(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new DoorFlow personal API key of the same account."""
        return await self._async_doorflow_form(
            "reauth_confirm_doorflow", user_input, with_base_url=False
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the credentials or the base URL of an entry, keeping the same account."""
        if self._get_reconfigure_entry().data.get(CONF_CLOUD) == Cloud.DOORFLOW:
            return await self._async_doorflow_form(
                "reconfigure_doorflow", user_input, with_base_url=True
            )
        return await self._async_tedee_form("reconfigure", user_input, with_base_url=True)

    async def async_step_reconfigure_doorflow(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the DoorFlow API key or base URL, keeping the same account."""
        return await self._async_doorflow_form(
            "reconfigure_doorflow", user_input, with_base_url=True
        )


class DoorAccessOptionsFlow(OptionsFlowWithReload):
    """Tune polling and unlocking; the entry reloads when the options change."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the options of the entry's cloud and store them."""
        is_tedee = self.config_entry.data.get(CONF_CLOUD) != Cloud.DOORFLOW
        if user_input is not None:
            options: dict[str, Any] = {
                CONF_POLL_INTERVAL: int(user_input[CONF_POLL_INTERVAL]),
            }
            if is_tedee:
                options[CONF_GATE_INTERVAL] = int(user_input[CONF_GATE_INTERVAL])
                options[CONF_UNLOCK_BEHAVIOR] = UnlockBehavior(user_input[CONF_UNLOCK_BEHAVIOR])
            return self.async_create_entry(data=options)
        schema = _tedee_options_schema() if is_tedee else _doorflow_options_schema()
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(schema, self.config_entry.options),
        )


def _seconds_selector(minimum: int, maximum: int) -> NumberSelector:
    """Return a number box for a duration in seconds."""
    return NumberSelector(
        NumberSelectorConfig(
            min=minimum,
            max=maximum,
            step=1,
            unit_of_measurement="s",
            mode=NumberSelectorMode.BOX,
        )
    )


def _tedee_options_schema() -> probatio.Schema:
    """Return the options form of a Tedee entry."""
    return probatio.Schema(
        {
            probatio.Required(CONF_POLL_INTERVAL, default=DEFAULT_POLL_INTERVAL): _seconds_selector(
                MIN_POLL_INTERVAL, MAX_POLL_INTERVAL
            ),
            probatio.Required(CONF_GATE_INTERVAL, default=DEFAULT_GATE_INTERVAL): _seconds_selector(
                MIN_GATE_INTERVAL, MAX_GATE_INTERVAL
            ),
            probatio.Required(
                CONF_UNLOCK_BEHAVIOR, default=DEFAULT_UNLOCK_BEHAVIOR.value
            ): SelectSelector(
                SelectSelectorConfig(
                    options=[behavior.value for behavior in UnlockBehavior],
                    mode=SelectSelectorMode.LIST,
                    translation_key=CONF_UNLOCK_BEHAVIOR,
                )
            ),
        }
    )


def _doorflow_options_schema() -> probatio.Schema:
    """Return the options form of a DoorFlow entry."""
    return probatio.Schema(
        {
            probatio.Required(
                CONF_POLL_INTERVAL,
                default=DOORFLOW_DEFAULT_POLL_INTERVAL,
            ): _seconds_selector(DOORFLOW_MIN_POLL_INTERVAL, MAX_POLL_INTERVAL),
        }
    )
