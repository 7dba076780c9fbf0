"""DoorFlow's OAuth sign-in, end to end against the simulator's OAuth server.

The config flow sends the browser to the simulator's authorize page (which consents at once,
or refuses when told), the test follows its redirect to Home Assistant's callback view, and
the flow exchanges the code at the simulator's token endpoint. The entry then runs for real:
its access token expires by the test clock, the refresh rotates the refresh token, and the
simulator's switches make refreshes fail, lose their answer, or get revoked.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
import logging
import time
from typing import Any, Final

from aiohttp import web
from aiohttp.test_utils import TestServer
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.application_credentials import (
    AuthorizationServer,
    ClientCredential,
    async_import_client_credential,
)
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_API_KEY, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.config_entry_oauth2_flow import (
    LocalOAuth2Implementation,
    async_get_implementations,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)
from yarl import URL

from custom_components.door_access.api import DOORFLOW_DEFAULT_BASE_URL, DoorFlowConnectionError
from custom_components.door_access.const import (
    CONF_ACCOUNT_ID,
    CONF_AUTH_IMPLEMENTATION,
    CONF_BASE_URL,
    CONF_CLOUD,
    CONF_OAUTH_TOKEN,
    DOMAIN,
)
from custom_components.door_access.doorflow.oauth import (
    DOORFLOW_APPLICATION,
    DOORFLOW_AUTHORIZE_URL,
    REFRESH_DEADLINE,
    SCOPES,
    TOKEN_WAIT,
    authorization_server,
    entry_tokens,
)
from custom_components.door_access.oauth_credential import implementation_for

from .conftest import DOORFLOW_ACCOUNT_ID, Simulator
from .helpers import (
    advance,
    flow_sources,
    lock_call,
    run_action,
    seconds_until_done,
    state_of,
    tick,
)

CLIENT_ID: Final = "demo-doorflow-client"
CLIENT_SECRET: Final = "demo-doorflow-secret"
AUTH_DOMAIN: Final = "door_access_demo"
TOKEN_ENDPOINT: Final = "POST /oauth/token"
UNLOCK_ENDPOINT: Final = "POST /api/3/channels/{id}/unlock"
FRONT: Final = "lock.head_office_front_door"
# Home Assistant refreshes an access token 20 s before it expires (clock skew allowed).
NEAR_EXPIRY: Final = 3600 - 20 + 1

pytestmark = pytest.mark.usefixtures("current_request_with_host")


@pytest.fixture
async def credential(hass: HomeAssistant) -> None:
    """Store the simulator's OAuth application as Home Assistant application credentials."""
    assert await async_setup_component(hass, "application_credentials", {})
    await async_import_client_credential(
        hass, DOMAIN, ClientCredential(CLIENT_ID, CLIENT_SECRET, "Demo application"), AUTH_DOMAIN
    )


async def _configure(hass: HomeAssistant, flow_id: str, user_input: Any = None) -> FlowResult:
    """Continue a flow."""
    return await hass.config_entries.flow.async_configure(flow_id, user_input)


async def _start_oauth(hass: HomeAssistant, base_url: str) -> FlowResult:
    """Choose DoorFlow, then OAuth, give the base URL; return the external step."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await _configure(hass, result["flow_id"], {"next_step_id": "doorflow"})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["oauth", "personal_key"]
    result = await _configure(hass, result["flow_id"], {"next_step_id": "oauth"})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "oauth"
    return await _configure(hass, result["flow_id"], {"advanced": {CONF_BASE_URL: base_url}})


async def _authorize(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
    result: FlowResult,
) -> FlowResult:
    """Open the authorize page, follow its redirect to Home Assistant's callback, go on."""
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    async with simulator.session.get(result["url"], allow_redirects=False) as response:
        assert response.status == 302
        location = URL(response.headers["Location"])
    assert (location.host, location.path) == ("example.com", "/auth/external/callback")
    client = await hass_client_no_auth()
    callback = await client.get(location.path_qs)
    assert callback.status == 200
    return await _configure(hass, result["flow_id"])


