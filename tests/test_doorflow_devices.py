"""DoorFlow doors grouped as DoorFlow groups them: sites as areas, controllers as devices."""

from __future__ import annotations

from typing import Any, Final

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar, device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.door_access import SCHEDULERS
from custom_components.door_access.const import DOMAIN

from .conftest import Simulator
from .helpers import advance, setup_entry, state_of, tick

SITES: Final = "GET /api/3/sites"
FRONT_CONTROLLER: Final = "doorflow-controller-001bc50a1201"
WAREHOUSE_CONTROLLER: Final = "doorflow-controller-001bc50a3407"


def _device(hass: HomeAssistant, entry: MockConfigEntry, identifier: str) -> dr.DeviceEntry:
    """Return one of the entry's devices by its identifier."""
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, identifier), entry.entry_id)
    assert device is not None, identifier
    return device


def _area(hass: HomeAssistant, device: dr.DeviceEntry) -> str | None:
    """Return the name of a device's area."""
    area = ar.async_get(hass).async_get_area(device.area_id) if device.area_id else None
    return None if area is None else area.name


async def test_controllers_group_their_doors(
    hass: HomeAssistant, init_doorflow: MockConfigEntry
) -> None:
    """Doors sharing a MAC hang below one controller device, which hangs below the account."""
    account = _device(hass, init_doorflow, "doorflow-account-7001")
    front = _device(hass, init_doorflow, FRONT_CONTROLLER)
    assert front.name == "Door controller IPBR2-000101"
    assert front.model == "2 channel IP Controller"
    assert front.model_id == "IPBR-2"
    assert front.serial_number == "IPBR2-000101"
    assert front.connections == {(dr.CONNECTION_NETWORK_MAC, "00:1b:c5:0a:12:01")}
    assert front.via_device_id == account.id
    for door in ("doorflow-1201", "doorflow-1202"):
        assert _device(hass, init_doorflow, door).via_device_id == front.id
    warehouse = _device(hass, init_doorflow, WAREHOUSE_CONTROLLER)
    assert _device(hass, init_doorflow, "doorflow-1203").via_device_id == warehouse.id


async def test_doors_and_controllers_suggest_their_site_as_area(
    hass: HomeAssistant, init_doorflow: MockConfigEntry
) -> None:
    """A door's device (and its controller's) is created in its DoorFlow site's area."""
    for identifier, area in (
        ("doorflow-1201", "Head office"),
        ("doorflow-1202", "Head office"),
        ("doorflow-1203", "Warehouse"),
        (FRONT_CONTROLLER, "Head office"),
        (WAREHOUSE_CONTROLLER, "Warehouse"),
        ("doorflow-account-7001", None),
    ):
        assert _area(hass, _device(hass, init_doorflow, identifier)) == area, identifier


