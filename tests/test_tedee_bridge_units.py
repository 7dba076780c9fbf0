"""Tedee bridge push, unit by unit: addresses with ports, untrusted push bodies, stored options."""

from __future__ import annotations

import json
import time

import aiohttp
import pytest

from custom_components.door_access.api import LockState
from custom_components.door_access.tedee.bridge_client import (
    BridgeAddress,
    BridgeAddressError,
    BridgeClient,
    BridgeCommandError,
)
from custom_components.door_access.tedee.bridge_push import (
    BridgePushStatus,
    LockPush,
    PushRefusedError,
    bridge_configs,
    new_bridge_config,
    parse_push,
)

from .conftest import Simulator


@pytest.mark.parametrize(
    ("text", "host", "port", "shown", "base"),
    [
        ("192.168.1.20", "192.168.1.20", 80, "192.168.1.20", "http://192.168.1.20:80/v1.0"),
        (" bridge.lan:8080 ", "bridge.lan", 8080, "bridge.lan:8080", "http://bridge.lan:8080/v1.0"),
        ("http://10.0.0.2:80/", "10.0.0.2", 80, "10.0.0.2", "http://10.0.0.2:80/v1.0"),
        ("[fe80::1]:81", "fe80::1", 81, "[fe80::1]:81", "http://[fe80::1]:81/v1.0"),
    ],
)
def test_addresses_with_and_without_a_port(
    text: str, host: str, port: int, shown: str, base: str
) -> None:
    """A host, a port, an http:// prefix: the base URL aiotedee is pointed at."""
    address = BridgeAddress.parse(text)
    assert (address.host, address.port) == (host, port)
    assert str(address) == shown
    assert address.base_url == base


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x" * 300,
        "https://bridge.lan",
        "bridge.lan/v1.0",
        "bridge.lan:99999",
        "bridge.lan:port",
        "user:pw@bridge.lan",
        "bridge.lan?x=1",
        "bridge.lan#top",
        "http://",
    ],
)
def test_unusable_addresses_are_refused(text: str) -> None:
    """Only a host with an optional port is an address."""
    with pytest.raises(BridgeAddressError):
        BridgeAddress.parse(text)


def _known(lock_id: int) -> bool:
    return lock_id in {1001, 1002}


def _body(event: str, **data: object) -> bytes:
    return json.dumps(
        {"event": event, "timestamp": "2026-12-04T10:00:00.000Z", "data": data}
    ).encode()


def test_every_documented_event_is_read() -> None:
    """State (jammed too), battery, charging, connection, settings and the bridge's cloud link."""
    assert parse_push(_body("lock-status-changed", deviceId=1001, state=2, jammed=0), _known) == (
        LockPush(lock_id=1001, event="lock-status-changed", state=LockState.UNLOCKED)
    )
    jammed = parse_push(_body("lock-status-changed", deviceId=1001, state=6, jammed=1), _known)
    assert jammed.jammed
    assert jammed.state is LockState.LOCKED
    odd = parse_push(_body("lock-status-changed", deviceId=1001, state=77), _known)
    assert odd.state is LockState.UNRECOGNIZED
    battery = parse_push(
        _body("device-battery-level-changed", deviceId=1002, batteryLevel=40), _known
    )
    assert battery.battery_level == 40
    start = parse_push(_body("device-battery-start-charging", deviceId=1002), _known)
    assert start.is_charging is True
    for done in ("device-battery-stop-charging", "device-battery-fully-charged"):
        assert parse_push(_body(done, deviceId=1002), _known).is_charging is False
    connection = parse_push(
        _body("device-connection-changed", deviceId=1002, isConnected=0), _known
    )
    assert connection.is_connected is False
    flag = parse_push(_body("device-connection-changed", deviceId=1002, isConnected=True), _known)
    assert flag.is_connected is True
    unclear = parse_push(_body("device-connection-changed", deviceId=1002, isConnected="x"), _known)
    assert unclear.is_connected is None
    settings = parse_push(_body("device-settings-changed", deviceId=1001), _known)
    assert settings == LockPush(lock_id=1001, event="device-settings-changed")
    backend = parse_push(_body("backend-connection-changed", isConnected=1), _known)
    assert backend.lock_id == 0


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not_json"),
        (b"[]", "bad_shape"),
        (b'{"event": "lock-status-changed"}', "bad_shape"),
        (_body("lock-opened-by-magic", deviceId=1001), "unknown_event"),
        (_body("lock-status-changed", deviceId="1001", state=2), "bad_shape"),
        (_body("lock-status-changed", deviceId=4242, state=2), "unknown_lock"),
        (_body("lock-status-changed", deviceId=1001, state="2"), "bad_shape"),
        (_body("lock-status-changed", deviceId=1001, state=-1), "bad_shape"),
        (_body("device-battery-level-changed", deviceId=1001, batteryLevel=101), "bad_shape"),
        (_body("device-battery-level-changed", deviceId=1001), "bad_shape"),
    ],
)
def test_untrusted_bodies_are_refused_with_a_reason(body: bytes, reason: str) -> None:
    """Anything but the documented shape for a lock of this bridge is refused, never shown."""
    with pytest.raises(PushRefusedError) as caught:
        parse_push(body, _known)
    assert caught.value.reason == reason


