"""DoorFlow state: account, channels (doors), admissions, sync, events and OAuth clients."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
import math
import random
from typing import Any

from simulator.timeutil import back_in_time, iso_s

SCOPE_READ = frozenset({"account.channel.readonly", "account.channel"})
SCOPE_ADMIT = frozenset({"account.channel.admit", "account.channel"})
SCOPE_WRITE = frozenset({"account.channel"})
SCOPE_SYNC = frozenset({"account.sync"})
SCOPE_EVENTS = frozenset({"account.event.access.readonly", "account.event.access"})
ALL_SCOPES = (
    "account.channel",
    "account.channel.readonly",
    "account.channel.admit",
    "account.sync",
    "account.event.access.readonly",
    "account.person.readonly",
)
# Event codes. 30-37 are named by the notes' ranges; the exact meanings are the simulator's.
EVENT_LABELS = {
    12: "Admitted by remote admit",
    13: "Remote admit denied (lockdown)",
    30: "Request to exit",
    31: "Door opened",
    32: "Door closed",
    33: "Door forced open",
    34: "Door held open",
    35: "Door held open cleared",
    36: "Door unlocked (mode)",
    37: "Door returned to normal (mode)",
}
SYNC_SECONDS = 2.0


class DoorFlowApiError(Exception):
    """An error answer of the DoorFlow API."""

    def __init__(
        self,
        status: int,
        error: str,
        description: str,
        *,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        self.body = body
        self.headers = headers or {}

    def payload(self) -> dict[str, Any]:
        """Return the JSON body of the error."""
        if self.body is not None:
            return self.body
        return {"error": self.error, "error_description": self.description}


@dataclass
class DoorFlowConfig:
    """Tunable behaviour of DoorFlow (control API: ``/_control/doorflow/config``)."""

    sync_interval: float = 30.0
    access_token_lifetime: int = 3600
    admission_timeout: float = 120.0
    code_lifetime: float = 600.0

    def to_json(self) -> dict[str, Any]:
        """Describe the configuration."""
        return {
            "sync_interval": self.sync_interval,
            "access_token_lifetime": self.access_token_lifetime,
            "admission_timeout": self.admission_timeout,
            "code_lifetime": self.code_lifetime,
        }


@dataclass
class Channel:
    """A DoorFlow channel (one door on a door controller)."""

    id: int
    name: str
    status: str = "online"
    mode: str = "normal"
    relock_at: datetime | None = None
    change_stamp: int = 1
    lockdown: dict[str, bool] | None = None
    sync_status: str = "ok"
    sync_until: float | None = None
    last_sync_completed_at: datetime | None = None
    auto_unlock: bool = False
    model: str = "DoorFlow DC-2"
    firmware: str = "4.12.0"
    site_id: int = 1
    unresponsive: bool = False
    door_open: bool = False

    def to_json(self) -> dict[str, Any]:
        """Return the channel model."""
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "mode": {
                "description": self.mode,
                "relock_at": iso_s(self.relock_at) if self.relock_at else None,
                "change_stamp": self.change_stamp,
            },
            "lockdown": dict(self.lockdown) if self.lockdown else None,
            "sync": {
                "status": self.sync_status,
                "last_sync_completed_at": (
                    iso_s(self.last_sync_completed_at) if self.last_sync_completed_at else None
                ),
            },
            "auto_unlock": self.auto_unlock,
            "model": self.model,
            "firmware": self.firmware,
            "site_id": self.site_id,
        }


@dataclass
class Admission:
    """A remote admit request and its (lazily decided) outcome."""

    id: int
    channel_id: int
    created_at: float
    decide_at: float
    status: str = "pending"
    created_utc: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the admission request model."""
        return {
            "admission_request_id": self.id,
            "id": self.id,
            "channel_id": self.channel_id,
            "status": self.status,
            "created_at": iso_s(self.created_utc) if self.created_utc else None,
        }


