"""A pending Home Assistant timer held in one place: started, fired, cancelled on unload."""

from __future__ import annotations

from homeassistant.core import CALLBACK_TYPE, callback


class Timer:
    """Holds the cancel of at most one pending timer (`async_call_later` and the like)."""

    def __init__(self) -> None:
        self._cancel: CALLBACK_TYPE | None = None

    @property
    def pending(self) -> bool:
        """Tell whether a timer is started and has not fired or been cancelled."""
        return self._cancel is not None

    def start(self, cancel: CALLBACK_TYPE) -> None:
        """Hold a timer just started (given its cancel); one held before is cancelled."""
        self.cancel()
        self._cancel = cancel

    def fired(self) -> None:
        """Forget the timer: it fired (its callback calls this first)."""
        self._cancel = None

    @callback
    def cancel(self) -> None:
        """Cancel the pending timer, if there is one."""
        if (cancel := self._cancel) is not None:
            self._cancel = None
            cancel()
