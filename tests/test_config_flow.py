"""Tests of the Door Access config and options flows against a small fake cloud on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
import json
import logging
from pathlib import Path
import socket
from typing import Any
from unittest.mock import AsyncMock, patch

from aiohttp import encode_basic_auth, web
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_API_KEY, CONF_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType, UnknownFlow, section
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.translation import async_get_translations
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.clouds import CLOUDS
from custom_components.door_access.config_flow import (
    SECTION_ADVANCED,
    DoorAccessConfigFlow,
    DoorAccessOptionsFlow,
)
from custom_components.door_access.const import (
    CONF_ACCOUNT_ID,
    CONF_BASE_URL,
    CONF_CLOUD,
    CONF_POLL_INTERVAL,
    DOMAIN,
)
from custom_components.door_access.doorflow.const import CONF_PUSH
from custom_components.door_access.flow_helpers import InvalidInputError, normalize_base_url
from custom_components.door_access.tedee.const import (
    CONF_ACTIVITY_INTERVAL,
    CONF_BRIDGE_ADDRESS,
    CONF_BRIDGE_TOKEN,
    CONF_BRIDGES,
    CONF_GATE_INTERVAL,
    CONF_TOKEN_TYPE,
    CONF_UNLOCK_BEHAVIOR,
)

from .conftest import Simulator

pytestmark = pytest.mark.usefixtures("mock_setup_entry")

TEDEE_KEY = "demo-tedee-personal-key"
TEDEE_BEARER = "demo-tedee-bearer-token"
OTHER_TEDEE_KEY = "other-tedee-personal-key"
NAMELESS_TEDEE_KEY = "nameless-tedee-personal-key"
DOORFLOW_KEY = "demo-doorflow-api-key"
OTHER_DOORFLOW_KEY = "other-doorflow-api-key"
UNNAMED_DOORFLOW_KEY = "unnamed-doorflow-api-key"

TEDEE_USERS: dict[str, dict[str, Any]] = {
    f"PersonalKey {TEDEE_KEY}": {"id": 1001, "email": "alex@example.com", "name": "Alex Home"},
    f"Bearer {TEDEE_BEARER}": {"id": 1001, "email": "alex@example.com", "name": "Alex Home"},
    f"PersonalKey {OTHER_TEDEE_KEY}": {"id": 2002, "email": "sam@example.com", "name": None},
    f"PersonalKey {NAMELESS_TEDEE_KEY}": {"id": 3003},
}
DOORFLOW_ACCOUNTS: dict[str, dict[str, Any]] = {
    DOORFLOW_KEY: {"id": 77, "name": "Acme Offices", "sync": {"status": "complete"}},
    OTHER_DOORFLOW_KEY: {"id": 88, "name": "Elsewhere Ltd"},
    UNNAMED_DOORFLOW_KEY: {"id": 99, "name": ""},
}
ALL_SECRETS = (
    TEDEE_KEY,
    TEDEE_BEARER,
    OTHER_TEDEE_KEY,
    NAMELESS_TEDEE_KEY,
    DOORFLOW_KEY,
    OTHER_DOORFLOW_KEY,
)

STRINGS: dict[str, Any] = json.loads(
    (
        Path(__file__).parents[1] / "custom_components" / DOMAIN / "translations" / "en.json"
    ).read_text(encoding="utf-8")
)


@dataclass
class FakeCloud:
    """Tedee and DoorFlow endpoints the flow calls; `faults` answer the next requests."""

    url: str = ""
    faults: list[tuple[int, str]] = field(default_factory=list)
    requests: list[tuple[str, str | None]] = field(default_factory=list)

    def fail_next(self, status: int, body: str = "", count: int = 1) -> None:
        """Answer the next `count` requests with this status and body."""
        self.faults.extend([(status, body)] * count)

    async def handle(self, request: web.Request) -> web.Response:
        """Answer GET …/api/v37/my/user (Tedee) and GET …/api/3/account (DoorFlow)."""
        authorization = request.headers.get("Authorization")
        self.requests.append((request.path, authorization))
        if self.faults:
            status, body = self.faults.pop(0)
            return web.Response(status=status, text=body, content_type="application/json")
        if request.method == "GET" and request.path.endswith("/api/v37/my/user"):
            user = TEDEE_USERS.get(authorization or "")
            if user is None:
                return _tedee_envelope(None, status=401)
            return _tedee_envelope(user)
        if request.method == "GET" and request.path.endswith("/api/3/account"):
            for api_key, account in DOORFLOW_ACCOUNTS.items():
                if authorization == encode_basic_auth(api_key, "X"):
                    return web.json_response(account)
            return web.json_response(
                {"error": "invalid_token", "error_description": "refused"}, status=401
            )
        return web.json_response({"error": "not_found"}, status=404)


def _tedee_envelope(result: object, status: int = 200) -> web.Response:
    """Wrap a Tedee result in the cloud's envelope."""
    return web.json_response(
        {
            "result": result,
            "success": status < 400,
            "errorMessages": [] if status < 400 else ["refused"],
            "statusCode": status,
        },
        status=status,
        headers={"API-Supported-Versions": "v1.36,v37"},
    )


@pytest.fixture
async def cloud(socket_enabled: None) -> AsyncIterator[FakeCloud]:
    """Run the fake cloud on a free port of 127.0.0.1."""
    fake = FakeCloud()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    fake.url = f"http://{host}:{port}"
    yield fake
    await runner.cleanup()


@pytest.fixture
def closed_port_url(socket_enabled: None) -> str:
    """Return a loopback URL where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def mock_setup_entry() -> Iterator[AsyncMock]:
    """Keep the integration's own setup out of the flow tests."""
    with (
        patch("custom_components.door_access.async_setup_entry", return_value=True) as setup,
        patch("custom_components.door_access.async_unload_entry", return_value=True),
    ):
        yield setup


def _tedee_entry(cloud: FakeCloud, **data: Any) -> MockConfigEntry:
    """Return a Tedee entry of account 1001."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Alex Home",
        unique_id="tedee_1001",
        data={
            CONF_CLOUD: "tedee",
            CONF_TOKEN: "expired-tedee-key",
            CONF_TOKEN_TYPE: "PersonalKey",
            CONF_BASE_URL: cloud.url,
            CONF_ACCOUNT_ID: 1001,
        }
        | data,
    )


def _doorflow_entry(cloud: FakeCloud) -> MockConfigEntry:
    """Return a DoorFlow entry of account 77."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Acme Offices",
        unique_id="doorflow_77",
        data={
            CONF_CLOUD: "doorflow",
            CONF_API_KEY: "revoked-doorflow-key",
            CONF_BASE_URL: cloud.url,
            CONF_ACCOUNT_ID: 77,
        },
    )


