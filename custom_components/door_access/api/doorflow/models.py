"""Typed, frozen models of DoorFlow's answers, and the one place that parses them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Self

from .errors import DoorFlowBadResponseError

_UNRECOGNIZED = "unrecognized"


class _LenientStrEnum(StrEnum):
    """A StrEnum whose values not in the docs map to an explicit UNRECOGNIZED member."""

    @classmethod
    def _missing_(cls, value: object) -> Self:
        if isinstance(value, str) and value.lower() != value:
            return cls(value.lower())
        return cls(_UNRECOGNIZED)


class SyncStatus(_LenientStrEnum):
    """Whether the account's changes have reached every door controller (`account.sync`)."""

    COMPLETE = "complete"
    FAILING = "failing"
    SYNCING = "syncing"
    PENDING = "pending"
    UNRECOGNIZED = _UNRECOGNIZED


class ChannelStatus(_LenientStrEnum):
    """Link state of a channel's door controller."""

    ONLINE = "online"
    OFFLINE = "offline"
    PENDING_ENCRYPTION = "pending_encryption"
    UNRECOGNIZED = _UNRECOGNIZED


class ChannelMode(_LenientStrEnum):
    """Door mode: normal (locked, card access) or held unlocked."""

    NORMAL = "normal"
    UNLOCK = "unlock"
    UNRECOGNIZED = _UNRECOGNIZED


class ChannelSyncStatus(_LenientStrEnum):
    """Whether one channel's configuration has reached its controller (`channel.sync`)."""

    OK = "ok"
    FAIL = "fail"
    SYNCING = "syncing"
    PENDING = "pending"
    UNRECOGNIZED = _UNRECOGNIZED


class AdmissionStatus(_LenientStrEnum):
    """Outcome of a remote admit (momentary unlock)."""

    PENDING = "pending"
    ADMITTED = "admitted"
    DENIED = "denied"
    OFFLINE = "offline"
    TIMEOUT = "timeout"
    UNRECOGNIZED = _UNRECOGNIZED


