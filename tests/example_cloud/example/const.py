"""Names, options and limits of the example wing (no logic)."""

from __future__ import annotations

from typing import Final

# The cloud's name, stored in each entry (`cloud`) and the prefix of its entries' unique ids.
CLOUD: Final = "example"
DEFAULT_BASE_URL: Final = "https://api.example.invalid"

# Its own option: seconds after which the cloud locks a door again that was unlocked.
CONF_RELOCK_AFTER: Final = "relock_after"
DEFAULT_RELOCK_AFTER: Final = 30
MIN_RELOCK_AFTER: Final = 0
MAX_RELOCK_AFTER: Final = 300

DEFAULT_POLL_INTERVAL: Final = 60
MIN_POLL_INTERVAL: Final = 10
MAX_POLL_INTERVAL: Final = 3600
HOURLY_LIMIT: Final = 600
ACTION_RESERVE: Final = 100
