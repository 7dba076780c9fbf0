"""A Tedee entry's devices kept up to date in the registry: its bridges, its locks' details.

Bridges are registered as devices so that locks can name them as `via_device`. A lock first
shown from a sync gets its name, model and bridge once its details arrive; a lock renamed in the
Tedee app gets its new name. The user's own name for a device (`name_by_user`) is never touched.
Devices are added by their entities and removed by the coordinator (`_remove_devices`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from ..api import Bridge, Lock
from ..const import DOMAIN
from .devices import bridge_device_info, lock_device_info, tedee_identifier


@dataclass(slots=True)
class DeviceUpkeep:
    """Registers one entry's bridges and refreshes its lock devices from their details."""

    hass: HomeAssistant
    entry_id: str
    # Bridge id → the id of the device this entry registered for it.
    _bridge_devices: dict[int, str] = field(default_factory=dict, init=False)

    def bridge_device_id(self, bridge_id: int | None) -> str | None:
        """Return the device id of a bridge, whichever entry provides it (None: no bridge)."""
        if bridge_id is None:
            return None
        if (device_id := self._bridge_devices.get(bridge_id)) is not None:
            return device_id
        identifier = (DOMAIN, tedee_identifier(bridge_id))
        devices = dr.async_get(self.hass).async_get_devices(identifiers={identifier})
        return devices[0].id if devices else None

    def register_bridges(self, bridges: Iterable[Bridge]) -> None:
        """Register bridges as devices (again: a bridge renamed gets its new name)."""
        registry = dr.async_get(self.hass)
        for bridge in bridges:
            device = registry.async_get_or_create(
                config_entry_id=self.entry_id, **bridge_device_info(bridge)
            )
            self._bridge_devices[bridge.id] = device.id

    def refresh_locks(self, before: Mapping[int, Lock], locks: Iterable[Lock]) -> None:
        """Bring registered lock devices up to date with the details just read.

        A lock whose shown details are the same as `before` (the last poll's) is left alone.
        """
        registry = dr.async_get(self.hass)
        for lock in locks:
            known = before.get(lock.id)
            if known is not None and known.detailed and _shown(known) == _shown(lock):
                continue
            device = registry.async_get_device_by_identifier(
                (DOMAIN, tedee_identifier(lock.id)), self.entry_id
            )
            if device is None:
                continue  # not registered yet: its entities register it with these details
            via = self.bridge_device_id(lock.bridge_id)
            info = lock_device_info(lock, registered=True, via_device_id=via)
            registry.async_update_device(
                device.id,
                name=info.get("name"),
                model=info.get("model"),
                serial_number=info.get("serial_number"),
                sw_version=info.get("sw_version"),
                via_device_id=info.get("via_device_id", device.via_device_id),
            )


def _shown(lock: Lock) -> tuple[object, ...]:
    """Return what of a lock's details its device shows."""
    return (lock.name, lock.model, lock.serial_number, lock.software_version, lock.bridge_id)
