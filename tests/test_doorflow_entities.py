"""DoorFlow binary sensors and sensors: online, lockdown switch, sync status of doors, account."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .conftest import Simulator
from .helpers import advance, former_entity_removed_at_setup, state_of

ONLINE = "binary_sensor.head_office_front_door_connectivity"
LOCKDOWN = "switch.head_office_front_door_lockdown"
DOOR_SYNC = "sensor.head_office_front_door_sync_status"
DOOR_LAST_SYNC = "sensor.head_office_front_door_last_sync"
ACCOUNT_SYNC = "sensor.demo_office_sync_status"
ACCOUNT_LAST_SYNC = "sensor.demo_office_last_sync"


async def test_entities_of_a_door_and_the_account(
    hass: HomeAssistant, init_doorflow: MockConfigEntry
) -> None:
    """Every door has its sensors; the account has its own; last sync is disabled by default."""
    registry = er.async_get(hass)
    entries = er.async_entries_for_config_entry(registry, init_doorflow.entry_id)
    unique_ids = {e.unique_id: e for e in entries if e.domain != "switch"}
    keys = (
        "lock",
        "online",
        "sync_status",
        "last_sync",
        "relock_at",
        "access_events",
        "door_alarm",
    )
    for channel_id in (1201, 1202, 1203):
        for key in keys:
            assert f"doorflow-{channel_id}-{key}" in unique_ids
    assert unique_ids["doorflow-1201-last_sync"].disabled_by is er.RegistryEntryDisabler.INTEGRATION
    account_last = unique_ids["doorflow-account-7001-last_sync"]
    assert account_last.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert "doorflow-account-7001-sync_status" in unique_ids
    assert "doorflow-account-7001-sync" in unique_ids
    assert "doorflow-account-7001-push_status" in unique_ids
    # Per door, and the account (with its budget and its push status).
    assert len(unique_ids) == 3 * 7 + 5
    # The lockdown switch shares its key with the lockdown binary sensor (another platform).
    switches = [e.unique_id for e in entries if e.domain == "switch"]
    assert sorted(switches) == [f"doorflow-{door}-lockdown" for door in (1201, 1202, 1203)]

    assert state_of(hass, ONLINE) == "on"
    assert state_of(hass, "binary_sensor.warehouse_warehouse_connectivity") == "off"
    assert state_of(hass, LOCKDOWN) == "off"
    # Whether changes wait for a controller is the sync status alone (no binary sensor).
    assert hass.states.get("binary_sensor.head_office_front_door_changes_not_synced") is None
    assert state_of(hass, DOOR_SYNC) == "ok"
    assert state_of(hass, "sensor.warehouse_warehouse_sync_status") == "fail"
    assert state_of(hass, ACCOUNT_SYNC) == "failing"
    state = hass.states.get(DOOR_SYNC)
    assert state is not None
    assert state.attributes["options"] == ["ok", "fail", "syncing", "pending"]


async def test_offline_door_keeps_its_sensors(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Connectivity goes off while the door's other sensors stay available."""
    await simulator.control("PATCH", "doorflow/channels/1201", {"status": "offline"})
    await advance(hass, freezer, 30)
    assert state_of(hass, ONLINE) == "off"
    assert state_of(hass, LOCKDOWN) == "off"
    assert state_of(hass, DOOR_SYNC) == "ok"


@pytest.mark.parametrize(
    ("lockdown", "expected"),
    [
        ({"card_lockdown": True, "rex_lockdown": False, "aux_lockdown": False}, "on"),
        ({"card_lockdown": False, "rex_lockdown": False, "aux_lockdown": False}, "off"),
        (None, "off"),
    ],
)
async def test_lockdown(  # noqa: PLR0917
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
    lockdown: dict[str, bool] | None,
    expected: str,
) -> None:
    """Lockdown is on while any input is locked down."""
    simulator.world.doorflow.channels[1201].lockdown = lockdown
    await advance(hass, freezer, 30)
    assert state_of(hass, LOCKDOWN) == expected


