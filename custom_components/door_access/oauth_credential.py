"""One OAuth application credential, for a cloud's application at a base URL (PKCE and secret).

Home Assistant keeps each credential the user enters under the integration's domain: it names
no cloud. The sign-in points it at the chosen cloud's authorization server for the base URL in
use, and an entry's token is refreshed through the same (`implementation_for`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, override

from homeassistant.helpers.config_entry_oauth2_flow import (
    AbstractOAuth2Implementation,
    LocalOAuth2ImplementationWithPkce,
)

if TYPE_CHECKING:
    from homeassistant.components.application_credentials import ClientCredential
    from homeassistant.core import HomeAssistant

    from .cloud import OAuthApplication


class CredentialImplementation(LocalOAuth2ImplementationWithPkce):
    """One application credential at one cloud's authorization server, for one base URL."""

    def __init__(
        self,
        hass: HomeAssistant,
        auth_domain: str,
        credential: ClientCredential,
        application: OAuthApplication,
        base_url: str,
    ) -> None:
        server = application.authorization_server(base_url)
        super().__init__(
            hass,
            auth_domain,
            credential.client_id,
            server.authorize_url,
            server.token_url,
            client_secret=credential.client_secret,
        )
        self.credential = credential
        self.application = application
        self.base_url = base_url

    @property
    @override
    def name(self) -> str:
        """Return the credential's name, as the user gave it (or its client id)."""
        return self.credential.name or self.credential.client_id

    @property
    @override
    def extra_authorize_data(self) -> dict[str, Any]:
        """Ask for the scopes the cloud's application uses, beside PKCE's challenge."""
        return {**super().extra_authorize_data, "scope": " ".join(self.application.scopes)}


def implementation_for(
    implementation: AbstractOAuth2Implementation, application: OAuthApplication, base_url: str
) -> AbstractOAuth2Implementation:
    """Return the same credential for a cloud's application at a base URL.

    Itself when it already is; an implementation that is no application credential's (Door
    Access registers none) is left as it is.
    """
    if not isinstance(implementation, CredentialImplementation) or (
        implementation.application is application and implementation.base_url == base_url
    ):
        return implementation
    return CredentialImplementation(
        implementation.hass, implementation.domain, implementation.credential, application, base_url
    )
