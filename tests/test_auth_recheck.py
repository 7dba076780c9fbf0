"""A refused personal key is asked again after a short pause before anyone is asked to sign in.

Tedee has answered 401 during outages: one refusal of a Tedee personal key or a DoorFlow API
key is not taken at its word. The request goes again after `CREDENTIAL_RECHECK_PAUSE`; only a
second refusal starts re-authentication, and a key the cloud says is revoked starts it at once.
(DoorFlow's OAuth tokens are refreshed instead: `test_doorflow_oauth.py`.)
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.coordinator import CREDENTIAL_RECHECK_PAUSE

from .conftest import DOORFLOW_KEY, TEDEE_KEY, Simulator
from .helpers import (
    TEDEE_POLL,
    advance,
    flow_sources,
    lock_call,
    run_action,
    seconds_until_done,
    state_of,
    tick,
)

FRONT = "lock.front_door"  # Tedee 1001: locked
BACK = "lock.back_door"  # Tedee 1002: unlocked
OFFICE = "lock.office"  # Tedee 1004: locked
TEDEE_OPERATIONS = "/api/v37/my/lock/1004/operation"
TEDEE_SYNC = "/api/v37/my/lock/sync"
TEDEE_UNLOCK = "POST /api/{version}/my/lock/{id}/operation/unlock"
DOOR = "lock.head_office_front_door"  # DoorFlow 1201: normal
DOOR_UNLOCK = "POST /api/3/channels/{id}/unlock"


def _refused(path: str, count: int) -> dict[str, object]:
    """Return a fault that answers 401 to the next `count` requests under a path."""
    return {"kind": "unauthorized", "path_prefix": path, "count": count}


async def test_an_outage_401_then_a_success_leaves_no_reauth(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """One 401 on an unlock: asked again after the pause, the lock opens, nobody signs in.

    During the pause nothing else breaks: another lock is operated and every lock shows.
    """
    await simulator.control("POST", "faults", _refused(TEDEE_OPERATIONS, 1))
    unlock = hass.async_create_task(lock_call(hass, "unlock", OFFICE))
    await tick(hass, freezer, 1)
    assert await simulator.count(TEDEE_UNLOCK) == 1
    assert not unlock.done()  # waiting out the pause
    lock = hass.async_create_task(lock_call(hass, "lock", BACK))
    await seconds_until_done(hass, freezer, lock)
    await lock
    assert state_of(hass, BACK) == "locked"
    assert state_of(hass, FRONT) == "locked"
    seconds = 1 + await seconds_until_done(hass, freezer, unlock)
    await unlock
    await hass.async_block_till_done()
    assert state_of(hass, OFFICE) == "unlocked"
    assert await simulator.count(TEDEE_UNLOCK) == 2
    assert seconds >= CREDENTIAL_RECHECK_PAUSE - 2  # the second call came after the pause
    assert flow_sources(hass) == []


async def test_an_unload_during_the_pause_sends_nothing_more(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """The entry unloads while a refused unlock waits: it is not sent again, nobody signs in."""
    await simulator.control("POST", "faults", _refused(TEDEE_OPERATIONS, 1))
    unlock = hass.async_create_task(lock_call(hass, "unlock", OFFICE))
    await tick(hass, freezer, 1)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await seconds_until_done(hass, freezer, unlock)
    with pytest.raises(HomeAssistantError) as err:
        await unlock
    assert err.value.translation_key == "action_interrupted"
    assert await simulator.count(TEDEE_UNLOCK) == 1
    assert flow_sources(hass) == []


async def test_a_second_refusal_after_the_pause_asks_to_sign_in(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Refused again after the pause: the unlock fails, translated, and reauth starts."""
    await simulator.control("POST", "faults", _refused(TEDEE_OPERATIONS, 2))
    unlock = hass.async_create_task(lock_call(hass, "unlock", OFFICE))
    seconds = await seconds_until_done(hass, freezer, unlock)
    with pytest.raises(HomeAssistantError) as err:
        await unlock
    assert err.value.translation_key == "auth_failed"
    assert seconds >= CREDENTIAL_RECHECK_PAUSE
    assert await simulator.count(TEDEE_UNLOCK) == 2
    await hass.async_block_till_done()
    assert flow_sources(hass) == ["reauth"]


