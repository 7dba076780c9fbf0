"""DoorFlow "unlock until": held unlocked until a time or for a while, then back to normal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Final

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.door_access.const import DOMAIN

from .conftest import Simulator
from .helpers import advance, assert_translated, run_action, state_of

FRONT: Final = "lock.head_office_front_door"
BACK: Final = "lock.head_office_back_office"
RELOCK: Final = "sensor.head_office_front_door_relock_time"
NOW: Final = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now(freezer: FrozenDateTimeFactory) -> None:
    """Start every test at the same instant (Home Assistant's time zone is US/Pacific)."""
    freezer.move_to(NOW)


async def _unlock_until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, entity_id: str = FRONT, **data: Any
) -> None:
    """Call unlock_until and let it finish."""
    await run_action(
        hass,
        freezer,
        hass.services.async_call(
            DOMAIN, "unlock_until", {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
        ),
    )


def _relock_at(simulator: Simulator, channel_id: int = 1201) -> datetime | None:
    """Return the relock time the simulated DoorFlow holds for a door."""
    return simulator.world.doorflow.channels[channel_id].relock_at


async def test_for_a_duration_then_back_to_normal(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Held unlocked for 95 s: the Relock time sensor shows when; then DoorFlow relocks."""
    await _unlock_until(hass, freezer, duration={"seconds": 95})
    relock = _relock_at(simulator)
    assert relock is not None
    assert simulator.world.doorflow.channels[1201].mode == "unlock"
    started = dt_util.utcnow()
    assert timedelta(seconds=93) <= relock - started <= timedelta(seconds=95)
    state = hass.states.get(FRONT)
    assert state is not None
    assert state.state == "unlocked"
    assert "relock_at" not in state.attributes  # the Relock time sensor shows it, once
    assert dt_util.parse_datetime(state_of(hass, RELOCK)) == relock

    # DoorFlow relocks by itself; the integration reads the door just after, not at its
    # next regular poll.
    remaining = (relock - dt_util.utcnow()).total_seconds()
    await advance(hass, freezer, remaining - 1)
    assert state_of(hass, FRONT) == "unlocked"
    polls = await simulator.count("GET /api/3/channels")
    await advance(hass, freezer, 3.5)  # the relock time (and its margin) has passed
    await advance(hass, freezer, 1)  # the poll it brought forward
    assert await simulator.count("GET /api/3/channels") == polls + 1
    assert simulator.world.doorflow.channels[1201].mode == "normal"
    state = hass.states.get(FRONT)
    assert state is not None
    assert state.state == "locked"
    assert state_of(hass, RELOCK) == STATE_UNKNOWN


@pytest.mark.parametrize(
    ("until", "expected"),
    [
        ("2026-11-20T18:30:00+00:00", datetime(2026, 11, 20, 18, 30, tzinfo=UTC)),
        # Without a zone: Home Assistant's own (the tests' US/Pacific, UTC-8 in November).
        ("2026-11-20 10:30:00", datetime(2026, 11, 20, 18, 30, tzinfo=UTC)),
    ],
)
async def test_until_a_time(  # noqa: PLR0917
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
    until: str,
    expected: datetime,
) -> None:
    """An end time, with or without its zone, is sent as DoorFlow's relock_at."""
    await _unlock_until(hass, freezer, until=until)
    assert _relock_at(simulator) == expected
    assert dt_util.parse_datetime(state_of(hass, RELOCK)) == expected


async def test_a_door_held_past_its_relock_time_shows_as_it_is(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Someone holds the door past its relock time: unlocked, with the past time, not locked."""
    past = (NOW - timedelta(minutes=5)).isoformat()
    await simulator.control(
        "PATCH",
        "doorflow/channels/1201",
        {"mode": "unlock", "relock_at": past, "hold_past_relock": True},
    )
    await advance(hass, freezer, 30)
    state = hass.states.get(FRONT)
    assert state is not None
    assert state.state == "unlocked"
    assert dt_util.parse_datetime(state_of(hass, RELOCK)) == NOW - timedelta(minutes=5)
    await advance(hass, freezer, 60)
    assert state_of(hass, FRONT) == "unlocked"


async def test_relock_time_refused_by_doorflow(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """DoorFlow answers 422 (its clock says the time has passed): a translated error.

    What DoorFlow said about it (its message) is part of the error.
    """
    await simulator.control(
        "POST",
        "faults",
        {"kind": "status", "status": 422, "path_prefix": "/api/3/channels/1201/unlock"},
    )
    with pytest.raises(HomeAssistantError) as err:
        await _unlock_until(hass, freezer, duration={"minutes": 10})
    assert err.value.translation_key == "relock_refused_detail"
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["door"] == "Front door"
    assert err.value.translation_placeholders["relock_at"] == "2026-11-20T04:10-08:00"
    assert err.value.translation_placeholders["detail"] == "Simulated HTTP 422 failure"
    assert str(err.value) == (
        "DoorFlow refused to hold Front door unlocked until 2026-11-20T04:10-08:00: "
        "Simulated HTTP 422 failure"
    )
    assert state_of(hass, FRONT) == "locked"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"until": "2026-11-20T11:59:00+00:00"}, "until_in_past"),
        ({"until": "2026-11-20T12:00:00+00:00"}, "until_in_past"),
        ({"duration": {"seconds": 0}}, "duration_not_positive"),
        ({"duration": "-00:05:00"}, "duration_not_positive"),
        ({}, "until_or_duration"),
        ({"until": "2026-11-20T18:00:00+00:00", "duration": {"hours": 1}}, "until_or_duration"),
        # The end of time: beyond a year ahead, up to what Python's calendar holds.
        ({"until": "9999-12-31T23:59:59"}, "unlock_too_long"),
        ({"until": "9999-12-31T23:59:59+00:00"}, "unlock_too_long"),
        ({"until": "2027-11-22T12:00:00+00:00"}, "unlock_too_long"),
        ({"duration": {"days": 367}}, "unlock_too_long"),
        ({"duration": {"days": 999999999}}, "unlock_too_long"),
    ],
)
async def test_input_is_checked_before_anything_is_sent(  # noqa: PLR0917
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
    data: dict[str, Any],
    key: str,
) -> None:
    """Not ahead, too far ahead, a duration of zero or less, both or neither: refused."""
    before = (await simulator.requests())["total"]
    with pytest.raises(ServiceValidationError) as err:
        await _unlock_until(hass, freezer, **data)
    assert_translated(err.value, key)
    assert (await simulator.requests())["total"] == before


async def test_the_end_of_time_on_two_doors_sends_nothing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Two doors until 9999-12-31: one translated refusal, neither door is touched."""
    before = (await simulator.requests())["total"]
    with pytest.raises(ServiceValidationError) as err:
        await _unlock_until(
            hass, freezer, entity_id=[FRONT, BACK], until="9999-12-31T23:59:59+00:00"
        )
    assert err.value.translation_key == "unlock_too_long"
    assert err.value.translation_placeholders == {
        "value": "9999-12-31T23:59:59+00:00",
        "days": "366",
    }
    assert (await simulator.requests())["total"] == before
    for channel_id in (1201, 1202):
        assert simulator.world.doorflow.channels[channel_id].mode == "normal"


async def test_a_year_ahead_is_accepted(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """The longest hold allowed goes out as asked."""
    await _unlock_until(hass, freezer, duration={"days": 366})
    assert _relock_at(simulator) == NOW + timedelta(days=366)
    assert state_of(hass, FRONT) == "unlocked"


async def test_a_relock_time_at_the_end_of_time_from_doorflow(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """DoorFlow holds a door until 9999-12-31: shown as it is, polling goes on."""
    await simulator.control(
        "PATCH",
        "doorflow/channels/1201",
        {"mode": "unlock", "relock_at": "9999-12-31T23:59:59+00:00"},
    )
    await advance(hass, freezer, 30)
    assert state_of(hass, FRONT) == "unlocked"
    assert dt_util.parse_datetime(state_of(hass, RELOCK)) == datetime(
        9999, 12, 31, 23, 59, 59, tzinfo=UTC
    )
    await advance(hass, freezer, 30)
    coordinator = init_doorflow.runtime_data.coordinator
    assert coordinator.last_update_success


async def test_until_refused_while_locked_down(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """A door in lockdown is not held unlocked."""
    await simulator.control(
        "PATCH", "doorflow/channels/1201", {"lockdown": {"card_lockdown": True}}
    )
    await advance(hass, freezer, 30)
    with pytest.raises(HomeAssistantError) as err:
        await _unlock_until(hass, freezer, duration={"minutes": 5})
    assert err.value.translation_key == "door_in_lockdown"
    assert simulator.world.doorflow.channels[1201].mode == "normal"


async def test_locking_before_the_relock_time_needs_no_extra_read(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Locked again before its relock time: the read planned for that time is dropped."""
    await _unlock_until(hass, freezer, duration={"seconds": 95})
    await run_action(
        hass,
        freezer,
        hass.services.async_call("lock", "lock", {ATTR_ENTITY_ID: FRONT}, blocking=True),
    )
    assert state_of(hass, FRONT) == "locked"
    assert state_of(hass, RELOCK) == STATE_UNKNOWN
    polls = await simulator.count("GET /api/3/channels")
    for _ in range(4):
        await advance(hass, freezer, 30)
    assert await simulator.count("GET /api/3/channels") == polls + 4  # the regular ones only


async def test_a_relock_time_at_the_end_of_time_from_the_cloud(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    init_doorflow: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """DoorFlow holds a door unlocked until 9999-12-31 (the contract allows any date-time).

    The door shows unlocked with that time; polling goes on (no timer past the calendar).
    """
    await simulator.control(
        "PATCH",
        "doorflow/channels/1201",
        {"mode": "unlock", "relock_at": "9999-12-31T23:59:59Z"},
    )
    await advance(hass, freezer, 30)
    assert state_of(hass, FRONT) == "unlocked"
    assert dt_util.parse_datetime(state_of(hass, RELOCK)) == datetime(
        9999, 12, 31, 23, 59, 59, tzinfo=UTC
    )
    await simulator.control("PATCH", "doorflow/channels/1201", {"mode": "normal"})
    await advance(hass, freezer, 30)
    assert state_of(hass, FRONT) == "locked"
