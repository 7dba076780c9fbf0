"""Figure 3, first part: a change made in the cloud, until Home Assistant shows it.

At random moments (so at every phase of the poll cycle) the driver changes one device through
the simulator's control API — a Tedee lock's position (`PATCH /_control/tedee/locks/{id}`),
a DoorFlow door's mode (`PATCH /_control/doorflow/channels/{id}`) — and measures the virtual
time until the entity's state in Home Assistant shows it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import math
from typing import Any

from homeassistant.components.lock.const import LockState

from custom_components.door_access.coordinator import DoorAccessCoordinator
from simulator.tedee_models import LOCKED, UNLOCKED

from .bench import Bench
from .harness import wait_or_none
from .stats import Summary

STATE_LOCKED = LockState.LOCKED
STATE_UNLOCKED = LockState.UNLOCKED

# Seconds between one change being shown and the next change: at least this, plus a uniform
# draw over one poll interval, so that changes fall at every phase of the poll cycle alike.
MIN_GAP = 3.0
# A change not shown after this long is never shown: it counts as infinitely late.
GIVE_UP = 300.0


@dataclass
class Freshness:
    """Delays from a change in the cloud to Home Assistant's state, per cloud."""

    tedee: list[float] = field(default_factory=list)
    doorflow: list[float] = field(default_factory=list)
    missed: int = 0
    # Why a cloud has no sample at all (no device to change).
    tedee_none: str = "the Tedee entry was not set up"
    doorflow_none: str = "the DoorFlow entry was not set up"

    def extend(self, other: Freshness) -> None:
        """Add another phase's samples."""
        self.tedee.extend(other.tedee)
        self.doorflow.extend(other.doorflow)
        self.missed += other.missed

    @property
    def tedee_summary(self) -> Summary:
        """Summarise the Tedee delays."""
        return Summary.of(self.tedee)

    @property
    def doorflow_summary(self) -> Summary:
        """Summarise the DoorFlow delays."""
        return Summary.of(self.doorflow)


def _tedee_candidates(bench: Bench) -> list[tuple[int, str]]:
    """Return the connected locks whose lock entity shows a position."""
    found = []
    for lock_id, lock in sorted(bench.cloud.world.tedee.locks.items()):
        entity = bench.lock_entity(lock_id)
        if lock.is_connected and entity and bench.shown(entity) in (STATE_LOCKED, STATE_UNLOCKED):
            found.append((lock_id, entity))
    return found


def _door_candidates(bench: Bench) -> list[tuple[int, str]]:
    """Return the online doors whose lock entity shows a mode."""
    found = []
    for channel_id, channel in sorted(bench.cloud.world.doorflow.channels.items()):
        entity = bench.door_entity(str(channel_id))
        if (
            channel.status == "online"
            and entity
            and bench.shown(entity) in (STATE_LOCKED, STATE_UNLOCKED)
        ):
            found.append((channel_id, entity))
    return found


async def _next_change(bench: Bench, coordinator: DoorAccessCoordinator[Any]) -> None:
    """Wait until the next change: a random phase of the poll cycle (never under 30 s wide).

    The spread is at least 30 s whatever interval the coordinator reports, so that a product
    polling far less often is still sampled at every phase (the target does not read it).
    """
    interval = coordinator.update_interval
    cycle = max(30.0, interval.total_seconds() if interval is not None else 30.0)
    await asyncio.sleep(MIN_GAP + bench.rng.uniform(0.0, cycle))


async def _change_tedee(
    bench: Bench, changes: int, result: Freshness, give_up: float = GIVE_UP
) -> None:
    """Flip random locks between locked and unlocked; time until HA shows each."""
    candidates = _tedee_candidates(bench)
    if not candidates:
        result.tedee_none = "no connected Tedee lock showed locked or unlocked"
    for _ in range(changes if candidates else 0):
        await _next_change(bench, bench.tedee.coordinator)
        lock_id, entity = bench.rng.choice(candidates)
        to_locked = bench.shown(entity) != STATE_LOCKED
        expected = STATE_LOCKED if to_locked else STATE_UNLOCKED
        seen = bench.states.wait_for(entity, expected.__eq__)
        changed_at = bench.loop.time()
        await bench.cloud.control(
            "PATCH", f"tedee/locks/{lock_id}", {"state": LOCKED if to_locked else UNLOCKED}
        )
        shown_at = await wait_or_none(seen, give_up)
        if shown_at is None:
            result.missed += 1
        result.tedee.append(math.inf if shown_at is None else shown_at - changed_at)


async def _change_doorflow(
    bench: Bench, changes: int, result: Freshness, give_up: float = GIVE_UP
) -> None:
    """Hold random doors unlocked or return them to normal; time until HA shows each."""
    candidates = _door_candidates(bench)
    if not candidates:
        result.doorflow_none = "no online DoorFlow door showed locked or unlocked"
    for _ in range(changes if candidates else 0):
        await _next_change(bench, bench.doorflow.coordinator)
        channel_id, entity = bench.rng.choice(candidates)
        to_locked = bench.shown(entity) != STATE_LOCKED
        expected = STATE_LOCKED if to_locked else STATE_UNLOCKED
        seen = bench.states.wait_for(entity, expected.__eq__)
        changed_at = bench.loop.time()
        await bench.cloud.control(
            "PATCH",
            f"doorflow/channels/{channel_id}",
            {"mode": "normal" if to_locked else "unlock"},
        )
        shown_at = await wait_or_none(seen, give_up)
        if shown_at is None:
            result.missed += 1
        result.doorflow.append(math.inf if shown_at is None else shown_at - changed_at)


async def measure_freshness(
    bench: Bench, changes: int, *, give_up: float = GIVE_UP, doorflow: bool = True
) -> Freshness:
    """Make `changes` changes on each cloud (side by side) and time each until shown.

    A change not shown within `give_up` virtual seconds is never shown (∞).
    """
    result = Freshness()
    tasks = []
    if bench.tedee.loaded:
        tasks.append(_change_tedee(bench, changes, result, give_up))
    if doorflow and bench.doorflow.loaded:
        tasks.append(_change_doorflow(bench, changes, result, give_up))
    await asyncio.gather(*tasks)
    return result
