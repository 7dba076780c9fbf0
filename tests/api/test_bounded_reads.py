"""Bounded reads: oversized, compressed-bomb, endless and trickling bodies end in typed errors.

Each test runs a real aiohttp server on 127.0.0.1 and measures the peak of the memory
allocated while the client reads (tracemalloc), so "stopped early" is shown, not assumed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
import contextlib
import json
import time
import tracemalloc
from typing import Any
import zlib

import aiohttp
from aiohttp import web
import pytest

from tests.api.clients import (
    DEFAULT_MAX_BODY_BYTES,
    BadResponseError,
    CloudConnectionError,
    CloudTimeoutError,
    DoorFlowClient,
    DoorFlowResponseTooLargeError,
    ResponseTooLargeError,
    TedeeBadResponseError,
    TedeeClient,
    TedeeResponseTooLargeError,
    TedeeTimeoutError,
)
from tests.api.reading import all_channels
from tests.api.servers import Handler, serve_catch_all

MIB = 1024 * 1024
CHUNK = b"0" * (64 * 1024)
KEY = "bounded-read-secret-key"


def gzip_bomb(total: int, member: int = 16 * MIB) -> bytes:
    """Return a gzip body (concatenated members) that inflates to `total` bytes of zeros."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    one = compressor.compress(bytes(member)) + compressor.flush()
    return one * (total // member)


def deflate_bomb(total: int) -> bytes:
    """Return one zlib (deflate) stream that inflates to `total` bytes of zeros."""
    compressor = zlib.compressobj(9)
    piece = bytes(4 * MIB)
    return b"".join(compressor.compress(piece) for _ in range(total // len(piece))) + (
        compressor.flush()
    )


async def _stream(request: web.Request, response: web.StreamResponse, total: int | None) -> None:
    """Write zeros in 64 KiB chunks until `total` bytes (None: forever) or the client leaves."""
    await response.prepare(request)
    sent = 0
    with contextlib.suppress(ConnectionError):
        while total is None or sent < total:
            await response.write(CHUNK)
            sent += len(CHUNK)


@pytest.fixture
async def serve(socket_enabled: None) -> AsyncIterator[Callable[..., Any]]:
    """Serve a handler and return a Tedee client of it (extra client options as keywords)."""
    async with aiohttp.ClientSession() as session, contextlib.AsyncExitStack() as stack:

        async def start(handler: Handler, **options: Any) -> TedeeClient:
            url = await stack.enter_async_context(serve_catch_all(handler))
            return TedeeClient(session, KEY, base_url=url, **options)

        yield start


async def _peak_while(call: Any) -> tuple[BaseException, int]:
    """Run a call that must fail; return its error and the peak of memory allocated meanwhile."""
    tracemalloc.start()
    try:
        try:
            await call
        except Exception as err:
            error: BaseException = err
        else:
            pytest.fail("the call did not fail")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return error, peak


async def test_a_declared_200_mb_body_is_refused_before_reading(serve: Any) -> None:
    sent: list[int] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = 200 * MIB
        await _stream(request, response, 200 * MIB)
        sent.append(1)
        return response

    client = await serve(handler)
    error, peak = await _peak_while(client.get_user())
    assert isinstance(error, TedeeResponseTooLargeError)
    assert isinstance(error, ResponseTooLargeError)
    assert isinstance(error, BadResponseError)
    assert error.limit == DEFAULT_MAX_BODY_BYTES
    assert error.endpoint == "GET my/user"
    assert "declares" in str(error)
    assert peak < 4 * MIB


async def test_a_200_mb_chunked_body_stops_at_the_limit(serve: Any) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        await _stream(request, web.StreamResponse(), 200 * MIB)
        return web.Response()

    client = await serve(handler, max_body_bytes=MIB)
    started = time.monotonic()
    error, peak = await _peak_while(client.get_user())
    assert isinstance(error, TedeeResponseTooLargeError)
    assert error.limit == MIB
    assert peak < 4 * MIB
    assert time.monotonic() - started < 5


async def test_an_endless_chunked_stream_stops_at_the_limit(serve: Any) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        await _stream(request, web.StreamResponse(), None)
        return web.Response()

    client = await serve(handler, max_body_bytes=2 * MIB)
    error, peak = await _peak_while(client.get_lock(1))
    assert isinstance(error, TedeeResponseTooLargeError)
    assert error.endpoint == "GET my/lock/{id}"
    assert peak < 6 * MIB


@pytest.mark.parametrize(("encoding", "make"), [("gzip", gzip_bomb), ("deflate", deflate_bomb)])
async def test_a_compression_bomb_stops_at_the_decoded_limit(
    serve: Any, encoding: str, make: Callable[[int], bytes]
) -> None:
    bomb = make(1024 * MIB if encoding == "gzip" else 256 * MIB)
    assert len(bomb) < 2 * MIB  # small on the wire, 256 MiB to 1 GiB once inflated

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={"Content-Encoding": encoding, "Content-Type": "application/json"}
        )
        response.content_length = len(bomb)
        await response.prepare(request)
        with contextlib.suppress(ConnectionError):
            await response.write(bomb)
        return response

    client = await serve(handler)
    error, peak = await _peak_while(client.get_user())
    assert isinstance(error, TedeeResponseTooLargeError)
    assert "passed" in str(error)
    assert peak < 2 * DEFAULT_MAX_BODY_BYTES


async def test_a_trickling_endless_body_ends_at_the_deadline(serve: Any) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        with contextlib.suppress(ConnectionError):
            while True:
                await response.write(b" ")
                await asyncio.sleep(0.02)
        return response

    client = await serve(handler, request_timeout=0.5)
    started = time.monotonic()
    with pytest.raises(TedeeTimeoutError) as info:
        await client.get_user()
    assert time.monotonic() - started < 3
    assert isinstance(info.value, CloudTimeoutError)
    assert isinstance(info.value, CloudConnectionError)
    assert info.value.endpoint == "GET my/user"


@pytest.mark.parametrize("encoding", [None, "gzip"])
async def test_a_body_exactly_at_the_limit_is_read(serve: Any, encoding: str | None) -> None:
    body = json.dumps({"result": {"id": 7, "name": "x" * 5000}, "success": True}).encode()

    async def handler(request: web.Request) -> web.Response:
        if encoding is None:
            return web.Response(body=body, content_type="application/json")
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        packed = compressor.compress(body) + compressor.flush()
        return web.Response(
            body=packed, content_type="application/json", headers={"Content-Encoding": "gzip"}
        )

    exact = await serve(handler, max_body_bytes=len(body))
    assert (await exact.get_user()).id == 7
    short = await serve(handler, max_body_bytes=len(body) - 1)
    with pytest.raises(TedeeBadResponseError):
        await short.get_user()


async def test_doorflow_reads_are_bounded_too(socket_enabled: None) -> None:
    async def handler(request: web.Request) -> web.StreamResponse:
        await _stream(request, web.StreamResponse(), None)
        return web.Response()

    async with serve_catch_all(handler) as url, aiohttp.ClientSession() as session:
        client = DoorFlowClient(session, api_key=KEY, base_url=url, max_body_bytes=MIB)
        with pytest.raises(DoorFlowResponseTooLargeError) as info:
            await all_channels(client)
    assert info.value.endpoint == "GET channels"


def test_limits_must_be_positive() -> None:
    session: Any = object()
    with pytest.raises(ValueError, match="max_body_bytes"):
        TedeeClient(session, KEY, max_body_bytes=0)
    with pytest.raises(ValueError, match="request_timeout"):
        DoorFlowClient(session, api_key=KEY, request_timeout=0)