async def _sign_in(
    hass: HomeAssistant, simulator: Simulator, hass_client_no_auth: ClientSessionGenerator
) -> FlowResult:
    """Run the whole OAuth sign-in against the simulator."""
    result = await _start_oauth(hass, simulator.url)
    return await _authorize(hass, simulator, hass_client_no_auth, result)


@pytest.fixture
async def oauth_entry(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
    credential: None,
) -> MockConfigEntry:
    """Sign in through OAuth and return the loaded entry."""
    result = await _sign_in(hass, simulator, hass_client_no_auth)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    return entry


def _refresh_token(entry: MockConfigEntry) -> str:
    """Return the refresh token stored in an entry."""
    token: str = entry.data[CONF_OAUTH_TOKEN]["refresh_token"]
    return token


def _usable(simulator: Simulator, value: str) -> bool:
    """Tell whether the simulated DoorFlow still accepts a token."""
    token = simulator.world.tokens.get(value)
    return token is not None and not token.revoked


# ---- signing in ----------------------------------------------------------------------------


async def test_oauth_creates_the_entry(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
    credential: None,
) -> None:
    """Authorize, callback, token: the entry is the account's, and its doors come up."""
    result = await _start_oauth(hass, f"{simulator.url}/")
    url = URL(result["url"])
    assert str(url.with_query(None)) == f"{simulator.url}/oauth/authorize"
    assert url.query["client_id"] == CLIENT_ID
    assert url.query["response_type"] == "code"
    assert url.query["scope"] == " ".join(SCOPES)
    assert url.query["code_challenge_method"] == "S256"
    assert url.query["redirect_uri"] == "https://example.com/auth/external/callback"

    result = await _authorize(hass, simulator, hass_client_no_auth, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "DoorFlow — Demo Office"
    entry = result["result"]
    assert entry.unique_id == f"doorflow_{DOORFLOW_ACCOUNT_ID}"  # the same as with a key
    data = dict(entry.data)
    token = data.pop(CONF_OAUTH_TOKEN)
    assert data == {
        CONF_CLOUD: "doorflow",
        CONF_AUTH_IMPLEMENTATION: AUTH_DOMAIN,
        CONF_BASE_URL: simulator.url,
        CONF_ACCOUNT_ID: str(DOORFLOW_ACCOUNT_ID),  # the contract's string id
    }
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    assert _usable(simulator, token["access_token"])
    assert _usable(simulator, token["refresh_token"])
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert state_of(hass, FRONT) == "locked"


async def test_authorize_and_token_urls_follow_the_base_url() -> None:
    """DoorFlow's own address signs in on its admin host; any other serves both itself."""
    assert authorization_server("https://api.doorflow.com") == AuthorizationServer(
        DOORFLOW_AUTHORIZE_URL, "https://api.doorflow.com/oauth/token"
    )
    assert authorization_server("http://127.0.0.1:8765/") == AuthorizationServer(
        "http://127.0.0.1:8765/oauth/authorize", "http://127.0.0.1:8765/oauth/token"
    )


async def test_implementations_follow_the_entry_base_url(
    hass: HomeAssistant, credential: None
) -> None:
    """The credential's implementation is DoorFlow's; rebasing it keeps client and name."""
    implementations = await async_get_implementations(hass, DOMAIN)
    implementation = implementations[AUTH_DOMAIN]
    assert implementation.name == "Demo application"
    assert isinstance(implementation, LocalOAuth2Implementation)
    assert implementation.authorize_url == DOORFLOW_AUTHORIZE_URL
    here = implementation_for(implementation, DOORFLOW_APPLICATION, DOORFLOW_DEFAULT_BASE_URL)
    assert here is implementation
    moved = implementation_for(implementation, DOORFLOW_APPLICATION, "http://127.0.0.1:9")
    assert isinstance(moved, LocalOAuth2Implementation)
    assert (moved.client_id, moved.name, moved.domain) == (
        CLIENT_ID,
        "Demo application",
        AUTH_DOMAIN,
    )
    assert moved.token_url == "http://127.0.0.1:9/oauth/token"
    # An implementation that is not DoorFlow's (none is registered) is left as it is.
    other = LocalOAuth2Implementation(hass, "other", "id", "secret", "https://a", "https://t")
    assert implementation_for(other, DOORFLOW_APPLICATION, "http://127.0.0.1:9") is other


async def test_refused_authorization_aborts(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
    credential: None,
) -> None:
    """When the user refuses on DoorFlow's page, the flow ends and nothing is created."""
    await simulator.control("POST", "doorflow/oauth", {"deny_next_authorize": True})
    result = await _sign_in(hass, simulator, hass_client_no_auth)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "user_rejected_authorize"
    assert result["description_placeholders"] == {"error": "access_denied"}
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_without_credentials_home_assistant_asks_for_them(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """No application credentials yet: the flow says so (the frontend then asks for them)."""
    assert await async_setup_component(hass, "application_credentials", {})
    result = await _start_oauth(hass, simulator.url)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "missing_credentials"


@pytest.mark.parametrize("wrong", ["http://doorflow.example", "{url}\r\n", "{url}\n"])
async def test_a_wrong_base_url_is_shown_on_the_form(
    hass: HomeAssistant, simulator: Simulator, credential: None, wrong: str
) -> None:
    """Plain http elsewhere than this machine, or a trailing CR/LF: refused before leaving."""
    result = await _start_oauth(hass, wrong.format(url=simulator.url))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_base_url"}
    result = await _configure(hass, result["flow_id"], {"advanced": {CONF_BASE_URL: simulator.url}})
    assert result["type"] is FlowResultType.EXTERNAL_STEP


async def test_the_account_already_set_up_with_a_key_is_found(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
    credential: None,
    doorflow_config_entry: MockConfigEntry,
) -> None:
    """Signing in through OAuth reaches the same account as the key: already configured."""
    doorflow_config_entry.add_to_hass(hass)
    result = await _sign_in(hass, simulator, hass_client_no_auth)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ({"kind": "status", "status": 503}, "cannot_connect"),
        ({"kind": "html", "status": 200}, "invalid_response"),
        ({"kind": "unauthorized"}, "invalid_auth"),
    ],
)
async def test_account_unreadable_after_signing_in(  # noqa: PLR0917
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
    credential: None,
    fault: dict[str, Any],
    reason: str,
) -> None:
    """The token works but the account cannot be read: the flow ends saying why."""
    await simulator.control("POST", "faults", {**fault, "path_prefix": "/api/3/account"})
    result = await _sign_in(hass, simulator, hass_client_no_auth)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason


