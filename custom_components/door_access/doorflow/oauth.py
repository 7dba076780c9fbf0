"""DoorFlow's OAuth 2.0 sign-in: the application's authorization server and fresh tokens.

DoorFlow rotates the refresh token on every use: the answer to a refresh carries the only
refresh token that works from then on. `DoorFlowTokens` therefore refreshes one entry's token
one refresh at a time (every caller waits for the same one, across reloads too) and carries
each refresh to its end in a task of its own: a caller that is cancelled (a reload, an unload)
never abandons a refresh that DoorFlow may already have carried out, and Home Assistant, when
it stops, waits for it (a shutdown job, up to its 20 s stage) before its final write. Home
Assistant's OAuth2 session stores the new token in the entry as soon as DoorFlow answers.
Nobody waits for a refresh longer than `TOKEN_WAIT`, and a refresh ends within
`REFRESH_DEADLINE`: a token endpoint that does not answer never holds a door action.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, Final

from aiohttp import ClientError
from homeassistant.components.application_credentials import AuthorizationServer
from homeassistant.core import HassJob, HomeAssistant
from homeassistant.exceptions import (
    ImplementationUnavailableError,
    OAuth2TokenRequestBaseError,
    OAuth2TokenRequestReauthError,
    UnknownImplementationError,
)
from homeassistant.helpers.config_entry_oauth2_flow import (
    CLOCK_OUT_OF_SYNC_MAX_SEC,
    AbstractOAuth2Implementation,
    OAuth2Session,
    async_get_config_entry_implementation,
)
from homeassistant.util.hass_dict import HassKey

from ..api import DOORFLOW_DEFAULT_BASE_URL, DoorFlowAuthError, DoorFlowConnectionError
from ..cloud import OAuthApplication
from ..const import CONF_BASE_URL, CONF_OAUTH_TOKEN, DOMAIN, LOGGER
from ..oauth_credential import implementation_for

if TYPE_CHECKING:
    from ..models import DoorAccessConfigEntry

# DoorFlow's own sign-in page lives on its admin host (as DoorFlow's SDKs use it); the token
# endpoint on the API host. Any other base URL (a test server) serves both itself.
DOORFLOW_AUTHORIZE_URL: Final = "https://admin.doorflow.com/oauth/authorize"
TOKEN_ENDPOINT: Final = "POST oauth/token"  # noqa: S105 (an endpoint's name)
# What the integration does: read doors, sites and events, operate doors, sync controllers,
# keep the notification rule that pushes events (push).
SCOPES: Final = (
    "account.channel.readonly",
    "account.channel.admit",
    "account.sync",
    "account.site.readonly",
    "account.event.access.readonly",
    "account.notification_rule",
)
# Where a DoorFlow administrator creates the application whose credentials Home Assistant uses.
DEVELOPER_APPLICATIONS_URL: Final = "https://developer.doorflow.com/applications"
# The longest anyone (a door action, a poll) waits for a new access token.
TOKEN_WAIT: Final = 10.0
# The longest one refresh may take; one that does not end by then is given up.
REFRESH_DEADLINE: Final = 20.0


def authorization_server(base_url: str) -> AuthorizationServer:
    """Return the authorize and token URLs that belong to a DoorFlow base URL."""
    base = base_url.rstrip("/")
    authorize = DOORFLOW_AUTHORIZE_URL if base == DOORFLOW_DEFAULT_BASE_URL else None
    return AuthorizationServer(authorize or f"{base}/oauth/authorize", f"{base}/oauth/token")


DOORFLOW_APPLICATION: Final = OAuthApplication(
    authorization_server=authorization_server,
    scopes=SCOPES,
    developer_url=DEVELOPER_APPLICATIONS_URL,
)


async def async_entry_implementation(
    hass: HomeAssistant, entry: DoorAccessConfigEntry
) -> AbstractOAuth2Implementation:
    """Return the implementation of an entry's credential, for the entry's base URL."""
    implementation = await async_get_config_entry_implementation(hass, entry)
    base_url = entry.data.get(CONF_BASE_URL) or DOORFLOW_DEFAULT_BASE_URL
    return implementation_for(implementation, DOORFLOW_APPLICATION, base_url)


class RefreshRefusedError(DoorFlowAuthError):
    """DoorFlow refused the refresh token (`invalid_grant`), or the credential is gone."""


class DoorFlowTokens:
    """The access token of one OAuth entry, refreshed one refresh at a time and never halfway.

    Nobody waits longer than `TOKEN_WAIT` for a refresh (a door action fails with a clear
    error instead of hanging on a token endpoint that does not answer), and a refresh itself
    ends within `REFRESH_DEADLINE`, so that a hung one does not block the next.
    """

    def __init__(self, hass: HomeAssistant, entry: DoorAccessConfigEntry) -> None:
        self._hass = hass
        self._entry = entry
        self._refresh: asyncio.Task[None] | None = None
        # When (the loop's clock) the last refresh stored a new token.
        self._renewed_at = float("-inf")

    @property
    def refreshing(self) -> bool:
        """Tell whether a refresh is on its way."""
        return self._refresh is not None and not self._refresh.done()

    def _token(self) -> dict[str, Any]:
        """Return the token stored in the entry."""
        token: dict[str, Any] = self._entry.data[CONF_OAUTH_TOKEN]
        return token

    def _fresh(self) -> bool:
        """Tell whether the stored access token is valid for a while yet (clock skew allowed)."""
        expires_at = float(self._token().get("expires_at", 0))
        return expires_at > time.time() + CLOCK_OUT_OF_SYNC_MAX_SEC

    async def access_token(self) -> str:
        """Return a valid access token, refreshing it first when it is (nearly) expired.

        Raises `RefreshRefusedError` (a revoked `DoorFlowAuthError`) when DoorFlow refuses the
        refresh token or the application credential is gone (reauthentication),
        `DoorFlowConnectionError` when no new token could be had for now (within `TOKEN_WAIT`).
        """
        if not self._fresh():
            await self._wait_for_refresh(force=False)
        return str(self._token()["access_token"])

    async def renew(self, refused_since: float) -> None:
        """Refresh the access token DoorFlow refused (401) although it had not expired.

        `refused_since` is when (the loop's clock) the refused request was sent: a refresh that
        stored a token since then already replaced it. Raises like `access_token`.
        """
        if self._renewed_at < refused_since:
            await self._wait_for_refresh(force=True)

    async def _wait_for_refresh(self, *, force: bool) -> None:
        """Wait at most `TOKEN_WAIT` for the entry's refresh; map its failure."""
        try:
            async with asyncio.timeout(TOKEN_WAIT):
                await self._refreshed(force=force)
        except (OAuth2TokenRequestReauthError, UnknownImplementationError) as err:
            status = getattr(err, "status", 0)
            raise RefreshRefusedError(
                f"{TOKEN_ENDPOINT}: the sign-in is no longer valid ({status})",
                status=status,
                endpoint=TOKEN_ENDPOINT,
                revoked=True,
            ) from None
        except (
            OAuth2TokenRequestBaseError,
            ImplementationUnavailableError,
            ClientError,
            TimeoutError,
        ) as err:
            raise DoorFlowConnectionError(
                f"{TOKEN_ENDPOINT}: no new access token ({type(err).__name__})",
                endpoint=TOKEN_ENDPOINT,
            ) from None

    async def _refreshed(self, *, force: bool) -> None:
        """Wait for the entry's one refresh, starting it when none is on its way."""
        task = self._refresh
        if task is None or task.done():
            task = self._entry.async_create_task(
                self._hass, self._refresh_token(force=force), "DoorFlow token refresh"
            )
            # Home Assistant stopping waits for it (its shutdown jobs), then writes the entry;
            # `asyncio.wait` ends with the refresh, whatever its outcome.
            forget = self._hass.async_add_shutdown_job(HassJob(asyncio.wait), (task,))

            def ended(done: asyncio.Task[None]) -> None:
                """Drop the shutdown job; note how the refresh ended (no caller may wait)."""
                forget()
                if not done.cancelled() and (err := done.exception()) is not None:
                    LOGGER.debug("DoorFlow token refresh failed: %s", type(err).__name__)

            task.add_done_callback(ended)
            self._refresh = task
        # A cancelled caller stops waiting; the refresh itself goes on and stores its token.
        await asyncio.shield(task)

    async def _refresh_token(self, *, force: bool) -> None:
        """Refresh through Home Assistant's OAuth2 session and store the new token.

        `force` refreshes a token that has not expired yet (DoorFlow refused it). The whole
        refresh ends within `REFRESH_DEADLINE`; DoorFlow's answer arriving later is lost.
        """
        async with asyncio.timeout(REFRESH_DEADLINE):
            implementation = await async_entry_implementation(self._hass, self._entry)
            session = OAuth2Session(self._hass, self._entry, implementation)
            if not force:
                await session.async_ensure_token_valid()
            else:
                # Home Assistant refuses an answer without an access token and sets its expiry.
                token = await implementation.async_refresh_token(session.token)
                self._hass.config_entries.async_update_entry(
                    self._entry, data={**self._entry.data, CONF_OAUTH_TOKEN: token}
                )
        self._renewed_at = self._hass.loop.time()


_TOKENS: HassKey[dict[str, DoorFlowTokens]] = HassKey(f"{DOMAIN}_doorflow_tokens")


def entry_tokens(hass: HomeAssistant, entry: DoorAccessConfigEntry) -> DoorFlowTokens:
    """Return the token keeper of an entry, the same one across reloads."""
    keepers = hass.data.setdefault(_TOKENS, {})
    tokens = keepers.get(entry.entry_id)
    if tokens is None:
        tokens = keepers[entry.entry_id] = DoorFlowTokens(hass, entry)
    return tokens


def forget_entry_tokens(hass: HomeAssistant, entry_id: str) -> None:
    """Drop the token keeper of a deleted entry (a refresh on its way still ends by itself)."""
    hass.data.get(_TOKENS, {}).pop(entry_id, None)
