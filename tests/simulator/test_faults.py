"""Odd servers: page-size caps, repeated pages, omitted locks, huge bodies, slow devices."""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib

import aiohttp
import pytest

from simulator import SimulatorServer, World, load_scenario
from tests.clock import FakeClock

from .conftest import Sim


async def test_tedee_page_size_cap(sim: Sim) -> None:
    await sim.control("POST", "tedee/config", {"max_page_size": 3})
    capped = await sim.tedee("GET", "/my/lock?Page=1&ItemsPerPage=50")
    assert [lk["id"] for lk in capped.body["result"]] == [1001, 1002, 1003]
    unpaged = await sim.tedee("GET", "/my/lock")
    assert len(unpaged.body["result"]) == 3
    second = await sim.tedee("GET", "/my/lock?Page=2&ItemsPerPage=50")
    assert [lk["id"] for lk in second.body["result"]] == [1004]
    gates = (await sim.tedee("GET", "/my/gate?Page=1&ItemsPerPage=10")).body["result"]
    assert gates["itemsPerPage"] == 3
    assert len(gates["gates"]) == 3
    small = await sim.tedee("GET", "/my/lock?Page=1&ItemsPerPage=2")
    assert len(small.body["result"]) == 2
    bad = await sim.call("POST", "/_control/tedee/config", json={"max_page_size": 0})
    assert bad.status == 400
    await sim.control("POST", "tedee/config", {"max_page_size": None})
    assert len((await sim.tedee("GET", "/my/lock")).body["result"]) == 4


async def test_doorflow_page_size_cap(sim: Sim) -> None:
    await sim.control("POST", "doorflow/config", {"max_page_size": 2})
    channels = await sim.doorflow("GET", "/api/3/channels?per_page=50")
    assert [c["id"] for c in channels.body] == [1201, 1202]
    assert channels.headers["Per-Page"] == "2"
    assert channels.headers["Total"] == "3"
    everything = await sim.doorflow("GET", "/api/3/channels?skip_pagination=true")
    assert len(everything.body) == 2
    events = await sim.doorflow("GET", "/api/3/events?n=100")
    assert len(events.body) == 2
    assert events.headers["Per-Page"] == "2"
    sites = await sim.doorflow("GET", "/api/3/sites")
    assert len(sites.body) == 2


async def test_repeat_page_fault(sim: Sim) -> None:
    await sim.control("POST", "faults", {"kind": "repeat_page", "count": 3})
    # Not a listing: the fault is not used up.
    assert (await sim.tedee("GET", "/my/user")).status == 200
    page2 = await sim.tedee("GET", "/my/lock?Page=2&ItemsPerPage=2")
    assert [lk["id"] for lk in page2.body["result"]] == [1001, 1002]
    gates = (await sim.tedee("GET", "/my/gate?Page=2&ItemsPerPage=2")).body["result"]
    assert gates["page"] == 2
    assert [g["id"] for g in gates["gates"]] == [501, 502]
    channels = await sim.doorflow("GET", "/api/3/channels?page=2&per_page=2")
    assert [c["id"] for c in channels.body] == [1201, 1202]
    assert channels.headers["X-Page"] == "2"
    assert await sim.control("GET", "faults") == []
    honest = await sim.doorflow("GET", "/api/3/channels?page=2&per_page=2")
    assert [c["id"] for c in honest.body] == [1203]
    await sim.control("POST", "faults", {"kind": "repeat_page", "path_prefix": "/api/3/events"})
    first = await sim.doorflow("GET", "/api/3/events?n=1")
    again = await sim.doorflow("GET", "/api/3/events?n=1&page=2")
    assert first.body == again.body