async def test_application_credentials_dialog_names_the_portal(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, credential: None
) -> None:
    """The credentials dialog gets the addresses its text names (no URL inside the text)."""
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "application_credentials/config"})
    answer = await client.receive_json()
    assert DOMAIN in answer["result"]["domains"]
    placeholders = answer["result"]["integrations"][DOMAIN]["description_placeholders"]
    assert placeholders == {
        "cloud": "DoorFlow",
        "developer_url": "https://developer.doorflow.com/applications",
        "redirect_url": "https://my.home-assistant.io/redirect/oauth",
    }


# ---- keeping the token fresh ---------------------------------------------------------------


async def test_refresh_rotates_and_stores_the_new_refresh_token(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    oauth_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Near expiry the next request refreshes first; the new pair is stored, the old spent."""
    caplog.set_level(logging.DEBUG)
    first = dict(oauth_entry.data[CONF_OAUTH_TOKEN])
    before = await simulator.count(TOKEN_ENDPOINT)
    await advance(hass, freezer, 600)
    assert await simulator.count(TOKEN_ENDPOINT) == before  # still fresh: no refresh

    await advance(hass, freezer, NEAR_EXPIRY - 600)
    assert await simulator.count(TOKEN_ENDPOINT) == before + 1
    second = oauth_entry.data[CONF_OAUTH_TOKEN]
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert not _usable(simulator, first["refresh_token"])  # DoorFlow spent it
    assert _usable(simulator, second["refresh_token"])
    assert state_of(hass, FRONT) == "locked"

    # And again an hour later, with the token stored last time.
    await advance(hass, freezer, NEAR_EXPIRY)
    assert await simulator.count(TOKEN_ENDPOINT) == before + 2
    assert _refresh_token(oauth_entry) != second["refresh_token"]
    assert state_of(hass, FRONT) == "locked"
    for token in (first, second):
        for secret in (token["access_token"], token["refresh_token"]):
            assert secret not in caplog.text


async def test_two_requests_needing_a_refresh_share_one(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    oauth_entry: MockConfigEntry,
) -> None:
    """A poll and an unlock race past expiry: one refresh, both use its token."""
    before = await simulator.count(TOKEN_ENDPOINT)
    freezer.tick(timedelta(seconds=NEAR_EXPIRY))
    tokens = entry_tokens(hass, oauth_entry)
    first, second = await asyncio.gather(tokens.access_token(), tokens.access_token())
    assert first == second
    assert await simulator.count(TOKEN_ENDPOINT) == before + 1

    freezer.tick(timedelta(seconds=NEAR_EXPIRY))
    coordinator = oauth_entry.runtime_data.coordinator

    async def poll_and_unlock() -> None:
        """Poll and unlock at the same time."""
        await asyncio.gather(coordinator.async_refresh(), lock_call(hass, "unlock", FRONT))

    await run_action(hass, freezer, poll_and_unlock())
    assert await simulator.count(TOKEN_ENDPOINT) == before + 2
    assert state_of(hass, FRONT) == "unlocked"
    assert simulator.world.doorflow.channels[1201].mode == "unlock"


async def test_a_passing_token_failure_keeps_the_refresh_token(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    oauth_entry: MockConfigEntry,
) -> None:
    """DoorFlow's token endpoint is down before it rotates: retry later with the same one."""
    old = _refresh_token(oauth_entry)
    await simulator.control(
        "POST", "doorflow/oauth", {"token_failure": {"error": "temporarily_unavailable"}}
    )
    await advance(hass, freezer, NEAR_EXPIRY)
    assert state_of(hass, FRONT) == STATE_UNAVAILABLE
    assert _refresh_token(oauth_entry) == old
    assert flow_sources(hass) == []

    await advance(hass, freezer, 60)  # the back-off's next poll
    assert state_of(hass, FRONT) == "locked"
    assert _refresh_token(oauth_entry) != old
    assert flow_sources(hass) == []


async def test_a_refused_refresh_starts_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    oauth_entry: MockConfigEntry,
) -> None:
    """DoorFlow refuses the refresh token for good: Home Assistant asks to sign in again."""
    await simulator.control("POST", "doorflow/oauth", {"token_failure": {"error": "invalid_grant"}})
    before = await simulator.count(TOKEN_ENDPOINT)
    await advance(hass, freezer, NEAR_EXPIRY)
    assert flow_sources(hass) == ["reauth"]
    assert oauth_entry.state is ConfigEntryState.LOADED
    assert state_of(hass, FRONT) == STATE_UNAVAILABLE
    # At once: the refused refresh is not tried again, nor the request that needed it.
    assert await simulator.count(TOKEN_ENDPOINT) == before + 1


