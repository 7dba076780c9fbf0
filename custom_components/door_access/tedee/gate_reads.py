"""Reading a Tedee account's gates (BleBox): when they are due, and what each answer leaves.

Gates are read on their own, slower interval (a gate sync, then the paged list) and kept apart
from the locks: a gate failure never takes the locks down. An account without a BleBox
integration, or a token without the scope for gates, has no gates (a repair issue says so) and
is asked again at most hourly, as is an account with none linked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Final

from ..api import AuthError, Gate, Pager, RateLimitError, TedeeBleBoxNotLinkedError
from ..scheduler import RequestDeferredError
from .data import TedeeData

# Without gates (none linked, or no BleBox integration) they are looked for at most hourly.
GATE_DISCOVERY_INTERVAL: Final = 3600.0


class GateReads:
    """One account's gate reads: when the next is due, and the gates each read leaves."""

    def __init__(self, clock: Callable[[], float], interval: float) -> None:
        """Read the gates every `interval` seconds (the first poll reads them at once)."""
        self._clock = clock
        self.interval = interval
        self._due_at = 0.0

    async def read(
        self,
        base: TedeeData,
        *,
        first: bool,
        fetch: Callable[[], Awaitable[Pager[Gate]]],
        outage_errors: tuple[type[Exception], ...],
        failed: Callable[[str, Exception], None],
        recovered: Callable[[str], None],
    ) -> TedeeData:
        """Read the gates when due (by `fetch`); failures stay here, in the gates' part.

        `failed` and `recovered` tell the coordinator how the gates part fares.
        """
        if not first and self._clock() < self._due_at:
            return base
        try:
            pager = await fetch()
        except TedeeBleBoxNotLinkedError:
            self._due_at = self._clock() + GATE_DISCOVERY_INTERVAL
            recovered("gates")
            return replace(base, gates={}, gates_ok=True, blebox_linked=False, gates_allowed=True)
        except AuthError as err:
            if not err.missing_scope:
                raise
            # A token without Device.ReadWrite: no gates (a repair issue says so), locks work.
            self._due_at = self._clock() + GATE_DISCOVERY_INTERVAL
            return replace(base, gates={}, gates_ok=True, gates_allowed=False)
        except RateLimitError, RequestDeferredError:
            return base  # keep the last gates; they are read again when allowed
        except outage_errors as err:
            if first:
                self._due_at = self._clock() + self.interval
                return replace(base, gates={}, gates_ok=False)
            failed("gates", err)
            self._due_at = self._clock() + min(self.interval, 60.0)
            return replace(base, gates_ok=False)
        recovered("gates")
        gates = {gate.id: gate for gate in pager.items}
        if not pager.complete:
            gates = {**base.gates, **gates}
        interval = self.interval if gates else max(self.interval, GATE_DISCOVERY_INTERVAL)
        self._due_at = self._clock() + interval
        return replace(base, gates=gates, gates_ok=True, blebox_linked=True, gates_allowed=True)
