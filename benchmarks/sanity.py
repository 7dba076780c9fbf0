"""Known answers that prove the virtual clock measures what it claims, run before every figure.

- An hour of sleep is exactly 3600 virtual seconds, in a few real seconds at most, and Home
  Assistant's wall clock moves with it.
- A request with exactly 250 ms of latency each way takes exactly 0.5 virtual seconds.
- 200 requests sent at once over real loopback HTTP, each with a deadline of 1 virtual ms,
  all complete with no timeout and no virtual time passing: the clock never jumps while an
  answer is on its way.
- A request the server holds for 60 s ends on the client's 20 s deadline, exactly 20 virtual
  seconds later, and is counted as a client timeout: the timeout counter can see one.
- The naive poller against the `home` account for one hour with no latency: 4 locks x 180
  intervals = 720 requests, 700 accepted (the hourly budget), 20 refused by the hourly rule,
  none by the 20 s rule, every gap between one lock's syncs exactly 20 s.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import time

import aiohttp
from homeassistant.util import dt as dt_util

from custom_components.door_access.api import TedeeClient, TedeeTimeoutError

from .harness import CLIENT_ERRORS, TEDEE_KEY, simulated_cloud
from .naive import NaivePoller
from .scenarios import Size
from .virtual_time import START_UTC, VirtualTimeLoop

SINGLE_SYNC = "GET /api/{version}/my/lock/{id}/sync"


@dataclass(frozen=True)
class Check:
    """One known answer: what was expected, what was measured, and whether they agree."""

    name: str
    expected: str
    measured: str
    passed: bool


async def _clock(loop: VirtualTimeLoop) -> Check:
    """An hour of virtual sleep: exact, fast, and Home Assistant's clock follows."""
    real = time.perf_counter()
    start = loop.time()
    await asyncio.sleep(3600)
    elapsed = loop.time() - start
    real = time.perf_counter() - real
    wall = (dt_util.utcnow() - START_UTC).total_seconds() - loop.elapsed
    passed = elapsed == 3600 and real < 5 and abs(wall) < 1e-6
    return Check(
        "virtual hour",
        "3600 s virtual, < 5 s real, HA wall clock in step",
        f"{elapsed:g} s virtual in {real:.3f} s real, HA clock off by {wall:g} s",
        passed,
    )


async def _latency(loop: VirtualTimeLoop) -> Check:
    """Exactly 250 ms each way is exactly 0.5 s of round trip."""
    async with (
        simulated_cloud(loop, Size("home").scenario(), seed=1, latency_ms=(250, 250)) as cloud,
        aiohttp.ClientSession() as session,
    ):
        client = TedeeClient(session, TEDEE_KEY, base_url=cloud.url)
        start = loop.time()
        await client.get_user()
        elapsed = loop.time() - start
    return Check(
        "fixed latency",
        "0.5 s round trip",
        f"{elapsed:.6f} s",
        abs(elapsed - 0.5) < 1e-6,
    )


async def _in_flight(loop: VirtualTimeLoop) -> Check:
    """Requests in flight never see the clock jump, even with a 1 ms deadline."""
    timeouts = CLIENT_ERRORS.timeouts
    async with (
        simulated_cloud(loop, Size("home").scenario(), seed=1) as cloud,
        aiohttp.ClientSession() as session,
    ):
        await cloud.control("POST", "tedee/config", {"hourly_limit": 100000})
        client = TedeeClient(session, TEDEE_KEY, base_url=cloud.url, request_timeout=0.001)
        start = loop.time()
        answers = await asyncio.gather(
            *(client.get_lock(1001) for _ in range(200)), return_exceptions=True
        )
        elapsed = loop.time() - start
    failed = sum(isinstance(a, BaseException) for a in answers)
    timed_out = CLIENT_ERRORS.timeouts - timeouts
    return Check(
        "no jump in flight",
        "200 requests with a 1 ms deadline: 0 timeouts, 0 s virtual",
        f"{timed_out} timeouts, {failed} failed, {elapsed:g} s virtual",
        timed_out == 0 and failed == 0 and elapsed == 0,
    )


async def _timeout_seen(loop: VirtualTimeLoop) -> Check:
    """A request held by the server ends on the client's deadline, and is counted."""
    timeouts = CLIENT_ERRORS.timeouts
    async with (
        simulated_cloud(loop, Size("home").scenario(), seed=1) as cloud,
        aiohttp.ClientSession() as session,
    ):
        await cloud.control("POST", "faults", {"kind": "hang", "hang_seconds": 60, "count": 1})
        client = TedeeClient(session, TEDEE_KEY, base_url=cloud.url)
        start = loop.time()
        try:
            await client.get_user()
            outcome = "answered"
        except TedeeTimeoutError:
            outcome = "timed out"
        elapsed = loop.time() - start
    counted = CLIENT_ERRORS.timeouts - timeouts
    return Check(
        "held request",
        "times out after 20 s virtual, counted once",
        f"{outcome} after {elapsed:g} s, counted {counted}",
        outcome == "timed out" and abs(elapsed - 20) < 1e-6 and counted == 1,
    )


async def _naive_hour(loop: VirtualTimeLoop) -> Check:
    """The naive poller's hour against `home`: every count known in advance."""
    async with (
        simulated_cloud(loop, Size("home").scenario(), seed=1) as cloud,
        aiohttp.ClientSession() as session,
    ):
        locks = sorted(cloud.world.tedee.locks)
        result = await NaivePoller(loop, session, cloud.url, locks).run(3600)
        log = cloud.world.requests
        stats = log.endpoints[SINGLE_SYNC]
        by_rule = dict(log.limited_by_rule)
    measured = (
        f"{result.sent} sent, {result.by_status[200]} accepted, {result.rate_limited} x 429 "
        f"{by_rule}, gaps {stats.min_gap:g}-{stats.max_gap:g} s"
    )
    passed = (
        result.sent == 720
        and result.by_status[200] == 700
        and by_rule == {"hourly": 20}
        and stats.min_gap == stats.max_gap == 20
    )
    return Check(
        "naive hour (home)",
        "720 sent, 700 accepted, 20 x 429 by the hourly rule, gaps 20 s",
        measured,
        passed,
    )


async def run_sanity(loop: VirtualTimeLoop, *, naive: bool = True) -> list[Check]:
    """Run every known-answer check."""
    checks = [
        await _clock(loop),
        await _latency(loop),
        await _in_flight(loop),
        await _timeout_seen(loop),
    ]
    if naive:
        checks.append(await _naive_hour(loop))
    return checks
