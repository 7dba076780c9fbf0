"""Application credentials of Door Access: the OAuth applications of the clouds that use one.

Home Assistant keeps the client id and secret the user enters (Settings → Application
credentials) under the integration's domain, so a credential names no cloud: it is made for the
first cloud that declares `oauth`, and the sign-in points it at the cloud chosen and the base
URL used (`oauth_credential.implementation_for`). Every cloud that declares `oauth` is asked;
another needs no edit here.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.application_credentials import ClientCredential
from homeassistant.core import HomeAssistant
from homeassistant.helpers.config_entry_oauth2_flow import (
    MY_AUTH_CALLBACK_PATH,
    AbstractOAuth2Implementation,
)

from .cloud import CloudWing, OAuthApplication
from .clouds import CLOUDS
from .oauth_credential import CredentialImplementation


def _oauth_clouds() -> list[tuple[CloudWing[Any], OAuthApplication]]:
    """Return the clouds that sign in through OAuth, with their applications."""
    return [
        (wing, oauth.application)
        for wing in CLOUDS.values()
        if (oauth := wing.flow.oauth) is not None
    ]


async def async_get_auth_implementation(
    hass: HomeAssistant, auth_domain: str, credential: ClientCredential
) -> AbstractOAuth2Implementation:
    """Return one credential's implementation, for the first OAuth cloud at its own address."""
    wing, application = _oauth_clouds()[0]
    return CredentialImplementation(
        hass, auth_domain, credential, application, wing.flow.default_base_url
    )


async def async_get_description_placeholders(hass: HomeAssistant) -> dict[str, str]:  # noqa: ARG001
    """Return what the application credentials dialog names: the clouds and their portals."""
    clouds = _oauth_clouds()
    return {
        "cloud": " / ".join(wing.name for wing, _ in clouds),
        "developer_url": " / ".join(application.developer_url for _, application in clouds),
        "redirect_url": MY_AUTH_CALLBACK_PATH,
    }
