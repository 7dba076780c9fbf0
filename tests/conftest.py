"""Fixtures: a real Home Assistant and the project's cloud simulator on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
import logging
from typing import Any

import aiohttp
from homeassistant.const import CONF_API_KEY, CONF_TOKEN
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.door_access.const import CONF_ACCOUNT_ID, CONF_BASE_URL, CONF_CLOUD, DOMAIN
from custom_components.door_access.doorflow.const import CLOUD as DOORFLOW
from custom_components.door_access.tedee.const import CLOUD as TEDEE, CONF_TOKEN_TYPE
from simulator import SimulatorServer, World, load_scenario

from .helpers import setup_entry

# The plugin sets SQLAlchemy's engine to INFO; the recorder thread then prints every statement
# between tests, outside pytest's capture, and buries the test run's own output.
logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)

TEDEE_KEY = "demo-tedee-personal-key"
TEDEE_ACCOUNT_ID = 4242
DOORFLOW_KEY = "demo-doorflow-api-key"
DOORFLOW_ACCOUNT_ID = 7001


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> Iterator[None]:
    """Let Home Assistant load the integration from custom_components/."""
    return


class _DeprecationRecords(logging.Handler):
    """Collect the deprecation warnings Home Assistant logs about this integration."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep a warning that says something of ours (or a test's command) is deprecated."""
        message = record.getMessage()
        if "deprecated" not in message.lower():
            return
        ours = "door_access" in message or record.name.startswith("custom_components.door_access")
        # A websocket command a test sends (HA names no integration for those).
        command = record.name.startswith("homeassistant.components.config")
        if ours or command:
            self.found.append(f"{record.name}: {message}")


@pytest.fixture(autouse=True)
def fail_on_deprecations() -> Iterator[None]:
    """Fail a test in which Home Assistant reports a deprecated use by this integration."""
    handler = _DeprecationRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    assert not handler.found, "deprecated Home Assistant API used:\n" + "\n".join(handler.found)


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Return syrupy's snapshot with Home Assistant's serializers (registry ids hidden)."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@dataclass
class Simulator:
    """A running cloud simulator and helpers to drive its control API."""

    server: SimulatorServer
    world: World
    session: aiohttp.ClientSession

    @property
    def url(self) -> str:
        """Return the base URL of both simulated clouds."""
        return str(self.server.url)

    async def control(self, method: str, path: str, payload: Any = None) -> Any:
        """Call the simulator's control API and return its JSON answer."""
        async with self.session.request(
            method, f"{self.url}/_control/{path.lstrip('/')}", json=payload
        ) as response:
            assert response.status < 400, await response.text()
            if response.content_type == "application/json":
                return await response.json()
            return None

    async def requests(self) -> dict[str, Any]:
        """Return the simulator's request log counters."""
        result: dict[str, Any] = await self.control("GET", "requests")
        return result

    async def count(self, endpoint: str) -> int:
        """Return how many requests hit one endpoint (route template, e.g. 'GET .../sync')."""
        log = await self.requests()
        return sum(n for key, n in log["by_endpoint"].items() if key.endswith(endpoint))


@pytest.fixture
def scenario_name() -> str:
    """Return the scenario the simulator loads (override in a module to change it)."""
    return "home"


@pytest.fixture
async def simulator(scenario_name: str, socket_enabled: None) -> AsyncIterator[Simulator]:
    """Run the cloud simulator on 127.0.0.1 with the test clock (frozen time moves it too).

    `socket_enabled` lifts pytest-socket's block; connections stay limited to 127.0.0.1.
    """
    # No clock given: the simulator reads time.monotonic() and datetime.now() at each request,
    # so the `freezer` fixture moves the simulated clouds together with Home Assistant.
    world = World(load_scenario(scenario_name), seed=1, ambient=False)
    async with (
        SimulatorServer(world, host="127.0.0.1", port=0) as server,
        aiohttp.ClientSession() as session,
    ):
        yield Simulator(server=server, world=world, session=session)


@pytest.fixture
def mock_config_entry(simulator: Simulator) -> MockConfigEntry:
    """Return a Tedee config entry for the scenario's account, pointing at the simulator."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Demo",
        unique_id=f"tedee_{TEDEE_ACCOUNT_ID}",
        data={
            CONF_CLOUD: TEDEE,
            CONF_TOKEN: TEDEE_KEY,
            CONF_TOKEN_TYPE: "PersonalKey",
            CONF_BASE_URL: simulator.url,
            CONF_ACCOUNT_ID: TEDEE_ACCOUNT_ID,
        },
    )


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set up the Tedee entry against the simulator and wait until it is loaded."""
    assert await setup_entry(hass, mock_config_entry)
    return mock_config_entry


@pytest.fixture
def doorflow_config_entry(simulator: Simulator) -> MockConfigEntry:
    """Return a DoorFlow config entry for the scenario's account, pointing at the simulator."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Demo Office",
        unique_id=f"doorflow_{DOORFLOW_ACCOUNT_ID}",
        data={
            CONF_CLOUD: DOORFLOW,
            CONF_API_KEY: DOORFLOW_KEY,
            CONF_BASE_URL: simulator.url,
            CONF_ACCOUNT_ID: DOORFLOW_ACCOUNT_ID,
        },
    )


@pytest.fixture
async def init_doorflow(
    hass: HomeAssistant, doorflow_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set up the DoorFlow entry against the simulator and wait until it is loaded."""
    assert await setup_entry(hass, doorflow_config_entry)
    return doorflow_config_entry
