"""The repository as HACS and hassfest check it, offline.

HACS (hacs/integration, `custom_components/hacs/validate/` and `utils/validate.py`) checks a
repository's files (hacs.json, manifest.json, brand/icon.png, an information file) and its
GitHub settings (description, topics, issues enabled, not archived, an OSI license); hassfest
(home-assistant/core, `script/hassfest`) checks the integration's manifest, translations,
icons and imports. Everything that does not need GitHub's API or Docker is checked here; the
workflows in .github/workflows run the real tools.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

from awesomeversion import AwesomeVersion
from homeassistant import components as core_components
from homeassistant.const import __version__ as ha_version
import pytest
import yaml

from custom_components.door_access.const import DOMAIN

from .repository.hassfest_rules import (
    dependency_problems,
    icon_file_problems,
    manifest_problems,
    redundant_state_icons,
    text_problems,
    translation_file_problems,
)
from .repository.translation_sync import language_files

ROOT = Path(__file__).resolve().parents[1]
INTEGRATION = ROOT / "custom_components" / DOMAIN
PUBLIC_ADDRESS = "https://github.com/door-access/door_access"
CODEOWNER = "@door-access"

# hacs.json keys HACS accepts (its HACS_MANIFEST_JSON_SCHEMA, which rejects any other key).
HACS_JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "content_in_root": bool,
    "country": (str, list),
    "filename": str,
    "hacs": str,
    "hide_default_branch": bool,
    "homeassistant": str,
    "persistent_directory": str,
    "render_readme": bool,
    "zip_release": bool,
}


def _json(path: Path) -> Any:
    """Read a JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))


def _manifest() -> dict[str, Any]:
    """Return the integration's manifest."""
    manifest = _json(INTEGRATION / "manifest.json")
    assert isinstance(manifest, dict)
    return manifest


def _english() -> dict[str, Any]:
    """Return translations/en.json."""
    strings = _json(INTEGRATION / "translations" / "en.json")
    assert isinstance(strings, dict)
    return strings


# ---- repository layout (HACS: structure, information, license, brands) ----------------------


def test_one_integration_under_custom_components() -> None:
    """HACS manages the first folder under custom_components: there must be only ours."""
    folders = [p.name for p in (ROOT / "custom_components").iterdir() if p.is_dir()]
    assert [f for f in folders if f != "__pycache__"] == [DOMAIN]


def test_readme_is_there_for_hacs() -> None:
    """HACS's information check wants a README (it renders it as the repository's page)."""
    assert (ROOT / "README.md").read_text(encoding="utf-8").startswith("# Door Access")


def test_license_is_mit() -> None:
    """An MIT license GitHub can identify (HACS wants an OSI license with an SPDX id)."""
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert re.search(r"^Copyright \(c\) \d{4} Door Access contributors$", text, re.MULTILINE)
    assert "Permission is hereby granted, free of charge" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def test_brand_icon_where_hacs_looks_for_it() -> None:
    """HACS's brands check looks for custom_components/<domain>/brand/icon.png."""
    assert (INTEGRATION / "brand" / "icon.png").is_file()


# ---- hacs.json -----------------------------------------------------------------------------


def test_hacs_json_follows_the_hacs_schema() -> None:
    """Only keys HACS knows, of the right types; the name HACS shows; no zip without a name."""
    hacs = _json(ROOT / "hacs.json")
    assert isinstance(hacs, dict)
    assert set(hacs) <= set(HACS_JSON_TYPES), set(hacs) - set(HACS_JSON_TYPES)
    for key, value in hacs.items():
        assert isinstance(value, HACS_JSON_TYPES[key]), key
    assert hacs["name"] == _manifest()["name"]
    if hacs.get("zip_release"):
        assert hacs.get("filename"), "zip_release needs filename"
    for country in (
        [hacs["country"]] if isinstance(hacs.get("country"), str) else hacs.get("country", [])
    ):
        assert re.fullmatch(r"[A-Z]{2}", country.upper()), country


def test_hacs_minimum_home_assistant_is_the_one_tested() -> None:
    """The minimum in hacs.json is 2026.10.0, and the tests run on a release it admits."""
    minimum = AwesomeVersion(_json(ROOT / "hacs.json")["homeassistant"])
    assert minimum == "2026.10.0"
    assert AwesomeVersion(ha_version) >= minimum
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Home Assistant {minimum.major}.{minimum.minor}" in readme, "README states it"


