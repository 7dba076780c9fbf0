"""Async client of the DoorFlow API v3 (account, channels, admits, door modes, events, sites)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final

import aiohttp
from yarl import URL

from ..core.auth import Authorization, TokenProvider
from ..core.fields import ItemsRead, parse_each
from ..core.http import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_REQUEST_TIMEOUT,
    JsonHttp,
    JsonResponse,
    header_int,
)
from ..core.paging import DEFAULT_MAX_PAGES, Page, Pager, check_size, pager_by_id
from .errors import (
    DOORFLOW_ERRORS,
    DoorFlowBadResponseError,
    DoorFlowRepeatedPageError,
    raise_if_refused,
)
from .events import DoorEvent, EventSort
from .models import Account, AdmissionRequest, Channel, Site, parse_items
from .notifications import NotificationRules

DEFAULT_BASE_URL: Final = "https://api.doorflow.com"
DEFAULT_PAGE_SIZE: Final = 100
MAX_PAGE_SIZE: Final = 1000
_COMMAND_ERRORS: Final = frozenset({400, 404, 422})


class DoorFlowEndpoint(StrEnum):
    """Every endpoint the client calls, as its errors name them (templates without ids)."""

    ACCOUNT = "GET account"
    CHANNELS = "GET channels"
    CHANNEL = "GET channels/{id}"
    ADMIT = "POST channels/{id}/admit"
    ADMISSION_REQUEST = "GET admission_requests/{id}"
    UNLOCK = "POST channels/{id}/unlock"
    NORMAL = "POST channels/{id}/normal"
    LOCKDOWN = "POST channels/{id}/lockdown"
    UNLOCKDOWN = "POST channels/{id}/unlockdown"
    SYNC = "POST sync"
    EVENTS = "GET events"
    SITES = "GET sites"
    EVENT = "GET events/{id}"
    RULES = "GET notification_rules"
    RULE_CREATE = "POST notification_rules"
    RULE_UPDATE = "PUT notification_rules/{id}"
    RULE_DELETE = "DELETE notification_rules/{id}"


def _utc_text(when: datetime, name: str) -> str:
    """Format an aware time as ISO 8601 in UTC with a `Z`."""
    if when.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware")
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _pager[T: Channel | DoorEvent | Site](
    what: str, endpoint: DoorFlowEndpoint, size: tuple[str, int], max_pages: int
) -> Pager[T]:
    """Return a pager of a listing keyed by id; `size` is the page size's parameter and value."""
    check_size(*size, MAX_PAGE_SIZE)
    return pager_by_id(what, endpoint, size[1], max_pages, DoorFlowRepeatedPageError)


def _page[T](response: JsonResponse, number: int, read: ItemsRead[T]) -> Page[T]:
    """Build a page from the items read of a listing answer and its `Total` / `Per-Page`."""
    return Page(
        number,
        read.items,
        total=header_int(response.headers, "Total", "X-Total-Results"),
        per_page=header_int(response.headers, "Per-Page", "X-Per-Page") or None,
        skipped=read.skipped,
    )


