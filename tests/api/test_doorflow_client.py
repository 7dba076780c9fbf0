"""Tests of the DoorFlow API client against the cloud simulator (and a tiny app for odd servers)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import socket
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from simulator import SimulatorServer, World, load_scenario
from tests.api.clients import (
    Account,
    AdmissionRequest,
    AdmissionStatus,
    Channel,
    ChannelMode,
    ChannelStatus,
    ChannelSyncStatus,
    DoorEvent,
    DoorFlowAuthError,
    DoorFlowBadResponseError,
    DoorFlowClient,
    DoorFlowConnectionError,
    DoorFlowError,
    DoorFlowOperationError,
    DoorFlowRateLimitError,
    Lockdown,
    OperationFailure,
    SyncStatus,
)
from tests.api.reading import all_channels, channel_of, decided_admission, latest_events
from tests.api.servers import Handler, serve_catch_all
from tests.clock import FakeClock

API_KEY = "demo-doorflow-api-key"
BASIC = base64.b64encode(f"{API_KEY}:X".encode()).decode()
READONLY_KEY = "demo-doorflow-readonly-key"
ACCESS_TOKEN = "test-access-token-4f1c9a7e2b"
FRONT, BACK, WAREHOUSE = "1201", "1202", "1203"
START = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


@dataclass
class Sim:
    """A running simulator with a fake clock and a session to reach it."""

    url: str
    world: World
    clock: FakeClock
    session: aiohttp.ClientSession

    async def control(self, method: str, path: str, payload: Any = None) -> Any:
        """Call the control API and return its JSON answer."""
        async with self.session.request(
            method, f"{self.url}/_control/{path}", json=payload
        ) as response:
            assert response.status < 400, await response.text()
            return await response.json()

    async def fault(self, **spec: Any) -> None:
        """Inject a fault on the DoorFlow API."""
        await self.control("POST", "faults", {"path_prefix": "/api/3/", **spec})

    async def count(self, endpoint: str) -> int:
        """Return how many requests hit one route template."""
        log = await self.control("GET", "requests")
        return sum(n for key, n in log["by_endpoint"].items() if key.endswith(endpoint))

    def client(self, **kwargs: Any) -> DoorFlowClient:
        """Return a client of the simulated DoorFlow (API key unless told otherwise)."""
        if not {"api_key", "access_token", "token_provider"} & set(kwargs):
            kwargs["api_key"] = API_KEY
        return DoorFlowClient(self.session, base_url=self.url, **kwargs)


@pytest.fixture
async def sim(socket_enabled: None) -> AsyncIterator[Sim]:
    """Run the simulator (scenario `home`) on 127.0.0.1 with a fake clock."""
    clock = FakeClock(START)
    world = World(load_scenario("home"), clock=clock.monotonic, utcnow=clock.utcnow, seed=1)
    async with (
        SimulatorServer(world, host="127.0.0.1", port=0) as server,
        aiohttp.ClientSession() as session,
    ):
        yield Sim(url=server.url, world=world, clock=clock, session=session)


@pytest.fixture
def client(sim: Sim) -> DoorFlowClient:
    """Return a client using the scenario's personal API key."""
    return sim.client()


@pytest.fixture
async def tiny(
    socket_enabled: None,
) -> AsyncIterator[Callable[..., Awaitable[DoorFlowClient]]]:
    """Serve one catch-all handler on 127.0.0.1 and return a client of it."""
    async with aiohttp.ClientSession() as session, AsyncExitStack() as servers:

        async def start(handler: Handler, **credentials: Any) -> DoorFlowClient:
            url = await servers.enter_async_context(serve_catch_all(handler))
            return DoorFlowClient(
                session,
                base_url=url,
                request_timeout=2,
                **(credentials or {"api_key": API_KEY}),
            )

        yield start


def assert_no_secret(err: BaseException, *secrets: str) -> None:
    """Check that neither the error nor its cause chain shows a credential."""
    current: BaseException | None = err
    while current is not None:
        for secret in secrets:
            assert secret not in str(current)
            assert secret not in repr(current)
        current = current.__cause__


# -- construction and auth --------------------------------------------------------------


async def test_exactly_one_credential_is_required(sim: Sim) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        DoorFlowClient(sim.session)
    with pytest.raises(ValueError, match="exactly one"):
        DoorFlowClient(sim.session, api_key=API_KEY, access_token=ACCESS_TOKEN)
    with pytest.raises(ValueError, match="exactly one"):
        DoorFlowClient(sim.session, api_key="")


