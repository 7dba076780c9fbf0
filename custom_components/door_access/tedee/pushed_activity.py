"""Reading who moved a lock right after a bridge pushed the move, again when held back.

While the bridges push every lock, the next poll is minutes away: a pushed move's activity (who
did it) is read at once, within the budget. A read the budget or the cloud holds back is tried
again `PUSHED_READ_RETRY` seconds later, or when the activity window has a place again, up to
`PUSHED_READ_TRIES` times. Polls read activity too: one reader at a time (`lock`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_call_later

from ..timer import Timer
from .activity import ActivityReader

PUSHED_READ_RETRY: Final = 5.0
PUSHED_READ_TRIES: Final = 6


@dataclass(slots=True, kw_only=True)
class PushedActivity:
    """Reads the activity of the locks pushes moved, and tries again while it is held back."""

    hass: HomeAssistant
    entry: ConfigEntry[Any]
    activity: ActivityReader
    # What holds a read back (tried again later), and when the activity window has a place.
    held_back: tuple[type[Exception], ...]
    window_free_in: Callable[[], float]
    unloaded: Callable[[], bool]
    # Activity is read by polls and right after pushes: one reader at a time.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    _retry: Timer = field(default_factory=Timer, init=False)

    def __post_init__(self) -> None:
        """Cancel a pending retry when the entry unloads."""
        self.entry.async_on_unload(self._retry.cancel)

    def read_soon(self, tries: int = PUSHED_READ_TRIES) -> None:
        """Read the moved locks' activity in the background (now, or after one in progress)."""
        self.entry.async_create_background_task(
            self.hass, self._read(tries), "Tedee pushed activity"
        )

    async def _read(self, tries: int) -> None:
        """Read the activity that is due; a read held back is tried again (`tries` in all)."""
        async with self.lock:
            if self.unloaded():
                return
            with contextlib.suppress(*self.held_back):
                await self.activity.async_read_due(max(1, len(self.activity.pending)))
        if self.activity.pending and tries > 1 and not self.unloaded():
            self._read_again(tries - 1)

    def _read_again(self, tries: int) -> None:
        """Read the pushed locks' activity again in a few seconds (one timer at a time)."""
        if self._retry.pending:
            return

        @callback
        def again(_now: object) -> None:
            self._retry.fired()
            self.read_soon(tries)

        # Not before the activity window has a place again (its reads would be held back).
        wait = max(PUSHED_READ_RETRY, self.window_free_in())
        self._retry.start(async_call_later(self.hass, wait, again))