def test_stored_bridges_keep_only_well_formed_items() -> None:
    """Options from an older or edited entry: only complete bridges are used."""
    good = new_bridge_config(BridgeAddress.parse("bridge.lan:8080"), "token")
    assert good["address"] == "bridge.lan:8080"
    assert len(good["webhook_id"]) == 32
    assert new_bridge_config(BridgeAddress.parse("b"), "t")["webhook_id"] != good["webhook_id"]
    stored = [
        good,
        {"address": "x"},
        "junk",
        {**good, "token": 5},
        {**good, "token": ""},
        {**good, "address": "https://edited.by.hand/path"},
    ]
    assert bridge_configs({"bridges": stored}) == [good]
    assert bridge_configs({"bridges": "junk"}) == []
    assert bridge_configs({}) == []


def test_status_for_diagnostics() -> None:
    """Refusals are counted by reason; the mode follows whether push is active."""
    status = BridgePushStatus(polling_interval=21.5, reason="unreachable")
    status.refused["bad_header"] += 1
    status.refused["bad_header"] += 1
    assert status.mode == "polling"
    assert status.as_dict() == {
        "active": False,
        "state": "unreachable",
        "last_push_received": None,
        "refused": {"bad_header": 2},
        "lock_polling": "every 22 s",
    }
    status.active = True
    assert status.mode == "push"


async def test_two_requests_in_one_millisecond_are_both_taken(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bridge takes each encrypted key once, and a key is stamped by the millisecond.

    A health check's read and a lock command of one bridge can start within one millisecond:
    both must be taken (the command would otherwise go to the cloud, refused as a replay).
    """
    (served,) = [b for b in await simulator.control("GET", "tedee/bridges") if b["id"] == 9001]
    address = BridgeAddress.parse(f"127.0.0.1:{served['port']}")
    async with aiohttp.ClientSession() as session:
        client = BridgeClient(address, served["config"]["token"], session)
        now = time.time_ns()
        monkeypatch.setattr(time, "time_ns", lambda: now)  # every request in one millisecond
        states = await client.read_lock_states()
        await client.send_command(min(states), "lock")  # the same millisecond: taken too
        assert set(await client.read_lock_states()) == set(states)
        # A key the bridge refuses (its token changed in the app) hands the command back.
        await simulator.control("POST", "tedee/bridges/9001", {"token": "changed-in-the-app"})
        with pytest.raises(BridgeCommandError):
            await client.send_command(min(states), "lock")
        # A bridge in plain-token mode takes the token itself, as often as it comes.
        await simulator.control("POST", "tedee/bridges/9001", {"encrypted": False})
        plain = BridgeClient(address, "changed-in-the-app", session, encrypted=False)
        assert set(await plain.read_lock_states()) == set(await plain.read_lock_states())
