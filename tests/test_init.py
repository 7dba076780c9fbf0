"""Setup, unload, outages, rate limits, reauth and dynamic devices of a Tedee entry."""

from __future__ import annotations

import asyncio
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    device_registry as dr,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.door_access.const import DOMAIN
from custom_components.door_access.tedee.coordinator import TedeeCoordinator
from custom_components.door_access.tedee.kept_details import forget_details
from custom_components.door_access.tedee.repairs import (
    GATE_ISSUE_CLEAR_AFTER,
    unlinked_gate_issue_id,
)

from .conftest import Simulator
from .helpers import TEDEE_POLL, advance, coordinator_of, lock_entity_ids, setup_entry

SYNC = "GET /api/{version}/my/lock/sync"


async def _sync_count(simulator: Simulator) -> int:
    log = await simulator.requests()
    return int(log["by_endpoint"].get(SYNC, 0))


async def test_setup_and_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The entry loads every lock and gate as devices, and unloads cleanly."""
    entry = init_integration
    assert entry.state is ConfigEntryState.LOADED
    coordinator = coordinator_of(entry, TedeeCoordinator)
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    identifiers = {ident for device in devices for ident in device.identifiers}
    for device_id in [*coordinator.data.locks, *coordinator.data.gates]:
        assert (DOMAIN, f"tedee-{device_id}") in identifiers
    assert len(lock_entity_ids(hass, entry)) == len(coordinator.data.locks)

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_locks_through_bridge_name_it_as_via_device(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A lock connected through a bridge hangs below the bridge's device."""
    coordinator = coordinator_of(init_integration, TedeeCoordinator)
    registry = dr.async_get(hass)
    bridged = [lock for lock in coordinator.data.locks.values() if lock.bridge_id]
    assert bridged
    for lock in bridged:
        device = registry.async_get_device_by_identifier(
            (DOMAIN, f"tedee-{lock.id}"), init_integration.entry_id
        )
        assert device is not None
        bridge = registry.async_get(device.via_device_id or "")
        assert bridge is not None
        assert (DOMAIN, f"tedee-{lock.bridge_id}") in bridge.identifiers


