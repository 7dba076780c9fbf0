"""Tedee resources as the simulator keeps them: versions, config, bridges, locks, gates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from simulator.tedee_activity import TedeeUser
from simulator.timeutil import back_in_time, iso_ms

# Lock states (Tedee `state` enum).
UNCALIBRATED, CALIBRATING, UNLOCKED, SEMI_LOCKED, UNLOCKING = 0, 1, 2, 3, 4
LOCKING, LOCKED, PULLED, PULLING, UNKNOWN, UPDATING = 5, 6, 7, 8, 9, 18
# Operation types and results.
OP_LOCK, OP_UNLOCK, OP_PULL = 0, 1, 2
RESULT_OK, RESULT_JAMMED, RESULT_DISCONNECTED, RESULT_BUSY = 0, 1, 2, 3
UNLOCK_MODES = (0, 2, 3, 4)
# Door states.
DOOR_NOT_PAIRED, DOOR_DISCONNECTED, DOOR_OPENED, DOOR_CLOSED, DOOR_UNCALIBRATED = 0, 1, 2, 3, 4

LOCK_SCOPES_READ = frozenset({"Device.Read", "Device.ReadWrite"})
SCOPE_OPERATE = frozenset({"Lock.Operate"})
SCOPE_READWRITE = frozenset({"Device.ReadWrite"})
SCOPE_ACTIVITY = frozenset({"DeviceActivity.Read"})
ALL_SCOPES = ("Device.Read", "Lock.Operate", "Device.ReadWrite", "DeviceActivity.Read")
DEFAULT_VERSIONS: dict[str, dict[str, Any]] = {
    **{f"v1.{n}": {"status": "retired", "sunset": None} for n in range(30, 36)},
    "v1.36": {"status": "deprecated", "sunset": "2027-02-01"},
    "v37": {"status": "current", "sunset": None},
}


def version_number(version: str) -> int:
    """Order version strings: ``v1.36`` → 36, ``v37`` → 37."""
    body = version[1:]
    major, _, minor = body.partition(".")
    return int(minor) if major == "1" and minor else int(major)


@dataclass
class VersionInfo:
    """Lifecycle of one API version."""

    status: str
    sunset: str | None = None


@dataclass
class TedeeConfig:
    """Tunable behaviour of the Tedee cloud (control API: ``/_control/tedee/config``)."""

    sync_interval: float = 20.0
    hourly_limit: int = 700
    deprecated_hourly_limit: int = 350
    hourly_window: float = 3600.0
    lock_list_limit: int | None = None
    lock_list_window: float = 600.0
    legacy_lock_properties: bool = False
    blebox_integration: bool = True
    operation_duration: tuple[float, float] = (1.0, 3.0)
    max_page_size: int | None = None
    # How activity items name their user: "userName", "username" or "alternate" (both).
    activity_user_field: str = "alternate"
    versions: dict[str, VersionInfo] = field(
        default_factory=lambda: {k: VersionInfo(**v) for k, v in DEFAULT_VERSIONS.items()}
    )

    def supported_versions(self) -> list[str]:
        """Return the non-retired versions, oldest first."""
        names = [k for k, v in self.versions.items() if v.status != "retired"]
        return sorted(names, key=version_number)

    def deprecated_versions(self) -> list[str]:
        """Return the deprecated versions, oldest first."""
        names = [k for k, v in self.versions.items() if v.status == "deprecated"]
        return sorted(names, key=version_number)

    def to_json(self) -> dict[str, Any]:
        """Describe the configuration."""
        return {
            "sync_interval": self.sync_interval,
            "hourly_limit": self.hourly_limit,
            "deprecated_hourly_limit": self.deprecated_hourly_limit,
            "hourly_window": self.hourly_window,
            "lock_list_limit": self.lock_list_limit,
            "lock_list_window": self.lock_list_window,
            "legacy_lock_properties": self.legacy_lock_properties,
            "blebox_integration": self.blebox_integration,
            "operation_duration": list(self.operation_duration),
            "max_page_size": self.max_page_size,
            "activity_user_field": self.activity_user_field,
            "versions": {
                k: {"status": v.status, "sunset": v.sunset} for k, v in self.versions.items()
            },
        }


@dataclass
class Step:
    """A scheduled lock state change (monotonic time ``at``) and the activity it logs."""

    at: float
    state: int
    result: int | None = None
    event: int | None = None
    user: TedeeUser | None = None


# The caller's access level to a device (Tedee's `accessLevel` enum: 0 guest, 1 admin, 2 owner).
ACCESS_GUEST = 0
ACCESS_OWNER = 2


@dataclass
class Lock:
    """One Tedee lock (PRO or GO) and its live state."""

    id: int
    name: str
    type: int = 2
    serial_number: str = ""
    is_connected: bool = True
    connected_to_id: int | None = None
    pull_spring_enabled: bool = False
    pull_spring_duration: int = 2
    auto_pull_spring_enabled: bool = False
    auto_lock_enabled: bool = False
    state: int = LOCKED
    door_state: int | None = None
    is_charging: bool = False
    battery_level: int = 100
    state_change_result: int = 0
    last_state_changed: datetime | None = None
    revision: int = 1
    software_version: str = "2.2.17707"
    jam_next_operation: bool = False
    # The guests (user ids) the owner shared the lock with: each sees it from their own account.
    shared_with: set[int] = field(default_factory=set)
    steps: list[Step] = field(default_factory=list)

    def advance(self, now: float, utc_now: datetime) -> list[Step]:
        """Apply every scheduled step due at ``now`` and return them."""
        done: list[Step] = []
        while self.steps and self.steps[0].at <= now:
            step = self.steps.pop(0)
            self.state = step.state
            if step.result is not None:
                self.state_change_result = step.result
            self.last_state_changed = back_in_time(utc_now, now, step.at)
            done.append(step)
        return done

    @property
    def busy(self) -> bool:
        """Tell whether an operation (or a pull spring) is still moving the lock."""
        return bool(self.steps)

    def state_json(self) -> dict[str, Any] | None:
        """Return the ``deviceState`` object, or None when the lock is off its bridge."""
        if not self.is_connected:
            return None
        data: dict[str, Any] = {"state": self.state}
        if self.door_state is not None:
            data["doorState"] = self.door_state
        data["isCharging"] = self.is_charging
        data["batteryLevel"] = self.battery_level
        data["stateChangeResult"] = self.state_change_result
        data["lastStateChangedDate"] = (
            iso_ms(self.last_state_changed) if self.last_state_changed else None
        )
        return data

    def sync_json(self, state_key: str) -> dict[str, Any]:
        """Return the lock-sync item."""
        return {
            "id": self.id,
            "isConnected": self.is_connected,
            state_key: self.state_json(),
            "revision": self.revision,
        }

    def model_json(self, state_key: str, *, guest: bool = False) -> dict[str, Any]:
        """Return the full lock model as its owner (or a guest it is shared with) reads it."""
        return {
            "id": self.id,
            "accessLevel": ACCESS_GUEST if guest else ACCESS_OWNER,
            "name": self.name,
            "type": self.type,
            "serialNumber": self.serial_number,
            "isConnected": self.is_connected,
            "connectedToId": self.connected_to_id if self.is_connected else None,
            "deviceSettings": {
                "pullSpringEnabled": self.pull_spring_enabled,
                "pullSpringDuration": self.pull_spring_duration,
                "autoPullSpringEnabled": self.auto_pull_spring_enabled,
                "autoLockEnabled": self.auto_lock_enabled,
            },
            state_key: self.state_json(),
            "softwareVersions": [{"softwareType": 0, "version": self.software_version}],
            "revision": self.revision,
        }


@dataclass
class Bridge:
    """A Tedee bridge (locks hang off it)."""

    id: int
    name: str
    serial_number: str = ""
    software_version: str = "2.2.21056"

    def to_json(self) -> dict[str, Any]:
        """Return the bridge model."""
        return {
            "id": self.id,
            "name": self.name,
            "serialNumber": self.serial_number,
            "type": 1,
            "softwareVersions": [{"softwareType": 0, "version": self.software_version}],
        }


GATE_SYNCED_FIELDS = (
    "is_present_in_external",
    "impulse_length",
    "external_name",
    "software_version",
)


@dataclass
class Gate:
    """A BleBox gate controller linked to the Tedee account."""

    id: int
    name: str
    serial_number: str = ""
    icon: int = 2
    external_id: str = ""
    external_name: str = ""
    external_type: str = "gateBox"
    is_present_in_external: bool = True
    is_connected: bool = True
    impulse_length: int = 1000
    access_level: int = 2
    software_version: str = "0.1030"
    revision: int = 1
    timeout_next_open: bool = False
    opened: int = 0
    pending: dict[str, Any] = field(default_factory=dict)

    def apply_pending(self) -> bool:
        """Take over the BleBox-side changes (what a gate sync does); tell if anything changed."""
        changed = False
        for key, value in self.pending.items():
            if getattr(self, key) != value:
                setattr(self, key, value)
                changed = True
        self.pending.clear()
        if changed:
            self.revision += 1
        return changed

    @property
    def status(self) -> str:
        """Return connected / disconnected / unlinked (seed page 000)."""
        if not self.is_present_in_external:
            return "unlinked"
        return "connected" if self.is_connected else "disconnected"

    def to_json(self) -> dict[str, Any]:
        """Return the gate model."""
        return {
            "id": self.id,
            "name": self.name,
            "serialNumber": self.serial_number,
            "type": 5,
            "icon": self.icon,
            "externalId": self.external_id,
            "externalName": self.external_name,
            "externalType": self.external_type,
            "isPresentInExternal": self.is_present_in_external,
            "isConnected": self.is_connected,
            "impulseLength": self.impulse_length,
            "accessLevel": self.access_level,
            "softwareVersions": [{"softwareType": 0, "version": self.software_version}],
            "revision": self.revision,
        }


@dataclass
class Operation:
    """A lock operation and when it finishes."""

    id: str
    device_id: int
    type: int
    complete_at: float
    result: int

    def to_json(self, now: float) -> dict[str, Any]:
        """Return the operation model as seen at ``now``."""
        done = now >= self.complete_at
        return {
            "deviceId": self.device_id,
            "operationId": self.id,
            "type": self.type,
            "status": "COMPLETED" if done else "PENDING",
            "result": self.result if done else None,
        }
