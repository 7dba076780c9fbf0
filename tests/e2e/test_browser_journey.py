"""A person's first hour with Door Access, in a real browser against a real Home Assistant.

Headless Chromium (the system's, see `scripts/lib/env.sh`) driven by Playwright, against a `hass`
process serving its real frontend and wired to the cloud simulator (scenario `home`), as
`./scripts/demo` runs it. Every step is done through the UI and checked by what a person sees:
texts, entity states on the page, images that loaded. The steps run in order and share one Home
Assistant; a step whose prerequisite failed is skipped, naming it. Each step saves a screenshot
(the folder is printed at the end); with DOOR_ACCESS_UPDATE_SCREENSHOTS=1 the gallery in
docs/screenshots/ is refreshed too.
"""

from __future__ import annotations

import contextlib
import re
import time
from typing import Any, Final

from playwright.sync_api import Error as PlaywrightError, Locator, Page, expect
import pytest
import yaml

from scripts import demo_orchestrator as demo

from .browser import ROOT, UI_TIMEOUT
from .journey import (
    INTEGRATION_NAME,
    Journey,
    integration_card,
    login,
    sidebar_item,
    tile,
    tile_state,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(420)]

DASHBOARD: Final = ROOT / "docs" / "dashboard.yaml"

# The Tedee cloud's unlock takes the simulator 1-3 s; the Front door then pulls its spring and
# the integration reports the final "Unlocked" at the latest on its next poll (every 20 s).
OPERATION_TIMEOUT: Final = 90.0
TOAST_GRACE: Final = 4.0

LOG_IN = "log in"
ADD_TEDEE = "add the Tedee entry"
ADD_DOORFLOW = "add the DoorFlow entry"
DEVICE_PAGE = "see every entity of the Front door lock"
DASHBOARD_FROM_DOCS = "create the example dashboard"
UNLOCK = "unlock the Front door from the dashboard"
OPEN_GATE = "open the Driveway gate"
REPAIR = "see the unlinked gate's repair"
STALE_DEVICE = "delete a stale device"
BRAND = "see the brand icon"
KEYPAD_LOGBOOK = "see a keypad unlock's one line in the logbook"
OFFICE_ACTIVITY: Final = "event.office_activity"


def _tedee_title(world: dict[str, Any]) -> str:
    """Return the entry title a Tedee account gets (also its own device's name)."""
    return f"Tedee — {world['tedee']['account']['name']}'s account"


def _tedee_device_names(world: dict[str, Any]) -> list[str]:
    """Return the names of every Tedee device: the account, bridges, locks and gates."""
    tedee = world["tedee"]
    devices = [item["name"] for kind in ("bridges", "locks", "gates") for item in tedee[kind]]
    return [_tedee_title(world), *devices]


def _doorflow_device_names(world: dict[str, Any]) -> list[str]:
    """Return the names of every DoorFlow device: the account, its door controllers, its doors."""
    doorflow = world["doorflow"]
    controllers = {
        channel["mac_address"]: f"Door controller {channel['serial_number']}"
        for channel in doorflow["channels"]
    }
    return [
        doorflow["account"]["name"],
        *controllers.values(),
        *(channel["name"] for channel in doorflow["channels"]),
    ]


