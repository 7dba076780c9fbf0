"""What an entry keeps on disk between restarts: how far its feeds were read and delivered.

One store per entry (`door_access.feeds.<entry id>`), versioned. Version 2:
`{"streams": {stream: ledger}, "wing": {...}}` (see `ledger.py`; `wing` is what the cloud's
feed keeps beside, such as the last operation of each lock or the doors' alarms). Version 1
held one cursor per stream in each wing's own shape; the wing says how to read it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, override

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN

FEED_STORAGE_VERSION: Final = 2

# Turns a wing's version-1 data into version 2.
type LegacyFeedData = Callable[[Mapping[str, Any]], dict[str, Any]]


class FeedStore(Store[dict[str, Any]]):
    """The store of one entry's feeds, migrating version 1 with the wing's reader."""

    def __init__(
        self, hass: HomeAssistant, entry_id: str, legacy: LegacyFeedData | None = None
    ) -> None:
        super().__init__(hass, FEED_STORAGE_VERSION, f"{DOMAIN}.feeds.{entry_id}")
        self._legacy = legacy

    @override
    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: dict[str, Any]
    ) -> dict[str, Any]:
        """Turn version 1 (one cursor per stream, each wing's shape) into version 2."""
        if old_major_version == 1 and self._legacy is not None:
            return self._legacy(old_data)
        return {}
