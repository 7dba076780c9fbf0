"""The clouds Door Access knows, by the name stored in each config entry (a wing's `cloud`).

The one place that lists the wings: adding a cloud adds it here. The registry is a plain dict
so that a test may add a wing of its own (see tests/example_cloud/).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .cloud import CloudWing
from .const import CONF_CLOUD
from .doorflow import DOORFLOW
from .tedee import TEDEE

CLOUDS: Final[dict[str, CloudWing[Any]]] = {TEDEE.cloud: TEDEE, DOORFLOW.cloud: DOORFLOW}


def wing_of(entry_data: Mapping[str, Any]) -> CloudWing[Any]:
    """Return the cloud an entry (or a flow's entry data) belongs to."""
    return CLOUDS[str(entry_data[CONF_CLOUD])]