async def test_an_answer_lost_after_rotation_ends_in_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    oauth_entry: MockConfigEntry,
) -> None:
    """DoorFlow rotated, then the answer was lost: the stored refresh token is spent.

    Nothing on Home Assistant's side can recover the new one; the entry fails for this poll,
    the next refresh is refused, and Home Assistant asks to sign in again.
    """
    old = _refresh_token(oauth_entry)
    await simulator.control(
        "POST",
        "doorflow/oauth",
        {"token_failure": {"error": "server_error", "after_rotation": True}},
    )
    await advance(hass, freezer, NEAR_EXPIRY)
    assert not _usable(simulator, old)
    assert _refresh_token(oauth_entry) == old
    assert state_of(hass, FRONT) == STATE_UNAVAILABLE
    assert flow_sources(hass) == []

    await advance(hass, freezer, 60)
    assert flow_sources(hass) == ["reauth"]


async def test_revoked_access_starts_reauth_and_oauth_signs_in_again(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
    oauth_entry: MockConfigEntry,
) -> None:
    """DoorFlow revokes the application's tokens: reauth, through DoorFlow's page again."""
    await simulator.control("POST", f"doorflow/clients/{CLIENT_ID}/revoke")
    await advance(hass, freezer, 30)
    assert flow_sources(hass) == ["reauth"]
    revoked = _refresh_token(oauth_entry)

    (flow,) = hass.config_entries.flow.async_progress()
    assert flow["step_id"] == "reauth_oauth"
    result = await _configure(hass, flow["flow_id"], {})
    result = await _authorize(hass, simulator, hass_client_no_auth, result)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert _refresh_token(oauth_entry) != revoked
    assert _usable(simulator, _refresh_token(oauth_entry))
    assert oauth_entry.state is ConfigEntryState.LOADED
    assert state_of(hass, FRONT) == "locked"


