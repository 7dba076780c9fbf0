"""Property tests generated from Tedee's documented data structures and enums.

For each structure the client reads (device activity, lock, lock sync, lock state, device
settings, software versions, gate, gate list, device operation) the generator reads the stored
docs page (`tests/contracts/tedee/datastructures`) and gives every documented field either a
value of its documented type (enums: every documented value and unknown ones), or leaves it
out, or sends null, or a value of another type. The client must then either build its model
(always, when every field had its documented type) or raise one `TedeeBadResponseError` whose
message names a field that was left out or mistyped; never any other exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
import re
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.api.clients import (
    AccessLevel,
    Activity,
    ActivityEvent,
    ActivitySource,
    DeviceType,
    DoorState,
    Gate,
    GateIcon,
    Lock,
    LockState,
    LockSync,
    Operation,
    OperationType,
    TedeeBadResponseError,
    module,
)
from tests.contracts.tedee_docs import DOCS, DocField, camel_to_member, enum, structure

tedee_models = module("tedee.models")

# Enums the client names, by the docs page that lists them.
CLIENT_ENUMS: dict[str, type[Any]] = {
    "event-type": ActivityEvent,
    "activity-source": ActivitySource,
    "lock-state": LockState,
    "door-state": DoorState,
    "device-type": DeviceType,
    "gate-icon": GateIcon,
    "access-level": AccessLevel,
    "device-operation-type": OperationType,
}
# Fields the docs show outside their tables: the user's name as the examples spell it.
EXTRA_FIELDS = {"device-activity": {"username": DocField("username", "string")}}
WRONG = (
    st.text(max_size=8)
    | st.booleans()
    | st.floats(allow_nan=False).filter(lambda value: not value.is_integer())
    | st.lists(st.integers(), max_size=2)
    | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
)
# Structures the client does not read (their pages are not stored): any small JSON.
ANY_JSON = st.none() | st.integers() | st.just({}) | st.lists(st.integers(), max_size=2)
DATES = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1))


@dataclass
class Plan:
    """What the generator did to each field, by field name (all levels together)."""

    mangled: set[str] = field(default_factory=set)
    enums: list[tuple[str, int]] = field(default_factory=list)

    def merge(self, other: Plan) -> None:
        self.mangled |= other.mangled
        self.enums += other.enums


def _stored(target: str) -> bool:
    return (DOCS / "datastructures" / f"{target}.rst").exists()


def _date_text(value: datetime, style: int) -> str:
    if style == 0:  # as the activity examples: naive UTC, milliseconds
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    if style == 1:
        return value.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def _valid(doc: DocField) -> st.SearchStrategy[tuple[Any, Plan]]:
    """A value of the field's documented type (and what it holds)."""
    if doc.kind == "enum" and doc.target is not None:
        documented = sorted(enum(doc.target))
        values = st.sampled_from(documented) | st.integers(-(2**40), 2**40)
        return values.map(lambda value: (value, Plan(enums=[(doc.target or "", value)])))
    if doc.kind == "object" and doc.target is not None:
        if not _stored(doc.target):
            return ANY_JSON.map(lambda value: (value, Plan()))
        nested = documented_object(doc.target)
        if doc.is_list or doc.target == "software-versions":  # the examples send a list
            return st.lists(nested, max_size=3).map(_merge_list)
        return nested
    simple: dict[str, st.SearchStrategy[Any]] = {
        "number": st.integers(-(2**53), 2**53),
        "integer": st.integers(-(2**31), 2**31),
        # An identifier (`operationId`) is never empty; other text may be.
        "string": st.text(min_size=doc.name.endswith("Id"), max_size=30),
        "boolean": st.booleans(),
        "datetime": st.builds(_date_text, DATES, st.integers(0, 2)),
    }
    return simple[doc.kind].map(lambda value: (value, Plan()))


def _merge_list(items: list[tuple[Any, Plan]]) -> tuple[Any, Plan]:
    plan = Plan()
    for _, item_plan in items:
        plan.merge(item_plan)
    return [value for value, _ in items], plan


def _wrong(doc: DocField) -> st.SearchStrategy[Any]:
    """A value of another type than the documented one (a date that is no date)."""
    if doc.kind in ("string",):
        return WRONG.filter(lambda value: not isinstance(value, str))
    if doc.kind == "boolean":
        return WRONG.filter(lambda value: not isinstance(value, bool))
    if doc.kind == "datetime":
        return WRONG | st.just("yesterday") | st.integers()
    if doc.kind == "object":  # an object (or a list of them) that is neither
        return WRONG.filter(lambda value: not isinstance(value, dict | list))
    return WRONG


_MISSING = object()


def _field(doc: DocField) -> st.SearchStrategy[tuple[Any, Plan]]:
    """One field: documented value (most often), left out, null, or of another type."""
    mangled = Plan(mangled={doc.name})
    return st.one_of(
        _valid(doc),
        _valid(doc),
        st.just((_MISSING, mangled)),
        st.just((None, mangled)),
        _wrong(doc).map(lambda value: (value, Plan(mangled={doc.name}))),
    )


