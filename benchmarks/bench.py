"""One measured setup: a simulated account, Home Assistant signed in to it, and the probes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
import random
import tempfile
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.door_access.const import DOMAIN
from custom_components.door_access.doorflow.devices import channel_identifier
from custom_components.door_access.tedee.devices import tedee_identifier

from .harness import (
    Account,
    SimulatedCloud,
    StateLog,
    add_bridges,
    add_doorflow,
    add_tedee,
    home_assistant,
    restore_entry,
    serve_webhooks,
    simulated_cloud,
)
from .loop_watch import LoopWatch
from .probes import CoordinatorProbe, OperationLog, probe_coordinators
from .scenarios import Size
from .virtual_time import VirtualTimeLoop

TEDEE_PREFIX = "/api/{version}/"
BULK_SYNC = "GET /api/{version}/my/lock/sync"
SINGLE_SYNC = "GET /api/{version}/my/lock/{id}/sync"
LOCK_LISTING = "GET /api/{version}/my/lock"


@dataclass
class Bench:
    """Everything one measured run needs: clock, cloud, Home Assistant, accounts, probes."""

    loop: VirtualTimeLoop
    size: Size
    cloud: SimulatedCloud
    hass: HomeAssistant
    states: StateLog
    tedee: Account
    doorflow: Account
    operations: OperationLog
    rng: random.Random
    watch: LoopWatch
    stack: AsyncExitStack
    tedee_probe: CoordinatorProbe | None = None
    doorflow_probe: CoordinatorProbe | None = None
    # The arrival time of every Tedee request the server saw (for the busiest hour).
    tedee_arrivals: list[float] = field(default_factory=list)
    # The arrival time of every page of the lock listing (`GET my/lock`) the server saw.
    listing_arrivals: list[float] = field(default_factory=list)
    # When the Tedee sign-in began (the config flow's first step), virtual time.
    tedee_started: float = 0.0
    restarts: int = 0
    # Home Assistant's own URL (127.0.0.1) when the clouds push to it (None: polling only).
    ha_url: str | None = None
    # Home Assistant's configuration directory (kept across a restart, as on disk).
    config_dir: str = ""

    async def restart(self, down: float = 30.0) -> None:
        """Restart Home Assistant: stop it, wait `down` s, start a new one with the entries.

        The config entries are kept (as Home Assistant keeps them in `.storage`); the loop
        watch is paused while the old one stops and the new one sets up.
        """
        entries = [self.tedee.entry, self.doorflow.entry]
        with self.watch.paused():
            await self.stack.aclose()
            self.stack = AsyncExitStack()
            await asyncio.sleep(down)
            self.hass = await self.stack.enter_async_context(
                home_assistant(self.loop, self.config_dir)
            )
            self.states = StateLog(self.hass)
            self.tedee = await restore_entry(self.hass, entries[0])
            self.doorflow = await restore_entry(self.hass, entries[1])
        self.tedee_probe = self.doorflow_probe = None
        self.restarts += 1

    async def reload_tedee(self) -> None:
        """Reload the Tedee entry (as the user's "Reload" does); the watch is paused."""
        with self.watch.paused():
            await self.hass.config_entries.async_reload(self.tedee.entry.entry_id)
            await self.hass.async_block_till_done()
        self.tedee_probe = None

    def busiest_hour(self, since: float) -> int:
        """Return the most Tedee requests the server saw in any hour after `since`."""
        return most_in_an_hour(self.tedee_arrivals, since)

    def attach_probes(self) -> None:
        """Probe the coordinators of the accounts that are loaded (after the warm-up)."""
        log = self.cloud.world.requests

        def lock_state_requests() -> int:
            return log.by_endpoint[BULK_SYNC] + log.by_endpoint[SINGLE_SYNC]

        counted = {self.tedee.entry.entry_id: lock_state_requests}
        accounts = [a for a in (self.tedee, self.doorflow) if a.loaded]
        probes = dict(
            zip(
                (a.entry.entry_id for a in accounts),
                probe_coordinators(
                    [(a.coordinator, counted.get(a.entry.entry_id)) for a in accounts],
                    self.states,
                    lambda: self.cloud.meter.cpu,
                ),
                strict=True,
            )
        )
        self.tedee_probe = probes.get(self.tedee.entry.entry_id)
        self.doorflow_probe = probes.get(self.doorflow.entry.entry_id)

    def lock_entity(self, lock_id: int) -> str | None:
        """Return the entity id of a Tedee lock's lock entity."""
        return er.async_get(self.hass).async_get_entity_id(
            "lock", DOMAIN, f"{tedee_identifier(lock_id)}-lock"
        )

    def door_entity(self, channel_id: str) -> str | None:
        """Return the entity id of a DoorFlow door's lock entity."""
        return er.async_get(self.hass).async_get_entity_id(
            "lock", DOMAIN, f"{channel_identifier(channel_id)}-lock"
        )

    def shown(self, entity_id: str) -> str | None:
        """Return the state Home Assistant shows for an entity."""
        state = self.hass.states.get(entity_id)
        return None if state is None else state.state

    def probes(self) -> list[CoordinatorProbe]:
        """Return the probes of the accounts that are loaded."""
        return [p for p in (self.tedee_probe, self.doorflow_probe) if p is not None]


def most_in_an_hour(arrivals: list[float], since: float) -> int:
    """Return the most arrivals (in time order) in any sliding hour after `since`."""
    times = [t for t in arrivals if t >= since]
    most, first = 0, 0
    for last, arrival in enumerate(times):
        while times[first] <= arrival - 3600.0:
            first += 1
        most = max(most, last - first + 1)
    return most


@asynccontextmanager
async def open_bench(
    loop: VirtualTimeLoop,
    size: Size,
    *,
    seed: int,
    latency_ms: tuple[float, float] = (0.0, 0.0),
    watch: LoopWatch | None = None,
    push: bool = False,
) -> AsyncIterator[Bench]:
    """Start the simulator and Home Assistant, sign in to both accounts, attach the probes.

    With `push`, Home Assistant's HTTP server (on 127.0.0.1) is its external and internal URL
    before the accounts sign in, so DoorFlow's notification rule calls its webhook (push is on
    by default with a reachable URL), and the Tedee entry gets every bridge of the account in
    its options (as the user adds them). Without it, there is no URL and no bridge: polling.
    """
    async with simulated_cloud(loop, size.scenario(), seed=seed, latency_ms=latency_ms) as cloud:
        # Outside the stack: a restart closes the stack and keeps the directory.
        directory = tempfile.TemporaryDirectory(prefix="door-access-bench-")
        config_dir = directory.name
        stack = AsyncExitStack()
        bench: Bench | None = None
        try:
            hass = await stack.enter_async_context(home_assistant(loop, config_dir))
            operations = OperationLog()
            operations.attach(cloud.world)
            arrivals: list[float] = []
            listing: list[float] = []
            _record_tedee_arrivals(cloud, arrivals, listing)
            states = StateLog(hass)
            ha_url = await serve_webhooks(hass) if push else None
            tedee_started = loop.time()
            tedee = await add_tedee(hass, cloud.url)
            doorflow = await add_doorflow(hass, cloud.url)
            if push:
                await add_bridges(hass, cloud, tedee)
            bench = Bench(
                loop=loop,
                size=size,
                cloud=cloud,
                hass=hass,
                states=states,
                tedee=tedee,
                doorflow=doorflow,
                operations=operations,
                rng=random.Random(seed),
                watch=watch if watch is not None else LoopWatch(),
                stack=stack,
                tedee_arrivals=arrivals,
                ha_url=ha_url,
                listing_arrivals=listing,
                tedee_started=tedee_started,
                config_dir=config_dir,
            )
            yield bench
        finally:
            # The Home Assistant running now (a restart replaces the first one).
            await (bench.stack if bench is not None else stack).aclose()
            directory.cleanup()


def _record_tedee_arrivals(
    cloud: SimulatedCloud, arrivals: list[float], listing: list[float]
) -> None:
    """Note the arrival time of every Tedee API request the simulator's log records.

    The lock listing's pages are noted apart as well.
    """
    log = cloud.world.requests
    record = log.record

    def recording(entry: Any) -> None:
        record(entry)
        if entry.path.startswith(TEDEE_PREFIX):
            arrivals.append(entry.t)
            if entry.endpoint == LOCK_LISTING:
                listing.append(entry.t)

    log.record = recording  # type: ignore[method-assign,assignment]