async def test_cloud_down_at_start_retries_then_loads(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A cloud outage at startup leaves the entry retrying; it loads once the cloud answers."""
    await simulator.control("POST", "faults", {"kind": "status", "status": 503})
    await setup_entry(hass, mock_config_entry)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY

    await simulator.control("DELETE", "faults")
    await advance(hass, freezer, 60)
    assert mock_config_entry.state is ConfigEntryState.LOADED


async def test_revoked_token_at_start_asks_for_reauth(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """A refused token at startup fails setup and starts the reauth flow."""
    await simulator.control("POST", "tokens/revoke", {"token": "demo-tedee-personal-key"})
    await setup_entry(hass, mock_config_entry)
    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_revoked_token_while_running_asks_for_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A token refused mid-run starts the reauth flow."""
    await simulator.control("POST", "tokens/revoke", {"token": "demo-tedee-personal-key"})
    await advance(hass, freezer, TEDEE_POLL)
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_one_bulk_sync_per_interval(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Each poll is one bulk lock sync; there are never two within 20 s."""
    assert await _sync_count(simulator) == 1  # startup: the sync names every lock
    await advance(hass, freezer, TEDEE_POLL)
    assert await _sync_count(simulator) == 2
    for _ in range(5):
        await advance(hass, freezer, TEDEE_POLL)
    assert await _sync_count(simulator) == 7
    log = await simulator.requests()
    assert log["by_status"].get("429", 0) == 0


async def test_manual_refresh_is_coalesced_into_the_next_slot(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """update_entity right after a poll waits for the 20 s slot instead of an extra call."""
    assert await async_setup_component(hass, "homeassistant", {})
    await advance(hass, freezer, TEDEE_POLL)
    assert await _sync_count(simulator) == 2
    entity_ids = lock_entity_ids(hass, init_integration)
    # Plain tasks: the refreshes wait for the slot, and waiting for them here would never end.
    refreshes = [
        asyncio.get_running_loop().create_task(
            hass.services.async_call(
                "homeassistant", "update_entity", {"entity_id": entity_id}, blocking=True
            )
        )
        for entity_id in entity_ids
    ]
    await advance(hass, freezer, 5, wait_background_tasks=False)
    assert await _sync_count(simulator) == 2
    await advance(hass, freezer, 16, wait_background_tasks=False)
    await asyncio.gather(*refreshes)
    assert await _sync_count(simulator) == 3
    log = await simulator.requests()
    assert log["by_status"].get("429", 0) == 0


async def test_rate_limit_keeps_entities_and_waits_retry_after(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 429 keeps the last data, sends nothing until Retry-After passed, and logs once."""
    entity_id = lock_entity_ids(hass, init_integration)[0]
    before = hass.states.get(entity_id)
    assert before is not None
    await simulator.control(
        "POST", "faults", {"kind": "rate_limit", "retry_after": 120, "count": 1}
    )
    await advance(hass, freezer, TEDEE_POLL)
    total_after_429 = (await simulator.requests())["total"]
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == before.state

    for _ in range(5):  # 100 s: still inside Retry-After
        await advance(hass, freezer, TEDEE_POLL)
    assert (await simulator.requests())["total"] == total_after_429
    assert caplog.text.count("answered 429") == 1

    await advance(hass, freezer, 30)
    assert (await simulator.requests())["total"] > total_after_429
    assert init_integration.runtime_data.coordinator.last_update_success


async def test_a_retry_after_of_a_billion_seconds_waits_an_hour(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Retry-After 10^9 on the lock sync: nothing goes to it for an hour, then the locks are
    read again (not "wait 999999407 s" for good); the cut is logged once."""
    entity_id = lock_entity_ids(hass, init_integration)[0]
    await simulator.control(
        "POST", "faults", {"kind": "rate_limit", "retry_after": 1_000_000_000, "count": 1}
    )
    await advance(hass, freezer, TEDEE_POLL)
    syncs = await _sync_count(simulator)
    for _ in range(50):  # 50 min: inside the hour
        await advance(hass, freezer, 60)
    assert await _sync_count(simulator) == syncs
    assert hass.states.get(entity_id).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    for _ in range(15):
        await advance(hass, freezer, 60)
    assert await _sync_count(simulator) > syncs
    assert init_integration.runtime_data.coordinator.last_update_success
    assert hass.states.get(entity_id).state != STATE_UNAVAILABLE  # type: ignore[union-attr]
    assert caplog.text.count("the longest wait Door Access accepts") == 1


async def test_outage_makes_entities_unavailable_and_they_come_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """5xx answers make entities unavailable (logged once); they return by themselves."""
    caplog.set_level(logging.INFO)
    entity_id = lock_entity_ids(hass, init_integration)[0]
    await simulator.control("POST", "faults", {"kind": "status", "status": 502})
    await advance(hass, freezer, TEDEE_POLL)
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == STATE_UNAVAILABLE
    for _ in range(10):
        await advance(hass, freezer, 60)
    assert caplog.text.count("Error fetching") == 1

    await simulator.control("DELETE", "faults")
    for _ in range(20):
        await advance(hass, freezer, 60)
        if hass.states.get(entity_id).state != STATE_UNAVAILABLE:  # type: ignore[union-attr]
            break
    assert hass.states.get(entity_id).state != STATE_UNAVAILABLE  # type: ignore[union-attr]
    assert caplog.text.count("recovered") == 1


async def test_backoff_grows_between_failed_polls(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Failed polls are retried with growing gaps, not every 20 s."""
    await simulator.control("POST", "faults", {"kind": "status", "status": 503})
    await simulator.control("DELETE", "requests")
    for _ in range(30):  # 10 minutes
        await advance(hass, freezer, TEDEE_POLL)
    failed = (await simulator.requests())["total"]
    assert 2 <= failed <= 8  # 30 polls would have been sent without back-off


async def test_new_lock_appears_without_reload_and_removed_lock_goes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A lock added to the account becomes a device; a removed one loses its device."""
    entry = init_integration
    count = len(lock_entity_ids(hass, entry))
    added = await simulator.control("POST", "tedee/locks", {"name": "Shed"})
    await advance(hass, freezer, TEDEE_POLL)
    assert len(lock_entity_ids(hass, entry)) == count + 1
    registry = dr.async_get(hass)
    device = registry.async_get_device_by_identifier(
        (DOMAIN, f"tedee-{added['id']}"), entry.entry_id
    )
    assert device is not None
    assert device.name == "Shed"

    await simulator.control("DELETE", f"tedee/locks/{added['id']}")
    await advance(hass, freezer, TEDEE_POLL)
    # One sync answer without the lock: unavailable, the device stays until a full listing.
    identifier = (DOMAIN, f"tedee-{added['id']}")
    assert registry.async_get_device_by_identifier(identifier, entry.entry_id) is not None
    shed = next(e for e in lock_entity_ids(hass, entry) if "shed" in e)
    assert hass.states.get(shed).state == STATE_UNAVAILABLE
    # The next poll reads the whole (complete) list: the lock is gone, so is its device.
    await advance(hass, freezer, TEDEE_POLL)
    assert registry.async_get_device_by_identifier(identifier, entry.entry_id) is None


async def test_revision_change_refetches_details(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A renamed lock (new revision) is re-read; unchanged locks are not."""
    coordinator = coordinator_of(init_integration, TedeeCoordinator)
    lock_id = next(iter(coordinator.data.locks))
    await simulator.control("PATCH", f"tedee/locks/{lock_id}", {"name": "Renamed"})
    await advance(hass, freezer, TEDEE_POLL)
    assert coordinator.data.locks[lock_id].name == "Renamed"
    log = await simulator.requests()
    assert log["by_endpoint"].get("GET /api/{version}/my/lock/{id}", 0) == 1


async def test_unlinked_gate_raises_repair_issue_until_relinked(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """An unlinked gate has a repair issue that clears itself once it stayed linked again."""
    coordinator = coordinator_of(init_integration, TedeeCoordinator)
    issues = ir.async_get(hass)
    unlinked = [g for g in coordinator.data.gates.values() if not g.is_present_in_external]
    linked = [g for g in coordinator.data.gates.values() if g.is_present_in_external]
    assert unlinked
    assert linked
    entry_id = init_integration.entry_id
    for gate in unlinked:
        assert issues.async_get_issue(DOMAIN, unlinked_gate_issue_id(entry_id, gate.id))
    for gate in linked:
        assert not issues.async_get_issue(DOMAIN, unlinked_gate_issue_id(entry_id, gate.id))

    gate = unlinked[0]
    await simulator.control("PATCH", f"tedee/gates/{gate.id}", {"isPresentInExternal": True})
    await advance(hass, freezer, coordinator.gate_reads.interval + 1)
    assert issues.async_get_issue(DOMAIN, unlinked_gate_issue_id(entry_id, gate.id))
    for _ in range(int(GATE_ISSUE_CLEAR_AFTER // coordinator.gate_reads.interval) + 1):
        await advance(hass, freezer, coordinator.gate_reads.interval + 1)
    assert not issues.async_get_issue(DOMAIN, unlinked_gate_issue_id(entry_id, gate.id))


async def test_gate_refresh_runs_on_its_own_throttle(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Gates are synced (POST) and read every gate interval, not at every lock poll."""
    coordinator = coordinator_of(init_integration, TedeeCoordinator)
    await simulator.control("DELETE", "requests")
    seconds = 0.0
    while seconds < coordinator.gate_reads.interval * 2:
        await advance(hass, freezer, TEDEE_POLL)
        seconds += 20
    log = await simulator.requests()
    assert log["by_endpoint"].get("POST /api/{version}/my/gate/sync", 0) == 2


async def test_deprecated_api_version_raises_repair_issue(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """When the cloud marks the API version deprecated, a repair issue says so."""
    await simulator.control(
        "POST",
        "tedee/config",
        {"versions": {"deprecated": {"v37": "2027-06-01"}}},
    )
    await advance(hass, freezer, TEDEE_POLL)
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"api_deprecated_{init_integration.entry_id}"
    )
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["version"] == "v37"


async def test_only_a_device_the_cloud_no_longer_lists_can_be_deleted(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Delete is refused for a device the account has; allowed once the cloud dropped it."""
    assert await async_setup_component(hass, "config", {})
    registry = dr.async_get(hass)
    entry_id = init_integration.entry_id
    office = registry.async_get_device_by_identifier((DOMAIN, "tedee-1004"), entry_id)
    assert office is not None
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove",
            "device_id": office.id,
        }
    )
    response = await client.receive_json()
    assert not response["success"]

    # Gone while Home Assistant was stopped: the device stays until the user deletes it.
    assert await hass.config_entries.async_unload(entry_id)
    forget_details(hass, entry_id)  # a restart: no lock details kept from before
    await simulator.control("DELETE", "tedee/locks/1004")
    assert await hass.config_entries.async_setup(entry_id)
    await hass.async_block_till_done()
    assert registry.async_get_device_by_identifier((DOMAIN, "tedee-1004"), entry_id)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove",
            "device_id": office.id,
        }
    )
    response = await client.receive_json()
    assert response["success"]
    assert registry.async_get_device_by_identifier((DOMAIN, "tedee-1004"), entry_id) is None


async def test_a_bridge_the_account_dropped_loses_its_device(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Bridges are read with the hourly full listing; a bridge gone from it is removed."""
    registry = dr.async_get(hass)
    entry_id = init_integration.entry_id
    assert registry.async_get_device_by_identifier((DOMAIN, "tedee-9001"), entry_id)
    simulator.world.tedee.bridges.clear()
    coordinator = coordinator_of(init_integration, TedeeCoordinator)
    coordinator.lock_listing.due_at = 0.0
    await advance(hass, freezer, TEDEE_POLL)
    assert registry.async_get_device_by_identifier((DOMAIN, "tedee-9001"), entry_id) is None