async def test_repr_hides_credentials(sim: Sim) -> None:
    for client in (sim.client(), sim.client(access_token=ACCESS_TOKEN)):
        text = repr(client)
        assert API_KEY not in text
        assert ACCESS_TOKEN not in text
        assert "DoorFlowClient(" in text


async def test_api_key_is_sent_as_basic_auth(tiny: Any) -> None:
    seen: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(request.headers["Authorization"])
        return web.json_response({"id": 1, "name": "A"})

    client = await tiny(handler)
    await client.get_account()
    assert seen == [f"Basic {BASIC}"]


async def test_personal_api_key_reads_the_account(client: DoorFlowClient) -> None:
    account = await client.get_account()
    assert account.id == "7001"  # the contract's string id (the scenario's number as text)
    assert account.name == "Demo Office"
    assert account.sync.status is SyncStatus.FAILING  # the warehouse controller is offline
    assert account.sync.last_sync == START
    assert account.sync.description


async def test_bearer_access_token(sim: Sim) -> None:
    await sim.control(
        "POST", "tokens", {"api": "doorflow", "token": ACCESS_TOKEN, "kind": "access"}
    )
    account = await sim.client(access_token=ACCESS_TOKEN).get_account()
    assert account.id == "7001"  # the contract's string id (the scenario's number as text)


async def test_token_provider_is_asked_before_each_request(sim: Sim) -> None:
    await sim.control(
        "POST", "tokens", {"api": "doorflow", "token": ACCESS_TOKEN, "kind": "access"}
    )
    calls = 0

    async def provider() -> str:
        nonlocal calls
        calls += 1
        return ACCESS_TOKEN

    client = sim.client(token_provider=provider)
    await client.get_account()
    await channel_of(client, FRONT)
    assert calls == 2
    assert "token_provider" in repr(client)


async def test_unknown_key_is_an_auth_error(sim: Sim) -> None:
    with pytest.raises(DoorFlowAuthError) as info:
        await sim.client(api_key="not-a-key-123456").get_account()
    assert info.value.status == 401
    assert_no_secret(info.value, "not-a-key-123456")


async def test_revoked_token_is_an_auth_error(sim: Sim) -> None:
    await sim.control(
        "POST", "tokens", {"api": "doorflow", "token": ACCESS_TOKEN, "kind": "access"}
    )
    client = sim.client(access_token=ACCESS_TOKEN)
    await client.get_account()
    await sim.control("POST", "tokens/revoke", {"token": ACCESS_TOKEN})
    with pytest.raises(DoorFlowAuthError) as info:
        await client.get_account()
    assert info.value.status == 401
    assert_no_secret(info.value, ACCESS_TOKEN)


async def test_missing_scope_is_a_403_auth_error(sim: Sim) -> None:
    client = sim.client(api_key=READONLY_KEY)
    assert len(await all_channels(client)) == 3
    with pytest.raises(DoorFlowAuthError) as info:
        await client.admit(FRONT)
    assert info.value.status == 403
    assert "forbidden" in str(info.value)
    assert_no_secret(info.value, READONLY_KEY)


# -- channels and paging ----------------------------------------------------------------


async def test_channels_of_the_scenario(client: DoorFlowClient) -> None:
    channels = {channel.id: channel for channel in await all_channels(client)}
    assert set(channels) == {FRONT, BACK, WAREHOUSE}
    front = channels[FRONT]
    assert front.name == "Front door"
    assert front.status is ChannelStatus.ONLINE
    assert front.mode is ChannelMode.NORMAL
    assert front.relock_at is None
    assert front.change_stamp == int(START.timestamp())  # sent as a date-time
    assert front.lockdown is None
    assert front.sync_status is ChannelSyncStatus.OK
    assert front.last_sync_completed_at == START
    assert front.auto_unlock is None  # no auto-unlock shift
    assert front.model == "IPBR-2"
    assert (front.freescale_version, front.pic_version) == ("4.12.0", "1.9")
    assert front.firmware == "4.12.0 (PIC 1.9)"
    assert front.site_id == "1"
    assert front.is_online
    assert not front.is_unlocked
    assert not front.is_locked_down
    warehouse = channels[WAREHOUSE]
    assert warehouse.status is ChannelStatus.OFFLINE
    assert warehouse.sync_status is ChannelSyncStatus.FAIL
    assert not warehouse.is_online
    assert warehouse.site_id == "2"


async def test_channels_are_read_across_pages(sim: Sim, client: DoorFlowClient) -> None:
    for number in range(4):
        await sim.control("POST", "doorflow/channels", {"name": f"Extra {number}"})
    await sim.control("DELETE", "requests")
    channels = await all_channels(client, 3)
    assert len(channels) == 7
    assert [c.id for c in channels] == sorted(c.id for c in channels)
    assert await sim.count("/api/3/channels") == 3