# ---- manifest.json -------------------------------------------------------------------------


def test_manifest_passes_hassfest_and_hacs_rules() -> None:
    """Known keys, sorted; domain, name, version, documentation, issue tracker, iot_class..."""
    core = Path(core_components.__file__).parent
    assert manifest_problems(_manifest(), INTEGRATION, core) == []


def test_manifest_values() -> None:
    """The values this integration must have: a cloud-polling hub with a config flow."""
    manifest = _manifest()
    assert manifest["domain"] == DOMAIN
    assert manifest["name"] == "Door Access"
    assert manifest["codeowners"] == [CODEOWNER]
    assert manifest["config_flow"] is True
    assert manifest["integration_type"] == "hub"
    assert manifest["iot_class"] == "cloud_polling"
    assert manifest["documentation"] == PUBLIC_ADDRESS
    assert manifest["issue_tracker"] == f"{PUBLIC_ADDRESS}/issues"
    assert isinstance(manifest["requirements"], list)
    # DoorFlow's OAuth sign-in keeps its client id and secret in application credentials;
    # DoorFlow push calls a webhook (through Home Assistant Cloud's cloudhook when there is one).
    assert manifest["dependencies"] == ["application_credentials", "webhook"]
    assert manifest["after_dependencies"] == ["cloud"]
    # Tedee bridges call webhooks too; aiotedee as the built-in tedee pins it.
    assert "aiotedee==0.3.0" in manifest["requirements"]


def test_integration_imports_only_what_it_may() -> None:
    """hassfest: other integrations used in code are platforms or declared dependencies."""
    assert dependency_problems(INTEGRATION, _manifest()) == []


def test_version_is_the_changelogs_newest() -> None:
    """manifest.json, pyproject.toml and the newest CHANGELOG entry name the same version."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(
        r"^## \[(\d+\.\d+\.\d+)\] - (?:\d{4}-\d{2}-\d{2}|Unreleased)$", changelog, re.M
    )
    assert versions, "no '## [x.y.z] - date' heading"
    assert versions == sorted(versions, key=AwesomeVersion, reverse=True), "newest first"
    assert _manifest()["version"] == versions[0]
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'\nversion = "{versions[0]}"\n' in pyproject


def test_changelog_follows_keep_a_changelog() -> None:
    """Title, the format's link, one link reference per version on the public address."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n")
    assert "https://keepachangelog.com/en/1.1.0/" in changelog
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.M)
    references = dict(re.findall(r"^\[(\d+\.\d+\.\d+)\]: (\S+)$", changelog, re.M))
    assert set(references) == set(versions)
    assert all(url.startswith(f"{PUBLIC_ADDRESS}/") for url in references.values())


def test_public_address_is_the_same_everywhere() -> None:
    """Every link to this project's repository uses the one public address."""
    texts = [ROOT / "README.md", ROOT / "CHANGELOG.md", ROOT / "pyproject.toml", ROOT / "hacs.json"]
    texts += [INTEGRATION / "manifest.json", *sorted((ROOT / "docs").glob("*.md"))]
    pattern = re.compile(
        r"https?://(?:www\.)?github\.com/[\w.-]+/door[_-]access\b[^\s)\"'>]*", re.I
    )
    for path in texts:
        for url in pattern.findall(path.read_text(encoding="utf-8")):
            assert url.startswith(PUBLIC_ADDRESS), f"{path.name}: {url}"


# ---- translations (hassfest translations.py) --------------------------------------------------


def _english_problems() -> list[str]:
    """Return what hassfest's translation rules find in en.json."""
    return translation_file_problems(_english())


def test_english_strings_follow_hassfest_rules() -> None:
    """Structure, keys, placeholders, no HTML, no references, no stray spaces (URLs apart)."""
    problems = [p for p in _english_problems() if "contains a URL" not in p]
    assert problems == []


def test_english_strings_contain_no_urls() -> None:
    """hassfest: 'the string should not contain URLs, please use description placeholders'."""
    assert [p for p in _english_problems() if "contains a URL" in p] == []


