"""Compare every translation file with English: same keys, same placeholders in each string."""

from __future__ import annotations

from collections.abc import Collection
import json
from pathlib import Path
import string
from typing import Any

from .hassfest_rules import placeholders

REFERENCE = "en.json"


def flatten(strings: Any, prefix: str = "") -> dict[str, Any]:
    """Return the leaves of a translation tree by dotted path (objects become their keys)."""
    if not isinstance(strings, dict):
        return {prefix: strings}
    leaves: dict[str, Any] = {}
    for key, value in strings.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and value:
            leaves.update(flatten(value, path))
        else:
            leaves[path] = value
    return leaves


def _placeholders_of(value: Any) -> set[str] | None:
    """Return a string's placeholders; None when it is not a string or has broken braces."""
    if not isinstance(value, str):
        return None
    try:
        return placeholders(value)
    except ValueError:
        return None


def compare(reference: Any, translation: Any, name: str) -> list[str]:
    """Return how a translation differs from the reference in keys and placeholders."""
    expected, actual = flatten(reference), flatten(translation)
    problems = [f"{name}: missing {path}" for path in sorted(expected.keys() - actual.keys())]
    problems += [f"{name}: extra {path}" for path in sorted(actual.keys() - expected.keys())]
    for path in sorted(expected.keys() & actual.keys()):
        wanted, found = expected[path], actual[path]
        if not isinstance(wanted, str):
            if found != wanted:
                problems.append(f"{name}: {path} must be {json.dumps(wanted)} as in English")
            continue
        if not isinstance(found, str) or not found.strip():
            problems.append(f"{name}: {path} must be a non-empty string")
            continue
        wanted_names, found_names = _placeholders_of(wanted), _placeholders_of(found)
        if found_names is None:
            problems.append(f"{name}: {path} has malformed placeholder braces")
        elif wanted_names is not None and wanted_names != found_names:
            problems.append(
                f"{name}: {path} has placeholders {sorted(found_names)}, "
                f"English has {sorted(wanted_names)}"
            )
    return problems


def _has_words(value: str) -> bool:
    """Return whether a string has letters outside its placeholders (something to translate)."""
    try:
        text = "".join(literal for literal, _, _, _ in string.Formatter().parse(value))
    except ValueError:
        text = value
    return any(character.isalpha() for character in text)


def copied_from_english(reference: Any, translation: Any, keep: Collection[str] = ()) -> list[str]:
    """Return the paths whose string is still English's own text (product names in `keep`)."""
    expected, actual = flatten(reference), flatten(translation)
    return [
        path
        for path, wanted in expected.items()
        if isinstance(wanted, str)
        and actual.get(path) == wanted
        and wanted not in keep
        and _has_words(wanted)
    ]


def language_files(translations: Path) -> list[Path]:
    """Return the translation files other than the English reference."""
    return sorted(p for p in translations.glob("*.json") if p.name != REFERENCE)


def language_problems(translations: Path) -> list[str]:
    """Compare every translation file of a folder with its en.json."""
    reference = json.loads((translations / REFERENCE).read_text(encoding="utf-8"))
    problems: list[str] = []
    for path in language_files(translations):
        try:
            translation = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as err:
            problems.append(f"{path.name}: invalid JSON ({err})")
            continue
        problems += compare(reference, translation, path.name)
    return problems
