"""The browser side of the journey: the system's Chromium driven by Playwright, and its artifacts.

Chromium comes from the system's packages (Debian's `chromium` in the project's environment; see
`scripts/lib/env.sh`), never from a Playwright browser download: Playwright is pointed at it with
`executable_path`. Each test gets its own Chromium process on one persistent profile, so the
login and the frontend's cache carry over from test to test, and nothing of the browser outlives
the test that started it.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
from dataclasses import dataclass, field
import os
from pathlib import Path
import shutil
import signal
import tempfile
import time
from typing import Final

from playwright.sync_api import (
    BrowserContext,
    Dialog,
    Error as PlaywrightError,
    Locator,
    Page,
    expect,
    sync_playwright,
)
import pytest

ROOT: Final = Path(__file__).resolve().parents[2]
GALLERY: Final = ROOT / "docs" / "screenshots"

CHROMIUM_CANDIDATES: Final = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)
# Headless on a closed network as root: no sandbox (root), no GPU, and none of Chromium's own
# background traffic (component updates, sync, field trials), which only fails here.
CHROMIUM_ARGS: Final = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
)
VIEWPORT: Final = {"width": 1280, "height": 900}

# Every wait has one of these limits (seconds); a step that takes longer fails, naming itself.
UI_TIMEOUT: Final = 30.0
LAUNCH_TIMEOUT: Final = 60.0
KEPT_RUNS: Final = 5


def find_chromium() -> str:
    """Return the path of the system's Chromium (DOOR_ACCESS_CHROMIUM first), or fail clearly."""
    configured = os.environ.get("DOOR_ACCESS_CHROMIUM", "")
    for candidate in (configured, *CHROMIUM_CANDIDATES):
        if candidate and (path := shutil.which(candidate)):
            return path
    pytest.fail(
        "No Chromium found for the browser journey (looked for DOOR_ACCESS_CHROMIUM, "
        f"{', '.join(CHROMIUM_CANDIDATES)}). Run the tests through ./scripts/test, which installs "
        "Debian's chromium where it is missing, or install one and set DOOR_ACCESS_CHROMIUM."
    )


def artifacts_dir() -> Path:
    """Return a new folder for this run's screenshots and logs (DOOR_ACCESS_ARTIFACTS or temp).

    In the default place under the temp folder only the latest runs are kept.
    """
    chosen = os.environ.get("DOOR_ACCESS_ARTIFACTS")
    base = Path(chosen or Path(tempfile.gettempdir()) / "door-access-e2e").absolute()
    folder = base / time.strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    if not chosen:
        runs = sorted(path for path in base.iterdir() if path.is_dir())
        for old in runs[:-KEPT_RUNS]:
            shutil.rmtree(old, ignore_errors=True)
    return folder


def update_gallery() -> bool:
    """Tell whether this run refreshes docs/screenshots (DOOR_ACCESS_UPDATE_SCREENSHOTS=1)."""
    return os.environ.get("DOOR_ACCESS_UPDATE_SCREENSHOTS", "") not in ("", "0")


def shown_path(path: Path) -> str:
    """Return a path as this machine sees it (the tests may run inside the project's sid root)."""
    host_root = os.environ.get("DOOR_ACCESS_HOST_ROOT", "")
    if host_root and not path.is_relative_to(ROOT):
        return f"{path} (on this machine: {host_root}{path})"
    return str(path)


@dataclass
class Artifacts:
    """Screenshots and logs of one run of the journey."""

    folder: Path
    count: int = 0
    gallery: list[Path] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    native_dialogs: list[str] = field(default_factory=list)

    def screenshot(
        self, page: Page, name: str, *, gallery: str = "", element: Locator | None = None
    ) -> Path:
        """Save a numbered screenshot of the page.

        With `gallery` (and DOOR_ACCESS_UPDATE_SCREENSHOTS=1) it also becomes
        docs/screenshots/<gallery>.png: the page, or only `element` when given (a dialog).
        """
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=path, animations="disabled", caret="hide")
        if gallery and update_gallery():
            GALLERY.mkdir(parents=True, exist_ok=True)
            target = GALLERY / f"{gallery}.png"
            if element is None:
                shutil.copyfile(path, target)
            else:
                element.screenshot(path=target, animations="disabled", caret="hide")
            self.gallery.append(target)
        return path

    def write_console_log(self) -> None:
        """Write what the pages logged as errors (kept for debugging, not asserted)."""
        (self.folder / "browser-console.log").write_text("\n".join(self.console) + "\n", "utf-8")


def _profile_processes(profile: Path) -> list[int]:
    """Return the ids of running processes started with this browser profile."""
    marker = str(profile).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if marker in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
    return found


def _playwright_drivers() -> list[int]:
    """Return the ids of Playwright driver processes that this process started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if parent == os.getpid() and b"playwright" in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
    return found


def _kill_leftovers(profile: Path) -> list[int]:
    """Kill browser processes of this profile (and drivers) still running; return their ids."""
    pids = [pid for pid in _profile_processes(profile) if pid != os.getpid()]
    pids += _playwright_drivers()
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    return pids


@contextlib.contextmanager
def chromium_page(profile: Path, artifacts: Artifacts) -> Iterator[Page]:
    """Start Chromium on `profile`, yield its page, and stop it and every process it started."""
    executable = find_chromium()
    playwright = sync_playwright().start()
    context: BrowserContext | None = None
    try:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            args=list(CHROMIUM_ARGS),
            headless=True,
            viewport=VIEWPORT,
            locale="en-US",
            timezone_id="UTC",
            timeout=LAUNCH_TIMEOUT * 1000,
        )
        context.set_default_timeout(UI_TIMEOUT * 1000)
        expect.set_options(timeout=UI_TIMEOUT * 1000)
        page = context.pages[0] if context.pages else context.new_page()
        page.on(
            "console",
            lambda message: (
                artifacts.console.append(f"{message.type}: {message.text}")
                if message.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda error: artifacts.console.append(f"pageerror: {error}"))
        # The browser's own confirm() boxes (the raw dashboard editor asks one): a person reads
        # them and presses OK. Their texts go into the run's notes.
        page.on("dialog", lambda dialog: _accept(dialog, artifacts))
        yield page
    finally:
        try:
            if context is not None:
                with contextlib.suppress(PlaywrightError):
                    context.close()
        finally:
            playwright.stop()
            leftovers = _kill_leftovers(profile)
    assert not leftovers, f"Chromium processes outlived their test and were killed: {leftovers}"


def _accept(dialog: Dialog, artifacts: Artifacts) -> None:
    """Record a native dialog's text and accept it."""
    artifacts.native_dialogs.append(f"{dialog.type}: {dialog.message}")
    dialog.accept()
