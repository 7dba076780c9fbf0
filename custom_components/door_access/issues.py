"""Repair issues of Door Access: raised and cleared here only.

Every issue is a warning the user resolves outside it (a scope, a BleBox link, an API version);
its text is the translation `issues.<translation_key>` with the placeholders given.

`SteadyIssues` follows a problem only once it has held: a device that flips between two states
(a BleBox gate linked, unlinked, linked again) would otherwise raise and delete its issue at
every flip, and each new issue forgets that the user chose to ignore it. There the state first
seen (at setup) counts as settled: the issue is raised or cleared at once. After that a change
counts only once it held: the issue is raised once the problem has lasted `raise_after`
seconds and deleted once it has been gone for `clear_after` seconds; in between it stays as it
is (Home Assistant keeps an ignored issue ignored while it is raised again).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass, field

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN


def raise_issue(
    hass: HomeAssistant, issue_id: str, translation_key: str, placeholders: Mapping[str, str]
) -> None:
    """Raise (or keep) a repair issue."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=translation_key,
        translation_placeholders=dict(placeholders),
    )


def clear_issue(hass: HomeAssistant, issue_id: str) -> None:
    """Delete a repair issue (nothing happens when there is none)."""
    ir.async_delete_issue(hass, DOMAIN, issue_id)


def show_issue(
    hass: HomeAssistant,
    issue_id: str,
    translation_key: str,
    placeholders: Mapping[str, str],
    *,
    problem: bool,
) -> None:
    """Raise the issue while its problem is there; clear it when it is not."""
    if problem:
        raise_issue(hass, issue_id, translation_key, placeholders)
    else:
        clear_issue(hass, issue_id)


@dataclass(slots=True)
class _Held:
    """Whether an issue's problem is there, and since when (the clock's seconds)."""

    problem: bool
    since: float


@dataclass(slots=True)
class SteadyIssues:
    """The repair issues of one entry that are raised and cleared only after a steady state."""

    hass: HomeAssistant
    clock: Callable[[], float]
    _: KW_ONLY
    raise_after: float
    clear_after: float
    _held: dict[str, _Held] = field(default_factory=dict, init=False)

    def note(
        self,
        issue_id: str,
        translation_key: str,
        placeholders: Mapping[str, str],
        *,
        problem: bool,
    ) -> None:
        """Note whether the problem is there now; raise or delete the issue once it held."""
        now = self.clock()
        held = self._held.get(issue_id)
        if held is None:
            held = self._held[issue_id] = _Held(problem, float("-inf"))
        elif held.problem != problem:
            held = self._held[issue_id] = _Held(problem, now)
        if problem and now - held.since >= self.raise_after:
            raise_issue(self.hass, issue_id, translation_key, placeholders)
        elif not problem and now - held.since >= self.clear_after:
            clear_issue(self.hass, issue_id)

    def forget(self, issue_id: str) -> None:
        """Delete the issue now: what it is about is gone."""
        self._held.pop(issue_id, None)
        clear_issue(self.hass, issue_id)
