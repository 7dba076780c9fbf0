"""What Door Access needs from one cloud: a `CloudWing` per folder (tedee/, doorflow/).

The integration's root modules (setup, config flow, platforms, diagnostics) never name a cloud:
they ask the entry's wing. Adding a cloud is writing one folder that builds a `CloudWing` and
listing it in `clouds.py`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import probatio

from .const import Cloud

if TYPE_CHECKING:
    from homeassistant.components.application_credentials import ClientCredential
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.const import Platform
    from homeassistant.core import CALLBACK_TYPE, HomeAssistant
    from homeassistant.helpers.config_entry_oauth2_flow import AbstractOAuth2Implementation
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import DoorAccessCoordinator
    from .scheduler import RequestScheduler


class BridgeSetupError(Exception):
    """A local bridge could not be added; `error` is the options form's translation key."""

    def __init__(self, error: str, field: str) -> None:
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
class CloudOAuth:
    """Signing in through OAuth 2.0 with Home Assistant's application credentials."""

    # The implementation of one application credential (the application_credentials platform),
    # for the cloud's own address.
    implementation: Callable[
        [HomeAssistant, str, ClientCredential], Awaitable[AbstractOAuth2Implementation]
    ]
    # The same credential for another base URL: the authorize and token URLs follow it.
    implementation_at: Callable[[AbstractOAuth2Implementation, str], AbstractOAuth2Implementation]
    # Read the account an OAuth result (`auth_implementation`, `token`) reached, at a base URL;
    # raise SignInError, or return the account.
    async_sign_in: Callable[[HomeAssistant, Mapping[str, Any], str], Awaitable[Account]]
    # Addresses the application credentials dialog names (where to create an application).
    credential_placeholders: Mapping[str, str]


# Add a local bridge (address, token) to the bridges stored so far: contact it and return its
# settings to store, or raise BridgeSetupError.
type AddBridge = Callable[
    [HomeAssistant, str, str, list[dict[str, str]]], Awaitable[dict[str, str]]
]


@dataclass(frozen=True, slots=True, kw_only=True)
class CloudFlow:
    """The parts of the config and options flows that differ from cloud to cloud."""

    # The form field holding the secret (an access token, an API key).
    secret_field: str
    default_base_url: str
    # The sign-in form's fields (the secret first), given the entry's data when one exists.
    sign_in_fields: Callable[[], dict[probatio.Marker, Any]]
    # Values to show again in the form (never the secret), from entry data or user input.
    suggested_values: Callable[[Mapping[str, Any]], dict[str, Any]]
    # Read the account with the credentials: raise SignInError, or return the account.
    async_sign_in: Callable[[HomeAssistant, str, Mapping[str, Any], str], Awaitable[Account]]
    options_schema: Callable[[], probatio.Schema]
    # Turn the options form's input into the options to store (validated and typed).
    options_from_input: Callable[[Mapping[str, Any]], dict[str, Any]]
    # The allowed range of each number option, checked with a translated error.
    options_ranges: Mapping[str, tuple[int, int]]
    # Signing in through OAuth, offered first beside the secret (None: the secret only).
    oauth: CloudOAuth | None = None
    # Add a local bridge, offered after signing in and in the options (None: the cloud has no
    # local bridges).
    async_add_bridge: AddBridge | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LockdownInputs:
    """The inputs of a door that a lockdown (or its end) names."""

    card: bool
    rex: bool
    aux: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class DoorActions[CoordinatorT]:
    """The integration's actions a cloud's doors and accounts offer (beside lock and unlock).

    Each takes the account's coordinator and, for a door, the cloud's id of the door (of the
    type the cloud's wing gives its devices); failures are translated Home Assistant errors.
    """

    lockdown: Callable[[CoordinatorT, Any, LockdownInputs], Awaitable[None]]
    end_lockdown: Callable[[CoordinatorT, Any, LockdownInputs], Awaitable[None]]
    # Hold the door unlocked until an aware time; the cloud relocks it then.
    unlock_until: Callable[[CoordinatorT, Any, datetime], Awaitable[None]]
    # Push pending changes to every door controller, or say how long it has to wait.
    sync_controllers: Callable[[CoordinatorT], Awaitable[None]]


type PlatformSetup[CoordinatorT] = Callable[
    [CoordinatorT, AddConfigEntryEntitiesCallback], CALLBACK_TYPE
]


@dataclass(frozen=True, slots=True, kw_only=True)
class CloudWing[CoordinatorT: DoorAccessCoordinator[Any]]:
    """One cloud: how to connect to an account, what to show, how to sign in and dump it."""

    cloud: Cloud
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
    # The integration's door actions this cloud offers (None: none of them).
    door_actions: DoorActions[CoordinatorT] | None = None
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
