"""The integration's shape: no import cycles, root modules that never name a cloud.

Read from the source (AST), not by importing. Imports under `if TYPE_CHECKING:` count too: a
cycle only the type checker sees still knots the modules' order of reading.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
import importlib
from pathlib import Path

PACKAGE = "custom_components.door_access"
ROOT = Path(__file__).parents[1] / "custom_components" / "door_access"
# Folders of a cloud (one wing each); the root must not reach into them except the registry.
WINGS = ("tedee", "doorflow")
REGISTRY = {f"{PACKAGE}.clouds"}


def _module_name(path: Path, root: Path = ROOT) -> str:
    """Return the dotted module name of a source file of the integration."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


def _imports(path: Path, modules: set[str], root: Path = ROOT) -> set[str]:
    """Return the integration modules a file imports, at run time or for the type checker."""
    name = _module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, base]) if base else ".".join(anchor)
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    found.add(candidate if candidate in modules else base)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            # Nested blocks, `if TYPE_CHECKING:` included.
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    visit(inner)

    visit(tree.body)
    return {module for module in found if module in modules and module != name}


def _graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Return the import graph (type-only imports included) of the integration's modules."""
    paths = sorted(root.rglob("*.py"))
    modules = {_module_name(path, root) for path in paths}
    return {_module_name(path, root): _imports(path, modules, root) for path in paths}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the import cycles of a graph (one path per strongly connected component)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return components


def test_no_import_cycles() -> None:
    """No module imports itself back through others, not even for the type checker."""
    assert _cycles(_graph()) == []


def test_cycle_finder_finds_cycles() -> None:
    """The check itself can fail."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_a_type_only_cycle_is_a_cycle(tmp_path: Path) -> None:
    """A module importing another back only under `if TYPE_CHECKING:` still makes a cycle."""
    (tmp_path / "wing").mkdir()
    (tmp_path / "models.py").write_text("from .wing.coordinator import Coordinator\n")
    (tmp_path / "wing" / "__init__.py").write_text("")
    (tmp_path / "wing" / "coordinator.py").write_text(
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from ..models import Entry\n"
    )
    assert _cycles(_graph(tmp_path)) == [[f"{PACKAGE}.models", f"{PACKAGE}.wing.coordinator"]]


def test_root_modules_never_name_a_cloud() -> None:
    """Only the cloud registry imports a cloud's folder; the rest asks the entry's wing."""
    wing_prefixes = tuple(f"{PACKAGE}.{wing}" for wing in WINGS)
    offenders = {
        module: sorted(target for target in targets if target.startswith(wing_prefixes))
        for module, targets in _graph().items()
        if not module.startswith(wing_prefixes) and module not in REGISTRY
    }
    assert {module: targets for module, targets in offenders.items() if targets} == {}


def test_wings_do_not_import_each_other() -> None:
    """A cloud's folder knows nothing of another cloud."""
    for wing in WINGS:
        own = f"{PACKAGE}.{wing}"
        others = tuple(f"{PACKAGE}.{other}" for other in WINGS if other != wing)
        for module, targets in _graph().items():
            if module.startswith(own):
                assert not [t for t in targets if t.startswith(others)], module


def test_no_isinstance_on_a_coordinator() -> None:
    """Code asks the entry's wing what to do; it never checks which coordinator it has."""
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "isinstance"
                and len(node.args) == 2
            ):
                assert "Coordinator" not in ast.unparse(node.args[1]), (
                    f"{path.relative_to(ROOT)}:{node.lineno}"
                )


# ---- @override ------------------------------------------------------------------------------


def _says_override(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Tell whether a method carries `@override` (as a name or `typing.override`)."""
    return any(
        (isinstance(decorator, ast.Name) and decorator.id == "override")
        or (isinstance(decorator, ast.Attribute) and decorator.attr == "override")
        for decorator in function.decorator_list
    )


def _overrides_without_decorator(tree: ast.Module, namespace: Mapping[str, object]) -> list[str]:
    """Return `Class.method` for each method that overrides a base's without `@override`.

    The source (AST) says which methods a class defines and how they are decorated; the
    imported class says what its bases have. Dunder methods (`__init__`, ...) are left out, as
    Home Assistant core leaves them out.
    """
    missing: list[str] = []
    for node in tree.body:
        cls = namespace.get(node.name) if isinstance(node, ast.ClassDef) else None
        if not isinstance(node, ast.ClassDef) or not isinstance(cls, type):
            continue
        for item in node.body:
            if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            name = item.name
            if name.startswith("__") and name.endswith("__"):
                continue
            inherited = any(name in vars(base) for base in cls.__mro__[1:] if base is not object)
            if inherited and not _says_override(item):
                missing.append(f"{node.name}.{name}")
    return missing


def test_every_overriding_method_says_override() -> None:
    """Each entity, coordinator, flow (any) method that overrides a base's says `@override`."""
    missing: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        module = importlib.import_module(_module_name(path))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(ROOT)
        missing += [f"{where}: {name}" for name in _overrides_without_decorator(tree, vars(module))]
    assert missing == []


def test_override_check_can_fail() -> None:
    """A method overriding its base's without `@override` is found; a new method is not."""
    source = (
        "from typing import override\n"
        "class Base:\n"
        "    def shown(self): ...\n"
        "    def said(self): ...\n"
        "    @property\n"
        "    def value(self): ...\n"
        "class Child(Base):\n"
        "    def __init__(self): ...\n"
        "    def shown(self): ...\n"
        "    @override\n"
        "    def said(self): ...\n"
        "    @property\n"
        "    def value(self): ...\n"
        "    def new(self): ...\n"
    )
    namespace: dict[str, object] = {}
    exec(compile(source, "<test>", "exec"), namespace)
    missing = _overrides_without_decorator(ast.parse(source), namespace)
    assert missing == ["Child.shown", "Child.value"]


# Words only a cloud's wing may use in code: its name and its own concepts.
CLOUD_WORDS = ("tedee", "doorflow", "blebox", "lockdown", "bridge")


def _docstrings(tree: ast.Module) -> set[int]:
    """Return the ids of the docstring nodes of a module, its classes and functions."""
    owners = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, owners)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _cloud_words(path: Path) -> list[str]:
    """Return where a module's code (not its docstrings or comments) names a cloud."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings:
                continue
            text = node.value
        elif isinstance(node, ast.Name | ast.alias):
            text = node.id if isinstance(node, ast.Name) else node.name
        elif isinstance(node, ast.Attribute):
            text = node.attr
        else:
            continue
        if any(word in text.lower() for word in CLOUD_WORDS):
            found.append(f"{path.name}:{getattr(node, 'lineno', 0)} {text[:60]!r}")
    return found


def test_the_floor_names_no_cloud() -> None:
    """The root's code holds what every cloud shares: no cloud's name, option or concept.

    Only the registry (`clouds.py`) lists the wings; everything else comes from a wing.
    """
    floor = [path for path in sorted(ROOT.glob("*.py")) if path.name != "clouds.py"]
    assert [found for path in floor for found in _cloud_words(path)] == []


def test_the_cloud_word_check_can_fail(tmp_path: Path) -> None:
    """A root module with a Tedee option name or a DoorFlow concept in code is found."""
    module = tmp_path / "flow_helpers.py"
    module.write_text(
        '"""Tedee is named in a docstring: allowed."""\n'
        'RANGES = {"gate_interval": "tedee_gate"}\n'
        "from .cloud import LockdownInputs\n"
    )
    assert sorted(_cloud_words(module)) == [
        "flow_helpers.py:2 'tedee_gate'",
        "flow_helpers.py:3 'LockdownInputs'",
    ]
