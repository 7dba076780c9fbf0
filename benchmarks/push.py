"""Push (issue 19): Tedee lock states from the bridge, DoorFlow events by notification rule.

Two benches of the same account, one after the other, both with random latency on every cloud
request (the bridge is on the LAN, DoorFlow's calls and every read go through the cloud):

1. **Push on.** Home Assistant's HTTP server (127.0.0.1) is its URL, so the simulated DoorFlow
   calls the notification rule's webhook and the simulated bridges call their callbacks, for
   real. After the warm-up: the quiet request rate (push healthy); changes made in the cloud
   until shown (lock positions, door modes); keypad unlocks / locks until the lock's "who"
   event (user and code) fires, beside forced doors until the door's problem sensor is on.
   Then **push is lost mid-run**: the bridges and DoorFlow stop calling (the simulator's
   `silent`), and changes and forced doors go on, timed the same way: when the cloud's lock
   state is polled again after the first change push did not bring, every change shown, every
   event delivered once. Last, **a flood of forged webhook calls** at both webhooks (wrong
   ids, wrong header, garbage, another account, replayed callbacks): the cloud requests they
   caused and the events they delivered. Every fired event is counted by its identity over
   the whole run, so one delivered twice shows.
2. **Polling**, the fair baseline in the same run: the same account, no URL and no bridge (the
   integration's defaults without push), the same figures.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
import itertools
import json
import math
import time
from typing import Any

import aiohttp
from homeassistant.components.lock.const import LockState
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Event, callback
from homeassistant.helpers import entity_registry as er

from custom_components.door_access.const import CONF_ACCOUNT_ID, DOMAIN
from custom_components.door_access.doorflow.const import CONF_WEBHOOK_ID
from custom_components.door_access.doorflow.coordinator import DoorFlowCoordinator
from custom_components.door_access.doorflow.devices import channel_identifier
from custom_components.door_access.event import EVENT_DOOR_ACCESS_ACTIVITY
from custom_components.door_access.tedee.bridge_push import CONF_BRIDGE_WEBHOOK_ID, SECRET_HEADER
from custom_components.door_access.tedee.const import CONF_BRIDGES
from custom_components.door_access.tedee.coordinator import TedeeCoordinator
from custom_components.door_access.tedee.devices import tedee_identifier
from simulator import http_doorflow_notifications as doorflow_calls, tedee_bridge
from simulator.tedee_models import LOCKED, UNLOCKED

from .bench import BULK_SYNC, Bench, open_bench
from .freshness import GIVE_UP, MIN_GAP, Freshness, _tedee_candidates, measure_freshness
from .harness import wait_or_none
from .rates import RateWindow, RequestRates
from .runs import Settings
from .scenarios import Size
from .targets import MAX_LOSS_DOORFLOW_BACK
from .virtual_time import VirtualTimeLoop

# Keypad: unlock with a PIN (61) on a locked lock, lock with a PIN (65) on an unlocked one.
PIN_UNLOCK = 61
PIN_LOCK = 65
# DoorFlow's "door forced open" event code.
FORCED = 33
# Seconds between samples beyond `MIN_GAP` (drawn uniformly): every phase of a 30 s cycle.
SPREAD = 30.0
# Seconds between the simulator's push watchers' looks at the clock during the push bench.
WATCH_SECONDS = 5.0
# While push is lost a forced door not shown after this long is never shown: twice the target
# of the first one (MAX_LOSS_DOORFLOW_BACK), so that a late one is measured, not cut off.
LOSS_GIVE_UP = 2 * MAX_LOSS_DOORFLOW_BACK
# Forged calls in the flood, at each webhook.
FLOOD_CALLS = 1000
# Virtual seconds after the flood for what a call started to arrive.
FLOOD_SETTLE = 2.0
# Endpoints a webhook call can lead to (reads by id, a door, a lock's activity or details).
CAUSED_BY_A_CALL = (
    "GET /api/3/events/{id}",
    "GET /api/3/channels/{id}",
    "/deviceactivity",
    "GET /api/{version}/my/lock/{id}",
)


@dataclass
class Happenings:
    """Every Door Access event fired in Home Assistant, by identity, and who waits for one."""

    seen: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    waiters: list[tuple[Callable[[Mapping[str, Any]], bool], asyncio.Future[float]]] = field(
        default_factory=list
    )

    @property
    def duplicates(self) -> int:
        """Return how many events fired more than once (each extra firing counted)."""
        return sum(n - 1 for n in self.seen.values() if n > 1)

    @property
    def fired(self) -> int:
        """Return how many distinct events fired."""
        return len(self.seen)

    def attach(self, bench: Bench) -> None:
        """Listen to the integration's activity events of this Home Assistant."""

        @callback
        def fired(event: Event[Mapping[str, Any]]) -> None:
            data = event.data
            key = (
                str(data.get("entity_id")),
                str(data.get("event_type")),
                str(data.get("timestamp")),
                str(data.get("code")),
            )
            self.seen[key] += 1
            now = bench.loop.time()
            for accept, future in self.waiters:
                if not future.done() and accept(data):
                    future.set_result(now)
            self.waiters[:] = [(a, f) for a, f in self.waiters if not f.done()]

        bench.hass.bus.async_listen(EVENT_DOOR_ACCESS_ACTIVITY, fired)

    def wait_for(
        self, bench: Bench, accept: Callable[[Mapping[str, Any]], bool]
    ) -> asyncio.Future[float]:
        """Return a future set to the virtual time an accepted event fires."""
        future: asyncio.Future[float] = bench.loop.create_future()
        self.waiters.append((accept, future))
        return future


