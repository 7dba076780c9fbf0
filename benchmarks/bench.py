"""One measured setup: a simulated account, Home Assistant signed in to it, and the probes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
import random

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.door_access.const import DOMAIN
from custom_components.door_access.doorflow.devices import channel_identifier
from custom_components.door_access.tedee.devices import tedee_identifier

from .harness import (
    Account,
    SimulatedCloud,
    StateLog,
    add_doorflow,
    add_tedee,
    home_assistant,
    simulated_cloud,
)
from .probes import CoordinatorProbe, OperationLog, probe_coordinators
from .scenarios import Size
from .virtual_time import VirtualTimeLoop

BULK_SYNC = "GET /api/{version}/my/lock/sync"
SINGLE_SYNC = "GET /api/{version}/my/lock/{id}/sync"


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
    tedee_probe: CoordinatorProbe | None = None
    doorflow_probe: CoordinatorProbe | None = None

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


@asynccontextmanager
async def open_bench(
    loop: VirtualTimeLoop,
    size: Size,
    *,
    seed: int,
    latency_ms: tuple[float, float] = (0.0, 0.0),
) -> AsyncIterator[Bench]:
    """Start the simulator and Home Assistant, sign in to both accounts, attach the probes."""
    async with (
        simulated_cloud(loop, size.scenario(), seed=seed, latency_ms=latency_ms) as cloud,
        home_assistant(loop) as hass,
    ):
        operations = OperationLog()
        operations.attach(cloud.world)
        states = StateLog(hass)
        tedee = await add_tedee(hass, cloud.url)
        doorflow = await add_doorflow(hass, cloud.url)
        yield Bench(
            loop=loop,
            size=size,
            cloud=cloud,
            hass=hass,
            states=states,
            tedee=tedee,
            doorflow=doorflow,
            operations=operations,
            rng=random.Random(seed),
        )