@pytest.mark.parametrize(
    ("status", "sensor"),
    [
        ("ok", "ok"),
        ("syncing", "syncing"),
        ("pending", "pending"),
        ("fail", "fail"),
        ("exploded", STATE_UNKNOWN),
    ],
)
async def test_door_sync_status(  # noqa: PLR0917
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
    status: str,
    sensor: str,
) -> None:
    """Each documented sync status of a door, and one DoorFlow does not list."""
    simulator.world.doorflow.channels[1201].sync_status = status
    await advance(hass, freezer, 30)
    assert state_of(hass, DOOR_SYNC) == sensor


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (("ok", "ok", "ok"), "complete"),
        (("ok", "pending", "fail"), "pending"),
        (("syncing", "ok", "fail"), "syncing"),
        (("ok", "ok", "fail"), "failing"),
    ],
)
async def test_account_sync_status(  # noqa: PLR0917
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
    statuses: tuple[str, str, str],
    expected: str,
) -> None:
    """The account's sync status follows its doors (as DoorFlow aggregates it)."""
    for channel_id, status in zip((1201, 1202, 1203), statuses, strict=True):
        simulator.world.doorflow.channels[channel_id].sync_status = status
    await advance(hass, freezer, 30)
    assert state_of(hass, ACCOUNT_SYNC) == expected


async def test_unknown_account_sync_status(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """An account sync status DoorFlow does not document is unknown."""
    world = simulator.world.doorflow
    original = world.account_json

    def odd_account() -> dict[str, object]:
        body = original()
        body["sync"] = {"status": "reticulating"}
        return body

    world.account_json = odd_account  # type: ignore[method-assign]
    await advance(hass, freezer, 30)
    assert state_of(hass, ACCOUNT_SYNC) == STATE_UNKNOWN
    assert state_of(hass, "lock.head_office_front_door") == "locked"


async def test_last_sync_timestamps(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Once enabled, the last sync sensors show when the door and the account last synced."""
    registry = er.async_get(hass)
    for entity_id in (DOOR_LAST_SYNC, ACCOUNT_LAST_SYNC):
        registry.async_update_entity(entity_id, disabled_by=None)
    assert await hass.config_entries.async_reload(init_doorflow.entry_id)
    await hass.async_block_till_done()
    door = simulator.world.doorflow.channels[1201].last_sync_completed_at
    account = simulator.world.doorflow.account.last_sync
    assert door is not None
    assert account is not None
    assert state_of(hass, DOOR_LAST_SYNC) == door.replace(microsecond=0).isoformat()
    assert state_of(hass, ACCOUNT_LAST_SYNC) == account.replace(microsecond=0).isoformat()

    simulator.world.doorflow.channels[1201].last_sync_completed_at = None
    await advance(hass, freezer, 30)
    assert state_of(hass, DOOR_LAST_SYNC) == STATE_UNKNOWN


async def test_removed_door_entities_go(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """The sensors of a door removed from the account disappear with its device."""
    await simulator.control("DELETE", "doorflow/channels/1201")
    await advance(hass, freezer, 30)
    for entity_id in (ONLINE, LOCKDOWN, DOOR_SYNC):
        state = hass.states.get(entity_id)
        assert state is None or state.state == STATE_UNAVAILABLE


async def test_the_former_changes_not_synced_binary_sensor_is_removed(
    hass: HomeAssistant, doorflow_config_entry: MockConfigEntry
) -> None:
    """An install from before 0.2.0 loses "Changes not synced" (it repeated the sync status)."""
    await former_entity_removed_at_setup(
        hass,
        doorflow_config_entry,
        "doorflow-1203-sync_pending",
        "warehouse_warehouse_changes_not_synced",
    )
    assert state_of(hass, "sensor.warehouse_warehouse_sync_status") == "fail"
    assert state_of(hass, "binary_sensor.warehouse_warehouse_connectivity") == "off"
