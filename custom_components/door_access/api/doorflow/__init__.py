"""Typed async client of the DoorFlow API v3: account, doors, admits, sync, events and sites."""

from ..core.auth import TokenProvider
from .client import DEFAULT_BASE_URL, MAX_PAGE_SIZE, DoorFlowClient, DoorFlowEndpoint
from .errors import (
    DoorFlowAuthError,
    DoorFlowBadResponseError,
    DoorFlowConnectionError,
    DoorFlowError,
    DoorFlowOperationError,
    DoorFlowRateLimitError,
    DoorFlowRepeatedPageError,
    DoorFlowResponseTooLargeError,
    DoorFlowTimeoutError,
    OperationFailure,
)
from .events import DoorEvent, EventSort
from .models import (
    Account,
    AccountSync,
    AdmissionRequest,
    AdmissionStatus,
    Channel,
    ChannelMode,
    ChannelStatus,
    ChannelSyncStatus,
    Lockdown,
    Site,
    SyncStatus,
)
from .notifications import NotificationRule, NotificationRules, rule_input

__all__ = [
    "DEFAULT_BASE_URL",
    "MAX_PAGE_SIZE",
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
    "DoorFlowEndpoint",
    "DoorFlowError",
    "DoorFlowOperationError",
    "DoorFlowRateLimitError",
    "DoorFlowRepeatedPageError",
    "DoorFlowResponseTooLargeError",
    "DoorFlowTimeoutError",
    "EventSort",
    "Lockdown",
    "NotificationRule",
    "NotificationRules",
    "OperationFailure",
    "Site",
    "SyncStatus",
    "TokenProvider",
    "rule_input",
]
