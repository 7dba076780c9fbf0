"""The integration's shape: no import cycles, root modules that never name a cloud.

Read from the source (AST), not by importing: imports under `if TYPE_CHECKING:` are only for
the type checker and are not part of the runtime graph.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "custom_components.door_access"
ROOT = Path(__file__).parents[1] / "custom_components" / "door_access"
# Folders of a cloud (one wing each); the root must not reach into them except the registry.
WINGS = ("tedee", "doorflow")
REGISTRY = {f"{PACKAGE}.clouds"}


def _module_name(path: Path) -> str:
    """Return the dotted module name of a source file of the integration."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


def _is_type_checking_block(node: ast.stmt) -> bool:
    """Tell whether a statement is `if TYPE_CHECKING:`."""
    return (
        isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    )


def _runtime_imports(path: Path, modules: set[str]) -> set[str]:
    """Return the integration modules a file imports when it runs."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if _is_type_checking_block(node):
                continue
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
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    visit(inner)

    visit(tree.body)
    return {module for module in found if module in modules and module != name}


def _graph() -> dict[str, set[str]]:
    """Return the runtime import graph of the integration's modules."""
    paths = sorted(ROOT.rglob("*.py"))
    modules = {_module_name(path) for path in paths}
    return {_module_name(path): _runtime_imports(path, modules) for path in paths}


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
    """No module imports itself back through others when the integration runs."""
    assert _cycles(_graph()) == []


def test_cycle_finder_finds_cycles() -> None:
    """The check itself can fail."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


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
