"""The DoorFlow account's sync button: pushes changes, keeps the 30 s slot, reports 429."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .conftest import DOORFLOW_KEY, Simulator
from .helpers import advance, flow_sources, press_button, seconds_until_done, state_of

SYNC = "button.demo_office_sync_door_controllers"
SYNC_ENDPOINT = "POST /api/3/sync"


async def test_button_on_the_account_device(
    hass: HomeAssistant, init_doorflow: MockConfigEntry
) -> None:
    """One sync button, on the account's device."""
    state = hass.states.get(SYNC)
    assert state is not None
    assert state.state == STATE_UNKNOWN
    assert state.name == "Demo Office Sync door controllers"


async def test_press_pushes_pending_changes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Pressing sends one sync; pending doors sync and the account then reads complete."""
    simulator.world.doorflow.channels[1201].sync_status = "pending"
    await advance(hass, freezer, 30)
    assert state_of(hass, "sensor.demo_office_sync_status") == "pending"

    await press_button(hass, SYNC)
    assert await simulator.count(SYNC_ENDPOINT) == 1
    await advance(hass, freezer, 1)  # the poll the sync brought forward
    assert state_of(hass, "sensor.head_office_front_door_sync_status") == "syncing"

    simulator.world.doorflow.channels[1203].status = "online"
    await advance(hass, freezer, 30)
    assert state_of(hass, "sensor.head_office_front_door_sync_status") == "ok"


ACCOUNT_SYNC = "sensor.demo_office_sync_status"


async def test_presses_within_the_slot_merge_into_one_follow_up(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Presses within 30 s return at once and merge into one sync, sent once when allowed."""
    await press_button(hass, SYNC)
    assert await simulator.count(SYNC_ENDPOINT) == 1
    await advance(hass, freezer, 10)
    for _ in range(10):
        await press_button(hass, SYNC)  # each returns at once: no waiting in the service call
    assert await simulator.count(SYNC_ENDPOINT) == 1
    state = hass.states.get(ACCOUNT_SYNC)
    assert state is not None
    assert state.state == "waiting"
    assert 19 <= state.attributes["seconds_left"] <= 21
    assert state.attributes["sync_due"]
    await advance(hass, freezer, 15)
    assert await simulator.count(SYNC_ENDPOINT) == 1
    await advance(hass, freezer, 6)
    assert await simulator.count(SYNC_ENDPOINT) == 2
    assert state_of(hass, ACCOUNT_SYNC) != "waiting"
    await advance(hass, freezer, 60)
    assert await simulator.count(SYNC_ENDPOINT) == 2
    log = await simulator.requests()
    assert log["by_status"].get("429", 0) == 0


async def test_a_sync_refused_with_retry_in_goes_out_once_when_allowed(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """DoorFlow answers 429 `retry_in` (a larger account): the pending sync is pushed once.

    Presses meanwhile merge into it; it goes out when DoorFlow's wait is over, exactly once,
    without anyone pressing again, and no request lands inside the wait.
    """
    await simulator.control("POST", "doorflow/config", {"sync_interval": 90})
    await press_button(hass, SYNC)
    await advance(hass, freezer, 31)
    await press_button(hass, SYNC)  # refused: 429, retry_in 59 s
    assert await simulator.count(SYNC_ENDPOINT) == 2
    state = hass.states.get(ACCOUNT_SYNC)
    assert state is not None
    assert state.state == "waiting"
    # DoorFlow's retry_in (59 s) plus the scheduler's safety margin.
    assert 58 <= state.attributes["seconds_left"] <= 62
    for _ in range(3):
        await press_button(hass, SYNC)
    await advance(hass, freezer, 30)
    assert await simulator.count(SYNC_ENDPOINT) == 2
    assert state_of(hass, "lock.head_office_front_door") == "locked"
    await advance(hass, freezer, 35)
    assert await simulator.count(SYNC_ENDPOINT) == 3
    assert state_of(hass, ACCOUNT_SYNC) != "waiting"
    await advance(hass, freezer, 300)
    assert await simulator.count(SYNC_ENDPOINT) == 3
    requests = await simulator.requests()
    assert requests["rate_limited"]["total"] == 1


async def test_the_action_says_when_a_refused_sync_goes_out(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """`sync_controllers` refused with 429: a translated note of when it goes out, then once."""
    await simulator.control("POST", "faults", {"kind": "rate_limit", "retry_after": 45, "count": 1})
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "door_access",
            "sync_controllers",
            {"config_entry_id": init_doorflow.entry_id},
            blocking=True,
        )
    assert err.value.translation_key == "sync_scheduled"
    assert err.value.translation_placeholders is not None
    assert 45 <= int(err.value.translation_placeholders["seconds"]) <= 48
    assert "DoorFlow" in str(err.value)
    await advance(hass, freezer, 50)
    assert await simulator.count(SYNC_ENDPOINT) == 2
    await advance(hass, freezer, 120)
    assert await simulator.count(SYNC_ENDPOINT) == 2


async def test_press_while_cooling_down_waits_for_the_window(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """After DoorFlow refused a sync, it goes out once its Retry-After has passed."""
    await simulator.control("POST", "faults", {"kind": "rate_limit", "retry_after": 45, "count": 1})
    await press_button(hass, SYNC)
    await press_button(hass, SYNC)
    await press_button(hass, SYNC)
    assert await simulator.count(SYNC_ENDPOINT) == 1
    assert state_of(hass, ACCOUNT_SYNC) == "waiting"
    await advance(hass, freezer, 50)
    assert await simulator.count(SYNC_ENDPOINT) == 2
    await advance(hass, freezer, 120)
    assert await simulator.count(SYNC_ENDPOINT) == 2


@pytest.mark.parametrize(
    ("fault", "key"),
    [
        ({"kind": "status", "status": 500, "count": 1}, "action_cannot_connect"),
        # Refused again when asked a second time (after the pause and the sync's slot).
        (
            {"kind": "unauthorized", "count": 2, "path_prefix": "/api/3/sync"},
            "auth_failed",
        ),
    ],
)
async def test_press_errors(  # noqa: PLR0917
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
    fault: dict[str, object],
    key: str,
) -> None:
    """A server error or a refused key comes back as a translated error."""
    await simulator.control("POST", "faults", fault)
    press = hass.async_create_task(press_button(hass, SYNC))
    await seconds_until_done(hass, freezer, press)
    with pytest.raises(HomeAssistantError) as err:
        await press
    assert err.value.translation_key == key


async def test_press_without_sync_scope(
    hass: HomeAssistant, init_doorflow: MockConfigEntry, simulator: Simulator
) -> None:
    """A key without the sync scope (403) asks for a new key."""
    await simulator.control("POST", "tokens/revoke", {"token": DOORFLOW_KEY})
    with pytest.raises(HomeAssistantError) as err:
        await press_button(hass, SYNC)
    assert err.value.translation_key == "auth_failed"
    await hass.async_block_till_done()
    assert flow_sources(hass) == ["reauth"]