def _tedee_input(
    token: str, cloud: FakeCloud | None = None, token_type: str = "personal_key"
) -> dict[str, Any]:
    """Return what the Tedee form sends."""
    user_input: dict[str, Any] = {CONF_TOKEN: token, CONF_TOKEN_TYPE: token_type}
    if cloud is not None:
        user_input[SECTION_ADVANCED] = {CONF_BASE_URL: cloud.url}
    return user_input


def _doorflow_input(api_key: str, base_url: str | None = None) -> dict[str, Any]:
    """Return what the DoorFlow form sends."""
    user_input: dict[str, Any] = {CONF_API_KEY: api_key}
    if base_url is not None:
        user_input[SECTION_ADVANCED] = {CONF_BASE_URL: base_url}
    return user_input


def _check(result: FlowResult, flow: str = "config") -> FlowResult:
    """Assert that everything the user sees is translated and that no secret shows."""
    strings = STRINGS[flow]
    if result["type"] is FlowResultType.CREATE_ENTRY:
        assert not any(secret in result["title"] for secret in ALL_SECRETS)
        return result
    # A form may show the secret the user typed again (masked), as its suggested value only.
    shown = {key: value for key, value in result.items() if key not in ("data_schema", "flow_id")}
    assert not any(secret in repr(shown) for secret in ALL_SECRETS)
    if result["type"] is FlowResultType.ABORT:
        if result.get("translation_domain") in (None, DOMAIN):
            assert result["reason"] in strings["abort"]
        return result
    step = strings["step"][result["step_id"]]
    assert step["title"]
    assert step["description"]
    if result["type"] is FlowResultType.MENU:
        assert set(result["menu_options"]) == set(step["menu_options"])
        return result
    assert result["type"] is FlowResultType.FORM
    # What the frontend receives: the schema must serialize.
    assert probatio.to_field_list(result["data_schema"], custom_serializer=cv.custom_serializer)
    for error in (result["errors"] or {}).values():
        assert error in strings["error"]
    fields = {str(marker) for marker, value in result["data_schema"].schema.items()}
    if flow == "config":
        # The form's texts name its own fields only (a Tedee user never reads of DoorFlow's key).
        sections = set(step.get("sections", {}))
        assert set(step.get("data", {})) | sections == fields, result["step_id"]
    for marker, value in result["data_schema"].schema.items():
        key = str(marker)
        if isinstance(value, section):
            texts = step["sections"][key]
            assert texts["name"]
            for inner in value.schema.schema:
                assert texts["data"][str(inner)]
                assert texts["data_description"][str(inner)]
            continue
        assert step["data"][key]
        assert step["data_description"][key]
        config = getattr(value, "config", {})
        if translation_key := config.get("translation_key"):
            labels = STRINGS["selector"][translation_key]["options"]
            assert set(config["options"]) == set(labels)
    return result


def _suggested(result: FlowResult, key: str, in_section: str | None = None) -> Any:
    """Return the suggested value a form shows for a field."""
    schema = result["data_schema"].schema
    if in_section is not None:
        schema = next(v for k, v in schema.items() if str(k) == in_section).schema.schema
    marker = next(k for k in schema if str(k) == key)
    return (marker.description or {}).get("suggested_value")


async def _start(hass: HomeAssistant, cloud_name: str) -> FlowResult:
    """Open the user flow and pick a cloud from the menu."""
    result = _check(
        await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "user"
    result = _check(
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": cloud_name}
        )
    )
    if cloud_name == "doorflow":
        # DoorFlow offers OAuth first and its personal API key second.
        assert result["type"] is FlowResultType.MENU
        assert result["step_id"] == "sign_in_method"
        assert result["menu_options"] == ["oauth", "personal_key"]
        result = _check(
            await hass.config_entries.flow.async_configure(
                result["flow_id"], {"next_step_id": "personal_key"}
            )
        )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == cloud_name
    assert result["errors"] == {}
    return result


async def _submit(
    hass: HomeAssistant, result: FlowResult, user_input: dict[str, Any]
) -> FlowResult:
    """Send a form and check the answer."""
    return _check(await hass.config_entries.flow.async_configure(result["flow_id"], user_input))


async def _skip_bridge(hass: HomeAssistant, result: FlowResult) -> FlowResult:
    """Check the optional bridge step a Tedee sign-in leads to, and skip it (no address)."""
    assert result["type"] is FlowResultType.FORM, result
    assert result["step_id"] == "bridges"
    assert result["errors"] == {}
    return await _submit(hass, result, {})


async def _sign_in_tedee(
    hass: HomeAssistant, result: FlowResult, user_input: dict[str, Any]
) -> FlowResult:
    """Send a Tedee sign-in form that the cloud accepts, then skip the bridge step."""
    return await _skip_bridge(hass, await _submit(hass, result, user_input))


# Tedee: creating an entry


async def test_tedee_personal_key(
    hass: HomeAssistant, cloud: FakeCloud, mock_setup_entry: AsyncMock
) -> None:
    """A personal access key signs in; the entry is named after the account."""
    result = await _start(hass, "tedee")
    result = await _sign_in_tedee(hass, result, _tedee_input(f"  {TEDEE_KEY}\n", cloud))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Tedee — Alex Home's account"
    assert result["data"] == {
        CONF_CLOUD: "tedee",
        CONF_TOKEN: TEDEE_KEY,
        CONF_TOKEN_TYPE: "PersonalKey",
        CONF_BASE_URL: cloud.url,
        CONF_ACCOUNT_ID: 1001,
    }
    assert result["options"] == {}  # the bridge step skipped: no bridge
    assert result["result"].unique_id == "tedee_1001"
    assert cloud.requests == [("/api/v37/my/user", f"PersonalKey {TEDEE_KEY}")]
    await hass.async_block_till_done()
    assert len(mock_setup_entry.mock_calls) == 1


async def test_tedee_bearer_token(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """An OAuth access token is sent as Bearer and stored with its type."""
    result = await _start(hass, "tedee")
    result = await _sign_in_tedee(hass, result, _tedee_input(TEDEE_BEARER, cloud, "bearer"))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_TOKEN_TYPE] == "Bearer"
    assert result["data"][CONF_TOKEN] == TEDEE_BEARER
    assert result["result"].unique_id == "tedee_1001"
    assert cloud.requests == [("/api/v37/my/user", f"Bearer {TEDEE_BEARER}")]


@pytest.mark.parametrize(
    ("token", "title", "unique_id"),
    [
        (OTHER_TEDEE_KEY, "Tedee — sam@example.com's account", "tedee_2002"),
        (NAMELESS_TEDEE_KEY, "Tedee — 3003's account", "tedee_3003"),
    ],
)
async def test_tedee_title_fallback(
    hass: HomeAssistant, cloud: FakeCloud, token: str, title: str, unique_id: str
) -> None:
    """The title names the cloud and the account: its user's name, e-mail, else its id."""
    result = await _start(hass, "tedee")
    result = await _sign_in_tedee(hass, result, _tedee_input(token, cloud))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    assert result["result"].unique_id == unique_id