async def test_sites_are_read_hourly_not_every_poll(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """The site listing is read at startup and then once an hour (paged, scheduled)."""
    assert await simulator.count(SITES) == 1
    for _ in range(10):
        await advance(hass, freezer, 300)
    assert await simulator.count(SITES) == 1
    await advance(hass, freezer, 620)
    assert await simulator.count(SITES) == 2


async def test_a_new_door_gets_its_area_and_controller(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A door added on a new controller at a new site brings both along."""
    await simulator.control("POST", "doorflow/sites", {"id": 3, "name": "Lab building"})
    await advance(hass, freezer, 3600)  # the next site read
    added = await simulator.control(
        "POST",
        "doorflow/channels",
        {"name": "Lab", "site_id": 3, "mac_address": "00:1B:C5:0A:99:01", "serial_number": "X9"},
    )
    await advance(hass, freezer, 30)
    door = _device(hass, init_doorflow, f"doorflow-{added['id']}")
    controller = _device(hass, init_doorflow, "doorflow-controller-001bc50a9901")
    assert door.via_device_id == controller.id
    assert _area(hass, door) == "Lab building"
    assert state_of(hass, "lock.lab_building_lab") == "locked"


async def test_a_controller_goes_with_its_last_door(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Removing the only door of a controller removes the controller's device too."""
    await simulator.control("DELETE", "doorflow/channels/1203")
    await simulator.control("DELETE", "doorflow/channels/1202")
    await advance(hass, freezer, 30)
    registry = dr.async_get(hass)
    gone = registry.async_get_device_by_identifier(
        (DOMAIN, WAREHOUSE_CONTROLLER), init_doorflow.entry_id
    )
    assert gone is None
    assert _device(hass, init_doorflow, FRONT_CONTROLLER) is not None  # still has 1201


async def test_a_door_without_a_controller_hangs_below_the_account(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """DoorFlow names no MAC for a door: no controller, the account is its parent."""
    added = await simulator.control(
        "POST", "doorflow/channels", {"name": "Gate", "site_id": None, "mac_address": ""}
    )
    await advance(hass, freezer, 30)
    account = _device(hass, init_doorflow, "doorflow-account-7001")
    door = _device(hass, init_doorflow, f"doorflow-{added['id']}")
    assert door.via_device_id == account.id
    assert _area(hass, door) is None


@pytest.mark.parametrize(
    "problem",
    [
        {"key": "demo-doorflow-readonly-key"},  # no account.site.readonly: 403
        {"fault": {"kind": "html", "status": 200, "path_prefix": "/api/3/sites"}},
    ],
)
async def test_sites_unreadable_leave_the_doors_without_area(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    doorflow_config_entry: MockConfigEntry,
    simulator: Simulator,
    problem: dict[str, object],
) -> None:
    """A key that may not read sites, or a garbled listing: doors work, without areas."""
    if "fault" in problem:
        await simulator.control("POST", "faults", problem["fault"])
    entry = doorflow_config_entry
    if "key" in problem:
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=entry.title,
            unique_id=entry.unique_id,
            data={**entry.data, CONF_API_KEY: problem["key"]},
        )
    assert await setup_entry(hass, entry)
    assert _area(hass, _device(hass, entry, "doorflow-1201")) is None
    assert state_of(hass, "lock.front_door") == "locked"
    await advance(hass, freezer, 120)
    assert await simulator.count(SITES) == 1  # tried again only in an hour


async def test_a_revoked_key_on_the_site_listing_asks_for_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A 401 on the sites, again after the pause, is a refused key like any other: reauth."""
    await simulator.control(
        "POST", "faults", {"kind": "unauthorized", "path_prefix": "/api/3/sites"}
    )
    await advance(hass, freezer, 3600, wait_background_tasks=False)
    await tick(hass, freezer, 10)
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def _remove(client: Any, device: dr.DeviceEntry) -> bool:
    """Ask Home Assistant to delete a device of an entry; return whether it did."""
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove",
            "device_id": device.id,
        }
    )
    return bool((await client.receive_json())["success"])


async def test_only_a_controller_no_longer_listed_can_be_deleted(
    hass: HomeAssistant,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A listed controller is no stale device; one gone while stopped may be deleted."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    front = _device(hass, init_doorflow, FRONT_CONTROLLER)
    assert not await _remove(client, front)
    warehouse = _device(hass, init_doorflow, WAREHOUSE_CONTROLLER)

    assert await hass.config_entries.async_unload(init_doorflow.entry_id)
    assert not await _remove(client, warehouse)  # not loaded: not known
    await simulator.control("DELETE", "doorflow/channels/1203")
    assert await hass.config_entries.async_setup(init_doorflow.entry_id)
    await hass.async_block_till_done()
    assert not await _remove(client, front)
    assert await _remove(client, warehouse)
    registry = dr.async_get(hass)
    gone = registry.async_get_device_by_identifier(
        (DOMAIN, WAREHOUSE_CONTROLLER), init_doorflow.entry_id
    )
    assert gone is None


async def test_removing_the_entry_forgets_its_scheduler(
    hass: HomeAssistant, init_doorflow: MockConfigEntry
) -> None:
    """Deleting the entry drops the account's scheduler (kept across reloads otherwise)."""
    schedulers = hass.data[SCHEDULERS]
    assert init_doorflow.entry_id in schedulers
    assert await hass.config_entries.async_reload(init_doorflow.entry_id)
    assert init_doorflow.entry_id in schedulers
    assert await hass.config_entries.async_remove(init_doorflow.entry_id)
    assert init_doorflow.entry_id not in schedulers
