"""A token that may not read an activity feed: a repair issue naming the scope.

The feed's entities are not created for a token that never had the scope; those the user
already has stay in the registry (names, areas, ids kept) and show unavailable. Everything else
of the entry keeps working. The issue clears when a token with the scope is given
(reauthentication or reconfiguration reloads the entry, which checks again).
"""

from __future__ import annotations

from collections.abc import Sequence

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity

from .const import DOMAIN
from .issues import clear_issue, raise_issue


def scope_issue_id(entry_id: str) -> str:
    """Return the repair issue id of an entry whose token lacks the activity scope."""
    return f"activity_scope_missing_{entry_id}"


def report_missing_scope(
    hass: HomeAssistant, *, entry_id: str, account: str, cloud: str, scope: str
) -> None:
    """Raise the repair issue (the feed's entities stay, unavailable)."""
    raise_issue(
        hass,
        scope_issue_id(entry_id),
        "activity_scope_missing",
        {"account": account, "scope": scope, "cloud": cloud},
    )


def entities_to_add[EntityT: Entity](
    hass: HomeAssistant, platform: Platform, entities: Sequence[EntityT], *, readable: bool
) -> list[EntityT]:
    """Return the feed entities to add: all while the feed reads, else those the user has."""
    if readable:
        return list(entities)
    registry = er.async_get(hass)
    return [
        entity
        for entity in entities
        if entity.unique_id is not None
        and registry.async_get_entity_id(platform, DOMAIN, entity.unique_id) is not None
    ]


def clear_missing_scope(hass: HomeAssistant, entry_id: str) -> None:
    """Clear the repair issue: the token may read activity."""
    clear_issue(hass, scope_issue_id(entry_id))
