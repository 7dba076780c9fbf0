"""Names and defaults every cloud of Door Access shares (no logic).

A cloud's own names, options and limits live in its wing (`tedee/const.py`, `doorflow/const.py`).
"""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "door_access"
LOGGER: Final = logging.getLogger(__package__)

# Config entry data: the cloud's name (a wing's `cloud`), its address and the account's id.
CONF_CLOUD: Final = "cloud"
CONF_BASE_URL: Final = "base_url"
CONF_ACCOUNT_ID: Final = "account_id"
# Entries signed in through OAuth 2.0 (Home Assistant's names for them, see
# homeassistant.helpers.config_entry_oauth2_flow): the application credential and the token.
CONF_AUTH_IMPLEMENTATION: Final = "auth_implementation"
CONF_OAUTH_TOKEN: Final = "token"  # noqa: S105

# The option every cloud has: seconds between polls (each wing gives its default and range).
CONF_POLL_INTERVAL: Final = "poll_interval"

# While a cloud holds requests back (429, outage back-off), entities keep their last known
# state for at least this long (or five poll intervals), then go unavailable.
STALE_AFTER: Final = 600.0
