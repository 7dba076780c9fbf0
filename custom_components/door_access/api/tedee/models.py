"""Typed, frozen models of the Tedee cloud's answers, and the one place that parses them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import IntEnum, StrEnum

from ..core.enums import LenientIntEnum, LenientStrEnum
from ..core.errors import OperationFailure
from ..core.fields import Fields, expect_list
from .errors import TedeeBadResponseError, TedeeOperationError


def fields_of(data: object, what: str) -> Fields:
    """Return a field reader whose errors are Tedee bad responses."""
    return Fields(data, what, TedeeBadResponseError)


class LockState(LenientIntEnum):
    """Position of a lock (`deviceState.state`)."""

    UNRECOGNIZED = -1
    UNCALIBRATED = 0
    CALIBRATING = 1
    UNLOCKED = 2
    SEMI_LOCKED = 3
    UNLOCKING = 4
    LOCKING = 5
    LOCKED = 6
    PULLED = 7
    PULLING = 8
    UNKNOWN = 9
    UPDATING = 18


class DoorState(LenientIntEnum):
    """What the paired door sensor reports (`deviceState.doorState`)."""

    UNRECOGNIZED = -1
    NOT_PAIRED = 0
    DISCONNECTED = 1
    OPENED = 2
    CLOSED = 3
    UNCALIBRATED = 4


class DeviceType(LenientIntEnum):
    """Kind of Tedee device."""

    UNRECOGNIZED = -1
    BRIDGE = 1
    LOCK_PRO = 2
    KEYPAD = 3
    LOCK_GO = 4
    GATE = 5
    DRY_CONTACT = 6
    DOOR_SENSOR = 8
    KEYPAD_PRO = 10


class GateIcon(LenientIntEnum):
    """Icon the user chose for a gate."""

    UNRECOGNIZED = -1
    DOOR = 1
    FENCE_GATE = 2
    GARAGE_DOOR = 3
    PARKING_BARRIER = 4
    PARKING_GATE = 5


class AccessLevel(LenientIntEnum):
    """The user's access level to a device (`accessLevel`)."""

    UNRECOGNIZED = -1
    GUEST = 0
    ADMIN = 1
    OWNER = 2
    NONE = 3


class SoftwareType(LenientIntEnum):
    """Which software a `softwareVersions` entry describes."""

    UNRECOGNIZED = -1
    DEVICE = 0
    WIFI = 1


class OperationType(LenientIntEnum):
    """Kind of lock operation."""

    UNRECOGNIZED = -1
    LOCK = 0
    UNLOCK = 1
    PULL = 2


class UnlockMode(IntEnum):
    """How an unlock is carried out (`mode` query parameter)."""

    NORMAL = 0
    FORCE = 2
    WITHOUT_PULL = 3
    UNLOCK_OR_PULL = 4


class OperationStatus(LenientStrEnum):
    """Progress of an operation."""

    PENDING = "PENDING"
    COMPLETED = "COMPLETED"
    UNRECOGNIZED = "UNRECOGNIZED"


class GateStatus(StrEnum):
    """Link state of a BleBox gate, as the gate-sync documentation defines it."""

    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    UNLINKED = "unlinked"


DEVICE_MODELS: dict[DeviceType, str] = {
    DeviceType.BRIDGE: "Bridge",
    DeviceType.LOCK_PRO: "Lock PRO",
    DeviceType.KEYPAD: "Keypad",
    DeviceType.LOCK_GO: "Lock GO",
    DeviceType.GATE: "Gate",
    DeviceType.DRY_CONTACT: "Dry contact",
    DeviceType.DOOR_SENSOR: "Door sensor",
    DeviceType.KEYPAD_PRO: "Keypad PRO",
}


def _software_version(fields: Fields) -> str | None:
    """Return the device's firmware version from `softwareVersions`.

    The docs' tables type it as one object, their examples as a list: both are read. The
    device's own software (type 0) wins over the others (WiFi module).
    """
    raw = fields.raw("softwareVersions")
    entries = [raw] if isinstance(raw, dict) else fields.get_list("softwareVersions")
    versions: list[tuple[bool, str]] = []
    for item in entries:
        entry = fields_of(item, "softwareVersions[]")
        version = entry.opt_str("version")
        kind = entry.opt_int("softwareType")
        if version:
            versions.append((kind not in (None, SoftwareType.DEVICE), version))
    return min(versions, key=lambda pair: pair[0])[1] if versions else None


