"""The Tedee account's repair issues: unlinked gates, gates out of scope, no BleBox, old API.

Their ids are named here, and `TedeeIssues.update` raises or clears them after each poll.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from ..api import ApiDeprecation, Gate, GateStatus
from ..issues import SteadyIssues, show_issue
from .data import TedeeData

# A gate's "unlinked from BleBox" repair issue: raised once the gate stayed unlinked this long
# (two reads at the default gate interval), cleared once it stayed linked this long. A gate that
# flips keeps one issue, and the user's "ignore" with it.
GATE_ISSUE_RAISE_AFTER: Final = 600.0
GATE_ISSUE_CLEAR_AFTER: Final = 1800.0


def unlinked_gate_issue_id(entry_id: str, gate_id: int) -> str:
    """Return the repair issue id for an unlinked gate."""
    return f"gate_unlinked_{entry_id}_{gate_id}"


def gate_scope_issue_id(entry_id: str) -> str:
    """Return the repair issue id for a token that may not read or open gates."""
    return f"gate_scope_missing_{entry_id}"


def blebox_issue_id(entry_id: str) -> str:
    """Return the repair issue id for an account without a BleBox integration."""
    return f"blebox_not_linked_{entry_id}"


@dataclass(slots=True)
class TedeeIssues:
    """One Tedee entry's repair issues: raised or cleared after each poll (`update`)."""

    hass: HomeAssistant
    entry: ConfigEntry[Any]
    clock: Callable[[], float]
    _gates: SteadyIssues = field(init=False)

    def __post_init__(self) -> None:
        """Hold the unlinked gates' issues until the gate stayed (un)linked long enough."""
        self._gates = SteadyIssues(
            self.hass,
            self.clock,
            raise_after=GATE_ISSUE_RAISE_AFTER,
            clear_after=GATE_ISSUE_CLEAR_AFTER,
        )

    def forget_gates(self, gate_ids: Iterable[int]) -> None:
        """Forget what was noted of gates the account no longer has."""
        for gate_id in gate_ids:
            self._gates.forget(unlinked_gate_issue_id(self.entry.entry_id, gate_id))

    def update(
        self, data: TedeeData, shown_gates: Iterable[Gate], deprecation: ApiDeprecation | None
    ) -> None:
        """Raise or clear repair issues: unlinked gates, no BleBox link, deprecated API.

        Only the gates this entry shows (`shown_gates`) are spoken for: an account sharing a
        gate says nothing about it.
        """
        entry_id = self.entry.entry_id
        for gate in shown_gates:
            self._gates.note(
                unlinked_gate_issue_id(entry_id, gate.id),
                "gate_unlinked",
                {"gate": gate.name or str(gate.id)},
                problem=gate.status is GateStatus.UNLINKED,
            )
        named = {"account": self.entry.title}
        show_issue(
            self.hass,
            gate_scope_issue_id(entry_id),
            "gate_scope_missing",
            {**named, "scope": "Device.ReadWrite"},
            problem=not data.gates_allowed,
        )
        show_issue(
            self.hass,
            blebox_issue_id(entry_id),
            "blebox_not_linked",
            named,
            problem=not data.blebox_linked,
        )
        show_issue(
            self.hass,
            f"api_deprecated_{entry_id}",
            "api_version_deprecated",
            {}
            if deprecation is None
            else {"version": deprecation.version, "sunset": deprecation.sunset or "-"},
            problem=deprecation is not None,
        )
