"""Exceptions raised by the Tedee cloud client; none of them ever carries the access token.

Each is also one of the common kinds of `..core.errors`, so `except AuthError` catches a
`TedeeAuthError` as well as a DoorFlow one.
"""

from __future__ import annotations

from ..core import errors as kinds


class TedeeError(kinds.DoorCloudError):
    """Base class of every error the Tedee client raises."""


class TedeeAuthError(TedeeError, kinds.AuthError):
    """The token was refused (401) or lacks a scope (403: `missing_scope`)."""


class TedeeRateLimitError(TedeeError, kinds.RateLimitError):
    """The cloud answered 429; `retry_after` says how many seconds to wait, when it said so."""


class TedeeConnectionError(TedeeError, kinds.CloudConnectionError):
    """The cloud could not be reached: network error, timeout or a 5xx answer."""


class TedeeTimeoutError(TedeeConnectionError, kinds.CloudTimeoutError):
    """No complete answer within the request's deadline."""


class TedeeBadResponseError(TedeeError, kinds.BadResponseError):
    """The cloud answered something the client cannot use: malformed body or `success: false`."""


class TedeeResponseTooLargeError(TedeeBadResponseError, kinds.ResponseTooLargeError):
    """The decoded body passed the client's size limit."""


class TedeeRepeatedPageError(TedeeBadResponseError, kinds.RepeatedPageError):
    """A paged listing (locks, gates) answered a page that brought nothing new."""


class TedeeBleBoxNotLinkedError(TedeeBadResponseError):
    """A gate endpoint answered 412: the account has no BleBox integration (no gates)."""


class TedeeApiVersionError(TedeeError):
    """The configured API version is retired or unknown to the cloud (410)."""


class TedeeOperationError(TedeeError, kinds.OperationError):
    """A lock or gate operation was refused, failed (result > 0) or did not finish in time."""


TEDEE_ERRORS = kinds.ErrorKinds.of(TedeeError)
