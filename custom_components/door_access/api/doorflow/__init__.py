"""Typed async client of the DoorFlow API v3: account, channels (doors), admits and sync."""

from .client import DEFAULT_BASE_URL, DoorFlowClient, TokenProvider
from .errors import (
    DoorFlowAuthError,
    DoorFlowBadResponseError,
    DoorFlowConnectionError,
    DoorFlowError,
    DoorFlowOperationError,
    DoorFlowRateLimitError,
    OperationFailure,
)
from .models import (
    Account,
    AccountSync,
    AdmissionRequest,
    AdmissionStatus,
    Channel,
    ChannelMode,
    ChannelStatus,
    ChannelSyncStatus,
    DoorEvent,
    Lockdown,
    SyncStatus,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "Account",
    "AccountSync",
    "AdmissionRequest",
    "AdmissionStatus",
    "Channel",
    "ChannelMode",
    "ChannelStatus",
    "ChannelSyncStatus",
    "DoorEvent",
    "DoorFlowAuthError",
    "DoorFlowBadResponseError",
    "DoorFlowClient",
    "DoorFlowConnectionError",
    "DoorFlowError",
    "DoorFlowOperationError",
    "DoorFlowRateLimitError",
    "Lockdown",
    "OperationFailure",
    "SyncStatus",
    "TokenProvider",
]
