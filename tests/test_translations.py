"""Translations: every language file matches English, and the code uses only existing keys.

The checkers live in tests/repository; the second half of this module runs them on small
deliberately broken copies in a temporary folder, so a checker that stopped finding problems
would fail here too.
"""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path
import re
import textwrap

from homeassistant.helpers import config_entry_oauth2_flow
import pytest

from custom_components.door_access.const import DOMAIN

from .repository.entity_states import described_entities
from .repository.translation_sync import (
    compare,
    copied_from_english,
    language_files,
    language_problems,
)
from .repository.translation_usage import KeyUse, scan_package

ROOT = Path(__file__).resolve().parents[1]
INTEGRATION = ROOT / "custom_components" / DOMAIN
TRANSLATIONS = INTEGRATION / "translations"
PACKAGE = f"custom_components.{DOMAIN}"
# The languages Door Access ships besides English (issue 12: Polish and German).
SHIPPED_LANGUAGES = {"de", "pl"}
# Names no language translates: they may stay as in English.
PRODUCT_NAMES = {"HomeKit", "Matter", "Apple Wallet", "Google Wallet"}
# Words a language writes exactly as English does (German "Person" is German too).
SAME_IN_LANGUAGE = {"de": {"Person"}}


def _english() -> dict[str, object]:
    """Return translations/en.json."""
    strings = json.loads((TRANSLATIONS / "en.json").read_text(encoding="utf-8"))
    assert isinstance(strings, dict)
    return strings


def _lookup(strings: object, path: tuple[str, ...]) -> bool:
    """Return whether a path exists in a translation tree."""
    node = strings
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _missing(uses: list[KeyUse], strings: object) -> list[str]:
    """Return the uses whose translation does not exist, readable."""
    return sorted(
        {f"{'.'.join(u.path)} (used at {u.where})" for u in uses if not _lookup(strings, u.path)}
    )


# ---- the integration -----------------------------------------------------------------------


def test_every_language_file_matches_english() -> None:
    """Each translations/*.json besides en.json has English's keys and placeholders, no more."""
    assert (TRANSLATIONS / "en.json").is_file()
    assert language_problems(TRANSLATIONS) == []


def test_polish_and_german_are_shipped() -> None:
    """The languages the integration promises are there (and checked by the test above)."""
    assert {path.stem for path in language_files(TRANSLATIONS)} >= SHIPPED_LANGUAGES


def test_no_language_file_keeps_english_text() -> None:
    """Every string with words is translated; only product names may stay as in English."""
    english = _english()
    for path in language_files(TRANSLATIONS):
        strings = json.loads(path.read_text(encoding="utf-8"))
        keep = PRODUCT_NAMES | SAME_IN_LANGUAGE.get(path.stem, set())
        assert copied_from_english(english, strings, keep) == [], path.name


def test_code_uses_only_translation_keys_that_exist() -> None:
    """Every key the code passes (errors, issues, entities, flows, selectors) is in en.json."""
    scan = scan_package(INTEGRATION, PACKAGE)
    assert scan.unresolved == [], "the scanner could not read these keys; see its docstring"
    assert scan.uses, "the scanner found no translation key at all"
    assert _missing(scan.uses, _english()) == []


def test_every_translatable_error_carries_a_translation_key() -> None:
    """No Home Assistant error is raised with a bare English message (exception-translations)."""
    assert scan_package(INTEGRATION, PACKAGE).untranslated == []


def test_enum_sensor_states_are_translated() -> None:
    """Each option of an enum sensor has a state name under its translation key."""
    english = _english()
    entities = described_entities(PACKAGE)
    enum_sensors = [e for e in entities if e.options]
    assert enum_sensors, "no enum sensor found: has the description moved out of module level?"
    missing = [
        f"entity.{e.platform}.{e.translation_key}.state.{option} ({e.module})"
        for e in enum_sensors
        for option in e.options
        if not _lookup(english, ("entity", e.platform, e.translation_key, "state", option))
    ]
    assert missing == []


_EVENT_TYPES = ("state_attributes", "event_type", "state")


