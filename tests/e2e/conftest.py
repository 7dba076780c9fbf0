"""Fixtures of the browser journey: the servers for the whole module, a browser per test."""

from __future__ import annotations

from collections.abc import Iterator

from playwright.sync_api import Page
import pytest
import pytest_socket

from .browser import Artifacts, artifacts_dir, chromium_page, shown_path
from .journey import Journey
from .stack import running_stack

JOURNEY_KEY = pytest.StashKey[Journey]()


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker of the browser tests (deselect with -m "not browser")."""
    config.addinivalue_line(
        "markers", "browser: drives the system's Chromium against a real hass (slower)"
    )


@pytest.fixture(scope="module")
def journey(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Journey]:
    """Start the simulator and Home Assistant once for the module; stop them at its end."""
    # The servers are real processes on loopback; Home Assistant's test plugin blocks sockets.
    pytest_socket.enable_socket()
    base = tmp_path_factory.mktemp("browser-journey")
    artifacts = Artifacts(artifacts_dir())
    with running_stack(base / "hass-config") as stack:
        walk = Journey(stack, artifacts, base / "chromium-profile")
        request.config.stash[JOURNEY_KEY] = walk
        try:
            yield walk
        finally:
            stack.copy_logs(artifacts.folder)
            artifacts.write_console_log()


@pytest.fixture
def page(journey: Journey, socket_enabled: None) -> Iterator[Page]:
    """Start Chromium for one test (on the journey's profile) and stop it after the test."""
    with chromium_page(journey.profile, journey.artifacts) as browser_page:
        journey.page = browser_page
        try:
            yield browser_page
        finally:
            journey.page = None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print where the journey's screenshots and logs are, and how long its steps took."""
    walk = terminalreporter.config.stash.get(JOURNEY_KEY, None)
    if walk is None:
        return
    terminalreporter.section("browser journey")
    for name, seconds in walk.timings.items():
        terminalreporter.write_line(f"{seconds:6.1f} s  {name}")
    for note in walk.notes:
        terminalreporter.write_line(f"note: {note}")
    for picture in walk.artifacts.gallery:
        terminalreporter.write_line(f"gallery: updated {picture}")
    terminalreporter.write_line(f"screenshots and logs: {shown_path(walk.artifacts.folder)}")
