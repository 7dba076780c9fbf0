"""Async client of the DoorFlow API v3 (account, channels, admits, door modes, sync)."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
import json
import math
from typing import Final

import aiohttp
from yarl import URL

from .errors import (
    DoorFlowAuthError,
    DoorFlowBadResponseError,
    DoorFlowConnectionError,
    DoorFlowOperationError,
    DoorFlowRateLimitError,
    OperationFailure,
)
from .models import (
    Account,
    AdmissionRequest,
    AdmissionStatus,
    Channel,
    DoorEvent,
    parse_items,
)

DEFAULT_BASE_URL: Final = "https://api.doorflow.com"
DEFAULT_PAGE_SIZE: Final = 100
MAX_PAGE_SIZE: Final = 1000
MAX_PAGES: Final = 1000
_MAX_DETAIL: Final = 200
_COMMAND_ERRORS: Final = frozenset({400, 404, 422})
_ADMISSION_FAILURES: Final[dict[AdmissionStatus, tuple[OperationFailure, str]]] = {
    AdmissionStatus.DENIED: (OperationFailure.DENIED, "the door controller denied the admit"),
    AdmissionStatus.OFFLINE: (OperationFailure.OFFLINE, "the door controller is offline"),
    AdmissionStatus.TIMEOUT: (
        OperationFailure.TIMEOUT,
        "the door controller did not answer the admit",
    ),
}

type TokenProvider = Callable[[], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class _Response:
    """What `_request` hands back: status, decoded JSON body and headers."""

    status: int
    body: object
    headers: Mapping[str, str]


def _number(value: object) -> float | None:
    """Return a non-negative finite number of seconds, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def _retry_after(body: object, headers: Mapping[str, str]) -> float | None:
    """Read the wait of a 429: body `retry_in`, else a `Retry-After` header in seconds."""
    if isinstance(body, Mapping):
        seconds = _number(body.get("retry_in"))
        if seconds is not None:
            return seconds
    return _number(headers.get("Retry-After"))


def _total(headers: Mapping[str, str]) -> int | None:
    """Read the total item count of a listing (`Total` or `X-Total-Results`)."""
    for name in ("Total", "X-Total-Results"):
        value = headers.get(name)
        if value is not None and value.strip().isdigit():
            return int(value)
    return None


def _decode(text: str) -> object:
    """Decode a JSON body; empty bodies are None; raise ValueError when it is not JSON."""
    if not text.strip():
        return None
    return json.loads(text)