@dataclass
class PushFigures:
    """One mode's figures: push on, or polling on the same account."""

    mode: str
    # What the accounts said at the start ("push" / "polling" per cloud).
    tedee_mode: str = ""
    doorflow_mode: str = ""
    rates: RequestRates | None = None
    freshness: Freshness = field(default_factory=Freshness)
    # Keypad unlock / lock in the cloud → the lock's event with the user and code.
    who: list[float] = field(default_factory=list)
    # A forced door in the cloud → its problem sensor on.
    forced: list[float] = field(default_factory=list)
    who_none: str = "no connected Tedee lock showed locked or unlocked"
    # What a "who" never shown was (lock, code, user, what the lock and its reads did).
    misses: list[str] = field(default_factory=list)
    forced_none: str = "no online DoorFlow door with a problem sensor"


@dataclass
class PushLoss:
    """Push stopped mid-run (both clouds silent): polling again, nothing lost or twice."""

    # From the first change push did not bring to the first cloud lock-state poll.
    tedee_back: float | None = None
    # The longest gap between two cloud lock-state polls after that, until the phase's end.
    tedee_longest_gap: float | None = None
    # From the first forced door push did not bring to its problem sensor on.
    doorflow_back: float | None = None
    freshness: Freshness = field(default_factory=Freshness)
    forced: list[float] = field(default_factory=list)
    # Forced doors injected, and those whose event the door's events entity fired.
    events_made: int = 0
    events_delivered: int = 0


@dataclass
class Flood:
    """Forged calls at the webhooks: what they cost and what they delivered."""

    calls: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    # Requests to the endpoints a call can lead to, and every request, during the flood.
    caused: int = 0
    requests: int = 0
    by_endpoint: dict[str, int] = field(default_factory=dict)
    delivered: int = 0
    virtual_seconds: float = 0.0


@dataclass
class PushResult:
    """Every push figure of one account size."""

    size: Size
    devices: str = ""
    push: PushFigures | None = None
    polling: PushFigures | None = None
    loss: PushLoss | None = None
    flood: Flood | None = None
    # Events fired more than once over the whole push bench.
    duplicates: int | None = None
    notes: list[str] = field(default_factory=list)
    real_seconds: float = 0.0
    virtual_seconds: float = 0.0


# ---- entities -------------------------------------------------------------------------------


def _entity(bench: Bench, platform: str, unique_id: str) -> str | None:
    """Return an entity id of the integration by platform and unique id."""
    return er.async_get(bench.hass).async_get_entity_id(platform, DOMAIN, unique_id)


