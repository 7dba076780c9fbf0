"""The busy account (issue 16): a large Tedee account where one lock moves each minute.

A generated account of N locks (1000 in the full run) is signed in to through the config
flow, with random latency on both halves of every request. The time from the sign-in's first
step until every lock's entity shows a state is noted (figure: entities within one poll
interval of setup). Then, after a warm-up, one connected lock is moved each minute from
outside Home Assistant, a different lock each time, spread over the account: every other move
by hand (`PATCH /_control/tedee/locks/{id}`, which logs the manual activity 38 / 39), the
others by a person on the keypad (activity 65 locked / 61 unlocked, naming them, which also
moves the lock). Each move is timed until Home Assistant shows

- the lock's new position (state freshness: polling must not slow for activity),
- the lock's activity event entity firing (the move's event), and
- for a person's move, that person in the lock's "last operated by" sensor (enabled for the
  locks a person moves, as a user would enable it: Home Assistant reloads the entry, inside
  the warm-up).

A move not shown within `GIVE_UP` is never shown (∞). What the server saw over the moves'
hours gives the lock-list pages in the busiest hour, the Tedee requests in the busiest hour
(share of 700), the bulk syncs per hour and the 429s its rules refused.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
import math

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.helpers import entity_registry as er

from custom_components.door_access.const import DOMAIN
from custom_components.door_access.tedee.const import TEDEE_HOURLY_LIMIT
from custom_components.door_access.tedee.devices import tedee_identifier
from simulator.tedee_models import LOCKED, UNLOCKED

from .bench import BULK_SYNC, LOCK_LISTING, Bench, most_in_an_hour, open_bench
from .freshness import GIVE_UP
from .harness import sleep_until, wait_or_none
from .rates import TEDEE_PREFIX, snapshot
from .scenarios import Size
from .targets import BUSY_MOVES_PER_HOUR
from .virtual_time import VirtualTimeLoop

# A person's move on the keypad: locked with a PIN (65), unlocked with a PIN (61).
KEYPAD_LOCKED = 65
KEYPAD_UNLOCKED = 61
# The person whose PIN moves the locks.
PERSON = "Busy Neighbour"
# A step through the locks that spreads the moves over the account (coprime with the count).
SPREAD = 37
NOT_SHOWN = (STATE_UNAVAILABLE, STATE_UNKNOWN)


@dataclass(frozen=True)
class BusySettings:
    """How long and how the busy account is measured."""

    # 420 moves: 210 by hand, 210 by a person, each p95 on at least 200 samples.
    hours: float = 7.0
    warmup: float = 600.0
    latency_ms: tuple[float, float] = (0.0, 500.0)
    seed: int = 1
    # Every how many moves one is a person's on the keypad (the others are by hand).
    person_every: int = 2

    @property
    def moves(self) -> int:
        """Return how many moves the hours hold (one each minute)."""
        return int(self.hours * BUSY_MOVES_PER_HOUR)

    @property
    def spacing(self) -> float:
        """Return the seconds between two moves."""
        return 3600.0 / BUSY_MOVES_PER_HOUR


@dataclass
class Move:
    """One lock moved from outside Home Assistant, and when Home Assistant showed it."""

    lock_id: int
    at: float
    # The person who moved it (on the keypad); None: by hand.
    person: str | None = None
    state_at: float | None = None
    event_at: float | None = None
    operated_by_at: float | None = None

    def delay(self, shown_at: float | None) -> float:
        """Return the seconds from the move until `shown_at` (∞ when never shown)."""
        return math.inf if shown_at is None else shown_at - self.at


@dataclass
class BusyResult:
    """Every figure of the busy account."""

    size: Size
    settings: BusySettings
    devices: str = ""
    tedee_state: str = ""
    locks: int = 0
    # Sign-in → the last lock's entity shown (None: some lock's entity never was).
    setup_to_entities: float | None = None
    entities_shown: int = 0
    moves: list[Move] = field(default_factory=list)
    # The moves' hours (virtual seconds) and what the server saw in them.
    window: float = 0.0
    tedee_requests: Counter[str] = field(default_factory=Counter)
    busiest_hour: int = 0
    list_pages_busiest_hour: int = 0
    list_pages_from_sign_in: int = 0
    # The busiest hour from sign-in on: setup, the reload (sensors enabled) and the moves.
    list_pages_sign_in_hour: int = 0
    rule_429: int = 0
    # Why nothing was measured (the entry never set up).
    none_reason: str = ""

    @property
    def hours(self) -> float:
        """Return the moves' hours."""
        return self.window / 3600.0

    def per_hour(self, endpoint: str) -> float:
        """Return one Tedee endpoint's requests per hour over the moves' hours."""
        return self.tedee_requests[endpoint] / self.hours if self.window else math.nan

    @property
    def event_delays(self) -> list[float]:
        """Return each move's delay until its event entity fired."""
        return [m.delay(m.event_at) for m in self.moves]

    @property
    def state_delays(self) -> list[float]:
        """Return each move's delay until the lock showed its new position."""
        return [m.delay(m.state_at) for m in self.moves]

    @property
    def operated_by_delays(self) -> list[float]:
        """Return each person's move's delay until "last operated by" named them."""
        return [m.delay(m.operated_by_at) for m in self.moves if m.person is not None]

    @property
    def delivered(self) -> int:
        """Return how many moves' events were delivered at all."""
        return sum(1 for m in self.moves if m.event_at is not None)

    def within_the_hour(self) -> list[tuple[int, int]]:
        """Return, for each hour of moves, (moves, events delivered before the hour ended)."""
        if not self.moves:
            return []
        start = self.moves[0].at
        hours: list[tuple[int, int]] = []
        for hour in range(math.ceil(self.hours)):
            end = start + (hour + 1) * 3600.0
            moves = [m for m in self.moves if start + hour * 3600.0 <= m.at < end]
            arrived = sum(1 for m in moves if m.event_at is not None and m.event_at < end)
            hours.append((len(moves), arrived))
        return hours


