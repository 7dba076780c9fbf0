"""Ambient life: the small random things that happen to doors, locks and gates by themselves."""

from __future__ import annotations

from datetime import datetime
import random

from simulator.doorflow import DoorFlowState
from simulator.tedee import TedeeState
from simulator.tedee_models import DOOR_CLOSED, DOOR_OPENED, LOCKED, UNCALIBRATED, UNLOCKED, Lock

# Each kind is drawn with the weight of how often it appears here.
AMBIENT_KINDS = (
    "battery",
    "battery",
    "door",
    "door",
    "lock_link",
    "gate",
    "channel",
    "df_door",
    "pin_unlock",
    "button_lock",
    "wrong_pin",
    "df_card",
    "df_rex",
    "df_held",
)


def _idle_locks(tedee: TedeeState) -> list[Lock]:
    """Return the locks a person could operate now (connected, calibrated, not moving)."""
    return [
        lock
        for lock in tedee.locks.values()
        if lock.is_connected and lock.state != UNCALIBRATED and not lock.busy
    ]


def _tedee_change(
    kind: str, tedee: TedeeState, rng: random.Random, now: float, utc_now: datetime
) -> None:
    """Apply one Tedee-side change."""
    locks = list(tedee.locks.values())
    gates = list(tedee.gates.values())
    people = [u for u in tedee.users.values() if u.id != tedee.account.id] or [tedee.account]
    if kind == "battery" and locks:
        lock = rng.choice(locks)
        if lock.is_charging:
            lock.battery_level = min(100, lock.battery_level + 5)
            if lock.battery_level >= 100:
                tedee.apply_event(lock, 50, now, utc_now)
        else:
            lock.battery_level = max(0, lock.battery_level - 1)
    elif kind == "door":
        sensed = [lk for lk in locks if lk.door_state in (DOOR_OPENED, DOOR_CLOSED)]
        if sensed:
            lock = rng.choice(sensed)
            if lock.door_state == DOOR_OPENED:
                lock.door_state = DOOR_CLOSED
            elif lock.state == UNLOCKED:
                lock.door_state = DOOR_OPENED
    elif kind == "lock_link" and locks:
        lock = rng.choice(locks)
        lock.is_connected = not lock.is_connected
    elif kind == "gate" and gates:
        gate = rng.choice(gates)
        roll = rng.random()
        if not gate.is_present_in_external or gate.pending.get("is_present_in_external") is False:
            gate.pending["is_present_in_external"] = True
        elif roll < 0.15:
            gate.pending["is_present_in_external"] = False
        else:
            gate.is_connected = not gate.is_connected
    elif kind in ("pin_unlock", "button_lock", "wrong_pin"):
        idle = _idle_locks(tedee)
        if not idle:
            return
        lock = rng.choice(idle)
        if kind == "pin_unlock" and lock.state == LOCKED:
            tedee.apply_event(lock, 61, now, utc_now, user=rng.choice(people))
        elif kind == "button_lock" and lock.state == UNLOCKED:
            tedee.apply_event(lock, 34, now, utc_now)
        elif kind == "wrong_pin":
            tedee.apply_event(lock, 62, now, utc_now)


def _doorflow_change(
    kind: str, doorflow: DoorFlowState, rng: random.Random, now: float, utc_now: datetime
) -> None:
    """Apply one DoorFlow-side change."""
    channels = list(doorflow.channels.values())
    if not channels:
        return
    channel = rng.choice(channels)
    if kind == "channel":
        status = "online" if channel.status == "offline" else "offline"
        doorflow.set_status(channel, status, utc_now)
        return
    if channel.status != "online":
        return
    people = [p for p in doorflow.people.values() if p.id != doorflow.owner.id] or [doorflow.owner]
    if kind == "df_door" and channel.alarm is None:
        happening = "door_closed" if channel.door_open else "door_opened"
        doorflow.record_kind(channel, happening, utc_now)
    elif kind == "df_card":
        doorflow.record_kind(channel, "card_admit", utc_now, person=rng.choice(people))
    elif kind == "df_rex":
        doorflow.record_kind(channel, "rex", utc_now)
    elif kind == "df_held" and channel.alarm is None:
        doorflow.record_kind(channel, "held_open", utc_now, now=now)


def ambient_change(
    kind: str,
    *,
    tedee: TedeeState,
    doorflow: DoorFlowState,
    rng: random.Random,
    now: float,
    utc_now: datetime,
) -> None:
    """Apply one change of ``kind`` (drawn by the caller) to either cloud."""
    if kind in ("channel", "df_door", "df_card", "df_rex", "df_held"):
        _doorflow_change(kind, doorflow, rng, now, utc_now)
    else:
        _tedee_change(kind, tedee, rng, now, utc_now)
