"""The Tedee account's repair issues: unlinked gates, gates out of scope, no BleBox, old API.

Their ids are named here, and `update_issues` raises or clears them after each poll.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

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


def update_issues(
    hass: HomeAssistant,
    gate_issues: SteadyIssues,
    *,
    entry_id: str,
    account: str,
    data: TedeeData,
    shown_gates: Iterable[Gate],
    deprecation: ApiDeprecation | None,
) -> None:
    """Raise or clear repair issues: unlinked gates, no BleBox link, deprecated API.

    Only the gates this entry shows (`shown_gates`) are spoken for: an account sharing a gate
    says nothing about it.
    """
    for gate in shown_gates:
        gate_issues.note(
            unlinked_gate_issue_id(entry_id, gate.id),
            "gate_unlinked",
            {"gate": gate.name or str(gate.id)},
            problem=gate.status is GateStatus.UNLINKED,
        )
    named = {"account": account}
    show_issue(
        hass,
        gate_scope_issue_id(entry_id),
        "gate_scope_missing",
        {**named, "scope": "Device.ReadWrite"},
        problem=not data.gates_allowed,
    )
    show_issue(
        hass,
        blebox_issue_id(entry_id),
        "blebox_not_linked",
        named,
        problem=not data.blebox_linked,
    )
    show_issue(
        hass,
        f"api_deprecated_{entry_id}",
        "api_version_deprecated",
        {}
        if deprecation is None
        else {"version": deprecation.version, "sunset": deprecation.sunset or "-"},
        problem=deprecation is not None,
    )