def _keypad_candidates(bench: Bench) -> list[tuple[int, str, str]]:
    """Return connected locks with a settled lock entity and an activity event entity."""
    found = []
    for lock_id, lock in sorted(bench.cloud.world.tedee.locks.items()):
        entity = bench.lock_entity(lock_id)
        events = _entity(bench, "event", f"{tedee_identifier(lock_id)}-activity")
        settled = entity is not None and bench.shown(entity) in (
            LockState.LOCKED,
            LockState.UNLOCKED,
        )
        if lock.is_connected and settled and events is not None and entity is not None:
            found.append((lock_id, entity, events))
    return found


def _alarm_candidates(bench: Bench) -> list[tuple[int, str]]:
    """Return online doors whose problem sensor shows off."""
    found = []
    for channel_id, channel in sorted(bench.cloud.world.doorflow.channels.items()):
        sensor = _entity(
            bench, "binary_sensor", f"{channel_identifier(str(channel_id))}-door_alarm"
        )
        if channel.status == "online" and sensor is not None and bench.shown(sensor) == STATE_OFF:
            found.append((channel_id, sensor))
    return found


def _user_names(bench: Bench) -> list[str]:
    """Return the names of the Tedee account's users (the account itself if none other)."""
    tedee = bench.cloud.world.tedee
    names = [u.name for uid, u in sorted(tedee.users.items()) if uid != tedee.account.id and u.name]
    return names or [tedee.account.name]


def _tedee(bench: Bench) -> TedeeCoordinator:
    """Return the Tedee entry's coordinator."""
    coordinator = bench.tedee.coordinator
    assert isinstance(coordinator, TedeeCoordinator)
    return coordinator


def _doorflow(bench: Bench) -> DoorFlowCoordinator:
    """Return the DoorFlow entry's coordinator."""
    coordinator = bench.doorflow.coordinator
    assert isinstance(coordinator, DoorFlowCoordinator)
    return coordinator


