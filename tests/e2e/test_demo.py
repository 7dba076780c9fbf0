"""The local demo, end to end: `scripts/demo_orchestrator.py --check` on free loopback ports.

It starts the simulator and a real `hass` process, onboards the demo user, adds the Tedee and
DoorFlow entries through the config flow's REST API, checks the entities, an unlock and a keypad
unlock's one line in the logbook, then stops everything. This is what `./scripts/demo --check`
runs inside the environment.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
import socket
import subprocess
import sys

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORCHESTRATOR = ROOT / "scripts" / "demo_orchestrator.py"

pytestmark = pytest.mark.timeout(240)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_demo_check(tmp_path: Path, socket_enabled: None) -> None:
    """The demo comes up, is usable through the REST API and stops cleanly."""
    port, sim_port = _free_port(), _free_port()
    config = tmp_path / "demo-config"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOOR_ACCESS_")}
    result = subprocess.run(
        [
            sys.executable,
            str(ORCHESTRATOR),
            "--check",
            "--config",
            str(config),
            "--port",
            str(port),
            "--sim-port",
            str(sim_port),
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=200,
        check=False,
    )
    output = result.stdout + result.stderr
    hass_log = config / "home-assistant.log"
    log_tail = hass_log.read_text(errors="replace")[-4000:] if hass_log.exists() else ""
    assert result.returncode == 0, f"{output}\n--- home-assistant.log (end) ---\n{log_tail}"

    assert f"simulator: up at http://127.0.0.1:{sim_port} (scenario 'home', latency" in output
    assert "onboarding: created the user 'demo'" in output
    assert "onboarding: done" in output
    assert "config entry Tedee: created (Tedee — Demo User's account)" in output
    assert "config entry DoorFlow: created (DoorFlow — Demo Office)" in output
    # 4 Tedee locks and 3 DoorFlow doors; 3 gate buttons and the DoorFlow sync button.
    assert "check: 7 locks: " in output
    assert "lock.front_door" in output
    assert "lock.warehouse" in output
    assert "check: 4 buttons: " in output
    assert "check: service descriptions build (the frontend can load)" in output
    assert "button.demo_office_sync_door_controllers" in output
    assert "check: lock.unlock lock." in output
    # The Tedee entry has the simulator's bridge: lock state arrives by push.
    assert "Tedee bridge: 127.0.0.1:" in output
    assert "check: Tedee bridge push is on (the bridge calls Home Assistant's webhook)" in output
    assert "check: a hand-turned lock showed after " in output
    # A keypad unlock is one logbook line, the activity entity's (recorder, history and
    # logbook loaded); who it was is on that entity.
    [logbook] = [line for line in output.splitlines() if "check: logbook:" in line]
    assert "one line for the keypad unlock: Front door Activity — unlocked" in logbook
    assert "Anna, pin" in logbook
    assert "\"Tedee — Demo User's account\": 'loaded'" in output
    assert "'DoorFlow — Demo Office': 'loaded'" in output
    assert "demo check passed" in output
    assert "Home Assistant exited with code 0" in output

    # The config folder holds the minimal configuration, the HTTP settings in storage (Home
    # Assistant no longer reads them from YAML) and a link to the live integration.
    configuration = (config / "configuration.yaml").read_text()
    assert "\ndefault_config:" not in configuration
    assert "\nhttp:" not in configuration
    for component in ("recorder", "history", "logbook"):
        assert f"\n{component}:" in configuration
    http = json.loads((config / ".storage" / "http").read_text())["data"]
    assert http["stable"]["server_port"] == port
    assert http["stable"]["server_host"] == ["127.0.0.1"]
    assert http["pending"] is None
    link = config / "custom_components" / "door_access"
    assert link.is_symlink()
    assert link.resolve() == ROOT / "custom_components" / "door_access"

    # Nothing is left running.
    assert not _answers(port)
    assert not _answers(sim_port)
