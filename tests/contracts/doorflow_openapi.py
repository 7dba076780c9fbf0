"""Reads DoorFlow's published OpenAPI v3 contract kept in `tests/contracts/doorflow/`.

The contract is OpenAPI 3.0: its schemas are JSON Schema with `nullable` beside `type` and
`$ref`s into `components`. This module resolves the references and turns `nullable` into the
JSON Schema way of saying it, so that `jsonschema` validates answers against the contract and
`answers()` generates answers from it. What the tests expect comes from DoorFlow's file, not
from our client or simulator.

Hypothesis-jsonschema (the usual generator) fails with the pinned Hypothesis release, so
`answers()` is a small generator of its own for the keywords the contract uses (`type`,
`properties`, `required`, `enum`, `nullable`, `items`, `minItems`, `pattern`, `format`); a
keyword it does not know fails loudly, and every generated answer is validated against the
same schema before a test uses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
import hashlib
from pathlib import Path
import re
from typing import Any

from hypothesis import strategies as st
from jsonschema import Draft7Validator, FormatChecker
import yaml

CONTRACT_DIR = Path(__file__).parent / "doorflow"
OPENAPI = CONTRACT_DIR / "openapi.yaml"
SOURCE = CONTRACT_DIR / "SOURCE.md"

# Keywords that only document (ignored when generating and harmless when validating).
_DOC_KEYWORDS = frozenset({"description", "example", "examples", "default", "title"})
_KNOWN_KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "required",
        "enum",
        "items",
        "minItems",
        "pattern",
        "format",
        "additionalProperties",
    }
)
# RFC 3339 date-time (what OpenAPI's `format: date-time` means).
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    """Tell whether a string is an RFC 3339 date-time (other types are not this check's)."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
    return True


def sha256() -> str:
    """Return the SHA-256 of the stored contract."""
    return hashlib.sha256(OPENAPI.read_bytes()).hexdigest()


def recorded_sha256() -> str:
    """Return the SHA-256 that SOURCE.md records for the copy."""
    found = re.search(r"SHA-256: `([0-9a-f]{64})`", SOURCE.read_text(encoding="utf-8"))
    assert found is not None, "SOURCE.md records no SHA-256"
    return found.group(1)


@cache
def document() -> Mapping[str, Any]:
    """Return the whole OpenAPI document."""
    loaded: Mapping[str, Any] = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    return loaded


def _resolve(node: Any) -> Any:
    """Return a schema with `$ref`s inlined and `nullable` written as JSON Schema."""
    if isinstance(node, list):
        return [_resolve(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    if "$ref" in node:
        target: Any = document()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return _resolve(target)
    schema = {key: _resolve(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
        if "type" in schema:
            schema["type"] = [schema["type"], "null"]
    return schema


def schema(name: str) -> dict[str, Any]:
    """Return one of `components/schemas` as JSON Schema."""
    resolved: dict[str, Any] = _resolve(document()["components"]["schemas"][name])
    return resolved


def response_schema(path: str, method: str, status: int | str) -> dict[str, Any]:
    """Return the JSON Schema of one documented answer (`/api/3/sync`, `post`, 429)."""
    answer = _resolve(document()["paths"][path][method]["responses"][str(status)])
    resolved: dict[str, Any] = answer["content"]["application/json"]["schema"]
    return resolved


def component_response(name: str) -> dict[str, Any]:
    """Return the JSON Schema of one of `components/responses` (`UnprocessableEntityError`)."""
    answer = _resolve(document()["components"]["responses"][name])
    resolved: dict[str, Any] = answer["content"]["application/json"]["schema"]
    return resolved


def list_of(item: Mapping[str, Any]) -> dict[str, Any]:
    """Return the schema of a listing page (the contract's listings are bare arrays)."""
    return {"type": "array", "items": dict(item)}


def errors_of(value: Any, json_schema: Mapping[str, Any]) -> list[str]:
    """Return why `value` breaks the schema (empty when it keeps it), formats checked."""
    validator = Draft7Validator(json_schema, format_checker=_FORMATS)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(answer)'}: {error.message}"
        for error in validator.iter_errors(value)
    ]


# ---- generating answers -------------------------------------------------------------------

_TEXT = st.text(max_size=40)
_INTEGERS = st.integers(min_value=-(2**53), max_value=2**53)
_OFFSETS = st.sampled_from(
    [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5)), timezone(timedelta(0))]
)


def _date_time_text(when: datetime) -> str:
    """Write an aware time as RFC 3339, sometimes with `Z`, sometimes with milliseconds."""
    text = when.isoformat()
    return text.replace("+00:00", "Z") if when.microsecond % 2 else text


_DATE_TIMES = st.builds(
    _date_time_text,
    st.datetimes(
        min_value=datetime(1, 1, 2),  # hypothesis wants naive bounds
        max_value=datetime(9999, 12, 30),
        timezones=_OFFSETS,
    ),
)
_EMAILS = st.emails()
_EXTRA_VALUES = st.recursive(
    st.none() | st.booleans() | _INTEGERS | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=5,
)


def answers(json_schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Return a strategy of values that keep the schema (unknown extra fields included)."""
    unknown = set(json_schema) - _KNOWN_KEYWORDS - _DOC_KEYWORDS
    if unknown:
        raise NotImplementedError(f"schema keywords not generated: {sorted(unknown)}")
    if "enum" in json_schema:
        return st.sampled_from(list(json_schema["enum"]))
    types = json_schema.get("type")
    if isinstance(types, list):
        return st.one_of(*(answers({**json_schema, "type": kind}) for kind in types))
    match types:
        case "null":
            return st.none()
        case "boolean":
            return st.booleans()
        case "integer":
            return _INTEGERS
        case "number":
            return _INTEGERS | st.floats(allow_nan=False, allow_infinity=False)
        case "string":
            return _string(json_schema)
        case "array":
            items = answers(json_schema.get("items", {"type": "string"}))
            return st.lists(items, min_size=json_schema.get("minItems", 0), max_size=4)
        case "object" | None:
            return _object(json_schema)
    raise NotImplementedError(f"type {types!r}")


def _string(json_schema: Mapping[str, Any]) -> st.SearchStrategy[str]:
    """Return strings of the schema's format or pattern."""
    if json_schema.get("format") == "date-time":
        return _DATE_TIMES
    if json_schema.get("format") == "email":
        return _EMAILS
    if "pattern" in json_schema:
        return st.from_regex(json_schema["pattern"], fullmatch=True)
    return _TEXT


@st.composite
def _object_value(draw: st.DrawFn, json_schema: Mapping[str, Any]) -> dict[str, Any]:
    """Draw an object: every required field, some optional ones, sometimes an unknown one."""
    properties: Mapping[str, Any] = json_schema.get("properties", {})
    required = set(json_schema.get("required", ()))
    value: dict[str, Any] = {}
    for name, field in properties.items():
        if name in required or draw(st.booleans()):
            value[name] = draw(answers(field))
    extra = json_schema.get("additionalProperties", True)
    if extra is not False and draw(st.booleans()):
        name = draw(_TEXT.filter(lambda key: key not in properties))
        value[name] = draw(answers(extra) if isinstance(extra, Mapping) else _EXTRA_VALUES)
    return value


def _object(json_schema: Mapping[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Return objects of the schema."""
    return _object_value(json_schema)