async def test_tedee_base_url_with_path(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """A base URL behind a path prefix is used as given and stored without trailing slash."""
    result = await _start(hass, "tedee")
    user_input = _tedee_input(TEDEE_KEY)
    user_input[SECTION_ADVANCED] = {CONF_BASE_URL: f" {cloud.url}/proxy/ "}
    result = await _sign_in_tedee(hass, result, user_input)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_BASE_URL] == f"{cloud.url}/proxy"
    assert cloud.requests[0][0] == "/proxy/api/v37/my/user"


async def test_tedee_form_fields(hass: HomeAssistant) -> None:
    """The Tedee form offers token, token type and a collapsed section with the base URL."""
    result = await _start(hass, "tedee")

    schema = result["data_schema"].schema
    assert [str(key) for key in schema] == [CONF_TOKEN, CONF_TOKEN_TYPE, SECTION_ADVANCED]
    advanced = next(value for key, value in schema.items() if str(key) == SECTION_ADVANCED)
    assert advanced.options == {"collapsed": True}
    assert _suggested(result, CONF_TOKEN_TYPE) == "personal_key"
    assert _suggested(result, CONF_BASE_URL, SECTION_ADVANCED) == "https://api.tedee.com"
    token_selector = next(value for key, value in schema.items() if str(key) == CONF_TOKEN)
    assert token_selector.config["type"] == "password"


@pytest.mark.parametrize(
    ("fault", "errors"),
    [
        ((401, ""), {CONF_TOKEN: "invalid_auth"}),
        ((403, ""), {CONF_TOKEN: "invalid_auth"}),
        ((429, ""), {"base": "cannot_connect"}),
        ((503, ""), {"base": "cannot_connect"}),
        ((410, ""), {"base": "cannot_connect"}),
        ((200, "<html>maintenance</html>"), {"base": "invalid_response"}),
        ((200, '{"result": null, "success": false}'), {"base": "invalid_response"}),
        ((404, ""), {"base": "invalid_response"}),
        ((200, '{"result": {"id": "x"}, "success": true}'), {"base": "invalid_response"}),
    ],
)
async def test_tedee_cloud_error_then_recovery(
    hass: HomeAssistant, cloud: FakeCloud, fault: tuple[int, str], errors: dict[str, str]
) -> None:
    """A failed sign-in shows an error, keeps the entered values, and can be retried."""
    result = await _start(hass, "tedee")
    cloud.fail_next(*fault)
    result = await _submit(hass, result, _tedee_input(TEDEE_BEARER, cloud, "bearer"))

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "tedee"
    assert result["errors"] == errors
    assert _suggested(result, CONF_TOKEN_TYPE) == "bearer"
    assert _suggested(result, CONF_BASE_URL, SECTION_ADVANCED) == cloud.url
    assert _suggested(result, CONF_TOKEN) == TEDEE_BEARER

    result = await _sign_in_tedee(hass, result, _tedee_input(TEDEE_BEARER, cloud, "bearer"))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_TOKEN_TYPE] == "Bearer"


async def test_tedee_unknown_token_then_recovery(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """A token the cloud does not know is refused; the right one then works."""
    result = await _start(hass, "tedee")
    result = await _submit(hass, result, _tedee_input("not-a-real-key", cloud))
    assert result["errors"] == {CONF_TOKEN: "invalid_auth"}

    result = await _sign_in_tedee(hass, result, _tedee_input(TEDEE_KEY, cloud))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_tedee_unreachable_then_recovery(
    hass: HomeAssistant, cloud: FakeCloud, closed_port_url: str
) -> None:
    """An address where nothing answers is `cannot_connect`; fixing it succeeds."""
    result = await _start(hass, "tedee")
    user_input = _tedee_input(TEDEE_KEY)
    user_input[SECTION_ADVANCED] = {CONF_BASE_URL: closed_port_url}
    result = await _submit(hass, result, user_input)
    assert result["errors"] == {"base": "cannot_connect"}
    assert _suggested(result, CONF_BASE_URL, SECTION_ADVANCED) == closed_port_url

    result = await _sign_in_tedee(hass, result, _tedee_input(TEDEE_KEY, cloud))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_invalid_answer_is_a_form_error_without_traceback(
    hass: HomeAssistant, cloud: FakeCloud, caplog: pytest.LogCaptureFixture
) -> None:
    """An answer that is not the API's is a translated form error, no traceback, no token."""
    caplog.set_level(logging.INFO)
    result = await _start(hass, "tedee")
    cloud.fail_next(200, "not json")
    result = await _submit(hass, result, _tedee_input(TEDEE_KEY, cloud))

    assert result["errors"] == {"base": "invalid_response"}
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info and r.levelno > logging.DEBUG]
    assert TEDEE_KEY not in caplog.text


@pytest.mark.parametrize(
    "token",
    [
        "",
        "   ",
        "two words",
        "tab\tinside",
        "t\u00f6ken",
        "key\u200b",
        "x" * 4097,
    ],
)
async def test_tedee_invalid_token_then_recovery(
    hass: HomeAssistant, cloud: FakeCloud, token: str
) -> None:
    """A token that cannot be one is refused before any request; a good one then works."""
    result = await _start(hass, "tedee")
    result = await _submit(hass, result, _tedee_input(token, cloud))

    assert result["errors"] == {CONF_TOKEN: "invalid_token"}
    assert cloud.requests == []

    result = await _sign_in_tedee(hass, result, _tedee_input(TEDEE_KEY, cloud))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_tedee_longest_token_reaches_the_cloud(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """A token of exactly 4096 characters is sent (and refused by the cloud here)."""
    result = await _start(hass, "tedee")
    result = await _submit(hass, result, _tedee_input("x" * 4096, cloud))

    assert result["errors"] == {CONF_TOKEN: "invalid_auth"}
    assert len(cloud.requests) == 1


@pytest.mark.parametrize(
    "base_url",
    [
        "api.tedee.com",
        "ftp://127.0.0.1/",
        "http://api.tedee.com",
        "http://192.168.1.10:8080",
        "https://",
        "https://user:secret@api.tedee.com",
        "https://api.tedee.com/?version=1",
        "https://api.tedee.com/#top",
        "http://[::1",
        "https://api.tedee.com\r\nX-Evil: 1",
        "https://api.te dee.com",
        "https://api.tedee.com:0",
        "https://api.tedee.com:70000",
        "https://-api.tedee.com",
        "https://api..tedee.com",
        "https://api.tedee.com/\x00",
        # Control characters are refused, never stripped into another address.
        "https://api.tedee.com\r\n",
        "https://api.tedee.com\n",
        "https://api.tedee.com\r",
        "\thttps://api.tedee.com",
        "https://api.tedee.com/\x1b",
    ],
)
async def test_tedee_invalid_base_url_then_recovery(
    hass: HomeAssistant, cloud: FakeCloud, base_url: str
) -> None:
    """A base URL that is not HTTPS (or HTTP to this machine) is refused before any request."""
    result = await _start(hass, "tedee")
    user_input = _tedee_input(TEDEE_KEY)
    user_input[SECTION_ADVANCED] = {CONF_BASE_URL: base_url}
    result = await _submit(hass, result, user_input)

    assert result["errors"] == {"base": "invalid_base_url"}
    assert _suggested(result, CONF_BASE_URL, SECTION_ADVANCED) == base_url
    assert cloud.requests == []

    result = await _sign_in_tedee(hass, result, _tedee_input(TEDEE_KEY, cloud))
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("", "https://api.tedee.com"),
        ("https://api.tedee.com/", "https://api.tedee.com"),
        ("https://proxy.example.com/tedee/", "https://proxy.example.com/tedee"),
        ("http://localhost:8123", "http://localhost:8123"),
        ("http://127.0.0.5:81", "http://127.0.0.5:81"),
        ("http://[::1]:8080/", "http://[::1]:8080"),
        ("  https://api.tedee.com  ", "https://api.tedee.com"),
    ],
)
def test_accepted_base_urls(base_url: str, expected: str) -> None:
    """HTTPS anywhere and HTTP to loopback addresses are accepted and normalized."""
    assert normalize_base_url(base_url, "https://api.tedee.com") == expected


