"""Build hook: ship the in-tree client package under the distribution's import name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

IMPORT_NAME = "door_access_clients"
# The one copy of the code, relative to this folder (packages/door-access-clients/).
SOURCE = Path("..", "..", "custom_components", "door_access", "api")
# The repository's license, shipped inside the package (MIT asks for the notice with copies).
LICENSE = Path("..", "..", "LICENSE")


class ClientsBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Map custom_components/door_access/api to door_access_clients in the sdist and wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:  # noqa: ARG002
        """Force-include the package folder when building from the repository."""
        source = (Path(self.root) / SOURCE).resolve()
        if source.is_dir():
            build_data["force_include"][str(source)] = IMPORT_NAME
        license_file = (Path(self.root) / LICENSE).resolve()
        if source.is_dir() and license_file.is_file():
            build_data["force_include"][str(license_file)] = f"{IMPORT_NAME}/LICENSE"