def test_other_languages_follow_hassfest_rules() -> None:
    """Every other language file obeys the same rules (structure and strings)."""
    for path in language_files(INTEGRATION / "translations"):
        assert translation_file_problems(_json(path), f"translations/{path.name}") == []


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("See https://api.tedee.com for details", "contains a URL"),
        ("Visit www.example.org", "contains a URL"),
        ("Use <b>bold</b>", "contains HTML"),
        ("Name '{name}' here", "placeholder inside single quotes"),
        ("Wait {1} seconds", "not a valid identifier"),
        ("Broken {brace", "malformed placeholder braces"),
        (" Leading space", "leading or trailing whitespace"),
        ("[%key:common::config_flow::error::unknown%]", "only core resolves"),
        ("Oops [%key:common::x%]", "combines a [%key:...%] reference"),
        (42, "expected a string"),
    ],
)
def test_string_rule_catches(value: object, problem: str) -> None:
    """Each rule of the string checker finds what it is for."""
    assert any(problem in p for p in text_problems(value)), text_problems(value)


def test_string_rule_accepts_a_good_string() -> None:
    """A plain sentence with placeholders and a host name without scheme passes."""
    assert text_problems("Try again in {seconds} seconds (api.tedee.com, http:// only).") == []


def test_string_rule_refuses_placeholders_in_states() -> None:
    """Entity state names take no placeholders."""
    assert text_problems("On {x}", placeholders_allowed=False) != []


def test_structure_rules_catch() -> None:
    """Unknown keys, descriptions of absent fields, bad keys, issues without text: reported."""
    broken = {
        "bogus": "x",
        "config": {
            "step": {"user": {"data": {"a": "A"}, "data_description": {"b": "B"}}},
            "error": {"e": "E"},
        },
        "options": {"title": "No title here", "step": {}},
        "entity": {"sensor": {"Bad-Key": {"name": "N", "state": {"on": "On {x}"}}}},
        "exceptions": {"x": {"text": "wrong field"}},
        "issues": {"i": {"title": "T"}, "j": {"title": "T", "description": "D", "fix_flow": {}}},
        "selector": {"s": {"options": {"UPPER": "U"}}},
    }
    problems = translation_file_problems(broken, "x.json")
    expected = [
        "x.json: unknown key 'bogus'",
        "x.json.config.step.user.data_description: 'b' is not a field in data",
        "x.json.options: unknown key 'title'",
        "x.json.entity.sensor: 'Bad-Key' is not a valid translation key",
        "x.json.entity.sensor.Bad-Key.state.on: has placeholders where none are allowed: ['x']",
        "x.json.exceptions.x: unknown key 'text'",
        "x.json.issues.i: needs exactly one of 'description' and 'fix_flow'",
        "x.json.issues.j: needs exactly one of 'description' and 'fix_flow'",
        "x.json.selector.s.options: 'UPPER' is not a valid translation key",
    ]
    for line in expected:
        assert line in problems, (line, problems)


# ---- icons.json (hassfest icons.py) -----------------------------------------------------------


def test_icons_follow_hassfest_rules() -> None:
    """Entity icons by platform and translation key, each a Material Design Icon."""
    assert icon_file_problems(_json(INTEGRATION / "icons.json")) == []


def test_no_state_icon_repeats_its_default() -> None:
    """hassfest's icon rule: a state icon equal to the default one can be removed."""
    assert redundant_state_icons(_json(INTEGRATION / "icons.json")) == []


def test_icon_rules_catch() -> None:
    """A non-MDI icon, a bad key and a repeated default are found."""
    icons = {
        "entity": {
            "sensor": {
                "a": {"default": "fa:door", "state": {"Bad Key": "mdi:x"}},
                "b": {"default": "mdi:door", "state": {"on": "mdi:door"}},
            }
        },
        "other": {},
    }
    problems = icon_file_problems(icons)
    assert (
        "icons.json.entity.sensor.a.default: an icon must be a Material Design Icon ('mdi:...')"
        in problems
    )
    assert "icons.json.entity.sensor.a.state: 'Bad Key' is not a valid translation key" in problems
    assert "icons.json: unknown key 'other'" in problems
    assert redundant_state_icons(icons) == [
        "icons.json: entity.sensor.b.state.on repeats the default mdi:door"
    ]


