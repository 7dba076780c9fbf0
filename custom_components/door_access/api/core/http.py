"""The HTTP core under every cloud client: one JSON request, bounded in time and size.

Its errors name the endpoint and never carry a credential.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
import json
import math
from typing import Final
from urllib.parse import quote

import aiohttp
from yarl import URL

from .auth import Authorization
from .errors import CloudDetail, DoorCloudError, ErrorKinds

DEFAULT_MAX_BODY_BYTES: Final = 8 * 1024 * 1024
DEFAULT_REQUEST_TIMEOUT: Final = 20.0
_MAX_DETAIL: Final = 200
_DETAIL_KEYS: Final = ("error", "error_description", "description", "errorMessages")
# Where an error answer says what went wrong in its own words, first found wins.
_MESSAGE_KEYS: Final = ("error_description", "description", "message", "reason")
# Bounds of what an error keeps of a validation answer's `errors{field: [...]}`.
_MAX_FIELDS: Final = 10
_MAX_FIELD_NAME: Final = 64
_MAX_FIELD_MESSAGES: Final = 5
# Words of a 401 that say the credential is gone for good (not an outage): OAuth's
# `invalid_grant`, and "revoked" (DoorFlow: "The access token was revoked").
_REVOKED_WORDS: Final = ("invalid_grant", "revoked")

type QueryParams = Sequence[tuple[str, str | int]]


@dataclass(frozen=True, slots=True)
class JsonResponse:
    """One answer: its endpoint template, status, headers and decoded JSON body.

    `body` is None for an empty body; `problem` says why the body could not be decoded
    ("is not text", "is not JSON"), None when it could.
    """

    endpoint: str
    status: int
    headers: Mapping[str, str]
    body: object
    problem: str | None = None


def seconds_value(value: object) -> float | None:
    """Return a non-negative finite number of seconds from a number or numeric text."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def retry_after(body: object, headers: Mapping[str, str]) -> float | None:
    """Read the wait of a 429: body `retry_in` (DoorFlow), else `Retry-After` (seconds or date)."""
    if isinstance(body, Mapping) and (seconds := seconds_value(body.get("retry_in"))) is not None:
        return seconds
    header = headers.get("Retry-After")
    if header is None:
        return None
    if (seconds := seconds_value(header)) is not None:
        return seconds
    try:
        when = parsedate_to_datetime(header)
    except TypeError, ValueError, IndexError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _error_texts(body: object) -> list[str]:
    """Return the texts of an error body's `error`, `error_description`, ... fields."""
    if not isinstance(body, Mapping):
        return []
    parts: list[str] = []
    for key in _DETAIL_KEYS:
        value = body.get(key)
        if isinstance(value, list):
            parts.extend(item for item in value if isinstance(item, str) and item)
        elif isinstance(value, str) and value:
            parts.append(value)
    return parts


def says_revoked(body: object) -> bool:
    """Tell whether a 401's body says the credential is gone for good (revoked, invalid grant)."""
    text = " ".join(_error_texts(body))[: 4 * _MAX_DETAIL].lower()
    return any(word in text for word in _REVOKED_WORDS)


def header_int(headers: Mapping[str, str], *names: str) -> int | None:
    """Return the first of the headers that holds a whole number."""
    for name in names:
        value = headers.get(name)
        if value is not None and value.strip().isdigit():
            return int(value.strip())
    return None


def _decode(raw: bytes, charset: str | None) -> tuple[object, str | None]:
    """Decode a JSON body; return (body, None), or (None, problem) when it is not JSON."""
    if not raw.strip():
        return None, None
    try:
        text = raw.decode(charset or "utf-8")
    except UnicodeDecodeError, LookupError:
        return None, "is not text"
    try:
        return json.loads(text), None
    except ValueError, RecursionError:
        return None, "is not JSON"


