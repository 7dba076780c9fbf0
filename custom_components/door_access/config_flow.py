"""Config flow of Door Access: pick a cloud, sign in, reauthenticate, reconfigure, set options.

The steps are the same for every cloud; what differs (the form's fields, how an account is
read, the options) comes from the cloud's `CloudFlow`. The menu's choices are the clouds, and
each choice is a step named after its cloud (`async_step_tedee`, ...), added below the class.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Final, override

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_NAME
from homeassistant.core import callback
from homeassistant.data_entry_flow import section
import probatio

from .cloud import CloudWing, SignInError
from .clouds import CLOUDS, wing_of
from .const import CONF_BASE_URL, DOMAIN, Cloud
from .flow_helpers import (
    URL_SELECTOR,
    InvalidInputError,
    normalize_base_url,
    normalize_token,
    out_of_range,
    range_placeholders,
)
from .models import DoorAccessConfigEntry

# Form section holding the rarely needed base URL override (collapsed by default).
SECTION_ADVANCED: Final = "advanced"
STEP_REAUTH: Final = "reauth_confirm"
STEP_RECONFIGURE: Final = "reconfigure"


def _form_schema(wing: CloudWing[Any], *, with_base_url: bool) -> probatio.Schema:
    """Return a cloud's sign-in form, with the collapsed base URL section when asked."""
    fields = wing.flow.sign_in_fields()
    if with_base_url:
        fields[probatio.Optional(SECTION_ADVANCED)] = section(
            probatio.Schema({probatio.Optional(CONF_BASE_URL): URL_SELECTOR}),
            {"collapsed": True},
        )
    return probatio.Schema(fields)


class DoorAccessConfigFlow(ConfigFlow, domain=DOMAIN):
    """Sign in to a cloud account; one config entry per account."""

    VERSION = 1
    MINOR_VERSION = 1

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: DoorAccessConfigEntry) -> DoorAccessOptionsFlow:
        """Return the options flow of an entry."""
        return DoorAccessOptionsFlow()

    @override
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Let the user choose the cloud."""
        return self.async_show_menu(step_id="user", menu_options=[cloud.value for cloud in Cloud])

    async def async_step_reauth(
        self,
        entry_data: Mapping[str, Any],  # noqa: ARG002
    ) -> ConfigFlowResult:
        """Start reauthentication after the cloud refused the stored credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for new credentials of the same account."""
        entry = self._get_reauth_entry()
        return await self._async_sign_in(
            wing_of(entry.data), STEP_REAUTH, user_input, with_base_url=False
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the credentials or the base URL of an entry, keeping the same account."""
        entry = self._get_reconfigure_entry()
        return await self._async_sign_in(
            wing_of(entry.data), STEP_RECONFIGURE, user_input, with_base_url=True
        )

    async def _async_sign_in(
        self,
        wing: CloudWing[Any],
        step_id: str,
        user_input: dict[str, Any] | None,
        *,
        with_base_url: bool,
    ) -> ConfigFlowResult:
        """Show a cloud's sign-in form, check it with a real call, and finish on success."""
        flow = wing.flow
        entry = self._existing_entry()
        stored_url = entry.data.get(CONF_BASE_URL) if entry is not None else None
        base_url = stored_url or flow.default_base_url
        errors: dict[str, str] = {}
        suggested: dict[str, Any] = {
            **flow.suggested_values(entry.data if entry is not None else {}),
            SECTION_ADVANCED: {CONF_BASE_URL: base_url},
        }
        if user_input is not None:
            # A form that comes back keeps what the user typed, the secret included.
            suggested = {**suggested, **user_input}
            try:
                secret = normalize_token(user_input.get(flow.secret_field))
                if with_base_url:
                    advanced = user_input.get(SECTION_ADVANCED) or {}
                    base_url = normalize_base_url(
                        advanced.get(CONF_BASE_URL), flow.default_base_url
                    )
            except InvalidInputError as err:
                field = flow.secret_field if err.error == "invalid_token" else "base"
                errors[field] = err.error
            else:
                try:
                    account = await flow.async_sign_in(self.hass, secret, user_input, base_url)
                except SignInError as err:
                    errors[err.field] = err.error
                else:
                    return await self._async_finish(account.unique_id, account.title, account.data)
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                _form_schema(wing, with_base_url=with_base_url), suggested
            ),
            errors=errors,
            description_placeholders={
                "cloud": wing.name,
                CONF_NAME: entry.title if entry is not None else wing.name,
                "default_url": flow.default_base_url,
            },
        )

    async def _async_finish(
        self, unique_id: str, title: str, data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Create the entry, or update the entry being reauthenticated or reconfigured."""
        await self.async_set_unique_id(unique_id, raise_on_progress=False)
        entry = self._existing_entry()
        if entry is not None:
            self._abort_if_unique_id_mismatch(
                reason="wrong_account", description_placeholders={CONF_NAME: entry.title}
            )
            return self.async_update_reload_and_abort(entry, data_updates=dict(data))
        existing = self.hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, unique_id)
        self._abort_if_unique_id_configured(
            description_placeholders={CONF_NAME: existing.title if existing else title}
        )
        return self.async_create_entry(title=title, data=dict(data))

    def _existing_entry(self) -> DoorAccessConfigEntry | None:
        """Return the entry being reauthenticated or reconfigured, if any."""
        if self.source == SOURCE_REAUTH:
            return self._get_reauth_entry()
        if self.source == SOURCE_RECONFIGURE:
            return self._get_reconfigure_entry()
        return None


type _Step = Callable[
    [DoorAccessConfigFlow, dict[str, Any] | None], Coroutine[Any, Any, ConfigFlowResult]
]


def _sign_in_step(cloud: Cloud) -> _Step:
    """Return the menu choice's step: the cloud's sign-in form."""

    async def step(
        flow: DoorAccessConfigFlow, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in to the cloud's account."""
        return await flow._async_sign_in(CLOUDS[cloud], str(cloud), user_input, with_base_url=True)

    step.__name__ = step.__qualname__ = f"async_step_{cloud}"
    return step


for _cloud in Cloud:
    setattr(DoorAccessConfigFlow, f"async_step_{_cloud}", _sign_in_step(_cloud))


class DoorAccessOptionsFlow(OptionsFlowWithReload):
    """Tune polling (and the cloud's own options); the entry reloads when they change."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the options of the entry's cloud and store them."""
        flow = wing_of(self.config_entry.data).flow
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = out_of_range(user_input, flow.options_ranges)
            if not errors:
                return self.async_create_entry(data=flow.options_from_input(user_input))
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                flow.options_schema(), user_input or self.config_entry.options
            ),
            errors=errors,
            description_placeholders=range_placeholders(flow.options_ranges),
        )