async def test_paging_stops_when_the_total_is_reached(sim: Sim, client: DoorFlowClient) -> None:
    await sim.control("POST", "doorflow/channels", {"name": "Extra"})
    await sim.control("DELETE", "requests")
    channels = await all_channels(client, 2)
    assert len(channels) == 4
    assert await sim.count("/api/3/channels") == 2  # no third, empty page


async def test_paging_without_headers_stops_on_a_short_page(tiny: Any) -> None:
    pages: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        page = int(request.query["page"])
        pages.append(request.query["per_page"])
        ids = {1: [1, 2], 2: [3, 4], 3: [5]}[page]
        return web.json_response([{"id": i, "name": f"D{i}"} for i in ids])

    client = await tiny(handler)
    channels = await all_channels(client, 2)
    assert [c.id for c in channels] == ["1", "2", "3", "4", "5"]
    assert pages == ["2", "2", "2"]


async def test_paging_also_accepts_an_object_and_skips_repeats(tiny: Any) -> None:
    async def handler(request: web.Request) -> web.Response:
        page = int(request.query["page"])
        ids = {1: [1, 2], 2: [2, 3], 3: []}[page]
        return web.json_response({"channels": [{"id": i} for i in ids]})

    client = await tiny(handler)
    assert [c.id for c in await all_channels(client, 2)] == ["1", "2", "3"]


async def test_a_server_ignoring_the_page_does_not_loop(tiny: Any) -> None:
    calls = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        return web.json_response([{"id": 1}, {"id": 2}])

    client = await tiny(handler)
    with pytest.raises(DoorFlowBadResponseError, match="repeats"):
        await all_channels(client, 2)
    assert calls == 2


async def test_paging_is_bounded(tiny: Any) -> None:
    async def handler(request: web.Request) -> web.Response:
        page = int(request.query["page"])
        return web.json_response([{"id": page * 10}, {"id": page * 10 + 1}])

    client = await tiny(handler)
    pager = client.channel_pager(2, max_pages=3)
    while (number := pager.next_page()) is not None:
        pager.add(await client.get_channel_page(number, pager.page_size))
    assert not pager.complete
    assert pager.pages_read == 3
    assert [channel.id for channel in pager.items] == ["10", "11", "20", "21", "30", "31"]


async def test_page_size_is_checked(client: DoorFlowClient) -> None:
    with pytest.raises(ValueError, match="per_page"):
        await all_channels(client, 0)
    with pytest.raises(ValueError, match="per_page"):
        await all_channels(client, 1001)


async def test_one_channel_and_unknown_channel(client: DoorFlowClient) -> None:
    channel = await channel_of(client, BACK)
    assert channel.name == "Back office"
    with pytest.raises(DoorFlowOperationError) as info:
        await client.normal("9999")
    assert info.value.reason is OperationFailure.NOT_FOUND


async def test_channel_changes_made_behind_the_clients_back(
    sim: Sim, client: DoorFlowClient
) -> None:
    await sim.control(
        "PATCH",
        f"doorflow/channels/{FRONT}",
        {
            "status": "pending_encryption",
            "auto_unlock": True,
            "freescale_version": "5.0.1",
            "pic_version": None,
            "name": "Main",
        },
    )
    channel = await channel_of(client, FRONT)
    assert channel.status is ChannelStatus.PENDING_ENCRYPTION
    assert not channel.is_online
    assert channel.auto_unlock is True
    assert channel.firmware == "5.0.1"  # no I/O processor version: the main one alone
    assert channel.name == "Main"


# -- models: every field, unknown values, missing and null fields -----------------------


FULL_CHANNEL: dict[str, Any] = {
    "id": 7,
    "name": "Gate",
    "status": "online",
    "mode": {"description": "unlock", "relock_at": "2026-11-03T11:00:00Z", "change_stamp": 42},
    "lockdown": {"card_lockdown": True, "rex_lockdown": False, "aux_lockdown": True},
    "sync": {"status": "syncing", "last_sync_completed_at": "2026-11-03T09:00:00"},
    "auto_unlock": True,
    "model": "DC-4",
    "freescale_version": "1.2.3",
    "pic_version": "0.9",
    "site_id": 3,
}


