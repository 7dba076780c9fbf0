"""Tedee cloud state: what the account holds and how it changes (operations, limits, activity)."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
import math
import random
from typing import Any
import uuid

from simulator.tedee_activity import (
    CHARGING_STARTED,
    CHARGING_STOPPED,
    EVENT_DOOR_CLOSED,
    EVENT_DOOR_OPENED,
    GATE_OPENED_BY_ACCESS_LINK,
    GATE_OPENED_REMOTE,
    JAMMED,
    LOCKED_EVENTS,
    PARTIALLY_OPEN_EVENTS,
    PULLED_EVENTS,
    UNLOCKED_EVENTS,
    Activity,
    ActivityLog,
    TedeeUser,
    event_code,
    user_field,
)
from simulator.tedee_models import (
    CALIBRATING,
    DOOR_CLOSED,
    DOOR_OPENED,
    LOCKED,
    LOCKING,
    OP_LOCK,
    OP_PULL,
    PULLED,
    PULLING,
    RESULT_BUSY,
    RESULT_DISCONNECTED,
    RESULT_JAMMED,
    RESULT_OK,
    SEMI_LOCKED,
    UNCALIBRATED,
    UNLOCKED,
    UNLOCKING,
    UPDATING,
    Bridge,
    Gate,
    Lock,
    Operation,
    Step,
    TedeeConfig,
    version_number,
)
from simulator.timeutil import back_in_time

# Activity logged when the control API sets a lock's state (a person turning the knob).
MANUAL_EVENT_FOR_STATE = {LOCKED: 38, UNLOCKED: 39, PULLED: 53, SEMI_LOCKED: 47}

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
        self.config.activity_user_field = user_field(data.get("activity_user_field", "alternate"))
        self.bridges: dict[int, Bridge] = {}
        for item in data.get("bridges", []):
            bridge = Bridge(
                id=int(item["id"]),
                name=str(item.get("name", "Bridge")),
                serial_number=str(item.get("serialNumber", f"BR{item['id']:08d}")),
            )
            self.bridges[bridge.id] = bridge
        self.limiters: dict[int, RateLimiter] = {}
        self.locks: dict[int, Lock] = {}
        for item in data.get("locks", []):
            self.add_lock(item, utc_now)
        self.add_history(data.get("locks", []), utc_now)
        self.gates: dict[int, Gate] = {}
        for item in data.get("gates", []):
            self.add_gate(item)
        self.operations: dict[str, Operation] = {}
        self.last_full_gate_sync = now

    @property
    def limiter(self) -> RateLimiter:
        """Return the account owner's rate limits."""
        return self.limiter_of(self.account.id)

    def limiter_of(self, user_id: int) -> RateLimiter:
        """Return one user's rate limits: Tedee counts them per user, not per lock or cloud."""
        return self.limiters.setdefault(user_id, RateLimiter())

    def clear_limits(self) -> None:
        """Forget every user's rate-limit windows."""
        for limiter in self.limiters.values():
            limiter.clear()

    def shared_with(self, names: list[Any]) -> set[int]:
        """Return the user ids of guests named in a scenario or control body."""
        return {self.user_named(str(name)).id for name in names}

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

    def add_history(self, items: list[dict[str, Any]], utc_now: datetime) -> None:
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
            shared_with=self.shared_with(list(item.get("sharedWith", []))),
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
        """Register an operation ending at ``complete_at`` with ``result``."""
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
        elif code in (EVENT_DOOR_OPENED, EVENT_DOOR_CLOSED):
            lock.door_state = DOOR_OPENED if code == EVENT_DOOR_OPENED else DOOR_CLOSED
        return self.activity.add(lock.id, code, utc_now, user=user, source=source)

    def open_gate(
        self, gate: Gate, utc_now: datetime, *, user: TedeeUser | None, by_access_link: bool
    ) -> Activity:
        """Open a gate (validated by the caller) and log it on the gate's id.

        10000 GateUnlockedByRemote when the app or the API opened it, 10001
        GateUnlockedByAccessLink when a guest's access link did.
        """
        gate.opened += 1
        code = GATE_OPENED_BY_ACCESS_LINK if by_access_link else GATE_OPENED_REMOTE
        return self.activity.add(gate.id, code, utc_now, user=user)

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
