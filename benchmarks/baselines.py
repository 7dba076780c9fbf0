"""Fair baselines, measured in the same run and judged on the same figures as Door Access.

- **Bulk poller every 21 s**: the documented floor — one `GET my/lock/sync` (every lock's
  state) every 21 s, the 20 s rule plus a second of margin; an operation is confirmed by the
  next poll that shows it.
- **The HACS cloud Tedee integration's approach**: a bulk sync every 15 s, and after an
  operation a fixed 5 s sleep, then a bulk sync.

Each runs against its own simulated account of the same scenario, on the same loop and clock,
with no Home Assistant: a client of the documented API and nothing more. Its figures: requests
per hour (quiet), 429s the simulator refused by rule, freshness (a change never shown is
infinitely late), lock / unlock beyond the lock's own operation, requests per action.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
import math
import random
from typing import Any

import aiohttp

from custom_components.door_access.tedee.const import TEDEE_HOURLY_LIMIT
from simulator.tedee_models import LOCKED, UNLOCKED

from .harness import TEDEE_KEY, simulated_cloud, sleep_until, wait_or_none
from .probes import OperationLog
from .scenarios import Size
from .virtual_time import VirtualTimeLoop

API = "api/v37"
GIVE_UP = 300.0
MIN_GAP = 3.0
# Seconds between two actions (as for Door Access).
ACTION_GAP = (15.0, 45.0)


@dataclass(frozen=True)
class Approach:
    """How a baseline polls and confirms an operation."""

    name: str
    interval: float
    sleep_after_operation: float | None


BULK_21 = Approach("bulk sync every 21 s", 21.0, None)
HACS = Approach("HACS cloud Tedee (bulk sync every 15 s, 5 s sleep after an operation)", 15.0, 5.0)
APPROACHES = (BULK_21, HACS)


@dataclass
class BaselineResult:
    """What one baseline did, on the figures Door Access is judged on."""

    approach: Approach
    quiet_per_hour: float = math.nan
    rule_429: int = 0
    hours: float = 0.0
    freshness: list[float] = field(default_factory=list)
    beyond: list[float] = field(default_factory=list)
    requests_per_action: float = math.nan

    @property
    def quiet_share(self) -> float:
        """Return the quiet hour's requests as a share of the hourly budget."""
        return self.quiet_per_hour / TEDEE_HOURLY_LIMIT


class BulkPoller:
    """A client that knows every lock's state from bulk syncs only."""

    def __init__(
        self,
        loop: VirtualTimeLoop,
        session: aiohttp.ClientSession,
        url: str,
        approach: Approach,
    ) -> None:
        self._loop = loop
        self._session = session
        self._url = url
        self.approach = approach
        self._headers = {"Authorization": f"PersonalKey {TEDEE_KEY}"}
        self.states: dict[int, int] = {}
        self.statuses: list[int] = []
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[float]]] = []

    async def sync(self) -> None:
        """Send one bulk sync and take in the states it returns."""
        async with self._session.get(
            f"{self._url}/{API}/my/lock/sync", headers=self._headers
        ) as response:
            body: Any = await response.json() if response.status == 200 else None
            self.statuses.append(response.status)
        for item in (body or {}).get("result", []):
            device = item.get("deviceState") or {}
            if isinstance(device.get("state"), int):
                self.states[int(item["id"])] = device["state"]
        now = self._loop.time()
        for accept, future in self._waiters:
            if not future.done() and accept():
                future.set_result(now)
        self._waiters = [(a, f) for a, f in self._waiters if not f.done()]

    def shows(self, lock_id: int, state: int) -> asyncio.Future[float]:
        """Return a future set to the time the poller next knows `lock_id` in `state`."""
        future: asyncio.Future[float] = self._loop.create_future()
        self._waiters.append((lambda: self.states.get(lock_id) == state, future))
        return future

    async def poll_forever(self) -> None:
        """Sync every interval (from the first one), whatever happens."""
        start = self._loop.time()
        number = 0
        while True:
            await sleep_until(self._loop, start + number * self.approach.interval)
            number += 1
            await self.sync()

    async def operate(self, lock_id: int, action: str) -> None:
        """Send a lock or unlock; with a fixed sleep after it, then a bulk sync."""
        async with self._session.post(
            f"{self._url}/{API}/my/lock/{lock_id}/operation/{action}", headers=self._headers
        ) as response:
            await response.read()
        if self.approach.sleep_after_operation is not None:
            await asyncio.sleep(self.approach.sleep_after_operation)
            await self.sync()


async def measure_baseline(
    loop: VirtualTimeLoop,
    size: Size,
    approach: Approach,
    *,
    seed: int,
    rate_window: float,
    changes: int,
    actions: int,
) -> BaselineResult:
    """Run one baseline: a quiet hour, `changes` changes, `actions` locks and unlocks each."""
    rng = random.Random(seed)
    result = BaselineResult(approach)
    async with (
        simulated_cloud(loop, size.scenario(), seed=seed) as cloud,
        aiohttp.ClientSession() as session,
    ):
        operations = OperationLog()
        operations.attach(cloud.world)
        log = cloud.world.requests
        poller = BulkPoller(loop, session, cloud.url, approach)
        start = loop.time()
        polling = asyncio.create_task(poller.poll_forever())
        try:
            await asyncio.sleep(rate_window)
            result.quiet_per_hour = log.total * 3600.0 / rate_window
            quiet_rate = log.total / (loop.time() - start)
            locks = sorted(
                lock_id for lock_id, lock in cloud.world.tedee.locks.items() if lock.is_connected
            )
            for _ in range(changes if locks else 0):
                await asyncio.sleep(MIN_GAP + rng.uniform(0.0, approach.interval))
                lock_id = rng.choice(locks)
                target = LOCKED if poller.states.get(lock_id) != LOCKED else UNLOCKED
                seen = poller.shows(lock_id, target)
                changed = loop.time()
                await cloud.control("PATCH", f"tedee/locks/{lock_id}", {"state": target})
                shown = await wait_or_none(seen, GIVE_UP)
                result.freshness.append(math.inf if shown is None else shown - changed)
            phase_start, phase_requests = loop.time(), log.total
            done = {"lock": 0, "unlock": 0}
            while locks and min(done.values()) < actions:
                await asyncio.sleep(rng.uniform(*ACTION_GAP))
                lock_id = rng.choice(locks)
                action = "lock" if poller.states.get(lock_id) == UNLOCKED else "unlock"
                target = LOCKED if action == "lock" else UNLOCKED
                seen = poller.shows(lock_id, target)
                pressed = loop.time()
                await poller.operate(lock_id, action)
                shown = await wait_or_none(seen, GIVE_UP)
                operation = operations.last_for(lock_id, pressed)
                done[action] += 1
                if shown is None or operation is None:
                    result.beyond.append(math.inf)
                    continue
                # No latency here: nothing a client cannot avoid is on the path.
                result.beyond.append(shown - pressed - operation.duration)
            elapsed = loop.time() - phase_start
            count = sum(done.values())
            if count:
                extra = (log.total - phase_requests) - quiet_rate * elapsed
                result.requests_per_action = extra / count
        finally:
            polling.cancel()
        result.rule_429 = log.rule_limited
        result.hours = (loop.time() - start) / 3600
    return result
