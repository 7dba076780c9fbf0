"""DoorFlow's resources as the simulator keeps them: config, sites, people, channels, admits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from simulator.timeutil import iso_ms, iso_s

SCOPE_READ = frozenset({"account.channel.readonly", "account.channel"})
SCOPE_ADMIT = frozenset({"account.channel.admit", "account.channel"})
SCOPE_SYNC = frozenset({"account.sync"})
SCOPE_EVENTS = frozenset({"account.event.access.readonly", "account.event.access"})
SCOPE_SITES = frozenset({"account.site.readonly"})
ALL_SCOPES = (
    "account.channel",
    "account.channel.readonly",
    "account.channel.admit",
    "account.sync",
    "account.event.access.readonly",
    "account.person.readonly",
    "account.site.readonly",
    "account.notification_rule",
)
LOCKDOWN_KEYS = ("card_lockdown", "rex_lockdown", "aux_lockdown")
LOCKDOWN_MESSAGES = {
    "card_lockdown": "Cards and PINs will be rejected",
    "rex_lockdown": "Request-to-exit is disabled",
    "aux_lockdown": "AUX input is disabled",
}
DEFAULT_MODEL = ("IPBR-2", "2 channel IP Controller")


@dataclass
class DoorFlowConfig:
    """Tunable behaviour of DoorFlow (control API: ``/_control/doorflow/config``)."""

    sync_interval: float = 30.0
    access_token_lifetime: int = 3600
    admission_timeout: float = 120.0
    code_lifetime: float = 600.0
    admission_delay: tuple[float, float] = (1.0, 3.0)
    door_alarm_clear_after: float | None = 60.0
    max_page_size: int | None = None
    legacy_lockdown: bool = False

    def to_json(self) -> dict[str, Any]:
        """Describe the configuration."""
        return {
            "sync_interval": self.sync_interval,
            "access_token_lifetime": self.access_token_lifetime,
            "admission_timeout": self.admission_timeout,
            "code_lifetime": self.code_lifetime,
            "admission_delay": list(self.admission_delay),
            "door_alarm_clear_after": self.door_alarm_clear_after,
            "max_page_size": self.max_page_size,
            "legacy_lockdown": self.legacy_lockdown,
        }


@dataclass
class Site:
    """A DoorFlow site (a physical location grouping channels)."""

    id: int
    name: str
    time_zone: str | None = None
    notes: str | None = None
    ip_address: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the site model."""
        return {
            "id": self.id,
            "name": self.name,
            "ip_address": self.ip_address,
            "time_zone": self.time_zone,
            "notes": self.notes,
            "site_ips": [{"ip_address": self.ip_address}] if self.ip_address else [],
        }


@dataclass
class Person:
    """A person of the DoorFlow account (named in access events)."""

    id: int
    name: str

    @property
    def card_number(self) -> str:
        """Return the person's (made-up) card number."""
        return f"{4000000 + self.id}"


@dataclass
class Channel:
    """A DoorFlow channel (one door on a door controller)."""

    id: int
    name: str
    status: str = "online"
    mode: str = "normal"
    relock_at: datetime | None = None
    change_stamp: int = 1
    lockdown: dict[str, bool] | None = None
    sync_status: str = "ok"
    sync_until: float | None = None
    last_sync_completed_at: datetime | None = None
    auto_unlock: bool = False
    model: str = DEFAULT_MODEL[0]
    model_long: str = DEFAULT_MODEL[1]
    mac_address: str = "00:00:00:00:00:00"
    unit: int = 1
    serial_number: str | None = None
    freescale_version: str | None = "4.12.0"
    pic_version: str | None = "1.9"
    card_format: str | None = "wiegand_26"
    pin_format: str | None = "4_bit_burst"
    reader_device_class_name: str | None = None
    site_id: int | None = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None
    unresponsive: bool = False
    door_open: bool = False
    alarm: str | None = None
    alarm_clear_at: float | None = None
    tampered: bool = False
    hold_past_relock: bool = False

    def lockdown_json(self, legacy: bool) -> dict[str, Any] | None:
        """Return ``lockdown`` as the spec shows it (or as flat flags when ``legacy``)."""
        flags = self.lockdown
        if not flags or not any(flags.values()):
            return None
        if legacy:
            return {key: bool(flags.get(key)) for key in LOCKDOWN_KEYS}
        message = "; ".join(LOCKDOWN_MESSAGES[k] for k in LOCKDOWN_KEYS if flags.get(k))
        return {
            "message": message,
            **{key: {"state": bool(flags.get(key))} for key in LOCKDOWN_KEYS},
        }

    def to_json(self, legacy_lockdown: bool = False) -> dict[str, Any]:
        """Return the channel model with the v3 contract's fields and types.

        `change_stamp` is the date-time of the last mode change (the simulator counts it in
        whole seconds); `auto_unlock` is the auto-unlock shift (`{id, name}`) or null.
        """
        shown: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "mac_address": self.mac_address,
            "status": self.status,
            "unit": self.unit,
            "model": self.model,
            "model_long": self.model_long,
            "serial_number": self.serial_number,
            "card_format": self.card_format,
            "pin_format": self.pin_format,
            "freescale_version": self.freescale_version,
            "pic_version": self.pic_version,
            "reader_device_class_name": self.reader_device_class_name,
            "site_id": self.site_id,
            "mode": {
                "description": self.mode,
                "relock_at": iso_s(self.relock_at) if self.relock_at else None,
                "change_stamp": iso_s(datetime.fromtimestamp(self.change_stamp, UTC)),
            },
            "lockdown": self.lockdown_json(legacy_lockdown),
            "sync": {
                "status": self.sync_status,
                "last_sync_completed_at": (
                    iso_s(self.last_sync_completed_at) if self.last_sync_completed_at else None
                ),
            },
            "auto_unlock": {"id": 1, "name": "Opening hours"} if self.auto_unlock else None,
        }
        # Dates the contract types as date-time (not nullable): absent rather than null.
        if self.created_at is not None:
            shown["created_at"] = iso_ms(self.created_at)
        if self.updated_at is not None:
            shown["updated_at"] = iso_ms(self.updated_at)
        return shown


@dataclass
class Admission:
    """A remote admit request and its (lazily decided) outcome."""

    id: int
    channel_id: int
    channel_name: str
    created_at: float
    decide_at: float
    status: str = "pending"
    created_utc: datetime | None = None
    completed_utc: datetime | None = None
    person: Person | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the admission request model (a general admit names no person)."""
        requested = iso_ms(self.created_utc) if self.created_utc else None
        return {
            "id": self.id,
            "status": self.status,
            "channel_id": self.channel_id,
            "person_id": None,
            "requested_at": requested,
            "completed_at": iso_ms(self.completed_utc) if self.completed_utc else None,
            "door_controller": {"id": self.channel_id, "name": self.channel_name},
            "person": None,
        }


@dataclass
class DoorFlowAccount:
    """The DoorFlow account (organisation)."""

    id: int
    name: str
    resource_owner_id: int
    last_sync: datetime | None = None
    # The id the API shows: the contract types it as a string (a hashid such as `abc123xyz`).
    hashid: str = ""
    time_zone: str = "Europe/London"
    owner_email: str = "owner@example.com"


def mac_for(channel_id: int) -> str:
    """Return a made-up MAC address for a channel's controller."""
    return "00:1b:c5:" + ":".join(f"{(channel_id >> s) & 0xFF:02x}" for s in (16, 8, 0))