# ---- a token endpoint that does not answer, an access token refused ------------------------


async def test_a_hung_token_endpoint_fails_an_unlock_within_20_s(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    oauth_entry: MockConfigEntry,
) -> None:
    """DoorFlow holds the token request open: the unlock fails in time, translated, no reauth.

    The refresh gives up by itself in its turn; once the token endpoint answers again the
    next poll refreshes, and the door opens.
    """
    await simulator.control(
        "POST", "faults", {"kind": "hang", "path_prefix": "/oauth/token", "hang_seconds": 3600}
    )
    freezer.tick(timedelta(seconds=NEAR_EXPIRY))  # the access token needs a refresh
    unlock = hass.async_create_task(lock_call(hass, "unlock", FRONT))
    seconds = await seconds_until_done(hass, freezer, unlock)
    assert TOKEN_WAIT <= seconds < 20
    with pytest.raises(HomeAssistantError) as err:
        await unlock
    assert err.value.translation_key == "action_cannot_connect"
    (fault,) = await simulator.control("GET", "faults")
    assert fault["hits"] == 1  # one refresh, held open; the unlock itself never went out
    assert simulator.world.doorflow.channels[1201].mode == "normal"
    assert flow_sources(hass) == []

    keeper = entry_tokens(hass, oauth_entry)
    assert keeper.refreshing
    await simulator.control("DELETE", "faults")
    for _ in range(int(REFRESH_DEADLINE - TOKEN_WAIT) + 1):
        await tick(hass, freezer, 1)
        if not keeper.refreshing:
            break
    assert not keeper.refreshing  # given up by its own deadline
    await advance(hass, freezer, 60)  # the poll after the outage's back-off
    assert state_of(hass, FRONT) == "locked"
    await run_action(hass, freezer, lock_call(hass, "unlock", FRONT))
    assert state_of(hass, FRONT) == "unlocked"
    assert flow_sources(hass) == []


