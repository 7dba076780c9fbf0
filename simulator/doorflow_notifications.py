"""DoorFlow notification rules as the simulator keeps them: rules, webhook calls, acknowledgments.

The published contract (``openapi.yaml`` of ``doorflow/doorflow-sdk-typescript``) defines the
rule (``NotificationRule`` out, ``NotificationRuleInput`` in) and the acknowledgment read
(``GET /api/3/events/{id}?callback=…&ack_token=…``); the SDK's webhook module defines the call
DoorFlow makes: a JSON array of ``{action, resource, resource_type, resource_id, account_id,
ack_token}`` signed with ``Signature`` = hex HMAC-SHA256(secret, ``"{Timestamp}.{body}"``).
This module holds no HTTP: ``http_doorflow_notifications`` serves and sends.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlencode, urlsplit

from aiohttp import web

from simulator.doorflow_events import VALID_CODES, DoorEvent, label_for

SCOPE_RULES_WRITE = frozenset({"account.notification_rule"})
SCOPE_RULES_READ = frozenset({"account.notification_rule.readonly", "account.notification_rule"})
ACTION_WEBHOOK = 0
MAX_RULES = 100
MAX_NAME = 255
MAX_URL = 2048
MAX_CODES = 200
MAX_CONTROLLERS = 1000
MAX_CALLS_KEPT = 1000


class RuleInputError(Exception):
    """A ``NotificationRuleInput`` that fails validation (rendered as the contract's 422)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("Validation failed")
        self.errors = errors


@dataclass
class NotificationRule:
    """One rule: when an event with one of ``codes`` (on one of ``controllers``) happens, call."""

    id: int
    name: str
    active: bool
    call_back_url: str
    codes: list[int]
    controllers: list[int]
    origin: str

    def matches(self, event: DoorEvent) -> bool:
        """Tell whether ``event`` triggers this rule."""
        if not self.active or event.code not in self.codes:
            return False
        return not self.controllers or event.channel_id in self.controllers

    def to_json(self) -> dict[str, Any]:
        """Return the contract's ``NotificationRule``."""
        return {
            "id": self.id,
            "name": self.name,
            "active": self.active,
            "conditions": [
                {
                    "type": "door_controller_id",
                    "type_description": "Door Controller",
                    "value": str(controller),
                }
                for controller in self.controllers
            ],
            "events": [{"code": code, "name": label_for(code, None)} for code in self.codes],
            "actions": [
                {
                    "type": ACTION_WEBHOOK,
                    "type_description": "Callback URL",
                    "data": self.call_back_url,
                }
            ],
        }


@dataclass
class WebhookCall:
    """One call DoorFlow makes (or would make) to a rule's URL, and what became of it."""

    callback_id: str
    rule_id: int
    event_id: int
    url: str
    ack_token: str
    sent_token: str
    body: str
    sends: int = 0
    statuses: list[int | str] = field(default_factory=list)
    acknowledged: bool = False
    refused_acks: int = 0

    def to_json(self) -> dict[str, Any]:
        """Describe the call for the control API (tokens included: it is a test double)."""
        return {
            "callback": self.callback_id,
            "rule_id": self.rule_id,
            "event_id": self.event_id,
            "url": self.url,
            "ack_token": self.ack_token,
            "sent_ack_token": self.sent_token,
            "sends": self.sends,
            "statuses": list(self.statuses),
            "acknowledged": self.acknowledged,
            "refused_acks": self.refused_acks,
        }


@dataclass
class NotificationConfig:
    """How the simulated DoorFlow misbehaves when it calls (control API)."""

    secret: str = "doorflow-webhook-secret"  # noqa: S105 - the simulator's published test secret
    delay: float = 0.0
    silent: bool = False
    wrong_token: bool = False
    duplicate: bool = False

    def to_json(self) -> dict[str, Any]:
        """Describe the configuration."""
        return {
            "secret": self.secret,
            "delay": self.delay,
            "silent": self.silent,
            "wrong_token": self.wrong_token,
            "duplicate": self.duplicate,
        }


def _int_items(value: Any, name: str, limit: int, errors: dict[str, list[str]]) -> list[int]:
    """Read a list of integers (booleans and text refused) into ``errors`` when wrong."""
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        errors[name] = ["must be an array of integers"]
        return []
    if len(value) > limit:
        errors[name] = [f"must have at most {limit} items"]
        return []
    return list(dict.fromkeys(value))


def parse_rule_input(body: dict[str, Any]) -> dict[str, Any]:
    """Validate a ``NotificationRuleInput``; return its fields or raise ``RuleInputError``."""
    errors: dict[str, list[str]] = {}
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = ["can't be blank"]
    elif len(name) > MAX_NAME:
        errors["name"] = [f"is too long (maximum is {MAX_NAME} characters)"]
    url = body.get("call_back_url")
    if not isinstance(url, str) or not url:
        errors["call_back_url"] = ["can't be blank"]
    else:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > MAX_URL:
            errors["call_back_url"] = ["must be a valid http or https URL"]
    codes: list[int] = []
    if "match_event_codes" not in body:
        errors["match_event_codes"] = ["can't be blank"]
    else:
        codes = _int_items(body["match_event_codes"], "match_event_codes", MAX_CODES, errors)
        if "match_event_codes" not in errors:
            invalid = sorted(c for c in codes if c not in VALID_CODES)
            if not codes:
                errors["match_event_codes"] = ["must have at least one event code"]
            elif invalid:
                listed = ", ".join(str(c) for c in invalid)
                errors["match_event_codes"] = [f"contains unknown event codes: {listed}"]
    controllers: list[int] = []
    if body.get("match_controller_ids") is not None:
        controllers = _int_items(
            body["match_controller_ids"], "match_controller_ids", MAX_CONTROLLERS, errors
        )
    active = body.get("active", True)
    if not isinstance(active, bool):
        errors["active"] = ["must be a boolean"]
    if errors:
        raise RuleInputError(errors)
    return {
        "name": str(name),
        "call_back_url": str(url),
        "codes": codes,
        "controllers": controllers,
        "active": bool(active),
    }


def sign(secret: str, timestamp: str, body: str) -> str:
    """Return the ``Signature`` header DoorFlow's SDK verifies: HMAC-SHA256 of ``ts.body``."""
    return hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()


class NotificationCenter:
    """The account's notification rules and the webhook calls they caused."""

    def __init__(self) -> None:
        self.rules: dict[int, NotificationRule] = {}
        self.calls: deque[WebhookCall] = deque(maxlen=MAX_CALLS_KEPT)
        self.config = NotificationConfig()
        self.last_event_id: int | None = None
        self._next_rule = 100
        self._next_call = 1

    def clear(self) -> None:
        """Forget every rule and call (the world was reset)."""
        self.rules.clear()
        self.calls.clear()
        self.last_event_id = None

    def create(self, fields: dict[str, Any], origin: str) -> NotificationRule:
        """Add a rule from validated input; ``origin`` is the API base the caller used."""
        rule = NotificationRule(id=self._next_rule, origin=origin, **fields)
        self._next_rule += 1
        self.rules[rule.id] = rule
        return rule

    def update(self, rule: NotificationRule, fields: dict[str, Any]) -> None:
        """Replace a rule's conditions, events and action (PUT semantics)."""
        rule.name = fields["name"]
        rule.call_back_url = fields["call_back_url"]
        rule.codes = fields["codes"]
        rule.controllers = fields["controllers"]
        rule.active = fields["active"]

    def calls_for(self, events: list[DoorEvent], account_id: str, secret_token: Any) -> list[Any]:
        """Build the calls ``events`` cause, one per matching rule and event.

        ``secret_token`` makes the acknowledgment tokens (the world's seeded generator).
        """
        made: list[WebhookCall] = []
        for event in events:
            for rule in list(self.rules.values()):
                if not rule.matches(event):
                    continue
                callback_id = str(self._next_call)
                self._next_call += 1
                token = str(secret_token())
                sent = str(secret_token()) if self.config.wrong_token else token
                query = urlencode({"callback": callback_id, "ack_token": sent})
                resource = f"{rule.origin}/api/3/events/{event.id}?{query}"
                payload = [
                    {
                        "action": "CREATE",
                        "resource": resource,
                        "resource_type": "Event",
                        "resource_id": str(event.id),
                        "account_id": account_id,
                        "ack_token": sent,
                    }
                ]
                call = WebhookCall(
                    callback_id=callback_id,
                    rule_id=rule.id,
                    event_id=event.id,
                    url=rule.call_back_url,
                    ack_token=token,
                    sent_token=sent,
                    body=json.dumps(payload),
                )
                self.calls.append(call)
                made.append(call)
        return made

    def find_call(self, callback_id: str) -> WebhookCall | None:
        """Return a call by its callback id."""
        for call in self.calls:
            if call.callback_id == callback_id:
                return call
        return None

    def acknowledge(self, event_id: int, callback_id: str | None, ack_token: str | None) -> bool:
        """Record an acknowledgment read; tell whether it matched a call of that event."""
        if callback_id is None and ack_token is None:
            return False
        call = self.find_call(callback_id or "")
        if (
            call is None
            or call.event_id != event_id
            or not hmac.compare_digest(call.ack_token, ack_token or "")
        ):
            if call is not None:
                call.refused_acks += 1
            return False
        call.acknowledged = True
        return True

    def to_json(self) -> dict[str, Any]:
        """Describe rules, calls and configuration for the control API."""
        return {
            "config": self.config.to_json(),
            "rules": [r.to_json() for r in self.rules.values()],
            "calls": [c.to_json() for c in self.calls],
        }


NOTIFICATIONS_KEY = web.AppKey("doorflow_notifications", NotificationCenter)


def acknowledge(request: web.Request, event_id: int) -> None:
    """Record the acknowledgment a ``GET /api/3/events/{id}`` carries (if the app keeps rules)."""
    center = request.app.get(NOTIFICATIONS_KEY)
    if center is None:
        return
    query = request.query
    center.acknowledge(event_id, query.get("callback"), query.get("ack_token"))
