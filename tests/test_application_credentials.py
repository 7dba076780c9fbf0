"""Application credentials ask every cloud that signs in through OAuth; none is named on the floor.

A second OAuth cloud (DoorFlow's wing under another name, with an authorization server and
scopes of its own) is registered for these tests only: the credentials dialog names both
clouds and their portals, and one stored credential signs in at whichever cloud the user chose.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from homeassistant.components.application_credentials import (
    AuthorizationServer,
    ClientCredential,
    async_import_client_credential,
)
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
from yarl import URL

from custom_components.door_access.cloud import OAuthApplication
from custom_components.door_access.clouds import CLOUDS
from custom_components.door_access.const import CONF_BASE_URL, DOMAIN
from custom_components.door_access.doorflow import DOORFLOW
from custom_components.door_access.doorflow.oauth import DOORFLOW_AUTHORIZE_URL, SCOPES

SECOND: Final = "second"
SECOND_PORTAL: Final = "https://second.example/applications"
CLIENT_ID: Final = "one-client"

pytestmark = pytest.mark.usefixtures("current_request_with_host", "credential")


def _second_server(base_url: str) -> AuthorizationServer:
    """Return the second cloud's sign-in page and token endpoint at a base URL."""
    return AuthorizationServer(f"{base_url}/sign-in", f"{base_url}/token")


@pytest.fixture(autouse=True)
def second_oauth_cloud(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register a second cloud that declares OAuth (for this module's tests only)."""
    flow = DOORFLOW.flow
    assert flow.oauth is not None
    application = OAuthApplication(
        authorization_server=_second_server, scopes=("doors.read",), developer_url=SECOND_PORTAL
    )
    second = replace(
        DOORFLOW,
        cloud=SECOND,
        name="Second",
        flow=replace(
            flow,
            reauth_step_id=f"{SECOND}_reauth",
            reconfigure_step_id=f"{SECOND}_reconfigure",
            oauth=replace(flow.oauth, application=application),
        ),
    )
    monkeypatch.setitem(CLOUDS, SECOND, second)


@pytest.fixture
async def credential(hass: HomeAssistant) -> None:
    """Store one application credential for the integration (it names no cloud)."""
    assert await async_setup_component(hass, "application_credentials", {})
    await async_import_client_credential(
        hass, DOMAIN, ClientCredential(CLIENT_ID, "one-secret", "One application")
    )


async def test_the_dialog_names_every_oauth_cloud_and_its_portal(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> None:
    """Both clouds, both portals, and Home Assistant's redirect address (Tedee has no OAuth)."""
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "application_credentials/config"})
    answer = await client.receive_json()
    placeholders = answer["result"]["integrations"][DOMAIN]["description_placeholders"]
    assert placeholders == {
        "cloud": "DoorFlow / Second",
        "developer_url": f"https://developer.doorflow.com/applications / {SECOND_PORTAL}",
        "redirect_url": "https://my.home-assistant.io/redirect/oauth",
    }


@pytest.mark.parametrize(
    ("cloud", "base_url", "authorize_url", "scope"),
    [
        (SECOND, "https://second.example", "https://second.example/sign-in", "doors.read"),
        (SECOND, "https://eu.second.example", "https://eu.second.example/sign-in", "doors.read"),
        ("doorflow", "https://api.doorflow.com", DOORFLOW_AUTHORIZE_URL, " ".join(SCOPES)),
    ],
)
async def test_one_credential_signs_in_at_the_chosen_cloud(
    hass: HomeAssistant, cloud: str, base_url: str, authorize_url: str, scope: str
) -> None:
    """The same credential goes to the chosen cloud's page at its base URL, with its scopes."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert cloud in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": cloud}
    )
    assert result["menu_options"] == ["oauth", "personal_key"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "oauth"}
    )
    assert result["description_placeholders"]["cloud"] == CLOUDS[cloud].name
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"advanced": {CONF_BASE_URL: base_url}}
    )
    assert result["type"] is FlowResultType.EXTERNAL_STEP
    url = URL(result["url"])
    assert str(url.with_query(None)) == authorize_url
    assert url.query["client_id"] == CLIENT_ID
    assert url.query["scope"] == scope