def _opt_enum[E: LenientIntEnum](fields: Fields, key: str, enum: type[E]) -> E | None:
    """Return an optional integer enum (unknown values are UNRECOGNIZED, absent is None)."""
    value = fields.opt_int(key)
    return None if value is None else enum(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class LockStatus:
    """Live state of a lock (`deviceState`, formerly `lockProperties`)."""

    state: LockState
    door_state: DoorState | None
    is_charging: bool
    battery_level: int | None
    state_change_result: int
    last_state_changed: datetime | None

    @classmethod
    def from_fields(cls, fields: Fields) -> LockStatus:
        """Parse a `deviceState` / `lockProperties` object."""
        battery = fields.opt_int("batteryLevel")
        return cls(
            state=LockState(fields.get_int("state")),
            door_state=_opt_enum(fields, "doorState", DoorState),
            is_charging=fields.get_bool("isCharging", default=False),
            battery_level=None if battery is None or not 0 <= battery <= 100 else battery,
            state_change_result=fields.opt_int("stateChangeResult") or 0,
            last_state_changed=fields.get_datetime("lastStateChangedDate"),
        )

    @property
    def is_jammed(self) -> bool:
        """Tell whether the last state change failed."""
        return self.state_change_result > 0


def _parse_status(fields: Fields) -> LockStatus | None:
    """Read the lock state from `deviceState` or the older `lockProperties`."""
    nested = fields.get_object("deviceState") or fields.get_object("lockProperties")
    return None if nested is None else LockStatus.from_fields(nested)


@dataclass(frozen=True, slots=True, kw_only=True)
class LockSync:
    """One item of a lock sync answer."""

    id: int
    is_connected: bool
    status: LockStatus | None
    revision: int

    @classmethod
    def from_json(cls, data: object) -> LockSync:
        """Parse one lock sync item."""
        fields = fields_of(data, "lock sync")
        return cls(
            id=fields.get_int("id"),
            is_connected=fields.get_bool("isConnected", default=False),
            status=_parse_status(fields),
            revision=fields.opt_int("revision") or 0,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class LockSettings:
    """The lock's settings that the integration shows."""

    pull_spring_enabled: bool = False
    pull_spring_duration: int | None = None
    auto_pull_spring_enabled: bool = False
    auto_lock_enabled: bool = False

    @classmethod
    def from_fields(cls, fields: Fields | None) -> LockSettings:
        """Parse `deviceSettings` (absent means all off)."""
        if fields is None:
            return cls()
        return cls(
            pull_spring_enabled=fields.get_bool("pullSpringEnabled", default=False),
            pull_spring_duration=fields.opt_int("pullSpringDuration"),
            auto_pull_spring_enabled=fields.get_bool("autoPullSpringEnabled", default=False),
            auto_lock_enabled=fields.get_bool("autoLockEnabled", default=False),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Lock:
    """A lock with its details and latest state."""

    id: int
    name: str
    type: DeviceType
    serial_number: str
    is_connected: bool
    bridge_id: int | None
    settings: LockSettings
    status: LockStatus | None
    software_version: str | None
    revision: int
    # False for a lock known only from a sync: its name, type, settings are not read yet.
    detailed: bool = True

    @classmethod
    def from_sync(cls, sync: LockSync) -> Lock:
        """Return a lock known only from a sync item (its details are read later)."""
        return cls(
            id=sync.id,
            name="",
            type=DeviceType.UNRECOGNIZED,
            serial_number="",
            is_connected=sync.is_connected,
            bridge_id=None,
            settings=LockSettings.from_fields(None),
            status=sync.status,
            software_version=None,
            revision=sync.revision,
            detailed=False,
        )

    @classmethod
    def from_json(cls, data: object) -> Lock:
        """Parse a lock as `GET /my/lock` returns it."""
        fields = fields_of(data, "lock")
        return cls(
            id=fields.get_int("id"),
            name=fields.get_str("name", default=""),
            type=DeviceType(fields.opt_int("type") or DeviceType.LOCK_PRO),
            serial_number=fields.get_str("serialNumber", default=""),
            is_connected=fields.get_bool("isConnected", default=False),
            bridge_id=fields.opt_int("connectedToId"),
            settings=LockSettings.from_fields(fields.get_object("deviceSettings")),
            status=_parse_status(fields),
            software_version=_software_version(fields),
            revision=fields.opt_int("revision") or 0,
        )

    def with_sync(self, sync: LockSync) -> Lock:
        """Return this lock with the state from a sync answer."""
        return replace(
            self, is_connected=sync.is_connected, status=sync.status, revision=sync.revision
        )

    @property
    def model(self) -> str:
        """Return the product name of the lock."""
        return DEVICE_MODELS.get(self.type, "Lock")


@dataclass(frozen=True, slots=True, kw_only=True)
class Bridge:
    """A Tedee bridge, the parent device of the locks that connect through it."""

    id: int
    name: str
    serial_number: str
    software_version: str | None

    @classmethod
    def from_json(cls, data: object) -> Bridge:
        """Parse a bridge as `GET /my/bridge` returns it."""
        fields = fields_of(data, "bridge")
        return cls(
            id=fields.get_int("id"),
            name=fields.get_str("name", default=""),
            serial_number=fields.get_str("serialNumber", default=""),
            software_version=_software_version(fields),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Gate:
    """A BleBox gate controller linked to the Tedee account."""

    id: int
    name: str
    serial_number: str
    icon: GateIcon
    is_connected: bool
    is_present_in_external: bool
    impulse_length: int | None
    access_level: AccessLevel | None
    external_name: str | None
    software_version: str | None
    revision: int

    @classmethod
    def from_json(cls, data: object) -> Gate:
        """Parse a gate as `GET /my/gate` returns it."""
        fields = fields_of(data, "gate")
        return cls(
            id=fields.get_int("id"),
            name=fields.get_str("name", default=""),
            serial_number=fields.get_str("serialNumber", default=""),
            icon=GateIcon(fields.opt_int("icon") or -1),
            is_connected=fields.get_bool("isConnected", default=False),
            is_present_in_external=fields.get_bool("isPresentInExternal", default=True),
            impulse_length=fields.opt_int("impulseLength"),
            access_level=_opt_enum(fields, "accessLevel", AccessLevel),
            external_name=fields.opt_str("externalName"),
            software_version=_software_version(fields),
            revision=fields.opt_int("revision") or 0,
        )

    @property
    def status(self) -> GateStatus:
        """Return connected / disconnected / unlinked as the gate-sync docs define them."""
        if not self.is_present_in_external:
            return GateStatus.UNLINKED
        if self.is_connected:
            return GateStatus.CONNECTED
        return GateStatus.DISCONNECTED


@dataclass(frozen=True, slots=True, kw_only=True)
class Operation:
    """Progress of a lock operation."""

    operation_id: str
    device_id: int | None
    type: OperationType
    status: OperationStatus
    result: int

    @classmethod
    def from_json(cls, data: object) -> Operation:
        """Parse `GET /my/device/operation/{id}`."""
        fields = fields_of(data, "operation")
        return cls(
            operation_id=fields.id_str("operationId"),
            device_id=fields.opt_int("deviceId"),
            type=OperationType(fields.get_int("type") if fields.has("type") else -1),
            status=fields.get_enum("status", OperationStatus),
            result=fields.opt_int("result") or 0,
        )

    @property
    def completed(self) -> bool:
        """Tell whether the lock has finished the operation."""
        return self.status is OperationStatus.COMPLETED

    @property
    def failure(self) -> OperationFailure | None:
        """Return why a completed operation failed (result 1: jammed, other > 0), else None."""
        if not self.completed or self.result <= 0:
            return None
        return OperationFailure.JAMMED if self.result == 1 else OperationFailure.FAILED

    def raise_if_failed(self) -> None:
        """Raise a TedeeOperationError when the operation completed with an error."""
        failure = self.failure
        if failure is OperationFailure.JAMMED:
            raise TedeeOperationError("the lock jammed", reason=failure)
        if failure is not None:
            raise TedeeOperationError(
                f"the operation failed (result {self.result})", reason=failure
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class User:
    """The account that owns the token."""

    id: int
    email: str | None
    name: str | None

    @classmethod
    def from_json(cls, data: object) -> User:
        """Parse `GET /my/user`."""
        fields = fields_of(data, "user")
        return cls(
            id=fields.get_int("id"), email=fields.opt_str("email"), name=fields.opt_str("name")
        )


def parse_operation_id(data: object) -> str:
    """Read the operation id from a 202 answer of a lock operation."""
    return fields_of(data, "operation started").id_str("operationId")


def parse_list(data: object, what: str) -> list[object]:
    """Check that a result is a list."""
    return expect_list(data, what, TedeeBadResponseError)


def parse_gate_page(data: object) -> tuple[list[object], int | None]:
    """Read one page of `GET /my/gate`: its gates and its `itemsPerPage` (a bare list has none)."""
    if isinstance(data, list):
        return data, None
    fields = fields_of(data, "gate page")
    per_page = fields.opt_int("itemsPerPage")
    return fields.get_list("gates"), per_page if per_page is not None and per_page > 0 else None
