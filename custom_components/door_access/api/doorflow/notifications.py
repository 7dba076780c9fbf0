"""DoorFlow push: notification rules (`/api/3/notification_rules`) and acknowledged event reads.

From DoorFlow's published `openapi.yaml`: a rule is written as `NotificationRuleInput`
(`name`, `call_back_url`, `match_event_codes`, optional `match_controller_ids` and `active`)
and read back as `NotificationRule` (`conditions`, `events`, `actions`); listing and reading
need scope `account.notification_rule.readonly` (or the write scope), writing
`account.notification_rule`. DoorFlow then calls the URL for each matching event; the receiver
reads the event with `GET /api/3/events/{id}?callback=…&ack_token=…`, which acknowledges the
call. The contract defines no PATCH, so an update replaces the whole rule (PUT).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from ..core.fields import parse_each
from ..core.http import JsonHttp
from .errors import DoorFlowBadResponseError, raise_if_refused
from .events import DoorEvent
from .models import fields_of
from .webhooks import MAX_TOKEN_LENGTH

RULES: Final = "notification_rules"
RULE: Final = "notification_rules/{id}"
EVENT: Final = "events/{id}"
WEBHOOK_ACTION: Final = 0
CONTROLLER_CONDITION: Final = "door_controller_id"
MAX_RULES_READ: Final = 1000
_REFUSALS: Final = frozenset({404, 422})


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationRule:
    """One rule as DoorFlow shows it; the URL (it holds a webhook id) is left out of the repr."""

    id: str
    name: str
    active: bool
    event_codes: tuple[int, ...]
    controller_ids: tuple[str, ...]
    call_back_urls: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (
            f"NotificationRule(id={self.id!r}, name={self.name!r}, active={self.active}, "
            f"event_codes={self.event_codes}, controller_ids={self.controller_ids}, "
            f"call_back_urls=<{len(self.call_back_urls)}>)"
        )

    @classmethod
    def from_json(cls, data: object) -> NotificationRule:
        """Parse a `NotificationRule`; items of the wrong shape inside its lists are skipped."""
        fields = fields_of(data, "notification_rule")
        codes: list[int] = []
        for item in fields.get_list("events"):
            code = item.get("code") if isinstance(item, Mapping) else None
            if isinstance(code, int) and not isinstance(code, bool):
                codes.append(code)
        controllers: list[str] = []
        for item in fields.get_list("conditions"):
            if not isinstance(item, Mapping) or item.get("type") != CONTROLLER_CONDITION:
                continue
            value = item.get("value")
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                controllers.append(str(value))
        urls: list[str] = []
        for item in fields.get_list("actions"):
            if not isinstance(item, Mapping) or item.get("type") != WEBHOOK_ACTION:
                continue
            url = item.get("data")
            if isinstance(url, str) and url:
                urls.append(url)
        return cls(
            id=fields.id_str("id"),
            name=fields.get_str("name", ""),
            active=fields.get_bool("active", True),
            event_codes=tuple(codes),
            controller_ids=tuple(controllers),
            call_back_urls=tuple(urls),
        )


def rule_input(
    name: str,
    call_back_url: str,
    event_codes: Iterable[int],
    controller_ids: Iterable[int | str] | None = None,
    *,
    active: bool = True,
) -> dict[str, object]:
    """Build a `NotificationRuleInput`, checked before it leaves (no request wasted on a 422)."""
    if not name.strip():
        raise ValueError("name must not be blank")
    parts = urlsplit(call_back_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("call_back_url must be an http or https URL")
    codes = sorted({int(code) for code in event_codes})
    if not codes:
        raise ValueError("event_codes must name at least one event code")
    body: dict[str, object] = {
        "name": name,
        "active": active,
        "call_back_url": call_back_url,
        "match_event_codes": codes,
    }
    if controller_ids is not None:
        # The contract types controller ids as integers; ids are kept as text elsewhere.
        body["match_controller_ids"] = sorted({int(c) for c in controller_ids})
    return body


def _check_token(name: str, value: str) -> None:
    """Refuse an acknowledgment value that cannot be a DoorFlow token (empty, huge, odd)."""
    if not value or len(value) > MAX_TOKEN_LENGTH or not value.isprintable():
        raise ValueError(f"{name} must be a short printable text")


class NotificationRules:
    """The account's notification rules and acknowledged event reads, over the client's HTTP."""

    def __init__(self, http: JsonHttp) -> None:
        self._http = http

    async def list(self) -> list[NotificationRule]:
        """Return every rule (the contract: one unpaged array; more than 1000 is refused)."""
        response = await self._http.request(f"GET {RULES}")
        if not isinstance(response.body, list):
            raise DoorFlowBadResponseError(
                f"GET {RULES}: expected a list, got {type(response.body).__name__}",
                endpoint=response.endpoint,
            )
        if len(response.body) > MAX_RULES_READ:
            raise DoorFlowBadResponseError(
                f"GET {RULES}: more than {MAX_RULES_READ} rules", endpoint=response.endpoint
            )
        read = parse_each(response.body, NotificationRule.from_json, DoorFlowBadResponseError)
        return list(read.items)

    async def create(self, body: Mapping[str, object]) -> NotificationRule:
        """Create a rule from `rule_input(...)` and return it as DoorFlow stored it."""
        response = await self._http.request(
            f"POST {RULES}", json_body=body, expected_status=_REFUSALS
        )
        raise_if_refused(self._http, response, "new notification rule")
        return NotificationRule.from_json(response.body)

    async def update(self, rule_id: int | str, body: Mapping[str, object]) -> NotificationRule:
        """Replace a rule's name, URL, codes and controllers (the contract's PUT)."""
        response = await self._http.request(
            f"PUT {RULE}", ids={"id": rule_id}, json_body=body, expected_status=_REFUSALS
        )
        raise_if_refused(self._http, response, f"notification rule {rule_id}")
        return NotificationRule.from_json(response.body)

    async def delete(self, rule_id: int | str) -> bool:
        """Delete a rule; return False when it was already gone (404), True when deleted."""
        response = await self._http.request(
            f"DELETE {RULE}", ids={"id": rule_id}, expected_status=_REFUSALS
        )
        if response.status == 404:
            return False
        raise_if_refused(self._http, response, f"notification rule {rule_id}")
        return True

    async def read_event(
        self, event_id: int | str, *, callback: str | None = None, ack_token: str | None = None
    ) -> DoorEvent:
        """Read one event by id; with `callback` and `ack_token` (both or neither) it acks.

        DoorFlowOperationError NOT_FOUND when there is no such event.
        """
        params: list[tuple[str, str | int]] = []
        if (callback is None) != (ack_token is None):
            raise ValueError("give both callback and ack_token, or neither")
        if callback is not None and ack_token is not None:
            _check_token("callback", callback)
            _check_token("ack_token", ack_token)
            params = [("callback", callback), ("ack_token", ack_token)]
        response = await self._http.request(
            f"GET {EVENT}",
            ids={"id": event_id},
            params=params or None,
            expected_status=frozenset({404}),
        )
        raise_if_refused(self._http, response, f"event {event_id}")
        return DoorEvent.from_json(response.body)
