"""The rules hassfest applies to a custom integration's files, checked offline.

Written for this project after reading hassfest (home-assistant/core, `script/hassfest`:
`translations.py`, `icons.py`, `manifest.py`, `dependencies.py`); no code of it is copied.
Each public function returns the problems it finds as readable lines ("where: what"), an
empty list when the file passes. hassfest runs with `--integration-path` for a custom
integration: it validates `translations/en.json` (there is no `strings.json` here) but not
`[%key:...%]` references, which only core resolves (at build time; Home Assistant does not
resolve them when it loads a custom integration's translations, so here they are an error).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from pathlib import Path
import re
import string
from typing import Any

from awesomeversion import AwesomeVersion, AwesomeVersionStrategy
from awesomeversion.exceptions import AwesomeVersionException
from homeassistant.const import Platform
from homeassistant.helpers import config_validation as cv
from homeassistant.util import slugify
import probatio

type Problems = list[str]
type Checker = Callable[[Any, str, Problems], None]

# --------------------------------------------------------------------------------------------
# Translation strings
# --------------------------------------------------------------------------------------------

# A translation key: lower-case letters, digits, "-" and "_", not at either end, never doubled.
_TRANSLATION_KEY = re.compile(r"^(?![-_])(?!.*[-_]{2})[a-z0-9_-]+(?<![-_])$")
_SINGLE_QUOTED_PLACEHOLDER = re.compile(r"'\{\w+\}'")
_REFERENCE = re.compile(r"\[%key:[^%]+%\]")
_TEXT_AROUND_REFERENCE = re.compile(r"(.+\[%)|(%\].+)")
# What hassfest takes for a URL: a scheme it knows followed by a host name, or "www." + host.
_URL = re.compile(
    r"(?:(?:ftp|ftps|scp|https?|mqtts?|socket|socks5)://|www\.)"
    r"[a-z0-9]+(?:[-.][a-z0-9]+)*\.[a-z]{2,5}",
    re.IGNORECASE,
)


def placeholders(value: str) -> set[str]:
    """Return the `{placeholder}` names of a translation string."""
    return {field for _, field, _, _ in string.Formatter().parse(value) if field}


def text_problems(value: Any, *, placeholders_allowed: bool = True) -> Problems:
    """Check one translation string the way hassfest checks every value."""
    if not isinstance(value, str):
        return [f"expected a string, got {type(value).__name__}"]
    problems: Problems = []
    try:
        cv.string_with_no_html(value)
    except probatio.Invalid:
        problems.append("contains HTML")
    if _SINGLE_QUOTED_PLACEHOLDER.search(value):
        problems.append("has a placeholder inside single quotes")
    try:
        names = placeholders(value)
    except ValueError as err:
        problems.append(f"has malformed placeholder braces ({err})")
    else:
        if names and not placeholders_allowed:
            problems.append(f"has placeholders where none are allowed: {sorted(names)}")
        problems.extend(
            f"placeholder {{{name}}} is not a valid identifier"
            for name in sorted(names)
            if not name.isidentifier()
        )
    if _TEXT_AROUND_REFERENCE.search(value):
        problems.append("combines a [%key:...%] reference with other text")
    elif _REFERENCE.search(value):
        problems.append("is a [%key:...%] reference, which only core resolves")
    if value != value.strip():
        problems.append("has leading or trailing whitespace")
    if match := _URL.search(value):
        problems.append(
            f"contains a URL ({match.group(0)!r}); pass it through description_placeholders"
        )
    return problems


def _text(*, placeholders_allowed: bool = True) -> Checker:
    """Return a checker of one translation string."""

    def check(value: Any, path: str, problems: Problems) -> None:
        problems.extend(
            f"{path}: {problem}"
            for problem in text_problems(value, placeholders_allowed=placeholders_allowed)
        )

    return check


def _plain_string(value: Any, path: str, problems: Problems) -> None:
    """Accept any string (hassfest does not check field names of actions)."""
    if not isinstance(value, str):
        problems.append(f"{path}: expected a string")


def _fields(fields: Mapping[str, Checker], *, required: frozenset[str] = frozenset()) -> Checker:
    """Return a checker of an object with known fields, unknown ones being an error."""

    def check(value: Any, path: str, problems: Problems) -> None:
        if not isinstance(value, dict):
            problems.append(f"{path}: expected an object")
            return
        problems.extend(f"{path}: missing {key!r}" for key in sorted(required - value.keys()))
        for key, item in value.items():
            if key in fields:
                fields[key](item, f"{path}.{key}", problems)
            else:
                problems.append(f"{path}: unknown key {key!r}")

    return check


def is_translation_key(key: str) -> bool:
    """Return whether a key is a valid translation key (states, entity keys, options)."""
    return bool(_TRANSLATION_KEY.match(key))


def is_slug(key: str) -> bool:
    """Return whether a key is a slug as Home Assistant makes them."""
    return slugify(key) == key


def _any_key(item: Checker) -> Checker:
    """Return a checker of an object whose keys are free and whose values pass `item`."""
    return _keyed(lambda _: True, "", item)


def _keyed(key_ok: Callable[[str], bool], key_kind: str, item: Checker) -> Checker:
    """Return a checker of an object whose keys pass `key_ok` and values pass `item`."""

    def check(value: Any, path: str, problems: Problems) -> None:
        if not isinstance(value, dict):
            problems.append(f"{path}: expected an object")
            return
        for key, element in value.items():
            if not key_ok(key):
                problems.append(f"{path}: {key!r} is not a valid {key_kind}")
            item(element, f"{path}.{key}", problems)

    return check


def _all_of(*checkers: Checker) -> Checker:
    """Return a checker that runs several checkers on the same value."""

    def check(value: Any, path: str, problems: Problems) -> None:
        for checker in checkers:
            checker(value, path, problems)

    return check


def _any_strings(value: Any, path: str, problems: Problems) -> None:
    """Check every string below a part whose exact shape this project does not use."""
    if isinstance(value, dict):
        for key, item in value.items():
            _any_strings(item, f"{path}.{key}", problems)
    else:
        _text()(value, path, problems)


def _data_description_in_data(value: Any, path: str, problems: Problems) -> None:
    """A field description belongs to a field of the same step (or section)."""
    if not isinstance(value, dict) or not isinstance(value.get("step"), dict):
        return
    for step_id, step in value["step"].items():
        parts = [(f"{path}.step.{step_id}", step)]
        if isinstance(step, dict) and isinstance(step.get("sections"), dict):
            parts += [
                (f"{path}.step.{step_id}.sections.{name}", section)
                for name, section in step["sections"].items()
            ]
        for where, part in parts:
            if not isinstance(part, dict):
                continue
            described = set(part.get("data_description") or {})
            problems.extend(
                f"{where}.data_description: {key!r} is not a field in data"
                for key in sorted(described - set(part.get("data") or {}))
            )


def _data_entry(*, title_allowed: bool) -> Checker:
    """Return the checker of a flow's strings (config, options, an issue's fix flow)."""
    text = _text()
    texts = _any_key(text)
    section = _fields({"data": texts, "data_description": texts, "description": text, "name": text})
    step = _fields(
        {
            "title": text,
            "description": text,
            "data": texts,
            "data_description": texts,
            "menu_options": texts,
            "menu_option_descriptions": texts,
            "submit": text,
            "sections": _any_key(section),
        }
    )
    fields: dict[str, Checker] = {
        "flow_title": text,
        "step": _any_key(step),
        "error": texts,
        "abort": texts,
        "progress": texts,
        "create_entry": texts,
        "initiate_flow": _fields({"user": text}, required=frozenset({"user"})),
    }
    if title_allowed:
        # Moved to the top level long ago; hassfest only warns about it for custom integrations.
        fields["title"] = text
    return _all_of(_fields(fields, required=frozenset({"step"})), _data_description_in_data)


def _issue(value: Any, path: str, problems: Problems) -> None:
    """Check a repair issue: a title, and a description or a fix flow (not both)."""
    _fields(
        {"title": _text(), "description": _text(), "fix_flow": _data_entry(title_allowed=False)},
        required=frozenset({"title"}),
    )(value, path, problems)
    if isinstance(value, dict) and ("description" in value) == ("fix_flow" in value):
        problems.append(f"{path}: needs exactly one of 'description' and 'fix_flow'")


def _strings_schema() -> Checker:
    """Return the checker of a whole translation file of an integration."""
    text = _text()
    fixed = _text(placeholders_allowed=False)
    states = _keyed(is_translation_key, "translation key", fixed)
    entity = _fields(
        {
            "name": text,
            "state": states,
            "state_attributes": _keyed(
                is_translation_key,
                "translation key",
                _fields({"name": fixed, "state": states}),
            ),
            "unit_of_measurement": fixed,
        }
    )
    action_field = _fields(
        {"name": _plain_string, "description": text, "example": text},
        required=frozenset({"name", "description"}),
    )
    action = _fields(
        {
            "name": text,
            "description": text,
            "fields": _keyed(is_translation_key, "translation key", action_field),
            "sections": _keyed(
                is_translation_key,
                "translation key",
                _fields({"name": _plain_string, "description": text}, required=frozenset({"name"})),
            ),
        },
        required=frozenset({"name", "description"}),
    )
    options = _keyed(is_translation_key, "translation key", text)
    selector = _fields(
        {
            "choices": options,
            "options": options,
            "unit_of_measurement": options,
            "fields": _any_strings,
        }
    )
    return _fields(
        {
            "title": text,
            "config": _data_entry(title_allowed=True),
            "config_subentries": _any_key(_any_strings),
            "options": _data_entry(title_allowed=False),
            "preview_features": _any_key(_any_strings),
            "selector": _keyed(lambda k: k == "_" or is_slug(k), "slug", selector),
            "device_automation": _any_strings,
            "system_health": _any_strings,
            "config_panel": _any_strings,
            "application_credentials": _fields({"description": text}),
            "issues": _any_key(_issue),
            "entity_component": _any_strings,
            "device": _keyed(is_translation_key, "translation key", _fields({"name": text})),
            "entity": _keyed(
                is_slug, "slug", _keyed(is_translation_key, "translation key", entity)
            ),
            "exceptions": _keyed(is_slug, "slug", _fields({"message": text})),
            "services": _keyed(is_translation_key, "translation key", action),
            "conditions": _any_key(_any_strings),
            "triggers": _any_key(_any_strings),
            "conversation": _any_strings,
            "common": _keyed(is_slug, "slug", text),
        }
    )


def translation_file_problems(strings: Any, name: str = "translations/en.json") -> Problems:
    """Check a whole translation file: its structure, keys and every string in it."""
    problems: Problems = []
    _strings_schema()(strings, name, problems)
    return problems


# --------------------------------------------------------------------------------------------
# icons.json
# --------------------------------------------------------------------------------------------


def _icon(value: Any, path: str, problems: Problems) -> None:
    """Check one icon: a Material Design Icon name."""
    if not isinstance(value, str) or not value.startswith("mdi:"):
        problems.append(f"{path}: an icon must be a Material Design Icon ('mdi:...')")
    elif text_problems(value):
        problems.append(f"{path}: {', '.join(text_problems(value))}")


def icon_file_problems(icons: Any) -> Problems:
    """Check icons.json of an integration of type hub/device/service (entity icons by key)."""
    icon_states = _keyed(is_translation_key, "translation key", _icon)
    entity_icons = _fields(
        {
            "default": _icon,
            "state": icon_states,
            "state_attributes": _keyed(
                is_translation_key,
                "translation key",
                _fields({"default": _icon, "state": icon_states}),
            ),
        }
    )
    flow_icons = _fields({"step": _any_key(_fields({"section": _any_key(_icon)}))})
    problems: Problems = []
    _fields(
        {
            "config": flow_icons,
            "options": flow_icons,
            "issues": _any_key(_fields({"fix_flow": flow_icons})),
            "services": _keyed(is_translation_key, "translation key", _any_strings),
            "entity": _keyed(
                is_slug, "slug", _keyed(is_translation_key, "translation key", entity_icons)
            ),
        }
    )(icons, "icons.json", problems)
    return problems


def redundant_state_icons(icons: Any) -> Problems:
    """Return state icons equal to their entity's default icon (hassfest wants them removed)."""
    redundant: Problems = []
    for platform, entities in (icons.get("entity") or {}).items():
        for key, entry in entities.items():
            default = entry.get("default")
            redundant.extend(
                f"icons.json: entity.{platform}.{key}.state.{state} repeats the default {icon}"
                for state, icon in (entry.get("state") or {}).items()
                if default is not None and icon == default
            )
    return redundant