def test_manifest_rules_catch(tmp_path: Path) -> None:
    """An unsorted manifest with a bad version, wrong domain and http documentation fails."""
    folder = tmp_path / "door_access"
    folder.mkdir()
    manifest = {
        "name": "X",
        "domain": "other",
        "documentation": "http://example.org",
        "codeowners": ["nobody"],
        "iot_class": "telepathy",
        "version": "not a version!",
        "surprise": True,
    }
    problems = manifest_problems(manifest, folder, tmp_path / "core")
    for expected in (
        "unknown key 'surprise'",
        "missing 'issue_tracker'",
        "domain 'other' does not match the folder 'door_access'",
        "version: 'not a version!' is not a valid version",
        "documentation: must be an https URL",
        "codeowners: GitHub handles start with '@'",
        "iot_class: 'telepathy' is missing or unknown",
        "keys must be sorted: domain, name, then alphabetical order",
    ):
        assert expected in problems, (expected, problems)


def test_dependency_rule_catches(tmp_path: Path) -> None:
    """Importing another integration without declaring it is reported; platforms are fine."""
    folder = tmp_path / "fake"
    folder.mkdir()
    (folder / "__init__.py").write_text(
        "from homeassistant.components.sensor import SensorEntity\n"
        "from homeassistant.components.http import HomeAssistantView\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from homeassistant.components.zha import Thing\n",
        encoding="utf-8",
    )
    assert dependency_problems(folder, {"domain": "fake"}) == [
        "__init__.py: uses the http integration, which is not in 'dependencies' or "
        "'after_dependencies'"
    ]
    assert dependency_problems(folder, {"domain": "fake", "dependencies": ["http"]}) == []


# ---- quality_scale.yaml ---------------------------------------------------------------------


def _quality_scale() -> dict[str, Any]:
    """Return the rules of quality_scale.yaml."""
    data = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    assert set(data) == {"rules"}
    rules = data["rules"]
    assert isinstance(rules, dict)
    return rules


def test_quality_scale_statuses_are_well_formed() -> None:
    """Each rule is todo/done, or an object with a status and, when exempt, its reason."""
    for rule, value in _quality_scale().items():
        if isinstance(value, str):
            assert value in ("todo", "done"), rule
            continue
        assert isinstance(value, dict), rule
        assert set(value) <= {"status", "comment"}, rule
        assert value["status"] in ("todo", "done", "exempt"), rule
        if value["status"] == "exempt":
            assert str(value.get("comment", "")).strip(), f"{rule}: say why it is exempt"


def test_quality_scale_brands_rule_matches_the_brand_folder() -> None:
    """`brands` is done exactly when the integration ships its brand images."""
    status = _quality_scale()["brands"]
    status = status["status"] if isinstance(status, dict) else status
    assert (status == "done") == (INTEGRATION / "brand" / "icon.png").is_file()


# Every rule of the Integration Quality Scale, as hassfest lists them (home-assistant/core,
# script/hassfest/quality_scale.py, ALL_RULES): the file must say something about each.
QUALITY_SCALE_RULES = frozenset(
    {
        # Bronze
        "action-setup",
        "appropriate-polling",
        "brands",
        "common-modules",
        "config-flow-test-coverage",
        "config-flow",
        "dependency-transparency",
        "docs-actions",
        "docs-conditions",
        "docs-high-level-description",
        "docs-installation-instructions",
        "docs-removal-instructions",
        "docs-triggers",
        "entity-event-setup",
        "entity-unique-id",
        "has-entity-name",
        "runtime-data",
        "test-before-configure",
        "test-before-setup",
        "unique-config-entry",
        # Silver
        "action-exceptions",
        "config-entry-unloading",
        "docs-configuration-parameters",
        "docs-installation-parameters",
        "entity-unavailable",
        "integration-owner",
        "log-when-unavailable",
        "parallel-updates",
        "reauthentication-flow",
        "test-coverage",
        # Gold
        "devices",
        "diagnostics",
        "discovery-update-info",
        "discovery",
        "docs-data-update",
        "docs-examples",
        "docs-known-limitations",
        "docs-supported-devices",
        "docs-supported-functions",
        "docs-troubleshooting",
        "docs-use-cases",
        "dynamic-devices",
        "entity-category",
        "entity-device-class",
        "entity-disabled-by-default",
        "entity-translations",
        "exception-translations",
        "icon-translations",
        "reconfiguration-flow",
        "repair-issues",
        "stale-devices",
        # Platinum
        "async-dependency",
        "inject-websession",
        "strict-typing",
    }
)


def test_quality_scale_names_every_rule() -> None:
    """Each of hassfest's rules is listed (done, todo or exempt), and nothing else."""
    assert set(_quality_scale()) == QUALITY_SCALE_RULES


