"""What an example entry's diagnostics dump holds (the root redacts it)."""

from __future__ import annotations

from typing import Any

from custom_components.door_access.diagnostics_helpers import plain

from .coordinator import ExampleCoordinator


def example_diagnostics(coordinator: ExampleCoordinator) -> dict[str, Any]:
    """Return the coordinator's state and the doors."""
    return {
        "coordinator": {"last_update_success": coordinator.last_update_success},
        "data": {"doors": [plain(door) for door in coordinator.data.doors.values()]},
    }
