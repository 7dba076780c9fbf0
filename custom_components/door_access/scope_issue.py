"""A token that may not read an activity feed: a repair issue naming the scope, no entities.

Everything else of the entry keeps working. The issue clears when a token with the scope is
given (reauthentication or reconfiguration reloads the entry, which checks again).
"""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir

from .const import DOMAIN


def scope_issue_id(entry_id: str) -> str:
    """Return the repair issue id of an entry whose token lacks the activity scope."""
    return f"activity_scope_missing_{entry_id}"


def report_missing_scope(
    hass: HomeAssistant,
    *,
    entry_id: str,
    account: str,
    cloud: str,
    scope: str,
    entity_keys: Iterable[str],
) -> None:
    """Raise the repair issue and remove the entry's activity entities (by unique-id key)."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        scope_issue_id(entry_id),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="activity_scope_missing",
        translation_placeholders={"account": account, "scope": scope, "cloud": cloud},
    )
    suffixes = tuple(f"-{key}" for key in entity_keys)
    registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(registry, entry_id):
        if entity.unique_id.endswith(suffixes):
            registry.async_remove(entity.entity_id)


def clear_missing_scope(hass: HomeAssistant, entry_id: str) -> None:
    """Clear the repair issue: the token may read activity."""
    ir.async_delete_issue(hass, DOMAIN, scope_issue_id(entry_id))
