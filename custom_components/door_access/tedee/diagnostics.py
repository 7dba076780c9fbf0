"""What a Tedee entry's diagnostics dump holds (redaction is done for every cloud alike)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..diagnostics_helpers import plain
from .coordinator import TedeeCoordinator


def tedee_diagnostics(coordinator: TedeeCoordinator) -> dict[str, Any]:
    """Return the coordinator's state, the activity feed's counts, the locks, gates, bridges."""
    data, links = coordinator.data, coordinator.push.links
    return {
        "coordinator": {
            "last_update_success": coordinator.last_update_success,
            "api_deprecation": plain(coordinator.client.deprecation),
        },
        "activity_feed": coordinator.activity.feed.diagnostics(),
        "push": {
            **coordinator.push.status.as_dict(),
            # Every bridge's refusals together (the entry's own status counts none).
            "refused": dict(
                sorted(sum((link.status.refused for link in links), Counter()).items())
            ),
            "bridges": [link.diagnostics() for link in links],
        },
        "data": {
            "locks": [plain(lock) for lock in data.locks.values()],
            "gates": [plain(gate) for gate in data.gates.values()],
            "bridges": [plain(bridge) for bridge in data.bridges.values()],
        },
    }