class DoorFlowClient:
    """Talks to DoorFlow for one account; every request goes through one `JsonHttp`."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        api_key: str | None = None,
        access_token: str | None = None,
        token_provider: TokenProvider | None = None,
        base_url: str = DEFAULT_BASE_URL,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        if len([value for value in (api_key, access_token, token_provider) if value]) != 1:
            raise ValueError("give exactly one of api_key, access_token or token_provider")
        if api_key:
            basic = base64.b64encode(f"{api_key}:X".encode()).decode("ascii")
            authorization = Authorization(header=f"Basic {basic}", secrets=(api_key, basic))
            self._auth_kind = "api_key"
        elif access_token:
            authorization = Authorization(header=f"Bearer {access_token}", secrets=(access_token,))
            self._auth_kind = "access_token"
        else:
            authorization = Authorization(token_provider=token_provider)
            self._auth_kind = "token_provider"
        self._http = JsonHttp(
            session,
            URL(base_url.rstrip("/")) / "api" / "3",
            authorization=authorization,
            errors=DOORFLOW_ERRORS,
            request_timeout=request_timeout,
            max_body_bytes=max_body_bytes,
        )

    def __repr__(self) -> str:
        return f"DoorFlowClient(base={str(self._http.base_url)!r}, auth={self._auth_kind!r})"

    @property
    def notification_rules(self) -> NotificationRules:
        """The account's notification rules (push) and acknowledged event reads."""
        return NotificationRules(self._http)

    # ---- account and channels --------------------------------------------------------------

    async def _listing_page[T](
        self,
        endpoint: DoorFlowEndpoint,
        key: str,
        parse: Callable[[object], T],
        page: int,
        per_page: int,
    ) -> Page[T]:
        """Return one page of a listing read by `page` / `per_page`, with `Total` / `Per-Page`."""
        check_size("per_page", per_page, MAX_PAGE_SIZE)
        response = await self._http.request(
            endpoint, params=[("page", page), ("per_page", per_page)]
        )
        return _page(response, page, ItemsRead(tuple(map(parse, parse_items(response.body, key)))))

    async def get_account(self) -> Account:
        """Return the account the credentials belong to, with its sync status."""
        return Account.from_json((await self._http.request(DoorFlowEndpoint.ACCOUNT)).body)

    async def get_channel_page(self, page: int, per_page: int = DEFAULT_PAGE_SIZE) -> Page[Channel]:
        """Return one page of the account's channels (doors), with `Total` / `Per-Page`."""
        return await self._listing_page(
            DoorFlowEndpoint.CHANNELS, "channels", Channel.from_json, page, per_page
        )

    def channel_pager(
        self, per_page: int = DEFAULT_PAGE_SIZE, *, max_pages: int = DEFAULT_MAX_PAGES
    ) -> Pager[Channel]:
        """Return a pager for the channel listing (channels keyed by id)."""
        return _pager("channels", DoorFlowEndpoint.CHANNELS, ("per_page", per_page), max_pages)

    # ---- door commands ---------------------------------------------------------------------

    async def get_channel(self, channel_id: str) -> Channel:
        """Return one channel (a door a pushed event said changed)."""
        response = await self._http.request(
            DoorFlowEndpoint.CHANNEL, ids={"id": channel_id}, expected_status=frozenset({404})
        )
        raise_if_refused(self._http, response, f"channel {channel_id}")
        return Channel.from_json(response.body)

    async def _command(
        self,
        endpoint: DoorFlowEndpoint,
        channel_id: str,
        body: Mapping[str, object] | None = None,
        *,
        hint: str = "",
    ) -> object:
        """POST a door command and return the body of its success answer."""
        response = await self._http.request(
            endpoint, ids={"id": channel_id}, json_body=body, expected_status=_COMMAND_ERRORS
        )
        action = endpoint.rsplit("/", 1)[-1]
        raise_if_refused(self._http, response, f"{action} channel {channel_id}", hint)
        return response.body

    async def admit(self, channel_id: str) -> AdmissionRequest:
        """Ask for a momentary unlock (normal mode only); return the admission request."""
        body = await self._command(
            DoorFlowEndpoint.ADMIT, channel_id, hint="the door is not in normal mode"
        )
        return AdmissionRequest.from_json(body)

    async def get_admission_request(self, admission_id: str) -> AdmissionRequest:
        """Return how an admit is going (`raise_if_failed` tells a failed one)."""
        response = await self._http.request(
            DoorFlowEndpoint.ADMISSION_REQUEST,
            ids={"id": admission_id},
            expected_status=frozenset({404}),
        )
        raise_if_refused(self._http, response, f"admission request {admission_id}")
        return AdmissionRequest.from_json(response.body)

    async def unlock(self, channel_id: str, relock_at: datetime | None = None) -> Channel:
        """Hold the door unlocked until `relock_at` (aware) or until `normal`; return it."""
        body: dict[str, object] = {}
        if relock_at is not None:
            body["relock_at"] = _utc_text(relock_at, "relock_at")
        return Channel.from_json(await self._command(DoorFlowEndpoint.UNLOCK, channel_id, body))

    async def normal(self, channel_id: str) -> Channel:
        """Return the door to normal mode (locked, card access); return it."""
        return Channel.from_json(await self._command(DoorFlowEndpoint.NORMAL, channel_id))

    async def lockdown(
        self, channel_id: str, *, card: bool = True, rex: bool = True, aux: bool = True
    ) -> Channel:
        """Lock the door down: disable card, request-to-exit and/or auxiliary inputs."""
        body = {"card_lockdown": card, "rex_lockdown": rex, "aux_lockdown": aux}
        return Channel.from_json(await self._command(DoorFlowEndpoint.LOCKDOWN, channel_id, body))

    async def unlockdown(
        self, channel_id: str, *, card: bool = True, rex: bool = True, aux: bool = True
    ) -> Channel:
        """Lift the lockdown of the door (every input, or only those named); return it."""
        body = None
        if not (card and rex and aux):
            body = {"card_lockdown": card, "rex_lockdown": rex, "aux_lockdown": aux}
        return Channel.from_json(await self._command(DoorFlowEndpoint.UNLOCKDOWN, channel_id, body))

    async def sync(self) -> None:
        """Push pending changes to every door controller (rate-limited by DoorFlow)."""
        await self._http.request(DoorFlowEndpoint.SYNC)

    # ---- events ----------------------------------------------------------------------------

    async def get_event_page(
        self,
        page: int,
        n: int = DEFAULT_PAGE_SIZE,
        *,
        since: datetime | None = None,
        event_codes: Iterable[int] | None = None,
        channels: Iterable[str] | None = None,
        sort: EventSort | str = EventSort.ASC,
    ) -> Page[DoorEvent]:
        """Return one page of the event feed (oldest first by default), with `Total`.

        A malformed event is left out (its problem in the page's `skipped`), not the page.

        `since` (aware) limits it to events created since then (DoorFlow's default: 90 days);
        `event_codes` and `channels` filter it (DoorFlow's default codes: admits and rejects).
        """
        check_size("n", n, MAX_PAGE_SIZE)
        params: list[tuple[str, str | int]] = [
            ("page", page),
            ("n", n),
            ("sort", EventSort(sort).value),
        ]
        if since is not None:
            params.append(("since", _utc_text(since, "since")))
        if event_codes is not None:
            params.append(("event_codes", ",".join(str(int(code)) for code in event_codes)))
        if channels is not None:
            params.append(("channels", ",".join(str(channel) for channel in channels)))
        response = await self._http.request(DoorFlowEndpoint.EVENTS, params=params)
        events = parse_items(response.body, "events")
        return _page(
            response, page, parse_each(events, DoorEvent.from_json, DoorFlowBadResponseError)
        )

    def event_pager(
        self, n: int = DEFAULT_PAGE_SIZE, *, max_pages: int = DEFAULT_MAX_PAGES
    ) -> Pager[DoorEvent]:
        """Return a pager for the event feed (events keyed by id)."""
        return _pager("events", DoorFlowEndpoint.EVENTS, ("n", n), max_pages)

    # ---- sites -----------------------------------------------------------------------------

    async def get_site_page(self, page: int, per_page: int = DEFAULT_PAGE_SIZE) -> Page[Site]:
        """Return one page of the account's sites, with `Total` / `Per-Page`."""
        return await self._listing_page(
            DoorFlowEndpoint.SITES, "sites", Site.from_json, page, per_page
        )

    def site_pager(
        self, per_page: int = DEFAULT_PAGE_SIZE, *, max_pages: int = DEFAULT_MAX_PAGES
    ) -> Pager[Site]:
        """Return a pager for the site listing (sites keyed by id)."""
        return _pager("sites", DoorFlowEndpoint.SITES, ("per_page", per_page), max_pages)