class DoorFlowClient:
    """Talks to DoorFlow for one account; every request goes through `_request`."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        api_key: str | None = None,
        access_token: str | None = None,
        token_provider: TokenProvider | None = None,
        base_url: str = DEFAULT_BASE_URL,
        request_timeout: float = 20.0,
    ) -> None:
        if len([value for value in (api_key, access_token, token_provider) if value]) != 1:
            raise ValueError("give exactly one of api_key, access_token or token_provider")
        self._session = session
        self._token_provider = token_provider
        self._secrets: tuple[str, ...] = ()
        self._authorization = ""
        if api_key:
            basic = base64.b64encode(f"{api_key}:X".encode()).decode("ascii")
            self._authorization = f"Basic {basic}"
            self._secrets = (api_key, basic)
            self._auth_kind = "api_key"
        elif access_token:
            self._authorization = f"Bearer {access_token}"
            self._secrets = (access_token,)
            self._auth_kind = "access_token"
        else:
            self._auth_kind = "token_provider"
        self._base = URL(base_url.rstrip("/")) / "api" / "3"
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)

    def __repr__(self) -> str:
        return f"DoorFlowClient(base={str(self._base)!r}, auth={self._auth_kind!r})"

    async def _authorization_header(self) -> str:
        """Return the Authorization header; ask the token provider for a fresh token."""
        if self._token_provider is None:
            return self._authorization
        token = await self._token_provider()
        if token:
            self._secrets = (token,)  # only the token in use can come back in an answer
        return f"Bearer {token}"

    def _scrub(self, text: str) -> str:
        """Shorten text from the server and blank out any credential in it."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text[:_MAX_DETAIL]

    def _detail(self, body: object) -> str:
        """Return `: <error description>` from an error body, or nothing."""
        if not isinstance(body, Mapping):
            return ""
        parts = [
            value
            for key in ("error", "error_description", "description")
            if isinstance(value := body.get(key), str) and value
        ]
        return f": {self._scrub(' - '.join(parts))}" if parts else ""

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Iterable[tuple[str, str | int]] | None = None,
        body: Mapping[str, object] | None = None,
        expected_error_status: frozenset[int] = frozenset(),
    ) -> _Response:
        """Send one request and return its status and JSON body; map every failure."""
        url = self._base.joinpath(*path.strip("/").split("/"))
        headers = {
            "Authorization": await self._authorization_header(),
            "Accept": "application/json",
        }
        try:
            async with self._session.request(
                method,
                url,
                params=list(params) if params is not None else None,
                json=body,
                headers=headers,
                timeout=self._timeout,
                allow_redirects=False,
            ) as response:
                status = response.status
                text = await response.text()
                response_headers = response.headers
        except TimeoutError as err:
            raise DoorFlowConnectionError(f"{method} {path}: timed out") from err
        except aiohttp.ClientResponseError as err:
            # Not chained: its request_info holds our request headers, Authorization included.
            raise DoorFlowConnectionError(f"{method} {path}: {type(err).__name__}") from None
        except aiohttp.ClientError as err:
            raise DoorFlowConnectionError(f"{method} {path}: {type(err).__name__}") from err
        except UnicodeDecodeError as err:
            raise DoorFlowBadResponseError(f"{method} {path}: body is not text") from err

        try:
            decoded = _decode(text)
            is_json = True
        except ValueError:
            decoded, is_json = None, False

        if status in expected_error_status:
            return _Response(status, decoded, response_headers)
        if status in (401, 403):
            raise DoorFlowAuthError(
                f"{method} {path}: credentials refused ({status}){self._detail(decoded)}",
                status=status,
            )
        if status == 429:
            raise DoorFlowRateLimitError(
                f"{method} {path}: rate limited",
                retry_after=_retry_after(decoded, response_headers),
            )
        if status >= 500:
            raise DoorFlowConnectionError(f"{method} {path}: server error {status}")
        if 300 <= status < 400:
            # Redirects are not followed: the credentials go to the configured host only.
            raise DoorFlowBadResponseError(f"{method} {path}: unexpected redirect ({status})")
        if status >= 400:
            raise DoorFlowBadResponseError(f"{method} {path}: HTTP {status}{self._detail(decoded)}")
        if not is_json:
            raise DoorFlowBadResponseError(f"{method} {path}: HTTP {status} body is not JSON")
        return _Response(status, decoded, response_headers)

    def _raise_for_command(self, response: _Response, what: str, hint: str = "") -> None:
        """Turn the 400/404/422 of a door command into a DoorFlowOperationError."""
        if response.status == 404:
            raise DoorFlowOperationError(f"{what}: not found", reason=OperationFailure.NOT_FOUND)
        if response.status in (400, 422):
            detail = self._detail(response.body) or (f" ({hint})" if hint else "")
            raise DoorFlowOperationError(
                f"{what}: refused ({response.status}){detail}", reason=OperationFailure.REFUSED
            )

    async def get_account(self) -> Account:
        """Return the account the credentials belong to, with its sync status."""
        return Account.from_json((await self._request("GET", "account")).body)

    async def get_channels(self, per_page: int = DEFAULT_PAGE_SIZE) -> list[Channel]:
        """Return every channel (door) of the account, reading all pages."""
        if not 1 <= per_page <= MAX_PAGE_SIZE:
            raise ValueError(f"per_page must be between 1 and {MAX_PAGE_SIZE}")
        channels: list[Channel] = []
        seen: set[int] = set()
        for page in range(1, MAX_PAGES + 1):
            response = await self._request(
                "GET", "channels", params=[("page", page), ("per_page", per_page)]
            )
            items = [Channel.from_json(item) for item in parse_items(response.body, "channels")]
            new = [channel for channel in items if channel.id not in seen]
            if items and not new:
                raise DoorFlowBadResponseError(f"channels: page {page} repeats earlier pages")
            seen.update(channel.id for channel in new)
            channels.extend(new)
            total = _total(response.headers)
            if len(items) < per_page or (total is not None and len(channels) >= total):
                return channels
        raise DoorFlowBadResponseError(f"channels: more than {MAX_PAGES} pages")

    async def get_channel(self, channel_id: int) -> Channel:
        """Return one channel."""
        response = await self._request(
            "GET", f"channels/{channel_id}", expected_error_status=frozenset({404})
        )
        self._raise_for_command(response, f"channel {channel_id}")
        return Channel.from_json(response.body)

    async def _command(
        self,
        channel_id: int,
        action: str,
        body: Mapping[str, object] | None = None,
        *,
        hint: str = "",
    ) -> object:
        """POST a door command and return the body of its success answer."""
        response = await self._request(
            "POST",
            f"channels/{channel_id}/{action}",
            body=body,
            expected_error_status=_COMMAND_ERRORS,
        )
        self._raise_for_command(response, f"{action} channel {channel_id}", hint)
        return response.body

    async def admit(self, channel_id: int) -> AdmissionRequest:
        """Ask for a momentary unlock (normal mode only); return the admission request."""
        body = await self._command(channel_id, "admit", hint="the door is not in normal mode")
        return AdmissionRequest.from_json(body)

    async def get_admission_request(self, admission_id: int) -> AdmissionRequest:
        """Return how an admit is going."""
        response = await self._request(
            "GET",
            f"admission_requests/{admission_id}",
            expected_error_status=frozenset({404}),
        )
        self._raise_for_command(response, f"admission request {admission_id}")
        return AdmissionRequest.from_json(response.body)

    async def wait_for_admission(
        self,
        admission_id: int,
        *,
        poll_interval: float = 1.0,
        max_wait: float = 30.0,
        fetch: Callable[[int], Awaitable[AdmissionRequest]] | None = None,
    ) -> AdmissionRequest:
        """Poll an admission until it is decided; raise unless the door admitted.

        `fetch` replaces `get_admission_request`, so that a caller can count or pace each poll.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_wait
        fetch_admission = fetch or self.get_admission_request
        while True:
            admission = await fetch_admission(admission_id)
            if admission.status is AdmissionStatus.ADMITTED:
                return admission
            if admission.status in _ADMISSION_FAILURES:
                reason, message = _ADMISSION_FAILURES[admission.status]
                raise DoorFlowOperationError(message, reason=reason)
            if not admission.pending:
                raise DoorFlowOperationError(
                    "the admit ended in an unrecognized status", reason=OperationFailure.FAILED
                )
            if loop.time() + poll_interval > deadline:
                raise DoorFlowOperationError(
                    "the admit was not decided in time", reason=OperationFailure.TIMEOUT
                )
            await asyncio.sleep(poll_interval)

    async def unlock(self, channel_id: int, relock_at: datetime | None = None) -> Channel:
        """Hold the door unlocked until `relock_at` (aware) or until `normal`."""
        body: dict[str, object] = {}
        if relock_at is not None:
            if relock_at.tzinfo is None:
                raise ValueError("relock_at must be timezone-aware")
            body["relock_at"] = relock_at.isoformat()
        return Channel.from_json(await self._command(channel_id, "unlock", body))

    async def normal(self, channel_id: int) -> Channel:
        """Return the door to normal mode (locked, card access)."""
        return Channel.from_json(await self._command(channel_id, "normal"))

    async def lockdown(
        self, channel_id: int, *, card: bool = True, rex: bool = True, aux: bool = True
    ) -> Channel:
        """Lock the door down: disable card, request-to-exit and/or auxiliary inputs."""
        body = {"card_lockdown": card, "rex_lockdown": rex, "aux_lockdown": aux}
        return Channel.from_json(await self._command(channel_id, "lockdown", body))

    async def unlockdown(self, channel_id: int) -> Channel:
        """Lift the lockdown of the door."""
        return Channel.from_json(await self._command(channel_id, "unlockdown"))

    async def sync(self) -> None:
        """Push pending changes to every door controller (rate-limited by DoorFlow)."""
        await self._request("POST", "sync")

    async def get_events(self, n: int = 100) -> list[DoorEvent]:
        """Return the latest access and door events (at most `n`, up to 1000)."""
        if not 1 <= n <= MAX_PAGE_SIZE:
            raise ValueError(f"n must be between 1 and {MAX_PAGE_SIZE}")
        response = await self._request("GET", "events", params=[("n", n)])
        return [DoorEvent.from_json(item) for item in parse_items(response.body, "events")]


__all__ = ["DEFAULT_BASE_URL", "DoorFlowClient", "TokenProvider"]