def test_channel_model_reads_every_field() -> None:
    channel = Channel.from_json(FULL_CHANNEL)
    assert channel == Channel(
        id="7",
        name="Gate",
        status=ChannelStatus.ONLINE,
        mode=ChannelMode.UNLOCK,
        relock_at=datetime(2026, 11, 3, 11, tzinfo=UTC),
        change_stamp=42,
        lockdown=Lockdown(card=True, rex=False, aux=True),
        sync_status=ChannelSyncStatus.SYNCING,
        last_sync_completed_at=datetime(2026, 11, 3, 9, tzinfo=UTC),  # naive is UTC
        auto_unlock=True,
        model="DC-4",
        site_id="3",
        freescale_version="1.2.3",
        pic_version="0.9",
    )
    assert channel.firmware == "1.2.3 (PIC 0.9)"
    assert Channel.from_json({"id": 7, "pic_version": "2.0"}).firmware == "PIC 2.0"
    assert channel.is_unlocked
    assert channel.is_locked_down


def test_channel_model_with_only_an_id() -> None:
    channel = Channel.from_json({"id": 8, "lockdown": None, "mode": None, "sync": None})
    assert channel.name == ""
    assert channel.status is ChannelStatus.UNRECOGNIZED
    assert channel.mode is ChannelMode.UNRECOGNIZED
    assert channel.relock_at is None
    assert channel.change_stamp is None
    assert channel.lockdown is None
    assert channel.sync_status is ChannelSyncStatus.UNRECOGNIZED
    assert channel.last_sync_completed_at is None
    assert channel.auto_unlock is None
    assert channel.model is None
    assert channel.firmware is None
    assert channel.site_id is None
    assert not channel.is_online
    assert not channel.is_unlocked
    assert not channel.is_locked_down


def test_channel_model_unknown_values_and_variants() -> None:
    channel = Channel.from_json(
        {
            "id": 9,
            "status": "melted",
            "mode": "UNLOCK",
            "lockdown": {"card": False, "rex": True},
            "sync": {"status": "exploded", "last_sync_completed_at": "yesterday"},
        }
    )
    assert channel.status is ChannelStatus.UNRECOGNIZED
    assert channel.mode is ChannelMode.UNLOCK
    assert channel.lockdown == Lockdown(card=False, rex=True, aux=False)
    assert channel.is_locked_down
    assert channel.sync_status is ChannelSyncStatus.UNRECOGNIZED
    assert channel.last_sync_completed_at is None
    # Older API pages name the synced state `sync_complete`: the same as the contract's `ok`.
    for synced in ("sync_complete", "SYNC_COMPLETE", "ok"):
        old = Channel.from_json({"id": 9, "sync": {"status": synced}})
        assert old.sync_status is ChannelSyncStatus.OK
    empty = Channel.from_json({"id": 9, "lockdown": {}, "mode": {"description": "party"}})
    assert empty.lockdown == Lockdown(card=False, rex=False, aux=False)
    assert not empty.is_locked_down
    assert empty.mode is ChannelMode.UNRECOGNIZED


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "channel"),
        ({"name": "no id"}, "channel.id"),
        ({"id": ""}, "channel.id"),
        ({"id": "x" * 129}, "channel.id"),
        ({"id": True}, "channel.id"),
        ({"id": 1.5}, "channel.id"),
        ({"id": 1, "name": 5}, "channel.name"),
        ({"id": 1, "status": 1}, "channel.status"),
        ({"id": 1, "mode": 3}, "channel.mode"),
        ({"id": 1, "mode": {"change_stamp": [1]}}, "channel.mode.change_stamp"),
        ({"id": 1, "lockdown": True}, "channel.lockdown"),
        ({"id": 1, "lockdown": {"card_lockdown": "yes"}}, "channel.lockdown.card_lockdown"),
        ({"id": 1, "sync": {"last_sync_completed_at": 5}}, "channel.sync.last_sync_completed_at"),
        ({"id": 1, "auto_unlock": "no"}, "channel.auto_unlock"),
        ({"id": 1, "site_id": 1.5}, "channel.site_id"),
        ({"id": 1, "freescale_version": 4}, "channel.freescale_version"),
    ],
)
def test_channel_model_rejects_wrong_types(data: object, field: str) -> None:
    with pytest.raises(DoorFlowBadResponseError, match=field.replace(".", r"\.")) as caught:
        Channel.from_json(data)
    assert caught.value.field == field


