"""Async client of the Tedee cloud API (locks, bridges, BleBox gates, device activity)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

import aiohttp
from yarl import URL

from ..core.auth import Authorization
from ..core.errors import OperationFailure
from ..core.fields import ItemsRead
from ..core.http import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_REQUEST_TIMEOUT,
    JsonHttp,
    JsonResponse,
    QueryParams,
)
from ..core.paging import DEFAULT_MAX_PAGES, Page, Pager, check_size, pager_by_id
from .activity import MAX_ACTIVITY_ELEMENTS, Activity, last_elem_date, read_activities
from .errors import (
    TEDEE_ERRORS,
    TedeeApiVersionError,
    TedeeBadResponseError,
    TedeeBleBoxNotLinkedError,
    TedeeOperationError,
    TedeeRepeatedPageError,
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

DEFAULT_BASE_URL: Final = "https://api.tedee.com"
DEFAULT_API_VERSION: Final = "v37"
DEFAULT_PAGE_SIZE: Final = 100


class TedeeEndpoint(StrEnum):
    """Every endpoint the client calls, as its errors name them (templates without ids)."""

    USER = "GET my/user"
    LOCKS = "GET my/lock"
    LOCK = "GET my/lock/{id}"
    BRIDGES = "GET my/bridge"
    LOCK_SYNC = "GET my/lock/sync"
    OPERATION_LOCK = "POST my/lock/{id}/operation/lock"
    OPERATION_UNLOCK = "POST my/lock/{id}/operation/unlock"
    OPERATION_PULL = "POST my/lock/{id}/operation/pull"
    OPERATION = "GET my/device/operation/{id}"
    GATES = "GET my/gate"
    GATE_SYNC_ALL = "POST my/gate/sync"
    GATE_OPEN = "POST my/gate/{id}/operation/unlock"
    DEVICE_ACTIVITY = "GET my/deviceactivity"


_GATE_LISTINGS: Final = frozenset({TedeeEndpoint.GATES, TedeeEndpoint.GATE_SYNC_ALL})
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


def _pager[T: Lock | Gate](
    what: str, endpoint: TedeeEndpoint, page_size: int, max_pages: int
) -> Pager[T]:
    """Return a pager of a Tedee listing keyed by id."""
    return pager_by_id(what, endpoint, page_size, max_pages, TedeeRepeatedPageError)


class TedeeClient:
    """Talks to the Tedee cloud for one account; every request goes through one `JsonHttp`."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        token: str,
        *,
        token_type: TokenType = TokenType.PERSONAL_KEY,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str = DEFAULT_API_VERSION,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self._api_version = api_version
        self._http = JsonHttp(
            session,
            URL(base_url.rstrip("/")) / "api" / api_version,
            authorization=Authorization(header=f"{token_type.value} {token}", secrets=(token,)),
            errors=TEDEE_ERRORS,
            request_timeout=request_timeout,
            max_body_bytes=max_body_bytes,
            on_response=self._note_response,
        )
        self.deprecation: ApiDeprecation | None = None
        self.supported_versions: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"TedeeClient(base={str(self._http.base_url)!r})"

    # ---- transport -------------------------------------------------------------------------

    def _note_response(self, response: JsonResponse) -> None:
        """Remember what the cloud says about API versions; a retired version (410) is fatal."""
        headers = response.headers
        supported = headers.get("API-Supported-Versions")
        if supported:
            self.supported_versions = tuple(
                part.strip() for part in supported.split(",") if part.strip()
            )
        if headers.get("Deprecation", "").strip().lower() not in ("", "false"):
            self.deprecation = ApiDeprecation(self._api_version, headers.get("Sunset"))
        if response.status == 410:
            raise TedeeApiVersionError(
                f"API version {self._api_version} is retired", endpoint=response.endpoint
            )

    async def _request(
        self,
        endpoint: TedeeEndpoint,
        *,
        ids: Mapping[str, str | int] | None = None,
        params: QueryParams | None = None,
        expected_status: frozenset[int] = frozenset(),
    ) -> tuple[int, Any]:
        """Send one request and return (status, the envelope's result)."""
        if endpoint in _GATE_LISTINGS:
            expected_status |= {412}
        response = await self._http.request(
            endpoint, ids=ids, params=params, expected_status=expected_status
        )
        if response.status == 412 and endpoint in _GATE_LISTINGS:
            raise TedeeBleBoxNotLinkedError(
                f"{endpoint}: the account has no BleBox integration (412)", endpoint=endpoint
            )
        if response.status in expected_status or response.body is None:
            return response.status, None
        body = response.body
        if not isinstance(body, dict):
            raise TedeeBadResponseError(
                f"{endpoint}: the answer is not an object", endpoint=endpoint
            )
        if body.get("success") is False:
            raise TedeeBadResponseError(
                f"{endpoint}: the cloud reported failure{self._http.detail(body)}",
                endpoint=endpoint,
            )
        return response.status, body.get("result")

    async def _result(self, endpoint: TedeeEndpoint, **kwargs: Any) -> Any:
        """Send one request and return the envelope's result."""
        _, result = await self._request(endpoint, **kwargs)
        return result

    # ---- account and locks -----------------------------------------------------------------

    async def get_user(self) -> User:
        """Return the account that owns the token (used as the account's identity)."""
        return User.from_json(await self._result(TedeeEndpoint.USER))

    async def get_lock_page(self, page: int, size: int = DEFAULT_PAGE_SIZE) -> Page[Lock]:
        """Return one page of the account's locks (`Page`, `ItemsPerPage`; from page 1)."""
        result = await self._result(
            TedeeEndpoint.LOCKS, params=[("Page", page), ("ItemsPerPage", size)]
        )
        items = parse_list(result, "locks")
        return Page(page, tuple(Lock.from_json(item) for item in items))

    def lock_pager(
        self, page_size: int = DEFAULT_PAGE_SIZE, *, max_pages: int = DEFAULT_MAX_PAGES
    ) -> Pager[Lock]:
        """Return a pager for the lock listing (locks keyed by id)."""
        return _pager("locks", TedeeEndpoint.LOCKS, page_size, max_pages)

    async def get_lock(self, lock_id: int) -> Lock:
        """Return one lock with its details."""
        return Lock.from_json(await self._result(TedeeEndpoint.LOCK, ids={"id": lock_id}))

    async def get_bridges(self) -> list[Bridge]:
        """Return the bridges of the account."""
        result = await self._result(TedeeEndpoint.BRIDGES)
        return [Bridge.from_json(item) for item in parse_list(result, "bridges")]

    async def sync_locks(self, lock_ids: Iterable[int] | None = None) -> list[LockSync]:
        """Return the live state of all locks, or of the given ones (bulk lock sync)."""
        params = [("id", lock_id) for lock_id in lock_ids] if lock_ids is not None else None
        result = await self._result(TedeeEndpoint.LOCK_SYNC, params=params)
        return [LockSync.from_json(item) for item in parse_list(result, "lock sync")]

    # ---- lock operations -------------------------------------------------------------------

    async def _operate(
        self, lock_id: int, endpoint: TedeeEndpoint, params: QueryParams | None = None
    ) -> str:
        """Start a lock operation and return its id."""
        status, result = await self._request(
            endpoint,
            ids={"id": lock_id},
            params=params,
            expected_status=frozenset({400, 404}),
        )
        if status == 404:
            raise TedeeOperationError(
                f"lock {lock_id} not found", reason=OperationFailure.NOT_FOUND, endpoint=endpoint
            )
        if status == 400:
            action = endpoint.rsplit("/", 1)[-1]
            raise TedeeOperationError(
                f"lock {lock_id} refused to {action}",
                reason=OperationFailure.REFUSED,
                endpoint=endpoint,
            )
        return parse_operation_id(result)

    async def lock(self, lock_id: int) -> str:
        """Lock; returns the operation id."""
        return await self._operate(lock_id, TedeeEndpoint.OPERATION_LOCK)

    async def unlock(self, lock_id: int, mode: UnlockMode = UnlockMode.NORMAL) -> str:
        """Unlock in the given mode; returns the operation id."""
        return await self._operate(lock_id, TedeeEndpoint.OPERATION_UNLOCK, [("mode", int(mode))])

    async def pull(self, lock_id: int) -> str:
        """Pull the spring (open the latch); returns the operation id."""
        return await self._operate(lock_id, TedeeEndpoint.OPERATION_PULL)

    async def get_operation(self, operation_id: str) -> Operation:
        """Return the progress of an operation (`raise_if_failed` tells a failed one)."""
        return Operation.from_json(
            await self._result(TedeeEndpoint.OPERATION, ids={"id": operation_id})
        )

    # ---- gates -----------------------------------------------------------------------------

    async def sync_gates(self) -> None:
        """Ask Tedee to refresh every gate from BleBox (one-way)."""
        await self._request(TedeeEndpoint.GATE_SYNC_ALL)

    async def get_gate_page(self, page: int, size: int = DEFAULT_PAGE_SIZE) -> Page[Gate]:
        """Return one page of the account's gates, with the page size the cloud states."""
        result = await self._result(
            TedeeEndpoint.GATES, params=[("Page", page), ("ItemsPerPage", size)]
        )
        items, per_page = parse_gate_page(result)
        return Page(page, tuple(Gate.from_json(item) for item in items), per_page=per_page)

    def gate_pager(
        self, page_size: int = DEFAULT_PAGE_SIZE, *, max_pages: int = DEFAULT_MAX_PAGES
    ) -> Pager[Gate]:
        """Return a pager for the gate listing (gates keyed by id)."""
        return _pager("gates", TedeeEndpoint.GATES, page_size, max_pages)

    async def open_gate(self, gate_id: int) -> None:
        """Open a gate for its impulse length; raise a TedeeOperationError when refused."""
        status, _ = await self._request(
            TedeeEndpoint.GATE_OPEN,
            ids={"id": gate_id},
            expected_status=frozenset(_GATE_ERRORS),
        )
        if status in _GATE_ERRORS:
            reason, message = _GATE_ERRORS[status]
            raise TedeeOperationError(message, reason=reason, endpoint=TedeeEndpoint.GATE_OPEN)

    # ---- activity --------------------------------------------------------------------------

    async def read_device_activity(
        self,
        device_id: int,
        *,
        elements: int = MAX_ACTIVITY_ELEMENTS,
        older_than: datetime | None = None,
    ) -> ItemsRead[Activity]:
        """Return a device's latest activities like `get_device_activity`, and what was skipped.

        `skipped` names each malformed item's problem (field and type, never a value).
        """
        check_size("elements", elements, MAX_ACTIVITY_ELEMENTS)
        params: list[tuple[str, str | int]] = [("deviceId", device_id), ("elements", elements)]
        if older_than is not None:
            params.append(("lastElemDate", last_elem_date(older_than)))
        return read_activities(await self._result(TedeeEndpoint.DEVICE_ACTIVITY, params=params))
