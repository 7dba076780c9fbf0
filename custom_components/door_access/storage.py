"""What an entry keeps on disk between restarts: how far its activity feeds were delivered."""

from __future__ import annotations

from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN

# Version 1: {"feeds": {feed: cursor}, ...}; each wing adds what its feed needs (see docs).
FEED_STORAGE_VERSION: Final = 1


def feed_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    """Return the store of one entry's activity feeds (one file per entry)."""
    return Store(hass, FEED_STORAGE_VERSION, f"{DOMAIN}.feeds.{entry_id}")
