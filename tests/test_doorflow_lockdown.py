"""DoorFlow lockdown: the switch, the lockdown / end_lockdown actions, and what the lock shows."""

from __future__ import annotations

from typing import Any, Final

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.const import DOMAIN

from .conftest import Simulator
from .helpers import advance, former_entity_removed_at_setup, lock_call, run_action, state_of

FRONT: Final = "lock.head_office_front_door"
SWITCH: Final = "switch.head_office_front_door_lockdown"
WAREHOUSE_SWITCH: Final = "switch.warehouse_warehouse_lockdown"
ALL_INPUTS: Final = {"card_lockdown": True, "rex_lockdown": True, "aux_lockdown": True}


async def test_the_former_lockdown_binary_sensor_is_removed(
    hass: HomeAssistant, doorflow_config_entry: MockConfigEntry
) -> None:
    """An install from before 0.2.0 loses its Lockdown binary sensor (the switch shows it)."""
    registry = await former_entity_removed_at_setup(
        hass, doorflow_config_entry, "doorflow-1201-lockdown", "head_office_front_door_lockdown"
    )
    switch = registry.async_get(SWITCH)
    assert switch is not None
    assert switch.unique_id == "doorflow-1201-lockdown"


async def _switch(hass: HomeAssistant, service: str, entity_id: str = SWITCH) -> None:
    """Turn a switch on or off and wait for the answer."""
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def _action(hass: HomeAssistant, service: str, entity_id: str, **data: Any) -> None:
    """Call one of the integration's actions on a lock and wait for the answer."""
    await hass.services.async_call(
        DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


def _flags(simulator: Simulator, channel_id: int = 1201) -> dict[str, bool] | None:
    """Return the lockdown flags the simulated DoorFlow holds for a door."""
    flags = simulator.world.doorflow.channels[channel_id].lockdown
    return None if not flags or not any(flags.values()) else dict(flags)


async def test_the_switch_is_a_translated_config_entity(
    hass: HomeAssistant, init_doorflow: MockConfigEntry
) -> None:
    """One lockdown switch per door, named and keyed after it, off in the scenario."""
    entry = er.async_get(hass).async_get(SWITCH)
    assert entry is not None
    assert entry.unique_id == "doorflow-1201-lockdown"
    assert entry.translation_key == "lockdown"
    state = hass.states.get(SWITCH)
    assert state is not None
    assert state.name == "Front door Lockdown"
    assert state.state == "off"
    assert state_of(hass, WAREHOUSE_SWITCH) == "off"  # offline: DoorFlow keeps the change


async def test_switch_locks_every_input_down_and_lifts_it(
    hass: HomeAssistant, init_doorflow: MockConfigEntry, simulator: Simulator
) -> None:
    """On: every input is locked down and the lock says so; off: the lockdown ends."""
    await _switch(hass, SERVICE_TURN_ON)
    assert _flags(simulator) == ALL_INPUTS
    assert state_of(hass, SWITCH) == "on"
    lock = hass.states.get(FRONT)
    assert lock is not None
    assert lock.state == "locked"
    assert "lockdown" not in lock.attributes  # the switch shows it, once
    assert lock.attributes["lockdown_inputs"] == ["card", "rex", "aux"]

    await _switch(hass, SERVICE_TURN_OFF)
    assert _flags(simulator) is None
    assert state_of(hass, SWITCH) == "off"
    lock = hass.states.get(FRONT)
    assert lock is not None
    assert lock.attributes["lockdown_inputs"] == []


async def test_actions_choose_the_inputs(
    hass: HomeAssistant, init_doorflow: MockConfigEntry, simulator: Simulator
) -> None:
    """lockdown sets exactly the inputs chosen; end_lockdown lifts only those it names."""
    await _action(hass, "lockdown", FRONT, card=True, rex=True, aux=False)
    assert _flags(simulator) == {"card_lockdown": True, "rex_lockdown": True, "aux_lockdown": False}
    lock = hass.states.get(FRONT)
    assert lock is not None
    assert lock.attributes["lockdown_inputs"] == ["card", "rex"]
    assert state_of(hass, SWITCH) == "on"

    await _action(hass, "end_lockdown", FRONT, card=False, rex=True, aux=False)
    assert _flags(simulator) == {
        "card_lockdown": True,
        "rex_lockdown": False,
        "aux_lockdown": False,
    }
    assert state_of(hass, SWITCH) == "on"

    await _action(hass, "end_lockdown", FRONT)  # every input by default
    assert _flags(simulator) is None
    assert state_of(hass, SWITCH) == "off"

    await _action(hass, "lockdown", FRONT)  # every input by default
    assert _flags(simulator) == ALL_INPUTS


async def test_an_offline_door_can_be_locked_down(
    hass: HomeAssistant, init_doorflow: MockConfigEntry, simulator: Simulator
) -> None:
    """The controller is offline: DoorFlow keeps the lockdown and syncs it later."""
    await _switch(hass, SERVICE_TURN_ON, WAREHOUSE_SWITCH)
    assert _flags(simulator, 1203) == ALL_INPUTS
    assert state_of(hass, WAREHOUSE_SWITCH) == "on"


async def test_a_lockdown_made_elsewhere_shows_at_the_next_poll(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A lockdown set in DoorFlow's own app turns the switch and the lock's attribute on."""
    await simulator.control("PATCH", "doorflow/channels/1201", {"lockdown": {"aux_lockdown": True}})
    await advance(hass, freezer, 30)
    assert state_of(hass, SWITCH) == "on"
    lock = hass.states.get(FRONT)
    assert lock is not None
    assert lock.attributes["lockdown_inputs"] == ["aux"]


@pytest.mark.parametrize("service", ["unlock", "open"])
async def test_no_unlock_or_open_while_locked_down(
    hass: HomeAssistant, init_doorflow: MockConfigEntry, simulator: Simulator, service: str
) -> None:
    """In lockdown, unlock and open are refused with a clear error; nothing is sent."""
    await _switch(hass, SERVICE_TURN_ON)
    before = await simulator.requests()
    with pytest.raises(HomeAssistantError) as err:
        await lock_call(hass, service, FRONT)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "door_in_lockdown"
    assert err.value.translation_placeholders == {"cloud": "DoorFlow", "door": "Front door"}
    assert "Front door is in lockdown" in str(err.value)
    assert (await simulator.requests())["total"] == before["total"]
    assert simulator.world.doorflow.channels[1201].mode == "normal"
    assert state_of(hass, FRONT) == "locked"


async def test_unlock_works_again_once_the_lockdown_ends(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """After the lockdown, the door unlocks as before."""
    await _switch(hass, SERVICE_TURN_ON)
    await _switch(hass, SERVICE_TURN_OFF)
    await run_action(hass, freezer, lock_call(hass, "unlock", FRONT))
    assert state_of(hass, FRONT) == "unlocked"


@pytest.mark.parametrize(
    ("call", "args"),
    [(_switch, (SERVICE_TURN_ON,)), (_action, ("lockdown", FRONT))],
)
async def test_lockdown_refused_by_doorflow(
    hass: HomeAssistant,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
    call: Any,
    args: tuple[str, ...],
) -> None:
    """DoorFlow refuses the lockdown (422): a translated error names the door."""
    await simulator.control(
        "POST",
        "faults",
        {"kind": "status", "status": 422, "path_prefix": "/api/3/channels/1201/lockdown"},
    )
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, *args)
    assert err.value.translation_key == "lockdown_refused_detail"
    assert str(err.value) == (
        "DoorFlow refused to change the lockdown of Front door: Simulated HTTP 422 failure"
    )
    assert _flags(simulator) is None
    assert state_of(hass, SWITCH) == "off"


async def test_end_of_lockdown_refused_by_doorflow(
    hass: HomeAssistant, init_doorflow: MockConfigEntry, simulator: Simulator
) -> None:
    """DoorFlow refuses to lift the lockdown: the switch stays on, the error says so."""
    await _switch(hass, SERVICE_TURN_ON)
    await simulator.control(
        "POST",
        "faults",
        {"kind": "status", "status": 400, "path_prefix": "/api/3/channels/1201/unlockdown"},
    )
    with pytest.raises(HomeAssistantError) as err:
        await _switch(hass, SERVICE_TURN_OFF)
    assert err.value.translation_key == "lockdown_refused_detail"
    assert state_of(hass, SWITCH) == "on"


async def test_lockdown_of_a_removed_door_and_an_outage(
    hass: HomeAssistant, init_doorflow: MockConfigEntry, simulator: Simulator
) -> None:
    """Other failures keep their own translations (a gone door, an unreachable cloud)."""
    await simulator.control("DELETE", "doorflow/channels/1201")
    with pytest.raises(HomeAssistantError) as err:
        await _switch(hass, SERVICE_TURN_ON)
    assert err.value.translation_key == "device_not_found"
    await simulator.control(
        "POST", "faults", {"kind": "status", "status": 503, "path_prefix": "/api/3/channels"}
    )
    with pytest.raises(HomeAssistantError) as err:
        await _switch(hass, SERVICE_TURN_ON, "switch.head_office_back_office_lockdown")
    assert err.value.translation_key == "action_cannot_connect"


async def test_lockdown_refused_without_words(
    hass: HomeAssistant, init_doorflow: MockConfigEntry, simulator: Simulator
) -> None:
    """DoorFlow refuses with an empty 400: the error names the door, and nothing more."""
    await simulator.control(
        "POST",
        "faults",
        {"kind": "empty", "status": 400, "path_prefix": "/api/3/channels/1201/lockdown"},
    )
    with pytest.raises(HomeAssistantError) as err:
        await _switch(hass, SERVICE_TURN_ON)
    assert err.value.translation_key == "lockdown_refused"
    assert str(err.value) == "DoorFlow refused to change the lockdown of Front door"
    assert state_of(hass, SWITCH) == "off"