# ---- docs/architecture.md -------------------------------------------------------------------

ARCHITECTURE = ROOT / "docs" / "architecture.md"
# A module as the diagram names it: its path below the integration's folder.
_MODULE_PATH = re.compile(r"(?<![\w/.])[a-z_][a-z0-9_]*(?:/[a-z_][a-z0-9_]*)*\.py\b")


def _diagram(markdown: str) -> str:
    """Return the module diagram: the first mermaid block of a Markdown text."""
    match = re.search(r"^```mermaid\n(.*?)^```", markdown, re.MULTILINE | re.DOTALL)
    assert match is not None, "no mermaid diagram"
    return match.group(1)


def _diagram_gaps(diagram: str, modules: set[str]) -> tuple[list[str], list[str]]:
    """Return the modules the diagram leaves out, and the paths it names that are no module."""
    named = set(_MODULE_PATH.findall(diagram))
    return sorted(modules - named), sorted(named - modules)


def test_architecture_diagram_names_every_module() -> None:
    """docs/architecture.md's diagram names each module of the integration, and no other."""
    modules = {path.relative_to(INTEGRATION).as_posix() for path in INTEGRATION.rglob("*.py")}
    missing, unknown = _diagram_gaps(_diagram(ARCHITECTURE.read_text(encoding="utf-8")), modules)
    assert missing == [], "add these modules to the diagram of docs/architecture.md"
    assert unknown == [], "the diagram of docs/architecture.md names modules that do not exist"


def test_architecture_check_can_fail() -> None:
    """A module left out, and a module named that does not exist, are both found."""
    markdown = (
        "Text naming gone.py outside the diagram.\n"
        "```mermaid\nflowchart TB\n"
        '    a["__init__.py · coordinator.py<br/>wing/lock.py · api/wing/client.py"]\n'
        '    b["descriptions.py"]\n'
        "```\n"
    )
    modules = {"__init__.py", "coordinator.py", "wing/lock.py", "wing/sensor.py"}
    modules.add("api/wing/client.py")
    assert _diagram_gaps(_diagram(markdown), modules) == (["wing/sensor.py"], ["descriptions.py"])


# ---- workflows ------------------------------------------------------------------------------


def _workflow(name: str) -> dict[Any, Any]:
    """Parse a workflow file."""
    data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """Return a workflow's triggers (YAML 1.1 reads the key `on` as true)."""
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict)
    return triggers


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    """Return the steps of every job of a workflow."""
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_validate_workflow_runs_hacs_and_hassfest() -> None:
    """On push, pull request, a schedule and by hand: HACS (integration) and hassfest."""
    workflow = _workflow("validate.yml")
    triggers = _triggers(workflow)
    assert {"push", "pull_request", "schedule", "workflow_dispatch"} <= set(triggers)
    assert triggers["schedule"][0]["cron"]
    steps = _steps(workflow)
    hacs = [s for s in steps if str(s.get("uses", "")).startswith("hacs/action@")]
    assert len(hacs) == 1
    assert hacs[0]["with"]["category"] == "integration"
    assert "ignore" not in hacs[0]["with"], "the HACS default list wants no ignored check"
    for job in workflow["jobs"].values():
        uses = [str(s.get("uses", "")) for s in job["steps"]]
        if "home-assistant/actions/hassfest@master" in uses:
            assert uses[0].startswith("actions/checkout@"), "hassfest needs the checkout"
            break
    else:
        pytest.fail("no job runs home-assistant/actions/hassfest@master")


def test_tests_workflow_runs_the_test_command_on_python_314() -> None:
    """ubuntu-latest, Python 3.14 from setup-python, the cached environment, ./scripts/test."""
    workflow = _workflow("tests.yml")
    assert {"push", "pull_request"} <= set(_triggers(workflow))
    (job,) = workflow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    steps = job["steps"]
    python = next(s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python@"))
    assert str(python["with"]["python-version"]) == "3.14"
    cache = next(s for s in steps if str(s.get("uses", "")).startswith("actions/cache@"))
    assert cache["with"]["path"] == "~/.cache/door_access"
    key = cache["with"]["key"]
    assert "hashFiles('requirements_test.txt', 'requirements_dev.txt')" in key
    assert "steps.python.outputs.python-version" in key
    assert steps[-1]["run"] == "./scripts/test"