def test_account_model() -> None:
    account = Account.from_json(
        {"id": 3, "name": "X", "sync": {"status": "syncing", "last_sync": "2026-01-01T00:00:00Z"}}
    )
    assert account.sync.status is SyncStatus.SYNCING
    assert account.sync.last_sync == datetime(2026, 1, 1, tzinfo=UTC)
    assert account.sync.description is None
    bare = Account.from_json({"id": 3})
    assert bare.name == ""
    assert bare.sync.status is SyncStatus.UNRECOGNIZED
    assert bare.sync.last_sync is None
    assert Account.from_json({"id": 3, "sync": {"status": "new"}}).sync.status is (
        SyncStatus.UNRECOGNIZED
    )
    with pytest.raises(DoorFlowBadResponseError, match=r"account\.sync"):
        Account.from_json({"id": 3, "sync": "complete"})


def test_admission_and_event_models() -> None:
    started = AdmissionRequest.from_json({"admission_request_id": 5, "status": "pending"})
    assert started == AdmissionRequest(
        id="5", status=AdmissionStatus.PENDING, channel_id=None, created_at=None
    )
    assert started.pending
    later = AdmissionRequest.from_json(
        {"id": 5, "status": "teleported", "channel_id": 2, "created_at": "2026-11-03T10:00:00Z"}
    )
    assert later.status is AdmissionStatus.UNRECOGNIZED
    assert later.channel_id == "2"
    assert later.created_at == START
    with pytest.raises(DoorFlowBadResponseError):
        AdmissionRequest.from_json({"status": "pending"})
    event = DoorEvent.from_json(
        {"id": 1, "event_code": 31, "channel_id": 2, "created_at": "2026-11-03T10:00:00Z"}
    )
    assert (event.id, event.event_code, event.event_label, event.channel_id) == ("1", 31, None, "2")
    assert event.created_at == START
    with pytest.raises(DoorFlowBadResponseError, match=r"event\.event_code"):
        DoorEvent.from_json({"id": 1})


async def test_wrong_types_from_the_server(sim: Sim, client: DoorFlowClient) -> None:
    await sim.fault(kind="wrong_types", count=1)
    with pytest.raises(DoorFlowBadResponseError, match=r"^channel\."):
        await channel_of(client, FRONT)


# -- admit lifecycle --------------------------------------------------------------------


async def test_admit_is_admitted(sim: Sim, client: DoorFlowClient) -> None:
    started = await client.admit(FRONT)
    assert started.status is AdmissionStatus.PENDING
    assert started.failure is None
    sim.clock.advance(3)
    done = await decided_admission(client, started.id)
    assert done.status is AdmissionStatus.ADMITTED
    assert done.id == started.id
    assert done.channel_id == FRONT
    assert done.failure is None
    events = await latest_events(client, 5)
    assert events[0].event_code == 15
    assert events[0].channel_id == FRONT
    assert events[0].event_label


async def test_admit_is_denied_in_lockdown(sim: Sim, client: DoorFlowClient) -> None:
    await client.lockdown(FRONT)
    started = await client.admit(FRONT)
    sim.clock.advance(3)
    decided = await client.get_admission_request(started.id)
    assert decided.failure is OperationFailure.DENIED
    with pytest.raises(DoorFlowOperationError) as info:
        await decided_admission(client, started.id)
    assert info.value.reason is OperationFailure.DENIED


async def test_admit_on_an_offline_door(sim: Sim, client: DoorFlowClient) -> None:
    started = await client.admit(WAREHOUSE)
    assert started.status is AdmissionStatus.OFFLINE
    with pytest.raises(DoorFlowOperationError) as info:
        await decided_admission(client, started.id)
    assert info.value.reason is OperationFailure.OFFLINE


async def test_admit_times_out_on_an_unresponsive_controller(
    sim: Sim, client: DoorFlowClient
) -> None:
    await sim.control("PATCH", f"doorflow/channels/{FRONT}", {"unresponsive": True})
    started = await client.admit(FRONT)
    sim.clock.advance(121)
    with pytest.raises(DoorFlowOperationError) as info:
        await decided_admission(client, started.id)
    assert info.value.reason is OperationFailure.TIMEOUT
    assert "did not answer" in str(info.value)


async def test_waiting_on_an_unrecognized_status_fails(tiny: Any) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"id": 1, "status": "beamed"})

    client = await tiny(handler)
    with pytest.raises(DoorFlowOperationError) as info:
        await decided_admission(client, "1")
    assert info.value.reason is OperationFailure.FAILED
    assert AdmissionRequest.from_json({"id": 1, "status": "beamed"}).failure is (
        OperationFailure.FAILED
    )


async def test_admit_is_refused_unless_in_normal_mode(client: DoorFlowClient) -> None:
    await client.unlock(FRONT)
    with pytest.raises(DoorFlowOperationError) as info:
        await client.admit(FRONT)
    assert info.value.reason is OperationFailure.REFUSED
    assert "normal mode" in str(info.value)


