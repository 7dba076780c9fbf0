"""The lock details a Tedee entry keeps across a reload, so that a reload does not list again.

Enabling an entity, changing an option or reloading reloads the entry; without what it knew,
the new coordinator would list the whole account again (10 of Tedee's 10 lock-list requests
per 10 minutes at 1000 locks). Kept here instead: the locks' details with the `revision` they
were read at, when the hourly listing is due, a listing under way and the locks a complete
listing confirmed the sync leaves out. The first bulk sync after the reload names every lock
with its revision: a lock whose revision changed, or that is not kept (added meanwhile), is
read again; nothing stale is shown longer than that.

Kept in memory for this Home Assistant process, beside the account's request scheduler (which
lives as long and remembers the cloud's windows for the same reason); a restart lists again,
as it reads everything again. Bounded: one record per entry, the locks its account has; it is
dropped when the entry is deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from homeassistant.core import HomeAssistant
from homeassistant.util.hass_dict import HassKey

from ..api import Lock, Pager
from ..const import DOMAIN


@dataclass(frozen=True, slots=True, kw_only=True)
class KeptDetails:
    """What one entry knew of its locks' details when it unloaded."""

    # Lock id → its details, with the revision they were read at.
    locks: Mapping[int, Lock]
    # When the hourly listing is due (the loop's clock).
    listing_due_at: float = 0.0
    # The lock listing under way (its place across polls), if any.
    listing: Pager[Lock] | None = None
    # Locks the sync leaves out that the last complete listing still had.
    confirmed_missing: frozenset[int] = frozenset()


_KEPT: HassKey[dict[str, KeptDetails]] = HassKey(f"{DOMAIN}_tedee_kept_details")


def kept_details(hass: HomeAssistant, entry_id: str) -> KeptDetails | None:
    """Return what the entry kept when it last unloaded in this process (None: nothing)."""
    return hass.data.get(_KEPT, {}).get(entry_id)


def keep_details(hass: HomeAssistant, entry_id: str, kept: KeptDetails) -> None:
    """Keep an entry's lock details for its next setup (replacing what it kept before)."""
    hass.data.setdefault(_KEPT, {})[entry_id] = kept


def forget_details(hass: HomeAssistant, entry_id: str) -> None:
    """Drop what a deleted entry kept."""
    hass.data.get(_KEPT, {}).pop(entry_id, None)
