"""DoorFlow state: what the account holds and how it changes (mode, lockdown, sync, events)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
import math
import random
from typing import Any

from simulator.doorflow_events import (
    ADMIT_KINDS,
    CARD_CODES,
    DENY_REASONS,
    DOOR_KINDS,
    LOCKDOWN_FLAG_FOR_ADMIT,
    STATUS_CODE,
    DoorEvent,
    EventFeed,
)
from simulator.doorflow_models import (
    ALL_SCOPES,
    DEFAULT_MODEL,
    LOCKDOWN_KEYS,
    Admission,
    Channel,
    DoorFlowAccount,
    DoorFlowConfig,
    Person,
    Site,
    mac_for,
)
from simulator.oauth import AuthCode, OAuthClient, OAuthSwitches
from simulator.timeutil import back_in_time, iso_s

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


class DoorFlowState:
    """Everything the simulated DoorFlow knows."""

    def __init__(self, data: dict[str, Any], rng: random.Random, utc_now: datetime) -> None:
        self.rng = rng
        acc = data.get("account", {})
        # The scenario's id may be a number or, as the contract has it, a hashid string; the
        # request log counts accounts by a number (a hashid's account counts as 7001).
        given_id = acc.get("id", 7001)
        self.account = DoorFlowAccount(
            id=given_id if isinstance(given_id, int) else 7001,
            name=str(acc.get("name", "Demo Office")),
            resource_owner_id=int(acc.get("resource_owner_id", 9100)),
            last_sync=utc_now,
            hashid=str(acc.get("hashid", given_id)),
            time_zone=str(acc.get("time_zone", "Europe/London")),
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
        self.people: dict[int, Person] = {}
        owner = acc.get("owner_name", "Demo User")
        self.people[self.account.resource_owner_id] = Person(self.account.resource_owner_id, owner)
        for item in data.get("people", []):
            self.add_person(item)
        self.sites: dict[int, Site] = {}
        for item in data.get("sites", []):
            self.add_site(item)
        self.channels: dict[int, Channel] = {}
        for item in data.get("channels", []):
            self.add_channel(item, utc_now)
        self.admissions: dict[int, Admission] = {}
        self.events = EventFeed()
        self.codes: dict[str, AuthCode] = {}
        self.oauth = OAuthSwitches()
        self.last_sync_request: float | None = None
        self._next_admission = 1
        self._next_grant = 1
        self.add_history(data.get("channels", []), utc_now)

    # -- building -------------------------------------------------------------------------

    def add_person(self, item: dict[str, Any]) -> Person:
        """Add a person from ``{id?, name}``."""
        person_id = int(item.get("id") or (max(self.people) + 1))
        person = Person(person_id, str(item["name"]))
        self.people[person.id] = person
        return person

    def person_named(self, name: str) -> Person:
        """Return the person called ``name``, adding one when there is none."""
        for person in self.people.values():
            if person.name == name:
                return person
        return self.add_person({"name": name})

    @property
    def owner(self) -> Person:
        """Return the person behind the account's API key and OAuth tokens."""
        return self.people[self.account.resource_owner_id]

    def add_site(self, item: dict[str, Any]) -> Site:
        """Add (or replace) a site from the spec's field names."""
        site_id = int(item.get("id") or (max(self.sites, default=0) + 1))
        site = Site(
            id=site_id,
            name=str(item.get("name", f"Site {site_id}")),
            time_zone=item.get("time_zone"),
            notes=item.get("notes"),
            ip_address=item.get("ip_address"),
        )
        self.sites[site.id] = site
        return site

    def add_channel(self, item: dict[str, Any], utc_now: datetime) -> Channel:
        """Create a channel from a scenario/control description (DoorFlow field names)."""
        channel_id = int(item.get("id") or (max(self.channels, default=1200) + 1))
        site = item.get("site_id", 1)
        channel = Channel(
            id=channel_id,
            name=str(item.get("name", f"Door {channel_id}")),
            status=str(item.get("status", "online")),
            mode=str(item.get("mode", "normal")),
            auto_unlock=bool(item.get("auto_unlock", False)),
            model=str(item.get("model", DEFAULT_MODEL[0])),
            model_long=str(item.get("model_long", DEFAULT_MODEL[1])),
            mac_address=str(item.get("mac_address", mac_for(channel_id))),
            unit=int(item.get("unit", 1)),
            serial_number=item.get("serial_number", f"DF{channel_id:08d}"),
            freescale_version=item.get("freescale_version", "4.12.0"),
            pic_version=item.get("pic_version", "1.9"),
            site_id=None if site is None else int(site),
            unresponsive=bool(item.get("unresponsive", False)),
            change_stamp=int(utc_now.timestamp()),
            last_sync_completed_at=utc_now,
            lockdown=item.get("lockdown"),
            created_at=utc_now,
            updated_at=utc_now,
        )
        if channel.status == "offline":
            channel.sync_status = "fail"
        self.channels[channel.id] = channel
        return channel

    def add_history(self, items: list[dict[str, Any]], utc_now: datetime) -> None:
        """Add the scenario's past events (``events: [{kind|event_code, person?, ago}]``)."""
        past = [
            (float(entry.get("ago", 0)), int(item["id"]), entry)
            for item in items
            for entry in item.get("events", [])
        ]
        past.sort(key=lambda p: (-p[0], p[1]))
        for ago, channel_id, entry in past:
            channel = self.channels[channel_id]
            when = utc_now - timedelta(seconds=ago)
            name = entry.get("person")
            person = self.person_named(str(name)) if name else None
            if "event_code" in entry:
                self.emit(int(entry["event_code"]), channel, when, person=person)
            else:
                self.record_kind(channel, str(entry["kind"]), when, person=person, change=False)

    # -- time -----------------------------------------------------------------------------

    def advance(self, now: float, utc_now: datetime) -> None:
        """Apply everything that became due by ``now`` (lazy time), in time order."""
        due: list[tuple[float, int, Callable[[datetime], None]]] = []
        for channel in self.channels.values():
            until = channel.sync_until
            if channel.sync_status == "syncing" and until is not None and now >= until:
                due.append((until, channel.id, _sync_done(self, channel)))
            relock = channel.relock_at
            if (
                channel.mode == "unlock"
                and relock is not None
                and utc_now >= relock
                and not channel.hold_past_relock
            ):
                at = now - (utc_now - relock).total_seconds()
                due.append((at, channel.id, _relock(self, channel)))
            if channel.alarm_clear_at is not None and now >= channel.alarm_clear_at:
                due.append((channel.alarm_clear_at, channel.id, _door_closes(self, channel)))
        due.extend(
            (admission.decide_at, admission.channel_id, _decide(self, admission, now))
            for admission in self.admissions.values()
            if admission.status == "pending" and now >= admission.decide_at
        )
        due.sort(key=lambda d: (d[0], d[1]))
        for at, _, action in due:
            action(back_in_time(utc_now, now, at))

    # -- mutations ------------------------------------------------------------------------

    def bump(self, channel: Channel, utc_now: datetime) -> None:
        """Record a mode change on the channel."""
        channel.change_stamp = max(channel.change_stamp + 1, int(utc_now.timestamp()))
        channel.updated_at = utc_now

    def mark_pending(self, channel: Channel) -> None:
        """Mark a channel as having configuration not yet pushed to its controller."""
        channel.sync_status = "pending"
        channel.sync_until = None

    def admit(
        self, channel: Channel, now: float, utc_now: datetime, person: Person | None
    ) -> Admission:
        """Create an admission request for ``channel`` (normal mode checked by the caller)."""
        low, high = self.config.admission_delay
        admission = Admission(
            id=self._next_admission,
            channel_id=channel.id,
            channel_name=channel.name,
            created_at=now,
            decide_at=now + self.rng.uniform(low, high),
            created_utc=utc_now,
            person=person,
        )
        self._next_admission += 1
        if channel.status != "online":
            admission.status = "offline"
            admission.completed_utc = utc_now
            self.emit(29, channel, utc_now, person=person)
        self.admissions[admission.id] = admission
        return admission

    def set_mode(
        self,
        channel: Channel,
        mode: str,
        relock_at: datetime | None,
        utc_now: datetime,
        person: Person | None,
    ) -> None:
        """Put the door in unlock or normal mode (events 50 / 51)."""
        channel.mode = mode
        channel.relock_at = relock_at if mode == "unlock" else None
        channel.hold_past_relock = False
        self.bump(channel, utc_now)
        self.emit(50 if mode == "unlock" else 51, channel, utc_now, person=person)

    def set_lockdown(
        self, channel: Channel, flags: dict[str, bool], utc_now: datetime, person: Person | None
    ) -> None:
        """Replace the lockdown flags (event 52 when any is on, 53 when all are lifted)."""
        active = {key: bool(flags.get(key)) for key in LOCKDOWN_KEYS}
        was_on = bool(channel.lockdown and any(channel.lockdown.values()))
        channel.lockdown = active if any(active.values()) else None
        channel.updated_at = utc_now
        if channel.lockdown is not None:
            self.emit(52, channel, utc_now, person=person)
        elif was_on:
            self.emit(53, channel, utc_now, person=person)

    def set_status(self, channel: Channel, status: str, utc_now: datetime) -> None:
        """Change whether the controller is online (events 1-3)."""
        if channel.status == status:
            return
        channel.status = status
        channel.updated_at = utc_now
        self.emit(STATUS_CODE[status], channel, utc_now)

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

    def new_grant(self) -> int:
        """Return the id of a new OAuth authorization (shared by all its token rotations)."""
        grant = self._next_grant
        self._next_grant += 1
        return grant

    # -- events ---------------------------------------------------------------------------

    def emit(
        self,
        code: int,
        channel: Channel | None,
        when: datetime,
        *,
        person: Person | None = None,
        label: str | None = None,
    ) -> DoorEvent:
        """Add an event to the account's event feed."""
        return self.events.add(
            code,
            when,
            label=label,
            channel_id=channel.id if channel else None,
            channel_name=channel.name if channel else None,
            person_id=person.id if person else None,
            person_name=person.name if person else None,
            credentials_number=person.card_number if person and code in CARD_CODES else None,
        )

    def record_kind(
        self,
        channel: Channel,
        kind: str,
        utc_now: datetime,
        *,
        now: float | None = None,
        person: Person | None = None,
        reason: str | None = None,
        change: bool = True,
    ) -> list[DoorEvent]:
        """Make something happen at a door (an injectable kind) and return its events.

        Admits are rejected (22) under the matching lockdown flag. Forced and held-open doors
        raise an alarm that clears ("back to normal", 37) when the door closes, or by itself
        ``door_alarm_clear_after`` seconds later when ``now`` is given.
        """
        if kind in ADMIT_KINDS:
            code = ADMIT_KINDS[kind]
            flag = LOCKDOWN_FLAG_FOR_ADMIT.get(code)
            if flag and channel.lockdown and channel.lockdown.get(flag):
                code = 22
            return [self.emit(code, channel, utc_now, person=person)]
        if kind == "denied":
            denied = DENY_REASONS.get(reason or "card_not_valid")
            if denied is None:
                raise ValueError(f"reason must be one of {sorted(DENY_REASONS)}")
            return [self.emit(denied, channel, utc_now, person=person)]
        if kind not in DOOR_KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        code = DOOR_KINDS[kind]
        events: list[DoorEvent] = []
        if code == 34 and not channel.door_open:
            events.append(self.emit(31, channel, utc_now))
        events.append(self.emit(code, channel, utc_now, person=person))
        if not change:
            return events
        if code in (31, 33, 34):
            channel.door_open = True
        if code in (33, 34):
            channel.alarm = "forced" if code == 33 else "held"
            delay = self.config.door_alarm_clear_after
            channel.alarm_clear_at = None if now is None or delay is None else now + delay
        elif code == 32:
            channel.door_open = False
            if channel.alarm is not None:
                events.append(self.emit(37, channel, utc_now))
            channel.alarm, channel.alarm_clear_at = None, None
        elif code == 37:
            channel.alarm, channel.alarm_clear_at = None, None
        elif code in (90, 91):
            channel.tampered = code == 90
        return events

    # -- views ----------------------------------------------------------------------------

    def channel_json(self, channel: Channel) -> dict[str, Any]:
        """Return a channel as the API shows it (lockdown shape per the configuration)."""
        return channel.to_json(self.config.legacy_lockdown)

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
        owner = self.owner.name.split(" ", 1)
        return {
            "id": self.account.hashid,
            "name": self.account.name,
            "time_zone": self.account.time_zone,
            "monitored": False,
            "reseller": None,
            "sync": {
                "status": status,
                "last_sync": iso_s(last) if last else None,
                "description": text,
            },
            "user": {
                "id": self.account.resource_owner_id,
                "first_name": owner[0],
                "last_name": owner[1] if len(owner) > 1 else "",
                "email": self.account.owner_email,
            },
            "passport": {"remote_unlock_enabled": True, "hid_mobile_access": False},
        }

    def to_json(self) -> dict[str, Any]:
        """Dump the whole DoorFlow side for the control API."""
        return {
            "account": self.account_json(),
            "config": self.config.to_json(),
            "sites": [s.to_json() for s in self.sites.values()],
            "people": [{"id": p.id, "name": p.name} for p in self.people.values()],
            "channels": [
                {
                    **self.channel_json(c),
                    "unresponsive": c.unresponsive,
                    "door_open": c.door_open,
                    "alarm": c.alarm,
                    "tampered": c.tampered,
                    "hold_past_relock": c.hold_past_relock,
                }
                for c in self.channels.values()
            ],
            "admissions": [a.to_json() for a in self.admissions.values()],
            "events": {
                "total": len(self.events.items),
                "recent": [e.to_json() for e in self.events.items[-50:]],
            },
            "clients": [c.client_id for c in self.clients.values()],
            "oauth": self.oauth.to_json(),
        }


