"""The entity descriptions the integration defines, read from its imported modules.

The states of an enum sensor come from its description's `options`, which the code computes
(`[status.value for status in GateStatus]`, the enum possibly living in another package), so
they are read from the running objects instead of the syntax tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
import importlib
import pkgutil
from typing import Any

from homeassistant.components.event import EventEntityDescription
from homeassistant.components.sensor import SensorDeviceClass, SensorEntityDescription
from homeassistant.helpers.entity import EntityDescription


@dataclass(frozen=True, slots=True)
class DescribedEntity:
    """An entity description found in a module: its platform and translation key.

    `options` are an enum sensor's states; `event_types` an event entity's types.
    """

    platform: str
    translation_key: str
    options: tuple[str, ...]
    module: str
    event_types: tuple[str, ...] = ()


def _platform(description: EntityDescription) -> str | None:
    """Return the platform of a description: the Home Assistant module of its base class."""
    for cls in type(description).__mro__:
        parts = cls.__module__.split(".")
        if parts[:2] == ["homeassistant", "components"] and len(parts) > 2:
            return parts[2]
    return None


def _descriptions(value: Any, depth: int = 0) -> Iterator[EntityDescription]:
    """Yield the entity descriptions in a module-level value (and in its containers)."""
    if isinstance(value, EntityDescription):
        yield value
    elif depth < 3 and isinstance(value, tuple | list | set | frozenset):
        for item in value:
            yield from _descriptions(item, depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for item in value.values():
            yield from _descriptions(item, depth + 1)


def described_entities(package: str) -> list[DescribedEntity]:
    """Import every module of a package and return the descriptions it holds at module level."""
    root = importlib.import_module(package)
    names = [package] + [
        info.name for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}.")
    ]
    found: dict[tuple[str, str, tuple[str, ...]], DescribedEntity] = {}
    for name in names:
        module = importlib.import_module(name)
        for value in vars(module).values():
            for description in _descriptions(value):
                platform = _platform(description)
                if platform is None or description.translation_key is None:
                    continue
                options: tuple[str, ...] = ()
                if (
                    isinstance(description, SensorEntityDescription)
                    and description.device_class == SensorDeviceClass.ENUM
                ):
                    options = tuple(description.options or ())
                event_types: tuple[str, ...] = ()
                if isinstance(description, EventEntityDescription):
                    event_types = tuple(description.event_types or ())
                entity = DescribedEntity(
                    platform, description.translation_key, options, name, event_types
                )
                found.setdefault((platform, entity.translation_key, options), entity)
    return list(found.values())
