"""The journey's servers: the cloud simulator and a real `hass`, as `./scripts/demo` runs them.

Reuses `scripts/demo_orchestrator.py`: a temporary config folder rendered from the demo's
template, the simulator (scenario `home`) and `hass` on free loopback ports, each in its own
process group that also ends when this process dies, and the demo user onboarded. Unlike the
demo, no config entry is added: the journey adds them through the browser.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
import contextlib
from dataclasses import dataclass
from pathlib import Path
import shutil
import socket
import threading
from typing import Any, Final

import aiohttp

from scripts import demo_orchestrator as demo

SIM_STOP_TIMEOUT: Final = 10.0
REGISTRY_TIMEOUT: Final = 30.0


def free_port() -> int:
    """Return a TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Stack:
    """A running simulator and Home Assistant, and how to reach them."""

    demo: demo.Demo
    api: demo.HomeAssistantApi

    @property
    def hass_url(self) -> str:
        """Return Home Assistant's base URL."""
        return self.api.base

    @property
    def sim_url(self) -> str:
        """Return the simulator's base URL (both clouds)."""
        return self.demo.sim_url

    @property
    def config(self) -> Path:
        """Return Home Assistant's config folder."""
        return self.demo.options.config

    def world(self) -> dict[str, Any]:
        """Return the simulator's whole state (what the clouds know)."""
        body: dict[str, Any] = demo.expect(
            demo.http("GET", self.sim_url + "/_control/state"), "the simulator's state"
        )
        return body

    def entry_states(self) -> dict[str, str]:
        """Return each Door Access config entry's state by title (Home Assistant's REST API)."""
        entries = demo.expect(
            self.api.get("/api/config/config_entries/entry?domain=door_access"),
            "the config entries",
        )
        return {entry["title"]: entry["state"] for entry in entries}

    def control(self, method: str, path: str) -> Any:
        """Call the simulator's control API (`path` below /_control/)."""
        return demo.expect(
            demo.http(method, f"{self.sim_url}/_control/{path}"), f"{method} /_control/{path}"
        )

    def registry(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Return Home Assistant's device and entity registries (its WebSocket API)."""
        result: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]] = []
        errors: list[BaseException] = []

        def run() -> None:
            try:
                result.append(asyncio.run(self._registry()))
            except BaseException as err:
                errors.append(err)

        # A thread of its own: the test's thread may have Playwright's event loop marked running.
        thread = threading.Thread(target=run, name="registry-query")
        thread.start()
        thread.join(REGISTRY_TIMEOUT + 5)
        if errors:
            raise errors[0]
        if not result:
            raise TimeoutError(f"Home Assistant's WebSocket API: no answer in {REGISTRY_TIMEOUT} s")
        return result[0]

    async def _registry(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Ask the WebSocket API for both registries."""
        url = self.hass_url.replace("http://", "ws://") + "/api/websocket"
        timeout = aiohttp.ClientTimeout(total=REGISTRY_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.ws_connect(url) as ws:
            await ws.receive_json()
            await ws.send_json({"type": "auth", "access_token": self.api.token})
            auth = await ws.receive_json()
            if auth.get("type") != "auth_ok":
                raise RuntimeError(f"WebSocket authentication failed: {auth}")
            answers: dict[int, Any] = {}
            for message_id, kind in (
                (1, "config/device_registry/list"),
                (2, "config/entity_registry/list"),
            ):
                await ws.send_json({"id": message_id, "type": kind})
            while len(answers) < 2:
                message = await ws.receive_json()
                if message.get("type") == "result":
                    if not message.get("success"):
                        raise RuntimeError(f"WebSocket query failed: {message}")
                    answers[message["id"]] = message["result"]
            return list(answers[1]), list(answers[2])

    def copy_logs(self, folder: Path) -> None:
        """Copy Home Assistant's and the simulator's logs into `folder`."""
        for name in ("home-assistant.log", "hass-console.log", "simulator.log"):
            source = self.config / name
            if source.exists():
                shutil.copyfile(source, folder / name)


@contextlib.contextmanager
def running_stack(config: Path) -> Iterator[Stack]:
    """Start the simulator and Home Assistant (onboarded); stop both, whatever happens."""
    options = demo.Options(
        config=config,
        fresh=False,
        host="127.0.0.1",
        port=free_port(),
        sim_port=free_port(),
        latency_ms="20:150",  # a cloud that is not instant, like ./scripts/demo's
        check=False,
        host_root="",
    )
    run = demo.Demo(options)
    try:
        demo.prepare_config(options)
        run.start_simulator()
        api = run.start_hass()
        run.wait_running(api)
        yield Stack(run, api)
    finally:
        if run.hass is not None:
            run.hass.stop(demo.HASS_STOP_TIMEOUT)
        if run.simulator is not None:
            run.simulator.stop(SIM_STOP_TIMEOUT)
