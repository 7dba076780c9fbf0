"""The devices Tedee entities read (handles), apart from `devices.py` so no import goes back."""

from __future__ import annotations

from homeassistant.helpers import device_registry as dr

from ..api import Gate, Lock
from ..const import CONF_ACCOUNT_ID, DOMAIN
from ..entity import DeviceHandle
from ..push_status import PushStatus
from ..scheduler import RequestScheduler
from .coordinator import TedeeCoordinator
from .devices import (
    account_device_info,
    account_identifier,
    gate_device_info,
    lock_device_info,
    tedee_identifier,
)


def account_id_of(coordinator: TedeeCoordinator) -> int:
    """Return the account's id (its device's entities are added once, at setup)."""
    return int(coordinator.config_entry.data[CONF_ACCOUNT_ID])


def account_budget_device(
    coordinator: TedeeCoordinator, account_id: int
) -> DeviceHandle[RequestScheduler]:
    """Return the account's own device, read as its request budget (a cloud service)."""
    return DeviceHandle(
        identifier=account_identifier(account_id),
        device_id=account_id,
        info=account_device_info(account_id, coordinator.config_entry.title),
        read=lambda: coordinator.scheduler,
    )


def account_push_device(coordinator: TedeeCoordinator, account_id: int) -> DeviceHandle[PushStatus]:
    """Return the account's own device, read as its push status (bridges' pushes or polling)."""
    return account_budget_device(coordinator, account_id).reading(lambda: coordinator.push.status)


def reports_state(lock: Lock) -> bool:
    """Tell whether the lock reports its state (it does not while cut off from its bridge)."""
    return lock.status is not None


def lock_device(coordinator: TedeeCoordinator, lock: Lock) -> DeviceHandle[Lock]:
    """Return the device of a lock, below its bridge when it has one."""
    identifier = tedee_identifier(lock.id)
    registered = (
        dr.async_get(coordinator.hass).async_get_device_by_identifier(
            (DOMAIN, identifier), coordinator.config_entry.entry_id
        )
        is not None
    )
    via = coordinator.devices.bridge_device_id(lock.bridge_id)
    lock_id = lock.id
    return DeviceHandle(
        identifier=identifier,
        device_id=lock_id,
        info=lock_device_info(lock, registered=registered, via_device_id=via),
        read=lambda: coordinator.readable_lock(lock_id),
    )


def gate_device(coordinator: TedeeCoordinator, gate: Gate) -> DeviceHandle[Gate]:
    """Return the device of a BleBox gate linked to the account."""
    gate_id = gate.id
    return DeviceHandle(
        identifier=tedee_identifier(gate_id),
        device_id=gate_id,
        info=gate_device_info(gate),
        read=lambda: coordinator.readable_gate(gate_id),
    )