def _add_entry(
    journey: Journey,
    page: Page,
    *,
    cloud: str,
    secret_field: re.Pattern[str],
    secret: str,
    account: str,
    devices: list[str],
    gallery: str,
) -> None:
    """Add a config entry through the UI; check the devices it found, on both pages."""
    journey.home(page)
    flow = journey.start_add_integration(page)
    choice = journey.see(
        flow.get_by_text(re.compile(rf"^{cloud}\b")), f"the choice of cloud offering {cloud}"
    )
    journey.see(flow.get_by_text(re.compile(r"^DoorFlow\b")), "the DoorFlow choice")
    if cloud == "Tedee":
        journey.artifacts.screenshot(
            page, "choose-cloud", gallery="add-integration-menu", element=_dialog_box(flow)
        )
    choice.click()
    if cloud == "DoorFlow":
        # DoorFlow offers OAuth first (it needs application credentials) and its key second.
        key = journey.see(
            flow.get_by_text(re.compile(r"^Enter a personal API key")),
            "the DoorFlow sign-in choices (OAuth, personal API key)",
        )
        journey.artifacts.screenshot(
            page,
            "doorflow-sign-in-method",
            gallery="add-integration-doorflow-method",
            element=_dialog_box(flow),
        )
        key.click()
    journey.see(flow.get_by_role("textbox", name=secret_field), f"the {cloud} form").fill(secret)
    flow.get_by_text("Advanced settings").click()
    base_url = journey.see(
        flow.get_by_role("textbox", name=re.compile("address|URL", re.IGNORECASE)),
        "the API address field in the Advanced settings section",
    )
    base_url.fill(journey.stack.sim_url)
    journey.artifacts.screenshot(
        page, f"{cloud.lower()}-form", gallery=gallery, element=_dialog_box(flow)
    )
    flow.get_by_role("button", name="Submit").click()
    if cloud == "Tedee":
        # Signed in: the optional bridge step (address and local token); skipped here.
        address = flow.get_by_role("textbox", name=re.compile("^Bridge address"))
        refusal = flow.locator("ha-alert")
        journey.see(address.or_(refusal.first), "the optional Tedee bridge step")
        assert not refusal.count(), f"the Tedee form answered: {refusal.first.inner_text()}"
        journey.see(
            flow.get_by_role("textbox", name=re.compile("^Local API token")),
            "the bridge's local API token field",
        )
        journey.artifacts.screenshot(page, "tedee-bridge-step", element=_dialog_box(flow))
        flow.get_by_role("button", name="Submit").click()

    # The success step ("Name and assign") lists the devices found, their names editable.
    names = flow.get_by_role("textbox", name="Device name")
    refusal = flow.locator("ha-alert")
    journey.see(names.first.or_(refusal.first), f"the devices found in the {cloud} account")
    assert not refusal.count(), f"the {cloud} form answered: {refusal.first.inner_text()}"
    journey.count(names, len(devices), f"the {len(devices)} devices of the {cloud} account")
    shown = sorted(field.input_value() for field in names.all())
    assert shown == sorted(devices), f"devices offered after adding {cloud}: {shown}"
    journey.artifacts.screenshot(page, f"{cloud.lower()}-devices")
    flow.get_by_role("button", name=re.compile("finish", re.IGNORECASE)).click()
    journey.not_see(flow.get_by_role("textbox", name="Device name"), "the Name and assign step")

    # The integration page: the new entry, with every device of the account.
    row = journey.see(journey.entry_row(page, account), f"the entry of {account!r}")
    for name in devices:
        journey.see(row.get_by_text(name, exact=True).first, f"device {name!r} under {account!r}")


def _dialog_box(dialog: Locator) -> Locator:
    """Return the visible box of one of Home Assistant's dialogs (for the gallery)."""
    return dialog.locator("dialog").first


def test_01_log_in(journey: Journey, page: Page) -> None:
    """The onboarded demo user logs in on the login page and lands on the overview."""
    with journey.step(LOG_IN):
        page.goto(journey.hass_url + "/")
        login(page, journey)
        journey.see(sidebar_item(page, "Settings"), "the sidebar after logging in")
        journey.see(sidebar_item(page, demo.DEMO_NAME), "the logged-in user in the sidebar")


def test_02_add_tedee_entry(journey: Journey, page: Page) -> None:
    """Add integration → Door Access → Tedee → token + simulator address → entry with devices."""
    with journey.step(ADD_TEDEE, needs=(LOG_IN,)):
        world = journey.stack.world()
        _add_entry(
            journey,
            page,
            cloud="Tedee",
            secret_field=re.compile(r"^Token"),
            secret=demo.TEDEE_TOKEN,
            account=_tedee_title(world),
            devices=_tedee_device_names(world),
            gallery="add-integration-tedee",
        )


def test_03_add_doorflow_entry(journey: Journey, page: Page) -> None:
    """The same for DoorFlow, with its personal API key."""
    with journey.step(ADD_DOORFLOW, needs=(LOG_IN,)):
        world = journey.stack.world()
        _add_entry(
            journey,
            page,
            cloud="DoorFlow",
            secret_field=re.compile("API key", re.IGNORECASE),
            secret=demo.DOORFLOW_API_KEY,
            account=f"DoorFlow — {world['doorflow']['account']['name']}",
            devices=_doorflow_device_names(world),
            gallery="add-integration-doorflow",
        )


