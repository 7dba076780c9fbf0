"""Names, options and limits of the DoorFlow wing (no logic).

Everything here is DoorFlow's own: the floor (`..const`) holds only what every cloud shares.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

# The cloud's name, stored in each entry (`cloud`) and the prefix of its entries' unique ids.
CLOUD: Final = "doorflow"

# Push: the option (absent: on when Home Assistant has a reachable URL), and what the entry
# keeps for it (the random webhook id, the notification rule's id, a cloudhook's URL).
CONF_PUSH: Final = "push"
CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_PUSH_RULE_ID: Final = "push_rule_id"
CONF_CLOUDHOOK_URL: Final = "cloudhook_url"

# DoorFlow publishes no numeric limit; polling more often than every 30 s gains nothing.
DOORFLOW_MIN_POLL_INTERVAL: Final = 30
DOORFLOW_DEFAULT_POLL_INTERVAL: Final = 30
DOORFLOW_MAX_POLL_INTERVAL: Final = 3600
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
