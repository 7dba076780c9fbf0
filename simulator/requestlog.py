"""Counts of the requests the simulator answered, by endpoint template and status."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import Any

RECENT_LIMIT = 500


@dataclass(frozen=True)
class RequestRecord:
    """One answered request (never with credentials)."""

    t: float
    method: str
    path: str
    status: int
    account: int | str | None

    @property
    def endpoint(self) -> str:
        """Return the ``"METHOD /template"`` key of this request."""
        return f"{self.method} {self.path}"


class RequestLog:
    """Running totals plus the last few hundred requests."""

    def __init__(self) -> None:
        self.total = 0
        self.by_endpoint: Counter[str] = Counter()
        self.by_status: Counter[str] = Counter()
        self.recent: deque[RequestRecord] = deque(maxlen=RECENT_LIMIT)

    def record(self, record: RequestRecord) -> None:
        """Count one answered request."""
        self.total += 1
        self.by_endpoint[record.endpoint] += 1
        self.by_status[str(record.status)] += 1
        self.recent.append(record)

    def count(self, endpoint: str, status: int | None = None) -> int:
        """Count requests to ``"METHOD /template"``, optionally only those with ``status``."""
        if status is None:
            return self.by_endpoint[endpoint]
        return sum(1 for r in self.recent if r.endpoint == endpoint and r.status == status)

    def clear(self) -> None:
        """Forget everything."""
        self.total = 0
        self.by_endpoint.clear()
        self.by_status.clear()
        self.recent.clear()

    def to_json(self) -> dict[str, Any]:
        """Return the log as the control API shows it."""
        return {
            "total": self.total,
            "by_endpoint": dict(self.by_endpoint),
            "by_status": dict(self.by_status),
            "recent": [asdict(r) for r in self.recent],
        }
