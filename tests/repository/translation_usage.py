"""Find the translation keys the integration's code uses, by reading its syntax tree.

What it understands (each found key becomes a path into `translations/en.json`):

- `translation_key=K` in a call of an exception class whose name is one of Home Assistant's
  translatable errors (`HomeAssistantError`, `ServiceValidationError`, `ConfigEntryAuthFailed`,
  `ConfigEntryNotReady`, `ConfigEntryError`, `UpdateFailed`, `IntegrationError`) or of a class of
  the package deriving from one -> `exceptions.K.message`;
- `translation_key=K` in `async_create_issue(...)` / `ir.async_create_issue(...)` ->
  `issues.K.title`;
- `translation_key=K` in a call of an `...EntityDescription` class -> `entity.<platform>.K`,
  the platform read from the description class's base in Home Assistant
  (`BinarySensorEntityDescription` -> `binary_sensor`), following the package's own subclasses;
  `_attr_translation_key = K` in a class deriving from a platform's entity class -> the same;
- in classes deriving from `ConfigFlow` (-> `config`) or `OptionsFlow`/`OptionsFlowWithReload`
  (-> `options`): `errors[...] = K` on a dict named `errors`, `errors={...: K}`,
  `async_abort(reason=K)`, `AbortFlow(K)`, `_abort_if_unique_id_configured(error=K)` (default
  `already_configured`), `_abort_if_unique_id_mismatch(reason=K)` (default
  `unique_id_mismatch`), `async_update_reload_and_abort(reason=K)` (only with a reason: the
  default one comes from Home Assistant's own strings), `async_set_unique_id(...)` without
  `raise_on_progress=False` (`already_in_progress`), `async_show_form(step_id=K)` /
  `async_show_menu(step_id=K, menu_options=[...])` -> `<flow>.step.K` and its menu options;
- `SelectSelectorConfig(translation_key=K, options=[...])` -> `selector.K` and
  `selector.K.options.<option>`;
- `range_error=K` in any call (a wing's `NumberRange`: the options form's error out of range)
  -> `options.error.K`;
- actions: `hass.services.async_register(domain, K, ...)`,
  `async_register_entity_service(K, ...)`, `async_register_platform_entity_service(hass,
  domain, K, ...)` -> `services.K.name` and `services.K.description`.

K may be a literal or anything that resolves to literals: a constant of the module or of
another module of the package (`from .const import X`), an enum member (`Cloud.TEDEE`, `.value`,
`auto()`), `a if c else b`, a local variable (every assignment counts), a parameter (every call
site of the function counts, and its default), `self.x` / a class attribute (every class of the
package assigning `x`), `mapping[k]` / `mapping.get(k, default)` (every value of the mapping),
`err.attr` of an `except SomeError as err` (the arguments given to `SomeError(...)` for the
`__init__` parameter stored in `attr`), the target of a module-level `for x in SomeEnum:` (every
member's value), `NAME.attr` of a module-level `NAME = Something(attr=K)` (K), any other
`thing.attr` (every `attr=` argument in the package: fields with names of their own), the target
of a comprehension's `for x in MAPPING` (its keys), and a parameter given through
`partial(function, ...)`. Lists of options: literals, `list(DICT)` (its keys),
`[m.value for m in Enum]` with `if m is not Enum.X` filters. Anything else is reported as
unresolved, so a new pattern is noticed instead of silently skipped.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
import re

from homeassistant.const import Platform

TRANSLATABLE_ERRORS = frozenset(
    {
        "HomeAssistantError",
        "ServiceValidationError",
        "ConfigEntryAuthFailed",
        "ConfigEntryNotReady",
        "ConfigEntryError",
        "UpdateFailed",
        "IntegrationError",
    }
)
# Where the action's name is among the positional arguments of each registration function.
_SERVICE_NAME_POSITION = {
    "async_register": 1,
    "async_register_entity_service": 0,
    "async_register_platform_entity_service": 2,
}
FLOW_BASES = {
    "ConfigFlow": "config",
    "AbstractOAuth2FlowHandler": "config",
    "OptionsFlow": "options",
    "OptionsFlowWithReload": "options",
}


@dataclass(frozen=True, slots=True)
class KeyUse:
    """A translation the code needs: where in en.json, and where in the code."""

    path: tuple[str, ...]
    where: str


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A translation key argument the scanner could not turn into literals."""

    what: str
    where: str


