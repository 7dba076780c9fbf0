"""Typed, frozen models of DoorFlow's account, doors, admits and sites, parsed in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import override

from ..core.enums import LenientStrEnum
from ..core.errors import OperationFailure
from ..core.fields import Fields, expect_list, parse_timestamp
from .errors import DoorFlowBadResponseError, DoorFlowOperationError


def fields_of(data: object, what: str) -> Fields:
    """Return a field reader whose errors are DoorFlow bad responses."""
    return Fields(data, what, DoorFlowBadResponseError)


class SyncStatus(LenientStrEnum):
    """Whether the account's changes have reached every door controller (`account.sync`)."""

    COMPLETE = "complete"
    FAILING = "failing"
    SYNCING = "syncing"
    PENDING = "pending"
    UNRECOGNIZED = "unrecognized"


class ChannelStatus(LenientStrEnum):
    """Link state of a channel's door controller."""

    ONLINE = "online"
    OFFLINE = "offline"
    PENDING_ENCRYPTION = "pending_encryption"
    UNRECOGNIZED = "unrecognized"


class ChannelMode(LenientStrEnum):
    """Door mode: normal (locked, card access) or held unlocked."""

    NORMAL = "normal"
    UNLOCK = "unlock"
    UNRECOGNIZED = "unrecognized"


class ChannelSyncStatus(LenientStrEnum):
    """Whether one channel's configuration has reached its controller (`channel.sync`).

    Older API pages name the synced state `sync_complete`; it is read as `ok`.
    """

    OK = "ok"
    FAIL = "fail"
    SYNCING = "syncing"
    PENDING = "pending"
    UNRECOGNIZED = "unrecognized"

    @classmethod
    @override
    def _missing_(cls, value: object) -> ChannelSyncStatus:
        if isinstance(value, str) and value.casefold() == "sync_complete":
            return cls.OK
        return super()._missing_(value)


class AdmissionStatus(LenientStrEnum):
    """Outcome of a remote admit (momentary unlock)."""

    PENDING = "pending"
    ADMITTED = "admitted"
    DENIED = "denied"
    OFFLINE = "offline"
    TIMEOUT = "timeout"
    UNRECOGNIZED = "unrecognized"


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountSync:
    """How far the account's pending changes have been pushed to the door controllers."""

    status: SyncStatus
    last_sync: datetime | None
    description: str | None

    @classmethod
    def from_fields(cls, fields: Fields | None) -> AccountSync:
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
    """The DoorFlow account (organisation) the credentials belong to.

    `id` is opaque text: the v3 contract types it as a string (a hashid such as `abc123xyz`);
    an account answered with a number keeps that number's decimal text.
    """

    id: str
    name: str
    sync: AccountSync
    time_zone: str | None = None

    @classmethod
    def from_json(cls, data: object) -> Account:
        """Parse `GET /api/3/account`."""
        fields = fields_of(data, "account")
        return cls(
            id=fields.id_str("id"),
            name=fields.opt_str("name") or "",
            sync=AccountSync.from_fields(fields.get_object("sync")),
            time_zone=fields.opt_str("time_zone"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Lockdown:
    """Which inputs of a locked-down channel are disabled (absent flags count as off)."""

    card: bool
    rex: bool
    aux: bool
    message: str | None = None

    @classmethod
    def from_fields(cls, fields: Fields) -> Lockdown:
        """Parse `channel.lockdown`: `{card_lockdown: {state}}` (v3 spec) or flat booleans."""

        def flag(name: str) -> bool:
            """Read one input under its long or short name, as a boolean or `{state}`."""
            for key in (f"{name}_lockdown", name):
                value = fields.raw(key)
                if value is None:
                    continue
                if isinstance(value, bool):
                    return value
                if not isinstance(value, Mapping):
                    raise fields.fail(key, "a boolean or an object")
                nested = fields.get_object(key)
                return nested is not None and nested.get_bool("state", default=False)
            return False

        return cls(
            card=flag("card"), rex=flag("rex"), aux=flag("aux"), message=fields.opt_str("message")
        )

    @property
    def active(self) -> bool:
        """Tell whether any input is locked down."""
        return self.card or self.rex or self.aux


def _change_stamp(fields: Fields) -> int | None:
    """Read `mode.change_stamp`: seconds since the epoch, or an ISO 8601 time (v3 spec)."""
    value = fields.raw("change_stamp")
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, str):
        when = parse_timestamp(value)
        return None if when is None else int(when.timestamp())
    raise fields.fail("change_stamp", "an integer or a timestamp")


def _auto_unlock(fields: Fields) -> bool | None:
    """Read `auto_unlock`: a boolean, or the v3 spec's shift object (configured: True)."""
    value = fields.raw("auto_unlock")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Mapping):
        return True
    raise fields.fail("auto_unlock", "a boolean or an object")