def test_04_lock_device_page(journey: Journey, page: Page) -> None:
    """The Front door lock's device page lists every one of its entities by name."""
    with journey.step(DEVICE_PAGE, needs=(ADD_TEDEE,)):
        account = _tedee_title(journey.stack.world())
        journey.home(page)
        journey.open_integration_page(page)
        row = journey.entry_row(page, account)
        device_row = row.get_by_role("listitem").filter(
            has=page.get_by_text("Front door", exact=True)
        )
        journey.see(device_row, "the Front door device under the Tedee entry").click()
        cards = page.locator("ha-device-entities-card")
        journey.see(cards.first, "the Front door device page's entity cards")

        # What Home Assistant registered for this device, by the names the UI gives them.
        devices, entities = journey.stack.registry()
        front_door = next(
            d for d in devices if d["name"] == "Front door" and d["manufacturer"] == "Tedee"
        )
        mine = [e for e in entities if e["device_id"] == front_door["id"]]
        assert mine, "the Front door device has no entities"
        enabled = [_display_name(e, front_door) for e in mine if not e["disabled_by"]]
        disabled = [_display_name(e, front_door) for e in mine if e["disabled_by"]]

        for name in enabled:
            journey.see(cards.get_by_text(name, exact=True).first, f"entity {name!r}")
        journey.see(
            cards.get_by_role("button", name="Unlock"), "the lock's Unlock control on its page"
        )
        journey.see(cards.get_by_text(re.compile(r"87\s?%")).first, "the battery level, 87 %")
        more = cards.get_by_role("button", name=re.compile(r"^\+\d+ disabled entit"))
        counts = [int(re.findall(r"\d+", text)[0]) for text in more.all_inner_texts()]
        assert sum(counts) == len(disabled), (
            f"the page offers {counts} disabled entities; the registry has {disabled}"
        )
        while more.count():
            more.first.click()
        for name in disabled:
            journey.see(cards.get_by_text(name, exact=True).first, f"disabled entity {name!r}")
        page.set_viewport_size({"width": 1280, "height": 1150})
        journey.artifacts.screenshot(page, "front-door-device", gallery="device-page-lock")
        journey.note(f"Front door device page: {len(enabled)} entities + {len(disabled)} disabled")


def _display_name(entity: dict[str, Any], device: dict[str, Any]) -> str:
    """Return the name the device page shows for an entity (the device's for its main one)."""
    return str(
        entity["name"] or entity["original_name"] or device["name_by_user"] or device["name"]
    )


def test_05_dashboard_from_docs(journey: Journey, page: Page) -> None:
    """Create a dashboard in the UI and paste docs/dashboard.yaml: every tile loads."""
    with journey.step(DASHBOARD_FROM_DOCS, needs=(ADD_TEDEE, ADD_DOORFLOW)):
        text = DASHBOARD.read_text("utf-8")
        config = yaml.safe_load(text)
        title = config["title"]
        journey.home(page)
        journey.open_settings(page)
        page.get_by_text("Dashboards", exact=True).first.click()
        journey.see(page.get_by_role("button", name="Add dashboard"), "the Dashboards page").click()
        journey.see(
            page.get_by_text("New dashboard from scratch"), "the Add dashboard choices"
        ).click()
        journey.see(page.get_by_role("textbox", name="Title"), "the new dashboard's form").fill(
            title
        )
        page.get_by_role("button", name="Create").click()
        journey.see(sidebar_item(page, title), f"the dashboard {title!r} in the sidebar").click()

        # Edit dashboard → ⋮ → Raw configuration editor → paste the example → Save → close.
        journey.see(page.get_by_role("button", name="Edit dashboard"), "the dashboard").click()
        page.get_by_role("button", name="Open dashboard menu").click()
        page.get_by_role("menuitem", name="Raw configuration editor").click()
        editor = journey.see(page.locator(".cm-content"), "the raw configuration editor")
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(text)
        page.get_by_role("button", name="Save").click()
        journey.not_see(page.get_by_text("Unsaved changes"), "the raw editor's unsaved changes")
        page.get_by_role("button", name="Close").click()
        journey.see(page.get_by_role("button", name="Done"), "the dashboard in edit mode").click()

        names = _tile_names(journey, config)
        for heading in _headings(config):
            journey.see(page.get_by_text(heading, exact=True).first, f"the heading {heading!r}")
        for name in names:
            journey.see(tile(page, name), f"the tile {name!r}")
        assert page.locator("hui-error-card").count() == 0, "a card of the example failed"
        assert not page.get_by_text("Entity not available").count(), "a tile has no entity"
        page.set_viewport_size({"width": 1600, "height": 1000})
        journey.artifacts.screenshot(page, "dashboard", gallery="dashboard")
        journey.note(
            f"dashboard from docs/dashboard.yaml: {len(names)} tiles; the browser asked: "
            f"{journey.artifacts.native_dialogs or 'nothing'}"
        )