class JsonHttp:
    """Sends the requests of one client to one API base URL and maps every failure.

    - one total deadline (`request_timeout`) for connecting, sending and reading the whole
      body; over it: the cloud's timeout error (a connection error);
    - the decoded body (after gzip / deflate) is counted while it streams in and may not
      pass `max_body_bytes`; over it: the cloud's too-large error (a bad response), and
      nothing of it is used;
    - redirects are never followed, so the credentials go to the configured host only;
    - 401/403 → auth error, 429 → rate-limit error with `retry_after`, 3xx and other 4xx →
      bad response, 5xx → connection error, an undecodable body → bad response.

    Every error names its endpoint as a template without ids (`"GET my/lock/{id}"`);
    aiohttp's own exceptions are never chained (they can hold the request headers).
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: URL,
        *,
        authorization: Authorization,
        errors: ErrorKinds,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        on_response: Callable[[JsonResponse], None] | None = None,
    ) -> None:
        if request_timeout <= 0:
            raise ValueError("request_timeout must be positive")
        if max_body_bytes < 1:
            raise ValueError("max_body_bytes must be at least 1")
        self._session = session
        self._base = base_url
        self._authorization = authorization
        self.errors = errors
        self._timeout = request_timeout
        self._max_body_bytes = max_body_bytes
        self._on_response = on_response

    @property
    def base_url(self) -> URL:
        """Return the base URL every template is relative to."""
        return self._base

    def url(self, template: str, ids: Mapping[str, str | int] | None = None) -> URL:
        """Return the URL of a template, each `{name}` segment replaced by its quoted id."""
        segments = []
        for segment in template.strip("/").split("/"):
            if segment.startswith("{") and segment.endswith("}"):
                segment = quote(str((ids or {})[segment[1:-1]]), safe="")  # noqa: PLW2901
            segments.append(segment)
        return self._base.joinpath(*segments, encoded=True)

    def detail(self, body: object) -> str:
        """Return `: <the server's error text>` (secrets blanked, shortened), or nothing."""
        parts = _error_texts(body)
        if not parts:
            return ""
        return f": {self._authorization.scrub(' - '.join(parts))[:_MAX_DETAIL]}"

    def cloud_detail(self, body: object) -> CloudDetail | None:
        """Return what an error answer said (code, message, field errors), or None.

        Every text is shortened and has the credentials blanked; only text is kept.
        """
        if not isinstance(body, Mapping):
            return None

        def text(value: object) -> str | None:
            if not isinstance(value, str) or not value.strip():
                return None
            return self._authorization.scrub(value.strip())[:_MAX_DETAIL]

        message = next(
            (found for key in _MESSAGE_KEYS if (found := text(body.get(key))) is not None), None
        )
        field_errors: dict[str, tuple[str, ...]] = {}
        errors = body.get("errors")
        if isinstance(errors, Mapping):
            for name, value in list(errors.items())[:_MAX_FIELDS]:
                listed = value if isinstance(value, list) else [value]
                messages = tuple(
                    found for item in listed[:_MAX_FIELD_MESSAGES] if (found := text(item))
                )
                if isinstance(name, str) and name and messages:
                    field_errors[self._authorization.scrub(name)[:_MAX_FIELD_NAME]] = messages
        code = text(body.get("error"))
        if code is None and message is None and not field_errors:
            return None
        return CloudDetail(code=code, message=message, field_errors=field_errors)

    def with_detail[E: DoorCloudError](self, error: E, body: object) -> E:
        """Attach what the cloud's answer said to an error, and return the error."""
        error.detail = self.cloud_detail(body)
        return error

    async def request(
        self,
        endpoint: str,
        *,
        ids: Mapping[str, str | int] | None = None,
        params: QueryParams | None = None,
        json_body: Mapping[str, object] | None = None,
        expected_status: frozenset[int] = frozenset(),
    ) -> JsonResponse:
        """Send one request and return its answer; raise the cloud's typed error otherwise.

        `endpoint` is the method and the template (`"GET my/lock/{id}"`). A status in
        `expected_status` is returned as it is (its body decoded when possible), for the caller
        to interpret (a 404 of a door command, a 412 of a gate).
        """
        method, template = endpoint.split(" ", 1)
        response = await self._exchange(
            method, endpoint, self.url(template, ids), params, json_body
        )
        if self._on_response is not None:
            self._on_response(response)
        if response.status in expected_status:
            return response
        if (error := self._status_error(response)) is not None:
            raise self.with_detail(error, response.body)
        if response.problem is not None:
            raise self.errors.bad_response(
                f"{endpoint}: HTTP {response.status} body {response.problem}", endpoint=endpoint
            )
        return response

    async def _exchange(
        self,
        method: str,
        endpoint: str,
        url: URL,
        params: QueryParams | None,
        json_body: Mapping[str, object] | None,
    ) -> JsonResponse:
        """Do the HTTP exchange within the deadline and read the body within its limit."""
        authorization = await self._authorization.header()
        if not authorization.isprintable() or not authorization.isascii():
            raise self.errors.auth(
                f"{endpoint}: the credentials hold characters an HTTP header cannot carry",
                status=0,
                endpoint=endpoint,
            )
        headers = {"Authorization": authorization, "Accept": "application/json"}
        failure: Exception
        try:
            async with (
                asyncio.timeout(self._timeout),
                self._session.request(
                    method,
                    url,
                    params=list(params) if params is not None else None,
                    json=json_body,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=self._timeout),
                    allow_redirects=False,
                ) as response,
            ):
                raw = await self._read(response, endpoint)
                body, problem = _decode(raw, response.charset)
                return JsonResponse(endpoint, response.status, response.headers, body, problem)
        except TimeoutError:
            failure = self.errors.timeout(
                f"{endpoint}: timed out, no complete answer within {self._timeout:g} s",
                endpoint=endpoint,
            )
        except aiohttp.ClientError as err:
            failure = self.errors.connection(f"{endpoint}: {type(err).__name__}", endpoint=endpoint)
        # Raised outside the handler, so neither chained nor in __context__: aiohttp's errors
        # can hold the request headers, Authorization included.
        raise failure

    async def _read(self, response: aiohttp.ClientResponse, endpoint: str) -> bytes:
        """Read the decoded body chunk by chunk; stop as soon as it passes the limit."""
        limit = self._max_body_bytes
        declared = response.content_length
        if (
            declared is not None
            and declared > limit
            and not response.headers.get("Content-Encoding")
        ):
            response.close()
            raise self._too_large(endpoint, f"declares {declared} bytes")
        body = bytearray()
        async for chunk in response.content.iter_any():
            if len(body) + len(chunk) > limit:
                response.close()
                raise self._too_large(endpoint, f"passed {limit} bytes")
            body.extend(chunk)
        return bytes(body)

    def _too_large(self, endpoint: str, what: str) -> Exception:
        """Build the error for a body over the limit."""
        return self.errors.too_large(
            f"{endpoint}: body {what}, more than the {self._max_body_bytes} bytes allowed",
            limit=self._max_body_bytes,
            endpoint=endpoint,
        )

    def _status_error(self, response: JsonResponse) -> DoorCloudError | None:
        """Return the typed error of a status that is not a success (None for a success)."""
        status, endpoint = response.status, response.endpoint
        if status in (401, 403):
            return self.errors.auth(
                f"{endpoint}: credentials refused ({status}){self.detail(response.body)}",
                status=status,
                endpoint=endpoint,
                revoked=status == 401 and says_revoked(response.body),
            )
        if status == 429:
            return self.errors.rate_limit(
                f"{endpoint}: rate limited",
                retry_after=retry_after(response.body, response.headers),
                endpoint=endpoint,
            )
        if 300 <= status < 400:
            return self.errors.bad_response(
                f"{endpoint}: unexpected redirect ({status}), not followed",
                status=status,
                endpoint=endpoint,
            )
        if status >= 500:
            return self.errors.connection(f"{endpoint}: server error {status}", endpoint=endpoint)
        if status >= 400:
            return self.errors.bad_response(
                f"{endpoint}: HTTP {status}{self.detail(response.body)}",
                status=status,
                endpoint=endpoint,
            )
        return None
