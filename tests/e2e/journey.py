"""What the journey's steps share: bookkeeping, waits that name their goal, getting around."""

from __future__ import annotations

from collections.abc import Callable, Iterator
import contextlib
from dataclasses import dataclass, field
from pathlib import Path
import re
import time
from typing import Final

from playwright.sync_api import Error as PlaywrightError, Locator, Page, expect
import pytest

from scripts import demo_orchestrator as demo

from .browser import UI_TIMEOUT, Artifacts, shown_path
from .stack import Stack

INTEGRATION_NAME: Final = "Door Access"


@dataclass
class Journey:
    """One walk through the UI: the servers, the browser profile, and which steps passed."""

    stack: Stack
    artifacts: Artifacts
    profile: Path
    passed: set[str] = field(default_factory=set)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    page: Page | None = None

    # ---- bookkeeping ------------------------------------------------------------------------

    @contextlib.contextmanager
    def step(self, name: str, *, needs: tuple[str, ...] = ()) -> Iterator[Page]:
        """Run one step: skip it when a step it needs failed; screenshot it; name it on failure."""
        missing = [need for need in needs if need not in self.passed]
        if missing:
            pytest.skip(f"step '{name}' needs {missing}, which did not pass")
        assert self.page is not None, "the step runs without a browser page"
        started = time.monotonic()
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        try:
            yield self.page
        except (AssertionError, PlaywrightError) as err:
            shot = self._last_screenshot(f"{slug}-FAILED")
            pytest.fail(
                f"Step '{name}' failed after {time.monotonic() - started:.0f} s: "
                f"{_first_lines(str(err))}\nScreenshot: {shot}",
                pytrace=True,
            )
        except KeyboardInterrupt:
            raise
        except BaseException:
            # pytest.xfail/skip: keep a picture of where it stopped, then let it go on.
            self._last_screenshot(f"{slug}-STOPPED")
            raise
        self.timings[name] = time.monotonic() - started
        self.artifacts.screenshot(self.page, slug)
        self.passed.add(name)

    def _last_screenshot(self, name: str) -> str:
        """Take a screenshot if the page still answers; return where it went (or why not)."""
        assert self.page is not None
        try:
            return shown_path(self.artifacts.screenshot(self.page, name))
        except PlaywrightError as err:
            return f"(none: {_first_lines(str(err))})"

    def note(self, text: str) -> None:
        """Keep a line for the run's summary."""
        self.notes.append(text)

    # ---- waits ------------------------------------------------------------------------------

    def see(self, locator: Locator, what: str, timeout: float = UI_TIMEOUT) -> Locator:
        """Wait until `locator` is visible; fail naming `what` otherwise."""
        try:
            expect(locator).to_be_visible(timeout=timeout * 1000)
        except AssertionError as err:
            # Playwright's own message ends in a dump of the whole page: keep its first lines.
            raise AssertionError(
                f"{what}: not visible within {timeout:.0f} s ({_first_lines(str(err), 3)})"
            ) from None
        return locator

    def count(self, locator: Locator, count: int, what: str, timeout: float = UI_TIMEOUT) -> None:
        """Wait until `locator` matches `count` elements; fail naming `what` otherwise."""
        try:
            expect(locator).to_have_count(count, timeout=timeout * 1000)
        except AssertionError as err:
            raise AssertionError(
                f"{what}: {locator.count()} shown instead of {count} after {timeout:.0f} s"
                f" ({_first_lines(str(err), 3)})"
            ) from None

    def hidden(self, locator: Locator, what: str, timeout: float = UI_TIMEOUT) -> None:
        """Wait until `locator` is hidden or gone; fail naming `what` otherwise."""
        try:
            expect(locator).to_be_hidden(timeout=timeout * 1000)
        except AssertionError as err:
            raise AssertionError(
                f"{what}: still shown after {timeout:.0f} s ({_first_lines(str(err), 3)})"
            ) from None

    def not_see(self, locator: Locator, what: str, timeout: float = UI_TIMEOUT) -> None:
        """Wait until `locator` is gone (or hidden); fail naming `what` otherwise."""
        try:
            expect(locator).to_have_count(0, timeout=timeout * 1000)
        except AssertionError as err:
            raise AssertionError(
                f"{what}: still shown after {timeout:.0f} s ({_first_lines(str(err), 3)})"
            ) from None

    def wait_for[T](self, probe: Callable[[], T | None], what: str, timeout: float) -> T:
        """Call `probe` until it returns something truthy; fail naming `what` after `timeout`."""
        assert self.page is not None
        deadline = time.monotonic() + timeout
        while True:
            if result := probe():
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: did not happen within {timeout:.0f} s")
            self.page.wait_for_timeout(200)

    # ---- getting around, as a person clicks -------------------------------------------------

    @property
    def hass_url(self) -> str:
        """Return Home Assistant's address."""
        return self.stack.hass_url

    def home(self, page: Page) -> None:
        """Open Home Assistant in the browser (logged in since step 1: the login is kept)."""
        page.goto(self.hass_url + "/")
        self.see(
            sidebar_item(page, "Settings"),
            "Home Assistant's sidebar (the login of step 1 should be remembered)",
        )

    def open_settings(self, page: Page) -> None:
        """Sidebar → Settings."""
        sidebar_item(page, "Settings").click()
        self.see(page.get_by_text("Devices & services").first, "the Settings page")

    def open_integrations(self, page: Page) -> None:
        """Settings → Devices & services (the integrations dashboard)."""
        self.open_settings(page)
        page.get_by_text("Devices & services").first.click()
        self.see(
            page.get_by_role("button", name="Add integration"),
            "the integrations dashboard's Add integration button",
        )

    def open_integration_page(self, page: Page) -> None:
        """Settings → Devices & services → Door Access (its entries and their devices)."""
        self.open_integrations(page)
        integration_card(page).click()
        self.see(
            page.get_by_role("button", name="Add hub").or_(page.get_by_text("Add entry")).first,
            "the Door Access integration page",
        )

    def start_add_integration(self, page: Page) -> Locator:
        """Devices & services → Add integration → "Door Access"; return the flow's dialog."""
        self.open_integrations(page)
        page.get_by_role("button", name="Add integration").click()
        search = self.see(
            page.get_by_placeholder("Search for a brand name"), "the Add integration search box"
        )
        search.fill(INTEGRATION_NAME)
        picker = page.locator("dialog-add-integration")
        self.see(
            picker.get_by_text(INTEGRATION_NAME, exact=True), "Door Access in the search results"
        ).click()
        return page.locator("dialog-data-entry-flow")

    def entry_row(self, page: Page, title: str) -> Locator:
        """Return the row of the config entry whose title contains `title` (integration page)."""
        return page.locator("ha-config-entry-row").filter(has_text=title)


