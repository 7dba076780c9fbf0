"""Control API, faults, request log, scenarios, ambient life, CLI and clean shutdown."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import aiohttp
import pytest

from simulator import SimulatorServer, World, load_scenario

from .conftest import FakeClock, Sim


async def test_state_and_reset(sim: Sim) -> None:
    state = await sim.control("GET", "state")
    assert state["scenario"] == "home"
    assert len(state["tedee"]["locks"]) == 4
    assert len(state["doorflow"]["channels"]) == 3
    assert all("demo-" not in t["token"] for t in state["tokens"])
    await sim.control("PATCH", "tedee/locks/1001", {"name": "Changed"})
    await sim.control("POST", "reset")
    assert sim.world.tedee.locks[1001].name == "Front door"


async def test_control_errors(sim: Sim) -> None:
    bad = await sim.call("PATCH", "/_control/tedee/locks/1001", json={"colour": "red"})
    assert bad.status == 400
    assert (await sim.call("PATCH", "/_control/tedee/locks/1", json={})).status == 404
    assert (await sim.call("GET", "/_control/nothing")).status == 404
    assert (await sim.call("POST", "/_control/faults", json={"kind": "nope"})).status == 400


async def test_channel_control(sim: Sim) -> None:
    await sim.control("PATCH", "doorflow/channels/1203", {"status": "online"})
    assert (await sim.doorflow("GET", "/api/3/channels/1203")).body["status"] == "online"
    added = await sim.control("POST", "doorflow/channels", {"name": "Lab"})
    assert (await sim.doorflow("GET", f"/api/3/channels/{added['id']}")).status == 200
    await sim.control("DELETE", f"doorflow/channels/{added['id']}")
    assert (await sim.doorflow("GET", f"/api/3/channels/{added['id']}")).status == 404
    gate = await sim.control("POST", "tedee/gates", {"name": "Side gate"})
    assert (await sim.tedee("GET", f"/my/gate/{gate['id']}")).status == 200
    await sim.control("DELETE", f"tedee/gates/{gate['id']}")


async def test_fault_status_with_count(sim: Sim) -> None:
    await sim.control(
        "POST",
        "faults",
        {"kind": "status", "status": 503, "path_prefix": "/api/v37/my/lock", "count": 2},
    )
    for _ in range(2):
        answer = await sim.tedee("GET", "/my/lock")
        assert answer.status == 503
        assert answer.body["statusCode"] == 503
    assert (await sim.tedee("GET", "/my/lock")).status == 200
    # Other paths were never affected.
    assert (await sim.doorflow("GET", "/api/3/account")).status == 200


async def test_fault_by_seconds_and_clear(sim: Sim) -> None:
    await sim.control("POST", "faults", {"kind": "unauthorized", "seconds": 30})
    assert (await sim.tedee("GET", "/my/user")).status == 401
    denied = await sim.doorflow("GET", "/api/3/account")
    assert denied.status == 401
    assert denied.body["error"] == "unauthorized"
    sim.clock.advance(31)
    assert (await sim.tedee("GET", "/my/user")).status == 200
    await sim.control("POST", "faults", {"kind": "status", "status": 500})
    assert (await sim.tedee("GET", "/my/user")).status == 500
    await sim.control("DELETE", "faults")
    assert (await sim.tedee("GET", "/my/user")).status == 200


async def test_fault_rate_limit(sim: Sim) -> None:
    await sim.control("POST", "faults", {"kind": "rate_limit", "retry_after": 42, "count": 2})
    tedee = await sim.tedee("GET", "/my/user")
    assert tedee.status == 429
    assert tedee.headers["Retry-After"] == "42"
    assert tedee.body["success"] is False
    doorflow = await sim.doorflow("POST", "/api/3/sync")
    assert doorflow.status == 429
    assert doorflow.body["retry_in"] == 42


@pytest.mark.parametrize(
    ("kind", "status", "content_type"),
    [
        ("malformed_json", 200, "application/json"),
        ("html", 502, "text/html"),
        ("empty", 200, "application/json"),
    ],
)
async def test_fault_bodies(sim: Sim, kind: str, status: int, content_type: str) -> None:
    await sim.control("POST", "faults", {"kind": kind, "count": 1})
    answer = await sim.tedee("GET", "/my/lock")
    assert answer.status == status
    assert answer.headers["Content-Type"].startswith(content_type)
    assert answer.body is None
    if kind == "empty":
        assert answer.text == ""


async def test_fault_wrong_types(sim: Sim) -> None:
    await sim.control("POST", "faults", {"kind": "wrong_types", "count": 1})
    answer = await sim.tedee("GET", "/my/lock/1001")
    assert answer.status == 200
    lock = answer.body["result"]
    assert lock["id"] == "1001"
    assert lock["deviceState"]["state"] == "6"
    assert lock["isConnected"] == "yes"


async def test_fault_hang_times_out_client(sim: Sim) -> None:
    await sim.control("POST", "faults", {"kind": "hang", "hang_seconds": 0.3, "count": 1})
    answer = await sim.tedee("GET", "/my/user")
    assert answer.status == 504
    await sim.control("POST", "faults", {"kind": "hang", "count": 1})
    with pytest.raises(TimeoutError):
        await sim.tedee("GET", "/my/user", timeout=aiohttp.ClientTimeout(total=0.2))


async def test_hang_is_released_on_shutdown(socket_enabled: None) -> None:
    clock = FakeClock()
    world = World(load_scenario("home"), clock=clock, utcnow=clock.utcnow, seed=1)
    world.faults.add({"kind": "hang", "hang_seconds": 30}, clock())
    server = SimulatorServer(world, host="127.0.0.1", port=0)
    await server.start()
    async with aiohttp.ClientSession() as session:
        request = asyncio.ensure_future(session.get(f"{server.url}/api/v37/my/user"))
        await asyncio.sleep(0.1)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await server.stop()
        assert loop.time() - started < 5
        try:
            response = await request
            response.release()
        except aiohttp.ClientError:
            pass


async def test_request_log(sim: Sim) -> None:
    await sim.tedee("GET", "/my/lock/sync")
    await sim.tedee("GET", "/my/lock/sync")
    await sim.tedee("GET", "/my/lock/1001/sync")
    await sim.doorflow("GET", "/api/3/channels/1201")
    await sim.control("GET", "state")
    log = await sim.control("GET", "requests")
    assert log["total"] == 4
    assert log["by_endpoint"]["GET /api/{version}/my/lock/sync"] == 2
    assert log["by_endpoint"]["GET /api/{version}/my/lock/{id}/sync"] == 1
    assert log["by_endpoint"]["GET /api/3/channels/{id}"] == 1
    assert log["by_status"] == {"200": 3, "429": 1}
    assert log["recent"][0]["account"] == 4242
    assert log["recent"][-1]["account"] == 7001
    assert sim.world.requests.count("GET /api/{version}/my/lock/sync", status=429) == 1
    assert "demo-" not in str(log)
    await sim.control("DELETE", "requests")
    assert (await sim.control("GET", "requests"))["total"] == 0


async def test_ambient_changes_are_seeded_and_gentle(clock: FakeClock) -> None:
    def run(seed: int) -> list[tuple[int, int, bool]]:
        local = FakeClock()
        world = World(
            load_scenario("home"), clock=local, utcnow=local.utcnow, seed=seed, ambient=True
        )
        world.tick()
        before = world.to_json()
        local.advance(30)
        world.tick()
        assert world.to_json()["tedee"]["locks"] == before["tedee"]["locks"]
        local.advance(3600)
        world.tick()
        return [(lk.id, lk.battery_level, lk.is_connected) for lk in world.tedee.locks.values()]

    assert run(5) == run(5)
    world = World(load_scenario("home"), clock=clock, utcnow=clock.utcnow, seed=3, ambient=True)
    kinds = {world.ambient_event(clock.utcnow()) for _ in range(200)}
    assert {"battery", "door", "lock_link", "gate", "channel", "df_door"} <= kinds
    assert {"pin_unlock", "button_lock", "wrong_pin", "df_card", "df_rex", "df_held"} <= kinds


def test_ambient_activity_and_events_are_seeded() -> None:
    def run(seed: int) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
        local = FakeClock()
        world = World(
            load_scenario("home"), clock=local, utcnow=local.utcnow, seed=seed, ambient=True
        )
        world.tick()
        for _ in range(40):
            local.advance(600)
            world.tick()
        activity = [a.to_json() for a in world.tedee.activity.recent(1000)]
        events = [e.to_json() for e in world.doorflow.events.items]
        return activity, events

    first = run(11)
    assert first == run(11)
    assert first != run(12)
    activity, events = first
    assert {a["event"] for a in activity} & {61, 34, 62}
    assert {e["event_code"] for e in events} & {10, 13, 34}


async def test_ambient_control(sim: Sim) -> None:
    answer = await sim.control("POST", "ambient", {"events": 3})
    assert len(answer["applied"]) == 3
    assert answer["enabled"] is False


def test_scenarios() -> None:
    large = World(load_scenario("large"), seed=1)
    assert len(large.tedee.locks) == 500
    assert len(large.tedee.gates) == 100
    assert len(large.doorflow.channels) == 200
    assert len(large.tedee.bridges) == 10
    with pytest.raises(ValueError, match="unknown scenario"):
        load_scenario("nope")


def test_scenario_from_path(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "mini.json"
    path.write_text('{"id": "mini", "tedee": {"locks": [{"id": 7, "name": "Solo"}]}}')
    world = World(load_scenario(path))
    assert world.tedee.locks[7].name == "Solo"
    assert load_scenario(str(path)).name == "mini"


def test_cli_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "--help"], capture_output=True, text=True, check=True
    )
    for option in (
        "--host",
        "--port",
        "--scenario",
        "--seed",
        "--no-ambient",
        "--latency-ms",
        "--request-latency-ms",
        "--response-latency-ms",
    ):
        assert option in result.stdout


def test_cli_latency_options() -> None:
    from simulator.__main__ import configure_latency, parse_args

    world = World(load_scenario("home"), seed=1)
    configure_latency(world, parse_args(["--latency-ms", "0:500"]))
    assert world.latency.to_json() == {"request_ms": [0, 500], "response_ms": [0, 500]}
    args = parse_args(["--latency-ms", "10:20", "--response-latency-ms", "300"])
    configure_latency(world, args)
    assert world.latency.to_json() == {"request_ms": [10, 20], "response_ms": [300, 300]}
    configure_latency(world, parse_args(["--request-latency-ms", "1:2"]))
    assert world.latency.request_ms == (1, 2)
    with pytest.raises(SystemExit):
        parse_args(["--latency-ms", "9:1"])
