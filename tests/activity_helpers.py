"""Helpers for the activity tests: what event entities fired, the activity bus events, and the
reads per hour the activity model expects."""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import Any

from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback

from custom_components.door_access.event import EVENT_DOOR_ACCESS_ACTIVITY
from custom_components.door_access.tedee.activity import (
    ACTIVITY_LIMIT,
    GATE_CATCH_UP_SPACING,
    catch_up_spacing,
)


@dataclass(frozen=True)
class Fired:
    """One event an event entity fired: its type and its attributes."""

    entity_id: str
    event_type: str
    attributes: dict[str, Any]


class FiredEvents:
    """Collects what the integration's event entities fire, and its activity bus events."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.fired: list[Fired] = []
        self.bus: list[dict[str, Any]] = []

        @callback
        def on_state(event: Event[EventStateChangedData]) -> None:
            new, old = event.data["new_state"], event.data["old_state"]
            if new is None or not new.entity_id.startswith("event."):
                return
            if new.state in ("unknown", "unavailable") or old is None:
                return
            if old.state == "unavailable":
                return  # restored after a reload or restart, not fired
            if old.state == new.state:
                return
            attributes = dict(new.attributes)
            self.fired.append(Fired(new.entity_id, attributes.pop("event_type"), attributes))

        @callback
        def on_activity(event: Event) -> None:
            self.bus.append(dict(event.data))

        hass.bus.async_listen("state_changed", on_state)
        hass.bus.async_listen(EVENT_DOOR_ACCESS_ACTIVITY, on_activity)

    def of(self, entity_id: str) -> list[Fired]:
        """Return what one entity fired, in order."""
        return [fired for fired in self.fired if fired.entity_id == entity_id]

    def types(self, entity_id: str) -> list[str]:
        """Return the event types one entity fired, in order."""
        return [fired.event_type for fired in self.of(entity_id)]


def activity_reads_per_hour(
    *,
    locks: int,
    catch_up_minutes: float,
    moves_per_hour: float = 0.0,
    poll_interval: float = 0.0,
    gates: int = 0,
) -> float:
    """Return the activity reads per hour in steady state (what the budget pays for them).

    `locks` are the locks that report a state, `moves_per_hour` how often one of them moves
    (each move costs one read when a page holds what is new), `gates` the connected gates (each
    read by its own catch-up). Reads happen in polls: with a `poll_interval`, a catch-up waits
    for the first poll after its time. Never above `ACTIVITY_LIMIT`.
    """

    def per_hour(spacing: float) -> float:
        if poll_interval:
            spacing = math.ceil(spacing / poll_interval) * poll_interval
        return 3600.0 / spacing

    catch_up = 0.0
    if catch_up_minutes and locks:
        catch_up += per_hour(catch_up_spacing(60.0 * catch_up_minutes, locks))
    if catch_up_minutes and gates:
        catch_up += per_hour(max(60.0 * catch_up_minutes / gates, GATE_CATCH_UP_SPACING))
    return min(float(ACTIVITY_LIMIT.window_count or 0), catch_up + moves_per_hour)
