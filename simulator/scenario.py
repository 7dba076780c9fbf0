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


# Past activity of generated devices, cycled: (Tedee event, author index or None, seconds ago).
LOCK_HISTORY = ((61, 0, 9000), (34, None, 7200), (33, 1, 5400), (62, None, 3600), (32, 2, 1800))
DOOR_HISTORY = (("card_admit", 0, 8000), ("rex", None, 6000), ("pin_admit", 1, 4000))
USER_NAMES = ("Anna", "Ben", "Carla", "Dev", "Eli", "Fay", "Gus", "Hana")


def _generate_people(
    spec: dict[str, Any], tedee: dict[str, Any], doorflow: dict[str, Any]
) -> list[str]:
    """Add ``users`` account users (Tedee) and people (DoorFlow); return their names."""
    names = [
        USER_NAMES[n % len(USER_NAMES)] + ("" if n < len(USER_NAMES) else f" {n}")
        for n in range(int(spec.get("users", 0)))
    ]
    account_id = int(tedee.get("account", {}).get("id", 4242))
    owner_id = int(doorflow.get("account", {}).get("resource_owner_id", 9100))
    users = tedee.setdefault("users", [])
    people = doorflow.setdefault("people", [])
    for n, name in enumerate(names):
        users.append({"id": account_id + 1 + n, "name": name})
        people.append({"id": owner_id + 1 + n, "name": name})
    return names


def _history(
    template: tuple[tuple[Any, int | None, int], ...],
    names: list[str],
    n: int,
    count: int,
    key: str,
) -> list[dict[str, Any]]:
    """Return ``count`` past entries for device number ``n`` (authors cycle through ``names``)."""
    entries: list[dict[str, Any]] = []
    for k in range(count):
        what, author, ago = template[(n + k) % len(template)]
        entry: dict[str, Any] = {key: what, "ago": ago + 60 * k + n % 60}
        if author is not None and names:
            entry["person" if key == "kind" else "user"] = names[(author + n) % len(names)]
        entries.append(entry)
    return entries


def expand(data: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``data`` with its ``generate`` section turned into devices."""
    data = copy.deepcopy(data)
    spec = data.pop("generate", None)
    if not spec:
        return data
    tedee = data.setdefault("tedee", {})
    doorflow = data.setdefault("doorflow", {})
    names = _generate_people(spec, tedee, doorflow)
    history = int(spec.get("history", 0))
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
        if history:
            lock["activity"] = _history(LOCK_HISTORY, names, n, history, "event")
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
    sites = doorflow.setdefault("sites", [])
    site_count = int(spec.get("sites", 0))
    for n in range(site_count):
        sites.append({"id": 1 + n, "name": f"Site {n + 1}", "time_zone": "Europe/London"})
    channels = doorflow.setdefault("channels", [])
    for n in range(int(spec.get("channels", 0))):
        controller = n // 2
        channel: dict[str, Any] = {
            "id": 20001 + n,
            "name": f"Door {n + 1:03d}",
            "status": "offline" if n % 13 == 0 else "online",
            "site_id": 1 + controller % max(site_count, 1),
            "mac_address": f"00:1b:c5:1{controller >> 16 & 0xF:x}:{controller >> 8 & 0xFF:02x}:"
            f"{controller & 0xFF:02x}",
            "unit": 1 + n % 2,
            "serial_number": f"IPBR2-{controller + 1:06d}",
        }
        if history:
            channel["events"] = _history(DOOR_HISTORY, names, n, history, "kind")
        channels.append(channel)
    return data
