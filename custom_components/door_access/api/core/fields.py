"""One typed reader of JSON objects for every model: wrong types become the cloud's error."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from .enums import LenientStrEnum
from .errors import BadResponseError

# The longest identifier accepted from a cloud (ids end up in unique ids and registry keys).
MAX_ID_LENGTH: Final = 128


def parse_timestamp(value: str) -> datetime | None:
    """Parse an ISO 8601 timestamp as an aware datetime (naive ones are UTC); None if invalid."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def expect_list(data: object, what: str, error: type[BadResponseError]) -> list[object]:
    """Return `data` when it is a list, else raise the cloud's bad-response error."""
    if not isinstance(data, list):
        raise error(f"{what}: expected a list, got {type(data).__name__}", field=what)
    return data


@dataclass(frozen=True, slots=True)
class ItemsRead[T]:
    """The items of a feed's answer that parsed, and what was wrong with those that did not.

    `skipped` holds one problem per malformed item: the object, the field and the type found
    (as `BadResponseError` messages say it), never a value.
    """

    items: tuple[T, ...]
    skipped: tuple[str, ...] = ()


def parse_each[T](
    items: Iterable[object], parse: Callable[[object], T], error: type[BadResponseError]
) -> ItemsRead[T]:
    """Parse every item on its own: one malformed item is skipped, never the whole answer."""
    good: list[T] = []
    skipped: list[str] = []
    for item in items:
        try:
            good.append(parse(item))
        except error as err:
            skipped.append(str(err))
    return ItemsRead(tuple(good), tuple(skipped))


class Fields:
    """Reads typed fields from one JSON object and says clearly what is wrong.

    Messages name the object and the field and the type found, never the value, so that no
    data from the cloud (or a credential echoed by it) ends up in an exception.
    """

    def __init__(self, data: object, what: str, error: type[BadResponseError]) -> None:
        if not isinstance(data, Mapping):
            raise error(f"{what}: expected an object, got {type(data).__name__}", field=what)
        self._data: Mapping[str, Any] = data
        self._what = what
        self._error = error

    def fail(self, key: str, expected: str) -> BadResponseError:
        """Build the error for a field of the wrong type."""
        value = self._data.get(key)
        field = f"{self._what}.{key}"
        return self._error(f"{field}: expected {expected}, got {type(value).__name__}", field=field)

    def raw(self, key: str) -> object:
        """Return the value as it is (None when absent)."""
        return self._data.get(key)

    def has(self, key: str) -> bool:
        """Tell whether the key is present and not null."""
        return self._data.get(key) is not None

    def _typed[T](self, key: str, kind: type[T], expected: str, default: T | None = None) -> T:
        """Return a value of `kind`, or the default when it is absent (required without one)."""
        value = self._data.get(key)
        if value is None and default is not None:
            return default
        # A JSON boolean is never an integer (though Python's bool is an int).
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(key, expected)
        return value

    def get_int(self, key: str) -> int:
        """Return a required integer."""
        return self._typed(key, int, "an integer")

    def opt_int(self, key: str) -> int | None:
        """Return an optional integer."""
        return self.get_int(key) if self.has(key) else None

    def get_bool(self, key: str, default: bool | None = None) -> bool:
        """Return a boolean, or the default when it is absent (required without a default)."""
        return self._typed(key, bool, "a boolean", default)

    def get_str(self, key: str, default: str | None = None) -> str:
        """Return a string, or the default when it is absent (required without a default)."""
        return self._typed(key, str, "a string", default)

    def opt_str(self, key: str) -> str | None:
        """Return an optional string."""
        return self.get_str(key) if self.has(key) else None

    def id_str(self, key: str) -> str:
        """Return an opaque identifier, sent as a non-empty string or a whole number, as text.

        A number keeps its decimal form (`7` and `"7"` are the same id), so ids that used to
        be numbers keep the text they had in unique ids and device identifiers.
        """
        value = self._data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH:
            return value
        raise self.fail(key, f"an identifier (text of 1 to {MAX_ID_LENGTH} characters or a number)")

    def opt_id(self, key: str) -> str | None:
        """Return an optional opaque identifier as text (see `id_str`)."""
        return self.id_str(key) if self.has(key) else None

    def get_enum[E: LenientStrEnum](self, key: str, enum: type[E]) -> E:
        """Return a member of a lenient string enum; absent or unknown values are UNRECOGNIZED."""
        value = self.opt_str(key)
        return enum["UNRECOGNIZED"] if value is None else enum(value)

    def get_datetime(self, key: str) -> datetime | None:
        """Return an optional ISO 8601 timestamp, aware (naive is UTC); unparsable is absent."""
        value = self.opt_str(key)
        return None if value is None else parse_timestamp(value)

    def req_datetime(self, key: str) -> datetime:
        """Return a required ISO 8601 timestamp, aware (naive is UTC)."""
        value = self.get_datetime(key)
        if value is None:
            raise self.fail(key, "a timestamp")
        return value

    def get_object(self, key: str) -> Fields | None:
        """Return a nested object, or None when absent or null."""
        value = self._data.get(key)
        return None if value is None else Fields(value, f"{self._what}.{key}", self._error)

    def get_list(self, key: str) -> list[object]:
        """Return a list (empty when absent or null)."""
        value = self._data.get(key)
        return [] if value is None else expect_list(value, f"{self._what}.{key}", self._error)
