"""One device and one set of entities per physical device, however many entries see it.

Two accounts can share a Tedee lock (its owner and a guest): both entries list it, under the
same identifier. One entry *provides* the device — its device registry entry and its entities —
and every other entry that sees it only notes so. The provider is the entry that already has
the device in the registry (so a restart never swaps it), else the first entry to see it.

When the provider unloads or is deleted, the device and its entities' registry entries move to
another loaded entry that sees it (device id, names and areas kept) and that entry adds the
entities at once, without a restart. When the provider's account no longer has the device, its
device goes as before and the next entry that sees it takes over (Home Assistant restores the
entities' names and areas from its deleted entities).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import CoreState, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN

# Entry states in which an entry that has a device in the registry is waited for.
_COMING = frozenset({ConfigEntryState.SETUP_IN_PROGRESS, ConfigEntryState.LOADED})

type GrantListener = Callable[[set[str]], None]


class DeviceClaims:
    """Which entry provides each device identifier (in this domain) that entries see."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self._provider: dict[str, str] = {}
        self._seen: dict[str, set[str]] = {}
        self._on_grant: dict[str, GrantListener] = {}

    @callback
    def join(self, entry_id: str, on_grant: GrantListener) -> None:
        """Take part: `on_grant` gets the identifiers this entry comes to provide later."""
        self._on_grant[entry_id] = on_grant
        self._seen.setdefault(entry_id, set())

    @callback
    def leave(self, entry: ConfigEntry[Any]) -> None:
        """Stop taking part (the entry unloads); its devices wait to see whether it comes back.

        A reload sets the entry up again under the same lock: it keeps its devices. Otherwise
        (unloaded, disabled, failed to set up again) they move to another entry that sees them.
        """
        self._on_grant.pop(entry.entry_id, None)
        self._seen.pop(entry.entry_id, None)
        if self.provided_by(entry.entry_id):
            self.hass.async_create_task(
                self._hand_over_unless_back(entry), f"{DOMAIN} devices of {entry.title}"
            )

    async def _hand_over_unless_back(self, entry: ConfigEntry[Any]) -> None:
        """Once the entry's unload or reload is over: hand its devices on, unless it is back."""
        async with entry.setup_lock:
            if entry.entry_id in self._on_grant:
                return
            self._hand_over(entry.entry_id, self.provided_by(entry.entry_id), move_registry=True)

    @callback
    def remove(self, entry_id: str) -> None:
        """Hand a deleted entry's devices on now, before its registry entries go."""
        self._on_grant.pop(entry_id, None)
        self._seen.pop(entry_id, None)
        self._hand_over(entry_id, self.provided_by(entry_id), move_registry=True)

    @callback
    def update(self, entry_id: str, seen: Iterable[str]) -> set[str]:
        """Note what an entry's account has now; return which of them the entry provides.

        What it provided and no longer sees goes to another entry that sees it, after the
        caller removed its own device (the entities are restored from the deleted ones).
        """
        now = set(seen)
        self._seen[entry_id] = now
        for identifier in now:
            if identifier in self._provider:
                continue
            holder = self._holder(identifier, entry_id)
            if holder is not None and self._coming(holder):
                continue  # the entry that has the device will provide it
            self._provider[identifier] = entry_id
            if holder is not None:
                self._move(identifier, holder.entry_id, entry_id)
        return {i for i in now if self._provider.get(i) == entry_id}

    @callback
    def hand_over_unseen(self, entry_id: str) -> None:
        """Hand the devices the entry provided but its account lost to entries that see them."""
        seen = self._seen.get(entry_id, set())
        lost = {i for i in self.provided_by(entry_id) if i not in seen}
        self._hand_over(entry_id, lost, move_registry=False)

    def provided_by(self, entry_id: str) -> set[str]:
        """Return the identifiers an entry provides."""
        return {i for i, provider in self._provider.items() if provider == entry_id}

    def shared_with(self, entry_id: str) -> dict[str, list[str]]:
        """Return, per device the entry sees, the other entries that see it too."""
        mine = self._seen.get(entry_id, set())
        return {
            identifier: sorted(
                e for e, seen in self._seen.items() if e != entry_id and identifier in seen
            )
            for identifier in sorted(mine)
            if any(e != entry_id and identifier in seen for e, seen in self._seen.items())
        }

    def _holder(self, identifier: str, entry_id: str) -> ConfigEntry[Any] | None:
        """Return another entry of this domain that has the device in the registry."""
        registry = dr.async_get(self.hass)
        for device in registry.async_get_devices(identifiers={(DOMAIN, identifier)}):
            holder = self.hass.config_entries.async_get_entry(device.config_entry_id)
            if holder is not None and holder.entry_id != entry_id and holder.domain == DOMAIN:
                return holder
        return None

    def _coming(self, entry: ConfigEntry[Any]) -> bool:
        """Tell whether an entry is (or is about to be) set up: loaded, loading, or starting.

        An entry not loaded once Home Assistant runs was unloaded, disabled or failed: the
        others take over.
        """
        starting = self.hass.state is not CoreState.running
        waited = _COMING | {ConfigEntryState.NOT_LOADED} if starting else _COMING
        return entry.disabled_by is None and entry.state in waited

    def _hand_over(self, entry_id: str, identifiers: set[str], *, move_registry: bool) -> None:
        """Give each device to another entry that sees it; tell each entry what it got."""
        granted: dict[str, set[str]] = {}
        for identifier in identifiers:
            del self._provider[identifier]
            successor = next(
                (
                    other
                    for other, seen in self._seen.items()
                    if other != entry_id and identifier in seen and other in self._on_grant
                ),
                None,
            )
            if successor is None:
                continue
            self._provider[identifier] = successor
            if move_registry:
                self._move(identifier, entry_id, successor)
            granted.setdefault(successor, set()).add(identifier)
        for successor, given in granted.items():
            self._on_grant[successor](given)

    def _move(self, identifier: str, old: str, new: str) -> None:
        """Move a device and its entities' registry entries from one entry to another.

        The entities move first: a device that changes entry takes along only the entities
        of its new entry (Home Assistant removes the others).
        """
        devices = dr.async_get(self.hass)
        device = devices.async_get_device_by_identifier((DOMAIN, identifier), old)
        if device is None or devices.async_get_device_by_identifier((DOMAIN, identifier), new):
            return
        entities = er.async_get(self.hass)
        for entity in er.async_entries_for_device(
            entities, device.id, include_disabled_entities=True
        ):
            if entity.config_entry_id == old:
                entities.async_update_entity(entity.entity_id, config_entry_id=new)
        devices.async_update_device(device.id, new_config_entry_id=new)


CLAIMS: HassKey[DeviceClaims] = HassKey(f"{DOMAIN}_device_claims")


def device_claims(hass: HomeAssistant) -> DeviceClaims:
    """Return the integration's device claims (one for all entries)."""
    if (claims := hass.data.get(CLAIMS)) is None:
        claims = hass.data[CLAIMS] = DeviceClaims(hass)
    return claims
