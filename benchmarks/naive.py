"""The naive baseline: a poller that reads each lock with its own single-lock sync every 20 s.

It is what an integration without a bulk sync or a scheduler would do: every 20.0 s (virtual)
it sends `GET /api/v37/my/lock/{id}/sync` for every lock of the account, all at once, and
counts what comes back. It runs against its own simulated account of the same scenario, on
the same loop and clock as the integration it is compared with.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

import aiohttp

from .harness import TEDEE_KEY, sleep_until
from .virtual_time import VirtualTimeLoop

INTERVAL = 20.0
API = "api/v37"


@dataclass
class NaiveResult:
    """What the naive poller sent and got back over its window."""

    locks: int
    window: float
    sent: int = 0
    by_status: Counter[int] = field(default_factory=Counter)

    @property
    def per_hour(self) -> float:
        """Return the requests it sends per hour."""
        return self.sent * 3600.0 / self.window if self.window else 0.0

    @property
    def rate_limited(self) -> int:
        """Return how many of its requests were answered 429."""
        return self.by_status[429]


class NaivePoller:
    """Sends one single-lock sync per lock per interval to a simulated Tedee account."""

    def __init__(
        self, loop: VirtualTimeLoop, session: aiohttp.ClientSession, url: str, locks: list[int]
    ) -> None:
        self._loop = loop
        self._session = session
        self._url = url
        self._locks = locks
        self._headers = {"Authorization": f"PersonalKey {TEDEE_KEY}"}

    async def run(self, window: float) -> NaiveResult:
        """Poll for `window` virtual seconds (whole intervals) and return the counts."""
        result = NaiveResult(locks=len(self._locks), window=window)
        start = self._loop.time()
        intervals = int(window // INTERVAL)
        for number in range(intervals):
            await sleep_until(self._loop, start + number * INTERVAL)
            statuses = await asyncio.gather(*(self._sync(lock) for lock in self._locks))
            result.sent += len(statuses)
            result.by_status.update(statuses)
        await sleep_until(self._loop, start + window)
        return result

    async def _sync(self, lock_id: int) -> int:
        """Send one single-lock sync and return its status."""
        url = f"{self._url}/{API}/my/lock/{lock_id}/sync"
        async with self._session.get(url, headers=self._headers) as response:
            await response.read()
            return response.status