# --------------------------------------------------------------------------------------------
# manifest.json
# --------------------------------------------------------------------------------------------

INTEGRATION_TYPES = frozenset(
    {"device", "entity", "hardware", "helper", "hub", "service", "system"}
)
IOT_CLASSES = frozenset(
    {"assumed_state", "calculated", "cloud_polling", "cloud_push", "local_polling", "local_push"}
)
QUALITY_SCALES = frozenset(
    {"bronze", "silver", "gold", "platinum", "custom", "no_score", "internal", "legacy"}
)
VERSION_STRATEGIES = (
    AwesomeVersionStrategy.CALVER,
    AwesomeVersionStrategy.SEMVER,
    AwesomeVersionStrategy.SIMPLEVER,
    AwesomeVersionStrategy.BUILDVER,
    AwesomeVersionStrategy.PEP440,
)
_LISTS_OF_STRINGS = ("codeowners", "requirements", "dependencies", "after_dependencies", "loggers")
# Keys a custom integration's manifest may carry that this project does not use (discovery and
# the like): accepted as hassfest accepts them, not checked further here.
_OTHER_KEYS = frozenset(
    {"mqtt", "zeroconf", "ssdp", "bluetooth", "homekit", "dhcp", "usb", "disabled"}
    | {"preview_features"}
)


