"""Async client of the Tedee cloud API (locks, bridges, BleBox gates)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
import json
import logging
from typing import Any, Final

import aiohttp
from yarl import URL

from .errors import (
    OperationFailure,
    TedeeApiVersionError,
    TedeeAuthError,
    TedeeBadResponseError,
    TedeeConnectionError,
    TedeeError,
    TedeeOperationError,
    TedeeRateLimitError,
)
from .models import (
    Bridge,
    Gate,
    Lock,
    LockSync,
    Operation,
    UnlockMode,
    User,
    parse_gate_page,
    parse_list,
    parse_operation_id,
)

_LOGGER = logging.getLogger(__name__)

DEFAULT_BASE_URL: Final = "https://api.tedee.com"
DEFAULT_API_VERSION: Final = "v37"
DEFAULT_PAGE_SIZE: Final = 100
MAX_PAGES: Final = 1000

_GATE_ERRORS: Final[dict[int, tuple[OperationFailure, str]]] = {
    403: (OperationFailure.NO_ACCESS, "no access to this gate"),
    404: (OperationFailure.NOT_FOUND, "gate not found"),
    408: (OperationFailure.GATE_TIMEOUT, "BleBox did not answer in time"),
    412: (OperationFailure.NO_BLEBOX_INTEGRATION, "BleBox is not linked to the account"),
    423: (OperationFailure.GATE_DISCONNECTED, "the gate is disconnected"),
}


class TokenType(StrEnum):
    """How the token is sent in the Authorization header."""

    PERSONAL_KEY = "PersonalKey"
    BEARER = "Bearer"


@dataclass(frozen=True, slots=True)
class ApiDeprecation:
    """What the cloud said about the configured API version being deprecated."""

    version: str
    sunset: str | None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Read a Retry-After header given in seconds."""
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(seconds, 0.0)