async def test_a_refused_access_token_is_refreshed_and_the_unlock_sent_again(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    oauth_entry: MockConfigEntry,
) -> None:
    """DoorFlow refuses an access token that has not expired: one refresh, the unlock again."""
    refused = oauth_entry.data[CONF_OAUTH_TOKEN]["access_token"]
    await simulator.control("POST", "tokens/revoke", {"token": refused})
    before = await simulator.count(TOKEN_ENDPOINT)
    unlocks = await simulator.count(UNLOCK_ENDPOINT)
    await run_action(hass, freezer, lock_call(hass, "unlock", FRONT))
    assert state_of(hass, FRONT) == "unlocked"
    assert await simulator.count(TOKEN_ENDPOINT) == before + 1
    assert await simulator.count(UNLOCK_ENDPOINT) == unlocks + 2
    assert oauth_entry.data[CONF_OAUTH_TOKEN]["access_token"] != refused
    assert flow_sources(hass) == []


async def test_a_401_after_the_refresh_starts_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    oauth_entry: MockConfigEntry,
) -> None:
    """Refused before and after one refresh: the unlock fails and Home Assistant asks again."""
    await simulator.control(
        "POST",
        "faults",
        {"kind": "unauthorized", "count": 2, "path_prefix": "/api/3/channels/1201/unlock"},
    )
    before = await simulator.count(TOKEN_ENDPOINT)
    with pytest.raises(HomeAssistantError) as err:
        await run_action(hass, freezer, lock_call(hass, "unlock", FRONT))
    assert err.value.translation_key == "auth_failed"
    assert await simulator.count(TOKEN_ENDPOINT) == before + 1
    assert flow_sources(hass) == ["reauth"]
    assert simulator.world.doorflow.channels[1201].mode == "normal"


async def test_two_refused_requests_share_one_refresh(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    oauth_entry: MockConfigEntry,
) -> None:
    """A poll and an unlock refused with the same token: one refresh serves both."""
    refused = oauth_entry.data[CONF_OAUTH_TOKEN]["access_token"]
    await simulator.control("POST", "tokens/revoke", {"token": refused})
    before = await simulator.count(TOKEN_ENDPOINT)
    coordinator = oauth_entry.runtime_data.coordinator

    async def poll_and_unlock() -> None:
        """Poll and unlock at the same time."""
        await asyncio.gather(coordinator.async_refresh(), lock_call(hass, "unlock", FRONT))

    await run_action(hass, freezer, poll_and_unlock())
    assert await simulator.count(TOKEN_ENDPOINT) == before + 1
    assert state_of(hass, FRONT) == "unlocked"
    assert coordinator.last_update_success
    assert flow_sources(hass) == []


async def test_an_unknown_credential_asks_to_sign_in_again(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    oauth_entry: MockConfigEntry,
) -> None:
    """An entry whose application credential Home Assistant no longer has: reauthenticate."""
    assert await hass.config_entries.async_unload(oauth_entry.entry_id)
    hass.config_entries.async_update_entry(
        oauth_entry, data={**oauth_entry.data, CONF_AUTH_IMPLEMENTATION: "gone"}
    )
    freezer.tick(timedelta(seconds=NEAR_EXPIRY))
    before = await simulator.count(TOKEN_ENDPOINT)
    assert not await hass.config_entries.async_setup(oauth_entry.entry_id)
    await hass.async_block_till_done()
    assert oauth_entry.state is ConfigEntryState.SETUP_ERROR
    assert flow_sources(hass) == ["reauth"]
    assert await simulator.count(TOKEN_ENDPOINT) == before


# ---- stopping in the middle of a refresh ---------------------------------------------------


async def _refresh_in_flight(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, simulator: Simulator, entry: Any
) -> str:
    """Expire the token and let a poll start a refresh whose answer is still on its way.

    The simulator has rotated the refresh token already (it delays its answer); return the
    refresh token the entry still holds.
    """
    old = _refresh_token(entry)
    simulator.world.latency.set(response_ms=(5000, 5000))
    freezer.tick(timedelta(seconds=NEAR_EXPIRY))
    async_fire_time_changed(hass)
    for _ in range(200):
        await asyncio.sleep(0)
        if not _usable(simulator, old):
            break
    assert not _usable(simulator, old)  # rotated on DoorFlow's side, answer not arrived yet
    assert entry_tokens(hass, entry).refreshing
    return old


