"""Logbook lines for Door Access activity: "Front door unlocked by Anna with a PIN"."""

from __future__ import annotations

from collections.abc import Callable, Mapping
import string
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import translation

from .const import DOMAIN
from .event import EVENT_DOOR_ACCESS_ACTIVITY, LOGBOOK_STRINGS

_PREFIX = f"component.{DOMAIN}.{LOGBOOK_STRINGS}."


def _strings(hass: HomeAssistant) -> Mapping[str, str]:
    """Return the sentence pieces in Home Assistant's language (English when not loaded)."""
    for language in (hass.config.language, "en"):
        strings = translation.async_get_cached_translations(hass, language, LOGBOOK_STRINGS, DOMAIN)
        if strings:
            return strings
    return {}


def _fill(template: str, values: Mapping[str, str]) -> str:
    """Fill a template's placeholders; one the values lack is left out, not an error."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    text = template.format_map({name: values.get(name, "") for name in names})
    return " ".join(text.split())


def describe_activity(hass: HomeAssistant, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the logbook entry of one `door_access_activity` event."""
    strings = _strings(hass)
    sentence = str(data.get("sentence", ""))
    pieces: Mapping[str, str] = data.get("pieces") or {}
    values: Mapping[str, str] = data.get("values") or {}
    filled = {
        name: strings.get(f"{_PREFIX}{key}", key.replace("_", " ")) for name, key in pieces.items()
    }
    filled.update({name: str(value) for name, value in values.items()})
    template = strings.get(f"{_PREFIX}{sentence}", str(data.get("event_type", sentence)))
    return {
        LOGBOOK_ENTRY_NAME: data.get("name"),
        LOGBOOK_ENTRY_MESSAGE: _fill(template, filled),
        LOGBOOK_ENTRY_ENTITY_ID: data.get(ATTR_ENTITY_ID),
    }


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, Any]]], None],
) -> None:
    """Describe Door Access activity events for the logbook."""

    @callback
    def describe(event: Event) -> dict[str, Any]:
        """Turn one activity event into a logbook line."""
        return describe_activity(hass, event.data)

    async_describe_event(DOMAIN, EVENT_DOOR_ACCESS_ACTIVITY, describe)
