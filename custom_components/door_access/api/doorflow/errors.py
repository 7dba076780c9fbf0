"""Exceptions raised by the DoorFlow client; none of them ever carries the API key or token."""

from __future__ import annotations

from enum import StrEnum


class DoorFlowError(Exception):
    """Base class of every error the DoorFlow client raises."""


class DoorFlowAuthError(DoorFlowError):
    """The key or token was refused (401) or lacks a scope (403)."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class DoorFlowRateLimitError(DoorFlowError):
    """DoorFlow answered 429; `retry_after` says how many seconds to wait, when it said so."""

    def __init__(self, message: str, *, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DoorFlowConnectionError(DoorFlowError):
    """DoorFlow could not be reached: network error, timeout or a 5xx answer."""


class DoorFlowBadResponseError(DoorFlowError):
    """DoorFlow answered something the client cannot use: not JSON, or an unexpected shape."""


class OperationFailure(StrEnum):
    """Why a door command or an admission did not do what was asked."""

    REFUSED = "refused"
    NOT_FOUND = "not_found"
    DENIED = "denied"
    OFFLINE = "offline"
    TIMEOUT = "timeout"
    FAILED = "failed"


class DoorFlowOperationError(DoorFlowError):
    """A door command was refused (400), hit an unknown id (404), or an admission failed."""

    def __init__(self, message: str, *, reason: OperationFailure) -> None:
        super().__init__(message)
        self.reason = reason
