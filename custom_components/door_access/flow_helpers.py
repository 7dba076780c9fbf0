"""Form pieces and input checks shared by the config flows of every cloud."""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import ip_address
import re
from typing import TYPE_CHECKING, Any, Final

from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio
from yarl import URL

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .cloud import AddBridge

from .const import (
    CONF_ACTIVITY_INTERVAL,
    CONF_BRIDGE_ADDRESS,
    CONF_BRIDGE_TOKEN,
    CONF_BRIDGES,
    CONF_GATE_INTERVAL,
    CONF_POLL_INTERVAL,
    CONF_REMOVE_BRIDGES,
)

MAX_TOKEN_LENGTH: Final = 4096
# The options form's error for each number field out of its range.
RANGE_ERRORS: Final[Mapping[str, str]] = {
    CONF_POLL_INTERVAL: "poll_interval_range",
    CONF_GATE_INTERVAL: "gate_interval_range",
    CONF_ACTIVITY_INTERVAL: "activity_interval_range",
}
_LOOPBACK_NAMES: Final = frozenset({"localhost"})
# Words people paste in front of a token, copied from an Authorization header.
_AUTH_SCHEMES: Final = frozenset({"personalkey", "bearer"})
_HOST_LABEL: Final = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

SECRET_SELECTOR: Final = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="off")
)
URL_SELECTOR: Final = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))


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
    user_input: Mapping[str, Any], ranges: Mapping[str, tuple[int, int]]
) -> dict[str, str]:
    """Return the form errors of number fields outside their range (by field)."""
    errors: dict[str, str] = {}
    for field, (low, high) in ranges.items():
        value = user_input.get(field)  # every ranged field is required by its schema
        if not isinstance(value, int | float) or not low <= value <= high or value != int(value):
            errors[field] = RANGE_ERRORS[field]
    return errors


def range_placeholders(ranges: Mapping[str, tuple[int, int]]) -> dict[str, str]:
    """Return `<field>_min` / `<field>_max` placeholders for the range error texts."""
    placeholders: dict[str, str] = {}
    for field, (low, high) in ranges.items():
        placeholders[f"{field}_min"] = str(low)
        placeholders[f"{field}_max"] = str(high)
    return placeholders


def bridge_list(options: Mapping[str, Any]) -> list[dict[str, str]]:
    """Return the local bridges stored in an entry's options (a copy)."""
    found = options.get(CONF_BRIDGES)
    if not isinstance(found, list):
        return []
    return [dict(item) for item in found if isinstance(item, dict)]


def bridges_schema(addresses: list[str]) -> probatio.Schema:
    """Return the bridges form: a bridge to add (address, token); ones to remove, if any."""
    fields: dict[probatio.Marker, Any] = {
        probatio.Optional(CONF_BRIDGE_ADDRESS): TextSelector(),
        probatio.Optional(CONF_BRIDGE_TOKEN): SECRET_SELECTOR,
    }
    if addresses:
        fields[probatio.Optional(CONF_REMOVE_BRIDGES)] = SelectSelector(
            SelectSelectorConfig(options=addresses, multiple=True, mode=SelectSelectorMode.LIST)
        )
    return probatio.Schema(fields)


async def bridges_from_input(
    hass: HomeAssistant,
    add_bridge: AddBridge,
    stored: list[dict[str, str]],
    user_input: Mapping[str, Any],
) -> list[dict[str, str]]:
    """Return the bridges after the bridges form: those kept, and the one added (contacted).

    An empty address adds nothing (the step is skipped); raise BridgeSetupError when the
    bridge to add is refused (its address, its token, no answer).
    """
    removed = set(user_input.get(CONF_REMOVE_BRIDGES) or ())
    bridges = [item for item in stored if item.get("address") not in removed]
    address = str(user_input.get(CONF_BRIDGE_ADDRESS) or "").strip()
    if address:
        token = str(user_input.get(CONF_BRIDGE_TOKEN) or "")
        bridges.append(await add_bridge(hass, address, token, bridges))
    return bridges
