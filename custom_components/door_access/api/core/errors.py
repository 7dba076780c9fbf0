"""The exception kinds every cloud client raises; none of them ever carries a credential.

Each cloud subclasses these kinds together with its own base class (for example
`class TedeeAuthError(TedeeError, AuthError)`), so a caller can catch `AuthError` for any
cloud, or `TedeeError` for everything one cloud raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum


@dataclass(frozen=True, slots=True, kw_only=True)
class CloudDetail:
    """What the cloud's error answer said, cut to size and with every credential blanked.

    `code` is its error code (`"rate_limited"`, `"unprocessable_entity"`), `message` its own
    words (`error_description`, `description`, `message` or `reason`), and `field_errors`
    the messages per field of a validation error (DoorFlow's 422 `errors{field: [...]}`).
    """

    code: str | None = None
    message: str | None = None
    field_errors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def summary(self) -> str:
        """Return the message and the field errors as one line (`relock_at: must be ...`)."""
        parts = [self.message] if self.message else []
        parts.extend(
            f"{name}: {'; '.join(messages)}" for name, messages in self.field_errors.items()
        )
        return " - ".join(parts) or (self.code or "")


class DoorCloudError(Exception):
    """Base class of every error the clients raise.

    `endpoint` names the request it came from as a template without ids, e.g.
    `"GET my/lock/sync"` or `"POST my/lock/{id}/operation/unlock"`; None when no request
    was involved (a parse of data handed in by the caller). `detail` is what the cloud's
    error answer said (402 and 422 messages, a 429's description), None when it said nothing.
    """

    detail: CloudDetail | None = None

    def __init__(self, message: str, *, endpoint: str | None = None) -> None:
        super().__init__(message)
        self.endpoint = endpoint


class AuthError(DoorCloudError):
    """The credentials were refused (401) or lack a permission or scope (403).

    `revoked` is True when the cloud said the credential is gone for good (revoked, an
    `invalid_grant` of a refresh token): asking again cannot help. A plain 401 may also come
    from an outage of the cloud.
    """

    def __init__(
        self, message: str, *, status: int, endpoint: str | None = None, revoked: bool = False
    ) -> None:
        super().__init__(message, endpoint=endpoint)
        self.status = status
        self.revoked = revoked

    @property
    def missing_scope(self) -> bool:
        """Tell whether the credentials are valid but not allowed this endpoint (403)."""
        return self.status == 403


class RateLimitError(DoorCloudError):
    """The cloud answered 429; `retry_after` is how many seconds to wait, when it said so."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, endpoint: str | None = None
    ) -> None:
        super().__init__(message, endpoint=endpoint)
        self.retry_after = retry_after


class CloudConnectionError(DoorCloudError):
    """The cloud could not be reached or failed: network error, timeout, or a 5xx answer."""


class CloudTimeoutError(CloudConnectionError):
    """The request, including reading the whole body, did not finish within its deadline."""


class BadResponseError(DoorCloudError):
    """The cloud answered something the client cannot use.

    A redirect, an unexpected 4xx, a body that is not JSON, or JSON of the wrong shape.
    `status` is the HTTP status when the status itself was the problem; `field` names the
    field of the wrong type or value (`"channel.mode.description"`), when one was.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        endpoint: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint)
        self.status = status
        self.field = field


class ResponseTooLargeError(BadResponseError):
    """The decoded body grew past the client's limit; nothing of it was used."""

    def __init__(self, message: str, *, limit: int, endpoint: str | None = None) -> None:
        super().__init__(message, endpoint=endpoint)
        self.limit = limit


class RepeatedPageError(BadResponseError):
    """A paged listing answered a page that brought nothing new (the same page again)."""

    def __init__(self, message: str, *, page: int, endpoint: str | None = None) -> None:
        super().__init__(message, endpoint=endpoint)
        self.page = page


class OperationFailure(StrEnum):
    """Why an operation (lock, gate, door command, admit) did not do what was asked."""

    FAILED = "failed"
    JAMMED = "jammed"
    TIMEOUT = "timeout"
    REFUSED = "refused"
    NOT_FOUND = "not_found"
    NO_ACCESS = "no_access"
    GATE_TIMEOUT = "gate_timeout"
    NO_BLEBOX_INTEGRATION = "no_blebox_integration"
    GATE_DISCONNECTED = "gate_disconnected"
    DENIED = "denied"
    OFFLINE = "offline"


class OperationError(DoorCloudError):
    """An operation was refused, failed, or did not finish in time; `reason` says which."""

    def __init__(
        self, message: str, *, reason: OperationFailure, endpoint: str | None = None
    ) -> None:
        super().__init__(message, endpoint=endpoint)
        self.reason = reason


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrorKinds:
    """The classes one cloud raises for each kind; the HTTP core builds errors through it."""

    auth: type[AuthError] = AuthError
    rate_limit: type[RateLimitError] = RateLimitError
    connection: type[CloudConnectionError] = CloudConnectionError
    timeout: type[CloudTimeoutError] = CloudTimeoutError
    bad_response: type[BadResponseError] = BadResponseError
    too_large: type[ResponseTooLargeError] = ResponseTooLargeError
    repeated_page: type[RepeatedPageError] = RepeatedPageError

    @classmethod
    def of(cls, family: type[DoorCloudError]) -> ErrorKinds:
        """Return each kind as the most general class of a cloud's error `family` deriving from it.

        `family` is the cloud's base class; it and its subclasses defined so far are searched.
        A kind none of them derives from stays the common one. (A cloud's timeout error
        derives from its connection error too: `connection` is still the connection error.)
        """
        classes, unseen = [], [family]
        while unseen:
            classes.append(found := unseen.pop())
            unseen.extend(found.__subclasses__())
        common, chosen = cls(), dict[str, type[DoorCloudError]]()
        for kind in fields(cls):
            base: type[DoorCloudError] = getattr(common, kind.name)
            matching = [each for each in classes if issubclass(each, base)]
            general = [each for each in matching if all(issubclass(m, each) for m in matching)]
            if general:
                chosen[kind.name] = general[0]
        return cls(**chosen)  # type: ignore[arg-type]


# The common kinds themselves: for a cloud whose errors need no classes of their own.
COMMON_ERRORS = ErrorKinds()