def _cards(config: dict[str, Any]) -> list[dict[str, Any]]:
    """Return every card of a dashboard configuration (sections views)."""
    return [
        card
        for view in config["views"]
        for section in view.get("sections", [])
        for card in section.get("cards", [])
    ]


def _headings(config: dict[str, Any]) -> list[str]:
    """Return the headings of a dashboard configuration."""
    return [card["heading"] for card in _cards(config) if card["type"] == "heading"]


def _tile_names(journey: Journey, config: dict[str, Any]) -> list[str]:
    """Return the name each tile shows: its own, or its entity's friendly name."""
    states = {state["entity_id"]: state for state in journey.stack.api.states()}
    names = []
    for card in _cards(config):
        if card["type"] != "tile":
            continue
        entity = card["entity"]
        assert entity in states, f"docs/dashboard.yaml names {entity}, which the demo lacks"
        names.append(card.get("name") or states[entity]["attributes"]["friendly_name"])
    return names


def _open_dashboard(journey: Journey, page: Page) -> None:
    """Open the example dashboard from the sidebar."""
    title = yaml.safe_load(DASHBOARD.read_text("utf-8"))["title"]
    journey.home(page)
    sidebar_item(page, title).click()
    journey.see(tile(page, "Front door"), "the Front door tile of the example dashboard")


def test_06_unlock_from_dashboard(journey: Journey, page: Page) -> None:
    """Press Unlock on the Front door tile: it reads Unlocked once the lock is done."""
    with journey.step(UNLOCK, needs=(DASHBOARD_FROM_DOCS,)):
        _open_dashboard(journey, page)
        front_door = tile(page, "Front door")
        journey.see(front_door.get_by_text("Locked", exact=True), "the Front door tile: Locked")
        front_door.get_by_role("button", name="Unlock").click()
        seen = _follow_state(front_door, "Front door", until="Unlocked", timeout=OPERATION_TIMEOUT)
        assert seen[-1:] == ["Unlocked"], (
            f"the Front door tile did not read Unlocked within {OPERATION_TIMEOUT:.0f} s "
            f"after Unlock; it showed {seen}"
        )
        journey.not_see(page.locator("ha-toast"), "an error message after unlocking", 1)
        journey.note(f"Front door after Unlock: {' -> '.join(seen)}")


def _follow_state(card: Locator, name: str, *, until: str, timeout: float) -> list[str]:
    """Record the states a tile shows until it shows `until` or `timeout` passes."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = tile_state(card, name)
        if state and (not seen or seen[-1] != state):
            seen.append(state)
        if state == until:
            break
        card.page.wait_for_timeout(200)
    return seen


def test_07_open_gate(journey: Journey, page: Page) -> None:
    """Open the Driveway gate from its tile: no error; the unlinked Garden gate shows one."""
    with journey.step(OPEN_GATE, needs=(DASHBOARD_FROM_DOCS,)):
        _open_dashboard(journey, page)
        driveway = tile(page, "Driveway gate")
        journey.see(driveway.get_by_role("button", name="Open"), "the Driveway gate's Open")
        before = tile_state(driveway, "Driveway gate")
        driveway.get_by_role("button", name="Open").click()

        def pressed() -> str | None:
            """Return the tile's state once it shows the last press ("... ago")."""
            state = tile_state(driveway, "Driveway gate")
            return state if state != before and re.search(r"ago$|now$", state, re.I) else None

        what = f"the Driveway gate tile's last press (was {before!r})"
        after = journey.wait_for(pressed, what, UI_TIMEOUT)
        journey.note(f"Driveway gate tile after Open: {before!r} -> {after!r}")
        page.wait_for_timeout(TOAST_GRACE * 1000)
        toasts = page.locator("ha-toast")
        assert toasts.count() == 0, f"opening the Driveway gate showed: {toasts.all_inner_texts()}"

        # The same check catches a failure: the Garden gate is unlinked from BleBox.
        tile(page, "Garden gate").get_by_role("button", name="Open").click()
        message = journey.see(
            toasts.first.get_by_text(re.compile("gate", re.IGNORECASE)).first,
            "the error message after opening the unlinked Garden gate",
        )
        journey.note(f"opening the Garden gate says: {' '.join(message.inner_text().split())}")


