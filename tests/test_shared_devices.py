"""Two Tedee accounts that share a lock (its owner and a guest): one device, one set of entities.

The scenario's Front door (1001) and Back door (1002) are shared with Ben, whose own key sees
only those two; the owner's key sees all four locks.
"""

from __future__ import annotations

from collections import Counter
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.helpers import area_registry as ar, device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.const import CONF_ACCOUNT_ID, DOMAIN
from custom_components.door_access.diagnostics import async_get_config_entry_diagnostics

from .conftest import Simulator
from .helpers import TEDEE_POLL, advance, setup_entry, state_of

FRONT = "lock.front_door"
GUEST_KEY = "demo-tedee-guest-key"
BEN = 4244


@pytest.fixture
def guest_entry(mock_config_entry: MockConfigEntry) -> MockConfigEntry:
    """Return an entry of Ben's own Tedee account (a guest of the owner's two doors)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Ben",
        unique_id=f"tedee_{BEN}",
        data={**mock_config_entry.data, "token": GUEST_KEY, CONF_ACCOUNT_ID: BEN},
    )


def _devices(hass: HomeAssistant, identifier: str) -> list[dr.DeviceEntry]:
    """Return every device (of any entry) with an identifier of this domain."""
    return dr.async_get(hass).async_get_devices(identifiers={(DOMAIN, identifier)})


def _unique_ids(hass: HomeAssistant, entry: MockConfigEntry) -> set[str]:
    """Return the unique ids of an entry's entities."""
    registry = er.async_get(hass)
    return {e.unique_id for e in er.async_entries_for_config_entry(registry, entry.entry_id)}


def _no_duplicate_ids(caplog: pytest.LogCaptureFixture) -> None:
    """Check that Home Assistant never saw two entities with one unique id."""
    assert "does not generate unique IDs" not in caplog.text


async def test_a_shared_lock_is_one_device_with_one_set_of_entities(
    hass: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
    mock_config_entry: MockConfigEntry,
    guest_entry: MockConfigEntry,
) -> None:
    """The first entry shows the shared locks; the guest's entry shows nothing twice."""
    caplog.set_level(logging.WARNING)
    assert await setup_entry(hass, mock_config_entry)
    owner_ids = _unique_ids(hass, mock_config_entry)
    assert await setup_entry(hass, guest_entry)
    _no_duplicate_ids(caplog)
    registry = er.async_get(hass)
    every_id = Counter(e.unique_id for e in registry.entities.values())
    assert [uid for uid, n in every_id.items() if n > 1] == []
    assert _unique_ids(hass, mock_config_entry) == owner_ids
    assert not any(
        uid.startswith(("tedee-1001-", "tedee-1002-")) for uid in _unique_ids(hass, guest_entry)
    )
    for lock_id in (1001, 1002):
        [device] = _devices(hass, f"tedee-{lock_id}")
        assert device.config_entry_id == mock_config_entry.entry_id
    assert state_of(hass, FRONT) == "locked"

    owner = await async_get_config_entry_diagnostics(hass, mock_config_entry)
    guest = await async_get_config_entry_diagnostics(hass, guest_entry)
    assert owner["shared_devices"]["tedee-1001"] == {"shown_here": True, "other_entries": 1}
    assert guest["shared_devices"]["tedee-1001"] == {"shown_here": False, "other_entries": 1}
    assert "tedee-1003" not in owner["shared_devices"]  # only the owner has it


async def _rename_front_door(hass: HomeAssistant) -> tuple[str, str]:
    """Give the front door's lock a name and an area of the user's; return device and area."""
    area = ar.async_get(hass).async_create("Hall")
    registry = er.async_get(hass)
    registry.async_update_entity(FRONT, name="Main entrance", area_id=area.id)
    entity = registry.async_get(FRONT)
    assert entity is not None
    assert entity.device_id is not None
    return entity.device_id, area.id


