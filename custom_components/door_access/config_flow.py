"""Config flow of Door Access: pick a cloud, sign in, reauthenticate, reconfigure, set options.

The steps are the same for every cloud; what differs (the form's fields, how an account is
read, the forms after signing in, the options forms) comes from the cloud's `CloudFlow`. The
menu's choices are the clouds registered in `clouds.py`; each choice, and each form a cloud
declares (its reauthentication and reconfiguration forms, with texts of its own, among them),
is a step of its own id (`async_step_<cloud>`, `async_step_<form id>`) found at run time
(`__getattr__`), so a cloud added to the registry needs no edit here.
A cloud that also signs in through OAuth 2.0 (Home Assistant's application credentials) first
offers that, then its personal key; the OAuth steps (`pick_implementation`, `auth`,
`creation`) come from Home Assistant's `AbstractOAuth2FlowHandler`, with the authorize and
token URLs following the base URL of the advanced section.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import partial
import logging
from typing import TYPE_CHECKING, Any, Final, override

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import FlowHandler, section
from homeassistant.helpers.config_entry_oauth2_flow import AbstractOAuth2FlowHandler
import probatio

from .cloud import Account, CloudOAuth, CloudWing, OptionsError, OptionsStep, SignInError
from .clouds import CLOUDS, wing_of
from .const import CONF_AUTH_IMPLEMENTATION, CONF_BASE_URL, DOMAIN, LOGGER
from .flow_helpers import (
    URL_SELECTOR,
    InvalidInputError,
    normalize_base_url,
    normalize_token,
    out_of_range,
    range_placeholders,
)
from .models import DoorAccessConfigEntry
from .oauth_credential import implementation_for

# Form section holding the rarely needed base URL override (collapsed by default).
SECTION_ADVANCED: Final = "advanced"
# A cloud with more than one way to sign in: the menu, and its choices (each a step).
STEP_SIGN_IN_METHOD: Final = "sign_in_method"
STEP_OAUTH: Final = "oauth"
STEP_PERSONAL_KEY: Final = "personal_key"
STEP_REAUTH_OAUTH: Final = "reauth_oauth"


def _advanced_section() -> section:
    """Return the collapsed section holding the base URL override."""
    return section(
        probatio.Schema({probatio.Optional(CONF_BASE_URL): URL_SELECTOR}),
        {"collapsed": True},
    )


async def async_take_form(
    hass: HomeAssistant,
    step: OptionsStep,
    user_input: Mapping[str, Any],
    stored: Mapping[str, Any],
    collected: dict[str, Any],
) -> dict[str, str]:
    """Check a cloud form's answer and add its options to `collected`; return its errors.

    Ranged fields are checked first (a translated error naming the range) and kept as whole
    numbers; then the cloud turns the other fields into options, or refuses the answer with an
    `OptionsError`. No errors: taken.
    """
    if errors := out_of_range(user_input, step.ranges):
        return errors
    options = {field: int(user_input[field]) for field in step.ranges}
    if step.async_options is not None:
        try:
            options |= await step.async_options(hass, user_input, stored)
        except OptionsError as err:
            return {err.field: err.error}
    collected.update(options)
    return {}


def form_schema(
    handler: FlowHandler[Any, ConfigFlowResult, Any],
    step: OptionsStep,
    stored: Mapping[str, Any],
    user_input: Mapping[str, Any] | None,
) -> probatio.Schema:
    """Return a cloud form's fields, showing what was typed, else the stored options."""
    return handler.add_suggested_values_to_schema(step.schema(stored), user_input or stored)