async def _tick_until_done(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, task: asyncio.Future[Any]
) -> None:
    """Move the clock a second at a time until a task is done."""
    for _ in range(30):
        for _ in range(20):
            await asyncio.sleep(0)
        if task.done():
            break
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
    await task


async def test_unloading_mid_refresh_keeps_the_new_token(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    oauth_entry: MockConfigEntry,
) -> None:
    """The poll waiting for the refresh is cancelled; the refresh still stores its token."""
    old = await _refresh_in_flight(hass, freezer, simulator, oauth_entry)
    unload = hass.async_create_task(hass.config_entries.async_unload(oauth_entry.entry_id))
    await _tick_until_done(hass, freezer, unload)
    assert unload.result()
    assert oauth_entry.state is ConfigEntryState.NOT_LOADED
    new = _refresh_token(oauth_entry)
    assert new != old
    assert _usable(simulator, new)

    simulator.world.latency.set(response_ms=(0, 0))
    before = await simulator.count(TOKEN_ENDPOINT)
    assert await hass.config_entries.async_setup(oauth_entry.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, FRONT) == "locked"
    assert await simulator.count(TOKEN_ENDPOINT) == before  # the stored token is fresh
    assert flow_sources(hass) == []


async def test_stopping_mid_refresh_writes_the_new_token(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    oauth_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Home Assistant stops while DoorFlow's answer is on its way: the new token is saved."""
    old = await _refresh_in_flight(hass, freezer, simulator, oauth_entry)
    stop = hass.async_create_task(hass.async_stop())
    await _tick_until_done(hass, freezer, stop)
    saved = hass_storage["core.config_entries"]["data"]["entries"]
    (stored,) = [entry for entry in saved if entry["entry_id"] == oauth_entry.entry_id]
    refresh_token = stored["data"][CONF_OAUTH_TOKEN]["refresh_token"]
    assert refresh_token != old
    assert _usable(simulator, refresh_token)


# ---- changing the sign-in ------------------------------------------------------------------


async def _start_reconfigure(hass: HomeAssistant, entry: Any) -> FlowResult:
    """Start reconfiguring an entry."""
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )


async def test_reconfigure_signs_in_through_oauth_again(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
    oauth_entry: MockConfigEntry,
) -> None:
    """Reconfigure offers both ways; OAuth again keeps the entry and its credential."""
    old = _refresh_token(oauth_entry)
    result = await _start_reconfigure(hass, oauth_entry)
    assert result["type"] is FlowResultType.MENU
    result = await _configure(hass, result["flow_id"], {"next_step_id": "oauth"})
    assert result["step_id"] == "oauth"
    result = await _configure(hass, result["flow_id"], {"advanced": {CONF_BASE_URL: simulator.url}})
    result = await _authorize(hass, simulator, hass_client_no_auth, result)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert _refresh_token(oauth_entry) != old
    assert oauth_entry.data[CONF_AUTH_IMPLEMENTATION] == AUTH_DOMAIN


async def test_reconfigure_from_oauth_to_a_key_leaves_no_token(
    hass: HomeAssistant, simulator: Simulator, oauth_entry: MockConfigEntry
) -> None:
    """Switching to the personal key stores the key and drops the OAuth token."""
    result = await _start_reconfigure(hass, oauth_entry)
    result = await _configure(hass, result["flow_id"], {"next_step_id": "personal_key"})
    assert result["step_id"] == "doorflow_reconfigure"
    result = await _configure(
        hass,
        result["flow_id"],
        {CONF_API_KEY: "demo-doorflow-api-key", "advanced": {CONF_BASE_URL: simulator.url}},
    )
    assert result["reason"] == "reconfigure_successful"
    assert CONF_OAUTH_TOKEN not in oauth_entry.data
    assert CONF_AUTH_IMPLEMENTATION not in oauth_entry.data
    assert oauth_entry.data[CONF_API_KEY] == "demo-doorflow-api-key"
    await hass.async_block_till_done()
    assert state_of(hass, FRONT) == "locked"


