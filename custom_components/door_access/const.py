"""Names and defaults shared by the Door Access integration (no logic)."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
import logging
from typing import Final

DOMAIN: Final = "door_access"
LOGGER: Final = logging.getLogger(__package__)

# Config entry data
CONF_CLOUD: Final = "cloud"
CONF_TOKEN_TYPE: Final = "token_type"  # noqa: S105
CONF_BASE_URL: Final = "base_url"
CONF_ACCOUNT_ID: Final = "account_id"
# Entries signed in through OAuth 2.0 (Home Assistant's names for them, see
# homeassistant.helpers.config_entry_oauth2_flow): the application credential and the token.
CONF_AUTH_IMPLEMENTATION: Final = "auth_implementation"
CONF_OAUTH_TOKEN: Final = "token"  # noqa: S105

# Options
CONF_POLL_INTERVAL: Final = "poll_interval"
CONF_GATE_INTERVAL: Final = "gate_interval"
CONF_UNLOCK_BEHAVIOR: Final = "unlock_behavior"
CONF_ACTIVITY_INTERVAL: Final = "activity_interval"
# DoorFlow push: the option (absent: on when Home Assistant has a reachable URL), and what the
# entry keeps for it (the random webhook id, the notification rule's id, a cloudhook's URL).
CONF_PUSH: Final = "push"
CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_PUSH_RULE_ID: Final = "push_rule_id"
CONF_CLOUDHOOK_URL: Final = "cloudhook_url"
# Local bridges pushing state (Tedee): a list of {address, token, webhook_id}.
CONF_BRIDGES: Final = "bridges"
CONF_BRIDGE_ADDRESS: Final = "bridge_address"
CONF_BRIDGE_TOKEN: Final = "bridge_token"  # noqa: S105
CONF_REMOVE_BRIDGES: Final = "remove_bridges"


class Cloud(StrEnum):
    """The clouds Door Access talks to."""

    TEDEE = "tedee"
    DOORFLOW = "doorflow"


class UnlockBehavior(StrEnum):
    """What the lock entity's unlock action does on a Tedee lock."""

    UNLOCK = "unlock"
    UNLOCK_AND_PULL = "unlock_and_pull"


# Tedee's documented limits: lock sync at most every 20 s, 700 requests per rolling hour.
TEDEE_LOCK_SYNC_MIN_INTERVAL: Final = 20.0
TEDEE_HOURLY_LIMIT: Final = 700
# Requests per hour kept free for user actions: polling never eats into them.
TEDEE_ACTION_RESERVE: Final = 140

# While a cloud holds requests back (429, outage back-off), entities keep their last known
# state for at least this long (or five poll intervals), then go unavailable.
STALE_AFTER: Final = 600.0

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

DOORFLOW_DEFAULT_BASE_URL: Final = "https://api.doorflow.com"
# DoorFlow publishes no numeric limit; polling more often than every 30 s gains nothing.
DOORFLOW_MIN_POLL_INTERVAL: Final = 30
DOORFLOW_DEFAULT_POLL_INTERVAL: Final = 30
# POST /api/3/sync is accepted at most once every 30 s (longer for large accounts).
DOORFLOW_SYNC_MIN_INTERVAL: Final = 30.0
# No global limit is published: a generous hourly budget, with a reserve for user actions.
DOORFLOW_HOURLY_LIMIT: Final = 3600
DOORFLOW_ACTION_RESERVE: Final = 600
# How long an admit (momentary unlock) is followed before it counts as timed out.
DOORFLOW_ADMIT_MAX_WAIT: Final = 30.0
# DoorFlow's sites (for the doors' areas) change rarely: read at startup, then hourly.
DOORFLOW_SITES_INTERVAL: Final = 3600.0
# Seconds after a door's relock time before the door is read again (DoorFlow relocks it).
DOORFLOW_RELOCK_MARGIN: Final = 2.0
# The furthest ahead a door may be held unlocked until (`unlock_until`): one year.
MAX_UNLOCK_AHEAD: Final = timedelta(days=366)