def _has(data: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    """Tell whether an event's data has every wanted value."""
    return all(data.get(key) == value for key, value in wanted.items())


# ---- samples ---------------------------------------------------------------------------------


async def _gap(bench: Bench) -> None:
    """Wait before the next sample: `MIN_GAP` plus a uniform draw over `SPREAD`."""
    await asyncio.sleep(MIN_GAP + bench.rng.uniform(0.0, SPREAD))


async def measure_keypad(
    bench: Bench, log: Happenings, count: int, result: PushFigures, give_up: float = GIVE_UP
) -> None:
    """Unlock / lock random locks with a PIN in the cloud; time until the "who" event fires."""
    candidates = _keypad_candidates(bench)
    users = _user_names(bench)
    for _ in range(count if candidates else 0):
        await _gap(bench)
        lock_id, entity, events = bench.rng.choice(candidates)
        locked = bench.shown(entity) == LockState.LOCKED
        code, target = (PIN_UNLOCK, LockState.UNLOCKED) if locked else (PIN_LOCK, LockState.LOCKED)
        name = bench.rng.choice(users)

        wanted = {"entity_id": events, "code": code, "user": name}
        seen = log.wait_for(bench, partial(_has, wanted=wanted))
        state = bench.states.wait_for(entity, target.__eq__)
        made = bench.loop.time()
        await bench.cloud.control(
            "POST", f"tedee/locks/{lock_id}/activity", {"event": code, "username": name}
        )
        shown_at = await wait_or_none(seen, give_up)
        result.who.append(math.inf if shown_at is None else shown_at - made)
        if shown_at is None:
            pending = sorted(_tedee(bench).activity.pending)
            result.misses.append(
                f"keypad {code} by {name} on lock {lock_id} at {made - bench.loop.start:.0f} s: "
                f"shown {bench.shown(entity)}, activity pending {pending[:5]}"
            )
        # The next sample starts from a lock that shows where it is.
        await wait_or_none(state, give_up)


async def measure_forced(
    bench: Bench, log: Happenings, count: int, samples: list[float], give_up: float = GIVE_UP
) -> tuple[int, int]:
    """Force random doors open in the cloud; time until the problem sensor is on.

    Each alarm is ended (the door back to normal) and seen off before the next. Return how many
    forced events were made and how many the door's events entity fired.
    """
    candidates = _alarm_candidates(bench)
    made_count = delivered = 0
    for _ in range(count if candidates else 0):
        await _gap(bench)
        channel_id, sensor = bench.rng.choice(candidates)
        events = _entity(bench, "event", f"{channel_identifier(str(channel_id))}-access_events")
        fired = log.wait_for(bench, partial(_has, wanted={"entity_id": events, "code": FORCED}))
        on = bench.states.wait_for(sensor, STATE_ON.__eq__)
        made = bench.loop.time()
        await bench.cloud.control(
            "POST", f"doorflow/channels/{channel_id}/event", {"kind": "forced"}
        )
        made_count += 1
        shown_at = await wait_or_none(on, give_up)
        samples.append(math.inf if shown_at is None else shown_at - made)
        if await wait_or_none(fired, give_up) is not None:
            delivered += 1
        off = bench.states.wait_for(sensor, STATE_OFF.__eq__)
        await bench.cloud.control(
            "POST", f"doorflow/channels/{channel_id}/event", {"kind": "back_to_normal"}
        )
        await wait_or_none(off, give_up)
    return made_count, delivered


# ---- the runs --------------------------------------------------------------------------------


def _modes(bench: Bench, figures: PushFigures) -> None:
    """Note what each account says about push now."""
    if bench.tedee.loaded:
        figures.tedee_mode = "push" if _tedee(bench).push.status.active else "polling"
    if bench.doorflow.loaded:
        figures.doorflow_mode = _doorflow(bench).push.mode.value


async def _measure_figures(
    bench: Bench, log: Happenings, figures: PushFigures, *, changes: int, rate_window: float
) -> None:
    """The quiet rate, then changes, then keypad and forced doors side by side."""
    _modes(bench, figures)
    window = RateWindow(bench)
    window.start()
    await asyncio.sleep(rate_window)
    figures.rates = window.finish()
    figures.freshness = await measure_freshness(bench, changes)
    await asyncio.gather(
        measure_keypad(bench, log, changes, figures),
        measure_forced(bench, log, changes, figures.forced),
    )


class _SyncTimes:
    """The arrival times of every cloud lock-state poll (bulk sync) the server saw."""

    def __init__(self, bench: Bench) -> None:
        self.times: list[float] = []
        log = bench.cloud.world.requests
        record = log.record

        def recording(entry: Any) -> None:
            record(entry)
            if f"{entry.method} {entry.path}" == BULK_SYNC:
                self.times.append(entry.t)

        log.record = recording  # type: ignore[method-assign,assignment]

    def first_after(self, moment: float) -> float | None:
        """Return the first poll at or after `moment`."""
        return next((t for t in self.times if t >= moment), None)

    def longest_gap(self, start: float, end: float) -> float | None:
        """Return the longest gap between polls from `start` to `end` (the ends included)."""
        inside = [t for t in self.times if start <= t <= end]
        if not inside:
            return None
        points = [*inside, end]
        return max(b - a for a, b in itertools.pairwise(points))


async def _silence(bench: Bench, silent: bool) -> None:
    """Make every bridge and DoorFlow's notifications stop (or start again) calling."""
    for bridge in await bench.cloud.control("GET", "tedee/bridges"):
        await bench.cloud.control("POST", f"tedee/bridges/{bridge['id']}", {"silent": silent})
    await bench.cloud.control("POST", "doorflow/notifications", {"silent": silent})


async def _first_unpushed_change(bench: Bench, loss: PushLoss) -> float | None:
    """Turn one lock by hand right after push stopped; return when (None: no lock to turn)."""
    candidates = _tedee_candidates(bench)
    if not candidates:
        return None
    lock_id, entity = bench.rng.choice(candidates)
    to_locked = bench.shown(entity) != LockState.LOCKED
    target = LockState.LOCKED if to_locked else LockState.UNLOCKED
    seen = bench.states.wait_for(entity, target.__eq__)
    made = bench.loop.time()
    await bench.cloud.control(
        "PATCH", f"tedee/locks/{lock_id}", {"state": LOCKED if to_locked else UNLOCKED}
    )
    shown_at = await wait_or_none(seen, GIVE_UP)
    loss.freshness.tedee.append(math.inf if shown_at is None else shown_at - made)
    return made


async def measure_loss(bench: Bench, log: Happenings, changes: int) -> PushLoss:
    """Stop both clouds' push; time changes and forced doors until each is shown."""
    loss = PushLoss()
    syncs = _SyncTimes(bench)
    await _silence(bench, True)
    first = await _first_unpushed_change(bench, loss)
    fresh, made = await asyncio.gather(
        measure_freshness(bench, changes),
        measure_forced(bench, log, changes, loss.forced, LOSS_GIVE_UP),
    )
    end = bench.loop.time()
    loss.freshness.extend(fresh)
    loss.events_made, loss.events_delivered = made
    back = syncs.first_after(first) if first is not None else None
    if first is not None and back is not None:
        loss.tedee_back = back - first
        loss.tedee_longest_gap = syncs.longest_gap(back, end)
    if loss.forced:
        loss.doorflow_back = loss.forced[0]
    return loss


async def restore_push(bench: Bench, log: Happenings) -> bool:
    """Let both clouds call again; one change each brings push back. Tell whether it did."""
    await _silence(bench, False)
    await measure_freshness(bench, 1)
    await measure_forced(bench, log, 1, [])
    for _ in range(60):
        tedee = _tedee(bench).push.status.active
        doorflow = _doorflow(bench).push.mode.value == "push"
        if tedee and doorflow:
            return True
        await asyncio.sleep(1.0)
    return False


def _forged_doorflow(account_id: str, real: Mapping[str, Any] | None) -> list[bytes]:
    """Return the shapes of forged DoorFlow calls (the real webhook id known to the forger)."""
    base = {
        "action": "CREATE",
        "resource": "https://api.doorflow.com/api/3/events/1?callback=zz&ack_token=t",
        "resource_type": "Event",
        "resource_id": "1",
        "account_id": account_id,
        "ack_token": "t",
    }
    bodies = [
        b"not json",
        b"x" * (64 * 1024 + 1),
        json.dumps([{**base, "account_id": "999999"}]).encode(),
        json.dumps([{**base, "resource_type": "Person"}]).encode(),
    ]
    if real is not None:
        # A replay of a call DoorFlow made (its callback and event), as an eavesdropper would.
        replayed = f"https://x/api/3/events/{real['event_id']}?callback={real['callback']}"
        bodies.append(json.dumps([{**base, "resource": replayed}]).encode())
    return bodies


async def measure_flood(bench: Bench, log: Happenings, calls: int = FLOOD_CALLS) -> Flood:
    """Send `calls` forged calls at each webhook; count requests caused, events delivered."""
    flood = Flood()
    assert bench.ha_url is not None
    doorflow_id = bench.doorflow.entry.data.get(CONF_WEBHOOK_ID)
    bridges = bench.tedee.entry.options.get(CONF_BRIDGES) or []
    bridge_ids = [b[CONF_BRIDGE_WEBHOOK_ID] for b in bridges]
    notifications = await bench.cloud.control("GET", "doorflow/notifications")
    acknowledged = [c for c in notifications["calls"] if c.get("acknowledged")]
    real = acknowledged[-1] if acknowledged else None
    account = str(bench.doorflow.entry.data.get(CONF_ACCOUNT_ID, ""))
    doorflow_bodies = _forged_doorflow(account, real)
    lock_id = min(bench.cloud.world.tedee.locks)
    bridge_body = json.dumps(
        {
            "event": "lock-status-changed",
            "timestamp": "2026-01-01T00:00:00Z",
            "data": {"deviceId": lock_id, "state": 2},
        }
    ).encode()
    sends: list[tuple[str, bytes, dict[str, str]]] = []
    for n in range(calls):
        if doorflow_id:
            url = f"/api/webhook/{doorflow_id}" if n % 10 else f"/api/webhook/guess{n:060d}"
            sends.append((url, doorflow_bodies[n % len(doorflow_bodies)], {}))
        if bridge_ids:
            url = f"/api/webhook/{bridge_ids[n % len(bridge_ids)]}"
            header = {} if n % 2 else {SECRET_HEADER: f"forged{n}"}
            sends.append((url, bridge_body if n % 3 else b"\x00garbage", header))
    before = Counter(bench.cloud.world.requests.by_endpoint)
    fired = log.fired
    started = bench.loop.time()
    async with aiohttp.ClientSession(bench.ha_url) as session:
        for url, body, headers in sends:
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                flood.statuses[response.status] += 1
    # Let whatever a call started run to its end (a read by id, at most 1 s each way).
    await asyncio.sleep(FLOOD_SETTLE)
    await bench.hass.async_block_till_done()
    flood.virtual_seconds = bench.loop.time() - started
    delta = Counter(bench.cloud.world.requests.by_endpoint) - before
    flood.calls = len(sends)
    flood.requests = sum(delta.values())
    flood.by_endpoint = dict(delta)
    flood.caused = sum(
        n for key, n in delta.items() if any(part in key for part in CAUSED_BY_A_CALL)
    )
    flood.delivered = log.fired - fired
    return flood


@contextmanager
def coarse_watchers(seconds: float = WATCH_SECONDS) -> Iterator[None]:
    """Let the simulator's push watchers look at the clock every `seconds`, not 0.25 / 1 s.

    Each change the benchmark makes goes through the control API, whose answer wakes both
    watchers at once, and a lock's steps are waited for exactly; only changes that time alone
    makes (none is measured here) would be pushed later, never sooner. On the virtual clock
    every look is a jump of the clock, and the real time a jump costs dominates the run.
    """
    saved = (tedee_bridge.WATCH_INTERVAL, doorflow_calls.WATCH_INTERVAL)
    tedee_bridge.WATCH_INTERVAL = doorflow_calls.WATCH_INTERVAL = seconds
    try:
        yield
    finally:
        tedee_bridge.WATCH_INTERVAL, doorflow_calls.WATCH_INTERVAL = saved


async def push_run(
    loop: VirtualTimeLoop, size: Size, settings: Settings, result: PushResult
) -> None:
    """Push on: the figures, push lost mid-run, then the flood."""
    with coarse_watchers():
        await _push_run(loop, size, settings, result)


async def _push_run(
    loop: VirtualTimeLoop, size: Size, settings: Settings, result: PushResult
) -> None:
    """Push on, the simulator's watchers coarse."""
    async with open_bench(
        loop, size, seed=settings.seed, latency_ms=settings.latency_ms, push=True
    ) as bench:
        await bench.cloud.control("POST", "doorflow/config", {"door_alarm_clear_after": None})
        log = Happenings()
        log.attach(bench)
        await asyncio.sleep(settings.warmup)
        world = bench.cloud.world
        result.devices = (
            f"{len(world.tedee.locks)} locks, {len(world.tedee.gates)} gates, "
            f"{len(world.doorflow.channels)} doors"
        )
        bench.attach_probes()
        figures = PushFigures("push")
        await _measure_figures(
            bench, log, figures, changes=settings.changes, rate_window=settings.rate_window
        )
        result.push = figures
        result.loss = await measure_loss(bench, log, settings.changes)
        if not await restore_push(bench, log):
            result.notes.append("push did not come back after the loss; the flood hit polling")
        await asyncio.sleep(60.0)
        result.flood = await measure_flood(bench, log)
        result.duplicates = log.duplicates


async def polling_run(
    loop: VirtualTimeLoop, size: Size, settings: Settings, result: PushResult
) -> None:
    """Polling (no URL, no bridge): the same figures, the baseline."""
    async with open_bench(loop, size, seed=settings.seed, latency_ms=settings.latency_ms) as bench:
        await bench.cloud.control("POST", "doorflow/config", {"door_alarm_clear_after": None})
        log = Happenings()
        log.attach(bench)
        await asyncio.sleep(settings.warmup)
        bench.attach_probes()
        figures = PushFigures("polling")
        await _measure_figures(
            bench, log, figures, changes=settings.changes, rate_window=settings.rate_window
        )
        result.polling = figures


async def measure_push(loop: VirtualTimeLoop, size: Size, settings: Settings) -> PushResult:
    """Measure one size with push on (lost mid-run, then flooded), then polling beside it."""
    result = PushResult(size=size)
    started, virtual = time.perf_counter(), loop.time()
    await push_run(loop, size, settings, result)
    await polling_run(loop, size, settings, result)
    result.real_seconds = time.perf_counter() - started
    result.virtual_seconds = loop.time() - virtual
    return result
