"""Setup, unload, outages, rate limits, reauth and dynamic doors of a DoorFlow entry."""

from __future__ import annotations

import logging
import re

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.const import CONF_ACCOUNT_ID, DOMAIN
from custom_components.door_access.doorflow.coordinator import DoorFlowCoordinator

from .conftest import DOORFLOW_ACCOUNT_ID, DOORFLOW_KEY, Simulator
from .helpers import advance, coordinator_of, flow_sources, lock_entity_ids, setup_entry, state_of

FRONT = "lock.head_office_front_door"  # 1201: online, normal


async def test_setup_and_unload(
    hass: HomeAssistant, init_doorflow: MockConfigEntry, simulator: Simulator
) -> None:
    """The entry loads the account and every door as devices, and unloads cleanly."""
    entry = init_doorflow
    assert entry.state is ConfigEntryState.LOADED
    coordinator = coordinator_of(entry, DoorFlowCoordinator)
    assert sorted(coordinator.data.channels) == ["1201", "1202", "1203"]
    registry = dr.async_get(hass)
    account = registry.async_get_device_by_identifier(
        (DOMAIN, f"doorflow-account-{DOORFLOW_ACCOUNT_ID}"), entry.entry_id
    )
    assert account is not None
    assert account.name == "Demo Office"
    assert account.manufacturer == "DoorFlow"
    door = registry.async_get_device_by_identifier((DOMAIN, "doorflow-1201"), entry.entry_id)
    assert door is not None
    assert door.name == "Front door"
    assert door.manufacturer == "DoorFlow"
    assert door.model == "IPBR-2"
    # The contract's freescale_version (main firmware) with its pic_version (I/O processor).
    assert door.sw_version == "4.12.0 (PIC 1.9)"
    controller = registry.async_get(door.via_device_id or "")
    assert controller is not None  # the door hangs below its controller, below the account
    assert controller.sw_version == "4.12.0 (PIC 1.9)"
    assert controller.via_device_id == account.id
    assert len(lock_entity_ids(hass, entry)) == 3
    # Startup reads the account, its sites (for the doors' areas), the channels, and one
    # event (may the key read the feed?).
    log = await simulator.requests()
    assert log["by_endpoint"] == {
        "GET /api/3/account": 1,
        "GET /api/3/sites": 1,
        "GET /api/3/channels": 1,
        "GET /api/3/events": 1,
    }

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_polls_account_and_channels_every_interval(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Each poll reads the account, the channels and the event feed; at most every 30 s."""
    await simulator.control("DELETE", "requests")
    await advance(hass, freezer, 20)
    assert (await simulator.requests())["total"] == 0
    await advance(hass, freezer, 10)
    log = await simulator.requests()
    assert log["by_endpoint"] == {
        "GET /api/3/account": 1,
        "GET /api/3/channels": 1,
        "GET /api/3/events": 1,
    }
    for _ in range(4):
        await advance(hass, freezer, 30)
    log = await simulator.requests()
    assert log["by_endpoint"] == {
        "GET /api/3/account": 5,
        "GET /api/3/channels": 5,
        "GET /api/3/events": 5,
    }


async def test_poll_interval_option_is_at_least_30_s(
    hass: HomeAssistant, doorflow_config_entry: MockConfigEntry
) -> None:
    """A poll interval below DoorFlow's minimum is raised to 30 s; longer ones are kept."""
    doorflow_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(doorflow_config_entry, options={"poll_interval": 5})
    assert await hass.config_entries.async_setup(doorflow_config_entry.entry_id)
    await hass.async_block_till_done()
    interval = coordinator_of(doorflow_config_entry, DoorFlowCoordinator).poll_interval
    assert interval == 30

    hass.config_entries.async_update_entry(doorflow_config_entry, options={"poll_interval": 90})
    assert await hass.config_entries.async_reload(doorflow_config_entry.entry_id)
    await hass.async_block_till_done()
    interval = coordinator_of(doorflow_config_entry, DoorFlowCoordinator).poll_interval
    assert interval == 90


async def test_cloud_down_at_start_retries_then_loads(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    doorflow_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A DoorFlow outage at startup leaves the entry retrying; it loads once DoorFlow answers."""
    await simulator.control("POST", "faults", {"kind": "status", "status": 503})
    await setup_entry(hass, doorflow_config_entry)
    assert doorflow_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert "DoorFlow" in (doorflow_config_entry.reason or "")

    await simulator.control("DELETE", "faults")
    await advance(hass, freezer, 60)
    assert doorflow_config_entry.state is ConfigEntryState.LOADED


async def test_rate_limited_at_start_retries(
    hass: HomeAssistant, doorflow_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A 429 at startup (no data to keep) leaves the entry retrying after Retry-After."""
    await simulator.control("POST", "faults", {"kind": "rate_limit", "retry_after": 40})
    await setup_entry(hass, doorflow_config_entry)
    assert doorflow_config_entry.state is ConfigEntryState.SETUP_RETRY
    # DoorFlow's Retry-After (40 s) plus the scheduler's safety margin.
    assert re.search(r"Wait 4[0-3] s before trying again", doorflow_config_entry.reason or "")


async def test_revoked_key_at_start_asks_for_reauth(
    hass: HomeAssistant, doorflow_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A refused API key at startup fails setup and starts the DoorFlow reauth flow."""
    await simulator.control("POST", "tokens/revoke", {"token": DOORFLOW_KEY})
    await setup_entry(hass, doorflow_config_entry)
    assert doorflow_config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    assert flows[0]["step_id"] == "doorflow_reauth"


async def test_revoked_key_while_running_asks_for_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A key refused mid-run starts the reauth flow."""
    await simulator.control("POST", "tokens/revoke", {"token": DOORFLOW_KEY})
    await advance(hass, freezer, 31)
    assert flow_sources(hass) == ["reauth"]


async def test_rate_limit_keeps_entities_and_waits_retry_after(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 429 keeps the last data, sends nothing until retry_in passed, and logs once."""
    caplog.set_level(logging.INFO)
    await simulator.control(
        "POST", "faults", {"kind": "rate_limit", "retry_after": 100, "count": 1}
    )
    await advance(hass, freezer, 30)
    total_after_429 = (await simulator.requests())["total"]
    assert state_of(hass, FRONT) == "locked"

    for _ in range(3):  # 90 s: still inside retry_in
        await advance(hass, freezer, 30)
    assert (await simulator.requests())["total"] == total_after_429
    assert state_of(hass, FRONT) == "locked"
    assert caplog.text.count("DoorFlow answered 429") == 1

    await advance(hass, freezer, 30)
    assert (await simulator.requests())["total"] > total_after_429
    assert coordinator_of(init_doorflow, DoorFlowCoordinator).last_update_success
    assert caplog.text.count("DoorFlow requests for Demo Office resumed") == 1


async def test_outage_makes_entities_unavailable_and_they_come_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """5xx answers make entities unavailable, polls back off; they return by themselves."""
    await simulator.control("POST", "faults", {"kind": "status", "status": 502})
    await simulator.control("DELETE", "requests")
    await advance(hass, freezer, 30)
    assert state_of(hass, FRONT) == STATE_UNAVAILABLE
    for _ in range(20):  # 10 minutes
        await advance(hass, freezer, 30)
    failed = (await simulator.requests())["total"]
    assert 2 <= failed <= 8  # 21 polls would have been sent without back-off

    await simulator.control("DELETE", "faults")
    for _ in range(40):
        await advance(hass, freezer, 30)
        if state_of(hass, FRONT) != STATE_UNAVAILABLE:
            break
    assert state_of(hass, FRONT) == "locked"


async def test_new_door_appears_and_removed_door_goes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A door added to the account becomes a device; a removed one loses its device."""
    entry = init_doorflow
    added = await simulator.control("POST", "doorflow/channels", {"name": "Lab", "site_id": None})
    await advance(hass, freezer, 30)
    assert len(lock_entity_ids(hass, entry)) == 4
    registry = dr.async_get(hass)
    device = registry.async_get_device_by_identifier(
        (DOMAIN, f"doorflow-{added['id']}"), entry.entry_id
    )
    assert device is not None
    assert device.name == "Lab"
    assert state_of(hass, "lock.lab") == "locked"
    assert state_of(hass, "switch.lab_lockdown") == "off"

    await simulator.control("DELETE", f"doorflow/channels/{added['id']}")
    await simulator.control("DELETE", "doorflow/channels/1202")
    await advance(hass, freezer, 30)
    for channel_id in (added["id"], 1202):
        assert (
            registry.async_get_device_by_identifier(
                (DOMAIN, f"doorflow-{channel_id}"), entry.entry_id
            )
            is None
        )
    assert hass.states.get("lock.lab") is None
    assert state_of(hass, FRONT) == "locked"


async def test_an_account_with_a_hashid(
    hass: HomeAssistant, simulator: Simulator, doorflow_config_entry: MockConfigEntry
) -> None:
    """An account whose id is a hashid (the contract's string) loads with its doors.

    Its device identifier holds the hashid; the doors keep their `doorflow-<channel>` ids.
    """
    simulator.world.doorflow.account.hashid = "abc123xyz"
    doorflow_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        doorflow_config_entry,
        unique_id="doorflow_abc123xyz",
        data={**doorflow_config_entry.data, CONF_ACCOUNT_ID: "abc123xyz"},
    )
    assert await hass.config_entries.async_setup(doorflow_config_entry.entry_id)
    await hass.async_block_till_done()
    assert doorflow_config_entry.state is ConfigEntryState.LOADED
    registry = dr.async_get(hass)
    account = registry.async_get_device_by_identifier(
        (DOMAIN, "doorflow-account-abc123xyz"), doorflow_config_entry.entry_id
    )
    assert account is not None
    assert account.name == "Demo Office"
    assert len(lock_entity_ids(hass, doorflow_config_entry)) == 3
