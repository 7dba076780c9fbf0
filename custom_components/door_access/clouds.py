"""The clouds Door Access knows, by the name stored in each config entry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .cloud import CloudOAuth, CloudWing
from .const import CONF_CLOUD, Cloud
from .doorflow import DOORFLOW
from .tedee import TEDEE

CLOUDS: Final[Mapping[Cloud, CloudWing[Any]]] = {wing.cloud: wing for wing in (TEDEE, DOORFLOW)}


def wing_of(entry_data: Mapping[str, Any]) -> CloudWing[Any]:
    """Return the cloud an entry (or a flow's entry data) belongs to."""
    return CLOUDS[Cloud(entry_data[CONF_CLOUD])]


def oauth_cloud() -> tuple[CloudWing[Any], CloudOAuth]:
    """Return the cloud that signs in with Home Assistant's application credentials."""
    return next((wing, wing.flow.oauth) for wing in CLOUDS.values() if wing.flow.oauth is not None)