def test_event_types_are_translated() -> None:
    """Each event type of an event entity has a name: its logbook line shows it (HA 2026.10)."""
    english = _english()
    events = [e for e in described_entities(PACKAGE) if e.event_types]
    assert {e.translation_key for e in events} >= {"lock_activity", "gate_activity", "door_events"}
    missing = [
        f"entity.event.{e.translation_key}.state_attributes.event_type.state.{event_type}"
        for e in events
        for event_type in e.event_types
        if not _lookup(english, ("entity", "event", e.translation_key, *_EVENT_TYPES, event_type))
    ]
    assert missing == []


def test_enum_sensor_descriptions_are_visible_to_the_state_check() -> None:
    """Every enum sensor description in the code is one the state check above could read."""
    visible = {e.translation_key for e in described_entities(PACKAGE) if e.options}
    in_code = set()
    for path in INTEGRATION.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            keywords = {kw.arg: kw.value for kw in node.keywords}
            device_class = keywords.get("device_class")
            key = keywords.get("translation_key")
            if (
                isinstance(device_class, ast.Attribute)
                and device_class.attr == "ENUM"
                and isinstance(key, ast.Constant)
            ):
                in_code.add(key.value)
    assert in_code <= visible, "define enum sensor descriptions at module level"


def test_translated_entities_found_at_run_time_are_in_english() -> None:
    """The descriptions found by importing the modules have their entity translations."""
    english = _english()
    missing = [
        f"entity.{e.platform}.{e.translation_key} ({e.module})"
        for e in described_entities(PACKAGE)
        if not _lookup(english, ("entity", e.platform, e.translation_key))
    ]
    assert missing == []


# ---- the checkers themselves ---------------------------------------------------------------

ENGLISH_SAMPLE = {
    "config": {"error": {"busy": "Try again in {seconds} seconds."}},
    "entity": {"sensor": {"status": {"name": "Status", "state": {"ok": "OK"}}}},
}


def _write_languages(folder: Path, **languages: object) -> Path:
    """Write en.json and other language files into a translations folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "en.json").write_text(json.dumps(ENGLISH_SAMPLE), encoding="utf-8")
    for language, content in languages.items():
        (folder / f"{language}.json").write_text(json.dumps(content), encoding="utf-8")
    return folder


def test_sync_passes_with_english_alone(tmp_path: Path) -> None:
    """Only en.json: nothing to compare and nothing wrong."""
    folder = _write_languages(tmp_path / "translations")
    assert language_files(folder) == []
    assert language_problems(folder) == []


def test_sync_passes_a_complete_translation(tmp_path: Path) -> None:
    """A translation with the same keys and placeholders passes."""
    polish = {
        "config": {"error": {"busy": "Spróbuj ponownie za {seconds} s."}},
        "entity": {"sensor": {"status": {"name": "Stan", "state": {"ok": "W porządku"}}}},
    }
    assert language_problems(_write_languages(tmp_path / "t", pl=polish)) == []


def test_sync_finds_missing_extra_and_changed_placeholders(tmp_path: Path) -> None:
    """A broken copy: one key missing, one extra, one placeholder renamed."""
    german = {
        "config": {"error": {"busy": "Erneut versuchen in {sekunden} Sekunden."}},
        "entity": {"sensor": {"status": {"name": "Status", "extra": "Zu viel"}}},
    }
    problems = language_problems(_write_languages(tmp_path / "t", de=german))
    assert problems == [
        "de.json: missing entity.sensor.status.state.ok",
        "de.json: extra entity.sensor.status.extra",
        "de.json: config.error.busy has placeholders ['sekunden'], English has ['seconds']",
    ]


def test_sync_finds_empty_strings_broken_braces_and_bad_json(tmp_path: Path) -> None:
    """Empty strings, unbalanced braces and unreadable files are reported too."""
    broken = {
        "config": {"error": {"busy": "Spróbuj za {seconds s."}},
        "entity": {"sensor": {"status": {"name": " ", "state": {"ok": "OK"}}}},
    }
    folder = _write_languages(tmp_path / "t", pl=broken)
    (folder / "xx.json").write_text("{not json", encoding="utf-8")
    problems = language_problems(folder)
    assert "pl.json: config.error.busy has malformed placeholder braces" in problems
    assert "pl.json: entity.sensor.status.name must be a non-empty string" in problems
    assert any(p.startswith("xx.json: invalid JSON") for p in problems)


def test_copied_english_is_found_unless_kept_or_only_placeholders() -> None:
    """A string left in English is reported; a kept name and a bare placeholder pair are not."""
    english = {"a": {"name": "Status", "state": "Open"}, "b": "{action} {method}", "c": "HomeKit"}
    german = {"a": {"name": "Status", "state": "Offen"}, "b": "{action} {method}", "c": "HomeKit"}
    assert copied_from_english(english, german) == ["a.name", "c"]
    assert copied_from_english(english, german, keep={"Status", "HomeKit"}) == []
    assert copied_from_english(english, {"a": {"name": "Stan"}}) == []


def test_compare_with_a_string_where_english_has_an_object() -> None:
    """A string in place of a group of keys counts as missing those keys and one extra."""
    problems = compare({"a": {"b": "B"}}, {"a": "A"}, "fr.json")
    assert problems == ["fr.json: missing a.b", "fr.json: extra a"]


FAKE_CONST = """
from enum import StrEnum, auto

