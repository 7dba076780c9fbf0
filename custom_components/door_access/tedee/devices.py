"""Tedee devices in Home Assistant's device registry: identifiers and device info, in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo

from ..api import Bridge, Gate, Lock
from ..const import CONF_ACCOUNT_ID, DOMAIN
from ..entity import DeviceHandle
from ..push_status import PushStatus
from ..scheduler import RequestScheduler

if TYPE_CHECKING:
    from .coordinator import TedeeCoordinator

LOCK_MANUFACTURER = "Tedee"
GATE_MANUFACTURER = "BleBox"


def tedee_identifier(device_id: int) -> str:
    """Return the identifier (in this domain) of a Tedee lock, gate or bridge."""
    return f"tedee-{device_id}"


def account_identifier(account_id: int) -> str:
    """Return the identifier (in this domain) of the Tedee account itself."""
    return f"tedee-account-{account_id}"


def account_budget_device(coordinator: TedeeCoordinator) -> DeviceHandle[RequestScheduler]:
    """Return the account's own device, read as its request budget (a cloud service)."""
    entry = coordinator.config_entry
    account_id = int(entry.data[CONF_ACCOUNT_ID])
    return DeviceHandle(
        identifier=account_identifier(account_id),
        device_id=account_id,
        info=DeviceInfo(
            identifiers={(DOMAIN, account_identifier(account_id))},
            entry_type=DeviceEntryType.SERVICE,
            manufacturer=LOCK_MANUFACTURER,
            model="Cloud account",
            name=entry.title,
        ),
        read=lambda: coordinator.scheduler,
    )


def account_push_device(coordinator: TedeeCoordinator) -> DeviceHandle[PushStatus]:
    """Return the account's own device, read as its push status (bridges' pushes or polling)."""
    budget = account_budget_device(coordinator)
    return DeviceHandle(
        identifier=budget.identifier,
        device_id=budget.device_id,
        info=budget.info,
        read=lambda: coordinator.push_status,
    )


def bridge_device_info(bridge: Bridge) -> DeviceInfo:
    """Describe a bridge: the device its locks are connected through."""
    return DeviceInfo(
        identifiers={(DOMAIN, tedee_identifier(bridge.id))},
        manufacturer=LOCK_MANUFACTURER,
        model="Bridge",
        name=bridge.name or f"Tedee bridge {bridge.serial_number}",
        serial_number=bridge.serial_number or None,
        sw_version=bridge.software_version,
    )


def lock_device(coordinator: TedeeCoordinator, lock: Lock) -> DeviceHandle[Lock]:
    """Return the device of a lock, below its bridge when it has one.

    A lock known only from a sync (details not read yet) names nothing its details would
    tell: a device already registered keeps its name, model and bridge; a new one is named
    after the lock's id until its details arrive (the coordinator then renames it).
    """
    identifier = tedee_identifier(lock.id)
    if not lock.detailed:
        info = DeviceInfo(identifiers={(DOMAIN, identifier)}, manufacturer=LOCK_MANUFACTURER)
        registry = dr.async_get(coordinator.hass)
        entry_id = coordinator.config_entry.entry_id
        if registry.async_get_device_by_identifier((DOMAIN, identifier), entry_id) is None:
            info["name"] = f"Tedee lock {lock.id}"
    else:
        info = DeviceInfo(
            identifiers={(DOMAIN, identifier)},
            manufacturer=LOCK_MANUFACTURER,
            model=lock.model,
            name=lock.name or f"Tedee lock {lock.serial_number}",
            serial_number=lock.serial_number or None,
            sw_version=lock.software_version,
        )
    if lock.bridge_id is not None and (
        bridge_device_id := coordinator.bridge_device_id(lock.bridge_id)
    ):
        info["via_device_id"] = bridge_device_id
    lock_id = lock.id
    return DeviceHandle(
        identifier=identifier,
        device_id=lock_id,
        info=info,
        read=lambda: coordinator.readable_lock(lock_id),
    )


def gate_device(coordinator: TedeeCoordinator, gate: Gate) -> DeviceHandle[Gate]:
    """Return the device of a BleBox gate linked to the account."""
    gate_id = gate.id
    return DeviceHandle(
        identifier=tedee_identifier(gate_id),
        device_id=gate_id,
        info=DeviceInfo(
            identifiers={(DOMAIN, tedee_identifier(gate_id))},
            manufacturer=GATE_MANUFACTURER,
            model="Gate controller",
            name=gate.name or f"Gate {gate.serial_number}",
            serial_number=gate.serial_number or None,
            sw_version=gate.software_version,
        ),
        read=lambda: coordinator.readable_gate(gate_id),
    )
