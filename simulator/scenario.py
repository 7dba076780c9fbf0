"""Scenario files: the starting state of a world (``simulator/scenarios/*.json``)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
import json
from pathlib import Path
from typing import Any

SCENARIO_DIR = Path(__file__).parent / "scenarios"


@dataclass(frozen=True)
class Scenario:
    """A named scenario; ``data`` is never mutated (worlds deep-copy it)."""

    name: str
    data: dict[str, Any]

    def tokens(self) -> list[dict[str, Any]]:
        """Return the credentials defined by the scenario, both APIs."""
        return [
            {"api": api, **token}
            for api in ("tedee", "doorflow")
            for token in self.data.get(api, {}).get("tokens", [])
        ]


def available_scenarios() -> list[str]:
    """Return the names of the bundled scenarios."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.json"))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a bundled scenario by name (``"home"``, ``"large"``) or a JSON file by path."""
    candidate = Path(name_or_path)
    bundled = SCENARIO_DIR / f"{name_or_path}.json"
    if isinstance(name_or_path, str) and "/" not in name_or_path and bundled.is_file():
        path = bundled
    elif candidate.is_file():
        path = candidate
    else:
        known = ", ".join(available_scenarios())
        raise ValueError(f"unknown scenario {name_or_path!r} (bundled: {known})")
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"scenario {path} must hold a JSON object")
    return Scenario(name=str(data.get("id", path.stem)), data=expand(data))


def expand(data: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``data`` with its ``generate`` section turned into devices."""
    data = copy.deepcopy(data)
    spec = data.pop("generate", None)
    if not spec:
        return data
    tedee = data.setdefault("tedee", {})
    doorflow = data.setdefault("doorflow", {})
    bridges = tedee.setdefault("bridges", [])
    for n in range(int(spec.get("bridges", 0))):
        bridges.append({"id": 9001 + n, "name": f"Bridge {n + 1}"})
    bridge_ids = [b["id"] for b in bridges] or [None]
    locks = tedee.setdefault("locks", [])
    for n in range(int(spec.get("locks", 0))):
        lock: dict[str, Any] = {
            "id": 10001 + n,
            "name": f"Lock {n + 1:03d}",
            "type": 2 if n % 3 else 4,
            "connectedToId": bridge_ids[n % len(bridge_ids)],
            "state": (6, 2, 6, 3)[n % 4],
            "batteryLevel": 5 + (n * 37) % 96,
            "isCharging": n % 17 == 0,
            "isConnected": n % 23 != 0,
            "pullSpringEnabled": n % 2 == 0,
            "autoPullSpringEnabled": n % 4 == 0,
        }
        if lock["type"] == 2 and n % 5 != 0:
            lock["doorState"] = 3 if n % 7 else 2
        locks.append(lock)
    gates = tedee.setdefault("gates", [])
    for n in range(int(spec.get("gates", 0))):
        gates.append(
            {
                "id": 5001 + n,
                "name": f"Gate {n + 1:03d}",
                "icon": 1 + n % 5,
                "isConnected": n % 11 != 0,
                "isPresentInExternal": n % 19 != 0,
                "impulseLength": 500 + (n % 4) * 500,
            }
        )
    channels = doorflow.setdefault("channels", [])
    for n in range(int(spec.get("channels", 0))):
        channels.append(
            {
                "id": 20001 + n,
                "name": f"Door {n + 1:03d}",
                "status": "offline" if n % 13 == 0 else "online",
                "site_id": 1 + n % 4,
            }
        )
    return data