async def test_the_guest_takes_over_when_the_owner_entry_is_deleted(
    hass: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
    mock_config_entry: MockConfigEntry,
    guest_entry: MockConfigEntry,
) -> None:
    """Deleting the providing entry moves the device and its entities, names and areas kept."""
    caplog.set_level(logging.WARNING)
    assert await setup_entry(hass, mock_config_entry)
    assert await setup_entry(hass, guest_entry)
    device_id, area_id = await _rename_front_door(hass)

    await hass.config_entries.async_remove(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    entity = er.async_get(hass).async_get(FRONT)
    assert entity is not None
    assert entity.config_entry_id == guest_entry.entry_id
    assert (entity.name, entity.area_id, entity.device_id) == ("Main entrance", area_id, device_id)
    [device] = _devices(hass, "tedee-1001")
    assert (device.id, device.config_entry_id) == (device_id, guest_entry.entry_id)
    assert state_of(hass, FRONT) == "locked"
    # The locks only the owner had went with the owner's entry.
    assert _devices(hass, "tedee-1003") == []
    assert hass.states.get("lock.office") is None
    _no_duplicate_ids(caplog)


async def test_unload_hands_over_at_once_and_reload_keeps_the_provider(  # noqa: PLR0917
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    guest_entry: MockConfigEntry,
) -> None:
    """A reload keeps the lock where it is; an unload hands it on without a restart."""
    caplog.set_level(logging.WARNING)
    assert await setup_entry(hass, mock_config_entry)
    assert await setup_entry(hass, guest_entry)
    device_id, _ = await _rename_front_door(hass)

    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    entity = er.async_get(hass).async_get(FRONT)
    assert entity is not None
    assert entity.config_entry_id == mock_config_entry.entry_id

    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    entity = er.async_get(hass).async_get(FRONT)
    assert entity is not None
    assert (entity.config_entry_id, entity.name) == (guest_entry.entry_id, "Main entrance")
    assert entity.device_id == device_id
    assert state_of(hass, FRONT) == "locked"
    # The guest's entry runs the lock: a move in the cloud shows through its polls.
    await simulator.control("PATCH", "tedee/locks/1001", {"state": 2})
    await advance(hass, freezer, TEDEE_POLL)
    assert state_of(hass, FRONT) == "unlocked"

    # The owner's entry comes back: the guest keeps showing the lock, nothing twice.
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await advance(hass, freezer, TEDEE_POLL)
    assert len(_devices(hass, "tedee-1001")) == 1
    entity = er.async_get(hass).async_get(FRONT)
    assert entity is not None
    assert entity.config_entry_id == guest_entry.entry_id
    assert hass.states.get("lock.office") is not None  # the owner's own locks are back
    _no_duplicate_ids(caplog)


async def test_a_lock_no_longer_shared_moves_to_the_owner(  # noqa: PLR0917
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    guest_entry: MockConfigEntry,
) -> None:
    """The guest's entry showed the lock; the owner stops sharing it: the owner's shows it."""
    caplog.set_level(logging.WARNING)
    assert await setup_entry(hass, guest_entry)
    assert await setup_entry(hass, mock_config_entry)
    entity = er.async_get(hass).async_get(FRONT)
    assert entity is not None
    assert entity.config_entry_id == guest_entry.entry_id
    er.async_get(hass).async_update_entity(FRONT, name="Main entrance")

    await simulator.control("PATCH", "tedee/locks/1001", {"sharedWith": []})
    for _ in range(3):  # the sync leaves it out, then a full listing confirms it is gone
        await advance(hass, freezer, TEDEE_POLL)

    entity = er.async_get(hass).async_get(FRONT)
    assert entity is not None
    assert (entity.config_entry_id, entity.name) == (mock_config_entry.entry_id, "Main entrance")
    [device] = _devices(hass, "tedee-1001")
    assert device.config_entry_id == mock_config_entry.entry_id
    assert state_of(hass, FRONT) == "locked"
    _no_duplicate_ids(caplog)


async def test_the_entry_that_has_the_device_is_waited_for_at_start(
    hass: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
    mock_config_entry: MockConfigEntry,
    guest_entry: MockConfigEntry,
) -> None:
    """A restart keeps the provider, whichever entry loads first; an unloaded one is not waited."""
    caplog.set_level(logging.WARNING)
    assert await setup_entry(hass, mock_config_entry)
    assert await setup_entry(hass, guest_entry)
    [device] = _devices(hass, "tedee-1001")
    # Stopped: the guest's entry first (it shows nothing), then the owner's (no one to hand to).
    assert await hass.config_entries.async_unload(guest_entry.entry_id)
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert _devices(hass, "tedee-1001") == [device]

    # Starting again, the guest's entry first: it waits for the owner's, which has the device.
    hass.set_state(CoreState.not_running)
    assert await hass.config_entries.async_setup(guest_entry.entry_id)
    await hass.async_block_till_done()
    assert not any(uid.startswith("tedee-1001-") for uid in _unique_ids(hass, guest_entry))
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    hass.set_state(CoreState.running)
    assert "tedee-1001-lock" in _unique_ids(hass, mock_config_entry)
    assert _devices(hass, "tedee-1001") == [device]

    # Running: an entry left unloaded is not waited for; the device moves, its id kept.
    assert await hass.config_entries.async_unload(guest_entry.entry_id)
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(guest_entry.entry_id)
    await hass.async_block_till_done()
    assert "tedee-1001-lock" in _unique_ids(hass, guest_entry)
    [moved] = _devices(hass, "tedee-1001")
    assert (moved.id, moved.config_entry_id) == (device.id, guest_entry.entry_id)
    assert state_of(hass, FRONT) == "locked"
    _no_duplicate_ids(caplog)
