"""The shared floor of the cloud clients: HTTP core, errors, field reader, enums and paging."""

from .auth import Authorization, TokenProvider
from .enums import LenientIntEnum, LenientStrEnum
from .errors import (
    COMMON_ERRORS,
    AuthError,
    BadResponseError,
    CloudConnectionError,
    CloudDetail,
    CloudTimeoutError,
    DoorCloudError,
    ErrorKinds,
    OperationError,
    OperationFailure,
    RateLimitError,
    RepeatedPageError,
    ResponseTooLargeError,
)
from .fields import Fields, ItemsRead, expect_list, parse_each, parse_timestamp
from .http import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_REQUEST_TIMEOUT,
    JsonHttp,
    JsonResponse,
    header_int,
    retry_after,
)
from .paging import DEFAULT_MAX_PAGES, Page, Pager, PagerStop

__all__ = [
    "COMMON_ERRORS",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_PAGES",
    "DEFAULT_REQUEST_TIMEOUT",
    "AuthError",
    "Authorization",
    "BadResponseError",
    "CloudConnectionError",
    "CloudDetail",
    "CloudTimeoutError",
    "DoorCloudError",
    "ErrorKinds",
    "Fields",
    "ItemsRead",
    "JsonHttp",
    "JsonResponse",
    "LenientIntEnum",
    "LenientStrEnum",
    "OperationError",
    "OperationFailure",
    "Page",
    "Pager",
    "PagerStop",
    "RateLimitError",
    "RepeatedPageError",
    "ResponseTooLargeError",
    "TokenProvider",
    "expect_list",
    "header_int",
    "parse_each",
    "parse_timestamp",
    "retry_after",
]
