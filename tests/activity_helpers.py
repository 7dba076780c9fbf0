"""Helpers for the activity tests: what event entities fired, and the activity bus events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback

from custom_components.door_access.event import EVENT_DOOR_ACCESS_ACTIVITY


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
