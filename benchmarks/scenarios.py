"""The accounts the benchmark measures: the `home` scenario and generated ones of N locks.

A generated account has N locks, one BleBox gate per 5 locks and one DoorFlow door per 2.5
locks (N = 10: 2 gates, 4 doors; 100: 20 and 40; 1000: 200 and 400), one bridge per 50 locks,
on the simulator's `generate` rules (a deterministic mix of states, every 23rd lock off its
bridge, every 13th door offline).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator import Scenario, load_scenario
from simulator.scenario import expand

GATES_PER_LOCK = 1 / 5
DOORS_PER_LOCK = 1 / 2.5
LOCKS_PER_BRIDGE = 50

_TOKENS: dict[str, Any] = {
    "tedee": [
        {
            "token": "demo-tedee-personal-key",
            "kind": "personal_key",
            "scopes": ["Device.Read", "Lock.Operate", "Device.ReadWrite", "DeviceActivity.Read"],
        }
    ],
    "doorflow": [{"token": "demo-doorflow-api-key", "kind": "api_key"}],
}


@dataclass(frozen=True)
class Size:
    """One account size: the bundled `home` scenario or N generated locks."""

    name: str
    locks: int | None = None

    @property
    def gates(self) -> int | None:
        """Return the generated gates (None for `home`)."""
        return None if self.locks is None else round(self.locks * GATES_PER_LOCK)

    @property
    def doors(self) -> int | None:
        """Return the generated DoorFlow doors (None for `home`)."""
        return None if self.locks is None else round(self.locks * DOORS_PER_LOCK)

    def scenario(self) -> Scenario:
        """Build the simulator scenario of this size."""
        if self.locks is None:
            return load_scenario(self.name)
        data: dict[str, Any] = {
            "id": self.name,
            "generate": {
                "bridges": max(1, self.locks // LOCKS_PER_BRIDGE),
                "locks": self.locks,
                "gates": self.gates,
                "channels": self.doors,
                "sites": 4,
                "users": 6,
                "history": 0,
            },
            "tedee": {
                "account": {"id": 4343, "email": "bench@example.com", "name": "Bench"},
                "blebox_integration": True,
                "tokens": _TOKENS["tedee"],
            },
            "doorflow": {
                "account": {"id": 7002, "name": "Bench Campus", "resource_owner_id": 9200},
                "tokens": _TOKENS["doorflow"],
            },
        }
        return Scenario(name=self.name, data=expand(data))


def parse_size(text: str) -> Size:
    """Read a size from the command line: `home`, or a number of locks."""
    if text.isdigit():
        locks = int(text)
        if locks < 1:
            raise ValueError("a generated account needs at least one lock")
        return Size(name=f"{locks} locks", locks=locks)
    load_scenario(text)  # a bundled scenario or a file: fails early when unknown
    return Size(name=text)
