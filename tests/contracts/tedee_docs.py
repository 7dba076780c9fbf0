"""Reads the copies of Tedee's API documentation kept in `tests/contracts/tedee/`.

The pages are reStructuredText; their enums and data structures are grid tables. This module
turns them into plain Python (code → name, field → documented type) for the contract tests,
so that what the tests expect comes from Tedee's text, not from our client or simulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
import re

DOCS = Path(__file__).parent / "tedee"
_DOC_LINK = re.compile(r":doc:`[^<`]*<(?P<target>[^>]+)>`(?P<list>\s*\[\])?")


def page(path: str) -> str:
    """Return one stored page (path relative to `docs/source`, without `.rst`)."""
    return (DOCS / f"{path}.rst").read_text(encoding="utf-8")


def grid_rows(text: str) -> list[list[str]]:
    """Return the body rows of the first grid table of a page, cells stripped and joined.

    A row may span several lines (its continuation lines are joined with a space).
    """
    rows: list[list[str]] = []
    current: list[str] | None = None
    in_body = False
    for line in text.splitlines():
        if line.startswith("+="):
            in_body = True
            current = None
            continue
        if line.startswith("+-"):
            if in_body and current is not None:
                rows.append([" ".join(cell.split()) for cell in current])
            current = None
            continue
        if not (in_body and line.startswith("|")):
            continue
        cells = line.strip().strip("|").split("|")
        if current is None:
            current = cells
        else:
            current = [f"{old} {new}" for old, new in zip(current, cells, strict=False)]
    return rows


@cache
def enum(name: str) -> dict[int, str]:
    """Return a documented enum (`enums/<name>.rst`): number → name."""
    return {int(row[0]): row[1] for row in grid_rows(page(f"enums/{name}"))}


@dataclass(frozen=True, slots=True)
class DocField:
    """One field of a documented data structure.

    `kind` is `number`, `integer`, `string`, `boolean`, `datetime`, `enum` (then `target` names
    the enum page) or `object` (then `target` names the structure page); `is_list` for `[]`.
    """

    name: str
    kind: str
    target: str | None = None
    is_list: bool = False


@cache
def structure(name: str) -> dict[str, DocField]:
    """Return a documented data structure (`datastructures/<name>.rst`): field → its type."""
    fields: dict[str, DocField] = {}
    for row in grid_rows(page(f"datastructures/{name}")):
        field_name, type_text = row[0], row[1]
        link = _DOC_LINK.search(type_text)
        if link is None:
            fields[field_name] = DocField(field_name, type_text.strip())
            continue
        target = link["target"]
        is_list = bool(link["list"])
        if target.startswith("../enums/"):
            fields[field_name] = DocField(field_name, "enum", target.removeprefix("../enums/"))
        else:
            fields[field_name] = DocField(field_name, "object", target, is_list)
    return fields


def camel_to_member(name: str) -> str:
    """Return how a documented name reads as an enum member, without underscores."""
    return re.sub(r"[^A-Za-z0-9]", "", name).upper()


def _type_problem(field: DocField, value: object) -> str | None:
    """Return why one non-null value does not have its documented type (None if it does)."""
    if field.kind in ("number", "integer", "enum"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{field.name}: {field.kind} expected"
        if field.kind != "number" and not isinstance(value, int):
            return f"{field.name}: whole number expected"
        if field.kind == "enum" and field.target and value not in enum(field.target):
            return f"{field.name}: {value} is not in the {field.target} enum"
        return None
    if field.kind == "string":
        return None if isinstance(value, str) else f"{field.name}: string expected"
    if field.kind == "boolean":
        return None if isinstance(value, bool) else f"{field.name}: boolean expected"
    if field.kind == "datetime":
        if isinstance(value, str):
            try:
                datetime.fromisoformat(value)
            except ValueError:
                return f"{field.name}: not an ISO 8601 date"
            return None
        return f"{field.name}: datetime expected"
    return None  # an object: checked by `problems`


def problems(name: str, data: object, *, extra: frozenset[str] = frozenset()) -> list[str]:
    """Return how `data` departs from the documented structure `name` (empty: it conforms).

    Every key must be a documented field (or in `extra`) and every non-null value must have the
    documented type; nested structures whose page is stored are checked too. A documented
    object may come as a list of such objects (the docs' examples show `softwareVersions` so).
    """
    if not isinstance(data, dict):
        return [f"{name}: object expected"]
    documented = structure(name)
    found: list[str] = []
    for key, value in data.items():
        field = documented.get(key)
        if field is None:
            if key not in extra:
                found.append(f"{name}.{key}: not a documented field")
            continue
        if value is None:
            continue
        if field.kind == "object" and field.target is not None:
            if not (DOCS / "datastructures" / f"{field.target}.rst").exists():
                continue
            items = value if isinstance(value, list) else [value]
            for item in items:
                found.extend(f"{name}.{p}" for p in problems(field.target, item))
            continue
        if (problem := _type_problem(field, value)) is not None:
            found.append(f"{name}.{problem}")
    return found