async def test_admit_and_admission_not_found(client: DoorFlowClient) -> None:
    with pytest.raises(DoorFlowOperationError) as info:
        await client.admit(9999)
    assert info.value.reason is OperationFailure.NOT_FOUND
    with pytest.raises(DoorFlowOperationError) as info:
        await client.get_admission_request(9999)
    assert info.value.reason is OperationFailure.NOT_FOUND


# -- door modes -------------------------------------------------------------------------


async def test_unlock_and_normal(sim: Sim, client: DoorFlowClient) -> None:
    channel = await client.unlock(FRONT)
    assert channel.mode is ChannelMode.UNLOCK
    assert channel.is_unlocked
    assert channel.relock_at is None
    assert channel.sync_status is ChannelSyncStatus.PENDING
    assert (await client.get_account()).sync.status is SyncStatus.PENDING
    channel = await client.normal(FRONT)
    assert channel.mode is ChannelMode.NORMAL
    assert not channel.is_unlocked


async def test_unlock_until_a_relock_time(sim: Sim, client: DoorFlowClient) -> None:
    relock_at = START + timedelta(minutes=5)
    channel = await client.unlock(FRONT, relock_at=relock_at)
    assert channel.is_unlocked
    assert channel.relock_at == relock_at
    sim.clock.advance(301)
    channel = await channel_of(client, FRONT)
    assert channel.mode is ChannelMode.NORMAL
    assert channel.relock_at is None


async def test_unlock_rejects_bad_relock_times(client: DoorFlowClient) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await client.unlock(FRONT, relock_at=datetime(2026, 11, 3, 11, 0))
    with pytest.raises(DoorFlowOperationError) as info:
        await client.unlock(FRONT, relock_at=START - timedelta(minutes=1))
    assert info.value.reason is OperationFailure.REFUSED
    # The 422's field errors are kept, for the integration to show.
    detail = info.value.detail
    assert detail is not None
    assert detail.field_errors == {"relock_at": ("must be a future ISO 8601 date-time",)}
    assert detail.summary().endswith("relock_at: must be a future ISO 8601 date-time")


async def test_lockdown_and_unlockdown(client: DoorFlowClient) -> None:
    channel = await client.lockdown(FRONT)
    assert channel.lockdown is not None
    assert (channel.lockdown.card, channel.lockdown.rex, channel.lockdown.aux) == (True, True, True)
    assert channel.is_locked_down
    channel = await client.lockdown(BACK, card=True, rex=False, aux=False)
    assert channel.lockdown == Lockdown(
        card=True, rex=False, aux=False, message="Cards and PINs will be rejected"
    )
    channel = await client.unlockdown(FRONT)
    assert channel.lockdown is None
    assert not channel.is_locked_down
    await client.lockdown(FRONT, card=True, rex=True, aux=False)
    channel = await client.unlockdown(FRONT, card=True, rex=False, aux=False)
    assert channel.lockdown == Lockdown(
        card=False, rex=True, aux=False, message="Request-to-exit is disabled"
    )


async def test_door_commands_on_an_unknown_channel(client: DoorFlowClient) -> None:
    for command in (client.normal, client.unlock, client.lockdown, client.unlockdown):
        with pytest.raises(DoorFlowOperationError) as info:
            await command(9999)
        assert info.value.reason is OperationFailure.NOT_FOUND


# -- sync and rate limits ---------------------------------------------------------------


async def test_sync_is_rate_limited_with_retry_in(sim: Sim, client: DoorFlowClient) -> None:
    await client.unlock(FRONT)
    await client.sync()
    assert (await channel_of(client, FRONT)).sync_status is ChannelSyncStatus.SYNCING
    sim.clock.advance(10)
    with pytest.raises(DoorFlowRateLimitError) as info:
        await client.sync()
    assert info.value.retry_after == 20
    assert info.value.detail is not None  # the 429's description, kept
    assert info.value.detail.code == "rate_limited"
    assert info.value.detail.message == "Sync rate limit exceeded, retry in 20 seconds"
    sim.clock.advance(20)
    await client.sync()
    sim.clock.advance(3)
    assert (await client.get_account()).sync.status is SyncStatus.FAILING  # warehouse offline
    channel = await channel_of(client, FRONT)
    assert channel.sync_status is ChannelSyncStatus.OK
    assert channel.last_sync_completed_at is not None