async def test_a_poll_refused_once_keeps_the_locks(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A bulk sync refused once: the poll asks again in its slot; the locks stay shown."""
    syncs = await simulator.count("GET /api/{version}/my/lock/sync")
    await simulator.control("POST", "faults", _refused(TEDEE_SYNC, 1))
    coordinator = init_integration.runtime_data.coordinator
    poll = hass.async_create_task(coordinator.async_refresh())
    await seconds_until_done(hass, freezer, poll)
    await poll
    assert coordinator.last_update_success
    assert state_of(hass, FRONT) == "locked"
    assert await simulator.count("GET /api/{version}/my/lock/sync") == syncs + 2
    assert flow_sources(hass) == []
    requests = await simulator.requests()
    assert requests["rate_limited"]["total"] == 0  # the second sync kept the 20 s rule


async def test_a_poll_refused_twice_asks_to_sign_in(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A bulk sync refused again after the pause: reauthentication."""
    await simulator.control("POST", "faults", _refused(TEDEE_SYNC, 2))
    coordinator = init_integration.runtime_data.coordinator
    poll = hass.async_create_task(coordinator.async_refresh())
    await seconds_until_done(hass, freezer, poll)
    await poll
    await hass.async_block_till_done()
    assert flow_sources(hass) == ["reauth"]
    assert state_of(hass, FRONT) == STATE_UNAVAILABLE


async def test_setup_refused_once_loads(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """The first request of a setup refused once: asked again, the entry loads."""
    await simulator.control("POST", "faults", _refused("/api/", 1))
    mock_config_entry.add_to_hass(hass)
    setup = hass.async_create_task(hass.config_entries.async_setup(mock_config_entry.entry_id))
    await seconds_until_done(hass, freezer, setup)
    assert await setup
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert flow_sources(hass) == []


async def test_a_revoked_tedee_key_asks_to_sign_in_at_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Tedee says the key is revoked: no pause, no second call, reauth at once."""
    await simulator.control("POST", "tokens/revoke", {"token": TEDEE_KEY})
    unlock = hass.async_create_task(lock_call(hass, "unlock", OFFICE))
    assert await seconds_until_done(hass, freezer, unlock) < CREDENTIAL_RECHECK_PAUSE
    with pytest.raises(HomeAssistantError) as err:
        await unlock
    assert err.value.translation_key == "auth_failed"
    assert await simulator.count(TEDEE_UNLOCK) == 1
    await hass.async_block_till_done()
    assert flow_sources(hass) == ["reauth"]


async def test_a_revoked_doorflow_key_asks_to_sign_in_at_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """DoorFlow says the API key was revoked: one call, reauth at once."""
    await simulator.control("POST", "tokens/revoke", {"token": DOORFLOW_KEY})
    unlock = hass.async_create_task(lock_call(hass, "unlock", DOOR))
    assert await seconds_until_done(hass, freezer, unlock) < CREDENTIAL_RECHECK_PAUSE
    with pytest.raises(HomeAssistantError) as err:
        await unlock
    assert err.value.translation_key == "auth_failed"
    assert await simulator.count(DOOR_UNLOCK) == 1
    await hass.async_block_till_done()
    assert flow_sources(hass) == ["reauth"]


async def test_a_doorflow_key_refused_once_opens_the_door(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """DoorFlow's personal API key refused once (an outage): the door opens after the pause."""
    await simulator.control("POST", "faults", _refused("/api/3/channels/1201/unlock", 1))
    await run_action(hass, freezer, lock_call(hass, "unlock", DOOR))
    assert state_of(hass, DOOR) == "unlocked"
    assert await simulator.count(DOOR_UNLOCK) == 2
    assert flow_sources(hass) == []
    await advance(hass, freezer, TEDEE_POLL)
    assert flow_sources(hass) == []
