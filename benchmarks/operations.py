"""Figures 3 (actions) and 4: a person operating Tedee locks from Home Assistant.

- Actions: lock / unlock service calls on random locks. For each: the time from the call to
  the confirmed final state in Home Assistant, minus the time the simulated lock took (from
  the command's arrival to the operation's end); the requests it cost (the command and the
  operation status reads, from the server's log); and the polls it brought forward.
- "Lock all": one `lock.lock` call for up to 10 unlocked locks, against one lock's call, with
  every operation taking exactly 2 s in the simulator.
- Open: `lock.open` on locks with the pull spring; how long Home Assistant shows "open" after
  the simulated lock let the latch go (it is Pulled for exactly its pull-spring duration).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
import math
import statistics

from homeassistant.components.lock.const import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_LOCK, SERVICE_OPEN, SERVICE_UNLOCK

from simulator.tedee_models import UNLOCKED

from .bench import Bench
from .harness import wait_or_none
from .stats import Summary

# Seconds between two actions (drawn uniformly).
GAP = (15.0, 45.0)
MOVING = frozenset({LockState.LOCKING, LockState.UNLOCKING, LockState.OPENING})
SETTLED = frozenset({LockState.LOCKED, LockState.UNLOCKED, LockState.OPEN})
LOCK_ALL_COUNT = 10
LOCK_ALL_REPEATS = 3
FIXED_OPERATION = 2.0
DEFAULT_OPERATION = (1, 3)
WAIT_LIMIT = 300.0


def _operation_requests(bench: Bench) -> int:
    """Return how many lock-operation requests (commands, status reads) the server saw."""
    return sum(
        count
        for key, count in bench.cloud.world.requests.by_endpoint.items()
        if "/operation" in key and "/gate/" not in key
    )


TEDEE_PREFIX = "/api/{version}/"
STATUS_READ = "GET /api/{version}/my/device/operation/{operation_id}"
# Every lock command (lock, unlock, pull) starts with this.
COMMAND = "POST /api/{version}/my/lock/"


@dataclass
class ActionSample:
    """One lock or unlock pressed in Home Assistant."""

    service: str
    call_seconds: float
    operation_seconds: float
    requests: int
    # Where the time beyond the operation went: the command on its way to the cloud, the
    # status read that saw the end arriving after it, and that read's answer on its way back.
    command_uplink: float
    read_lag: float
    read_downlink: float
    # The network's part, as the simulator drew it: the command's uplink delay, and the
    # final status read's uplink and downlink delays (its transit).
    command_network: float
    read_transit: float
    # The final status read's downlink delay alone, as the simulator drew it.
    read_down: float
    # The integration's share in parts: Home Assistant and the client before the command left,
    # the wait from the operation's end to the final status read being sent (the follow-up
    # reads are timed from when the command left, so the command's answer on its way back,
    # `command_downlink`, shown beside it, no longer adds to it), and the work from that
    # read's answer to the state shown.
    before_command: float
    end_to_read: float
    after_answer: float
    command_downlink: float

    @property
    def beyond_operation(self) -> float:
        """Return the seconds from press to confirmed state beyond the lock's own time."""
        return self.call_seconds - self.operation_seconds

    @property
    def beyond_unavoidable(self) -> float:
        """Return the time beyond the operation and beyond what no client can avoid.

        What no client can avoid: the command's uplink to the operation's start, and the final
        answer's downlink, both as the simulator drew them. Nothing else is taken out.
        """
        return self.beyond_operation - self.command_network - self.read_down

    @property
    def integration_share(self) -> float:
        """Return the time beyond the operation less the network's part (what we control).

        What is left: Home Assistant and the client before the command goes out, the wait from
        the operation's end to the final status read being sent (negative when a read sent just
        before the end arrives after it), and the work from its answer to the state written.
        """
        return self.beyond_operation - self.command_network - self.read_transit