def _lock_entities(bench: Bench) -> dict[int, str | None]:
    """Return each lock's lock entity id (None when it has none)."""
    return {lock_id: bench.lock_entity(lock_id) for lock_id in bench.cloud.world.tedee.locks}


def _setup_to_entities(bench: Bench, result: BusyResult) -> None:
    """Note when the last lock's entity first showed a state, from the sign-in's start."""
    shown = [
        bench.states.first_shown.get(entity) if entity else None
        for entity in _lock_entities(bench).values()
    ]
    seen = [at for at in shown if at is not None]
    result.entities_shown = len(seen)
    if seen and len(seen) == len(shown):
        result.setup_to_entities = max(seen) - bench.tedee_started


def plan_moves(bench: Bench, count: int) -> list[int]:
    """Return the locks to move, in order: connected locks that show a position, spread out.

    A lock cut off from its bridge reports no move, so it is never chosen. No lock is moved
    twice while there are locks not yet moved.
    """
    candidates = []
    for lock_id, lock in sorted(bench.cloud.world.tedee.locks.items()):
        entity = bench.lock_entity(lock_id)
        if lock.is_connected and entity and lock.state in (LOCKED, UNLOCKED):
            candidates.append(lock_id)
    if not candidates:
        return []
    step = next(
        s for s in range(SPREAD, SPREAD + len(candidates) + 1) if math.gcd(s, len(candidates)) == 1
    )
    return [candidates[(k * step) % len(candidates)] for k in range(count)]


def _entity(bench: Bench, domain: str, lock_id: int, key: str) -> str | None:
    """Return the entity id of one of a lock's entities."""
    return er.async_get(bench.hass).async_get_entity_id(
        domain, DOMAIN, f"{tedee_identifier(lock_id)}-{key}"
    )


def enable_operated_by(bench: Bench, lock_ids: set[int]) -> int:
    """Enable the "last operated by" sensors of these locks (Home Assistant reloads the entry)."""
    registry = er.async_get(bench.hass)
    enabled = 0
    for lock_id in sorted(lock_ids):
        entity = _entity(bench, "sensor", lock_id, "last_operated_by")
        if entity is not None and registry.async_get(entity) is not None:
            registry.async_update_entity(entity, disabled_by=None)
            enabled += 1
    return enabled


def _by_person(settings: BusySettings, index: int) -> bool:
    """Tell whether the move of this index is a person's on the keypad (else by hand)."""
    every = settings.person_every
    return every > 0 and index % every == every - 1


def _shown(state: str) -> bool:
    """Tell whether an entity's state is a value (not unavailable or unknown)."""
    return state not in NOT_SHOWN


