"""Tedee cloud state: account, bridges, locks, gates, operations, versions and rate limits."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import math
import random
from typing import Any
import uuid

from simulator.tedee_activity import (
    CHARGING_STARTED,
    CHARGING_STOPPED,
    JAMMED,
    LOCKED_EVENTS,
    PARTIALLY_OPEN_EVENTS,
    PULLED_EVENTS,
    UNLOCKED_EVENTS,
    Activity,
    ActivityLog,
    TedeeUser,
    event_code,
)
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
# Activity logged when the control API sets a lock's state (a person turning the knob).
MANUAL_EVENT_FOR_STATE = {LOCKED: 38, UNLOCKED: 39, PULLED: 53, SEMI_LOCKED: 47}

DEFAULT_VERSIONS: dict[str, dict[str, Any]] = {
    **{f"v1.{n}": {"status": "retired", "sunset": None} for n in range(30, 36)},
    "v1.36": {"status": "deprecated", "sunset": "2027-02-01"},
    "v37": {"status": "current", "sunset": None},
}
GATE_SYNC_PERIOD = 24 * 3600.0


class TedeeApiError(Exception):
    """An error answer of the Tedee API (rendered as an envelope).

    A 429 names the ``rule`` that refused the request and, for spacing rules, the ``gap``
    between this request's arrival and the last one the rule accepted.
    """

    def __init__(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        *,
        rule: str | None = None,
        gap: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.rule = rule
        self.gap = gap


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

    def model_json(self, state_key: str) -> dict[str, Any]:
        """Return the full lock model."""
        return {
            "id": self.id,
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


class RateLimiter:
    """Per-account request windows: hourly budget, lock sync spacing, lock list budget."""

    def __init__(self) -> None:
        self.hourly: deque[float] = deque()
        self.lock_list: deque[float] = deque()
        self.last_bulk_sync: float | None = None
        self.last_single_sync: dict[int, float] = {}

    def check_hourly(self, now: float, limit: int, window: float) -> None:
        """Raise 429 when the rolling window is full."""
        while self.hourly and self.hourly[0] <= now - window:
            self.hourly.popleft()
        if len(self.hourly) >= limit:
            wait = self.hourly[0] + window - now if self.hourly else window
            raise too_many(wait, f"Hourly limit of {limit} requests exceeded", rule="hourly")

    def spaced(self, last: float | None, now: float, interval: float, what: str, rule: str) -> None:
        """Raise 429 when ``what`` was last accepted less than ``interval`` seconds ago."""
        if last is not None and now - last < interval:
            raise too_many(
                last + interval - now,
                f"{what} allowed once every {interval:g} s",
                rule=rule,
                gap=now - last,
            )

    def clear(self) -> None:
        """Forget all windows."""
        self.hourly.clear()
        self.lock_list.clear()
        self.last_bulk_sync = None
        self.last_single_sync.clear()


def too_many(wait: float, message: str, *, rule: str, gap: float | None = None) -> TedeeApiError:
    """Build a 429 error with an integer ``Retry-After``."""
    seconds = max(1, math.ceil(wait - 1e-9))
    return TedeeApiError(429, message, {"Retry-After": str(seconds)}, rule=rule, gap=gap)


class TedeeState:
    """Everything the simulated Tedee cloud knows."""

    def __init__(
        self, data: dict[str, Any], rng: random.Random, now: float, utc_now: datetime
    ) -> None:
        self.rng = rng
        acc = data.get("account", {})
        self.account = TedeeUser(
            id=int(acc.get("id", 4242)),
            email=str(acc.get("email", "demo@example.com")),
            name=str(acc.get("name", "Demo User")),
        )
        self.users: dict[int, TedeeUser] = {self.account.id: self.account}
        for item in data.get("users", []):
            self.add_user(item)
        self.activity = ActivityLog()
        self.config = TedeeConfig()
        self.config.blebox_integration = bool(data.get("blebox_integration", True))
        self.bridges: dict[int, Bridge] = {}
        for item in data.get("bridges", []):
            bridge = Bridge(
                id=int(item["id"]),
                name=str(item.get("name", "Bridge")),
                serial_number=str(item.get("serialNumber", f"BR{item['id']:08d}")),
            )
            self.bridges[bridge.id] = bridge
        self.locks: dict[int, Lock] = {}
        for item in data.get("locks", []):
            self.add_lock(item, utc_now)
        self._add_history(data.get("locks", []), utc_now)
        self.gates: dict[int, Gate] = {}
        for item in data.get("gates", []):
            self.add_gate(item)
        self.operations: dict[str, Operation] = {}
        self.limiter = RateLimiter()
        self.last_full_gate_sync = now

    # -- building -------------------------------------------------------------------------

    def add_user(self, item: dict[str, Any]) -> TedeeUser:
        """Add an account user from ``{id?, name, email?, organizationUserId?}``."""
        name = str(item["name"])
        user_id = int(item.get("id") or (max(self.users) + 1))
        slug = name.lower().replace(" ", ".")
        org_id = item.get("organizationUserId")
        user = TedeeUser(
            id=user_id,
            name=name,
            email=str(item.get("email", f"{slug}@example.com")),
            organization_user_id=None if org_id is None else int(org_id),
        )
        self.users[user.id] = user
        return user

    def user_named(self, name: str) -> TedeeUser:
        """Return the account user called ``name``, adding one when there is none."""
        for user in self.users.values():
            if user.name == name:
                return user
        return self.add_user({"name": name})

    def _add_history(self, items: list[dict[str, Any]], utc_now: datetime) -> None:
        """Log the scenario's past activity (``activity: [{event, user?, ago}]`` per lock)."""
        past = [
            (float(entry.get("ago", 0)), int(item["id"]), entry)
            for item in items
            if item.get("id") is not None
            for entry in item.get("activity", [])
        ]
        past.sort(key=lambda p: (-p[0], p[1]))
        for ago, lock_id, entry in past:
            name = entry.get("user", entry.get("username"))
            user = self.user_named(str(name)) if name else None
            when = utc_now - timedelta(seconds=ago)
            code = event_code(entry["event"])
            self.activity.add(lock_id, code, when, user=user, source=entry.get("source"))

    def add_lock(self, item: dict[str, Any], utc_now: datetime) -> Lock:
        """Create a lock from a scenario/control description (Tedee field names)."""
        lock_id = int(item.get("id") or (max(self.locks, default=1000) + 1))
        settings = item.get("deviceSettings", {})
        bridge_default = next(iter(self.bridges), None)
        lock = Lock(
            id=lock_id,
            name=str(item.get("name", f"Lock {lock_id}")),
            type=int(item.get("type", 2)),
            serial_number=str(item.get("serialNumber", f"{lock_id:08d}-{lock_id % 97:06d}")),
            is_connected=bool(item.get("isConnected", True)),
            connected_to_id=item.get("connectedToId", bridge_default),
            pull_spring_enabled=bool(
                item.get("pullSpringEnabled", settings.get("pullSpringEnabled", False))
            ),
            pull_spring_duration=int(
                item.get("pullSpringDuration", settings.get("pullSpringDuration", 2))
            ),
            auto_pull_spring_enabled=bool(
                item.get("autoPullSpringEnabled", settings.get("autoPullSpringEnabled", False))
            ),
            auto_lock_enabled=bool(
                item.get("autoLockEnabled", settings.get("autoLockEnabled", False))
            ),
            state=int(item.get("state", LOCKED)),
            door_state=item.get("doorState"),
            is_charging=bool(item.get("isCharging", False)),
            battery_level=int(item.get("batteryLevel", 100)),
            state_change_result=int(item.get("stateChangeResult", 0)),
            last_state_changed=utc_now,
            revision=int(item.get("revision", 1)),
            software_version=str(item.get("softwareVersion", "2.2.17707")),
            jam_next_operation=bool(item.get("jam_next_operation", False)),
        )
        self.locks[lock.id] = lock
        return lock

    def add_gate(self, item: dict[str, Any]) -> Gate:
        """Create a gate from a scenario/control description (Tedee field names)."""
        gate_id = int(item.get("id") or (max(self.gates, default=500) + 1))
        name = str(item.get("name", f"Gate {gate_id}"))
        gate = Gate(
            id=gate_id,
            name=name,
            serial_number=str(item.get("serialNumber", f"GT{gate_id:08d}")),
            icon=int(item.get("icon", 2)),
            external_id=str(item.get("externalId", f"bb{gate_id:010x}")),
            external_name=str(item.get("externalName", name)),
            external_type=str(item.get("externalType", "gateBox")),
            is_present_in_external=bool(item.get("isPresentInExternal", True)),
            is_connected=bool(item.get("isConnected", True)),
            impulse_length=int(item.get("impulseLength", 1000)),
            access_level=int(item.get("accessLevel", 2)),
            software_version=str(item.get("softwareVersion", "0.1030")),
            revision=int(item.get("revision", 1)),
            timeout_next_open=bool(item.get("timeout_next_open", False)),
        )
        self.gates[gate.id] = gate
        return gate

    # -- time -----------------------------------------------------------------------------

    def advance(self, now: float, utc_now: datetime) -> None:
        """Apply everything that became due by ``now`` (lazy time)."""
        for lock in self.locks.values():
            if lock.steps:
                for step in lock.advance(now, utc_now):
                    if step.event is not None:
                        when = back_in_time(utc_now, now, step.at)
                        self.activity.add(lock.id, step.event, when, user=step.user)
        if now - self.last_full_gate_sync >= GATE_SYNC_PERIOD:
            self.sync_gates(now)

    def sync_gates(self, now: float) -> None:
        """Pull pending BleBox-side changes into every gate."""
        for gate in self.gates.values():
            gate.apply_pending()
        self.last_full_gate_sync = now

    # -- versions -------------------------------------------------------------------------

    def state_keys(self, version: str) -> tuple[str, str]:
        """Return the state key names for (sync responses, lock model) in ``version``."""
        number = version_number(version)
        legacy = self.config.legacy_lock_properties
        sync_key = "lockProperties" if legacy or number < 35 else "deviceState"
        model_key = "lockProperties" if legacy or number < 34 else "deviceState"
        return sync_key, model_key

    # -- operations -----------------------------------------------------------------------

    def _new_operation(
        self, lock: Lock, op_type: int, complete_at: float, result: int
    ) -> Operation:
        op_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        operation = Operation(op_id, lock.id, op_type, complete_at, result)
        self.operations[op_id] = operation
        return operation

    def operate(
        self, lock: Lock, op_type: int, mode: int, now: float, user: TedeeUser | None = None
    ) -> Operation:
        """Start an operation on ``lock`` (validated by the caller) and schedule its steps.

        The steps log the activity a real lock would: 32 LockedRemote, 33 UnlockedRemote,
        52 PulledAuto after an unlock that pulls, 55 PulledAutoBy when an unlock only pulls,
        51 PulledRemote for a pull, 40 Jammed when it jams.
        """
        low, high = self.config.operation_duration
        duration = self.rng.uniform(low, high)
        end = now + duration
        if not lock.is_connected:
            return self._new_operation(lock, op_type, end, RESULT_DISCONNECTED)
        if lock.state == UNCALIBRATED:
            return self._new_operation(lock, op_type, end, RESULT_OK)
        if lock.state in (CALIBRATING, UPDATING):
            return self._new_operation(lock, op_type, now + 0.5, RESULT_BUSY)
        lock.steps.clear()
        previous = lock.state
        if lock.jam_next_operation:
            lock.jam_next_operation = False
            moving = LOCKING if op_type == OP_LOCK else UNLOCKING
            if op_type == OP_PULL:
                moving = PULLING
            lock.steps = [Step(now, moving), Step(end, previous, RESULT_JAMMED, JAMMED)]
            return self._new_operation(lock, op_type, end, RESULT_JAMMED)
        if op_type == OP_LOCK:
            lock.steps = [Step(now, LOCKING), Step(end, LOCKED, RESULT_OK, 32, user)]
            return self._new_operation(lock, op_type, end, RESULT_OK)
        pull = op_type == OP_PULL or mode == 4 or (mode == 0 and lock.auto_pull_spring_enabled)
        pull = pull and lock.pull_spring_enabled
        steps: list[Step] = []
        t = now
        unlocked_first = previous not in (UNLOCKED, PULLED, PULLING)
        if unlocked_first:
            steps.append(Step(t, UNLOCKING))
            t = end if not pull else now + duration * 0.7
            steps.append(Step(t, UNLOCKED, RESULT_OK, 33, user))
        if pull:
            pulled_at = max(end, t + 0.5)
            # 51 PulledRemote; 52 PulledAuto after an unlock; 55 PulledAutoBy when only pulling.
            pull_event = 51 if op_type == OP_PULL else 52 if unlocked_first else 55
            steps.append(Step(t, PULLING))
            steps.append(Step(pulled_at, PULLED, RESULT_OK, pull_event, user))
            steps.append(Step(pulled_at + max(1, lock.pull_spring_duration), UNLOCKED))
            end = pulled_at
        elif not steps:
            steps.append(Step(end, UNLOCKED, RESULT_OK, 33, user))
        lock.steps = steps
        return self._new_operation(lock, op_type, end, RESULT_OK)

    # -- activity -------------------------------------------------------------------------

    def apply_event(
        self,
        lock: Lock,
        code: int,
        now: float,
        utc_now: datetime,
        *,
        user: TedeeUser | None = None,
        source: int | None = None,
    ) -> Activity:
        """Log an activity on ``lock`` and make the change it stands for (if any)."""
        state = None
        if code in LOCKED_EVENTS:
            state = LOCKED
        elif code in UNLOCKED_EVENTS:
            state = UNLOCKED
        elif code in PULLED_EVENTS:
            state = PULLED
        elif code in PARTIALLY_OPEN_EVENTS:
            state = SEMI_LOCKED
        if state is not None:
            lock.steps.clear()
            lock.state = state
            lock.state_change_result = RESULT_OK
            lock.last_state_changed = utc_now
            if state == PULLED:
                lock.steps = [Step(now + max(1, lock.pull_spring_duration), UNLOCKED)]
        elif code == JAMMED:
            lock.state_change_result = RESULT_JAMMED
        elif code in (CHARGING_STARTED, CHARGING_STOPPED):
            lock.is_charging = code == CHARGING_STARTED
        return self.activity.add(lock.id, code, utc_now, user=user, source=source)

    # -- limits ---------------------------------------------------------------------------

    def hourly_limit(self, version: str) -> int:
        """Return the hourly request budget for callers of ``version``."""
        info = self.config.versions.get(version)
        if info is not None and info.status == "deprecated":
            return self.config.deprecated_hourly_limit
        return self.config.hourly_limit

    def to_json(self, now: float) -> dict[str, Any]:
        """Dump the whole Tedee side for the control API."""
        return {
            "account": self.account.to_json(),
            "users": [
                {**u.to_json(), "organizationUserId": u.organization_user_id}
                for u in self.users.values()
            ],
            "config": self.config.to_json(),
            "bridges": [b.to_json() for b in self.bridges.values()],
            "locks": [
                {
                    **lock.model_json("deviceState"),
                    "jam_next_operation": lock.jam_next_operation,
                    "hidden_state": lock.state,
                    "pending_steps": len(lock.steps),
                }
                for lock in self.locks.values()
            ],
            "gates": [
                {
                    **gate.to_json(),
                    "status": gate.status,
                    "timeout_next_open": gate.timeout_next_open,
                    "opened": gate.opened,
                    "pending": dict(gate.pending),
                }
                for gate in self.gates.values()
            ],
            "operations": [op.to_json(now) for op in self.operations.values()],
            "activity": {
                "total": self.activity.count(),
                "recent": [a.to_json() for a in self.activity.recent(50)],
            },
            "rate_limits": {
                "requests_in_window": len(self.limiter.hourly),
                "last_bulk_sync": self.limiter.last_bulk_sync,
            },
        }
