"""A real Home Assistant with Door Access, signed in through its config flow to the simulator.

Everything runs on one `VirtualTimeLoop`: the simulator (real aiohttp server on 127.0.0.1),
Home Assistant (`async_test_home_assistant`, custom integrations enabled) and the driver.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
import functools
from pathlib import Path
import socket
import time
from typing import Any

import aiohttp
from aiohttp import web
from homeassistant import loader
from homeassistant.components.http.config import DATA_STORE as HTTP_CONFIG_STORE
from homeassistant.config_entries import SOURCE_USER, ConfigEntry, ConfigEntryState
from homeassistant.const import (
    CONF_API_KEY,
    CONF_TOKEN,
    EVENT_STATE_CHANGED,
    EVENT_STATE_REPORTED,
)
from homeassistant.core import (
    Event,
    EventStateChangedData,
    EventStateReportedData,
    HomeAssistant,
    callback,
)
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.door_access.api import DoorCloudError
from custom_components.door_access.api.core.http import JsonHttp
from custom_components.door_access.config_flow import STEP_PERSONAL_KEY
from custom_components.door_access.const import CONF_BASE_URL, DOMAIN
from custom_components.door_access.coordinator import DoorAccessCoordinator
from custom_components.door_access.doorflow.const import CLOUD as DOORFLOW
from custom_components.door_access.tedee.bridge_client import BridgeAddress
from custom_components.door_access.tedee.bridge_push import new_bridge_config
from custom_components.door_access.tedee.const import CLOUD as TEDEE, CONF_BRIDGES, CONF_TOKEN_TYPE
from simulator import Scenario, SimulatorServer, World
from simulator.http_common import ARRIVAL_KEY, endpoint_of

from .virtual_time import VirtualTimeLoop

TEDEE_KEY = "demo-tedee-personal-key"
DOORFLOW_KEY = "demo-doorflow-api-key"
# The simulator's base URL goes in the form's collapsed section.
SECTION_ADVANCED = "advanced"

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class ClientErrors:
    """Every error the integration's API clients raised, by class (timeouts included)."""

    by_kind: Counter[str] = field(default_factory=Counter)

    @property
    def timeouts(self) -> int:
        """Return how many requests ended on the client's deadline."""
        return sum(n for kind, n in self.by_kind.items() if kind.endswith("TimeoutError"))


CLIENT_ERRORS = ClientErrors()


@asynccontextmanager
async def counting_client_errors() -> AsyncIterator[ClientErrors]:
    """Count every error raised by the clients' HTTP core while the context is open."""
    original = JsonHttp.request

    @functools.wraps(original)
    async def request(self: JsonHttp, *args: Any, **kwargs: Any) -> Any:
        try:
            return await original(self, *args, **kwargs)
        except DoorCloudError as err:
            CLIENT_ERRORS.by_kind[type(err).__name__] += 1
            raise

    JsonHttp.request = request  # type: ignore[method-assign]
    try:
        yield CLIENT_ERRORS
    finally:
        JsonHttp.request = original  # type: ignore[method-assign]


@dataclass(frozen=True)
class Transit:
    """One API request's trip on the virtual clock: sent, arrived (after the uplink), answered.

    `sent` is when it reached the simulator's socket (loopback: when the client sent it),
    `answered` when the answer left after the downlink delay.
    """

    endpoint: str
    sent: float
    arrival: float
    answered: float
    status: int

    @property
    def uplink(self) -> float:
        """Return the seconds the request spent on its way (the simulated uplink)."""
        return self.arrival - self.sent

    @property
    def downlink(self) -> float:
        """Return the seconds from arrival to the answer leaving (handling and downlink)."""
        return self.answered - self.arrival


TRANSIT_LIMIT = 500