async def test_rate_limit_fault_uses_the_body(sim: Sim, client: DoorFlowClient) -> None:
    await sim.fault(kind="rate_limit", retry_after=12, count=1)
    with pytest.raises(DoorFlowRateLimitError) as info:
        await client.get_account()
    assert info.value.retry_after == 12


@pytest.mark.parametrize(
    ("body", "headers", "expected"),
    [
        ("", {"Retry-After": "7"}, 7.0),
        ('{"retry_in": "x"}', {"Retry-After": "oops"}, None),
        ('{"retry_in": -3}', {}, 0.0),
        ("<html>busy</html>", {}, None),
    ],
)
async def test_rate_limit_header_fallback(
    tiny: Any, body: str, headers: dict[str, str], expected: float | None
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=body, status=429, headers=headers)

    client = await tiny(handler)
    with pytest.raises(DoorFlowRateLimitError) as info:
        await client.sync()
    assert info.value.retry_after == expected


# -- transport failures -----------------------------------------------------------------


async def test_server_errors_are_connection_errors(sim: Sim, client: DoorFlowClient) -> None:
    await sim.fault(kind="status", status=503, count=1)
    with pytest.raises(DoorFlowConnectionError, match="server error 503"):
        await client.get_account()
    await sim.fault(kind="html", count=1)  # 502 with an HTML page
    with pytest.raises(DoorFlowConnectionError, match="server error 502"):
        await all_channels(client)
    assert (await client.get_account()).id == "7001"


async def test_html_and_malformed_bodies_are_bad_responses(
    sim: Sim, client: DoorFlowClient
) -> None:
    await sim.fault(kind="html", status=200, count=1)
    with pytest.raises(DoorFlowBadResponseError, match="not JSON"):
        await client.get_account()
    await sim.fault(kind="malformed_json", count=1)
    with pytest.raises(DoorFlowBadResponseError, match="not JSON"):
        await channel_of(client, FRONT)
    await sim.fault(kind="empty", count=1)
    with pytest.raises(DoorFlowBadResponseError, match="expected an object"):
        await client.get_account()
    await sim.fault(kind="status", status=418, count=1)
    with pytest.raises(DoorFlowBadResponseError, match="HTTP 418"):
        await client.get_account()


async def test_unexpected_shapes_are_bad_responses(tiny: Any) -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.path.endswith(("channels", "events")):
            return web.json_response({"data": []})
        return web.json_response([1, 2])

    client = await tiny(handler)
    with pytest.raises(DoorFlowBadResponseError, match="channels: expected a list"):
        await all_channels(client)
    with pytest.raises(DoorFlowBadResponseError, match="account: expected an object"):
        await client.get_account()
    with pytest.raises(DoorFlowBadResponseError, match="events: expected a list"):
        await client.get_event_page(1)
    with pytest.raises(ValueError, match="n must be"):
        await client.get_event_page(1, 0)


async def test_a_hanging_server_times_out(sim: Sim) -> None:
    await sim.fault(kind="hang", hang_seconds=5, count=1)
    with pytest.raises(DoorFlowConnectionError, match="timed out"):
        await sim.client(request_timeout=0.2).get_account()


async def test_an_unreachable_server_is_a_connection_error(sim: Sim) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = DoorFlowClient(sim.session, api_key=API_KEY, base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(DoorFlowConnectionError) as info:
        await client.get_account()
    assert_no_secret(info.value, API_KEY)


async def test_redirects_are_not_followed(tiny: Any) -> None:
    seen: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(request.path)
        raise web.HTTPFound("http://127.0.0.1:1/elsewhere")

    client = await tiny(handler)
    with pytest.raises(DoorFlowBadResponseError, match="redirect") as info:
        await client.get_account()
    assert len(seen) == 1
    assert_no_secret(info.value, API_KEY, BASIC)


async def test_a_body_that_is_not_text(tiny: Any) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=b"\xff\xfe\xfa", content_type="application/json", charset="utf-8")

    client = await tiny(handler)
    with pytest.raises(DoorFlowBadResponseError, match="not text"):
        await client.get_account()


# -- secrets never leak -----------------------------------------------------------------


async def test_server_text_echoing_the_key_is_blanked(tiny: Any) -> None:

    async def handler(request: web.Request) -> web.Response:
        text = f"bad key {API_KEY} in {request.headers['Authorization']}"
        status = 403 if request.method == "GET" else 400
        return web.json_response({"error": "nope", "error_description": text}, status=status)

    client = await tiny(handler)
    with pytest.raises(DoorFlowAuthError) as auth:
        await client.get_account()
    assert "***" in str(auth.value)
    with pytest.raises(DoorFlowBadResponseError) as bad:
        await client.sync()
    with pytest.raises(DoorFlowOperationError) as refused:
        await client.normal(FRONT)
    for err in (auth.value, bad.value, refused.value):
        assert_no_secret(err, API_KEY, BASIC)