def _is_url(value: Any) -> bool:
    """Return whether a value is an absolute http(s) URL, as Home Assistant validates URLs."""
    try:
        cv.url(value)
    except probatio.Invalid:
        return False
    return True


def version_problems(value: Any) -> Problems:
    """Check a custom integration's version: a string AwesomeVersion reads with a strategy."""
    if not isinstance(value, str) or not value:
        return ["version: missing (custom integrations must have one)"]
    try:
        AwesomeVersion(value, ensure_strategy=list(VERSION_STRATEGIES))
    except AwesomeVersionException:
        return [f"version: {value!r} is not a valid version"]
    return []


def manifest_problems(manifest: Any, integration_dir: Path, core_components: Path) -> Problems:
    """Check a custom integration's manifest.json as hassfest and HACS do."""
    if not isinstance(manifest, dict):
        return ["manifest.json: expected an object"]
    problems: Problems = []
    known = {
        "domain",
        "name",
        "version",
        "documentation",
        "issue_tracker",
        "config_flow",
        "integration_type",
        "iot_class",
        "quality_scale",
        "single_config_entry",
        "import_executor",
        *_LISTS_OF_STRINGS,
        *_OTHER_KEYS,
    }
    problems.extend(f"unknown key {key!r}" for key in sorted(manifest.keys() - known))
    problems.extend(
        f"missing {key!r}"
        for key in ("domain", "name", "documentation", "codeowners", "issue_tracker")
        if key not in manifest
    )
    domain = manifest.get("domain")
    if domain != integration_dir.name:
        problems.append(f"domain {domain!r} does not match the folder {integration_dir.name!r}")
    if isinstance(domain, str) and (core_components / domain).exists():
        problems.append(f"domain {domain!r} collides with a built-in integration")
    if not isinstance(manifest.get("name"), str) or not manifest.get("name"):
        problems.append("name: must be a non-empty string")
    problems.extend(version_problems(manifest.get("version")))
    documentation = manifest.get("documentation")
    if not _is_url(documentation) or not str(documentation).startswith("https://"):
        problems.append("documentation: must be an https URL")
    elif str(documentation).startswith("https://www.home-assistant.io/integrations"):
        problems.append("documentation: must point to this integration's own documentation")
    if not _is_url(manifest.get("issue_tracker")):
        problems.append("issue_tracker: must be a URL")
    for key in _LISTS_OF_STRINGS:
        value = manifest.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{key}: must be a list of strings")
    if not all(str(owner).startswith("@") for owner in manifest.get("codeowners", [])):
        problems.append("codeowners: GitHub handles start with '@'")
    for key in ("config_flow", "single_config_entry", "import_executor"):
        if key in manifest and not isinstance(manifest[key], bool):
            problems.append(f"{key}: must be true or false")
    if manifest.get("integration_type", "hub") not in INTEGRATION_TYPES:
        problems.append(f"integration_type: {manifest.get('integration_type')!r} is not allowed")
    if manifest.get("iot_class") not in IOT_CLASSES:
        problems.append(f"iot_class: {manifest.get('iot_class')!r} is missing or unknown")
    if "quality_scale" in manifest and manifest["quality_scale"] not in QUALITY_SCALES:
        problems.append(f"quality_scale: {manifest['quality_scale']!r} is unknown")
    keys = list(manifest)
    if keys[:2] != ["domain", "name"] or keys[2:] != sorted(keys[2:]):
        problems.append("keys must be sorted: domain, name, then alphabetical order")
    return problems


