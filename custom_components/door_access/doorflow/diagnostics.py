"""What a DoorFlow entry's diagnostics dump holds (redaction is done for every cloud alike)."""

from __future__ import annotations

from typing import Any

from ..const import CONF_ACCOUNT_ID
from ..diagnostics_helpers import plain
from .coordinator import DoorFlowCoordinator


def doorflow_diagnostics(coordinator: DoorFlowCoordinator) -> dict[str, Any]:
    """Return the coordinator's state, the event feed's counts, the account and its doors."""
    data = coordinator.data
    account = plain(data.account)
    # The account's id and name identify the organisation (the name is the entry's title).
    account[CONF_ACCOUNT_ID] = account.pop("id")
    account["title"] = account.pop("name")
    return {
        "coordinator": {"last_update_success": coordinator.last_update_success},
        "event_feed": coordinator.events.feed.diagnostics(),
        "push": coordinator.push.diagnostics(),
        "data": {
            "account": account,
            "channels": [plain(channel) for channel in data.channels.values()],
        },
    }