def sidebar_item(page: Page, name: str) -> Locator:
    """Return an item of Home Assistant's sidebar."""
    return page.locator("ha-sidebar").get_by_text(name, exact=True)


def integration_card(page: Page) -> Locator:
    """Return Door Access's card on the integrations dashboard."""
    return page.locator("ha-integration-card").filter(has_text=INTEGRATION_NAME)


def tile(page: Page, name: str) -> Locator:
    """Return the dashboard tile card whose name is exactly `name`."""
    return page.locator("hui-tile-card").filter(has=page.get_by_text(name, exact=True))


def tile_state(card: Locator, name: str) -> str:
    """Return the state a tile card shows after its name, as read out to a person.

    Read from the accessibility tree: a relative time ("10 seconds ago") is drawn where text
    queries do not see it.
    """
    for line in card.locator("ha-tile-info").aria_snapshot().splitlines():
        text = line.strip().removeprefix("- text:").strip().strip('"')
        if text.startswith(name):
            return text[len(name) :].strip()
    return ""


def login(page: Page, journey: Journey) -> None:
    """Fill in the login form with the demo user and log in."""
    journey.see(page.get_by_label("Username"), "the login form")
    page.get_by_label("Username").fill(demo.DEMO_USERNAME)
    page.get_by_label("Password", exact=True).fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _first_lines(text: str, count: int = 6) -> str:
    """Return the first lines of a long error message."""
    lines = text.strip().splitlines()
    return "\n".join(lines[:count]) + ("\n..." if len(lines) > count else "")