class ServerMeter:
    """CPU time the simulator spends answering API requests, and each request's transit.

    Without latency a request's handling does not wait on anything, so this is the server's
    own work, which runs in the same process as Home Assistant; with latency it would include
    whatever ran during the delays.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self.cpu = 0.0
        self._clock = clock
        self.transits: deque[Transit] = deque(maxlen=TRANSIT_LIMIT)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Time one request's handling; note its trip when it is an API request."""
        start = time.process_time()
        sent = self._clock()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        finally:
            self.cpu += time.process_time() - start
            arrival = request.get(ARRIVAL_KEY)
            if arrival is not None:
                self.transits.append(
                    Transit(endpoint_of(request), sent, float(arrival), self._clock(), status)
                )

    def last(self, accept: Callable[[Transit], bool]) -> Transit | None:
        """Return the newest trip an answer was sent for that `accept` takes."""
        return next((t for t in reversed(self.transits) if accept(t)), None)


@dataclass
class SimulatedCloud:
    """A running simulator world and a session for its control API."""

    world: World
    server: SimulatorServer
    session: aiohttp.ClientSession
    meter: ServerMeter

    @property
    def url(self) -> str:
        """Return the base URL of both simulated clouds."""
        return self.server.url

    async def control(self, method: str, path: str, payload: object = None) -> Any:
        """Call the control API (never delayed, never counted) and return its JSON answer."""
        async with self.session.request(
            method, f"{self.url}/_control/{path.lstrip('/')}", json=payload
        ) as response:
            if response.status >= 400:
                raise RuntimeError(f"control {method} {path}: {await response.text()}")
            return await response.json()


@asynccontextmanager
async def simulated_cloud(
    loop: VirtualTimeLoop,
    scenario: Scenario,
    *,
    seed: int,
    latency_ms: tuple[float, float] = (0.0, 0.0),
) -> AsyncIterator[SimulatedCloud]:
    """Run a simulator world on the loop's virtual clock, with latency on both halves."""
    world = World(scenario, clock=loop.time, utcnow=loop.utcnow, seed=seed, ambient=False)
    world.latency.set(request_ms=latency_ms, response_ms=latency_ms)
    meter = ServerMeter(loop.time)
    server = SimulatorServer(world, host="127.0.0.1", port=0)
    # Outermost, so that it times the simulator's own middleware (delays, faults, log) too.
    server.app.middlewares.insert(0, meter.middleware)
    async with server, aiohttp.ClientSession() as session:
        yield SimulatedCloud(world=world, server=server, session=session, meter=meter)


class StateLog:
    """Counts state writes and lets the driver wait for an entity to show a state."""

    def __init__(self, hass: HomeAssistant) -> None:
        self._hass = hass
        self.changed = 0
        self.reported = 0
        self._waiters: dict[str, list[tuple[Callable[[str], bool], asyncio.Future[float]]]] = {}
        self._history: dict[str, list[tuple[float, str]]] = {}
        self._recorded: set[str] = set()
        # When each entity first had a state (virtual time): when it appeared.
        self.first_shown: dict[str, float] = {}
        hass.bus.async_listen(EVENT_STATE_CHANGED, self._on_changed)
        hass.bus.async_listen(EVENT_STATE_REPORTED, self._on_reported, event_filter=_every)

    @property
    def writes(self) -> int:
        """Return every state write so far (changed or only reported again)."""
        return self.changed + self.reported

    @callback
    def _on_reported(self, event: Event[EventStateReportedData]) -> None:  # noqa: ARG002
        """Count a write that changed nothing."""
        self.reported += 1

    @callback
    def _on_changed(self, event: Event[EventStateChangedData]) -> None:
        """Count a write that changed the state or its attributes; wake whoever waits."""
        self.changed += 1
        entity_id = event.data["entity_id"]
        new = event.data["new_state"]
        if new is None:
            return
        now = self._hass.loop.time()
        if event.data["old_state"] is None:
            self.first_shown.setdefault(entity_id, now)
        if entity_id in self._recorded:
            self._history.setdefault(entity_id, []).append((now, new.state))
        waiters = self._waiters.get(entity_id)
        if not waiters:
            return
        for accept, future in waiters:
            if not future.done() and accept(new.state):
                future.set_result(now)
        # Drop the waiters that are served, or that gave up (cancelled).
        waiters[:] = [(accept, future) for accept, future in waiters if not future.done()]

    def wait_for(self, entity_id: str, accept: Callable[[str], bool]) -> asyncio.Future[float]:
        """Return a future set to the virtual time the entity next shows an accepted state."""
        future: asyncio.Future[float] = self._hass.loop.create_future()
        self._waiters.setdefault(entity_id, []).append((accept, future))
        return future

    def record(self, entity_id: str) -> list[tuple[float, str]]:
        """Start keeping every state the entity goes through (virtual time, state)."""
        self._recorded.add(entity_id)
        return self._history.setdefault(entity_id, [])