@dataclass
class Module:
    """One parsed module of the package."""

    name: str
    path: Path
    tree: ast.Module
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node

    def enclosing(
        self, node: ast.AST, kind: type[ast.AST] | tuple[type[ast.AST], ...]
    ) -> ast.AST | None:
        """Return the nearest enclosing node of a kind."""
        current = self.parents.get(node)
        while current is not None and not isinstance(current, kind):
            current = self.parents.get(current)
        return current


type Function = ast.FunctionDef | ast.AsyncFunctionDef


def _name_of(node: ast.expr) -> str | None:
    """Return the last name of a callee or base: `ir.async_create_issue` -> the function's."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _name_of(node.value)
    return None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    """Return a keyword argument of a call."""
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def _snake(name: str) -> str:
    """Return `BinarySensor` as `binary_sensor`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Package:
    """The modules of one Python package and what can be resolved across them."""

    def __init__(self, root: Path, package: str) -> None:
        self.root = root
        self.package = package
        self.modules: dict[str, Module] = {}
        for path in sorted(root.rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            name = ".".join([package, *parts])
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            self.modules[name] = Module(name, path, tree)
        self.classes: dict[str, list[tuple[Module, ast.ClassDef]]] = {}
        self.functions: dict[str, list[tuple[Module, Function]]] = {}
        self.calls: list[tuple[Module, ast.Call]] = []
        for module in self.modules.values():
            for node in ast.walk(module.tree):
                if isinstance(node, ast.ClassDef):
                    self.classes.setdefault(node.name, []).append((module, node))
                elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    self.functions.setdefault(node.name, []).append((module, node))
                elif isinstance(node, ast.Call):
                    self.calls.append((module, node))

    # ---- names across modules --------------------------------------------------------------

    def where(self, module: Module, node: ast.AST) -> str:
        """Return `file.py:line` of a node."""
        return f"{module.path.relative_to(self.root)}:{getattr(node, 'lineno', 0)}"

    def _import_source(self, module: Module, name: str) -> tuple[Module, str] | None:
        """Return the module and name a module-level import of `name` comes from."""
        for node in module.tree.body:
            if not isinstance(node, ast.ImportFrom):
                continue
            for alias in node.names:
                if (alias.asname or alias.name) != name:
                    continue
                base = module.name.split(".")
                if module.path.name != "__init__.py":
                    base = base[:-1]
                if node.level:
                    base = base[: len(base) - node.level + 1]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    target = node.module or ""
                if target in self.modules:
                    return self.modules[target], alias.name
        return None

    def module_assignments(self, module: Module, name: str) -> list[tuple[Module, ast.expr]]:
        """Return the values a module-level name is given, following imports in the package."""
        values = [
            (module, value) for node in module.tree.body for value in _assigned_values(node, name)
        ]
        if not values and (source := self._import_source(module, name)) is not None:
            return self.module_assignments(*source)
        return values

    def find_class(self, module: Module, name: str) -> tuple[Module, ast.ClassDef] | None:
        """Return the package's class a name refers to in a module, following imports."""
        for node in module.tree.body:
            if isinstance(node, ast.ClassDef) and node.name == name:
                return module, node
        if (source := self._import_source(module, name)) is not None:
            return self.find_class(*source)
        return None

    def class_bases(
        self, module: Module, cls: ast.ClassDef, seen: frozenset[str] = frozenset()
    ) -> set[str]:
        """Return the names of every base of a class: the package's own and the outside ones."""
        names: set[str] = set()
        for base in cls.bases:
            name = _name_of(base)
            if name is None or name in seen:
                continue
            names.add(name)
            if (found := self.find_class(module, name)) is not None:
                names |= self.class_bases(*found, seen | {name})
        return names

    # ---- literal resolution ----------------------------------------------------------------

    def strings(self, module: Module, expr: ast.expr, depth: int = 0) -> set[str] | None:
        """Return every string an expression can evaluate to, or None when unknown."""
        if depth > 12:
            return None
        deeper = depth + 1
        match expr:
            case ast.Constant(value=str() as value):
                return {value}
            case ast.IfExp(body=body, orelse=orelse):
                return _union(
                    self.strings(module, body, deeper), self.strings(module, orelse, deeper)
                )
            case ast.BoolOp(op=ast.Or(), values=values):
                return _union(*(self.strings(module, v, deeper) for v in values))
            case ast.Name(id=name):
                return self._name_strings(module, expr, name, deeper)
            case ast.Attribute(value=owner, attr="value"):
                return self.strings(module, owner, deeper)
            case ast.Attribute(value=ast.Name(id=owner), attr=attr) if owner in ("self", "cls"):
                return self._attribute_strings(attr, deeper)
            case ast.Attribute(value=ast.Name(id=owner), attr=attr):
                if (member := self._enum_member(module, owner, attr)) is not None:
                    return {member}
                if (caught := self._caught_error(module, expr, owner)) is not None:
                    return self._error_argument_strings(module, caught, attr, deeper)
                if (built := self._built_with(module, owner, attr, deeper)) is not None:
                    return built
                return self._keyword_strings(attr, deeper)
            case ast.Subscript(value=mapping):
                return self.mapping_values(module, mapping, deeper)
            case ast.Call(func=ast.Attribute(value=mapping, attr="get"), args=[_, default]):
                return _union(
                    self.mapping_values(module, mapping, deeper),
                    self.strings(module, default, deeper),
                )
            case ast.Call(func=ast.Name(id="str"), args=[inner]):
                return self.strings(module, inner, deeper)
        return None

    def _built_with(self, module: Module, owner: str, attr: str, depth: int) -> set[str] | None:
        """Resolve `NAME.attr` of a module-level `NAME = Something(attr=...)` by that argument."""
        values = self.module_assignments(module, owner)
        found = [
            (source, argument)
            for source, value in values
            if isinstance(value, ast.Call) and (argument := _keyword(value, attr)) is not None
        ]
        if not values or len(found) != len(values):
            return None
        return _union(*(self.strings(source, argument, depth) for source, argument in found))

    def _keyword_strings(self, attr: str, depth: int) -> set[str] | None:
        """Resolve `thing.attr` of a thing made elsewhere: every `attr=` argument in the package.

        Meant for fields with a name of their own (`options_step_id`, `service`): a field whose
        name other calls use as a keyword too would collect their values as well.
        """
        arguments = [
            (module, argument)
            for module, call in self.calls
            if (argument := _keyword(call, attr)) is not None
        ]
        if not arguments:
            return None
        return _union(*(self.strings(module, argument, depth) for module, argument in arguments))

    def _comprehension_strings(
        self, module: Module, node: ast.expr, name: str, depth: int
    ) -> set[str] | None:
        """Resolve the target of an enclosing `for NAME in MAPPING_OR_LIST` of a comprehension."""
        kinds = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
        comprehension = module.enclosing(node, kinds)
        while comprehension is not None:
            assert isinstance(comprehension, kinds)
            for generator in comprehension.generators:
                if isinstance(generator.target, ast.Name) and generator.target.id == name:
                    return self.mapping_keys(module, generator.iter) or self.sequence_strings(
                        module, generator.iter
                    )
            comprehension = module.enclosing(comprehension, kinds)
        del depth
        return None

    def _name_strings(
        self, module: Module, node: ast.expr, name: str, depth: int
    ) -> set[str] | None:
        """Resolve a name: a comprehension's target, a local, a parameter, a module constant or
        an imported one."""
        if (found := self._comprehension_strings(module, node, name, depth)) is not None:
            return found
        function = module.enclosing(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        while function is not None:
            assert isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            local = [value for sub in ast.walk(function) for value in _assigned_values(sub, name)]
            if local:
                return _union(*(self.strings(module, v, depth) for v in local))
            if (index := _parameter_index(function, name)) is not None:
                return self._parameter_strings(module, function, name, index, depth)
            function = module.enclosing(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        values = self.module_assignments(module, name)
        if not values:
            return self._loop_over_enum(module, name)
        return _union(*(self.strings(m, v, depth) for m, v in values))

    def _loop_over_enum(self, module: Module, name: str) -> set[str] | None:
        """Resolve a module-level `for NAME in SomeEnum:` target to every member's value."""
        for node in module.tree.body:
            if (
                isinstance(node, ast.For)
                and isinstance(node.target, ast.Name)
                and node.target.id == name
                and isinstance(node.iter, ast.Name)
                and (members := self.enum_values(module, node.iter.id)) is not None
            ):
                return set(members.values())
        return None

    def _parameter_strings(
        self, module: Module, function: Function, name: str, index: int, depth: int
    ) -> set[str] | None:
        """Resolve a parameter through every call of its function (and its default)."""
        results: list[set[str] | None] = []
        default = _parameter_default(function, name)
        if default is not None:
            results.append(self.strings(module, default, depth))
        is_method = bool(function.args.args) and function.args.args[0].arg in ("self", "cls")
        for caller, found in self.calls:
            call = _unwrap_partial(found)
            if _name_of(call.func) != function.name:
                continue
            argument = _keyword(call, name)
            position = index - 1 if is_method and isinstance(call.func, ast.Attribute) else index
            if argument is None and 0 <= position < len(call.args):
                argument = call.args[position]
            if argument is not None:
                results.append(self.strings(caller, argument, depth))
        if not results:
            return None
        return _union(*results)

    def attribute_values(self, attr: str) -> list[tuple[Module, ast.expr]]:
        """Return every value the package's classes give an attribute (class body or self.x)."""
        return [
            (module, value)
            for classes in self.classes.values()
            for module, cls in classes
            for value in _class_attribute_values(cls, attr)
        ]

    def _attribute_strings(self, attr: str, depth: int) -> set[str] | None:
        """Resolve `self.attr`: every class-level or `self.attr =` assignment in the package."""
        values = self.attribute_values(attr)
        if not values:
            return None
        return _union(*(self.strings(module, value, depth) for module, value in values))

    def mapping_values(self, module: Module, expr: ast.expr, depth: int) -> set[str] | None:
        """Return every string value of a mapping an expression refers to."""
        match expr:
            case ast.Dict(values=values):
                return _union(*(self.strings(module, v, depth + 1) for v in values))
            case ast.Name(id=name):
                values = self.module_assignments(module, name)
                if not values:
                    return None
                return _union(*(self.mapping_values(m, v, depth + 1) for m, v in values))
            case ast.Attribute(value=ast.Name(id=owner), attr=attr) if owner in ("self", "cls"):
                values = self.attribute_values(attr)
                if not values:
                    return None
                return _union(*(self.mapping_values(m, v, depth + 1) for m, v in values))
        return None

    def mapping_keys(self, module: Module, expr: ast.expr) -> set[str] | None:
        """Return every string key of a mapping an expression refers to."""
        match expr:
            case ast.Dict(keys=keys):
                return _union(*(self.strings(module, k) if k else None for k in keys))
            case ast.Name(id=name):
                values = self.module_assignments(module, name)
                if not values:
                    return None
                return _union(*(self.mapping_keys(m, v) for m, v in values))
        return None

    def _enum_member(self, module: Module, owner: str, member: str) -> str | None:
        """Return the string value of `Enum.MEMBER` for an enum class of the package."""
        found = self.find_class(module, owner)
        if found is None:
            return None
        return _enum_values(*found).get(member)

    def enum_values(self, module: Module, name: str) -> dict[str, str] | None:
        """Return the members of an enum class of the package: name -> string value."""
        found = self.find_class(module, name)
        return None if found is None else _enum_values(*found)

    def _caught_error(
        self, module: Module, node: ast.AST, variable: str
    ) -> tuple[Module, ast.ClassDef] | None:
        """Return the class of `err` in `except SomeError as err` around a node."""
        handler = module.enclosing(node, ast.ExceptHandler)
        while handler is not None:
            assert isinstance(handler, ast.ExceptHandler)
            if handler.name == variable and handler.type is not None:
                name = _name_of(handler.type)
                return None if name is None else self.find_class(module, name)
            handler = module.enclosing(handler, ast.ExceptHandler)
        return None

    def _error_argument_strings(
        self, module: Module, error: tuple[Module, ast.ClassDef], attr: str, depth: int
    ) -> set[str] | None:
        """Resolve `err.attr` through the arguments every `SomeError(...)` call passes."""
        error_module, cls = error
        init = next(
            (n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"),
            None,
        )
        if init is None:
            return None
        parameter = next(
            (
                target_value.id
                for node in ast.walk(init)
                if isinstance(node, ast.Assign)
                for target in node.targets
                if isinstance(target, ast.Attribute)
                and target.attr == attr
                and isinstance(target_value := node.value, ast.Name)
            ),
            None,
        )
        if parameter is None or (index := _parameter_index(init, parameter)) is None:
            return None
        results = []
        for caller, call in self.calls:
            if _name_of(call.func) != cls.name:
                continue
            argument = _keyword(call, parameter)
            if argument is None and 0 <= index - 1 < len(call.args):
                argument = call.args[index - 1]
            if argument is not None:
                results.append(self.strings(caller, argument, depth))
        del error_module
        return _union(*results) if results else None

    def sequence_strings(self, module: Module, expr: ast.expr) -> set[str] | None:
        """Return the strings of a list of options (literals, dict keys, enum values)."""
        match expr:
            case ast.List(elts=elements) | ast.Tuple(elts=elements):
                return _union(*(self.strings(module, e) for e in elements))
            case ast.Call(func=ast.Name(id="list"), args=[ast.Name(id=name)]):
                if (members := self.enum_values(module, name)) is not None:
                    return set(members.values())
                return self.mapping_keys(module, ast.Name(id=name))
            case ast.ListComp(
                elt=ast.Attribute(value=ast.Name(id=item), attr="value"),
                generators=[
                    ast.comprehension(target=ast.Name(id=target), iter=ast.Name(id=enum), ifs=ifs)
                ],
            ) if item == target:
                members = self.enum_values(module, enum)
                if members is None:
                    return None
                excluded = set()
                for condition in ifs:
                    match condition:
                        case ast.Compare(
                            left=ast.Name(id=left),
                            ops=[ast.IsNot() | ast.NotEq()],
                            comparators=[ast.Attribute(value=ast.Name(id=owner), attr=member)],
                        ) if left == target and owner == enum:
                            excluded.add(member)
                        case _:
                            return None
                return {value for name, value in members.items() if name not in excluded}
            case ast.Name(id=name):
                values = self.module_assignments(module, name)
                if not values:
                    return None
                return _union(*(self.sequence_strings(m, v) for m, v in values))
        return None


def _unwrap_partial(call: ast.Call) -> ast.Call:
    """Return `partial(f, a, b=c)` as the call `f(a, b=c)` it stands for (others unchanged)."""
    if _name_of(call.func) == "partial" and call.args:
        return ast.Call(func=call.args[0], args=call.args[1:], keywords=call.keywords)
    return call


def _union(*parts: set[str] | None) -> set[str] | None:
    """Return the union of resolved parts, or None when any part is unknown."""
    result: set[str] = set()
    for part in parts:
        if part is None:
            return None
        result |= part
    return result


def _assigned_values(node: ast.AST, name: str, *, attribute: bool = False) -> list[ast.expr]:
    """Return the values a statement assigns to a name (or, with `attribute`, to `self.name`)."""

    def matches(target: ast.expr) -> bool:
        if attribute:
            return (
                isinstance(target, ast.Attribute)
                and target.attr == name
                and isinstance(target.value, ast.Name)
                and target.value.id in ("self", "cls")
            )
        return isinstance(target, ast.Name) and target.id == name

    if isinstance(node, ast.Assign) and any(matches(t) for t in node.targets):
        return [node.value]
    if isinstance(node, ast.AnnAssign) and node.value is not None and matches(node.target):
        return [node.value]
    if isinstance(node, ast.NamedExpr) and matches(node.target):
        return [node.value]
    return []


def _class_attribute_values(cls: ast.ClassDef, attr: str) -> list[ast.expr]:
    """Return the values a class gives an attribute: in its body, or as `self.attr = ...`."""
    values = [value for node in cls.body for value in _assigned_values(node, attr)]
    values += [
        value
        for node in cls.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for sub in ast.walk(node)
        for value in _assigned_values(sub, attr, attribute=True)
    ]
    return values


def _parameter_index(function: Function, name: str) -> int | None:
    """Return the position of a parameter (counting `self`), or -1 for keyword-only ones."""
    positional = [*function.args.posonlyargs, *function.args.args]
    for index, argument in enumerate(positional):
        if argument.arg == name:
            return index
    if any(argument.arg == name for argument in function.args.kwonlyargs):
        return -1
    return None


def _parameter_default(function: Function, name: str) -> ast.expr | None:
    """Return the default value of a parameter, if it has one."""
    positional = [*function.args.posonlyargs, *function.args.args]
    defaults = function.args.defaults
    offset = len(positional) - len(defaults)
    for index, argument in enumerate(positional):
        if argument.arg == name and index >= offset:
            return defaults[index - offset]
    for argument, default in zip(function.args.kwonlyargs, function.args.kw_defaults, strict=True):
        if argument.arg == name:
            return default
    return None


def _enum_values(module: Module, cls: ast.ClassDef) -> dict[str, str]:
    """Return the string members of an enum class body (`auto()` is the lower-case name)."""
    members: dict[str, str] = {}
    for node in cls.body:
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target = node.targets[0]
        if not isinstance(target, ast.Name):
            continue
        match node.value:
            case ast.Constant(value=str() as value):
                members[target.id] = value
            case ast.Call(func=ast.Name(id="auto")):
                members[target.id] = target.id.lower()
    del module
    return members


# ---- the scan ----------------------------------------------------------------------------------


@dataclass
class Scan:
    """What a scan of the package found."""

    uses: list[KeyUse] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)

    def paths(self) -> set[tuple[str, ...]]:
        """Return every translation path the code needs."""
        return {use.path for use in self.uses}


class _Scanner:
    """Walks every call and class of the package and records the translations they need."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.scan = Scan()
        self.platforms = {platform.value for platform in Platform}

    def need(
        self,
        module: Module,
        node: ast.AST,
        what: str,
        expr: ast.expr | None,
        *prefix: str,
        suffix: tuple[str, ...] = (),
    ) -> None:
        """Record the keys an argument resolves to (or that it could not be resolved)."""
        if expr is None:
            return
        where = self.package.where(module, node)
        keys = self.package.strings(module, expr)
        if keys is None:
            self.scan.unresolved.append(Unresolved(f"{what}: {ast.unparse(expr)}", where))
            return
        for key in sorted(keys):
            self.scan.uses.append(KeyUse((*prefix, key, *suffix), where))

    def need_literal(self, module: Module, node: ast.AST, *path: str) -> None:
        """Record a translation path that does not depend on an argument."""
        self.scan.uses.append(KeyUse(path, self.package.where(module, node)))

    def error_classes(self) -> set[str]:
        """Return the translatable error class names, including the package's subclasses."""
        names = set(TRANSLATABLE_ERRORS)
        for classes in self.package.classes.values():
            for module, cls in classes:
                if self.package.class_bases(module, cls) & TRANSLATABLE_ERRORS:
                    names.add(cls.name)
        return names

    def platform_of(self, module: Module, class_name: str, suffix: str) -> str | None:
        """Return the platform of an entity (description) class: its Home Assistant base."""
        names = {class_name}
        if (found := self.package.find_class(module, class_name)) is not None:
            names |= self.package.class_bases(*found)
        platforms = {
            _snake(name.removesuffix(suffix))
            for name in names
            if name.endswith(suffix) and self.package.find_class(module, name) is None
        } & self.platforms
        return platforms.pop() if len(platforms) == 1 else None

    def flow_of(self, module: Module, node: ast.AST) -> str | None:
        """Return `config` or `options` for code inside a flow handler class."""
        cls = module.enclosing(node, ast.ClassDef)
        while cls is not None:
            assert isinstance(cls, ast.ClassDef)
            bases = self.package.class_bases(module, cls)
            for base, flow in FLOW_BASES.items():
                if base in bases:
                    return flow
            cls = module.enclosing(cls, ast.ClassDef)
        return None

    def run(self) -> Scan:
        """Scan every call and class of the package."""
        errors = self.error_classes()
        for module, call in self.package.calls:
            self.call(module, call, errors)
        for module in self.package.modules.values():
            for node in ast.walk(module.tree):
                if isinstance(node, ast.ClassDef):
                    self.entity_class(module, node)
                elif isinstance(node, ast.Assign):
                    self.errors_assignment(module, node)
        return self.scan

    def call(self, module: Module, call: ast.Call, errors: set[str]) -> None:
        """Record what one call needs."""
        name = _name_of(call.func) or ""
        key = _keyword(call, "translation_key")
        flow = self.flow_of(module, call)
        if (range_error := _keyword(call, "range_error")) is not None:
            self.need(module, call, "range_error", range_error, "options", "error")
        if name in errors:
            if key is None:
                self.scan.untranslated.append(f"{name} at {self.package.where(module, call)}")
            self.need(module, call, name, key, "exceptions", suffix=("message",))
        elif name == "async_create_issue":
            self.need(module, call, name, key, "issues", suffix=("title",))
        elif name.endswith("EntityDescription") and key is not None:
            platform = self.platform_of(module, name, "EntityDescription")
            if platform is None:
                where = self.package.where(module, call)
                self.scan.unresolved.append(Unresolved(f"platform of {name}", where))
            else:
                self.need(module, call, name, key, "entity", platform)
        elif name == "SelectSelectorConfig" and key is not None:
            self.selector(module, call, key)
        elif name in _SERVICE_NAME_POSITION:
            self.service(module, call, name)
        elif flow is not None:
            self.flow_call(module, call, name, flow)

    def service(self, module: Module, call: ast.Call, name: str) -> None:
        """Record an action (service) registration: its name and description."""
        position = _SERVICE_NAME_POSITION[name]
        service = call.args[position] if len(call.args) > position else _keyword(call, "name")
        if service is None:
            service = _keyword(call, "service")
        self.need(module, call, name, service, "services", suffix=("name",))
        self.need(module, call, name, service, "services", suffix=("description",))

    def selector(self, module: Module, call: ast.Call, key: ast.expr) -> None:
        """Record a select selector's translations: its key and each option."""
        self.need(module, call, "selector", key, "selector")
        keys = self.package.strings(module, key) or set()
        options = _keyword(call, "options")
        if options is None:
            return
        values = self.package.sequence_strings(module, options)
        if values is None:
            where = self.package.where(module, call)
            self.scan.unresolved.append(
                Unresolved(f"selector options: {ast.unparse(options)}", where)
            )
            return
        for selector_key in sorted(keys):
            for value in sorted(values):
                self.need_literal(module, call, "selector", selector_key, "options", value)

    def flow_call(self, module: Module, call: ast.Call, name: str, flow: str) -> None:
        """Record what a call inside a config or options flow needs."""
        match name:
            case "async_abort" | "_abort_if_unique_id_mismatch" | "async_update_reload_and_abort":
                reason = _keyword(call, "reason")
                if reason is None and name == "_abort_if_unique_id_mismatch":
                    self.need_literal(module, call, flow, "abort", "unique_id_mismatch")
                elif reason is not None and _keyword(call, "translation_domain") is None:
                    self.need(module, call, name, reason, flow, "abort")
            case "AbortFlow":
                reason = call.args[0] if call.args else _keyword(call, "reason")
                self.need(module, call, name, reason, flow, "abort")
            case "_abort_if_unique_id_configured":
                error = _keyword(call, "error")
                if error is None:
                    self.need_literal(module, call, flow, "abort", "already_configured")
                else:
                    self.need(module, call, name, error, flow, "abort")
            case "async_set_unique_id":
                progress = _keyword(call, "raise_on_progress")
                if not (isinstance(progress, ast.Constant) and progress.value is False):
                    self.need_literal(module, call, flow, "abort", "already_in_progress")
            case "async_show_form" | "async_show_menu":
                self.show_step(module, call, name, flow)

    def show_step(self, module: Module, call: ast.Call, name: str, flow: str) -> None:
        """Record a form's or menu's step, its menu options and a literal `errors` dict."""
        step = _keyword(call, "step_id")
        self.need(module, call, f"{name} step_id", step, flow, "step")
        steps = self.package.strings(module, step) if step is not None else None
        errors = _keyword(call, "errors")
        if isinstance(errors, ast.Dict):
            for value in errors.values:
                self.need(module, call, "errors", value, flow, "error")
        menu = _keyword(call, "menu_options")
        if menu is None or steps is None:
            return
        if isinstance(menu, ast.Dict):
            options = self.package.mapping_keys(module, menu)
        else:
            options = self.package.sequence_strings(module, menu)
        if options is None:
            where = self.package.where(module, call)
            self.scan.unresolved.append(Unresolved(f"menu options: {ast.unparse(menu)}", where))
            return
        for step_id in sorted(steps):
            for option in sorted(options):
                self.need_literal(module, call, flow, "step", step_id, "menu_options", option)

    def errors_assignment(self, module: Module, node: ast.Assign) -> None:
        """Record `errors[field] = key` inside a flow."""
        for target in node.targets:
            if (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and target.value.id == "errors"
                and (flow := self.flow_of(module, node)) is not None
            ):
                self.need(module, node, "errors[...]", node.value, flow, "error")

    def entity_class(self, module: Module, cls: ast.ClassDef) -> None:
        """Record `_attr_translation_key = key` of an entity class."""
        for value in _class_attribute_values(cls, "_attr_translation_key"):
            if isinstance(value, ast.Constant) and value.value is None:
                continue
            platform = self.platform_of(module, cls.name, "Entity")
            if platform is None:
                where = self.package.where(module, value)
                self.scan.unresolved.append(Unresolved(f"platform of {cls.name}", where))
                continue
            self.need(module, value, "_attr_translation_key", value, "entity", platform)


def scan_package(root: Path, package: str) -> Scan:
    """Scan a package folder (e.g. custom_components/door_access) for translation keys."""
    return _Scanner(Package(root, package)).run()


def missing(scan: Scan, strings: dict[str, object]) -> Iterator[KeyUse]:
    """Yield every use whose path does not exist in a translation file."""
    for use in scan.uses:
        node: object = strings
        for part in use.path:
            if not isinstance(node, dict) or part not in node:
                yield use
                break
            node = node[part]