def test_08_repair_of_unlinked_gate(journey: Journey, page: Page) -> None:
    """Settings shows the Garden gate's repair issue, reported by Door Access."""
    with journey.step(REPAIR, needs=(ADD_TEDEE,)):
        journey.home(page)
        journey.open_settings(page)
        page.get_by_role("link", name=re.compile(r"\d+ repairs?")).click()
        issue = journey.see(
            page.get_by_text(re.compile(r"Garden gate")).first,
            "the Garden gate's repair issue in Settings → Repairs",
        )
        issue.click()
        journey.see(
            page.get_by_text(f"Reported by {INTEGRATION_NAME}"), "the repair's 'Reported by'"
        )
        journey.see(
            page.locator("dialog-repairs-issue").get_by_text(re.compile("unlinked|BleBox")).first,
            "the repair's explanation (the gate is no longer linked to BleBox)",
        )
        journey.artifacts.screenshot(
            page,
            "repair",
            gallery="repair-unlinked-gate",
            element=page.locator("dialog-repairs-issue dialog"),
        )
        page.get_by_role("button", name="Close").first.click()


def test_09_delete_stale_device(journey: Journey, page: Page) -> None:
    """A lock removed from the account while the entry was off: delete its device in the UI."""
    with journey.step(STALE_DEVICE, needs=(ADD_TEDEE,)):
        account = _tedee_title(journey.stack.world())
        world = journey.stack.world()["tedee"]
        gone = next(lock for lock in world["locks"] if lock["name"] == "Garage side door")
        journey.home(page)
        journey.open_integration_page(page)
        row = journey.entry_row(page, account)
        _entry_menu(journey, row, "Disable")
        journey.see(
            page.locator("dialog-box").get_by_role("button", name="Disable"),
            f"the question whether to disable {account!r}",
        ).click()
        journey.see(
            row.get_by_text(re.compile(r"^Disabled", re.IGNORECASE)).first,
            f"the entry {account!r} marked disabled",
        )
        journey.stack.control("DELETE", f"tedee/locks/{gone['id']}")
        _enable_entry(journey, page, account)
        row = journey.entry_row(page, account)
        device_row = row.get_by_role("listitem").filter(
            has=page.get_by_text(gone["name"], exact=True)
        )
        journey.see(row.get_by_text("Front door", exact=True).first, "the entry's devices")
        # Gone while the entry was off: the integration keeps the device for the user to delete.
        journey.see(device_row.first, f"the stale device {gone['name']!r} in the entry")
        # Delete sits in the device row's ⋮ menu on the integration page, offered only by
        # integrations that implement async_remove_config_entry_device.
        menu = device_row.first.locator("ha-dropdown").locator(
            "ha-icon-button, ha-button, [slot='trigger']"
        )
        delete = page.locator("ha-dropdown-item[value='delete']").filter(visible=True)
        journey.see(menu.first, "the stale device's menu")
        menu.first.click()
        journey.artifacts.screenshot(page, "stale-device-menu")
        journey.see(delete.first, "Delete in the menu")
        delete = delete.first
        delete.click()
        question = page.locator("dialog-box")
        confirm = question.get_by_role("button", name=re.compile(r"^(Delete|Remove)$"))
        journey.see(confirm, "the question whether to delete it").click()
        journey.hidden(confirm, "the delete question")
        refusal = page.locator("dialog-box").filter(visible=True)
        assert refusal.count() == 0, f"deleting the device answered: {refusal.all_inner_texts()}"
        journey.open_integration_page(page)
        row = journey.entry_row(page, account)
        journey.see(row.get_by_text("Front door", exact=True).first, "the entry's devices")
        journey.not_see(
            row.get_by_text(gone["name"], exact=True), f"the deleted device {gone['name']!r}"
        )


