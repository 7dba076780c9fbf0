"""Door Access cloud clients: typed async clients of the Tedee cloud and DoorFlow API v3.

This package has no Home Assistant imports and only relative imports inside it; it is built
as the `door-access-clients` distribution (import name `door_access_clients`, see
`packages/door-access-clients/`). Everything public is re-exported here: import from the
package, never from its modules.
"""

from . import doorflow, tedee
from .core.errors import (
    AuthError,
    BadResponseError,
    CloudConnectionError,
    CloudDetail,
    CloudTimeoutError,
    DoorCloudError,
    OperationError,
    RateLimitError,
    RepeatedPageError,
    ResponseTooLargeError,
)
from .core.fields import ItemsRead
from .core.http import DEFAULT_MAX_BODY_BYTES, DEFAULT_REQUEST_TIMEOUT
from .core.paging import DEFAULT_MAX_PAGES, Page, Pager, PagerStop

# Every public name of each wing (its `__all__`), the constants both wings name alike under
# their cloud's prefix only.
from .doorflow import *  # noqa: F403
from .doorflow import (
    DEFAULT_BASE_URL as DOORFLOW_DEFAULT_BASE_URL,
    MAX_PAGE_SIZE as DOORFLOW_MAX_PAGE_SIZE,
)
from .tedee import *  # noqa: F403
from .tedee import (
    DEFAULT_API_VERSION as TEDEE_DEFAULT_API_VERSION,
    DEFAULT_BASE_URL as TEDEE_DEFAULT_BASE_URL,
    DEFAULT_PAGE_SIZE as TEDEE_PAGE_SIZE,
)

del DEFAULT_API_VERSION, DEFAULT_BASE_URL, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE  # noqa: F821

__version__ = "0.2.0"

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_PAGES",
    "DEFAULT_REQUEST_TIMEOUT",
    "DOORFLOW_DEFAULT_BASE_URL",
    "DOORFLOW_MAX_PAGE_SIZE",
    "TEDEE_DEFAULT_API_VERSION",
    "TEDEE_DEFAULT_BASE_URL",
    "TEDEE_PAGE_SIZE",
    "AuthError",
    "BadResponseError",
    "CloudConnectionError",
    "CloudDetail",
    "CloudTimeoutError",
    "DoorCloudError",
    "ItemsRead",
    "OperationError",
    "Page",
    "Pager",
    "PagerStop",
    "RateLimitError",
    "RepeatedPageError",
    "ResponseTooLargeError",
    "__version__",
]
# In the forms type checkers read (`+=` of a module's `__all__`, `.remove` of a literal).
__all__ += doorflow.__all__
__all__ += tedee.__all__
__all__.remove("OperationFailure")  # both wings export it
__all__.remove("DEFAULT_BASE_URL")
__all__.remove("DEFAULT_BASE_URL")
__all__.remove("MAX_PAGE_SIZE")
__all__.remove("DEFAULT_API_VERSION")
__all__.remove("DEFAULT_PAGE_SIZE")