@dataclass
class Actions:
    """Actions pressed, what they cost, and the polls they brought forward."""

    samples: list[ActionSample] = field(default_factory=list)
    brought_forward: int = 0
    failed: int = 0
    # Every Tedee request the server saw during the phase, beyond the quiet rate.
    extra_requests: float = math.nan
    seconds: float = 0.0
    by_endpoint: dict[str, int] = field(default_factory=dict)
    none_reason: str = "the Tedee entry was not set up"

    def delays(self, service: str) -> list[float]:
        """Return the judged delays of one service (a failed action is infinitely late)."""
        failed = [math.inf] * self.failed_by.get(service, 0)
        return [s.beyond_unavoidable for s in self.samples if s.service == service] + failed

    failed_by: dict[str, int] = field(default_factory=dict)

    @property
    def extra_per_action(self) -> float:
        """Return every request the actions caused beyond the quiet rate, per action."""
        count = len(self.samples) + self.failed
        return self.extra_requests / count if count else math.nan

    @property
    def per_hour(self) -> float:
        """Return the actions per hour of the phase."""
        count = len(self.samples) + self.failed
        return count * 3600.0 / self.seconds if self.seconds else math.nan

    def beyond(self, service: str | None = None, part: str = "beyond_operation") -> Summary:
        """Summarise the time beyond the operation (or one part of it), for one service."""
        return Summary.of([getattr(s, part) for s in self.samples if service in (None, s.service)])

    @property
    def requests_per_action(self) -> float:
        """Return the mean requests (command and status reads) per action."""
        return statistics.fmean(s.requests for s in self.samples) if self.samples else 0.0

    @property
    def forward_per_action(self) -> float:
        """Return the polls brought forward per action."""
        return self.brought_forward / len(self.samples) if self.samples else 0.0


def _lock_candidates(bench: Bench, *, pull: bool = False) -> list[tuple[int, str]]:
    """Return connected locks with a settled lock entity (with the pull spring if asked)."""
    found = []
    for lock_id, lock in sorted(bench.cloud.world.tedee.locks.items()):
        entity = bench.lock_entity(lock_id)
        if not lock.is_connected or entity is None or bench.shown(entity) not in SETTLED:
            continue
        if pull and not lock.pull_spring_enabled:
            continue
        found.append((lock_id, entity))
    return found


async def _call(bench: Bench, service: str, entity_ids: list[str]) -> None:
    """Call a lock service and wait for it to return (errors are the caller's)."""
    await bench.hass.services.async_call(
        LOCK_DOMAIN, service, {ATTR_ENTITY_ID: entity_ids}, blocking=True
    )


async def _settled(bench: Bench, entity_id: str, accept: Callable[[str], bool]) -> None:
    """Wait until the entity shows an accepted state (now or later)."""
    shown = bench.shown(entity_id)
    if shown is not None and accept(shown):
        return
    await wait_or_none(bench.states.wait_for(entity_id, accept), WAIT_LIMIT)


async def _action(bench: Bench, lock_id: int, entity: str) -> ActionSample | None:
    """Press lock or unlock (whichever changes the lock) and measure it."""
    service = SERVICE_UNLOCK if bench.shown(entity) == LockState.LOCKED else SERVICE_LOCK
    history = bench.states.record(entity)
    requests = _operation_requests(bench)
    pressed = bench.loop.time()
    try:
        await _call(bench, service, [entity])
    except Exception:
        return None
    final = next((t for t, s in history if t >= pressed and s not in MOVING), None)
    operation = bench.operations.last_for(lock_id, pressed)
    read = bench.cloud.meter.last(lambda t: t.endpoint == STATUS_READ and t.status == 200)
    if final is None or operation is None or read is None:
        return None
    command = bench.cloud.meter.last(
        lambda t: t.arrival == operation.arrival and t.endpoint.startswith(COMMAND)
    )
    if command is None:
        return None
    return ActionSample(
        service=service,
        call_seconds=final - pressed,
        operation_seconds=operation.duration,
        requests=_operation_requests(bench) - requests,
        command_uplink=operation.arrival - pressed,
        read_lag=read.arrival - operation.complete_at,
        read_downlink=final - read.arrival,
        command_network=command.uplink,
        read_transit=read.uplink + read.downlink,
        read_down=read.downlink,
        before_command=command.sent - pressed,
        end_to_read=read.sent - operation.complete_at,
        after_answer=final - read.answered,
        command_downlink=command.downlink,
    )


def _tedee_requests(bench: Bench) -> Counter[str]:
    """Return every Tedee request the server saw so far, by endpoint."""
    return Counter(
        {
            key: n
            for key, n in bench.cloud.world.requests.by_endpoint.items()
            if key.partition(" ")[2].startswith(TEDEE_PREFIX)
        }
    )


