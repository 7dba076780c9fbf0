"""The activity event entities of Tedee locks and gates: who locked, unlocked or opened them."""

from __future__ import annotations

from collections.abc import Collection
from functools import partial
from typing import Final

from ..api import Activity, Gate, Lock
from ..cloud import chain
from ..event import DoorAccessEventEntityDescription, EventKind, Happening, event_entity_adder
from ..text import cloud_text
from .activity_kinds import (
    GATE_ACTIVITY_TYPES,
    LOCK_ACTIVITY_TYPES,
    ActivityType,
    kind_of,
)
from .coordinator import TedeeCoordinator
from .device_handles import gate_device, lock_device

ACTIVITY: Final = DoorAccessEventEntityDescription[Lock].firing(
    "activity", "lock_activity", LOCK_ACTIVITY_TYPES
)
# A gate's activity: opened from the app or the API (Home Assistant too) or by an access link.
GATE_ACTIVITY: Final = DoorAccessEventEntityDescription[Gate].firing(
    "activity", "gate_activity", GATE_ACTIVITY_TYPES
)


def activity_happening(
    activity: Activity, event_types: Collection[ActivityType] = LOCK_ACTIVITY_TYPES
) -> Happening:
    """Return how an activity entity fires one activity (its event type and attributes).

    A code whose event type the entity does not have (a gate's code on a lock) is `other`.
    """
    kind = kind_of(activity.event)
    if kind.event_type not in event_types:
        kind = EventKind(ActivityType.OTHER)
    return kind.happening(activity.event_code, activity.date, user=cloud_text(activity.username))


# An activity entity for every lock and gate (when the token may read activity).
async_setup_activity_events = chain(
    event_entity_adder(
        TedeeCoordinator.async_add_lock_listener,
        lock_device,
        ACTIVITY,
        feed_of=lambda coordinator: coordinator.activity.feed,
        happening_of=activity_happening,
    ),
    event_entity_adder(
        TedeeCoordinator.async_add_gate_listener,
        gate_device,
        GATE_ACTIVITY,
        feed_of=lambda coordinator: coordinator.activity.feed,
        happening_of=partial(activity_happening, event_types=GATE_ACTIVITY_TYPES),
    ),
)
