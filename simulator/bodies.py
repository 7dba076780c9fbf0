"""Huge response bodies built cheaply: oversized JSON, a gzip bomb and an endless stream."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
import contextlib
from functools import cache
import struct
import zlib

from aiohttp import web

from simulator.http_common import CLOSING_KEY

MB = 1 << 20
# A gzip member header: magic, deflate, no flags, no mtime, no extra flags, unknown OS.
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
FILLER = b"x" * MB
SPACES = b" " * MB
ENDLESS_ITEM = b'{"id": 1, "name": "endless"}, '


def json_frame(tedee: bool) -> tuple[bytes, bytes]:
    """Return what comes before and after a huge JSON string, in the API's own shape."""
    if tedee:
        return (
            b'{"result": [{"id": 1, "name": "',
            b'"}], "success": true, "errorMessages": [], "statusCode": 200}',
        )
    return b'[{"id": 1, "name": "', b'"}]'


def _deflate(data: bytes, mode: int) -> bytes:
    """Raw-deflate ``data`` with a fresh compressor, ending with ``mode`` (a flush mode)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(mode)


@cache
def _deflated_block(size: int) -> bytes:
    """Return ``size`` spaces raw-deflated and fully flushed (identical every time)."""
    return _deflate(b" " * size, zlib.Z_FULL_FLUSH)


async def _stream(
    request: web.Request, response: web.StreamResponse, chunks: Iterator[bytes]
) -> web.StreamResponse:
    """Send ``chunks`` until done, the client goes away or the server stops."""
    closing = request.app[CLOSING_KEY]
    await response.prepare(request)
    with contextlib.suppress(ConnectionError):
        for chunk in chunks:
            if closing.is_set():
                break
            await response.write(chunk)
            await asyncio.sleep(0)
        else:
            await response.write_eof()
    return response


async def send_oversized(
    request: web.Request, status: int, size_mb: float, tedee: bool
) -> web.StreamResponse:
    """Answer with a valid JSON body of ``size_mb`` MB (a huge string), Content-Length set."""
    head, tail = json_frame(tedee)
    size = int(size_mb * MB)
    response = web.StreamResponse(status=status)
    response.content_type = "application/json"
    response.content_length = len(head) + size + len(tail)

    def chunks() -> Iterator[bytes]:
        """Yield the head, the filler megabytes and the tail."""
        yield head
        whole, rest = divmod(size, MB)
        for _ in range(whole):
            yield FILLER
        yield FILLER[:rest] + tail

    return await _stream(request, response, chunks())


async def send_gzip_bomb(
    request: web.Request, status: int, size_mb: float, tedee: bool
) -> web.StreamResponse:
    """Answer ``Content-Encoding: gzip`` with a small body that inflates to ``size_mb`` MB.

    The inflated body is valid JSON: a string of spaces inside the API's usual shape. Each
    megabyte is the same pre-compressed block, so building it costs almost nothing.
    """
    head, tail = json_frame(tedee)
    size = int(size_mb * MB)
    whole, rest = divmod(size, MB)
    first = _deflate(head, zlib.Z_FULL_FLUSH)
    block = _deflated_block(MB)
    last = _deflate(b" " * rest + tail, zlib.Z_FINISH)
    total = len(head) + size + len(tail)
    response = web.StreamResponse(status=status)
    response.content_type = "application/json"
    response.headers["Content-Encoding"] = "gzip"
    response.content_length = len(GZIP_HEADER) + len(first) + whole * len(block) + len(last) + 8

    def chunks() -> Iterator[bytes]:
        """Yield the gzip header, the repeated blocks and the trailer (CRC computed as sent)."""
        crc = zlib.crc32(head)
        yield GZIP_HEADER + first
        for _ in range(whole):
            crc = zlib.crc32(SPACES, crc)
            yield block
        crc = zlib.crc32(b" " * rest + tail, crc)
        yield last + struct.pack("<II", crc & 0xFFFFFFFF, total & 0xFFFFFFFF)

    return await _stream(request, response, chunks())


async def send_endless(
    request: web.Request, status: int, chunk_kb: int, tedee: bool
) -> web.StreamResponse:
    """Answer with a chunked JSON array that never ends (until disconnect or server stop)."""
    response = web.StreamResponse(status=status)
    response.content_type = "application/json"
    response.enable_chunked_encoding()
    items = ENDLESS_ITEM * max(1, chunk_kb * 1024 // len(ENDLESS_ITEM))

    def chunks() -> Iterator[bytes]:
        """Yield the opening bracket, then the same items forever."""
        yield b'{"result": [' if tedee else b"["
        while True:
            yield items

    return await _stream(request, response, chunks())
