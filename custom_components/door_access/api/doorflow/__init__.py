"""Typed async client of the DoorFlow API v3: account, doors, admits, sync, events and sites."""

from ..core.auth import TokenProvider
from ..core.errors import OperationFailure
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
from .webhooks import (
    MAX_WEBHOOK_BODY,
    DoorFlowWebhookError,
    WebhookNotice,
    parse_webhook_body,
    signature_is_valid,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "MAX_PAGE_SIZE",
    "MAX_WEBHOOK_BODY",
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
    "DoorFlowWebhookError",
    "EventSort",
    "Lockdown",
    "NotificationRule",
    "NotificationRules",
    "OperationFailure",
    "Site",
    "SyncStatus",
    "TokenProvider",
    "WebhookNotice",
    "parse_webhook_body",
    "rule_input",
    "signature_is_valid",
]
