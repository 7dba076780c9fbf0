"""DoorFlow's actions: lock a door down (and end it), hold it unlocked until a time, sync.

The wing declares them (`LOCK_ACTIONS`, `ACCOUNT_ACTIONS`); the root registers them for the
clouds that declare them (`services.py`) and refuses a target of another cloud. Each checks its
input before anything is sent; every refusal is a translated `ServiceValidationError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import VolDictType
from homeassistant.util import dt as dt_util
import probatio

from ..api import Lockdown
from ..cloud import AccountAction, LockAction
from ..const import DOMAIN
from .const import MAX_UNLOCK_AHEAD
from .coordinator import DoorFlowCoordinator

ATTR_CARD: Final = "card"
ATTR_REX: Final = "rex"
ATTR_AUX: Final = "aux"
ATTR_UNTIL: Final = "until"
ATTR_DURATION: Final = "duration"

LOCKDOWN_FIELDS: Final[VolDictType] = {
    probatio.Optional(name, default=True): cv.boolean for name in (ATTR_CARD, ATTR_REX, ATTR_AUX)
}
UNLOCK_UNTIL_FIELDS: Final[VolDictType] = {
    probatio.Optional(ATTR_UNTIL): cv.datetime,
    probatio.Optional(ATTR_DURATION): cv.time_period,
}


def _invalid(key: str, **placeholders: str) -> ServiceValidationError:
    """Return a translated refusal of an action's input."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def _lockdown_inputs(data: Mapping[str, Any]) -> Lockdown:
    """Return the inputs an action names; at least one."""
    inputs = Lockdown(card=data[ATTR_CARD], rex=data[ATTR_REX], aux=data[ATTR_AUX])
    if not (inputs.card or inputs.rex or inputs.aux):
        raise _invalid("lockdown_no_input")
    return inputs


def _too_long(value: str) -> ServiceValidationError:
    """Return the refusal of a relock time further ahead than `MAX_UNLOCK_AHEAD`."""
    return _invalid("unlock_too_long", value=value, days=str(MAX_UNLOCK_AHEAD.days))


def _relock_time(data: Mapping[str, Any], now: datetime) -> datetime:
    """Return when a door held unlocked relocks: `until` or `duration` from now, in the future.

    A time without a zone is Home Assistant's local time. At most `MAX_UNLOCK_AHEAD` from now:
    beyond it (up to the end of Python's calendar) the time is refused before anything is sent.
    """
    until: datetime | None = data.get(ATTR_UNTIL)
    duration: timedelta | None = data.get(ATTR_DURATION)
    if until is None:
        if duration is None:
            raise _invalid("until_or_duration")
        if duration <= timedelta(0):
            raise _invalid("duration_not_positive", duration=str(duration))
        if duration > MAX_UNLOCK_AHEAD:
            raise _too_long(str(duration))
        return now + duration
    if duration is not None:
        raise _invalid("until_or_duration")
    if until.tzinfo is None:
        until = until.replace(tzinfo=dt_util.get_default_time_zone())
    # Differences of aware times never overflow; converting 9999-12-31 to UTC may.
    ahead = until - now
    if ahead <= timedelta(0):
        raise _invalid("until_in_past", until=until.isoformat(timespec="seconds"))
    if ahead > MAX_UNLOCK_AHEAD:
        raise _too_long(until.isoformat(timespec="seconds"))
    return dt_util.as_utc(until)


# Each runs the coordinator's action of its name once its input is checked.
LOCK_ACTIONS: Final = (
    LockAction[DoorFlowCoordinator](
        service="lockdown",
        fields=LOCKDOWN_FIELDS,
        run=lambda coordinator, channel_id, data: coordinator.async_lockdown(
            channel_id, _lockdown_inputs(data)
        ),
    ),
    LockAction[DoorFlowCoordinator](
        service="end_lockdown",
        fields=LOCKDOWN_FIELDS,
        run=lambda coordinator, channel_id, data: coordinator.async_end_lockdown(
            channel_id, _lockdown_inputs(data)
        ),
    ),
    LockAction[DoorFlowCoordinator](
        service="unlock_until",
        fields=UNLOCK_UNTIL_FIELDS,
        run=lambda coordinator, channel_id, data: coordinator.async_unlock_until(
            channel_id, _relock_time(data, dt_util.utcnow())
        ),
    ),
)
ACCOUNT_ACTIONS: Final = (
    # Push the account's pending changes to its door controllers, or say how long to wait.
    AccountAction[DoorFlowCoordinator](
        service="sync_controllers",
        run=lambda coordinator, _data: coordinator.async_sync_controllers(),
    ),
)