DOMAIN = "fake"
ERROR_KEY = "from_constant"


class Mode(StrEnum):
    FAST = "fast"
    SLOW = auto()
    BROKEN = "broken"
"""

FAKE_ERRORS = """
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import UpdateFailed

from .const import DOMAIN, ERROR_KEY, Mode

KEYS = {"a": "from_mapping_a", "b": "from_mapping_b"}


class MyError(HomeAssistantError):
    pass


class Base:
    error_keys = KEYS

    def fail(self, reason, flag):
        key = self.error_keys.get(reason, "from_default") if flag else "from_branch"
        raise HomeAssistantError(translation_domain=DOMAIN, translation_key=key)

    def helper(self, key="from_parameter_default"):
        raise ServiceValidationError(translation_key=key)

    def use(self):
        self.helper("from_call_site")
        raise MyError(translation_key=ERROR_KEY)

    def enum(self):
        raise UpdateFailed(translation_key=Mode.SLOW)

    def issue(self, hass):
        ir.async_create_issue(hass, DOMAIN, "x", translation_key="from_issue")

    def register(self, hass, platform):
        hass.services.async_register(DOMAIN, "from_service", self.fail)
        platform.async_register_entity_service("from_entity_service", None, "fail")

    def bare(self):
        raise HomeAssistantError("no translation")

    def dynamic(self, name):
        raise HomeAssistantError(translation_key=f"dyn_{name}")
"""

FAKE_SENSOR = """
from dataclasses import dataclass

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription


@dataclass(frozen=True, kw_only=True)
class FakeSensorEntityDescription(SensorEntityDescription):
    pass


SENSORS = (FakeSensorEntityDescription(key="a", translation_key="from_description"),)


class FakeSensor(SensorEntity):
    _attr_translation_key = "from_attribute"
"""

FAKE_WINGS = """
from dataclasses import dataclass


@dataclass
class Wing:
    cloud: str


@dataclass
class Form:
    options_step_id: str


@dataclass
class NumberRange:
    low: int
    high: int
    range_error: str


FIRST = Wing(cloud="from_registry")
REGISTRY = {FIRST.cloud: FIRST}
FORMS = (Form(options_step_id="from_field_keyword"),)
LIMIT = NumberRange(low=0, high=1, range_error="from_range")
"""

FAKE_FLOW = """
from functools import partial

from homeassistant.config_entries import ConfigFlow, OptionsFlow
from homeassistant.helpers.selector import SelectSelectorConfig

from .const import Mode
from .wings import REGISTRY

OPTIONS = {"one": 1, "two": 2}


class BadInput(Exception):
    def __init__(self, error):
        super().__init__(error)
        self.error = error


def check(value):
    if not value:
        raise BadInput("from_exception")


SELECTOR = SelectSelectorConfig(options=list(OPTIONS), translation_key="pick")
MODES = SelectSelectorConfig(
    options=[m.value for m in Mode if m is not Mode.BROKEN], translation_key="mode"
)


class Flow(ConfigFlow, domain="fake"):
    async def async_step_user(self, user_input=None):
        return self.async_show_menu(step_id="user", menu_options=[Mode.FAST, "manual"])

    async def async_step_manual(self, user_input=None):
        errors = {}
        try:
            check(user_input)
        except BadInput as err:
            errors["base"] = err.error
        await self.async_set_unique_id("x")
        self._abort_if_unique_id_configured()
        if errors:
            return self.async_abort(reason="from_abort")
        return self.async_show_form(step_id="manual", errors=errors)

    async def async_step_pick(self, user_input=None):
        return self.async_show_menu(step_id="pick", menu_options=list(REGISTRY))

    async def _async_cloud(self, wing, step_id, user_input):
        return self.async_show_form(step_id=step_id)

    def made(self):
        return {cloud: partial(self._async_cloud, REGISTRY[cloud], cloud) for cloud in REGISTRY}