class _Fields:
    """Reads typed fields from one JSON object and says clearly what is wrong."""

    def __init__(self, data: object, what: str) -> None:
        if not isinstance(data, Mapping):
            raise DoorFlowBadResponseError(f"{what}: expected an object, got {type(data).__name__}")
        self._data: Mapping[str, Any] = data
        self._what = what

    def _fail(self, key: str, expected: str) -> DoorFlowBadResponseError:
        """Build the error for a field of the wrong type."""
        value = self._data.get(key)
        return DoorFlowBadResponseError(
            f"{self._what}.{key}: expected {expected}, got {type(value).__name__}"
        )

    def raw(self, key: str) -> object:
        """Return the value as it is (None when absent)."""
        return self._data.get(key)

    def has(self, key: str) -> bool:
        """Tell whether the key is present and not null."""
        return self._data.get(key) is not None

    def get_int(self, key: str) -> int:
        """Return a required integer."""
        value = self._data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, "an integer")
        return value

    def opt_int(self, key: str) -> int | None:
        """Return an optional integer."""
        return self.get_int(key) if self.has(key) else None

    def opt_bool(self, key: str) -> bool | None:
        """Return an optional boolean."""
        value = self._data.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self._fail(key, "a boolean")
        return value

    def opt_str(self, key: str) -> str | None:
        """Return an optional string."""
        value = self._data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._fail(key, "a string")
        return value

    def get_enum[E: _LenientStrEnum](self, key: str, enum: type[E]) -> E:
        """Return an enum member; absent or unknown values are UNRECOGNIZED."""
        return enum(self.opt_str(key) or _UNRECOGNIZED)

    def get_datetime(self, key: str) -> datetime | None:
        """Return an optional ISO 8601 timestamp (naive ones are UTC); unparsable is absent."""
        value = self.opt_str(key)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)

    def get_object(self, key: str) -> _Fields | None:
        """Return a nested object, or None when absent or null."""
        value = self._data.get(key)
        return None if value is None else _Fields(value, f"{self._what}.{key}")


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountSync:
    """How far the account's pending changes have been pushed to the door controllers."""

    status: SyncStatus
    last_sync: datetime | None
    description: str | None

    @classmethod
    def from_fields(cls, fields: _Fields | None) -> AccountSync:
        """Parse `account.sync` (absent means unknown)."""
        if fields is None:
            return cls(status=SyncStatus.UNRECOGNIZED, last_sync=None, description=None)
        return cls(
            status=fields.get_enum("status", SyncStatus),
            last_sync=fields.get_datetime("last_sync"),
            description=fields.opt_str("description"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    """The DoorFlow account (organisation) the credentials belong to."""

    id: int
    name: str
    sync: AccountSync

    @classmethod
    def from_json(cls, data: object) -> Account:
        """Parse `GET /api/3/account`."""
        fields = _Fields(data, "account")
        return cls(
            id=fields.get_int("id"),
            name=fields.opt_str("name") or "",
            sync=AccountSync.from_fields(fields.get_object("sync")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Lockdown:
    """Which inputs of a locked-down channel are disabled (absent flags count as off)."""

    card: bool
    rex: bool
    aux: bool

    @classmethod
    def from_fields(cls, fields: _Fields) -> Lockdown:
        """Parse `channel.lockdown` (`card_lockdown` or `card`, and so on)."""

        def flag(name: str) -> bool:
            """Read one flag under its long or short name."""
            value = fields.opt_bool(f"{name}_lockdown")
            if value is None:
                value = fields.opt_bool(name)
            return bool(value)

        return cls(card=flag("card"), rex=flag("rex"), aux=flag("aux"))

    @property
    def active(self) -> bool:
        """Tell whether any input is locked down."""
        return self.card or self.rex or self.aux


@dataclass(frozen=True, slots=True, kw_only=True)
class Channel:
    """A DoorFlow channel: one door on a door controller."""

    id: int
    name: str
    status: ChannelStatus
    mode: ChannelMode
    relock_at: datetime | None
    change_stamp: int | None
    lockdown: Lockdown | None
    sync_status: ChannelSyncStatus
    last_sync_completed_at: datetime | None
    auto_unlock: bool | None
    model: str | None
    firmware: str | None
    site_id: int | None

    @classmethod
    def from_json(cls, data: object) -> Channel:
        """Parse a channel as `GET /api/3/channels` and the door commands return it."""
        fields = _Fields(data, "channel")
        mode_value = fields.raw("mode")
        if isinstance(mode_value, str):
            mode, relock_at, change_stamp = ChannelMode(mode_value), None, None
        else:
            mode_fields = fields.get_object("mode")
            if mode_fields is None:
                mode, relock_at, change_stamp = ChannelMode.UNRECOGNIZED, None, None
            else:
                mode = mode_fields.get_enum("description", ChannelMode)
                relock_at = mode_fields.get_datetime("relock_at")
                change_stamp = mode_fields.opt_int("change_stamp")
        lockdown = fields.get_object("lockdown")
        sync = fields.get_object("sync")
        return cls(
            id=fields.get_int("id"),
            name=fields.opt_str("name") or "",
            status=fields.get_enum("status", ChannelStatus),
            mode=mode,
            relock_at=relock_at,
            change_stamp=change_stamp,
            lockdown=None if lockdown is None else Lockdown.from_fields(lockdown),
            sync_status=(
                ChannelSyncStatus.UNRECOGNIZED
                if sync is None
                else sync.get_enum("status", ChannelSyncStatus)
            ),
            last_sync_completed_at=(
                None if sync is None else sync.get_datetime("last_sync_completed_at")
            ),
            auto_unlock=fields.opt_bool("auto_unlock"),
            model=fields.opt_str("model"),
            firmware=fields.opt_str("firmware"),
            site_id=fields.opt_int("site_id"),
        )

    @property
    def is_online(self) -> bool:
        """Tell whether the door controller is reachable."""
        return self.status is ChannelStatus.ONLINE

    @property
    def is_unlocked(self) -> bool:
        """Tell whether the door is held unlocked (unlock mode)."""
        return self.mode is ChannelMode.UNLOCK

    @property
    def is_locked_down(self) -> bool:
        """Tell whether any input of the door is locked down."""
        return self.lockdown is not None and self.lockdown.active


@dataclass(frozen=True, slots=True, kw_only=True)
class AdmissionRequest:
    """A remote admit (momentary unlock) and how it went."""

    id: int
    status: AdmissionStatus
    channel_id: int | None
    created_at: datetime | None

    @classmethod
    def from_json(cls, data: object) -> AdmissionRequest:
        """Parse the 202 of an admit or `GET /api/3/admission_requests/{id}`."""
        fields = _Fields(data, "admission request")
        key = "admission_request_id" if fields.has("admission_request_id") else "id"
        return cls(
            id=fields.get_int(key),
            status=fields.get_enum("status", AdmissionStatus),
            channel_id=fields.opt_int("channel_id"),
            created_at=fields.get_datetime("created_at"),
        )

    @property
    def pending(self) -> bool:
        """Tell whether the controller has not answered yet."""
        return self.status is AdmissionStatus.PENDING


@dataclass(frozen=True, slots=True, kw_only=True)
class DoorEvent:
    """One access or door event (codes 31-37 door state and alarms, 30 REX, 90-91 tamper)."""

    id: int
    code: int
    label: str | None
    channel_id: int | None
    created_at: datetime | None

    @classmethod
    def from_json(cls, data: object) -> DoorEvent:
        """Parse one item of `GET /api/3/events`."""
        fields = _Fields(data, "event")
        return cls(
            id=fields.get_int("id"),
            code=fields.get_int("event_code"),
            label=fields.opt_str("event_label"),
            channel_id=fields.opt_int("channel_id"),
            created_at=fields.get_datetime("created_at"),
        )


def parse_items(data: object, key: str) -> list[object]:
    """Return the items of a listing: a bare list, or a list under `key` in an object."""
    if isinstance(data, Mapping):
        data = data.get(key)
    if not isinstance(data, list):
        raise DoorFlowBadResponseError(f"{key}: expected a list, got {type(data).__name__}")
    return data