@dataclass(frozen=True, slots=True, kw_only=True)
class Channel:
    """A DoorFlow channel: one door on a door controller.

    Ids (`id`, `site_id`) are opaque text (a number keeps its decimal text). The controller's
    versions are `freescale_version` (its main firmware) and `pic_version` (its I/O
    processor); the contract has no single firmware field.
    """

    id: str
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
    site_id: str | None
    mac_address: str | None = None
    unit: int | None = None
    model_long: str | None = None
    serial_number: str | None = None
    updated_at: datetime | None = None
    freescale_version: str | None = None
    pic_version: str | None = None

    @classmethod
    def from_json(cls, data: object) -> Channel:
        """Parse a channel as `GET /api/3/channels` and the door commands return it."""
        fields = fields_of(data, "channel")
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
                change_stamp = _change_stamp(mode_fields)
        lockdown = fields.get_object("lockdown")
        sync = fields.get_object("sync")
        return cls(
            id=fields.id_str("id"),
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
            auto_unlock=_auto_unlock(fields),
            model=fields.opt_str("model"),
            site_id=fields.opt_id("site_id"),
            mac_address=fields.opt_str("mac_address"),
            unit=fields.opt_int("unit"),
            model_long=fields.opt_str("model_long"),
            serial_number=fields.opt_str("serial_number"),
            updated_at=fields.get_datetime("updated_at"),
            freescale_version=fields.opt_str("freescale_version"),
            pic_version=fields.opt_str("pic_version"),
        )

    @property
    def firmware(self) -> str | None:
        """Return the controller's firmware as one text: main version, with the I/O one."""
        if self.freescale_version and self.pic_version:
            return f"{self.freescale_version} (PIC {self.pic_version})"
        if self.pic_version:
            return f"PIC {self.pic_version}"
        return self.freescale_version or None

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


_ADMISSION_FAILURES: dict[AdmissionStatus, tuple[OperationFailure, str]] = {
    AdmissionStatus.DENIED: (OperationFailure.DENIED, "the door controller denied the admit"),
    AdmissionStatus.OFFLINE: (OperationFailure.OFFLINE, "the door controller is offline"),
    AdmissionStatus.TIMEOUT: (
        OperationFailure.TIMEOUT,
        "the door controller did not answer the admit",
    ),
    AdmissionStatus.UNRECOGNIZED: (
        OperationFailure.FAILED,
        "the admit ended in an unrecognized status",
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class AdmissionRequest:
    """A remote admit (momentary unlock) and how it went (ids are opaque text)."""

    id: str
    status: AdmissionStatus
    channel_id: str | None
    created_at: datetime | None
    completed_at: datetime | None = None

    @classmethod
    def from_json(cls, data: object) -> AdmissionRequest:
        """Parse the 202 of an admit or `GET /api/3/admission_requests/{id}`."""
        fields = fields_of(data, "admission request")
        key = "admission_request_id" if fields.has("admission_request_id") else "id"
        created = "requested_at" if fields.has("requested_at") else "created_at"
        return cls(
            id=fields.id_str(key),
            status=fields.get_enum("status", AdmissionStatus),
            channel_id=fields.opt_id("channel_id"),
            created_at=fields.get_datetime(created),
            completed_at=fields.get_datetime("completed_at"),
        )

    @property
    def pending(self) -> bool:
        """Tell whether the controller has not answered yet."""
        return self.status is AdmissionStatus.PENDING

    @property
    def failure(self) -> OperationFailure | None:
        """Return why a decided admit failed, or None (admitted, or still pending)."""
        found = _ADMISSION_FAILURES.get(self.status)
        return None if found is None else found[0]

    def raise_if_failed(self) -> None:
        """Raise a DoorFlowOperationError when the admit was decided against (or unknown)."""
        if (found := _ADMISSION_FAILURES.get(self.status)) is not None:
            reason, message = found
            raise DoorFlowOperationError(message, reason=reason)


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """A site (physical location) that groups channels, with its time zone (id: opaque text)."""

    id: str
    name: str
    time_zone: str | None
    notes: str | None

    @classmethod
    def from_json(cls, data: object) -> Site:
        """Parse one item of `GET /api/3/sites`."""
        fields = fields_of(data, "site")
        return cls(
            id=fields.id_str("id"),
            name=fields.opt_str("name") or "",
            time_zone=fields.opt_str("time_zone"),
            notes=fields.opt_str("notes"),
        )


def parse_items(data: object, key: str) -> list[object]:
    """Return the items of a listing: a bare list, or a list under `key` in an object."""
    if isinstance(data, Mapping):
        data = data.get(key)
    return expect_list(data, key, DoorFlowBadResponseError)
