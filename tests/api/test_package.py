"""The clients as a separate package: public API, no Home Assistant, imports through the API."""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
from pathlib import Path
import sys
import tomllib

import pytest

from tests.api import clients

ROOT = Path(__file__).resolve().parents[2]
INTEGRATION = ROOT / "custom_components" / "door_access"
API = INTEGRATION / "api"
PYPROJECT = ROOT / "packages" / "door-access-clients" / "pyproject.toml"
# Third-party packages the clients may import: the distribution's own dependencies.
DEPENDENCIES = {"aiohttp", "yarl"}

# Names the cloud packages exported before the HTTP core was shared; they must keep working.
TEDEE_NAMES = [
    "DEFAULT_API_VERSION",
    "DEFAULT_BASE_URL",
    "ApiDeprecation",
    "Bridge",
    "DeviceType",
    "DoorState",
    "Gate",
    "GateIcon",
    "GateStatus",
    "Lock",
    "LockSettings",
    "LockState",
    "LockStatus",
    "LockSync",
    "Operation",
    "OperationFailure",
    "OperationStatus",
    "OperationType",
    "TedeeApiVersionError",
    "TedeeAuthError",
    "TedeeBadResponseError",
    "TedeeClient",
    "TedeeConnectionError",
    "TedeeError",
    "TedeeOperationError",
    "TedeeRateLimitError",
    "TokenType",
    "UnlockMode",
    "User",
]
DOORFLOW_NAMES = [
    "DEFAULT_BASE_URL",
    "Account",
    "AccountSync",
    "AdmissionRequest",
    "AdmissionStatus",
    "Channel",
    "ChannelMode",
    "ChannelStatus",
    "ChannelSyncStatus",
    "DoorEvent",
    "DoorFlowAuthError",
    "DoorFlowBadResponseError",
    "DoorFlowClient",
    "DoorFlowConnectionError",
    "DoorFlowError",
    "DoorFlowOperationError",
    "DoorFlowRateLimitError",
    "Lockdown",
    "OperationFailure",
    "SyncStatus",
    "TokenProvider",
]
RENAMED = {"DEFAULT_BASE_URL", "DEFAULT_API_VERSION", "MAX_PAGE_SIZE", "DEFAULT_PAGE_SIZE"}

IMPORT_SKIP_LIST: set[str] = set()


def api_exports() -> set[str]:
    """Return the names in the in-tree `api/__init__.py`'s `__all__` (it builds it at import).

    The package imports only itself and its dependencies, so it loads on its own, under
    another name, without the integration (and Home Assistant) around it.
    """
    name = "door_access_api_in_tree"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, API / "__init__.py", submodule_search_locations=[str(API)]
        )
        assert spec is not None
        assert spec.loader is not None
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return set(sys.modules[name].__all__)


def imports_of(path: Path) -> list[ast.Import | ast.ImportFrom]:
    """Return every import statement of a module, nested ones included."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]


def test_every_public_name_is_exported_by_the_package() -> None:
    package = clients.package
    assert set(package.__all__) == api_exports()
    for name in package.__all__:
        assert hasattr(package, name), name
    for cloud in ("tedee", "doorflow"):
        sub = clients.module(cloud)
        for name in set(sub.__all__) - RENAMED:
            assert getattr(package, name) is getattr(sub, name), name


@pytest.mark.parametrize(("cloud", "names"), [("tedee", TEDEE_NAMES), ("doorflow", DOORFLOW_NAMES)])
def test_the_names_exported_before_still_work(cloud: str, names: list[str]) -> None:
    sub = clients.module(cloud)
    for name in names:
        assert name in sub.__all__, name
        assert hasattr(sub, name), name
    assert sub.OperationFailure is clients.OperationFailure


def test_the_version_matches_the_distribution() -> None:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    assert clients.package.__version__ == project["version"]
    assert set(project["dependencies"]) == {"aiohttp>=3.13.3", "yarl>=1.9"}
    assert (API / "py.typed").is_file()


@pytest.mark.parametrize(
    "path", sorted(API.rglob("*.py")), ids=lambda path: str(path.relative_to(API))
)
def test_the_clients_import_nothing_but_the_stdlib_their_dependencies_and_themselves(
    path: Path,
) -> None:
    for node in imports_of(path):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            continue  # relative: inside the package
        names = (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [alias.name for alias in node.names]
        )
        for name in names:
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or top in DEPENDENCIES, (
                f"{path.relative_to(ROOT)}:{node.lineno} imports {name}"
            )


def violations(path: Path, exports: set[str], package: tuple[str, ...] | None = None) -> list[str]:
    """Return the imports of an integration module that bypass the clients' public API.

    `package` is the module's package as parts (from its place in the checkout by default).
    """
    if package is None:
        package = path.relative_to(ROOT).parent.parts
    found = []
    for node in imports_of(path):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
            bad = [name for name in targets if name.startswith("custom_components.door_access.api")]
            found.extend(f"{path.name}:{node.lineno} import {name}" for name in bad)
            continue
        if node.level == 0:
            module = node.module or ""
        else:
            base = package[: len(package) - node.level + 1]
            module = ".".join([*base, *([node.module] if node.module else [])])
        if module.startswith("custom_components.door_access.api."):
            found.append(f"{path.name}:{node.lineno} from {module} import ...")
        elif module == "custom_components.door_access.api":
            hidden = [alias.name for alias in node.names if alias.name not in exports]
            found.extend(f"{path.name}:{node.lineno} imports api.{name}" for name in hidden)
    return found


def test_the_integration_imports_the_clients_through_their_public_api() -> None:
    """`from .api import X` only: never a client module (`from .api.tedee.client import X`)."""
    exports = api_exports()
    offenders: dict[str, list[str]] = {}
    for path in sorted(INTEGRATION.rglob("*.py")):
        if API in path.parents:
            continue
        found = violations(path, exports)
        name = str(path.relative_to(INTEGRATION))
        if found and name not in IMPORT_SKIP_LIST:
            offenders[name] = found
    assert not offenders, offenders
    stale = {
        name
        for name in IMPORT_SKIP_LIST
        if (INTEGRATION / name).is_file() and not violations(INTEGRATION / name, exports)
    }
    assert not stale, f"now clean, remove from IMPORT_SKIP_LIST: {sorted(stale)}"


def test_the_scan_recognises_every_form(tmp_path: Path) -> None:
    path = tmp_path / "probe.py"
    path.write_text(
        "from ..api import TedeeClient\n"
        "from ..api import core\n"
        "from ..api.tedee.client import TedeeClient\n"
        "from .. import api\n"
        "import custom_components.door_access.api.tedee\n"
        "from custom_components.door_access.api import Lock\n"
    )
    # As if the probe lived in a cloud folder of the integration (one level down).
    found = violations(path, api_exports(), ("custom_components", "door_access", "tedee"))
    assert found == [
        "probe.py:2 imports api.core",
        "probe.py:3 from custom_components.door_access.api.tedee.client import ...",
        "probe.py:5 import custom_components.door_access.api.tedee",
    ]


@pytest.mark.skipif(not clients.INSTALLED, reason="only against the installed wheel")
def test_the_installed_wheel_runs_without_home_assistant() -> None:
    location = Path(clients.package.__file__).resolve()
    assert ROOT not in location.parents
    assert importlib.metadata.version("door-access-clients") == clients.package.__version__
    assert importlib.util.find_spec("homeassistant") is None
    assert (location.parent / "py.typed").is_file()
    assert "MIT License" in (location.parent / "LICENSE").read_text(encoding="utf-8")
    assert importlib.metadata.metadata("door-access-clients")["License-Expression"] == "MIT"