@dataclass
class OAuthClient:
    """A registered OAuth application."""

    client_id: str
    client_secret: str
    redirect_uris: list[str] = field(default_factory=list)
    scopes: list[str] = field(default_factory=lambda: list(ALL_SCOPES))


@dataclass
class AuthCode:
    """An authorization code waiting to be exchanged."""

    code: str
    client_id: str
    redirect_uri: str
    scopes: list[str]
    expires_at: float
    challenge: str | None = None
    challenge_method: str = "plain"


@dataclass
class DoorFlowAccount:
    """The DoorFlow account (organisation)."""

    id: int
    name: str
    resource_owner_id: int
    last_sync: datetime | None = None


class DoorFlowState:
    """Everything the simulated DoorFlow knows."""

    def __init__(self, data: dict[str, Any], rng: random.Random, utc_now: datetime) -> None:
        self.rng = rng
        acc = data.get("account", {})
        self.account = DoorFlowAccount(
            id=int(acc.get("id", 7001)),
            name=str(acc.get("name", "Demo Office")),
            resource_owner_id=int(acc.get("resource_owner_id", 9100)),
            last_sync=utc_now,
        )
        self.config = DoorFlowConfig()
        self.clients: dict[str, OAuthClient] = {}
        for item in data.get("clients", []):
            client = OAuthClient(
                client_id=str(item["client_id"]),
                client_secret=str(item["client_secret"]),
                redirect_uris=list(item.get("redirect_uris", [])),
                scopes=list(item.get("scopes", ALL_SCOPES)),
            )
            self.clients[client.client_id] = client
        self.channels: dict[int, Channel] = {}
        for item in data.get("channels", []):
            self.add_channel(item, utc_now)
        self.admissions: dict[int, Admission] = {}
        self.events: deque[dict[str, Any]] = deque(maxlen=1000)
        self.codes: dict[str, AuthCode] = {}
        self.last_sync_request: float | None = None
        self._next_admission = 1
        self._next_event = 1

    def add_channel(self, item: dict[str, Any], utc_now: datetime) -> Channel:
        """Create a channel from a scenario/control description (DoorFlow field names)."""
        channel_id = int(item.get("id") or (max(self.channels, default=1200) + 1))
        channel = Channel(
            id=channel_id,
            name=str(item.get("name", f"Door {channel_id}")),
            status=str(item.get("status", "online")),
            mode=str(item.get("mode", "normal")),
            auto_unlock=bool(item.get("auto_unlock", False)),
            model=str(item.get("model", "DoorFlow DC-2")),
            firmware=str(item.get("firmware", "4.12.0")),
            site_id=int(item.get("site_id", 1)),
            unresponsive=bool(item.get("unresponsive", False)),
            change_stamp=int(utc_now.timestamp()),
            last_sync_completed_at=utc_now,
            lockdown=item.get("lockdown"),
        )
        if channel.status == "offline":
            channel.sync_status = "fail"
        self.channels[channel.id] = channel
        return channel

    # -- time -----------------------------------------------------------------------------

    def advance(self, now: float, utc_now: datetime) -> None:
        """Apply everything that became due by ``now`` (lazy time)."""
        for channel in self.channels.values():
            until = channel.sync_until
            if channel.sync_status == "syncing" and until is not None and now >= until:
                done = back_in_time(utc_now, now, until)
                channel.sync_until = None
                if channel.status == "online":
                    channel.sync_status = "ok"
                    channel.last_sync_completed_at = done
                else:
                    channel.sync_status = "fail"
                self.account.last_sync = done
            if channel.mode == "unlock" and channel.relock_at and utc_now >= channel.relock_at:
                channel.mode = "normal"
                channel.relock_at = None
                self.bump(channel, utc_now)
                self.emit(37, channel, utc_now)
        for admission in self.admissions.values():
            if admission.status == "pending" and now >= admission.decide_at:
                self._decide(admission, now, utc_now)

    def _decide(self, admission: Admission, now: float, utc_now: datetime) -> None:
        channel = self.channels.get(admission.channel_id)
        timeout_at = admission.created_at + self.config.admission_timeout
        if channel is None or channel.status != "online" or channel.unresponsive:
            if now >= timeout_at:
                admission.status = "timeout"
            else:
                admission.decide_at = timeout_at
            return
        if channel.lockdown:
            admission.status = "denied"
            self.emit(13, channel, back_in_time(utc_now, now, admission.decide_at))
            return
        admission.status = "admitted"
        self.emit(12, channel, back_in_time(utc_now, now, admission.decide_at))

    # -- mutations ------------------------------------------------------------------------

    def bump(self, channel: Channel, utc_now: datetime) -> None:
        """Record a mode change on the channel."""
        channel.change_stamp = max(channel.change_stamp + 1, int(utc_now.timestamp()))

    def mark_pending(self, channel: Channel) -> None:
        """Mark a channel as having configuration not yet pushed to its controller."""
        channel.sync_status = "pending"
        channel.sync_until = None

    def admit(self, channel: Channel, now: float, utc_now: datetime) -> Admission:
        """Create an admission request for ``channel`` (normal mode checked by the caller)."""
        admission = Admission(
            id=self._next_admission,
            channel_id=channel.id,
            created_at=now,
            decide_at=now + self.rng.uniform(1.0, 3.0),
            created_utc=utc_now,
        )
        self._next_admission += 1
        if channel.status != "online":
            admission.status = "offline"
        self.admissions[admission.id] = admission
        return admission

    def start_sync(self, now: float) -> None:
        """Push pending changes: pending (and failed) channels go to ``syncing``."""
        for channel in self.channels.values():
            if channel.sync_status in ("pending", "fail"):
                channel.sync_status = "syncing"
                channel.sync_until = now + SYNC_SECONDS
        self.last_sync_request = now

    def sync_retry_in(self, now: float) -> int | None:
        """Return seconds until another sync is allowed, or None when allowed now."""
        last = self.last_sync_request
        if last is None or now - last >= self.config.sync_interval:
            return None
        return max(1, math.ceil(last + self.config.sync_interval - now - 1e-9))

    def emit(self, code: int, channel: Channel, when: datetime) -> dict[str, Any]:
        """Add an event to the account's event feed."""
        event = {
            "id": self._next_event,
            "event_code": code,
            "event_label": EVENT_LABELS.get(code, "Event"),
            "channel_id": channel.id,
            "channel_name": channel.name,
            "site_id": channel.site_id,
            "person_id": None,
            "credentials_number": None,
            "created_at": iso_s(when),
        }
        self._next_event += 1
        self.events.append(event)
        return event

    def account_json(self) -> dict[str, Any]:
        """Return the account model with its aggregated sync status."""
        statuses = {c.sync_status for c in self.channels.values()}
        if "pending" in statuses:
            status, text = "pending", "Changes are waiting to be synced to door controllers"
        elif "syncing" in statuses:
            status, text = "syncing", "Syncing changes to door controllers"
        elif "fail" in statuses:
            status, text = "failing", "One or more door controllers could not be synced"
        else:
            status, text = "complete", "All door controllers are up to date"
        last = self.account.last_sync
        return {
            "id": self.account.id,
            "name": self.account.name,
            "sync": {
                "status": status,
                "last_sync": iso_s(last) if last else None,
                "description": text,
            },
        }

    def to_json(self) -> dict[str, Any]:
        """Dump the whole DoorFlow side for the control API."""
        return {
            "account": self.account_json(),
            "config": self.config.to_json(),
            "channels": [
                {**c.to_json(), "unresponsive": c.unresponsive, "door_open": c.door_open}
                for c in self.channels.values()
            ],
            "admissions": [a.to_json() for a in self.admissions.values()],
            "events": list(self.events)[-50:],
            "clients": [c.client_id for c in self.clients.values()],
        }
