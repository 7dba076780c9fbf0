"""Whether an account's changes arrive by push or by polling: shared by every cloud's push.

A wing that can be pushed to (DoorFlow's notification rules, a Tedee bridge's callbacks) keeps
an object with a `mode`; the account's diagnostic sensor "push" / "polling" reads it. A push
call's body is read here too, whole and bounded, for every cloud.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from aiohttp import web

_CHUNK = 16 * 1024


class PushMode(StrEnum):
    """How an account's changes reach Home Assistant now."""

    PUSH = "push"
    POLLING = "polling"


class PushStatus(Protocol):
    """What the push status sensor reads."""

    @property
    def mode(self) -> PushMode:
        """Return whether changes arrive by push now (else by polling)."""
        ...


async def read_push_body(request: web.Request, limit: int) -> bytes | None:
    """Return a push call's whole body, or None when it is longer than `limit` bytes.

    The body may arrive in pieces (chunked, a slow sender): it is read to its end, never judged
    by its first piece, and never held beyond the limit.
    """
    if (request.content_length or 0) > limit:
        return None
    body = bytearray()
    async for chunk in request.content.iter_chunked(_CHUNK):
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)
