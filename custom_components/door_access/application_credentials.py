"""Application credentials of Door Access: the OAuth application of the cloud that uses one.

Home Assistant keeps the client id and secret the user enters (Settings → Application
credentials); the cloud's wing turns each into an OAuth 2.0 implementation. Its authorize and
token URLs follow the base URL an entry uses (see the config flow and the wing's `oauth`).
"""

from __future__ import annotations

from homeassistant.components.application_credentials import ClientCredential
from homeassistant.core import HomeAssistant
from homeassistant.helpers.config_entry_oauth2_flow import AbstractOAuth2Implementation

from .clouds import oauth_cloud


async def async_get_auth_implementation(
    hass: HomeAssistant, auth_domain: str, credential: ClientCredential
) -> AbstractOAuth2Implementation:
    """Return the OAuth 2.0 implementation of one application credential."""
    _, oauth = oauth_cloud()
    return await oauth.implementation(hass, auth_domain, credential)


async def async_get_description_placeholders(hass: HomeAssistant) -> dict[str, str]:  # noqa: ARG001
    """Return the addresses the application credentials dialog names."""
    wing, oauth = oauth_cloud()
    return {"cloud": wing.name, **oauth.credential_placeholders}
