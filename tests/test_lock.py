"""Lock entities: every Tedee lock state, availability, features and the three actions."""

from __future__ import annotations

import asyncio

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock.const import LockEntityFeature
from homeassistant.const import (
    ATTR_SUPPORTED_FEATURES,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceNotSupported
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.tedee.const import CONF_UNLOCK_BEHAVIOR, UnlockBehavior

from .conftest import Simulator
from .helpers import (
    TEDEE_POLL,
    advance,
    lock_call,
    record_states,
    run_action,
    set_tedee_lock,
)

FRONT = "lock.front_door"  # 1001: locked, door sensor, pull spring with auto pull
BACK = "lock.back_door"  # 1002: unlocked, no pull spring
GARAGE = "lock.garage_side_door"  # 1003: cut off from its bridge (state null)
OFFICE = "lock.office"  # 1004: locked, no pull spring


async def test_entities_and_device(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    """Each lock is one entity named after its device, with a stable unique id."""
    registry = er.async_get(hass)
    entry = registry.async_get(FRONT)
    assert entry is not None
    assert entry.unique_id == "tedee-1001-lock"
    assert entry.original_name is None
    state = hass.states.get(FRONT)
    assert state is not None
    assert state.name == "Front door"
    assert state.state == "locked"
    assert hass.states.get(BACK).state == "unlocked"


@pytest.mark.parametrize(
    ("tedee_state", "expected"),
    [
        (0, STATE_UNKNOWN),  # Uncalibrated
        (1, STATE_UNKNOWN),  # Calibrating
        (2, "unlocked"),
        (3, "unlocked"),  # SemiLocked is not locked
        (4, "unlocking"),
        (5, "locking"),
        (6, "locked"),
        (7, "open"),  # Pulled
        (8, "opening"),  # Pulling
        (9, STATE_UNKNOWN),  # Unknown
        (18, STATE_UNKNOWN),  # Updating
        (77, STATE_UNKNOWN),  # not in the docs
    ],
)
async def test_lock_states(  # noqa: PLR0917
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    tedee_state: int,
    expected: str,
) -> None:
    """Every documented state (and an undocumented one) maps to a lock state."""
    await set_tedee_lock(hass, simulator, freezer, 1004, state=tedee_state)
    assert hass.states.get(OFFICE).state == expected


async def test_failed_state_change_shows_jammed(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A state change result above 0 means jammed, whatever the position."""
    await set_tedee_lock(hass, simulator, freezer, 1004, stateChangeResult=1)
    assert hass.states.get(OFFICE).state == "jammed"
    await set_tedee_lock(hass, simulator, freezer, 1004, stateChangeResult=0)
    assert hass.states.get(OFFICE).state == "locked"


async def test_lock_without_state_is_unavailable(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A lock cut off from its bridge (state null) is unavailable until it reports again."""
    assert hass.states.get(GARAGE).state == STATE_UNAVAILABLE
    await set_tedee_lock(hass, simulator, freezer, 1003, isConnected=True)
    assert hass.states.get(GARAGE).state == "locked"
    await set_tedee_lock(hass, simulator, freezer, 1001, isConnected=False)
    assert hass.states.get(FRONT).state == STATE_UNAVAILABLE


async def test_removed_lock_is_unavailable_or_gone(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A lock removed from the account no longer shows a state."""
    await simulator.control("DELETE", "tedee/locks/1004")
    await advance(hass, freezer, TEDEE_POLL)
    state = hass.states.get(OFFICE)
    assert state is None or state.state == STATE_UNAVAILABLE


async def test_open_feature_follows_pull_spring_setting(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Only a lock with its pull spring enabled offers open."""
    assert hass.states.get(FRONT).attributes[ATTR_SUPPORTED_FEATURES] == LockEntityFeature.OPEN
    assert hass.states.get(OFFICE).attributes[ATTR_SUPPORTED_FEATURES] == 0
    with pytest.raises(ServiceNotSupported):
        await lock_call(hass, "open", OFFICE)

    await set_tedee_lock(hass, simulator, freezer, 1004, pullSpringEnabled=True)
    assert hass.states.get(OFFICE).attributes[ATTR_SUPPORTED_FEATURES] == LockEntityFeature.OPEN
    await set_tedee_lock(hass, simulator, freezer, 1001, pullSpringEnabled=False)
    assert hass.states.get(FRONT).attributes[ATTR_SUPPORTED_FEATURES] == 0


async def test_lock_goes_through_locking(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Locking shows locking at once, then locked when the lock reports it."""
    seen = record_states(hass, BACK)
    await run_action(hass, freezer, lock_call(hass, "lock", BACK))
    assert seen[0] == "locking"
    assert seen[-1] == "locked"
    assert hass.states.get(BACK).state == "locked"
    assert simulator.world.tedee.locks[1002].state == 6
    assert await simulator.count("POST /api/{version}/my/lock/{id}/operation/lock") == 1


async def test_unlock_goes_through_unlocking(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Unlocking a lock without pull spring ends unlocked."""
    seen = record_states(hass, OFFICE)
    await run_action(hass, freezer, lock_call(hass, "unlock", OFFICE))
    assert seen[0] == "unlocking"
    assert hass.states.get(OFFICE).state == "unlocked"
    assert simulator.world.tedee.locks[1004].state == 2


@pytest.mark.parametrize(
    ("behavior", "pulled"),
    [(UnlockBehavior.UNLOCK, False), (UnlockBehavior.UNLOCK_AND_PULL, True)],
)
async def test_unlock_follows_unlock_behavior_option(  # noqa: PLR0917
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    behavior: UnlockBehavior,
    pulled: bool,
) -> None:
    """The entry's unlock behaviour option decides whether unlocking also pulls the latch."""
    await simulator.control("PATCH", "tedee/locks/1001", {"autoPullSpringEnabled": False})
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, options={CONF_UNLOCK_BEHAVIOR: behavior.value}
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    seen = record_states(hass, FRONT)
    await run_action(hass, freezer, lock_call(hass, "unlock", FRONT))
    assert ("open" in seen) is pulled


async def test_open_on_a_locked_lock_unlocks_and_pulls_at_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Open on a locked lock is one unlock-or-pull operation: opening, open, then unlocked."""
    seen = record_states(hass, FRONT)
    await run_action(hass, freezer, lock_call(hass, "open", FRONT))
    assert seen[0] == "opening"
    assert hass.states.get(FRONT).state == "open"
    assert await simulator.count("POST /api/{version}/my/lock/{id}/operation/unlock") == 1
    assert await simulator.count("POST /api/{version}/my/lock/{id}/operation/pull") == 0
    # The latch is held for the lock's pull spring duration (3 s), then it shows unlocked.
    await advance(hass, freezer, 3)
    assert hass.states.get(FRONT).state == "unlocked"


async def test_open_on_an_unlocked_lock_pulls_the_spring(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Open on an unlocked lock pulls the spring only."""
    await set_tedee_lock(hass, simulator, freezer, 1001, state=2)
    await run_action(hass, freezer, lock_call(hass, "open", FRONT))
    assert hass.states.get(FRONT).state == "open"
    assert await simulator.count("POST /api/{version}/my/lock/{id}/operation/pull") == 1


async def test_jam_raises_translated_error(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A jammed operation fails with the lock_jammed message and the lock shows jammed."""
    await simulator.control("PATCH", "tedee/locks/1002", {"jam_next_operation": True})
    with pytest.raises(HomeAssistantError) as err:
        await run_action(hass, freezer, lock_call(hass, "lock", BACK))
    assert err.value.translation_key == "lock_jammed"
    assert err.value.translation_domain == "door_access"
    assert "jammed" in str(err.value)
    assert hass.states.get(BACK).state == "jammed"


async def test_operation_that_never_finishes_times_out(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """An operation still pending after the wait fails with operation_timeout."""
    task = hass.async_create_task(lock_call(hass, "lock", BACK))
    for _ in range(500):  # the clock stands still: the operation cannot end meanwhile
        if simulator.world.tedee.operations:
            break
        await asyncio.sleep(0)
    operations = simulator.world.tedee.operations
    assert operations
    for operation in operations.values():
        operation.complete_at = float("inf")
    with pytest.raises(HomeAssistantError) as err:
        await run_action(hass, freezer, task, max_seconds=90)
    assert err.value.translation_key == "operation_timeout"


async def test_rate_limited_action_raises_translated_error(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_integration: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A 429 from the cloud on an action fails with the rate_limited message."""
    await simulator.control(
        "POST",
        "faults",
        {"kind": "rate_limit", "path_prefix": "/api/", "count": 1, "retry_after": 30},
    )
    with pytest.raises(HomeAssistantError) as err:
        await run_action(hass, freezer, lock_call(hass, "lock", BACK))
    assert err.value.translation_key == "rate_limited"
