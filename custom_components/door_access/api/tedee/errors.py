"""Exceptions raised by the Tedee cloud client; none of them ever carries the access token."""

from __future__ import annotations

from enum import StrEnum


class TedeeError(Exception):
    """Base class of every error the Tedee client raises."""


class TedeeAuthError(TedeeError):
    """The token was refused (401) or lacks a scope (403)."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class TedeeRateLimitError(TedeeError):
    """The cloud answered 429; `retry_after` says how many seconds to wait, when it said so."""

    def __init__(self, message: str, *, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TedeeConnectionError(TedeeError):
    """The cloud could not be reached: network error, timeout or a 5xx answer."""


class TedeeBadResponseError(TedeeError):
    """The cloud answered something the client cannot use: malformed body or `success: false`."""


class TedeeApiVersionError(TedeeError):
    """The configured API version is retired or unknown to the cloud."""


class OperationFailure(StrEnum):
    """Why a lock or gate operation did not do what was asked."""

    FAILED = "failed"
    JAMMED = "jammed"
    TIMEOUT = "timeout"
    REFUSED = "refused"
    NO_ACCESS = "no_access"
    NOT_FOUND = "not_found"
    GATE_TIMEOUT = "gate_timeout"
    NO_BLEBOX_INTEGRATION = "no_blebox_integration"
    GATE_DISCONNECTED = "gate_disconnected"


class TedeeOperationError(TedeeError):
    """A lock or gate operation was refused, failed (result > 0) or did not finish in time."""

    def __init__(self, message: str, *, reason: OperationFailure) -> None:
        super().__init__(message)
        self.reason = reason