async def test_a_key_entry_reauthenticates_with_a_key(
    hass: HomeAssistant, init_doorflow: MockConfigEntry
) -> None:
    """Reauth of a key entry stays on the key form (OAuth is for OAuth entries)."""
    result = await init_doorflow.start_reauth_flow(hass)
    assert result["step_id"] == "doorflow_reauth"


async def test_token_keeper_is_the_same_across_reloads(
    hass: HomeAssistant, oauth_entry: MockConfigEntry
) -> None:
    """One keeper per entry: a reload waits for the same refresh as before it."""
    keeper = entry_tokens(hass, oauth_entry)
    assert await hass.config_entries.async_reload(oauth_entry.entry_id)
    assert entry_tokens(hass, oauth_entry) is keeper
    assert not keeper.refreshing


async def test_removing_the_entry_forgets_its_token_keeper(
    hass: HomeAssistant, oauth_entry: MockConfigEntry
) -> None:
    """Deleting the entry drops its token cache (nothing of it is kept for its id)."""
    keeper = entry_tokens(hass, oauth_entry)
    assert await hass.config_entries.async_remove(oauth_entry.entry_id)
    await hass.async_block_till_done()
    assert entry_tokens(hass, oauth_entry) is not keeper


async def test_a_refusal_older_than_the_last_refresh_refreshes_nothing(
    hass: HomeAssistant, simulator: Simulator, oauth_entry: MockConfigEntry
) -> None:
    """Two requests refused with the same token: the second finds it renewed since it was sent."""
    keeper = entry_tokens(hass, oauth_entry)
    sent = hass.loop.time()
    before = await simulator.count(TOKEN_ENDPOINT)
    await keeper.renew(sent)
    renewed = oauth_entry.data[CONF_OAUTH_TOKEN]["access_token"]
    await keeper.renew(sent)
    assert await simulator.count(TOKEN_ENDPOINT) == before + 1
    assert oauth_entry.data[CONF_OAUTH_TOKEN]["access_token"] == renewed
    assert _usable(simulator, renewed)


@pytest.fixture
async def tokenless_token_endpoint(socket_enabled: None) -> AsyncIterator[str]:
    """Run a token endpoint on 127.0.0.1 that answers a refresh 200 without an access token."""

    async def token(_request: web.Request) -> web.Response:
        return web.json_response({"token_type": "Bearer", "expires_in": 3600})

    app = web.Application()
    app.router.add_post("/oauth/token", token)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


@pytest.mark.usefixtures("credential")
async def test_a_refresh_answer_without_an_access_token_keeps_the_stored_one(
    hass: HomeAssistant, tokenless_token_endpoint: str
) -> None:
    """A token answer lacking the access token is a failed refresh: nothing is stored."""
    token = {
        "access_token": "refused-access",
        "refresh_token": "kept-refresh",
        "token_type": "Bearer",
        "expires_at": time.time() + 3600,
    }
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=f"doorflow_{DOORFLOW_ACCOUNT_ID}",
        data={
            CONF_CLOUD: "doorflow",
            CONF_AUTH_IMPLEMENTATION: AUTH_DOMAIN,
            CONF_OAUTH_TOKEN: token,
            CONF_BASE_URL: tokenless_token_endpoint,
            CONF_ACCOUNT_ID: str(DOORFLOW_ACCOUNT_ID),
        },
    )
    entry.add_to_hass(hass)
    with pytest.raises(DoorFlowConnectionError):
        await entry_tokens(hass, entry).renew(hass.loop.time())
    assert entry.data[CONF_OAUTH_TOKEN] == token
