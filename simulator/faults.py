"""Injected faults: wrong statuses, hangs, garbage bodies, forced 401/429 answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FAULT_KINDS = frozenset(
    {
        "status",
        "hang",
        "malformed_json",
        "html",
        "empty",
        "wrong_types",
        "unauthorized",
        "rate_limit",
    }
)
API_PREFIXES = ("/api/", "/oauth/")


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
    hits: int = 0

    def applies_to(self, path: str) -> bool:
        """Tell whether the fault covers this request path."""
        if path.startswith("/_control"):
            return False
        if self.path_prefix is None:
            return path.startswith(API_PREFIXES)
        return path.startswith(self.path_prefix)

    def to_json(self, now: float) -> dict[str, Any]:
        """Describe the fault for the control API."""
        return {
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


class FaultStore:
    """The active faults of a world, first added first applied."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(self, spec: dict[str, Any], now: float) -> Fault:
        """Add a fault from its control-API description."""
        allowed = {"kind", "status", "path_prefix", "count", "seconds", "retry_after"}
        allowed.add("hang_seconds")
        unknown = set(spec) - allowed
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
        count = spec.get("count")
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
        )
        self._next_id += 1
        self._faults.append(fault)
        return fault

    def match(self, path: str, now: float) -> Fault | None:
        """Return (and consume one use of) the first live fault covering ``path``."""
        self._faults = [f for f in self._faults if f.until is None or now < f.until]
        for fault in self._faults:
            if not fault.applies_to(path):
                continue
            fault.hits += 1
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
            return fault
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