class Options(OptionsFlow):
    async def async_step_init(self, user_input=None):
        return self.async_show_form(step_id="init", errors={"base": "from_options"})

    async def _async_form(self, form):
        return self.async_show_form(step_id=form.options_step_id)
"""


@pytest.fixture
def fake_integration(tmp_path: Path) -> Path:
    """Write a small integration that uses every pattern the scanner understands."""
    root = tmp_path / "fake"
    root.mkdir()
    (root / "__init__.py").write_text('"""Fake."""\n', encoding="utf-8")
    for name, source in {
        "const": FAKE_CONST,
        "errors": FAKE_ERRORS,
        "sensor": FAKE_SENSOR,
        "config_flow": FAKE_FLOW,
        "wings": FAKE_WINGS,
    }.items():
        (root / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return root


def test_scanner_finds_every_pattern_it_documents(fake_integration: Path) -> None:
    """Each pattern of the fake integration gives the key it should, and nothing else."""
    scan = scan_package(fake_integration, "fake")
    found = {".".join(use.path) for use in scan.uses}
    assert found == {
        "exceptions.from_mapping_a.message",
        "exceptions.from_mapping_b.message",
        "exceptions.from_default.message",
        "exceptions.from_branch.message",
        "exceptions.from_parameter_default.message",
        "exceptions.from_call_site.message",
        "exceptions.from_constant.message",
        "exceptions.slow.message",
        "issues.from_issue.title",
        "services.from_service.name",
        "services.from_service.description",
        "services.from_entity_service.name",
        "services.from_entity_service.description",
        "entity.sensor.from_description",
        "entity.sensor.from_attribute",
        "selector.pick",
        "selector.pick.options.one",
        "selector.pick.options.two",
        "selector.mode",
        "selector.mode.options.fast",
        "selector.mode.options.slow",
        "config.step.user",
        "config.step.user.menu_options.fast",
        "config.step.user.menu_options.manual",
        "config.step.manual",
        "config.error.from_exception",
        "config.abort.already_in_progress",
        "config.abort.already_configured",
        "config.abort.from_abort",
        "options.step.init",
        "options.error.from_options",
        # A registry of objects built with their key, a partial, a comprehension's target.
        "config.step.pick",
        "config.step.pick.menu_options.from_registry",
        "config.step.from_registry",
        # A field with a name of its own, and a range's error.
        "options.step.from_field_keyword",
        "options.error.from_range",
    }
    assert [u.what for u in scan.unresolved] == ["HomeAssistantError: f'dyn_{name}'"]
    assert [u.split(" at ")[0] for u in scan.untranslated] == ["HomeAssistantError"]


def test_scanner_reports_keys_missing_from_english(fake_integration: Path) -> None:
    """Against an en.json lacking two of them, exactly those two are reported."""
    scan = scan_package(fake_integration, "fake")
    english: dict[str, dict] = {}
    for use in scan.uses:
        node = english
        for part in use.path:
            node = node.setdefault(part, {})
    del english["issues"]
    del english["selector"]["pick"]["options"]["two"]
    missing = _missing(scan.uses, english)
    assert [m.split(" (")[0] for m in missing] == [
        "issues.from_issue.title",
        "selector.pick.options.two",
    ]


def test_every_abort_of_home_assistants_oauth_flow_has_a_text() -> None:
    """The OAuth2 steps Home Assistant runs for DoorFlow can abort: each reason is explained.

    The reasons are read from Home Assistant's own flow helper, so a new one fails this test.
    """
    source = inspect.getsource(config_entry_oauth2_flow)
    reasons = set(re.findall(r'reason="(\w+)"', source))
    assert "user_rejected_authorize" in reasons  # the scan finds them
    aborts = _english()["config"]["abort"]  # type: ignore[index]  # JSON of known shape
    assert reasons <= set(aborts), reasons - set(aborts)  # type: ignore[arg-type]
