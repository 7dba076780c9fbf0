"""Base entities of Door Access: device info, unique ids and availability."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api.doorflow import Account, Channel
from .api.tedee import Gate, Lock
from .const import DOMAIN
from .coordinator import TedeeCoordinator
from .doorflow_coordinator import (
    DoorFlowCoordinator,
    doorflow_account_identifier,
    doorflow_channel_identifier,
)

MANUFACTURER = "Tedee"
GATE_MANUFACTURER = "BleBox"
DOORFLOW_MANUFACTURER = "DoorFlow"


def tedee_device_identifier(device_id: int) -> tuple[str, str]:
    """Return the device registry identifier of a Tedee lock, gate or bridge."""
    return (DOMAIN, f"tedee-{device_id}")


class TedeeEntity(CoordinatorEntity[TedeeCoordinator]):
    """An entity of one device of a Tedee account."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: TedeeCoordinator, device_id: int, description: EntityDescription
    ) -> None:
        super().__init__(coordinator)
        self.entity_description = description
        self._device_id = device_id
        self._attr_unique_id = f"tedee-{device_id}-{description.key}"


class TedeeLockEntity(TedeeEntity):
    """An entity that reads one lock."""

    def __init__(
        self, coordinator: TedeeCoordinator, lock: Lock, description: EntityDescription
    ) -> None:
        super().__init__(coordinator, lock.id, description)
        self._attr_device_info = DeviceInfo(
            identifiers={tedee_device_identifier(lock.id)},
            manufacturer=MANUFACTURER,
            model=lock.model,
            name=lock.name or f"Tedee lock {lock.serial_number}",
            serial_number=lock.serial_number or None,
            sw_version=lock.software_version,
        )
        if lock.bridge_id is not None and (
            bridge_device_id := coordinator.bridge_device_ids.get(lock.bridge_id)
        ):
            self._attr_device_info["via_device_id"] = bridge_device_id

    @property
    def lock_data(self) -> Lock | None:
        """Return the lock's latest data (None once it left the account)."""
        return self.coordinator.data.locks.get(self._device_id)

    @property
    def available(self) -> bool:
        """Tell whether the cloud answers and still knows the lock."""
        return super().available and self.lock_data is not None


class TedeeGateEntity(TedeeEntity):
    """An entity that reads one BleBox gate."""

    def __init__(
        self, coordinator: TedeeCoordinator, gate: Gate, description: EntityDescription
    ) -> None:
        super().__init__(coordinator, gate.id, description)
        self._attr_device_info = DeviceInfo(
            identifiers={tedee_device_identifier(gate.id)},
            manufacturer=GATE_MANUFACTURER,
            model="Gate controller",
            name=gate.name or f"Gate {gate.serial_number}",
            serial_number=gate.serial_number or None,
            sw_version=gate.software_version,
        )

    @property
    def gate(self) -> Gate | None:
        """Return the gate's latest data (None once it left the account)."""
        return self.coordinator.data.gates.get(self._device_id)

    @property
    def available(self) -> bool:
        """Tell whether the cloud answers and still knows the gate."""
        return super().available and self.gate is not None


class DoorFlowEntity(CoordinatorEntity[DoorFlowCoordinator]):
    """An entity of a DoorFlow account or of one of its doors."""

    _attr_has_entity_name = True


class DoorFlowAccountEntity(DoorFlowEntity):
    """An entity of the DoorFlow account itself (sync status, sync button)."""

    def __init__(
        self, coordinator: DoorFlowCoordinator, account: Account, description: EntityDescription
    ) -> None:
        super().__init__(coordinator)
        self.entity_description = description
        self._attr_unique_id = f"doorflow-account-{account.id}-{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, doorflow_account_identifier(account.id))},
            manufacturer=DOORFLOW_MANUFACTURER,
            model="Account",
            name=account.name or "DoorFlow account",
        )

    @property
    def account(self) -> Account:
        """Return the account's latest data."""
        return self.coordinator.data.account


class DoorFlowChannelEntity(DoorFlowEntity):
    """An entity that reads one DoorFlow door (channel)."""

    def __init__(
        self, coordinator: DoorFlowCoordinator, channel: Channel, description: EntityDescription
    ) -> None:
        super().__init__(coordinator)
        self.entity_description = description
        self._channel_id = channel.id
        self._attr_unique_id = f"doorflow-{channel.id}-{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, doorflow_channel_identifier(channel.id))},
            manufacturer=DOORFLOW_MANUFACTURER,
            model=channel.model,
            name=channel.name or f"Door {channel.id}",
            sw_version=channel.firmware,
        )
        if coordinator.account_device_id is not None:
            self._attr_device_info["via_device_id"] = coordinator.account_device_id

    @property
    def channel(self) -> Channel | None:
        """Return the door's latest data (None once it left the account)."""
        return self.coordinator.data.channels.get(self._channel_id)

    @property
    def available(self) -> bool:
        """Tell whether the cloud answers and still knows the door."""
        return super().available and self.channel is not None
