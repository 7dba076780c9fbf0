"""A gate's "unlinked from BleBox" repair issue: raised once it held, kept while the gate flips.

In the scenario the Garden gate (502) is unlinked and the Driveway gate (501) linked; gates are
read every 5 minutes.
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.const import DOMAIN
from custom_components.door_access.tedee.repairs import (
    GATE_ISSUE_CLEAR_AFTER,
    GATE_ISSUE_RAISE_AFTER,
    unlinked_gate_issue_id,
)

from .conftest import Simulator
from .helpers import TEDEE_POLL, advance

GARDEN = 502
DRIVEWAY = 501


async def _run_for(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Let the entry poll (and read its gates when due) for a while."""
    for _ in range(int(seconds // TEDEE_POLL) + 1):
        await advance(hass, freezer, TEDEE_POLL)


def _issue(hass: HomeAssistant, entry: MockConfigEntry, gate_id: int) -> ir.IssueEntry | None:
    """Return a gate's unlinked issue, if raised."""
    return ir.async_get(hass).async_get_issue(
        DOMAIN, unlinked_gate_issue_id(entry.entry_id, gate_id)
    )


def _issue_changes(hass: HomeAssistant) -> list[tuple[str, str]]:
    """Record every creation and removal of a repair issue of this domain."""
    changes: list[tuple[str, str]] = []

    @callback
    def note(event: Event[ir.EventIssueRegistryUpdatedData]) -> None:
        if event.data["domain"] == DOMAIN and event.data["action"] in {"create", "remove"}:
            changes.append((event.data["action"], event.data["issue_id"]))

    hass.bus.async_listen(ir.EVENT_REPAIRS_ISSUE_REGISTRY_UPDATED, note)
    return changes


async def _link(simulator: Simulator, gate_id: int, *, linked: bool) -> None:
    """Link or unlink a gate in BleBox (Tedee learns it at its next gate sync)."""
    await simulator.control(
        "PATCH", f"tedee/gates/{gate_id}", {"isPresentInExternal": linked, "immediate": True}
    )


async def test_a_change_counts_once_it_held(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """At setup the issue is there at once; it goes half an hour after relinking, comes back
    ten minutes after unlinking."""
    issue = _issue(hass, init_integration, GARDEN)
    assert issue is not None
    assert issue.translation_placeholders == {"gate": "Garden gate"}
    assert _issue(hass, init_integration, DRIVEWAY) is None

    await _link(simulator, GARDEN, linked=True)
    await _run_for(hass, freezer, GATE_ISSUE_CLEAR_AFTER / 2)
    assert _issue(hass, init_integration, GARDEN) is not None  # linked, but not for long yet
    await _run_for(hass, freezer, GATE_ISSUE_CLEAR_AFTER)
    assert _issue(hass, init_integration, GARDEN) is None

    await _link(simulator, DRIVEWAY, linked=False)
    await _run_for(hass, freezer, GATE_ISSUE_RAISE_AFTER / 2)
    assert _issue(hass, init_integration, DRIVEWAY) is None  # unlinked, not for long yet
    await _run_for(hass, freezer, GATE_ISSUE_RAISE_AFTER)
    assert _issue(hass, init_integration, DRIVEWAY) is not None


async def test_a_flapping_gate_keeps_one_issue_and_the_users_ignore(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """The user ignores the issue; the gate flips for an hour: one issue, still ignored.

    A linked gate that drops out for a single read never gets an issue at all.
    """
    garden = unlinked_gate_issue_id(init_integration.entry_id, GARDEN)
    ir.async_ignore_issue(hass, DOMAIN, garden, True)
    changes = _issue_changes(hass)

    for _ in range(6):  # ten minutes linked, ten unlinked; the driveway gate drops out once
        await _link(simulator, GARDEN, linked=True)
        await _link(simulator, DRIVEWAY, linked=False)
        await _run_for(hass, freezer, 300)
        await _link(simulator, DRIVEWAY, linked=True)
        await _run_for(hass, freezer, 300)
        await _link(simulator, GARDEN, linked=False)
        await _run_for(hass, freezer, 600)
        issue = _issue(hass, init_integration, GARDEN)
        assert issue is not None
        assert issue.dismissed_version is not None  # still ignored

    assert changes == []
    assert _issue(hass, init_integration, DRIVEWAY) is None