async def measure_actions(bench: Bench, count: int, quiet_per_hour: float) -> Actions:
    """Press locks and unlocks on random locks, spaced out, until each has `count`.

    Every Tedee request the server saw in the phase is counted, less what the quiet rate
    (`quiet_per_hour`) would have cost over the same time: that is what the actions caused.
    """
    result = Actions()
    candidates = _lock_candidates(bench)
    if not candidates:
        result.none_reason = "no connected lock showed a settled state, so none was pressed"
    probe = bench.tedee_probe
    forward = probe.brought_forward if probe is not None else 0
    before, started = _tedee_requests(bench), bench.loop.time()
    done = Counter[str]()
    while candidates and min(done[SERVICE_LOCK], done[SERVICE_UNLOCK]) < count:
        await asyncio.sleep(bench.rng.uniform(*GAP))
        lock_id, entity = bench.rng.choice(candidates)
        await _settled(bench, entity, lambda state: state in SETTLED)
        service = SERVICE_UNLOCK if bench.shown(entity) == LockState.LOCKED else SERVICE_LOCK
        sample = await _action(bench, lock_id, entity)
        done[service] += 1
        if sample is None:
            result.failed += 1
            result.failed_by[service] = result.failed_by.get(service, 0) + 1
        else:
            result.samples.append(sample)
    # Let the last polls brought forward happen before counting them.
    await asyncio.sleep(60)
    if probe is not None:
        result.brought_forward = probe.brought_forward - forward
    result.seconds = bench.loop.time() - started
    seen = _tedee_requests(bench) - before
    result.by_endpoint = dict(seen)
    result.extra_requests = seen.total() - quiet_per_hour * result.seconds / 3600.0
    return result


@dataclass
class LockAll:
    """One service call for several locks against one lock's call (2 s operations)."""

    locks: int = 0
    single: list[float] = field(default_factory=list)
    all_at_once: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """Return the "lock all" call time over one lock's call time (medians)."""
        if not self.single or not self.all_at_once:
            return float("nan")
        return statistics.median(self.all_at_once) / statistics.median(self.single)


async def _unlock_in_cloud(bench: Bench, locks: list[tuple[int, str]]) -> None:
    """Unlock locks through the simulator and wait until Home Assistant shows them unlocked."""
    for lock_id, _ in locks:
        await bench.cloud.control("PATCH", f"tedee/locks/{lock_id}", {"state": UNLOCKED})
    for _, entity in locks:
        await _settled(bench, entity, lambda state: state == LockState.UNLOCKED)


async def _timed_call(bench: Bench, entities: list[str]) -> float:
    """Return the seconds a `lock.lock` call for these entities takes."""
    start = bench.loop.time()
    await _call(bench, SERVICE_LOCK, entities)
    return bench.loop.time() - start


async def measure_lock_all(bench: Bench) -> LockAll:
    """Time one lock's call and one call for up to 10 locks, each 3 times."""
    candidates = _lock_candidates(bench)[:LOCK_ALL_COUNT]
    result = LockAll(locks=len(candidates))
    if not candidates:
        return result
    config = "tedee/config"
    await bench.cloud.control("POST", config, {"operation_duration": [FIXED_OPERATION] * 2})
    try:
        for repeat in range(LOCK_ALL_REPEATS):
            one = candidates[repeat % len(candidates)]
            await _unlock_in_cloud(bench, [one])
            result.single.append(await _timed_call(bench, [one[1]]))
            await _unlock_in_cloud(bench, candidates)
            result.all_at_once.append(await _timed_call(bench, [e for _, e in candidates]))
    finally:
        await bench.cloud.control("POST", config, {"operation_duration": DEFAULT_OPERATION})
    return result


@dataclass
class OpenShown:
    """How long Home Assistant shows "open" after the latch was let go."""

    beyond: list[float] = field(default_factory=list)
    spring: list[float] = field(default_factory=list)
    failed: int = 0

    @property
    def summary(self) -> Summary:
        """Summarise the seconds shown open after the lock was back to unlocked."""
        return Summary.of(self.beyond)


async def measure_open(bench: Bench, count: int) -> OpenShown:
    """Open locks with the pull spring; time "open" in HA against the lock's Pulled time."""
    result = OpenShown()
    candidates = _lock_candidates(bench, pull=True)
    for _ in range(count if candidates else 0):
        await asyncio.sleep(bench.rng.uniform(*GAP))
        lock_id, entity = bench.rng.choice(candidates)
        await _settled(bench, entity, lambda state: state in SETTLED and state != LockState.OPEN)
        history = bench.states.record(entity)
        pressed = bench.loop.time()
        try:
            await _call(bench, SERVICE_OPEN, [entity])
        except Exception:
            result.failed += 1
            continue
        await _settled(bench, entity, lambda state: state != LockState.OPEN)
        operation = bench.operations.last_for(lock_id, pressed)
        left_open = next(
            (
                t
                for (t, s), (_, before) in zip(history[1:], history, strict=False)
                if t >= pressed and before == LockState.OPEN and s != LockState.OPEN
            ),
            None,
        )
        if operation is None or operation.pull_released_at is None or left_open is None:
            result.failed += 1
            continue
        result.beyond.append(left_open - operation.pull_released_at)
        result.spring.append(operation.pull_released_at - operation.complete_at)
    return result
