"""Injected faults: wrong statuses, hangs, garbage or huge bodies, odd paging, forced 401/429."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Faults that replace the whole answer (the request is not handled).
ANSWER_KINDS = frozenset(
    {
        "status",
        "hang",
        "malformed_json",
        "html",
        "empty",
        "unauthorized",
        "rate_limit",
        "oversized",
        "gzip_bomb",
        "endless",
    }
)
# Faults the handler applies to a real answer; they match only the endpoints they fit.
HANDLER_KINDS = frozenset({"repeat_page", "omit_locks"})
FAULT_KINDS = ANSWER_KINDS | HANDLER_KINDS | {"wrong_types"}
STREAMING_KINDS = frozenset({"oversized", "gzip_bomb", "endless"})
API_PREFIXES = ("/api/", "/oauth/")
LISTING_ENDPOINTS = frozenset(
    {
        "GET /api/{version}/my/lock",
        "GET /api/{version}/my/gate",
        "GET /api/{version}/my/deviceactivity",
        "GET /api/3/channels",
        "GET /api/3/events",
        "GET /api/3/sites",
    }
)
BULK_SYNC_ENDPOINT = "GET /api/{version}/my/lock/sync"
DEFAULT_SIZE_MB = {"oversized": 200.0, "gzip_bomb": 2048.0}
SPEC_FIELDS = frozenset(
    {
        "kind",
        "status",
        "path_prefix",
        "count",
        "seconds",
        "retry_after",
        "hang_seconds",
        "size_mb",
        "chunk_kb",
        "lock_ids",
    }
)


class FaultError(ValueError):
    """A fault description the control API cannot accept."""


@dataclass
class Fault:
    """One active fault and what remains of its budget (count and/or time)."""

    id: int
    kind: str
    status: int | None = None
    path_prefix: str | None = None
    remaining: int | None = None
    until: float | None = None
    retry_after: int = 30
    hang_seconds: float = 30.0
    size_mb: float = 0.0
    chunk_kb: int = 64
    lock_ids: list[int] = field(default_factory=list)
    hits: int = 0

    def applies_to(self, path: str, endpoint: str) -> bool:
        """Tell whether the fault covers a request (its path and ``"METHOD /template"``)."""
        if path.startswith("/_control"):
            return False
        if self.kind == "repeat_page" and endpoint not in LISTING_ENDPOINTS:
            return False
        if self.kind == "omit_locks" and endpoint != BULK_SYNC_ENDPOINT:
            return False
        if self.path_prefix is None:
            return path.startswith(API_PREFIXES)
        return path.startswith(self.path_prefix)

    def to_json(self, now: float) -> dict[str, Any]:
        """Describe the fault for the control API."""
        data: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "path_prefix": self.path_prefix,
            "remaining": self.remaining,
            "seconds_left": None if self.until is None else round(self.until - now, 3),
            "retry_after": self.retry_after,
            "hang_seconds": self.hang_seconds,
            "hits": self.hits,
        }
        if self.kind in DEFAULT_SIZE_MB:
            data["size_mb"] = self.size_mb
        if self.kind == "endless":
            data["chunk_kb"] = self.chunk_kb
        if self.kind == "omit_locks":
            data["lock_ids"] = list(self.lock_ids)
        return data


def _positive(spec: dict[str, Any], key: str, default: float) -> float:
    """Read a positive number from a fault description."""
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise FaultError(f"{key} must be a positive number")
    return float(value)


class FaultStore:
    """The active faults of a world, first added first applied."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(self, spec: dict[str, Any], now: float) -> Fault:
        """Add a fault from its control-API description."""
        unknown = set(spec) - SPEC_FIELDS
        if unknown:
            raise FaultError(f"unknown fault fields: {sorted(unknown)}")
        kind = spec.get("kind")
        if kind not in FAULT_KINDS:
            raise FaultError(f"kind must be one of {sorted(FAULT_KINDS)}")
        status = spec.get("status")
        if kind == "status" and status is None:
            status = 503
        if status is not None and (not isinstance(status, int) or not 100 <= status <= 599):
            raise FaultError("status must be an HTTP status code")
        prefix = spec.get("path_prefix")
        if prefix is not None and (not isinstance(prefix, str) or prefix.startswith("/_control")):
            raise FaultError("path_prefix must be a string outside /_control")
        lock_ids = spec.get("lock_ids", [])
        if not isinstance(lock_ids, list) or not all(isinstance(i, int) for i in lock_ids):
            raise FaultError("lock_ids must be a list of lock ids")
        if kind == "omit_locks" and not lock_ids:
            raise FaultError("omit_locks needs lock_ids")
        count = spec.get("count")
        if count is None and kind == "omit_locks":
            count = 1
        seconds = spec.get("seconds")
        fault = Fault(
            id=self._next_id,
            kind=str(kind),
            status=status,
            path_prefix=prefix,
            remaining=None if count is None else int(count),
            until=None if seconds is None else now + float(seconds),
            retry_after=int(spec.get("retry_after", 30)),
            hang_seconds=float(spec.get("hang_seconds", 30.0)),
            size_mb=_positive(spec, "size_mb", DEFAULT_SIZE_MB.get(str(kind), 1.0)),
            chunk_kb=int(_positive(spec, "chunk_kb", 64)),
            lock_ids=list(lock_ids),
        )
        self._next_id += 1
        self._faults.append(fault)
        return fault

    def _consume(self, fault: Fault) -> Fault:
        """Count one use of ``fault`` (dropping it when its count runs out)."""
        fault.hits += 1
        if fault.remaining is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
        return fault

    def match(self, path: str, endpoint: str, now: float) -> Fault | None:
        """Return (and consume one use of) the first live answer-level fault for a request."""
        self._faults = [f for f in self._faults if f.until is None or now < f.until]
        for fault in self._faults:
            if fault.kind not in HANDLER_KINDS and fault.applies_to(path, endpoint):
                return self._consume(fault)
        return None

    def take(self, kind: str, path: str, endpoint: str, now: float) -> Fault | None:
        """Return (and consume one use of) the first live fault of ``kind`` for a request."""
        self._faults = [f for f in self._faults if f.until is None or now < f.until]
        for fault in self._faults:
            if fault.kind == kind and fault.applies_to(path, endpoint):
                return self._consume(fault)
        return None

    def remove(self, fault_id: int) -> bool:
        """Remove one fault; tell whether it existed."""
        before = len(self._faults)
        self._faults = [f for f in self._faults if f.id != fault_id]
        return len(self._faults) != before

    def clear(self) -> None:
        """Remove every fault."""
        self._faults.clear()

    def active(self, now: float) -> list[Fault]:
        """Return the faults still live at ``now``."""
        return [f for f in self._faults if f.until is None or now < f.until]