async def test_omit_locks_once_from_the_next_bulk_sync(sim: Sim) -> None:
    fault = await sim.control("POST", "faults", {"kind": "omit_locks", "lock_ids": [1002]})
    assert fault["remaining"] == 1
    assert fault["lock_ids"] == [1002]
    # The single sync and the lock list are not touched.
    assert (await sim.tedee("GET", "/my/lock/1002/sync")).status == 200
    assert len((await sim.tedee("GET", "/my/lock")).body["result"]) == 4
    missing = await sim.tedee("GET", "/my/lock/sync")
    assert [i["id"] for i in missing.body["result"]] == [1001, 1003, 1004]
    sim.clock.advance(20)
    back = await sim.tedee("GET", "/my/lock/sync")
    assert [i["id"] for i in back.body["result"]] == [1001, 1002, 1003, 1004]
    bad = await sim.call("POST", "/_control/faults", json={"kind": "omit_locks"})
    assert bad.status == 400


async def test_omit_locks_waits_for_an_accepted_sync(sim: Sim) -> None:
    await sim.tedee("GET", "/my/lock/sync")
    await sim.control("POST", "faults", {"kind": "omit_locks", "lock_ids": [1001]})
    assert (await sim.tedee("GET", "/my/lock/sync")).status == 429
    sim.clock.advance(20)
    answer = await sim.tedee("GET", "/my/lock/sync")
    assert 1001 not in [i["id"] for i in answer.body["result"]]


@pytest.mark.parametrize(
    ("kind", "extra", "status"),
    [
        ("status", {"status": 500}, 500),
        ("hang", {"hang_seconds": 0.05}, 504),
        ("malformed_json", {}, 200),
        ("html", {}, 502),
        ("empty", {}, 200),
        ("wrong_types", {}, 200),
        ("unauthorized", {}, 401),
        ("rate_limit", {}, 429),
        ("oversized", {"size_mb": 0.01}, 200),
        ("gzip_bomb", {"size_mb": 0.01}, 200),
    ],
)
async def test_every_fault_can_target_one_path(
    sim: Sim, kind: str, extra: dict[str, object], status: int
) -> None:
    await sim.control(
        "POST", "faults", {"kind": kind, "path_prefix": "/api/v37/my/bridge", **extra}
    )
    assert (await sim.tedee("GET", "/my/user")).body["result"]["id"] == 4242
    assert (await sim.doorflow("GET", "/api/3/account")).status == 200
    hit = await sim.tedee("GET", "/my/bridge")
    assert hit.status == status
    if kind == "wrong_types":
        assert hit.body["result"][0]["id"] == "9001"
    log = await sim.control("GET", "requests")
    assert log["recent"][-1]["fault"] == kind


async def test_oversized_body(sim: Sim) -> None:
    await sim.control("POST", "faults", {"kind": "oversized", "size_mb": 2, "count": 2})
    answer = await sim.tedee("GET", "/my/lock")
    assert int(answer.headers["Content-Length"]) == len(answer.text.encode())
    assert len(answer.text) > 2 * 1024 * 1024
    assert answer.body["success"] is True
    assert len(answer.body["result"][0]["name"]) == 2 * 1024 * 1024
    doorflow = await sim.doorflow("GET", "/api/3/channels")
    assert len(doorflow.body[0]["name"]) == 2 * 1024 * 1024


async def test_gzip_bomb(sim: Sim) -> None:
    await sim.control("POST", "faults", {"kind": "gzip_bomb", "size_mb": 32.5, "count": 2})
    async with aiohttp.ClientSession(auto_decompress=False) as raw:
        async with raw.get(
            f"{sim.url}/api/3/channels", headers={"Authorization": "Basic eDpY"}
        ) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            compressed = await response.read()
            assert int(response.headers["Content-Length"]) == len(compressed)
    assert len(compressed) < 64 * 1024
    inflated = gzip.decompress(compressed)  # checks the CRC and size trailer too
    assert len(inflated) == int(32.5 * 1024 * 1024) + len('[{"id": 1, "name": ""}]')
    assert json.loads(inflated)[0]["id"] == 1
    # A client that inflates as it reads sees the same body.
    answer = await sim.tedee("GET", "/my/lock")
    assert answer.body["statusCode"] == 200