def _sync_done(state: DoorFlowState, channel: Channel) -> Callable[[datetime], None]:
    """Finish a channel's sync: ok when online, fail when offline."""

    def run(when: datetime) -> None:
        """Apply it at ``when``."""
        channel.sync_until = None
        if channel.status == "online":
            channel.sync_status = "ok"
            channel.last_sync_completed_at = when
        else:
            channel.sync_status = "fail"
        state.account.last_sync = when

    return run


def _relock(state: DoorFlowState, channel: Channel) -> Callable[[datetime], None]:
    """Return a door held unlocked to normal mode when its ``relock_at`` comes (event 51)."""

    def run(when: datetime) -> None:
        """Apply it at ``when``."""
        channel.mode = "normal"
        channel.relock_at = None
        state.bump(channel, when)
        state.emit(51, channel, when, label="Back to normal mode (relock time reached)")

    return run


def _door_closes(state: DoorFlowState, channel: Channel) -> Callable[[datetime], None]:
    """Close a forced or held-open door by itself: door closed (32), back to normal (37)."""

    def run(when: datetime) -> None:
        """Apply it at ``when``."""
        state.record_kind(channel, "door_closed", when)

    return run


def _decide(state: DoorFlowState, admission: Admission, now: float) -> Callable[[datetime], None]:
    """Decide a pending admission: admitted (15), denied under lockdown (22), or timeout."""

    def run(when: datetime) -> None:
        """Apply it at ``when``."""
        channel = state.channels.get(admission.channel_id)
        timeout_at = admission.created_at + state.config.admission_timeout
        if channel is None or channel.status != "online" or channel.unresponsive:
            if now >= timeout_at:
                admission.status = "timeout"
                admission.completed_utc = when
            else:
                admission.decide_at = timeout_at
            return
        admission.completed_utc = when
        if channel.lockdown and any(channel.lockdown.values()):
            admission.status = "denied"
            state.emit(22, channel, when, person=admission.person)
            return
        admission.status = "admitted"
        state.emit(15, channel, when, person=admission.person)

    return run
