"""The simulated Tedee bridge's local API, proved with the real ``aiotedee`` 0.3.0 client.

``aiotedee`` is what Home Assistant's built-in ``tedee`` integration uses; its local client
always talks to port 80 (``http://{ip}:80/v1.0``), so the tests point its base at the bridge's
own port — the one change; everything else is the library as Home Assistant runs it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import copy
from dataclasses import dataclass, field
import hashlib
import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
from aiohttp import web
from aiotedee import (
    TedeeDataUpdateException,
    TedeeLocalAuthException,
    TedeeLocalClient,
    TedeeLockState,
)
import aiotedee.client.base
import pytest

from simulator import SimulatorServer, World, load_scenario
from simulator.scenario import Scenario
from simulator.tedee_bridge import BRIDGES_KEY, changes_between, parse_callback
from tests.clock import FakeClock
from tests.simulator.conftest import Sim

BRIDGE = 9001


@dataclass
class Receiver:
    """A loopback endpoint recording every request the bridge makes."""

    url: str
    requests: list[tuple[str, str, dict[str, str], str]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_for(self, count: int, within: float = 5.0) -> None:
        """Wait until ``count`` requests arrived."""
        async with asyncio.timeout(within):
            while len(self.requests) < count:
                self.arrived.clear()
                await self.arrived.wait()

    def bodies(self) -> list[dict[str, Any]]:
        """Return the JSON bodies received."""
        return [json.loads(body) for _, _, _, body in self.requests if body]


@pytest.fixture
async def receiver(socket_enabled: None) -> AsyncIterator[Receiver]:
    """Serve a callback receiver on 127.0.0.1 (any path)."""
    holder: list[Receiver] = []

    async def hook(request: web.Request) -> web.Response:
        holder[0].requests.append(
            (request.method, str(request.rel_url), dict(request.headers), await request.text())
        )
        holder[0].arrived.set()
        return web.Response()

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    holder.append(Receiver(url=f"http://127.0.0.1:{runner.addresses[0][1]}/api/webhook/abc"))
    yield holder[0]
    await runner.cleanup()


@pytest.fixture(autouse=True)
def no_library_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """aiotedee waits 5 s after each lock command for the lock to move; not needed here."""
    monkeypatch.setattr(aiotedee.client.base, "LOCK_DELAY", 0)
    monkeypatch.setattr(aiotedee.client.base, "UNLOCK_DELAY", 0)


def bridge_info(sim: Sim, bridge_id: int = BRIDGE) -> Any:
    """Return the served bridge's control description."""
    fleet = sim.server.app[BRIDGES_KEY]
    return fleet.bridges[bridge_id]


@pytest.fixture
async def client(sim: Sim) -> TedeeLocalClient:
    """Return aiotedee's local client for bridge 9001 (encrypted token, its default)."""
    device = bridge_info(sim)
    tedee = TedeeLocalClient(
        local_token=device.config.token, local_ip="127.0.0.1", session=sim.session, timeout=5
    )
    tedee._local_api_base = device.url  # aiotedee hard-codes port 80
    return tedee


async def test_control_lists_each_bridge_on_its_own_port(sim: Sim) -> None:
    """The control API names the port, URL and token of every bridge of the scenario."""
    listed = await sim.control("GET", "tedee/bridges")
    assert [b["id"] for b in listed] == [BRIDGE]
    assert listed[0]["port"] not in (0, sim.server.port)
    assert listed[0]["url"] == f"http://127.0.0.1:{listed[0]['port']}/v1.0"
    assert listed[0]["config"]["encrypted"] is True
    assert listed[0]["callbacks"] == []


async def test_aiotedee_reads_bridge_and_locks(sim: Sim, client: TedeeLocalClient) -> None:
    """Bridge details, the lock list and a sync match the world the cloud API serves."""
    bridge = await client.get_local_bridge()
    assert (bridge.serial, bridge.name) == ("22010203-000001", "Hallway bridge")
    await client.get_locks()
    world_locks = {i: x for i, x in sim.world.tedee.locks.items() if x.connected_to_id == BRIDGE}
    assert set(client.locks_dict) == set(world_locks)
    for lock_id, lock in client.locks_dict.items():
        simulated = world_locks[lock_id]
        assert lock.name == simulated.name
        assert int(lock.state) == simulated.state
        assert lock.battery_level == simulated.battery_level
        assert lock.is_connected is simulated.is_connected
        assert lock.is_enabled_pullspring is simulated.pull_spring_enabled
        assert lock.duration_pullspring == simulated.pull_spring_duration
    first = min(world_locks)
    await sim.control("PATCH", f"tedee/locks/{first}", {"state": 2})  # turned by hand
    await client.sync()
    assert client.locks_dict[first].state == TedeeLockState.UNLOCKED
    cloud = await sim.tedee("GET", f"/my/lock/{first}")
    assert cloud.body["result"]["deviceState"]["state"] == 2


