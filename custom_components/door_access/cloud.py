"""What Door Access needs from one cloud: a `CloudWing` per folder (tedee/, doorflow/).

The integration's root modules (setup, config flow, platforms, diagnostics) never name a cloud:
they ask the entry's wing. Adding a cloud is writing one folder that builds a `CloudWing` and
listing it in `clouds.py`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import probatio

if TYPE_CHECKING:
    from homeassistant.components.application_credentials import AuthorizationServer
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.const import Platform
    from homeassistant.core import CALLBACK_TYPE, HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import VolDictType

    from .coordinator import DoorAccessCoordinator
    from .scheduler import RequestScheduler


class OptionsError(Exception):
    """An options form's input was refused; `error` is its translation key, `field` where."""

    def __init__(self, error: str, field: str = "base") -> None:
        super().__init__(error)
        self.error = error
        self.field = field


class SignInError(Exception):
    """Signing in failed; `error` is the config flow's error key, `field` where it shows."""

    def __init__(self, error: str, field: str = "base") -> None:
        super().__init__(error)
        self.error = error
        self.field = field


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    """The account a sign-in reached: what the config entry is made of."""

    unique_id: str
    title: str
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class OAuthApplication:
    """A cloud's OAuth 2.0 application: where it signs in, what it asks for, where it is made."""

    # The authorize and token URLs at a base URL (the cloud's own address, or a test server's).
    authorization_server: Callable[[str], AuthorizationServer]
    # The scopes asked for when signing in.
    scopes: tuple[str, ...]
    # Where the cloud's administrators create the application (the credentials dialog names it).
    developer_url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CloudOAuth:
    """Signing in through OAuth 2.0 with Home Assistant's application credentials."""

    application: OAuthApplication
    # Read the account an OAuth result (`auth_implementation`, `token`) reached, at a base URL;
    # raise SignInError, or return the account.
    async_sign_in: Callable[[HomeAssistant, Mapping[str, Any], str], Awaitable[Account]]


@dataclass(frozen=True, slots=True, kw_only=True)
class NumberRange:
    """The whole numbers a number option allows, and the options form's error outside them.

    The form's texts get `<field>_min` and `<field>_max` placeholders for each ranged field.
    """

    low: int
    high: int
    # The translation key (`options.error.<key>`) shown on the field when out of range.
    range_error: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionsStep:
    """One form of a cloud's options flow; its texts are `options.step.<options_step_id>`."""

    # Unique among every cloud's steps (the cloud's name for its first one).
    options_step_id: str
    # The form, given the entry's stored options (shown with them, or with what was typed).
    schema: Callable[[Mapping[str, Any]], probatio.Schema]
    # The number fields and their ranges: checked first, then stored as whole numbers.
    ranges: Mapping[str, NumberRange] = field(default_factory=dict)
    # Turn the form's other fields into options to store (given the stored ones); raise
    # OptionsError to show the form again with an error. None: every field is ranged.
    async_options: (
        Callable[[HomeAssistant, Mapping[str, Any], Mapping[str, Any]], Awaitable[dict[str, Any]]]
        | None
    ) = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CloudFlow:
    """The parts of the config and options flows that differ from cloud to cloud."""

    # The form field holding the secret (an access token, an API key).
    secret_field: str
    default_base_url: str
    # The sign-in form's fields (the secret first).
    sign_in_fields: Callable[[], dict[probatio.Marker, Any]]
    # Read the account with the credentials: raise SignInError, or return the account.
    async_sign_in: Callable[[HomeAssistant, str, Mapping[str, Any], str], Awaitable[Account]]
    # The steps of the same form asking an entry's owner for new credentials, after the cloud
    # refused the stored ones (reauthentication) or when the user changes them
    # (reconfiguration): their texts (`config.step.<id>`) are the cloud's own. Unique across
    # clouds.
    reauth_step_id: str
    reconfigure_step_id: str
    # The options flow: the cloud's own forms, shown one after the other (at least one).
    options_steps: tuple[OptionsStep, ...]
    # Forms shown once a new account signed in, before its entry is made (an optional local
    # device, say); what they return becomes the entry's first options.
    after_sign_in: tuple[OptionsStep, ...] = ()
    # Signing in through OAuth, offered first beside the secret (None: the secret only).
    oauth: CloudOAuth | None = None
    # Values to show again in the form (never the secret), from the entry's data.
    suggested_values: Callable[[Mapping[str, Any]], dict[str, Any]] = lambda _data: {}