class DoorAccessConfigFlow(AbstractOAuth2FlowHandler, domain=DOMAIN):
    """Sign in to a cloud account; one config entry per account."""

    DOMAIN = DOMAIN
    VERSION = 1
    MINOR_VERSION = 1

    # The account signed in to and the options its forms gave, while those forms are shown.
    _account: Account
    _options: dict[str, Any]
    # Set before any step that needs them (Home Assistant accepts only the menu's choices):
    # the cloud chosen (or of the entry being changed), its own step (the sign-in form), and
    # the base URL of an OAuth sign-in.
    _wing: CloudWing[Any]
    _cloud_oauth: CloudOAuth
    _cloud_step: str
    _base_url: str

    @property
    @override
    def logger(self) -> logging.Logger:
        """Return the logger of the OAuth steps."""
        return LOGGER

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: DoorAccessConfigEntry) -> DoorAccessOptionsFlow:
        """Return the options flow of an entry."""
        return DoorAccessOptionsFlow()

    @override
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Let the user choose the cloud."""
        return self.async_show_menu(step_id="user", menu_options=list(CLOUDS))

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Ask for new credentials of the same account: the cloud's own form, or OAuth again."""
        self._wing = wing_of(entry_data)
        flow = self._wing.flow
        if CONF_AUTH_IMPLEMENTATION in entry_data and (oauth := flow.oauth) is not None:
            self._cloud_oauth = oauth
            return await self.async_step_reauth_oauth()
        return await self._async_sign_in(flow.reauth_step_id, None)

    async def async_step_reauth_oauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Say why, then sign in through the cloud's page again (the same account)."""
        if user_input is None:
            return self.async_show_form(
                step_id=STEP_REAUTH_OAUTH,
                description_placeholders={
                    "cloud": self._wing.name,
                    CONF_NAME: self._get_reauth_entry().title,
                },
            )
        return await self._async_to_cloud_page(self._stored_base_url())

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the credentials or the base URL of an entry, keeping the same account."""
        wing = wing_of(self._get_reconfigure_entry().data)
        flow = wing.flow  # a name of its own: the translation check reads `flow.<step id>`
        return await self._async_cloud_step(wing, flow.reconfigure_step_id, user_input)

    # ---- a cloud with more than one way to sign in -----------------------------------------

    async def _async_cloud_step(
        self, wing: CloudWing[Any], step_id: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Offer the cloud's ways to sign in when it has more than one, else its form."""
        self._wing = wing
        self._cloud_step = step_id
        if (oauth := wing.flow.oauth) is not None and user_input is None:
            self._cloud_oauth = oauth
            return await self.async_step_sign_in_method()
        return await self._async_sign_in(step_id, user_input)

    async def async_step_sign_in_method(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the chosen cloud's ways to sign in: OAuth first, the personal key second."""
        del user_input  # A menu: each choice is a step of its own.
        return self.async_show_menu(
            step_id=STEP_SIGN_IN_METHOD,
            menu_options=[STEP_OAUTH, STEP_PERSONAL_KEY],
            description_placeholders={"cloud": self._wing.name},
        )

    async def async_step_personal_key(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in with the cloud's personal key instead of OAuth."""
        del user_input  # A menu choice: the form comes next.
        return await self._async_sign_in(self._cloud_step, None)

    async def async_step_oauth(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Sign in on the cloud's own page: first the (rarely needed) base URL."""
        default = self._wing.flow.default_base_url
        base_url = self._stored_base_url()
        errors: dict[str, str] = {}
        if user_input is not None:
            advanced = user_input.get(SECTION_ADVANCED) or {}
            try:
                base_url = normalize_base_url(advanced.get(CONF_BASE_URL), default)
            except InvalidInputError as err:
                errors["base"] = err.error
            else:
                return await self._async_to_cloud_page(base_url)
        return self.async_show_form(
            step_id=STEP_OAUTH,
            data_schema=self.add_suggested_values_to_schema(
                probatio.Schema({probatio.Optional(SECTION_ADVANCED): _advanced_section()}),
                {SECTION_ADVANCED: {CONF_BASE_URL: base_url}},
            ),
            errors=errors,
            description_placeholders={"cloud": self._wing.name, "default_url": default},
        )

    async def _async_to_cloud_page(self, base_url: str) -> ConfigFlowResult:
        """Go to the cloud's sign-in page at a base URL (with the credential an entry uses)."""
        self._base_url = base_url
        entry = self._existing_entry()
        if entry is None or CONF_AUTH_IMPLEMENTATION not in entry.data:
            return await self.async_step_pick_implementation()  # the user picks one
        implementation = entry.data[CONF_AUTH_IMPLEMENTATION]
        return await self.async_step_pick_implementation({"implementation": implementation})

    @override
    async def async_generate_authorize_url(self) -> str:
        """Send the user to the authorize page of the chosen base URL."""
        application = self._cloud_oauth.application
        self.flow_impl = implementation_for(self.flow_impl, application, self._base_url)
        return await super().async_generate_authorize_url()

    @override
    async def async_oauth_create_entry(self, data: dict[str, Any]) -> ConfigFlowResult:
        """Read the account the token reached; create or update its entry."""
        try:
            account = await self._cloud_oauth.async_sign_in(self.hass, data, self._base_url)
        except SignInError as err:
            return self.async_abort(reason=err.error)
        return await self._async_finish(account)

    async def _async_sign_in(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Show the cloud's sign-in form, check it with a real call, and finish on success.

        Reauthentication asks for the secret only; the other forms let the base URL change.
        """
        wing = self._wing
        flow = wing.flow
        entry = self._existing_entry()
        with_base_url = self.source != SOURCE_REAUTH
        base_url = self._stored_base_url()
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
                    return await self._async_finish(account)
        # The cloud's sign-in form, with the collapsed base URL section where it may change.
        fields = flow.sign_in_fields()
        if with_base_url:
            fields[probatio.Optional(SECTION_ADVANCED)] = _advanced_section()
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(probatio.Schema(fields), suggested),
            errors=errors,
            description_placeholders={
                "cloud": wing.name,
                CONF_NAME: entry.title if entry is not None else wing.name,
                "default_url": flow.default_base_url,
            },
        )

    async def _async_finish(self, account: Account) -> ConfigFlowResult:
        """Create the entry (after its cloud's forms for a new account), or update one."""
        await self.async_set_unique_id(account.unique_id, raise_on_progress=False)
        entry = self._existing_entry()
        if entry is not None:
            self._abort_if_unique_id_mismatch(
                reason="wrong_account", description_placeholders={CONF_NAME: entry.title}
            )
            # The whole data: a change between OAuth and a key leaves no stale secret behind.
            return self.async_update_reload_and_abort(entry, data=dict(account.data))
        existing = self.hass.config_entries.async_entry_for_domain_unique_id(
            DOMAIN, account.unique_id
        )
        self._abort_if_unique_id_configured(
            description_placeholders={CONF_NAME: existing.title if existing else account.title}
        )
        self._account = account
        self._options = {}
        return await self._async_after_sign_in(None, None)

    async def _async_after_sign_in(
        self, step: OptionsStep | None, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Show the cloud's forms for a new account (if any); their answers become its options.

        Another flow of the same account that was at such a form meanwhile is ended by Home
        Assistant when this entry is created (same unique id).
        """
        steps = self._wing.flow.after_sign_in
        following = steps
        if step is not None:
            errors: dict[str, str] = {}
            if user_input is not None:
                errors = await async_take_form(self.hass, step, user_input, {}, self._options)
            if user_input is None or errors:
                return self.async_show_form(
                    step_id=step.options_step_id,
                    data_schema=form_schema(self, step, {}, user_input),
                    errors=errors,
                    description_placeholders={
                        CONF_NAME: self._account.title,
                        **range_placeholders(step.ranges),
                    },
                )
            following = steps[steps.index(step) + 1 :]
        if following:
            return await self._async_after_sign_in(following[0], None)
        account = self._account
        return self.async_create_entry(
            title=account.title, data=dict(account.data), options=self._options
        )

    def _stored_base_url(self) -> str:
        """Return the base URL of the entry being changed, else the chosen cloud's default."""
        entry = self._existing_entry()
        stored = entry.data.get(CONF_BASE_URL) if entry is not None else None
        return stored or self._wing.flow.default_base_url

    def _existing_entry(self) -> DoorAccessConfigEntry | None:
        """Return the entry being reauthenticated or reconfigured, if any."""
        if self.source == SOURCE_REAUTH:
            return self._get_reauth_entry()
        if self.source == SOURCE_RECONFIGURE:
            return self._get_reconfigure_entry()
        return None

    if not TYPE_CHECKING:  # hidden from the type checker: it would type every attribute

        def __getattr__(self, name: str) -> _Step:
            """Return a step made at run time: a cloud's sign-in, the chosen cloud's forms."""
            return _step_of(name, self._made_steps)

    def _made_steps(self) -> dict[str, _Step]:
        """Return the steps made at run time: each cloud's sign-in, the chosen cloud's forms.

        The sign-ins are the menu's choices; the forms are those shown to a new account and the
        cloud's reauthentication and reconfiguration forms.
        """
        steps: dict[str, _Step] = {
            cloud: partial(self._async_cloud_step, CLOUDS[cloud], cloud) for cloud in CLOUDS
        }
        wing: CloudWing[Any] | None = self.__dict__.get("_wing")
        if wing is not None:
            flow = wing.flow
            steps |= {
                step.options_step_id: partial(self._async_after_sign_in, step)
                for step in flow.after_sign_in
            }
            steps[flow.reauth_step_id] = partial(self._async_sign_in, flow.reauth_step_id)
            steps[flow.reconfigure_step_id] = partial(
                self._async_cloud_step, wing, flow.reconfigure_step_id
            )
        return steps


type _Step = Callable[[dict[str, Any] | None], Awaitable[ConfigFlowResult]]


def _step_of(name: str, steps: Callable[[], Mapping[str, _Step]]) -> _Step:
    """Return the step `async_step_<id>` names among steps made at run time, or raise."""
    step_id = name.removeprefix("async_step_")
    if step_id == name or step_id not in (found := steps()):
        raise AttributeError(name)
    return found[step_id]


class DoorAccessOptionsFlow(OptionsFlowWithReload):
    """The options of the entry's cloud, its forms one after the other; then the entry reloads.

    Each form is one of the cloud's `OptionsStep`s, shown as the step of its own id (its
    texts are `options.step.<id>`): `init` only opens the first.
    """

    _options: dict[str, Any]

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the cloud's first options form."""
        del user_input  # `init` shows no form of its own.
        self._options = {}
        return await self._async_options_step(self._steps()[0], None)

    def _steps(self) -> tuple[OptionsStep, ...]:
        """Return the options forms of the entry's cloud."""
        return wing_of(self.config_entry.data).flow.options_steps

    async def _async_options_step(
        self, step: OptionsStep, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Show one of the cloud's options forms, check it, and go on to the next or store."""
        stored = self.config_entry.options
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = await async_take_form(self.hass, step, user_input, stored, self._options)
            if not errors:
                steps = self._steps()
                following = steps[steps.index(step) + 1 :]
                if following:
                    return await self._async_options_step(following[0], None)
                return self.async_create_entry(data=self._options)
        return self.async_show_form(
            step_id=step.options_step_id,
            data_schema=form_schema(self, step, stored, user_input),
            errors=errors,
            description_placeholders=range_placeholders(step.ranges),
        )

    if not TYPE_CHECKING:  # hidden from the type checker: it would type every attribute

        def __getattr__(self, name: str) -> _Step:
            """Return the step `async_step_<id>` of one of the cloud's options forms."""
            return _step_of(
                name,
                lambda: {
                    step.options_step_id: partial(self._async_options_step, step)
                    for step in self._steps()
                },
            )
