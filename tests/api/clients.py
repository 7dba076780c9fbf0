"""The client package under test, through one indirection.

With `DOOR_ACCESS_CLIENTS=installed` the tests import the installed `door_access_clients`
distribution (the wheel, in an environment without Home Assistant); otherwise the in-tree
package `custom_components.door_access.api`. Tests import every public name from here.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

INSTALLED = os.environ.get("DOOR_ACCESS_CLIENTS") == "installed"

if INSTALLED:
    from door_access_clients import *  # noqa: F403

    PACKAGE_NAME = "door_access_clients"
else:
    from custom_components.door_access.api import *  # noqa: F403

    PACKAGE_NAME = "custom_components.door_access.api"

package: ModuleType = importlib.import_module(PACKAGE_NAME)


def module(name: str) -> ModuleType:
    """Return a submodule of the package under test (for tests of internals)."""
    return importlib.import_module(f"{PACKAGE_NAME}.{name}")
