"""Form pieces and input checks shared by the config flows of every cloud."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from ipaddress import ip_address
import re
from typing import Any, Final

from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from yarl import URL

from .api import AuthError, BadResponseError, CloudConnectionError, RateLimitError
from .cloud import NumberRange, SignInError

MAX_TOKEN_LENGTH: Final = 4096
_LOOPBACK_NAMES: Final = frozenset({"localhost"})
# Words people paste in front of a token, copied from an Authorization header.
_AUTH_SCHEMES: Final = frozenset({"personalkey", "bearer"})
_HOST_LABEL: Final = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

SECRET_SELECTOR: Final = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="off")
)
URL_SELECTOR: Final = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))


@contextmanager
def sign_in_errors(field: str, *unreachable: type[Exception]) -> Iterator[None]:
    """Show a cloud's refusal while reading the signed-in account as the form's error.

    Refused credentials show at `field`; a cloud out of reach or busy (or raising one of the
    cloud's own `unreachable` errors) and an answer the client cannot use show at the base.
    """
    out_of_reach: tuple[type[Exception], ...] = (CloudConnectionError, RateLimitError, *unreachable)
    try:
        yield
    except AuthError as err:
        raise SignInError("invalid_auth", field) from err
    except out_of_reach as err:
        raise SignInError("cannot_connect") from err
    except BadResponseError as err:
        raise SignInError("invalid_response") from err


class InvalidInputError(Exception):
    """A field the user typed is malformed; `error` is the translation key to show."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def split_auth_scheme(value: object) -> tuple[str | None, str]:
    """Split a pasted `PersonalKey <key>` / `Bearer <token>` into its scheme and the token."""
    text = str(value or "").strip()
    scheme, _, rest = text.partition(" ")
    if rest and scheme.lower() in _AUTH_SCHEMES:
        return scheme.lower(), rest.strip()
    return None, text


def normalize_token(value: object) -> str:
    """Return the token without spaces around it or a scheme in front; reject non-tokens."""
    _, token = split_auth_scheme(value)
    if (
        not token
        or len(token) > MAX_TOKEN_LENGTH
        or not (token.isascii() and token.isprintable())
        or " " in token
    ):
        raise InvalidInputError("invalid_token")
    return token


def _is_loopback(host: str) -> bool:
    """Return whether a host name or address is this machine."""
    if host.lower().rstrip(".") in _LOOPBACK_NAMES:
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _valid_host(host: str) -> bool:
    """Tell whether a host is an IP address or a well-formed DNS name."""
    try:
        ip_address(host.strip("[]"))
    except ValueError:
        labels = host.rstrip(".").split(".")
        return bool(labels) and all(_HOST_LABEL.match(label) for label in labels)
    return True


def normalize_base_url(value: object, default: str) -> str:
    """Return the base URL without trailing slash; only HTTPS, or HTTP to this machine.

    Spaces around it are dropped; a control character anywhere (a trailing CR/LF, a tab)
    is refused, not removed: the address is used as typed or not at all.
    """
    raw = str(value or "")
    if not raw.isprintable():
        raise InvalidInputError("invalid_base_url")
    text = raw.strip(" ") or default
    if any(char.isspace() or not char.isprintable() for char in text):
        raise InvalidInputError("invalid_base_url")
    try:
        url = URL(text)
        port = url.explicit_port
    except ValueError as err:
        raise InvalidInputError("invalid_base_url") from err
    if (
        not url.absolute
        or url.scheme not in ("http", "https")
        or not url.raw_host
        or not _valid_host(url.raw_host)
        or (port is not None and not 1 <= port <= 65535)
        or (url.scheme == "http" and not _is_loopback(url.raw_host))
        or url.user is not None
        or url.password is not None
        or url.query_string
        or url.fragment
    ):
        raise InvalidInputError("invalid_base_url")
    return str(url).rstrip("/")


def seconds_selector() -> NumberSelector:
    """Return a number box for a duration in seconds (its range is checked by the flow)."""
    return NumberSelector(
        NumberSelectorConfig(step=1, unit_of_measurement="s", mode=NumberSelectorMode.BOX)
    )


def out_of_range(
    user_input: Mapping[str, Any], ranges: Mapping[str, NumberRange]
) -> dict[str, str]:
    """Return the form errors of number fields outside their range (by field)."""
    return {
        field: allowed.range_error
        for field, allowed in ranges.items()
        # every ranged field is required by its schema
        if not isinstance(value := user_input.get(field), int | float)
        or not allowed.low <= value <= allowed.high
        or value != int(value)
    }


def range_placeholders(ranges: Mapping[str, NumberRange]) -> dict[str, str]:
    """Return `<field>_min` / `<field>_max` placeholders for the range error texts."""
    return {
        f"{field}_{end}": str(bound)
        for field, allowed in ranges.items()
        for end, bound in (("min", allowed.low), ("max", allowed.high))
    }
