"""DoorFlow's webhook calls: read one call's body safely and check its signature.

The shape is the one DoorFlow's TypeScript SDK reads (`src/webhooks/`): a JSON array (or one
object) of `{action, resource, resource_type, resource_id, account_id, ack_token}`, signed with
`Signature` = hex HMAC-SHA256(secret, `"{Timestamp}.{body}"`). `resource` is the URL to read
the resource with; its `callback` and `ack_token` query parameters acknowledge the call when the
event is read (`NotificationRules.read_event`). A call is only a notification: nothing in it
is trusted until the event is read from DoorFlow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import hashlib
import hmac
import json
from typing import Final
from urllib.parse import parse_qs, urlsplit

from .errors import DoorFlowError

MAX_WEBHOOK_BODY: Final = 64 * 1024
MAX_WEBHOOK_ITEMS: Final = 100
MAX_FIELD_LENGTH: Final = 2048
# The longest callback id or acknowledgment token taken, from a call or to read an event with.
MAX_TOKEN_LENGTH: Final = 512
DEFAULT_SIGNATURE_TOLERANCE: Final = 300.0


class DoorFlowWebhookError(DoorFlowError):
    """A webhook call that cannot be read (too large, not JSON, not the documented shape)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookNotice:
    """One item of a call: which resource changed and how to acknowledge it (token hidden)."""

    action: str
    resource_type: str
    resource_id: str
    account_id: str | None
    callback: str | None
    ack_token: str = field(repr=False)

    @property
    def is_event(self) -> bool:
        """Tell whether the item names a new or changed access event."""
        return self.resource_type == "Event" and self.action in ("CREATE", "UPDATE")


def _text(value: object, limit: int = MAX_FIELD_LENGTH) -> str | None:
    """Return a short printable text (numbers as text), or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value or len(value) > limit:
        return None
    return value if value.isprintable() else None


def _callback_of(resource: str | None) -> str | None:
    """Return the `callback` query parameter of the resource URL, if it has exactly one."""
    if resource is None:
        return None
    values = parse_qs(urlsplit(resource).query).get("callback", [])
    return _text(values[0], MAX_TOKEN_LENGTH) if len(values) == 1 else None


def _notice(item: object) -> WebhookNotice | None:
    """Read one item; None when it lacks what a notice needs."""
    if not isinstance(item, Mapping):
        return None
    action = _text(item.get("action"), 32)
    resource_type = _text(item.get("resource_type"), 64)
    resource_id = _text(item.get("resource_id"), 64)
    ack_token = _text(item.get("ack_token"), MAX_TOKEN_LENGTH)
    if action is None or resource_type is None or resource_id is None or ack_token is None:
        return None
    return WebhookNotice(
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        account_id=_text(item.get("account_id"), 64),
        callback=_callback_of(_text(item.get("resource"))),
        ack_token=ack_token,
    )


def parse_webhook_body(raw: bytes) -> list[WebhookNotice]:
    """Return the notices of a call's body; items of the wrong shape are skipped.

    DoorFlowWebhookError when the body is over 64 KiB, not JSON, neither an object nor an
    array, or holds more than 100 items.
    """
    if len(raw) > MAX_WEBHOOK_BODY:
        raise DoorFlowWebhookError(f"webhook body over {MAX_WEBHOOK_BODY} bytes")
    try:
        data = json.loads(raw)
    except ValueError, RecursionError:
        raise DoorFlowWebhookError("webhook body is not JSON") from None
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else None
    if items is None:
        raise DoorFlowWebhookError(f"webhook body is a JSON {type(data).__name__}")
    if len(items) > MAX_WEBHOOK_ITEMS:
        raise DoorFlowWebhookError(f"webhook body has more than {MAX_WEBHOOK_ITEMS} items")
    return [notice for notice in map(_notice, items) if notice is not None]


def signature_is_valid(
    secret: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    *,
    now: float,
    tolerance: float = DEFAULT_SIGNATURE_TOLERANCE,
) -> bool:
    """Tell whether the call is signed by DoorFlow with `secret`, and recently.

    `signature` must be the hex HMAC-SHA256 of `"{timestamp}.{body}"` and `timestamp` (Unix
    seconds) within `tolerance` seconds of `now`.
    """
    if not secret or not timestamp or not signature or len(timestamp) > 16:
        return False
    if not timestamp.isdigit() or abs(int(timestamp) - now) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())