async def test_endless_stream_until_the_client_leaves(sim: Sim) -> None:
    await sim.control("POST", "faults", {"kind": "endless", "chunk_kb": 16, "count": 1})
    async with sim.session.get(f"{sim.url}/api/3/channels") as response:
        assert response.headers["Transfer-Encoding"] == "chunked"
        received = 0
        first = await response.content.read(1)
        assert first == b"["
        while received < 3 * 1024 * 1024:
            received += len(await response.content.read(65536))
    # The server goes on answering other requests.
    assert (await sim.tedee("GET", "/my/user")).status == 200


async def test_endless_stream_ends_with_the_server(socket_enabled: None) -> None:
    clock = FakeClock()
    world = World(load_scenario("home"), clock=clock, utcnow=clock.utcnow, seed=1)
    world.faults.add({"kind": "endless"}, clock())
    before = set(asyncio.all_tasks())
    server = SimulatorServer(world, host="127.0.0.1", port=0)
    await server.start()
    async with aiohttp.ClientSession() as session:
        response = await session.get(f"{server.url}/api/v37/my/lock")
        await response.content.read(1024 * 1024)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await server.stop()
        assert loop.time() - started < 5
        # The stream stops (cut or ended): whatever the client reads next, it ends.
        try:
            while await response.content.read(65536):
                pass
        except aiohttp.ClientError:
            pass
        response.release()
    await asyncio.sleep(0)
    assert set(asyncio.all_tasks()) - before == set()


async def test_fault_validation(sim: Sim) -> None:
    for spec in (
        {"kind": "oversized", "size_mb": 0},
        {"kind": "endless", "chunk_kb": "big"},
        {"kind": "omit_locks", "lock_ids": ["x"]},
        {"kind": "status", "colour": "red"},
    ):
        assert (await sim.call("POST", "/_control/faults", json=spec)).status == 400


async def test_operation_duration_and_admission_delay(sim: Sim) -> None:
    await sim.control("POST", "tedee/config", {"operation_duration": [10, 10]})
    answer = await sim.tedee("POST", "/my/lock/1001/operation/unlock?mode=3")
    op_id = answer.body["result"]["operationId"]
    sim.clock.advance(9.5)
    assert (await sim.tedee("GET", f"/my/device/operation/{op_id}")).body["result"][
        "status"
    ] == "PENDING"
    sim.clock.advance(0.5)
    assert (await sim.tedee("GET", f"/my/device/operation/{op_id}")).body["result"][
        "status"
    ] == "COMPLETED"
    bad = await sim.call("POST", "/_control/tedee/config", json={"operation_duration": [3, 1]})
    assert bad.status == 400
    await sim.control("POST", "doorflow/config", {"admission_delay": [6, 6]})
    admit = await sim.doorflow("POST", "/api/3/channels/1201/admit")
    admission = admit.body["admission_request_id"]
    sim.clock.advance(5.9)
    pending = await sim.doorflow("GET", f"/api/3/admission_requests/{admission}")
    assert pending.body["status"] == "pending"
    sim.clock.advance(0.1)
    done = await sim.doorflow("GET", f"/api/3/admission_requests/{admission}")
    assert done.body["status"] == "admitted"
    assert done.body["door_controller"] == {"id": 1201, "name": "Front door"}
    assert done.body["completed_at"].endswith("Z")
    config = await sim.control("GET", "doorflow/config")
    assert config["admission_delay"] == [6, 6]


async def test_no_blebox_integration_answers_412_everywhere(sim: Sim) -> None:
    await sim.control("POST", "tedee/config", {"blebox_integration": False})
    for method, path in (
        ("POST", "/my/gate/sync"),
        ("GET", "/my/gate"),
        ("GET", "/my/gate/501"),
        ("POST", "/my/gate/501/sync"),
        ("POST", "/my/gate/501/operation/unlock"),
        ("POST", "/my/gate/999/operation/unlock"),
    ):
        answer = await sim.tedee(method, path)
        assert answer.status == 412, path
        assert answer.body["statusCode"] == 412
    assert (await sim.tedee("GET", "/my/lock/sync")).status == 200


def test_gzip_blocks_are_reusable() -> None:
    from simulator.bodies import _deflated_block

    block = _deflated_block(1024)
    stream = zlib.decompressobj(-15)
    assert stream.decompress(block + block) == b" " * 2048
