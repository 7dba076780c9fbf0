"""The requests the simulator answered: counts, arrival gaps per endpoint and every 429."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import Any

RECENT_LIMIT = 500


@dataclass(frozen=True)
class RequestRecord:
    """One answered request (never with credentials).

    ``t`` is the arrival time on the world's clock (after the uplink delay, before handling);
    ``gap`` the seconds since the previous arrival at the same resource (method and path).
    A 429 names its cause: the ``rule`` that refused it (with ``rule_gap``, the gap that rule
    judged) or the ``fault`` that answered it.
    """

    t: float
    method: str
    path: str
    status: int
    account: int | str | None
    gap: float | None = None
    rule: str | None = None
    rule_gap: float | None = None
    fault: str | None = None
    retry_after: str | None = None

    @property
    def endpoint(self) -> str:
        """Return the ``"METHOD /template"`` key of this request."""
        return f"{self.method} {self.path}"


@dataclass
class EndpointStats:
    """Arrival gaps of one endpoint (between requests to the same resource)."""

    count: int = 0
    gaps: int = 0
    min_gap: float | None = None
    max_gap: float | None = None
    total_gap: float = 0.0
    last_gap: float | None = None
    last_arrival: float | None = None
    rate_limited: int = 0

    def add(self, record: RequestRecord) -> None:
        """Count one request."""
        self.count += 1
        self.last_arrival = record.t
        if record.status == 429:
            self.rate_limited += 1
        if record.gap is None:
            return
        self.gaps += 1
        self.total_gap += record.gap
        self.last_gap = record.gap
        self.min_gap = record.gap if self.min_gap is None else min(self.min_gap, record.gap)
        self.max_gap = record.gap if self.max_gap is None else max(self.max_gap, record.gap)

    def to_json(self) -> dict[str, Any]:
        """Describe the gaps (seconds, rounded to the millisecond)."""
        return {
            "count": self.count,
            "min_gap": _round(self.min_gap),
            "mean_gap": _round(self.total_gap / self.gaps) if self.gaps else None,
            "max_gap": _round(self.max_gap),
            "last_gap": _round(self.last_gap),
            "last_arrival": self.last_arrival,
            "rate_limited": self.rate_limited,
        }


def _round(value: float | None) -> float | None:
    """Round seconds to the millisecond."""
    return None if value is None else round(value, 3)


class RequestLog:
    """Running totals, gaps per endpoint, every 429, plus the last few hundred requests."""

    def __init__(self) -> None:
        self.total = 0
        self.by_endpoint: Counter[str] = Counter()
        self.by_status: Counter[str] = Counter()
        self.recent: deque[RequestRecord] = deque(maxlen=RECENT_LIMIT)
        self.endpoints: dict[str, EndpointStats] = {}
        self.limited: deque[RequestRecord] = deque(maxlen=RECENT_LIMIT)
        self.limited_by_rule: Counter[str] = Counter()
        self.limited_by_fault = 0
        self.limited_by_endpoint: Counter[str] = Counter()
        self.smallest_rule_gap: float | None = None
        self._last_arrival: dict[str, float] = {}

    def gap_since(self, resource: str, arrival: float) -> float | None:
        """Return the seconds since the last arrival at ``resource`` and remember this one."""
        last = self._last_arrival.get(resource)
        self._last_arrival[resource] = arrival
        return None if last is None else arrival - last

    def record(self, record: RequestRecord) -> None:
        """Count one answered request."""
        self.total += 1
        self.by_endpoint[record.endpoint] += 1
        self.by_status[str(record.status)] += 1
        self.recent.append(record)
        self.endpoints.setdefault(record.endpoint, EndpointStats()).add(record)
        if record.status != 429:
            return
        self.limited.append(record)
        self.limited_by_endpoint[record.endpoint] += 1
        if record.rule is None and record.fault is not None:
            self.limited_by_fault += 1
            return
        self.limited_by_rule[record.rule or "unknown"] += 1
        if record.rule_gap is not None:
            gap = record.rule_gap
            best = self.smallest_rule_gap
            self.smallest_rule_gap = gap if best is None else min(best, gap)

    def count(self, endpoint: str, status: int | None = None) -> int:
        """Count requests to ``"METHOD /template"``, optionally only those with ``status``."""
        if status is None:
            return self.by_endpoint[endpoint]
        return sum(1 for r in self.recent if r.endpoint == endpoint and r.status == status)

    @property
    def rule_limited(self) -> int:
        """Return how many 429s the simulator's own rules answered (not faults)."""
        return sum(self.limited_by_rule.values())

    def clear(self) -> None:
        """Forget everything."""
        self.total = 0
        self.by_endpoint.clear()
        self.by_status.clear()
        self.recent.clear()
        self.endpoints.clear()
        self.limited.clear()
        self.limited_by_rule.clear()
        self.limited_by_fault = 0
        self.limited_by_endpoint.clear()
        self.smallest_rule_gap = None
        self._last_arrival.clear()

    def to_json(self) -> dict[str, Any]:
        """Return the log as the control API shows it."""
        return {
            "total": self.total,
            "by_endpoint": dict(self.by_endpoint),
            "by_status": dict(self.by_status),
            "recent": [asdict(r) for r in self.recent],
            "endpoints": {key: stats.to_json() for key, stats in self.endpoints.items()},
            "rate_limited": {
                "total": self.rule_limited + self.limited_by_fault,
                "by_rules": self.rule_limited,
                "by_faults": self.limited_by_fault,
                "by_rule": dict(self.limited_by_rule),
                "by_endpoint": dict(self.limited_by_endpoint),
                "smallest_rule_gap": _round(self.smallest_rule_gap),
                "recent": [asdict(r) for r in self.limited],
            },
        }