def documented_object(name: str) -> st.SearchStrategy[tuple[dict[str, Any], Plan]]:
    """A JSON object of the documented structure `name`, each field as `_field` makes it."""
    fields = {**structure(name), **EXTRA_FIELDS.get(name, {})}

    def build(values: dict[str, tuple[Any, Plan]]) -> tuple[dict[str, Any], Plan]:
        plan = Plan()
        data: dict[str, Any] = {}
        for key, (value, field_plan) in values.items():
            plan.merge(field_plan)
            if value is not _MISSING:
                data[key] = value
        return data, plan

    return st.fixed_dictionaries({key: _field(doc) for key, doc in fields.items()}).map(build)


_NAMED = re.compile(r"^(?P<path>[^:]+): ")


def _named_field(error: TedeeBadResponseError) -> str:
    """Return the field an error names: the last part of the path before the colon."""
    match = _NAMED.match(str(error))
    assert match is not None, f"the error names no field: {error}"
    return match["path"].rsplit(".", 1)[-1].removesuffix("[]")


def _check(parse: Callable[[Any], Any], data: Any, plan: Plan) -> Any:
    """Parse; a failure must be one typed error naming a mangled field. Return the model."""
    error: TedeeBadResponseError | None = None
    try:
        return parse(data)
    except TedeeBadResponseError as err:
        error = err
    assert type(error) is TedeeBadResponseError
    assert plan.mangled, f"every field was as documented, yet: {error}"
    named = _named_field(error)
    assert named in plan.mangled, (named, plan.mangled)
    return None


def _assert_enum(target: str, raw: int, member: Any) -> None:
    """A documented value is its documented member; any other is UNRECOGNIZED."""
    documented = enum(target)
    if raw in documented:
        assert member.value == raw
        assert member.name.replace("_", "") == camel_to_member(documented[raw])
    else:
        assert member.name == "UNRECOGNIZED"


SETTINGS = settings(
    max_examples=120,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    deadline=None,
)


def test_every_documented_enum_value_has_its_member() -> None:
    for page, client_enum in CLIENT_ENUMS.items():
        for value in enum(page):
            _assert_enum(page, value, client_enum(value))
        assert client_enum(987654).name == "UNRECOGNIZED"


@SETTINGS
@given(documented_object("device-activity"))
def test_device_activity(generated: tuple[dict[str, Any], Plan]) -> None:
    data, plan = generated
    activity = _check(Activity.from_json, data, plan)
    if activity is None:
        return
    _assert_enum("event-type", data["event"], activity.event)
    assert activity.event_code == data["event"]
    if data.get("source") is not None:
        _assert_enum("activity-source", data["source"], activity.source)
    assert activity.date.tzinfo is not None
    names = [data.get(key) for key in ("userName", "username")]
    assert activity.username == next((name for name in names if name), None)


# A lock has the most fields (with its settings and state): fewer, larger examples.
@settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    deadline=None,
)
@given(documented_object("lock"))
def test_lock(generated: tuple[dict[str, Any], Plan]) -> None:
    data, plan = generated
    lock = _check(Lock.from_json, data, plan)
    if lock is None:
        return
    if data.get("type"):
        _assert_enum("device-type", data["type"], lock.type)
    state = data.get("deviceState")
    if lock.status is not None and isinstance(state, dict):
        _assert_enum("lock-state", state["state"], lock.status.state)
        if state.get("doorState") is not None:
            assert lock.status.door_state is not None
            _assert_enum("door-state", state["doorState"], lock.status.door_state)


@SETTINGS
@given(documented_object("lock-sync"))
def test_lock_sync(generated: tuple[dict[str, Any], Plan]) -> None:
    data, plan = generated
    sync = _check(LockSync.from_json, data, plan)
    if sync is not None:
        assert sync.id == data["id"]
        assert (sync.status is None) == (data.get("deviceState") is None)


@SETTINGS
@given(documented_object("gate"))
def test_gate(generated: tuple[dict[str, Any], Plan]) -> None:
    data, plan = generated
    gate = _check(Gate.from_json, data, plan)
    if gate is None:
        return
    if data.get("icon"):
        _assert_enum("gate-icon", data["icon"], gate.icon)
    if data.get("accessLevel") is not None:
        _assert_enum("access-level", data["accessLevel"], gate.access_level)
    assert gate.status.value in {"connected", "disconnected", "unlinked"}


@settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    deadline=None,
)
@given(documented_object("gate-list"))
def test_gate_list(generated: tuple[dict[str, Any], Plan]) -> None:
    data, plan = generated

    def parse(page: Any) -> list[Any]:
        items, _ = tedee_models.parse_gate_page(page)
        return [Gate.from_json(item) for item in items]

    _check(parse, data, plan)


@SETTINGS
@given(documented_object("device-operation"))
def test_device_operation(generated: tuple[dict[str, Any], Plan]) -> None:
    data, plan = generated
    operation = _check(Operation.from_json, data, plan)
    if operation is not None and data.get("type") is not None:
        _assert_enum("device-operation-type", data["type"], operation.type)