async def test_tokens_plain_encrypted_wrong_and_replayed(
    sim: Sim, client: TedeeLocalClient
) -> None:
    """Encrypted keys work once and only near the bridge's time; plain needs the mode."""
    device = bridge_info(sim)
    base = device.url
    token = device.config.token
    stamp = str(time.time_ns() // 1_000_000)
    key = hashlib.sha256(f"{token}{stamp}".encode()).hexdigest() + stamp
    first = await sim.session.get(f"{base}/bridge", headers={"api_token": key})
    assert first.status == 200
    again = await sim.session.get(f"{base}/bridge", params={"api_token": key})
    assert again.status == 401
    assert await again.json() == {"error-description": "Invalid token"}
    old = str(time.time_ns() // 1_000_000 - 10 * 60 * 1000)
    stale = hashlib.sha256(f"{token}{old}".encode()).hexdigest() + old
    assert (await sim.session.get(f"{base}/bridge", headers={"api_token": stale})).status == 401
    assert (await sim.session.get(f"{base}/bridge", headers={"api_token": token})).status == 401
    await sim.control("POST", f"tedee/bridges/{BRIDGE}", {"encrypted": False})
    assert (await sim.session.get(f"{base}/lock", params={"api_token": token})).status == 200
    plain = TedeeLocalClient(
        local_token=token, local_ip="127.0.0.1", api_token_mode_plain=True, session=sim.session
    )
    plain._local_api_base = base
    await plain.get_locks()
    assert plain.locks_dict
    await sim.control("POST", f"tedee/bridges/{BRIDGE}", {"token": "new-token"})
    with pytest.raises(TedeeLocalAuthException):
        await plain.get_local_bridge()


async def test_callbacks_register_list_and_delete_like_home_assistant(
    sim: Sim, client: TedeeLocalClient, receiver: Receiver
) -> None:
    """register_webhook, get_webhooks, delete_webhook, update_webhooks, cleanup by host."""
    ours = await client.register_webhook(receiver.url, [{"Authorization": "Bearer x"}])
    other = await client.register_webhook("http://192.0.2.7:8123/api/webhook/other")
    assert ours != other
    hooks = await client.get_webhooks()
    assert hooks == [
        {
            "id": ours,
            "url": receiver.url,
            "method": "POST",
            "headers": [{"Authorization": "Bearer x"}],
        },
        {
            "id": other,
            "url": "http://192.0.2.7:8123/api/webhook/other",
            "method": "POST",
            "headers": [],
        },
    ]
    await client.delete_webhook(other)
    assert [h["id"] for h in await client.get_webhooks()] == [ours]
    await client.register_webhook("http://192.0.2.7:8123/api/webhook/third")
    # What the built-in integration does at setup, with get_url(hass) (scheme, host, port):
    # every callback whose URL contains Home Assistant's address goes, Door Access's included.
    instance_url = receiver.url.split("/api/")[0]
    await client.cleanup_webhooks_by_host(instance_url)
    assert [h["url"] for h in await client.get_webhooks()] == [
        "http://192.0.2.7:8123/api/webhook/third"
    ]
    await client.update_webhooks(receiver.url)
    assert [h["url"] for h in await client.get_webhooks()] == [receiver.url]
    await client.delete_webhooks()
    assert await client.get_webhooks() == []
    await client.delete_webhook(12345)  # 404: aiotedee swallows it


async def test_state_changes_reach_callbacks_and_aiotedee_parses_them(
    sim: Sim, client: TedeeLocalClient, receiver: Receiver
) -> None:
    """A lock turned by hand, battery, charging, connection and settings: each pushed."""
    await client.get_locks()
    lock_id = min(client.locks_dict)
    await client.register_webhook(receiver.url)
    await sim.control("PATCH", f"tedee/locks/{lock_id}", {"state": 2})
    await receiver.wait_for(1)
    body = receiver.bodies()[0]
    assert body["event"] == "lock-status-changed"
    assert body["data"] == {
        "deviceType": 2,
        "deviceId": lock_id,
        "serialNumber": sim.world.tedee.locks[lock_id].serial_number,
        "state": 2,
        "jammed": 0,
    }
    assert body["timestamp"].endswith("Z")
    client.parse_webhook_message(body)
    assert client.locks_dict[lock_id].state == TedeeLockState.UNLOCKED
    await sim.control("PATCH", f"tedee/locks/{lock_id}", {"batteryLevel": 42})
    await sim.control("PATCH", f"tedee/locks/{lock_id}", {"isCharging": True})
    await sim.control("PATCH", f"tedee/locks/{lock_id}", {"isConnected": False})
    await sim.control("PATCH", f"tedee/locks/{lock_id}", {"pullSpringDuration": 7})
    await receiver.wait_for(5)
    events = sorted(b["event"] for b in receiver.bodies()[1:])  # sent side by side
    assert events == [
        "device-battery-level-changed",
        "device-battery-start-charging",
        "device-connection-changed",
        "device-settings-changed",
    ]
    for message in receiver.bodies()[1:]:
        client.parse_webhook_message(message)
    lock = client.locks_dict[lock_id]
    assert (lock.battery_level, lock.is_charging, lock.is_connected) == (42, True, False)
    await sim.control("POST", f"tedee/bridges/{BRIDGE}", {"cloud_connected": False})
    await receiver.wait_for(6)
    assert receiver.bodies()[5] == {
        "event": "backend-connection-changed",
        "timestamp": receiver.bodies()[5]["timestamp"],
        "data": {"isConnected": 0},
    }
    client.parse_webhook_message(receiver.bodies()[5])
    bridge = await client.get_local_bridge()
    assert bridge.name == "Hallway bridge"


async def test_operations_through_the_bridge(
    sim: Sim, client: TedeeLocalClient, receiver: Receiver
) -> None:
    """lock / unlock / open / pull run through the world; the end state is pushed."""
    await client.get_locks()
    lock_id = min(client.locks_dict)
    world_lock = sim.world.tedee.locks[lock_id]
    await client.register_webhook(receiver.url)
    await client.unlock(lock_id)
    sim.clock.advance(10)
    await receiver.wait_for(2)
    states = [b["data"]["state"] for b in receiver.bodies()]
    assert states[-1] == 2
    assert world_lock.state == 2
    cloud = await sim.tedee("GET", f"/my/lock/{lock_id}")
    assert cloud.body["result"]["deviceState"]["state"] == 2
    await client.lock(lock_id)
    sim.clock.advance(10)
    await client.sync()
    assert client.is_locked(lock_id)
    base = bridge_info(sim).url
    await sim.control("POST", f"tedee/bridges/{BRIDGE}", {"encrypted": False})
    token = {"api_token": bridge_info(sim).config.token}
    answer = await sim.session.post(f"{base}/lock/{lock_id}/unlock", params={**token, "mode": "9"})
    assert (answer.status, await answer.json()) == (403, {"error-description": "Invalid param"})
    answer = await sim.session.post(f"{base}/lock/999/lock", params=token)
    assert answer.status == 404
    world_lock.pull_spring_enabled = False
    answer = await sim.session.post(f"{base}/lock/{lock_id}/pull", params=token)
    assert answer.status == 406
    world_lock.is_connected = False
    answer = await sim.session.post(f"{base}/lock/{lock_id}/lock", params=token)
    assert (answer.status, await answer.json()) == (
        405,
        {"error-description": "Device is disconnected"},
    )
    answer = await sim.session.post(
        f"{base}/lock/{lock_id}/unlock", params=token, headers={"mode": "3"}
    )
    assert answer.status == 405
    assert (await sim.session.get(f"{base}/lock/{lock_id}", params=token)).status == 200
    assert (await sim.session.get(f"{base}/lock/999", params=token)).status == 404


async def test_callback_methods_and_validation(sim: Sim, receiver: Receiver) -> None:
    """GET and GET+NO_PARAMS callbacks; PUT one; bad bodies 400, unknown ids 404, full 409."""
    await sim.control("POST", f"tedee/bridges/{BRIDGE}", {"encrypted": False})
    device = bridge_info(sim)
    base, token = device.url, {"api_token": device.config.token}
    added = await sim.session.post(
        f"{base}/callback", params=token, json={"url": receiver.url, "method": "GET"}
    )
    first = (await added.json())["id"]
    put = await sim.session.put(
        f"{base}/callback/{first}",
        params=token,
        json={"url": receiver.url, "method": "GET+NO_PARAMS"},
    )
    assert put.status == 204
    assert put.content_type == "application/json"
    await sim.session.post(
        f"{base}/callback", params=token, json={"url": receiver.url + "?a=1", "method": "GET"}
    )
    lock_id = min(x.id for x in device.locks())
    await sim.control("PATCH", f"tedee/locks/{lock_id}", {"batteryLevel": 55})
    await receiver.wait_for(2)
    paths = sorted(path for _, path, _, _ in receiver.requests)
    query = parse_qs(urlsplit(next(p for p in paths if "?" in p)).query)
    assert query["event"] == ["device-battery-level-changed"]
    assert query["batteryLevel"] == ["55"]
    assert query["a"] == ["1"]
    no_params = next(p for p in paths if "?" not in p)
    assert "/event=device-battery-level-changed/" in no_params
    assert no_params.endswith("/batteryLevel=55")
    for bad in (
        {"url": "ftp://x"},
        {"url": receiver.url, "method": "PATCH"},
        [],
        {"url": receiver.url, "headers": [1]},
    ):
        answer = await sim.session.post(f"{base}/callback", params=token, json=bad)
        assert answer.status == 400, bad
    answer = await sim.session.post(f"{base}/callback", params=token, data="not json")
    assert answer.status == 400
    assert (await sim.session.delete(f"{base}/callback/999", params=token)).status == 404
    assert (
        await sim.session.put(f"{base}/callback/999", params=token, json={"url": receiver.url})
    ).status == 404
    assert (await sim.session.put(f"{base}/callback", params=token, json={"url": 1})).status == 400
    answer = await sim.session.put(
        f"{base}/callback", params=token, json=[{"url": receiver.url}] * 50
    )
    assert len(await answer.json()) == 50
    answer = await sim.session.post(f"{base}/callback", params=token, json={"url": receiver.url})
    assert (answer.status, await answer.json()) == (409, {"error-description": "Busy"})


async def test_control_breaks_the_bridge(
    sim: Sim, client: TedeeLocalClient, receiver: Receiver
) -> None:
    """Silent, duplicate, wrong headers, slow, replay, drop all callbacks, unreachable, garbled."""
    await client.get_locks()
    lock_id = min(client.locks_dict)
    await client.register_webhook(receiver.url, [{"X-Secret": "s3cret"}])
    path = f"tedee/bridges/{BRIDGE}"
    await sim.control("POST", path, {"silent": True})
    await sim.control("PATCH", f"tedee/locks/{lock_id}", {"batteryLevel": 50})
    await asyncio.sleep(0.4)
    assert receiver.requests == []
    await sim.control("POST", path, {"silent": False, "duplicate": True, "wrong_headers": True})
    await sim.control("PATCH", f"tedee/locks/{lock_id}", {"batteryLevel": 49})
    await receiver.wait_for(2)
    assert receiver.requests[0][3] == receiver.requests[1][3]
    assert receiver.requests[0][2]["X-Secret"] == "wrong"
    await sim.control("POST", path, {"duplicate": False, "wrong_headers": False, "delay": 1.5})
    await sim.control("PATCH", f"tedee/locks/{lock_id}", {"batteryLevel": 48})
    await asyncio.sleep(0.3)
    assert len(receiver.requests) == 2  # still on its way (1.5 s: room for a loaded machine)
    await receiver.wait_for(3)
    assert receiver.requests[2][2]["X-Secret"] == "s3cret"
    await sim.control("POST", path, {"delay": 0})
    replayed = await sim.control("POST", f"{path}/replay")
    assert replayed["event"] == "device-battery-level-changed"
    await receiver.wait_for(4)
    assert receiver.requests[3][3] == receiver.requests[2][3]
    described = await sim.control("DELETE", f"{path}/callbacks")
    assert described["callbacks"] == []
    assert await client.get_webhooks() == []
    await sim.control("POST", path, {"unreachable": True})
    with pytest.raises(TedeeDataUpdateException):
        await client.sync()
    await sim.control("POST", path, {"unreachable": False})
    await client.sync()
    # Garbled: 200 with an HTML page; aiotedee 0.3.0 lets the JSON decoding error through.
    await sim.control("POST", path, {"garbled": True})
    with pytest.raises(aiohttp.ClientError):
        await client.get_webhooks()
    await sim.control("POST", path, {"garbled": False})
    assert await client.get_webhooks() == []
    for bad in ({"delay": -1}, {"silent": "no"}, {"token": ""}, {"what": 1}):
        answer = await sim.call("POST", f"/_control/{path}", json=bad)
        assert answer.status == 400, bad
    assert (await sim.call("POST", "/_control/tedee/bridges/1", json={})).status == 404
    assert (await sim.call("DELETE", "/_control/tedee/bridges/1/callbacks")).status == 404
    assert (await sim.call("POST", "/_control/tedee/bridges/1/replay")).status == 404


async def test_replay_needs_a_call_and_reset_forgets_callbacks(
    sim: Sim, client: TedeeLocalClient
) -> None:
    """Nothing to replay before a call; a world reset clears the bridge's callbacks."""
    answer = await sim.call("POST", f"/_control/tedee/bridges/{BRIDGE}/replay")
    assert answer.status == 400
    await client.register_webhook("http://127.0.0.1:9/hook")
    await sim.control("POST", "reset")
    await asyncio.sleep(0.3)
    assert await client.get_webhooks() == []


def test_change_rules() -> None:
    """Which events a change causes, and callback body checks."""
    base = {
        "state": 6,
        "jammed": 0,
        "isConnected": True,
        "batteryLevel": 100,
        "isCharging": True,
        "settings": (1,),
    }
    assert changes_between(base, {**base, "isCharging": False}) == [
        ("device-battery-fully-charged", {})
    ]
    assert changes_between(base, {**base, "jammed": 1}) == [
        ("lock-status-changed", {"state": 6, "jammed": 1})
    ]
    assert changes_between(base, base) == []
    assert parse_callback({"url": "http://a/b"}) == ("http://a/b", "POST", [])


async def test_two_bridges_on_one_account(clock: FakeClock, receiver: Receiver) -> None:
    """Each bridge on its own port, with its own locks, token and callbacks."""
    data = copy.deepcopy(load_scenario("home").data)
    data["tedee"]["bridges"].append({"id": 9002, "name": "Garage bridge", "serialNumber": "B2"})
    for lock in data["tedee"]["locks"]:
        if lock["id"] in (1003, 1004):
            lock["connectedToId"] = 9002
    world = World(Scenario("two-bridges", data), clock=clock, utcnow=clock.utcnow, seed=1)
    async with SimulatorServer(world) as server, aiohttp.ClientSession() as session:
        fleet = server.app[BRIDGES_KEY]
        first, second = fleet.bridges[9001], fleet.bridges[9002]
        assert first.port != second.port
        clients = {}
        for device in (first, second):
            tedee = TedeeLocalClient(
                local_token=device.config.token, local_ip="127.0.0.1", session=session
            )
            tedee._local_api_base = device.url
            await tedee.get_locks()
            clients[device.bridge_id] = tedee
        assert set(clients[9001].locks_dict) == {1001, 1002}
        assert set(clients[9002].locks_dict) == {1003, 1004}
        assert (await clients[9002].get_local_bridge()).name == "Garage bridge"
        wrong = TedeeLocalClient(
            local_token=first.config.token, local_ip="127.0.0.1", session=session
        )
        wrong._local_api_base = second.url
        with pytest.raises(TedeeLocalAuthException):
            await wrong.get_locks()
        await clients[9002].register_webhook(receiver.url)
        world.tedee.locks[1001].state = 2  # on the other bridge: not pushed here
        world.tedee.locks[1003].state = 2
        await receiver.wait_for(1)
        await asyncio.sleep(0.3)
        assert [b["data"]["deviceId"] for b in receiver.bodies()] == [1003]
        answer = await session.get(f"{second.url}/lock/1001", params={"api_token": "x"}, headers={})
        assert answer.status == 401