def _entry_menu(journey: Journey, row: Locator, item: str) -> None:
    """Open a config entry's ⋮ menu and choose `item`; confirm if asked."""
    journey.see(row, "the config entry").get_by_role("button", name="Menu").first.click()
    row.page.get_by_role("menuitem", name=item).click()


def _enable_entry(journey: Journey, page: Page, account: str) -> None:
    """Enable a disabled config entry again (its Enable button on the integration page)."""
    row = journey.entry_row(page, account)
    journey.see(row.get_by_role("button", name="Enable"), f"Enable on {account!r}").click()
    # Until it is set up again the row says so ("Disabled by user", "Initializing", ...).
    journey.not_see(
        row.get_by_text(re.compile(r"^(Disabled|Initializing|Not loaded)", re.IGNORECASE)),
        f"the entry {account!r} not yet set up again",
    )
    # The row can look ready a moment before the entry has finished loading.
    journey.wait_for(
        lambda: journey.stack.entry_states().get(account) == "loaded" or None,
        f"the entry {account!r} loaded again",
        UI_TIMEOUT,
    )


def test_10_brand_icon(journey: Journey, page: Page) -> None:
    """Door Access's brand icon is loaded on the integrations dashboard, not a broken image."""
    with journey.step(BRAND, needs=(ADD_TEDEE,)):
        journey.home(page)
        journey.open_integrations(page)
        card = journey.see(integration_card(page), "Door Access on the integrations dashboard")
        icon = card.locator("img").first
        # Attached, not necessarily visible: the frontend hides an image that failed to load.
        expect(icon).to_be_attached()
        assert "door_access" in (icon.get_attribute("src") or ""), icon.get_attribute("src")
        # decode() settles once the image is loaded or known to be broken.
        with contextlib.suppress(PlaywrightError):
            icon.evaluate("img => img.decode()", timeout=UI_TIMEOUT * 1000)
        width = icon.evaluate("img => img.complete ? img.naturalWidth : -1")
        assert width > 0, f"the Door Access icon did not load (naturalWidth {width})"


def test_11_keypad_unlock_in_the_logbook(journey: Journey, page: Page) -> None:
    """Anna unlocks the Office at its keypad: the logbook has one line for it, the door's."""
    with journey.step(KEYPAD_LOGBOOK, needs=(ADD_TEDEE,)):
        demo.expect(
            demo.http(
                "POST",
                f"{journey.stack.sim_url}/_control/tedee/locks/1004/activity",
                json_body={"event": demo.KEYPAD_UNLOCK, "username": demo.LOGBOOK_USER},
            ),
            "a keypad unlock of the Office in the simulator",
            201,
        )

        def fired() -> dict[str, Any] | None:
            """Return the Office activity entity's state once it fired the keypad unlock."""
            state = journey.stack.api.get(f"/api/states/{OFFICE_ACTIVITY}").body
            attributes = state.get("attributes", {}) if isinstance(state, dict) else {}
            return state if attributes.get("user") == demo.LOGBOOK_USER else None

        journey.wait_for(fired, "the Office's activity entity to fire", OPERATION_TIMEOUT)
        page.goto(f"{journey.hass_url}/logbook?entity_id={OFFICE_ACTIVITY}")
        # The Activity panel's line: "Activity → Unlocked", the door ("Office") below it.
        rows = page.get_by_text(re.compile(r"\bUnlocked$"))
        journey.see(rows.first, "the keypad unlock's line in the Office activity's logbook")
        journey.count(rows, 1, "one logbook line for the keypad unlock")
        journey.artifacts.screenshot(page, "keypad-unlock-logbook")
        journey.note(f"Office activity's logbook line: {rows.first.inner_text()!r} (one)")