@callback
def _every(data: EventStateReportedData) -> bool:  # noqa: ARG001
    """Let every state_reported event through (Home Assistant requires a filter)."""
    return True


@dataclass
class Account:
    """One signed-in account: its entry and coordinator."""

    entry: ConfigEntry[Any]

    @property
    def loaded(self) -> bool:
        """Tell whether the entry is set up."""
        return self.entry.state is ConfigEntryState.LOADED

    @property
    def coordinator(self) -> DoorAccessCoordinator[Any]:
        """Return the entry's coordinator."""
        coordinator: DoorAccessCoordinator[Any] = self.entry.runtime_data.coordinator
        return coordinator

    def entity_ids(self, hass: HomeAssistant) -> list[str]:
        """Return the ids of the entry's entities that are enabled."""
        registry = er.async_get(hass)
        return [
            e.entity_id
            for e in er.async_entries_for_config_entry(registry, self.entry.entry_id)
            if e.disabled_by is None
        ]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def home_assistant(loop: VirtualTimeLoop, config_dir: str) -> AsyncIterator[HomeAssistant]:
    """Run a real Home Assistant (the test harness's) on the loop, custom integrations on.

    Its configuration and `.storage` live in `config_dir` (the bench's own, kept across a
    restart). Its HTTP server binds a free port on 127.0.0.1, never 8123 (another Home
    Assistant on the machine may hold it).
    """
    # Home Assistant keeps its HTTP settings in `.storage/http` from its first start on and
    # ignores the YAML after; each start here binds a new free port (a restart included).
    (Path(config_dir) / ".storage" / "http").unlink(missing_ok=True)
    async with async_test_home_assistant(loop, config_dir=config_dir) as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)
        if hass.loop is not loop or hass.loop.time() != loop.time():
            raise RuntimeError("Home Assistant does not run on the virtual clock")
        http = {"server_host": "127.0.0.1", "server_port": free_port()}
        if not await async_setup_component(hass, "http", {"http": http}):
            raise RuntimeError("Home Assistant's http did not set up")
        if hass.http.server_port != http["server_port"]:
            raise RuntimeError(f"Home Assistant's http took port {hass.http.server_port}")
        store = hass.data.get(HTTP_CONFIG_STORE)
        if store is not None and store.pending is not None:
            # Confirmed as a user would, or Home Assistant reverts it after 5 minutes.
            await store.async_promote_pending()
        try:
            yield hass
        finally:
            for entry in hass.config_entries.async_entries(DOMAIN):
                if entry.state is ConfigEntryState.LOADED:
                    await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_stop(force=True)


