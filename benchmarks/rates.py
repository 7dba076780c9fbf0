"""Figures 1 and 2: requests per hour by endpoint, and the 429s a run caused itself.

Both are read from the simulator's own request log (what the server saw, by arrival), not
from the integration's counters; the integration's scheduler is read beside it as a check.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from custom_components.door_access.tedee.const import TEDEE_HOURLY_LIMIT
from simulator import World

from .bench import BULK_SYNC, Bench

TEDEE_PREFIX = "/api/{version}/"
DOORFLOW_PREFIX = "/api/3/"


def short_endpoint(key: str) -> str:
    """Return `METHOD path` without the API prefix (`GET my/lock/sync`)."""
    method, _, path = key.partition(" ")
    for prefix in (TEDEE_PREFIX, DOORFLOW_PREFIX):
        if path.startswith(prefix):
            return f"{method} {path.removeprefix(prefix)}"
    return key


@dataclass
class RequestRates:
    """Requests the server saw per hour, by endpoint, over one window."""

    window: float
    tedee: dict[str, float] = field(default_factory=dict)
    doorflow: dict[str, float] = field(default_factory=dict)
    tedee_polls: float = 0.0
    doorflow_polls: float = 0.0
    # The integration's own count of requests in the last hour, at the window's end.
    scheduler_last_hour: int | None = None
    tedee_loaded: bool = True
    effective_interval: float | None = None
    margin: float | None = None
    # Lock-state requests (bulk and single syncs) each poll sent.
    syncs_per_poll: list[int] = field(default_factory=list)

    @property
    def tedee_total(self) -> float:
        """Return the Tedee requests per hour, every endpoint."""
        return sum(self.tedee.values())

    @property
    def tedee_share(self) -> float:
        """Return the Tedee requests per hour as a share of the hourly budget."""
        return self.tedee_total / TEDEE_HOURLY_LIMIT

    @property
    def doorflow_total(self) -> float:
        """Return the DoorFlow requests per hour, every endpoint."""
        return sum(self.doorflow.values())

    def tedee_rate(self, endpoint: str) -> float:
        """Return one Tedee endpoint's requests per hour (`GET my/lock/sync`)."""
        return self.tedee.get(endpoint, 0.0)

    @property
    def most_syncs_in_a_poll(self) -> int:
        """Return the most lock-state requests (bulk or single syncs) one poll sent."""
        return max(self.syncs_per_poll, default=0)


def snapshot(world: World) -> Counter[str]:
    """Return the server's request counts by endpoint so far."""
    return Counter(world.requests.by_endpoint)


class RateWindow:
    """Counts what the server saw, and the polls, between `start()` and `finish()`."""

    def __init__(self, bench: Bench) -> None:
        self._bench = bench
        self._before: Counter[str] = Counter()
        self._started = 0.0
        self._polls = (0, 0)
        self._first_poll = 0

    def _poll_counts(self) -> tuple[int, int]:
        """Return the polls of each coordinator so far."""
        tedee, doorflow = self._bench.tedee_probe, self._bench.doorflow_probe
        return (
            tedee.refreshes if tedee is not None else 0,
            doorflow.refreshes if doorflow is not None else 0,
        )

    def start(self) -> None:
        """Open the window now."""
        self._before = snapshot(self._bench.cloud.world)
        self._started = self._bench.loop.time()
        self._polls = self._poll_counts()
        probe = self._bench.tedee_probe
        self._first_poll = len(probe.requests_per_refresh) if probe is not None else 0

    def finish(self) -> RequestRates:
        """Close the window and return the rates per hour."""
        bench = self._bench
        window = bench.loop.time() - self._started
        per_hour = 3600.0 / window
        delta = snapshot(bench.cloud.world) - self._before
        rates = RequestRates(window=window, tedee_loaded=bench.tedee.loaded)
        for key, count in sorted(delta.items()):
            path = key.partition(" ")[2]
            if path.startswith(DOORFLOW_PREFIX):
                rates.doorflow[short_endpoint(key)] = count * per_hour
            elif path.startswith(TEDEE_PREFIX):
                rates.tedee[short_endpoint(key)] = count * per_hour
        tedee_polls, doorflow_polls = self._poll_counts()
        rates.tedee_polls = (tedee_polls - self._polls[0]) * per_hour
        rates.doorflow_polls = (doorflow_polls - self._polls[1]) * per_hour
        if bench.tedee_probe is not None:
            rates.syncs_per_poll = bench.tedee_probe.requests_per_refresh[self._first_poll :]
        if bench.tedee.loaded:
            coordinator = bench.tedee.coordinator
            rates.scheduler_last_hour = coordinator.scheduler.used_last_hour()
            if coordinator.update_interval is not None:
                rates.effective_interval = coordinator.update_interval.total_seconds()
            rates.margin = coordinator.scheduler.margin
        return rates


@dataclass
class DayTally:
    """The 429s of a long run, as the server judged them, and the closest bulk syncs."""

    hours: float
    requests: int
    self_caused: int
    by_rule: dict[str, int]
    injected: int
    smallest_rule_gap: float | None
    bulk_syncs: int
    smallest_bulk_gap: float | None
    mean_bulk_gap: float | None
    # What the integration itself noticed.
    scheduler_self_caused: int | None
    scheduler_other: int | None
    client_timeouts: int
    client_errors: dict[str, int]
    tedee_loaded: bool


def day_tally(bench: Bench, hours: float, client_errors: Counter[str]) -> DayTally:
    """Read the run's 429s and bulk-sync gaps from the server's log."""
    log = bench.cloud.world.requests
    bulk = log.endpoints.get(BULK_SYNC)
    scheduler = bench.tedee.coordinator.scheduler if bench.tedee.loaded else None
    return DayTally(
        hours=hours,
        requests=log.total,
        self_caused=log.rule_limited,
        by_rule=dict(log.limited_by_rule),
        injected=log.limited_by_fault,
        smallest_rule_gap=log.smallest_rule_gap,
        bulk_syncs=bulk.count if bulk is not None else 0,
        smallest_bulk_gap=bulk.min_gap if bulk is not None else None,
        mean_bulk_gap=(bulk.total_gap / bulk.gaps) if bulk is not None and bulk.gaps else None,
        scheduler_self_caused=scheduler.self_caused_429 if scheduler is not None else None,
        scheduler_other=scheduler.other_429 if scheduler is not None else None,
        client_timeouts=sum(n for k, n in client_errors.items() if k.endswith("TimeoutError")),
        client_errors=dict(client_errors),
        tedee_loaded=bench.tedee.loaded,
    )
