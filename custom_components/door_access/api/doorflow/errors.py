"""Exceptions raised by the DoorFlow client; none of them ever carries the API key or token.

Each is also one of the common kinds of `..core.errors`, so `except AuthError` catches a
`DoorFlowAuthError` as well as a Tedee one.
"""

from __future__ import annotations

from ..core import errors as kinds
from ..core.http import JsonHttp, JsonResponse


class DoorFlowError(kinds.DoorCloudError):
    """Base class of every error the DoorFlow client raises."""


class DoorFlowAuthError(DoorFlowError, kinds.AuthError):
    """The key or token was refused (401) or lacks a scope (403: `missing_scope`)."""


class DoorFlowRateLimitError(DoorFlowError, kinds.RateLimitError):
    """DoorFlow answered 429; `retry_after` says how many seconds to wait, when it said so."""


class DoorFlowConnectionError(DoorFlowError, kinds.CloudConnectionError):
    """DoorFlow could not be reached: network error, timeout or a 5xx answer."""


class DoorFlowTimeoutError(DoorFlowConnectionError, kinds.CloudTimeoutError):
    """No complete answer within the request's deadline."""


class DoorFlowBadResponseError(DoorFlowError, kinds.BadResponseError):
    """DoorFlow answered something the client cannot use: not JSON, or an unexpected shape."""


class DoorFlowResponseTooLargeError(DoorFlowBadResponseError, kinds.ResponseTooLargeError):
    """The decoded body passed the client's size limit."""


class DoorFlowRepeatedPageError(DoorFlowBadResponseError, kinds.RepeatedPageError):
    """A paged listing (channels, events, sites) answered a page that brought nothing new."""


class DoorFlowOperationError(DoorFlowError, kinds.OperationError):
    """A door command was refused (400/422), hit an unknown id (404), or an admission failed."""


DOORFLOW_ERRORS = kinds.ErrorKinds.of(DoorFlowError)


def raise_if_refused(http: JsonHttp, response: JsonResponse, what: str, hint: str = "") -> None:
    """Turn a 404 (NOT_FOUND) or a 400/422 (REFUSED) answer into a DoorFlowOperationError.

    Its message and `detail` carry the cloud's words, else the hint (a 400 of a door command
    answers with the channel: no words of the cloud's).
    """
    if response.status == 404:
        message, reason = f"{what}: not found", kinds.OperationFailure.NOT_FOUND
    elif response.status in (400, 422):
        said = http.detail(response.body) or (f" ({hint})" if hint else "")
        message, reason = (
            f"{what}: refused ({response.status}){said}",
            kinds.OperationFailure.REFUSED,
        )
    else:
        return
    error = DoorFlowOperationError(message, reason=reason, endpoint=response.endpoint)
    raise http.with_detail(error, response.body)