async def test_provider_tokens_echoed_by_the_server_are_blanked(tiny: Any) -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.method == "POST":
            return web.Response(text="<html>Bad Request</html>", status=400)
        text = f"token {request.headers['Authorization']} expired"
        return web.json_response({"error_description": text}, status=401)

    tokens = ["first-token-abcdef", "second-token-123456"]
    calls = 0

    async def provider() -> str:
        nonlocal calls
        calls += 1
        return tokens[(calls - 1) % 2]

    client = await tiny(handler, token_provider=provider)
    for expected in ("first-token-abcdef", "second-token-123456"):
        with pytest.raises(DoorFlowAuthError) as info:
            await client.get_account()
        assert "token Bearer *** expired" in str(info.value)
        assert_no_secret(info.value, expected)
    with pytest.raises(DoorFlowOperationError) as refused:
        await client.unlockdown(FRONT)
    assert str(refused.value) == f"unlockdown channel {FRONT}: refused (400)"


async def test_no_error_shows_a_credential(sim: Sim) -> None:
    await sim.control(
        "POST", "tokens", {"api": "doorflow", "token": ACCESS_TOKEN, "kind": "access"}
    )
    errors: list[DoorFlowError] = []
    for credential in ({"api_key": API_KEY}, {"access_token": ACCESS_TOKEN}):
        # Time enough for every faulty answer on a slow, loaded machine; the hang times out.
        client = sim.client(request_timeout=1.0, **credential)
        for spec in (
            {"kind": "unauthorized"},
            {"kind": "rate_limit"},
            {"kind": "status", "status": 500},
            {"kind": "malformed_json"},
            {"kind": "html"},
            {"kind": "hang", "hang_seconds": 5},
        ):
            await sim.fault(count=1, **spec)
            with pytest.raises(DoorFlowError) as info:
                await client.get_account()
            errors.append(info.value)
        with pytest.raises(DoorFlowOperationError) as info:
            await client.admit(9999)
        errors.append(info.value)
    assert len(errors) == 14
    for err in errors:
        assert_no_secret(err, API_KEY, ACCESS_TOKEN, BASIC)


@pytest.mark.parametrize(
    ("status", "body", "error", "expected"),
    [
        (
            402,
            {"error": "payment_required", "error_description": f"Plan expired for {API_KEY}"},
            DoorFlowBadResponseError,
            {"code": "payment_required", "message": "Plan expired for ***", "fields": {}},
        ),
        (
            422,
            {
                "error": "Validation failed",
                "errors": {
                    "value": ["is already in use", 5, f"not {API_KEY}"],
                    "limit_reached": "HID licence limit",
                    "": ["nameless"],
                    "x" * 100: ["long name"],
                },
            },
            DoorFlowBadResponseError,
            {
                "code": "Validation failed",
                "message": None,
                "fields": {
                    "value": ("is already in use", "not ***"),
                    "limit_reached": ("HID licence limit",),
                    "x" * 64: ("long name",),
                },
            },
        ),
        (
            429,
            {"error": "rate_limited", "description": "Slow down " * 50, "retry_in": 7},
            DoorFlowRateLimitError,
            {"code": "rate_limited", "message": ("Slow down " * 50)[:200], "fields": {}},
        ),
        (403, {"error": "forbidden", "reason": "No access"}, DoorFlowAuthError, None),
        (418, ["not", "an", "object"], DoorFlowBadResponseError, None),
    ],
)
async def test_error_answers_keep_what_the_cloud_said(
    tiny: Any, status: int, body: Any, error: type[Exception], expected: dict[str, Any] | None
) -> None:
    """402 messages, 422 field errors and a 429's description stay in the typed error.

    Shortened, text only, and with the credentials blanked.
    """

    async def handler(request: web.Request) -> web.Response:
        return web.json_response(body, status=status)

    client = await tiny(handler)
    with pytest.raises(error) as info:
        await client.get_account()
    assert_no_secret(info.value, API_KEY, BASIC)
    detail = info.value.detail
    if status == 403:
        assert (detail.code, detail.message) == ("forbidden", "No access")
    elif expected is None:
        assert detail is None
    else:
        assert (detail.code, detail.message) == (expected["code"], expected["message"])
        assert dict(detail.field_errors) == expected["fields"]
        assert API_KEY not in repr(detail)
