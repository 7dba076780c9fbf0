"""Names, options and limits of the Tedee wing (no logic).

Everything here is Tedee's own: the floor (`..const`) holds only what every cloud shares.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

# The cloud's name, stored in each entry (`cloud`) and the prefix of its entries' unique ids.
CLOUD: Final = "tedee"

# Config entry data: the kind of token (a personal key or an OAuth access token).
CONF_TOKEN_TYPE: Final = "token_type"  # noqa: S105

# Options
CONF_GATE_INTERVAL: Final = "gate_interval"
CONF_UNLOCK_BEHAVIOR: Final = "unlock_behavior"
CONF_ACTIVITY_INTERVAL: Final = "activity_interval"
# Local bridges pushing state: a list of {address, token, webhook_id}; the bridges step's fields.
CONF_BRIDGES: Final = "bridges"
CONF_BRIDGE_ADDRESS: Final = "bridge_address"
CONF_BRIDGE_TOKEN: Final = "bridge_token"  # noqa: S105
CONF_REMOVE_BRIDGES: Final = "remove_bridges"


class UnlockBehavior(StrEnum):
    """What the lock entity's unlock action does on a Tedee lock."""

    UNLOCK = "unlock"
    UNLOCK_AND_PULL = "unlock_and_pull"


# Tedee's documented limits: lock sync at most every 20 s, 700 requests per rolling hour.
TEDEE_LOCK_SYNC_MIN_INTERVAL: Final = 20.0
TEDEE_HOURLY_LIMIT: Final = 700
# Requests per hour kept free for user actions: polling never eats into them.
TEDEE_ACTION_RESERVE: Final = 140

DEFAULT_POLL_INTERVAL: Final = 20
MIN_POLL_INTERVAL: Final = 20
MAX_POLL_INTERVAL: Final = 3600
DEFAULT_GATE_INTERVAL: Final = 300
MIN_GATE_INTERVAL: Final = 60
MAX_GATE_INTERVAL: Final = 86400
DETAILS_REFRESH_INTERVAL: Final = 3600.0
DEFAULT_UNLOCK_BEHAVIOR: Final = UnlockBehavior.UNLOCK
# Minutes between catch-up reads of a lock's activity (0 = only when its state moves).
DEFAULT_ACTIVITY_INTERVAL: Final = 15
MIN_ACTIVITY_INTERVAL: Final = 0
MAX_ACTIVITY_INTERVAL: Final = 1440