class TedeeClient:
    """Talks to the Tedee cloud for one account; every request goes through `_request`."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        token: str,
        *,
        token_type: TokenType = TokenType.PERSONAL_KEY,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str = DEFAULT_API_VERSION,
        request_timeout: float = 20.0,
    ) -> None:
        self._session = session
        self._authorization = f"{token_type.value} {token}"
        self._base = URL(base_url.rstrip("/")) / "api" / api_version
        self._api_version = api_version
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self.deprecation: ApiDeprecation | None = None
        self.supported_versions: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"TedeeClient(base={str(self._base)!r})"

    @property
    def api_version(self) -> str:
        """Return the API version this client speaks."""
        return self._api_version

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Iterable[tuple[str, str | int]] | None = None,
        expected_error_status: frozenset[int] = frozenset(),
    ) -> tuple[int, Any]:
        """Send one request and return (status, envelope result); map every failure."""
        url = self._base.joinpath(*path.strip("/").split("/"))
        try:
            async with self._session.request(
                method,
                url,
                params=list(params) if params is not None else None,
                headers={"Authorization": self._authorization, "Accept": "application/json"},
                timeout=self._timeout,
                allow_redirects=False,
            ) as response:
                self._note_version_headers(response.headers)
                status = response.status
                text = await response.text()
                headers = response.headers
        except TimeoutError as err:
            raise TedeeConnectionError(f"{method} {path}: timed out") from err
        except aiohttp.ClientError as err:
            # `from None`: some aiohttp errors carry the request headers, token included.
            raise TedeeConnectionError(f"{method} {path}: {type(err).__name__}") from None

        if status in expected_error_status:
            return status, None
        if status in (401, 403):
            raise TedeeAuthError(f"{method} {path}: token refused ({status})", status=status)
        if status == 429:
            raise TedeeRateLimitError(
                f"{method} {path}: rate limited", retry_after=_retry_after(headers)
            )
        if status == 410:
            raise TedeeApiVersionError(f"API version {self._api_version} is retired")
        if 300 <= status < 400:
            # Redirects are not followed: the token goes to the configured host only.
            raise TedeeBadResponseError(f"{method} {path}: unexpected redirect ({status})")
        if status >= 500:
            raise TedeeConnectionError(f"{method} {path}: server error {status}")
        body = self._decode(text, method, path, status)
        if status >= 400:
            raise TedeeBadResponseError(f"{method} {path}: HTTP {status}")
        if isinstance(body, dict):
            if body.get("success") is False:
                raise TedeeBadResponseError(f"{method} {path}: the cloud reported failure")
            return status, body.get("result")
        if body is None:
            return status, None
        raise TedeeBadResponseError(f"{method} {path}: the answer is not an object")

    @staticmethod
    def _decode(text: str, method: str, path: str, status: int) -> object:
        """Decode a JSON body; empty bodies are None, anything else malformed is an error."""
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except ValueError as err:
            raise TedeeBadResponseError(
                f"{method} {path}: HTTP {status} with a body that is not JSON"
            ) from err

    def _note_version_headers(self, headers: Mapping[str, str]) -> None:
        """Remember what the cloud says about API versions."""
        supported = headers.get("API-Supported-Versions")
        if supported:
            self.supported_versions = tuple(
                part.strip() for part in supported.split(",") if part.strip()
            )
        if headers.get("Deprecation", "").strip().lower() not in ("", "false"):
            self.deprecation = ApiDeprecation(self._api_version, headers.get("Sunset"))

    async def _get_result(self, path: str, **kwargs: Any) -> Any:
        """GET a path and return its result."""
        _, result = await self._request("GET", path, **kwargs)
        return result

    async def get_user(self) -> User:
        """Return the account that owns the token (used as the account's identity)."""
        return User.from_json(await self._get_result("my/user"))

    async def get_locks(self, page_size: int = DEFAULT_PAGE_SIZE) -> list[Lock]:
        """Return every lock of the account, reading all pages."""
        items = await self._read_pages("my/lock", page_size, lambda result: result)
        return [Lock.from_json(item) for item in items]

    async def get_lock(self, lock_id: int) -> Lock:
        """Return one lock with its details."""
        return Lock.from_json(await self._get_result(f"my/lock/{lock_id}"))

    async def get_bridges(self) -> list[Bridge]:
        """Return the bridges of the account."""
        result = await self._get_result("my/bridge")
        return [Bridge.from_json(item) for item in parse_list(result, "bridges")]

    async def sync_locks(self, lock_ids: Iterable[int] | None = None) -> list[LockSync]:
        """Return the live state of all locks, or of the given ones (bulk lock sync)."""
        params = [("id", lock_id) for lock_id in lock_ids] if lock_ids is not None else None
        result = await self._get_result("my/lock/sync", params=params)
        return [LockSync.from_json(item) for item in parse_list(result, "lock sync")]

    async def sync_lock(self, lock_id: int) -> LockSync:
        """Return the live state of one lock (single-lock sync)."""
        return LockSync.from_json(await self._get_result(f"my/lock/{lock_id}/sync"))

    async def _operate(
        self, lock_id: int, action: str, params: list[tuple[str, str | int]] | None = None
    ) -> str:
        """Start a lock operation and return its id."""
        status, result = await self._request(
            "POST",
            f"my/lock/{lock_id}/operation/{action}",
            params=params,
            expected_error_status=frozenset({400, 404}),
        )
        if status == 404:
            raise TedeeOperationError(
                f"lock {lock_id} not found", reason=OperationFailure.NOT_FOUND
            )
        if status == 400:
            raise TedeeOperationError(
                f"lock {lock_id} refused to {action}", reason=OperationFailure.REFUSED
            )
        return parse_operation_id(result)

    async def lock(self, lock_id: int) -> str:
        """Lock; returns the operation id."""
        return await self._operate(lock_id, "lock")

    async def unlock(self, lock_id: int, mode: UnlockMode = UnlockMode.NORMAL) -> str:
        """Unlock in the given mode; returns the operation id."""
        return await self._operate(lock_id, "unlock", [("mode", int(mode))])

    async def pull(self, lock_id: int) -> str:
        """Pull the spring (open the latch); returns the operation id."""
        return await self._operate(lock_id, "pull")

    async def get_operation(self, operation_id: str) -> Operation:
        """Return the progress of an operation."""
        return Operation.from_json(await self._get_result(f"my/device/operation/{operation_id}"))

    async def wait_for_operation(
        self,
        operation_id: str,
        *,
        poll_interval: float = 1.0,
        max_wait: float = 20.0,
        fetch: Callable[[str], Awaitable[Operation]] | None = None,
    ) -> Operation:
        """Poll an operation until it completes; raise if it failed or took too long.

        `fetch` replaces `get_operation`, so that a caller can count or pace each poll.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_wait
        fetch_operation = fetch or self.get_operation
        while True:
            operation = await fetch_operation(operation_id)
            if operation.completed:
                if operation.result == 1:
                    raise TedeeOperationError("the lock jammed", reason=OperationFailure.JAMMED)
                if operation.result > 0:
                    raise TedeeOperationError(
                        f"the operation failed (result {operation.result})",
                        reason=OperationFailure.FAILED,
                    )
                return operation
            if loop.time() + poll_interval > deadline:
                raise TedeeOperationError(
                    "the lock did not finish in time", reason=OperationFailure.TIMEOUT
                )
            await asyncio.sleep(poll_interval)

    async def sync_gates(self) -> None:
        """Ask Tedee to refresh every gate from BleBox (one-way)."""
        await self._request("POST", "my/gate/sync")

    async def sync_gate(self, gate_id: int) -> Gate:
        """Refresh one gate from BleBox and return it."""
        _, result = await self._request("POST", f"my/gate/{gate_id}/sync")
        return Gate.from_json(result)

    async def get_gates(self, page_size: int = DEFAULT_PAGE_SIZE) -> list[Gate]:
        """Return every gate of the account, reading all pages."""
        items = await self._read_pages("my/gate", page_size, parse_gate_page)
        return [Gate.from_json(item) for item in items]

    async def get_gate(self, gate_id: int) -> Gate:
        """Return one gate."""
        return Gate.from_json(await self._get_result(f"my/gate/{gate_id}"))

    async def open_gate(self, gate_id: int) -> None:
        """Open a gate for its impulse length; raise a TedeeOperationError when refused."""
        status, _ = await self._request(
            "POST",
            f"my/gate/{gate_id}/operation/unlock",
            expected_error_status=frozenset(_GATE_ERRORS),
        )
        if status in _GATE_ERRORS:
            reason, message = _GATE_ERRORS[status]
            raise TedeeOperationError(message, reason=reason)

    async def _read_pages(self, path: str, page_size: int, items_of: Any) -> list[object]:
        """Read a paged listing until a short page; guard against endless paging."""
        items: list[object] = []
        for page in range(1, MAX_PAGES + 1):
            result = await self._get_result(
                path, params=[("Page", page), ("ItemsPerPage", page_size)]
            )
            page_items = parse_list(items_of(result), path)
            items.extend(page_items)
            if len(page_items) < page_size:
                return items
        raise TedeeBadResponseError(f"{path}: more than {MAX_PAGES} pages")


__all__ = ["DEFAULT_API_VERSION", "DEFAULT_BASE_URL", "TedeeClient", "TedeeError", "TokenType"]