@pytest.mark.parametrize(
    ("pasted", "token_type"),
    [
        (f"PersonalKey {TEDEE_KEY}", "PersonalKey"),
        (f"  personalkey   {TEDEE_KEY} ", "PersonalKey"),
        (f"Bearer {TEDEE_BEARER}", "Bearer"),
    ],
)
async def test_tedee_token_pasted_with_its_scheme(
    hass: HomeAssistant, cloud: FakeCloud, pasted: str, token_type: str
) -> None:
    """A token pasted with `PersonalKey ` / `Bearer ` in front: the word is dropped and wins."""
    result = await _start(hass, "tedee")
    result = await _sign_in_tedee(hass, result, _tedee_input(pasted, cloud, "personal_key"))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_TOKEN] in (TEDEE_KEY, TEDEE_BEARER)
    assert " " not in result["data"][CONF_TOKEN]
    assert result["data"][CONF_TOKEN_TYPE] == token_type


def test_refused_base_url() -> None:
    """HTTP to a host on the network is refused."""
    with pytest.raises(InvalidInputError):
        normalize_base_url("http://10.0.0.1", "https://api.tedee.com")


async def test_tedee_already_configured(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """The same account cannot be added twice, whatever the token."""
    _tedee_entry(cloud).add_to_hass(hass)
    result = await _start(hass, "tedee")
    result = await _submit(hass, result, _tedee_input(TEDEE_BEARER, cloud, "bearer"))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_tedee_second_account(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """Another account is a new entry next to the first one."""
    _tedee_entry(cloud).add_to_hass(hass)
    result = await _start(hass, "tedee")
    result = await _sign_in_tedee(hass, result, _tedee_input(OTHER_TEDEE_KEY, cloud))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


# Tedee: reauthentication and reconfiguration


@pytest.mark.parametrize("language", ["en", "de", "pl"])
def test_each_clouds_credential_forms_speak_of_it_alone(language: str) -> None:
    """A cloud's reauth and reconfigure texts describe its own fields and name no other cloud."""
    translations = Path(__file__).parents[1] / "custom_components" / DOMAIN / "translations"
    steps = json.loads((translations / f"{language}.json").read_text(encoding="utf-8"))
    for wing in CLOUDS.values():
        fields = {str(marker) for marker in wing.flow.sign_in_fields()}
        others = [other.name for other in CLOUDS.values() if other is not wing]
        for step_id in (wing.flow.reauth_step_id, wing.flow.reconfigure_step_id):
            step = steps["config"]["step"][step_id]
            assert set(step["data"]) == set(step["data_description"]) == fields, step_id
            assert not [name for name in others if name in json.dumps(step)], step_id
        assert "sections" not in steps["config"]["step"][wing.flow.reauth_step_id]


async def test_tedee_reauth(
    hass: HomeAssistant, cloud: FakeCloud, mock_setup_entry: AsyncMock
) -> None:
    """Reauth asks for a token only, survives an error and updates the entry."""
    entry = _tedee_entry(cloud)
    entry.add_to_hass(hass)
    result = _check(await entry.start_reauth_flow(hass))
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "tedee_reauth"
    assert result["description_placeholders"]["name"] == "Alex Home"
    assert [str(key) for key in result["data_schema"].schema] == [CONF_TOKEN, CONF_TOKEN_TYPE]

    cloud.fail_next(503)
    result = await _submit(hass, result, _tedee_input(TEDEE_BEARER, token_type="bearer"))
    assert result["errors"] == {"base": "cannot_connect"}
    assert _suggested(result, CONF_TOKEN_TYPE) == "bearer"

    result = await _submit(hass, result, _tedee_input("  ", token_type="bearer"))
    assert result["errors"] == {CONF_TOKEN: "invalid_token"}

    result = await _submit(hass, result, _tedee_input(TEDEE_BEARER, token_type="bearer"))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_TOKEN] == TEDEE_BEARER
    assert entry.data[CONF_TOKEN_TYPE] == "Bearer"
    assert entry.data[CONF_BASE_URL] == cloud.url
    assert entry.title == "Alex Home"
    await hass.async_block_till_done()
    assert len(mock_setup_entry.mock_calls) == 1


async def test_tedee_reauth_wrong_account(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """A token of another account aborts and leaves the entry alone."""
    entry = _tedee_entry(cloud)
    entry.add_to_hass(hass)
    result = _check(await entry.start_reauth_flow(hass))
    assert _suggested(result, CONF_TOKEN_TYPE) == "personal_key"

    result = await _submit(hass, result, _tedee_input(OTHER_TEDEE_KEY))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert entry.data[CONF_TOKEN] == "expired-tedee-key"


async def test_tedee_reconfigure(
    hass: HomeAssistant, cloud: FakeCloud, mock_setup_entry: AsyncMock
) -> None:
    """Reconfigure changes token, token type and base URL of the same account."""
    entry = _tedee_entry(cloud, **{CONF_TOKEN_TYPE: "Bearer"})
    entry.add_to_hass(hass)
    result = _check(await entry.start_reconfigure_flow(hass))
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "tedee_reconfigure"
    assert _suggested(result, CONF_TOKEN_TYPE) == "bearer"
    assert _suggested(result, CONF_BASE_URL, SECTION_ADVANCED) == cloud.url
    assert _suggested(result, CONF_TOKEN) is None

    result = await _submit(hass, result, _tedee_input("bad key", cloud))
    assert result["errors"] == {CONF_TOKEN: "invalid_token"}
    assert _suggested(result, CONF_TOKEN_TYPE) == "personal_key"

    cloud.fail_next(429)
    result = await _submit(hass, result, _tedee_input(TEDEE_KEY, cloud))
    assert result["errors"] == {"base": "cannot_connect"}

    user_input = _tedee_input(TEDEE_KEY)
    user_input[SECTION_ADVANCED] = {CONF_BASE_URL: f"{cloud.url}/v/"}
    result = await _submit(hass, result, user_input)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {
        CONF_CLOUD: "tedee",
        CONF_TOKEN: TEDEE_KEY,
        CONF_TOKEN_TYPE: "PersonalKey",
        CONF_BASE_URL: f"{cloud.url}/v",
        CONF_ACCOUNT_ID: 1001,
    }
    await hass.async_block_till_done()
    assert len(mock_setup_entry.mock_calls) == 1


async def test_tedee_reconfigure_wrong_account(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """Reconfigure cannot move an entry to another account."""
    entry = _tedee_entry(cloud)
    entry.add_to_hass(hass)
    result = _check(await entry.start_reconfigure_flow(hass))
    result = await _submit(hass, result, _tedee_input(OTHER_TEDEE_KEY, cloud))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert entry.data[CONF_TOKEN] == "expired-tedee-key"


# DoorFlow


async def test_doorflow_personal_api_key(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """A DoorFlow personal API key is checked with HTTP Basic and names the entry."""
    result = await _start(hass, "doorflow")
    assert [str(key) for key in result["data_schema"].schema] == [CONF_API_KEY, SECTION_ADVANCED]
    assert _suggested(result, CONF_BASE_URL, SECTION_ADVANCED) == "https://api.doorflow.com"

    result = await _submit(hass, result, _doorflow_input(f" {DOORFLOW_KEY} ", f"{cloud.url}/"))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "DoorFlow — Acme Offices"
    assert result["data"] == {
        CONF_CLOUD: "doorflow",
        CONF_API_KEY: DOORFLOW_KEY,
        CONF_BASE_URL: cloud.url,
        CONF_ACCOUNT_ID: "77",  # ids are opaque text; a number keeps its digits
    }
    assert result["result"].unique_id == "doorflow_77"
    assert cloud.requests == [
        ("/api/3/account", encode_basic_auth(DOORFLOW_KEY, "X")),
    ]


async def test_doorflow_title_fallback(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """An account without a name is named by its id."""
    result = await _start(hass, "doorflow")
    result = await _submit(hass, result, _doorflow_input(UNNAMED_DOORFLOW_KEY, cloud.url))

    assert result["title"] == "DoorFlow — 99"
    assert result["data"][CONF_ACCOUNT_ID] == "99"
    assert result["result"].unique_id == "doorflow_99"


@pytest.mark.parametrize(
    ("fault", "errors"),
    [
        ((401, '{"error": "invalid_token"}'), {CONF_API_KEY: "invalid_auth"}),
        ((403, ""), {CONF_API_KEY: "invalid_auth"}),
        ((429, '{"error": "rate_limited", "retry_in": 30}'), {"base": "cannot_connect"}),
        ((500, ""), {"base": "cannot_connect"}),
        ((404, ""), {"base": "invalid_response"}),
        ((200, "not json"), {"base": "invalid_response"}),
        ((200, "<html>maintenance</html>"), {"base": "invalid_response"}),
        ((200, "[1, 2]"), {"base": "invalid_response"}),
        ((200, '{"name": "no id"}'), {"base": "invalid_response"}),
        ((200, '{"id": true}'), {"base": "invalid_response"}),
        ((200, '{"id": ""}'), {"base": "invalid_response"}),
        ((200, '{"id": 1.5}'), {"base": "invalid_response"}),
    ],
)
async def test_doorflow_error_then_recovery(
    hass: HomeAssistant, cloud: FakeCloud, fault: tuple[int, str], errors: dict[str, str]
) -> None:
    """A failed DoorFlow sign-in shows an error and can be retried in the same flow."""
    result = await _start(hass, "doorflow")
    cloud.fail_next(*fault)
    result = await _submit(hass, result, _doorflow_input(DOORFLOW_KEY, cloud.url))

    assert result["errors"] == errors
    assert _suggested(result, CONF_BASE_URL, SECTION_ADVANCED) == cloud.url

    result = await _submit(hass, result, _doorflow_input(DOORFLOW_KEY, cloud.url))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_doorflow_hashid_account(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """An account whose id is a hashid (text, as DoorFlow's contract types it) signs in."""
    result = await _start(hass, "doorflow")
    cloud.fail_next(200, '{"id": "abc123xyz", "name": "Hashid Offices"}')
    result = await _submit(hass, result, _doorflow_input(DOORFLOW_KEY, cloud.url))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "DoorFlow — Hashid Offices"
    assert result["data"][CONF_ACCOUNT_ID] == "abc123xyz"
    assert result["result"].unique_id == "doorflow_abc123xyz"


async def test_doorflow_input_errors_then_recovery(
    hass: HomeAssistant, cloud: FakeCloud, closed_port_url: str
) -> None:
    """Bad key, bad URL, unknown key and an unreachable address, then success."""
    result = await _start(hass, "doorflow")
    result = await _submit(hass, result, _doorflow_input("key with spaces", cloud.url))
    assert result["errors"] == {CONF_API_KEY: "invalid_token"}

    result = await _submit(hass, result, _doorflow_input(DOORFLOW_KEY, "http://doorflow.example"))
    assert result["errors"] == {"base": "invalid_base_url"}
    assert cloud.requests == []

    result = await _submit(hass, result, _doorflow_input("unknown-key", cloud.url))
    assert result["errors"] == {CONF_API_KEY: "invalid_auth"}

    result = await _submit(hass, result, _doorflow_input(DOORFLOW_KEY, closed_port_url))
    assert result["errors"] == {"base": "cannot_connect"}

    result = await _submit(hass, result, _doorflow_input(DOORFLOW_KEY, cloud.url))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_doorflow_already_configured(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """The same DoorFlow account cannot be added twice."""
    _doorflow_entry(cloud).add_to_hass(hass)
    result = await _start(hass, "doorflow")
    result = await _submit(hass, result, _doorflow_input(DOORFLOW_KEY, cloud.url))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_doorflow_reauth(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """DoorFlow reauth asks for a new key of the same account."""
    entry = _doorflow_entry(cloud)
    entry.add_to_hass(hass)
    result = _check(await entry.start_reauth_flow(hass))
    assert result["step_id"] == "doorflow_reauth"
    assert [str(key) for key in result["data_schema"].schema] == [CONF_API_KEY]

    cloud.fail_next(500)
    result = await _submit(hass, result, _doorflow_input(DOORFLOW_KEY))
    assert result["errors"] == {"base": "cannot_connect"}

    result = await _submit(hass, result, _doorflow_input(DOORFLOW_KEY))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_API_KEY] == DOORFLOW_KEY
    assert entry.data[CONF_BASE_URL] == cloud.url


async def test_doorflow_reauth_wrong_account(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """A key of another DoorFlow account aborts reauth."""
    entry = _doorflow_entry(cloud)
    entry.add_to_hass(hass)
    result = _check(await entry.start_reauth_flow(hass))
    result = await _submit(hass, result, _doorflow_input(OTHER_DOORFLOW_KEY))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert entry.data[CONF_API_KEY] == "revoked-doorflow-key"


async def _reconfigure_with_key(hass: HomeAssistant, entry: MockConfigEntry) -> FlowResult:
    """Start reconfiguring a DoorFlow entry and choose its personal API key (not OAuth)."""
    result = _check(await entry.start_reconfigure_flow(hass))
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["oauth", "personal_key"]
    return _check(
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": "personal_key"}
        )
    )


async def test_doorflow_reconfigure(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """DoorFlow reconfigure changes key and base URL; another account is refused."""
    entry = _doorflow_entry(cloud)
    entry.add_to_hass(hass)
    result = await _reconfigure_with_key(hass, entry)
    assert result["step_id"] == "doorflow_reconfigure"
    assert _suggested(result, CONF_BASE_URL, SECTION_ADVANCED) == cloud.url

    result = await _submit(hass, result, _doorflow_input("", cloud.url))
    assert result["errors"] == {CONF_API_KEY: "invalid_token"}

    result = await _submit(hass, result, _doorflow_input(DOORFLOW_KEY, f"{cloud.url}/df"))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_API_KEY] == DOORFLOW_KEY
    assert entry.data[CONF_BASE_URL] == f"{cloud.url}/df"

    result = await _reconfigure_with_key(hass, entry)
    result = await _submit(hass, result, _doorflow_input(OTHER_DOORFLOW_KEY, cloud.url))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r", "\t"])
async def test_reconfigure_refuses_a_base_url_with_a_control_character(
    hass: HomeAssistant, cloud: FakeCloud, ending: str
) -> None:
    """Reconfigure with a trailing CR/LF (or tab): the form's error, nothing stored or sent."""
    entry = _doorflow_entry(cloud)
    entry.add_to_hass(hass)
    result = await _reconfigure_with_key(hass, entry)
    result = await _submit(hass, result, _doorflow_input(DOORFLOW_KEY, f"{cloud.url}{ending}"))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_base_url"}
    assert cloud.requests == []
    assert entry.data[CONF_BASE_URL] == cloud.url


# Options


async def test_tedee_options(
    hass: HomeAssistant, cloud: FakeCloud, mock_setup_entry: AsyncMock
) -> None:
    """Tedee entries tune polling, gates, unlock and activity catch-up; saving reloads."""
    entry = _tedee_entry(cloud)
    entry.add_to_hass(hass)
    result = _check(await hass.config_entries.options.async_init(entry.entry_id), "options")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "tedee"
    schema = result["data_schema"].schema
    assert [str(key) for key in schema] == [
        CONF_POLL_INTERVAL,
        CONF_GATE_INTERVAL,
        CONF_UNLOCK_BEHAVIOR,
        CONF_ACTIVITY_INTERVAL,
    ]
    defaults = {str(key): key.default() for key in schema}
    assert defaults == {
        CONF_POLL_INTERVAL: 20,
        CONF_GATE_INTERVAL: 300,
        CONF_UNLOCK_BEHAVIOR: "unlock",
        CONF_ACTIVITY_INTERVAL: 15,
    }
    activity = next(value for key, value in schema.items() if str(key) == CONF_ACTIVITY_INTERVAL)
    assert activity.config["unit_of_measurement"] == "min"
    poll = next(value for key, value in schema.items() if str(key) == CONF_POLL_INTERVAL)
    assert poll.config["mode"] == "box"
    assert result["description_placeholders"] == {
        "poll_interval_min": "20",
        "poll_interval_max": "3600",
        "gate_interval_min": "60",
        "gate_interval_max": "86400",
        "activity_interval_min": "0",
        "activity_interval_max": "1440",
    }

    # Out of range: a translated error on the field that names the allowed range.
    result = _check(
        await hass.config_entries.options.async_configure(
            result["flow_id"],
            {
                CONF_POLL_INTERVAL: 5,
                CONF_GATE_INTERVAL: 100000,
                CONF_UNLOCK_BEHAVIOR: "unlock",
                CONF_ACTIVITY_INTERVAL: 1441,
            },
        ),
        "options",
    )
    assert result["errors"] == {
        CONF_POLL_INTERVAL: "poll_interval_range",
        CONF_GATE_INTERVAL: "gate_interval_range",
        CONF_ACTIVITY_INTERVAL: "activity_interval_range",
    }
    assert _suggested(result, CONF_POLL_INTERVAL) == 5
    message = STRINGS["options"]["error"]["poll_interval_range"].format(
        **result["description_placeholders"]
    )
    assert message == "Enter a whole number of seconds from 20 to 3600."
    message = STRINGS["options"]["error"]["activity_interval_range"].format(
        **result["description_placeholders"]
    )
    assert message == "Enter a whole number of minutes from 0 to 1440."

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_POLL_INTERVAL: 45.0,
            CONF_GATE_INTERVAL: 600,
            CONF_UNLOCK_BEHAVIOR: "unlock_and_pull",
            CONF_ACTIVITY_INTERVAL: 0,
        },
    )
    # Then the optional bridges step: nothing added keeps none.
    assert result["step_id"] == "bridges"
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        CONF_POLL_INTERVAL: 45,
        CONF_GATE_INTERVAL: 600,
        CONF_UNLOCK_BEHAVIOR: "unlock_and_pull",
        CONF_ACTIVITY_INTERVAL: 0,
        "bridges": [],
    }
    assert isinstance(entry.options[CONF_POLL_INTERVAL], int)
    await hass.async_block_till_done()
    assert len(mock_setup_entry.mock_calls) == 1

    result = _check(await hass.config_entries.options.async_init(entry.entry_id), "options")
    assert _suggested(result, CONF_POLL_INTERVAL) == 45
    assert _suggested(result, CONF_UNLOCK_BEHAVIOR) == "unlock_and_pull"
    assert _suggested(result, CONF_ACTIVITY_INTERVAL) == 0


_TEDEE_SETTINGS = {
    CONF_POLL_INTERVAL: 20,
    CONF_GATE_INTERVAL: 300,
    CONF_UNLOCK_BEHAVIOR: "unlock",
    CONF_ACTIVITY_INTERVAL: 15,
}


async def _tedee_bridges_step(hass: HomeAssistant, entry: MockConfigEntry) -> FlowResult:
    """Open a Tedee entry's options and pass the first form: the bridges form."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], _TEDEE_SETTINGS)
    assert result["step_id"] == "bridges"
    return _check(result, "options")


@pytest.mark.usefixtures("mock_setup_entry")
async def test_tedee_options_remove_a_stored_bridge(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """Stored bridges are offered for removal; the same one again is refused before contact."""
    bridge = {"address": "192.168.1.20:8080", "token": "local-token", "webhook_id": "w1"}
    entry = _tedee_entry(cloud)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options={CONF_BRIDGES: [bridge]})
    result = await _tedee_bridges_step(hass, entry)
    removal = next(v for k, v in result["data_schema"].schema.items() if str(k) == "remove_bridges")
    assert removal.config["options"] == ["192.168.1.20:8080"]

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_BRIDGE_ADDRESS: "192.168.1.20:8080", CONF_BRIDGE_TOKEN: "x"}
    )
    assert result["errors"] == {CONF_BRIDGE_ADDRESS: "bridge_already_added"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"remove_bridges": ["192.168.1.20:8080"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {**_TEDEE_SETTINGS, CONF_BRIDGES: []}


@pytest.mark.usefixtures("mock_setup_entry")
async def test_tedee_options_ignore_unreadable_stored_bridges(
    hass: HomeAssistant, cloud: FakeCloud
) -> None:
    """Stored bridges that are not a list offer nothing to remove; saving keeps no bridge."""
    entry = _tedee_entry(cloud)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options={CONF_BRIDGES: "192.168.1.20"})
    result = await _tedee_bridges_step(hass, entry)
    assert [str(key) for key in result["data_schema"].schema] == [
        CONF_BRIDGE_ADDRESS,
        CONF_BRIDGE_TOKEN,
    ]
    result = await hass.config_entries.options.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {**_TEDEE_SETTINGS, CONF_BRIDGES: []}


async def test_doorflow_options(hass: HomeAssistant, cloud: FakeCloud) -> None:
    """DoorFlow entries tune the polling interval (at least every 30 s) and push (on)."""
    entry = _doorflow_entry(cloud)
    entry.add_to_hass(hass)
    result = _check(await hass.config_entries.options.async_init(entry.entry_id), "options")
    # DoorFlow's own form and wording (not Tedee's).
    assert result["step_id"] == "doorflow"
    assert "Tedee" not in json.dumps(STRINGS["options"]["step"]["doorflow"])
    assert "DoorFlow" not in json.dumps(STRINGS["options"]["step"]["tedee"])
    schema = result["data_schema"].schema
    assert [str(key) for key in schema] == [CONF_POLL_INTERVAL, CONF_PUSH]
    assert [key.default() for key in schema] == [30, True]

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_POLL_INTERVAL: 20}
    )
    assert result["errors"] == {CONF_POLL_INTERVAL: "poll_interval_range"}
    assert result["description_placeholders"]["poll_interval_min"] == "30"

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_POLL_INTERVAL: 120}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_POLL_INTERVAL: 120, CONF_PUSH: True}

    result = _check(await hass.config_entries.options.async_init(entry.entry_id), "options")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_POLL_INTERVAL: 120, CONF_PUSH: False}
    )
    assert entry.options == {CONF_POLL_INTERVAL: 120, CONF_PUSH: False}


def test_steps_made_at_run_time_are_only_the_clouds_and_their_forms(
    hass: HomeAssistant, cloud: FakeCloud
) -> None:
    """`async_step_<id>` exists for each registered cloud and options form, for nothing else."""
    flow = DoorAccessConfigFlow()
    assert callable(flow.async_step_tedee)
    assert callable(flow.async_step_doorflow)
    assert not hasattr(flow, "async_step_nowhere")
    assert not hasattr(flow, "tedee")
    entry = _tedee_entry(cloud)
    entry.add_to_hass(hass)
    options = DoorAccessOptionsFlow()
    options.hass = hass
    options.handler = entry.entry_id
    assert callable(options.async_step_tedee)
    assert callable(options.async_step_bridges)
    assert not hasattr(options, "async_step_doorflow")


# The same flows against the project's cloud simulator (scenario "home")


@pytest.fixture
async def sim(socket_enabled: None, simulator: Simulator) -> Simulator:
    """Return the running simulator (sockets to 127.0.0.1 allowed first)."""
    return simulator


async def _start_sim_tedee(hass: HomeAssistant, sim: Simulator, token: str) -> FlowResult:
    """Send a Tedee token to the simulator through a new flow."""
    result = await _start(hass, "tedee")
    user_input = _tedee_input(token)
    user_input[SECTION_ADVANCED] = {CONF_BASE_URL: sim.url}
    return await _submit(hass, result, user_input)


async def test_simulator_tedee_sign_in(hass: HomeAssistant, sim: Simulator) -> None:
    """The demo personal key signs in; the bearer token of the same account is a duplicate."""
    result = await _start_sim_tedee(hass, sim, "demo-tedee-personal-key")
    result = await _skip_bridge(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Tedee — Demo User's account"
    assert result["result"].unique_id == "tedee_4242"
    assert result["data"][CONF_ACCOUNT_ID] == 4242

    result = await _start(hass, "tedee")
    user_input = _tedee_input("demo-tedee-bearer-token", token_type="bearer")
    user_input[SECTION_ADVANCED] = {CONF_BASE_URL: sim.url}
    result = await _submit(hass, result, user_input)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def _sim_bridge(sim: Simulator) -> tuple[str, str]:
    """Return the address and local token of the simulator's bridge 9001."""
    (bridge,) = [item for item in await sim.control("GET", "tedee/bridges") if item["id"] == 9001]
    return f"127.0.0.1:{bridge['port']}", bridge["config"]["token"]


async def test_simulator_tedee_bridge_after_sign_in(hass: HomeAssistant, sim: Simulator) -> None:
    """After signing in, a bridge is offered: refusals show on their field, then it is added.

    The same checks as the options' bridges step, against the simulator's bridge local API:
    an address that is not one, a wrong token, a bridge that does not answer.
    """
    address, token = await _sim_bridge(sim)
    result = await _start_sim_tedee(hass, sim, "demo-tedee-personal-key")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "bridges"
    assert [str(key) for key in result["data_schema"].schema] == [
        CONF_BRIDGE_ADDRESS,
        CONF_BRIDGE_TOKEN,
    ]
    assert result["description_placeholders"] == {"name": "Tedee — Demo User's account"}
    assert not hass.config_entries.async_entries(DOMAIN)  # nothing created yet

    await sim.control("POST", "tedee/bridges/9001", {"unreachable": True})
    for given, errors in (
        ({CONF_BRIDGE_ADDRESS: "http://x/y", CONF_BRIDGE_TOKEN: token}, "invalid_bridge_address"),
        ({CONF_BRIDGE_ADDRESS: address, CONF_BRIDGE_TOKEN: token}, "cannot_connect_bridge"),
    ):
        result = await _submit(hass, result, given)
        assert result["step_id"] == "bridges"
        assert result["errors"] == {CONF_BRIDGE_ADDRESS: errors}
        assert _suggested(result, CONF_BRIDGE_ADDRESS) == given[CONF_BRIDGE_ADDRESS]
    # Something else answering at the address (a captive page): the same, never a traceback.
    await sim.control("POST", "tedee/bridges/9001", {"unreachable": False, "garbled": True})
    result = await _submit(hass, result, {CONF_BRIDGE_ADDRESS: address, CONF_BRIDGE_TOKEN: token})
    assert result["errors"] == {CONF_BRIDGE_ADDRESS: "cannot_connect_bridge"}
    await sim.control("POST", "tedee/bridges/9001", {"garbled": False})
    for wrong in ("wrong-token", "   "):
        result = await _submit(
            hass, result, {CONF_BRIDGE_ADDRESS: address, CONF_BRIDGE_TOKEN: wrong}
        )
        assert result["errors"] == {CONF_BRIDGE_TOKEN: "invalid_bridge_token"}
    assert not hass.config_entries.async_entries(DOMAIN)

    result = await _submit(
        hass, result, {CONF_BRIDGE_ADDRESS: f" {address} ", CONF_BRIDGE_TOKEN: token}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Tedee — Demo User's account"
    assert result["result"].unique_id == "tedee_4242"
    (bridge,) = result["options"][CONF_BRIDGES]
    assert bridge["address"] == address
    assert bridge["token"] == token
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert entry.options == {CONF_BRIDGES: [bridge]}


async def test_simulator_tedee_bridge_skipped(hass: HomeAssistant, sim: Simulator) -> None:
    """An empty address skips the bridge: no bridge contacted, the entry without bridges."""
    before = await sim.control("GET", "tedee/bridges")
    result = await _start_sim_tedee(hass, sim, "demo-tedee-personal-key")
    result = await _submit(hass, result, {CONF_BRIDGE_ADDRESS: "  ", CONF_BRIDGE_TOKEN: "x"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"] == {}
    assert await sim.control("GET", "tedee/bridges") == before


async def test_account_added_elsewhere_while_the_bridge_step_is_open(
    hass: HomeAssistant, sim: Simulator
) -> None:
    """Two flows of one account at the bridge step: the first to finish ends the other."""
    first = await _start_sim_tedee(hass, sim, "demo-tedee-personal-key")
    second = await _start_sim_tedee(hass, sim, "demo-tedee-personal-key")
    assert first["step_id"] == second["step_id"] == "bridges"
    assert (await _submit(hass, first, {}))["type"] is FlowResultType.CREATE_ENTRY
    with pytest.raises(UnknownFlow):
        await hass.config_entries.flow.async_configure(second["flow_id"], {})
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


async def test_simulator_tedee_faults(hass: HomeAssistant, sim: Simulator) -> None:
    """A 503, a revoked key and an expired key show errors; a good key then works."""
    await sim.control("POST", "faults", {"kind": "status", "status": 503, "count": 1})
    result = await _start_sim_tedee(hass, sim, "demo-tedee-personal-key")
    assert result["errors"] == {"base": "cannot_connect"}

    user_input = _tedee_input("demo-tedee-expired-key")
    user_input[SECTION_ADVANCED] = {CONF_BASE_URL: sim.url}
    result = await _submit(hass, result, user_input)
    assert result["errors"] == {CONF_TOKEN: "invalid_auth"}

    await sim.control("POST", "tokens/revoke", {"token": "demo-tedee-bearer-token"})
    user_input = _tedee_input("demo-tedee-bearer-token", token_type="bearer")
    user_input[SECTION_ADVANCED] = {CONF_BASE_URL: sim.url}
    result = await _submit(hass, result, user_input)
    assert result["errors"] == {CONF_TOKEN: "invalid_auth"}

    user_input = _tedee_input("demo-tedee-personal-key")
    user_input[SECTION_ADVANCED] = {CONF_BASE_URL: sim.url}
    result = await _sign_in_tedee(hass, result, user_input)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_simulator_tedee_reauth(hass: HomeAssistant, sim: Simulator) -> None:
    """Reauth with the simulator's key works for its account and refuses another one."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Demo User",
        unique_id="tedee_4242",
        data={
            CONF_CLOUD: "tedee",
            CONF_TOKEN: "demo-tedee-expired-key",
            CONF_TOKEN_TYPE: "PersonalKey",
            CONF_BASE_URL: sim.url,
            CONF_ACCOUNT_ID: 4242,
        },
    )
    entry.add_to_hass(hass)
    result = _check(await entry.start_reauth_flow(hass))
    result = await _submit(hass, result, _tedee_input("demo-tedee-personal-key"))
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_TOKEN] == "demo-tedee-personal-key"

    other = MockConfigEntry(
        domain=DOMAIN,
        title="Someone else",
        unique_id="tedee_1",
        data=dict(entry.data) | {CONF_ACCOUNT_ID: 1},
    )
    other.add_to_hass(hass)
    result = _check(await other.start_reauth_flow(hass))
    result = await _submit(hass, result, _tedee_input("demo-tedee-personal-key"))
    assert result["reason"] == "wrong_account"


async def test_simulator_doorflow(hass: HomeAssistant, sim: Simulator) -> None:
    """The demo DoorFlow key signs in after a transient server error."""
    await sim.control("POST", "faults", {"kind": "status", "status": 503, "count": 1})
    result = await _start(hass, "doorflow")
    result = await _submit(hass, result, _doorflow_input("demo-doorflow-api-key", sim.url))
    assert result["errors"] == {"base": "cannot_connect"}

    result = await _submit(hass, result, _doorflow_input("demo-doorflow-api-key", sim.url))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "DoorFlow — Demo Office"
    assert result["result"].unique_id == "doorflow_7001"
    assert result["data"][CONF_ACCOUNT_ID] == "7001"


async def test_simulator_doorflow_hashid_account(hass: HomeAssistant, sim: Simulator) -> None:
    """An account whose id is a hashid (the contract's string) signs in and loads.

    Issue 16: the client required a number, so such an account failed with
    "invalid response".
    """
    sim.world.doorflow.account.hashid = "abc123xyz"
    result = await _start(hass, "doorflow")
    result = await _submit(hass, result, _doorflow_input("demo-doorflow-api-key", sim.url))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.unique_id == "doorflow_abc123xyz"
    assert result["data"][CONF_ACCOUNT_ID] == "abc123xyz"
    assert result["title"] == "DoorFlow — Demo Office"


async def test_strings_load_in_home_assistant(hass: HomeAssistant) -> None:
    """Home Assistant loads the flow's strings for the frontend."""
    strings = await async_get_translations(hass, "en", "config", {DOMAIN})
    assert strings[f"component.{DOMAIN}.config.step.tedee.title"] == "Sign in to Tedee"
    assert strings[f"component.{DOMAIN}.config.error.invalid_token"]
    options = await async_get_translations(hass, "en", "options", {DOMAIN})
    assert options[f"component.{DOMAIN}.options.step.tedee.data.poll_interval"]
    selectors = await async_get_translations(hass, "en", "selector", {DOMAIN})
    assert selectors[f"component.{DOMAIN}.selector.token_type.options.bearer"]