# --------------------------------------------------------------------------------------------
# Imports of other integrations (hassfest "dependencies")
# --------------------------------------------------------------------------------------------

# Internal integrations any integration may import from without declaring them (the set that
# hassfest's dependency check allows besides the entity platforms).
ALLOWED_INTERNAL = frozenset(
    {
        "alert",
        "automation",
        "conversation",
        "default_config",
        "device_automation",
        "frontend",
        "group",
        "homeassistant",
        "input_boolean",
        "input_button",
        "input_datetime",
        "input_number",
        "input_select",
        "input_text",
        "media_source",
        "mjpeg",
        "onboarding",
        "panel_custom",
        "persistent_notification",
        "person",
        "script",
        "shopping_list",
        "stream",
        "sun",
        "system_health",
        "system_log",
        "timer",
        "webhook",
        "websocket_api",
        "zone",
    }
)


def _imported_integrations(tree: ast.AST) -> set[str]:
    """Return the Home Assistant integrations a module imports from (TYPE_CHECKING aside)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING"
        ):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("homeassistant.components."):
                found.add(node.module.split(".")[2])
            elif node.module == "homeassistant.components":
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(
                alias.name.split(".")[2]
                for alias in node.names
                if alias.name.startswith("homeassistant.components.")
            )
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def dependency_problems(integration_dir: Path, manifest: Mapping[str, Any]) -> Problems:
    """Every integration the code imports from is a platform, allowed, ours or declared."""
    allowed = (
        {platform.value for platform in Platform}
        | ALLOWED_INTERNAL
        | set(manifest.get("dependencies", []))
        | set(manifest.get("after_dependencies", []))
        | {str(manifest.get("domain"))}
    )
    problems: Problems = []
    for path in sorted(integration_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for domain in sorted(_imported_integrations(tree) - allowed):
            # A module of ours named after it (diagnostics.py, repairs.py) is its platform.
            if (integration_dir / f"{domain}.py").is_file() or (integration_dir / domain).is_dir():
                continue
            problems.append(
                f"{path.relative_to(integration_dir)}: uses the {domain} integration, which is "
                "not in 'dependencies' or 'after_dependencies'"
            )
    return problems