async def _move(bench: Bench, move: Move, give_up: float) -> None:
    """Move one lock from outside Home Assistant and time what Home Assistant shows."""
    lock = bench.cloud.world.tedee.locks[move.lock_id]
    to_locked = lock.state != LOCKED
    states = bench.states
    waits: dict[str, asyncio.Future[float]] = {}
    if (entity := bench.lock_entity(move.lock_id)) is not None:
        expected = "locked" if to_locked else "unlocked"
        waits["state"] = states.wait_for(entity, expected.__eq__)
    if (entity := _entity(bench, "event", move.lock_id, "activity")) is not None:
        waits["event"] = states.wait_for(entity, _shown)
    if move.person is not None:
        entity = _entity(bench, "sensor", move.lock_id, "last_operated_by")
        if entity is not None:
            waits["operated_by"] = states.wait_for(entity, move.person.__eq__)
    move.at = bench.loop.time()
    if move.person is None:
        await bench.cloud.control(
            "PATCH", f"tedee/locks/{move.lock_id}", {"state": LOCKED if to_locked else UNLOCKED}
        )
    else:
        await bench.cloud.control(
            "POST",
            f"tedee/locks/{move.lock_id}/activity",
            {"event": KEYPAD_LOCKED if to_locked else KEYPAD_UNLOCKED, "username": move.person},
        )
    names = list(waits)
    shown = dict(
        zip(
            names,
            await asyncio.gather(*(wait_or_none(waits[name], give_up) for name in names)),
            strict=True,
        )
    )
    move.state_at = shown.get("state")
    move.event_at = shown.get("event")
    move.operated_by_at = shown.get("operated_by")


async def _run_moves(
    bench: Bench, settings: BusySettings, order: list[int], result: BusyResult
) -> None:
    """Move a lock each minute (in `order`); count what the server saw meanwhile."""
    loop = bench.loop
    world = bench.cloud.world
    before = snapshot(world)
    rule_before = world.requests.rule_limited
    start = loop.time()
    tasks = []
    for index, lock_id in enumerate(order):
        await sleep_until(loop, start + index * settings.spacing)
        person = PERSON if _by_person(settings, index) else None
        move = Move(lock_id, loop.time(), person)
        result.moves.append(move)
        tasks.append(asyncio.create_task(_move(bench, move, GIVE_UP)))
    await sleep_until(loop, start + settings.hours * 3600.0)
    result.window = loop.time() - start
    delta = snapshot(world) - before
    result.tedee_requests = Counter(
        {k: n for k, n in delta.items() if k.partition(" ")[2].startswith(TEDEE_PREFIX)}
    )
    result.rule_429 = world.requests.rule_limited - rule_before
    result.busiest_hour = most_in_an_hour(bench.tedee_arrivals, start)
    result.list_pages_busiest_hour = most_in_an_hour(bench.listing_arrivals, start)
    result.list_pages_from_sign_in = len(bench.listing_arrivals)
    result.list_pages_sign_in_hour = most_in_an_hour(bench.listing_arrivals, bench.tedee_started)
    # The last moves are still timed (up to `GIVE_UP` each), outside the counted hours.
    await asyncio.gather(*tasks)


async def _warm_up(bench: Bench, seconds: float) -> bool:
    """Let the account run for `seconds` (its reload included); tell whether it is loaded."""
    await asyncio.sleep(seconds)
    return bench.tedee.loaded


async def measure_busy(loop: VirtualTimeLoop, size: Size, settings: BusySettings) -> BusyResult:
    """Sign in to a large account, time its entities, then move a lock each minute."""
    result = BusyResult(size=size, settings=settings)
    async with open_bench(loop, size, seed=settings.seed, latency_ms=settings.latency_ms) as bench:
        world = bench.cloud.world
        result.locks = len(world.tedee.locks)
        result.devices = (
            f"{len(world.tedee.locks)} locks, {len(world.tedee.gates)} gates, "
            f"{len(world.doorflow.channels)} doors"
        )
        entry = bench.tedee.entry
        result.tedee_state = entry.state.value + (f" ({entry.reason})" if entry.reason else "")
        if not bench.tedee.loaded:
            result.none_reason = f"the Tedee entry never finished setting up ({result.tedee_state})"
            return result
        _setup_to_entities(bench, result)
        order = plan_moves(bench, settings.moves)
        if not order:
            result.none_reason = "no connected Tedee lock showed locked or unlocked"
            return result
        people = {lock_id for index, lock_id in enumerate(order) if _by_person(settings, index)}
        enable_operated_by(bench, people)
        if not await _warm_up(bench, settings.warmup):
            result.none_reason = "the Tedee entry did not come back after its reload"
            return result
        await _run_moves(bench, settings, order, result)
    return result


def bulk_syncs_per_hour(result: BusyResult) -> float:
    """Return the bulk syncs per hour over the moves' hours."""
    return result.per_hour(BULK_SYNC)


def tedee_share(result: BusyResult) -> float:
    """Return the busiest hour's Tedee requests as a share of the hourly budget."""
    return result.busiest_hour / TEDEE_HOURLY_LIMIT


def list_pages_per_hour(result: BusyResult) -> float:
    """Return the lock-list pages per hour over the moves' hours."""
    return result.per_hour(LOCK_LISTING)
