"""One error hierarchy for both clouds: common kinds, endpoints, waits, and no secret anywhere."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Callable
import contextlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from tests.api import clients
from tests.api.clients import (
    AuthError,
    BadResponseError,
    CloudConnectionError,
    CloudTimeoutError,
    DoorCloudError,
    DoorFlowClient,
    DoorFlowEndpoint,
    OperationError,
    OperationFailure,
    RateLimitError,
    RepeatedPageError,
    ResponseTooLargeError,
    TedeeBleBoxNotLinkedError,
    TedeeClient,
    TedeeEndpoint,
    TokenType,
)
from tests.api.servers import Handler, serve_catch_all

TEDEE_KEY = "tedee-secret-key-8d7f6a"
DOORFLOW_KEY = "doorflow-secret-key-2b4c"

KINDS: dict[str, tuple[type[Exception], ...]] = {
    "AuthError": (AuthError,),
    "RateLimitError": (RateLimitError,),
    "ConnectionError": (CloudConnectionError,),
    "TimeoutError": (CloudTimeoutError, CloudConnectionError),
    "BadResponseError": (BadResponseError,),
    "ResponseTooLargeError": (ResponseTooLargeError, BadResponseError),
    "RepeatedPageError": (RepeatedPageError, BadResponseError),
    "OperationError": (OperationError,),
}


@pytest.mark.parametrize("cloud", ["Tedee", "DoorFlow"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_cloud_class_is_its_cloud_and_the_common_kind(cloud: str, kind: str) -> None:
    cls = getattr(clients, f"{cloud}{kind}")
    base = getattr(clients, f"{cloud}Error")
    assert issubclass(cls, base)
    assert issubclass(cls, DoorCloudError)
    for common in KINDS[kind]:
        assert issubclass(cls, common)


@pytest.mark.parametrize(("cloud", "prefix"), [("tedee", "Tedee"), ("doorflow", "DoorFlow")])
def test_the_http_core_raises_each_clouds_most_general_class_of_a_kind(
    cloud: str, prefix: str
) -> None:
    """`ErrorKinds.of(family)` finds the cloud's classes (a subclass such as the BleBox error
    or the timeout error never stands for its whole kind)."""
    found = getattr(clients.module(f"{cloud}.errors"), f"{prefix.upper()}_ERRORS")
    kinds = {
        "auth": "AuthError",
        "rate_limit": "RateLimitError",
        "connection": "ConnectionError",
        "timeout": "TimeoutError",
        "bad_response": "BadResponseError",
        "too_large": "ResponseTooLargeError",
        "repeated_page": "RepeatedPageError",
    }
    for kind, name in kinds.items():
        assert getattr(found, kind) is getattr(clients, f"{prefix}{name}"), kind


def test_errors_keep_their_attributes() -> None:
    auth = clients.TedeeAuthError("refused", status=403, endpoint="GET my/deviceactivity")
    assert (auth.status, auth.missing_scope, auth.endpoint) == (403, True, "GET my/deviceactivity")
    assert not clients.DoorFlowAuthError("refused", status=401).missing_scope
    limited = clients.DoorFlowRateLimitError("429", retry_after=3.0)
    assert (limited.retry_after, limited.endpoint) == (3.0, None)
    failed = clients.TedeeOperationError("jammed", reason=OperationFailure.JAMMED)
    assert failed.reason is OperationFailure.JAMMED
    assert failed.args == ("jammed",)


def walk(error: BaseException) -> list[BaseException]:
    """Return the error and everything chained to it (cause and context)."""
    found: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or current in found:
            continue
        found.append(current)
        pending.extend((current.__cause__, current.__context__))
    return found


def assert_no_secret(error: BaseException, *secrets: str) -> None:
    """Check message, repr, args and attributes of the error and its chain for secrets."""
    for current in walk(error):
        texts = [str(current), repr(current), *map(repr, current.args), repr(vars(current))]
        for secret in secrets:
            for text in texts:
                assert secret not in text, text


@pytest.fixture
async def serve(socket_enabled: None) -> AsyncIterator[Callable[..., Any]]:
    """Serve a handler; return clients of both clouds for it: `tedee, doorflow = await ...`."""
    async with aiohttp.ClientSession() as session, contextlib.AsyncExitStack() as stack:

        async def start(handler: Handler, **options: Any) -> tuple[TedeeClient, DoorFlowClient]:
            url = await stack.enter_async_context(serve_catch_all(handler))
            return (
                TedeeClient(session, TEDEE_KEY, base_url=url, **options),
                DoorFlowClient(session, api_key=DOORFLOW_KEY, base_url=url, **options),
            )

        yield start


async def test_a_429_names_its_endpoint(serve: Any) -> None:
    """A 429 on the sync endpoint can be told from a 429 on an operation."""

    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"retry_in": 12}, status=429, headers={"Retry-After": "30"})

    tedee, doorflow = await serve(handler)
    with pytest.raises(RateLimitError) as sync:
        await tedee.sync_locks()
    with pytest.raises(RateLimitError) as operation:
        await tedee.unlock(1001)
    with pytest.raises(RateLimitError) as door_sync:
        await doorflow.sync()
    assert sync.value.endpoint == TedeeEndpoint.LOCK_SYNC == "GET my/lock/sync"
    assert operation.value.endpoint == "POST my/lock/{id}/operation/unlock"
    assert door_sync.value.endpoint == DoorFlowEndpoint.SYNC == "POST sync"
    assert sync.value.retry_after == door_sync.value.retry_after == 12  # body first
    assert str(sync.value).startswith("GET my/lock/sync: ")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("17", 17.0),
        ("-3", 0.0),
        ("soon", None),
        ("inf", None),
        ("in 120 s", 120.0),
        ("Wed, 21 Oct 2015 07:28:00", 0.0),  # a date in the past, without a zone
    ],
)
async def test_retry_after_in_seconds_or_as_a_date(
    serve: Any, header: str, expected: float | None
) -> None:
    if header == "in 120 s":
        header = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)

    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=429, headers={"Retry-After": header})

    tedee, _ = await serve(handler)
    with pytest.raises(RateLimitError) as info:
        await tedee.get_user()
    if expected is None:
        assert info.value.retry_after is None
    else:
        assert info.value.retry_after == pytest.approx(expected, abs=3)


async def test_a_credential_a_header_cannot_carry_is_refused_before_sending(serve: Any) -> None:
    seen: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(request.path)
        return web.json_response({})

    _, doorflow = await serve(handler)
    async with aiohttp.ClientSession() as session:
        for token in ("line\r\nX-Injected: 1", "tab\tsecret", "non-ascii-é"):

            async def provider(token: str = token) -> str:
                return token

            client = DoorFlowClient(session, token_provider=provider, base_url="http://127.0.0.1:9")
            with pytest.raises(AuthError) as info:
                await client.get_account()
            assert info.value.status == 0
            assert_no_secret(info.value, token)
    assert seen == []
    assert doorflow is not None


async def test_no_failure_carries_a_credential(serve: Any) -> None:
    """Server echoes, redirects, timeouts, huge and garbled bodies: never a secret."""
    basic = base64.b64encode(f"{DOORFLOW_KEY}:X".encode()).decode()

    async def handler(request: web.Request) -> web.StreamResponse:
        echo = f"{request.headers['Authorization']} {TEDEE_KEY} {DOORFLOW_KEY}"
        kind = request.query.get("kind") or request.path.rsplit("/", 1)[-1]
        if kind in {"user", "account"}:
            return web.json_response(
                {"error": echo, "errorMessages": [echo], "success": False}, status=401
            )
        if kind == "sync":
            raise web.HTTPFound(f"http://127.0.0.1:1/{echo}")
        if kind in {"bridge", "channels"}:
            return web.Response(text="x" * 5000, status=200)
        if kind == "sites":
            await asyncio.sleep(5)
        return web.json_response({"error_description": echo}, status=400)

    # Time enough for every answer on a slow, loaded machine; the held one (5 s) times out.
    tedee, doorflow = await serve(handler, request_timeout=2.0, max_body_bytes=1000)
    calls = [
        tedee.get_user(),
        tedee.sync_locks(),
        tedee.get_bridges(),
        tedee.get_lock(1),
        doorflow.get_account(),
        doorflow.sync(),
        doorflow.get_channel_page(1),
        doorflow.get_site_page(1),
        doorflow.normal(1),
    ]
    errors: list[DoorCloudError] = []
    for call in calls:
        with pytest.raises(DoorCloudError) as info:
            await call
        errors.append(info.value)
    kinds = {type(error).__name__ for error in errors}
    assert {"TedeeAuthError", "TedeeResponseTooLargeError", "DoorFlowTimeoutError"} <= kinds
    assert "***" in str(errors[0])
    for error in errors:
        assert error.endpoint
    for error in errors[:4]:  # each client blanks its own credentials out of what it is sent
        assert_no_secret(error, TEDEE_KEY)
    for error in errors[4:]:
        assert_no_secret(error, DOORFLOW_KEY, basic)
    assert_no_secret(errors[0], f"{TokenType.PERSONAL_KEY} {TEDEE_KEY}")
    assert TEDEE_KEY not in repr(tedee)
    assert DOORFLOW_KEY not in repr(doorflow)


async def test_a_connection_failure_chains_nothing(socket_enabled: None) -> None:
    async with aiohttp.ClientSession() as session:
        client = TedeeClient(session, TEDEE_KEY, base_url="http://127.0.0.1:9")
        with pytest.raises(CloudConnectionError) as info:
            await client.get_user()
    assert info.value.__cause__ is None
    assert info.value.__context__ is None
    assert info.value.endpoint == "GET my/user"


@pytest.mark.parametrize(
    ("call", "endpoint"),
    [
        (lambda client: client.get_gate_page(1), "GET my/gate"),
        (lambda client: client.sync_gates(), "POST my/gate/sync"),
    ],
)
async def test_no_blebox_integration_on_a_gate_endpoint(
    serve: Any, call: Callable[[TedeeClient], Any], endpoint: str
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"success": False, "result": None}, status=412)

    tedee, _ = await serve(handler)
    with pytest.raises(TedeeBleBoxNotLinkedError) as info:
        await call(tedee)
    assert info.value.endpoint == endpoint
    assert isinstance(info.value, BadResponseError)
    with pytest.raises(OperationError) as opened:
        await tedee.open_gate(5)
    assert opened.value.reason is OperationFailure.NO_BLEBOX_INTEGRATION
    assert opened.value.endpoint == "POST my/gate/{id}/operation/unlock"


async def test_deep_json_is_a_bad_response_not_a_crash(serve: Any) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="[" * 200_000, content_type="application/json")

    tedee, _ = await serve(handler)
    with pytest.raises(BadResponseError, match="not JSON"):
        await tedee.get_user()


async def test_unknown_charset_is_a_bad_response(serve: Any) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=b"{}", headers={"Content-Type": "application/json; charset=nope"})

    tedee, _ = await serve(handler)
    with pytest.raises(BadResponseError, match="not text"):
        await tedee.get_user()