@dataclass(frozen=True, slots=True, kw_only=True)
class LockAction[CoordinatorT]:
    """An action (`door_access.<service>`) on the locks of the clouds that declare it.

    The root registers each declared action once, as an entity action of the integration's
    locks; a lock of a cloud that does not declare it is refused with a translated error.
    Clouds declaring the same action declare the same fields.
    """

    service: str
    # The action's fields besides its target, checked by Home Assistant before `run`.
    fields: VolDictType
    # Run it on one device (the cloud's id of it, of the type its wing gives its devices) with
    # the call's data; a refused input is a `ServiceValidationError`, a failure a translated
    # `HomeAssistantError`.
    run: Callable[[CoordinatorT, Any, Mapping[str, Any]], Awaitable[None]]


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountAction[CoordinatorT]:
    """An action (`door_access.<service>`) on an account, for the clouds that declare it.

    Its target is the account's config entry or any of its devices.
    """

    service: str
    run: Callable[[CoordinatorT, Mapping[str, Any]], Awaitable[None]]


type PlatformSetup[CoordinatorT] = Callable[
    [CoordinatorT, AddConfigEntryEntitiesCallback], CALLBACK_TYPE
]


@dataclass(frozen=True, slots=True, kw_only=True)
class CloudWing[CoordinatorT: DoorAccessCoordinator[Any]]:
    """One cloud: how to connect to an account, what to show, how to sign in and dump it."""

    # The cloud's name: stored in each entry (`cloud`), the config flow's menu choice and
    # step, and the translation key of its texts (`config.step.<cloud>`).
    cloud: str
    name: str
    build_scheduler: Callable[[HomeAssistant], RequestScheduler]
    # The entry is typed without Door Access's runtime-data alias (`models.py` builds on this
    # module): the coordinator is what that runtime data carries.
    create_coordinator: Callable[[HomeAssistant, ConfigEntry[Any], RequestScheduler], CoordinatorT]
    # Each platform this cloud has entities on: adds them now and as devices appear.
    platforms: Mapping[Platform, PlatformSetup[CoordinatorT]]
    flow: CloudFlow
    diagnostics: Callable[[CoordinatorT], dict[str, Any]]
    # The identifiers (in this domain) of every device the account has now: a device not
    # among them is stale, and the user may delete it.
    current_identifiers: Callable[[CoordinatorT], set[str]]
    # Keys of the entry's data and of the cloud's dump that diagnostics redact, beyond those
    # every cloud shares (secrets of the cloud's own, identifiers of its hardware).
    redact: frozenset[str] = frozenset()
    # The integration's actions this cloud offers, on its locks and on its account.
    lock_actions: tuple[LockAction[CoordinatorT], ...] = ()
    account_actions: tuple[AccountAction[CoordinatorT], ...] = ()
    # Forget what the wing keeps for an entry that is deleted (by entry id), beyond what the
    # root forgets itself (the scheduler, the feed cursors).
    forget_entry: Callable[[HomeAssistant, str], None] | None = None
    # What to undo in the cloud when the entry is removed (through the account's scheduler).
    async_remove: (
        Callable[[HomeAssistant, ConfigEntry[Any], RequestScheduler], Awaitable[None]] | None
    ) = None


def chain[CoordinatorT](*setups: PlatformSetup[CoordinatorT]) -> PlatformSetup[CoordinatorT]:
    """Run several setups of one platform as one (stopping it stops them all)."""

    def setup(
        coordinator: CoordinatorT, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> CALLBACK_TYPE:
        stops = [each(coordinator, async_add_entities) for each in setups]

        def stop() -> None:
            for each in stops:
                each()

        return stop

    return setup