async def _sign_in(hass: HomeAssistant, cloud: str, user_input: dict[str, Any]) -> ConfigEntry[Any]:
    """Add an account through the real config flow (menus, sign-in form with base URL).

    The optional bridge step after a Tedee sign-in is skipped (no bridge: every lock polled).
    """
    flows = hass.config_entries.flow
    result = await flows.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await flows.async_configure(result["flow_id"], {"next_step_id": cloud})
    if result["type"] is FlowResultType.MENU:
        # A cloud that also signs in through OAuth asks how first: the personal key here.
        result = await flows.async_configure(result["flow_id"], {"next_step_id": STEP_PERSONAL_KEY})
    result = await flows.async_configure(result["flow_id"], user_input)
    if result["type"] is FlowResultType.FORM and not result.get("errors"):
        # A page after signing in (Tedee's first bridge) is optional: left empty here; the
        # push runs add the account's bridges to the options (`add_bridges`).
        result = await flows.async_configure(result["flow_id"], {})
    if result["type"] is not FlowResultType.CREATE_ENTRY:
        raise RuntimeError(f"sign-in to {cloud} failed: {result.get('errors')}")
    entry: ConfigEntry[Any] = result["result"]
    await hass.async_block_till_done()
    return entry


async def add_tedee(hass: HomeAssistant, url: str) -> Account:
    """Sign in to the simulated Tedee account with the scenario's personal key."""
    entry = await _sign_in(
        hass,
        TEDEE,
        {
            CONF_TOKEN: TEDEE_KEY,
            CONF_TOKEN_TYPE: "personal_key",
            SECTION_ADVANCED: {CONF_BASE_URL: url},
        },
    )
    return Account(entry)


async def add_doorflow(hass: HomeAssistant, url: str) -> Account:
    """Sign in to the simulated DoorFlow account with the scenario's API key."""
    entry = await _sign_in(
        hass, DOORFLOW, {CONF_API_KEY: DOORFLOW_KEY, SECTION_ADVANCED: {CONF_BASE_URL: url}}
    )
    return Account(entry)


async def serve_webhooks(hass: HomeAssistant) -> str:
    """Make Home Assistant's HTTP server (127.0.0.1) its external and internal URL; return it.

    The simulated DoorFlow calls the notification rule's URL (the external one) and the
    simulated bridges call their callbacks (the internal one) on this server, for real.
    """
    http = hass.http
    if http.runner is None:
        # Home Assistant starts serving once `frontend` sets up or it starts; the test
        # harness's instance does neither, so the server starts here.
        await http.start()
    url = f"http://127.0.0.1:{http.server_port}"
    await hass.config.async_update(external_url=url, internal_url=url)
    return url


async def add_bridges(hass: HomeAssistant, cloud: SimulatedCloud, account: Account) -> None:
    """Add every bridge the simulator serves to the Tedee entry's options (the bridges step's
    result) and reload it, so that it subscribes to their callbacks."""
    listed = await cloud.control("GET", "tedee/bridges")
    bridges = [
        new_bridge_config(BridgeAddress.parse(f"127.0.0.1:{item['port']}"), item["config"]["token"])
        for item in listed
    ]
    entry = account.entry
    hass.config_entries.async_update_entry(entry, options={**entry.options, CONF_BRIDGES: bridges})
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()


async def restore_entry(hass: HomeAssistant, entry: ConfigEntry[Any]) -> Account:
    """Add a config entry kept from another Home Assistant (a restart) and set it up."""
    copy = MockConfigEntry(
        domain=entry.domain,
        data=dict(entry.data),
        options=dict(entry.options),
        unique_id=entry.unique_id,
        title=entry.title,
        version=entry.version,
        minor_version=entry.minor_version,
        entry_id=entry.entry_id,
    )
    copy.add_to_hass(hass)
    await hass.config_entries.async_setup(copy.entry_id)
    await hass.async_block_till_done()
    return Account(copy)


async def sleep_until(loop: VirtualTimeLoop, when: float) -> None:
    """Sleep until a virtual moment (now if it has passed)."""
    await asyncio.sleep(max(0.0, when - loop.time()))


async def wait_or_none(future: Awaitable[float], limit: float) -> float | None:
    """Return the future's value, or None when it is not set within `limit` virtual s."""
    try:
        return await asyncio.wait_for(future, limit)
    except TimeoutError:
        return None
