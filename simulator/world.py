"""The simulated world: both clouds' state, credentials, faults, request log and ambient life."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
import random
import time
from typing import Any

from simulator.ambient import AMBIENT_KINDS, ambient_change
from simulator.doorflow import DoorFlowState
from simulator.doorflow_models import ALL_SCOPES as DOORFLOW_SCOPES
from simulator.faults import FaultStore
from simulator.latency import Latency
from simulator.requestlog import RequestLog
from simulator.scenario import Scenario
from simulator.tedee import TedeeState
from simulator.tedee_models import ALL_SCOPES as TEDEE_SCOPES
from simulator.tokens import Token, TokenStore

AMBIENT_MIN_GAP = 90.0
AMBIENT_MAX_GAP = 300.0
AMBIENT_MAX_CATCH_UP = 20


def _monotonic() -> float:
    """Read the monotonic clock at call time (so freezegun patches are honoured)."""
    return time.monotonic()


def _utcnow() -> datetime:
    """Read the wall clock at call time, as an aware UTC datetime."""
    return datetime.now(UTC)


class World:
    """All simulator state; every time-based behaviour is computed lazily from ``clock()``."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        clock: Callable[[], float] | None = None,
        utcnow: Callable[[], datetime] | None = None,
        seed: int | None = None,
        ambient: bool = False,
    ) -> None:
        self.scenario = scenario
        self._clock = clock or _monotonic
        self._utcnow = utcnow or _utcnow
        self.seed = seed
        self.ambient = ambient
        self.tokens = TokenStore()
        self.faults = FaultStore()
        self.requests = RequestLog()
        self.latency = Latency(seed)
        self.rng = random.Random(seed)  # noqa: S311 - simulation, not security
        self.tedee: TedeeState
        self.doorflow: DoorFlowState
        self._next_ambient: float | None = None
        self.reset()

    # -- time -----------------------------------------------------------------------------

    def clock(self) -> float:
        """Return the injected monotonic time in seconds."""
        return float(self._clock())

    def utcnow(self) -> datetime:
        """Return the injected wall-clock time (aware, UTC)."""
        return self._utcnow()

    def tick(self) -> None:
        """Bring the world up to date with the clock (called at the start of every request)."""
        now = self.clock()
        utc_now = self.utcnow()
        self.tedee.advance(now, utc_now)
        self.doorflow.advance(now, utc_now)
        if self.ambient:
            self._ambient(now, utc_now)

    # -- lifecycle ------------------------------------------------------------------------

    def reset(self) -> None:
        """Rebuild the state from the scenario (the request log and latency are kept)."""
        now = self.clock()
        utc_now = self.utcnow()
        self.rng.seed(self.seed)
        data = self.scenario.data
        self.tedee = TedeeState(data.get("tedee", {}), self.rng, now, utc_now)
        self.doorflow = DoorFlowState(data.get("doorflow", {}), self.rng, utc_now)
        self.tokens.clear()
        self.faults.clear()
        for spec in self.scenario.tokens():
            self.add_token(spec)
        self._next_ambient = None

    def add_token(self, spec: dict[str, Any]) -> Token:
        """Register a credential from a scenario/control description.

        ``user`` names the Tedee user (or DoorFlow person) the credential belongs to (added
        when unknown; the account owner by default); ``guest`` marks a Tedee guest's key.
        """
        api = str(spec.get("api", "tedee"))
        default_kind = "personal_key" if api == "tedee" else "api_key"
        default_scopes = TEDEE_SCOPES if api == "tedee" else DOORFLOW_SCOPES
        expires_in = spec.get("expires_in")
        user_id = None
        if spec.get("user"):
            name = str(spec["user"])
            if api == "tedee":
                user_id = self.tedee.user_named(name).id
            else:
                user_id = self.doorflow.person_named(name).id
        token = Token(
            value=str(spec["token"]),
            api=api,
            kind=str(spec.get("kind", default_kind)),
            scopes=frozenset(spec.get("scopes", default_scopes)),
            expires_at=None if expires_in is None else self.clock() + float(expires_in),
            revoked=bool(spec.get("revoked", False)),
            client_id=spec.get("client_id"),
            created_at=self.utcnow(),
            user_id=user_id,
            guest=bool(spec.get("guest", False)),
        )
        return self.tokens.add(token)

    def new_secret(self) -> str:
        """Return a fresh random token value (seeded)."""
        return f"{self.rng.getrandbits(256):064x}"

    # -- ambient life ---------------------------------------------------------------------

    def _ambient(self, now: float, utc_now: datetime) -> None:
        """Apply the ambient changes due by ``now`` (at most 20 at once)."""
        if self._next_ambient is None:
            self._next_ambient = now + self.rng.uniform(AMBIENT_MIN_GAP, AMBIENT_MAX_GAP)
            return
        done = 0
        while now >= self._next_ambient and done < AMBIENT_MAX_CATCH_UP:
            self.ambient_event(utc_now, now)
            self._next_ambient += self.rng.uniform(AMBIENT_MIN_GAP, AMBIENT_MAX_GAP)
            done += 1
        if now >= self._next_ambient:
            self._next_ambient = now + self.rng.uniform(AMBIENT_MIN_GAP, AMBIENT_MAX_GAP)

    def ambient_event(self, utc_now: datetime, now: float | None = None) -> str:
        """Apply one random real-life change and return what kind it was."""
        kind = self.rng.choice(AMBIENT_KINDS)
        moment = self.clock() if now is None else now
        ambient_change(
            kind,
            tedee=self.tedee,
            doorflow=self.doorflow,
            rng=self.rng,
            now=moment,
            utc_now=utc_now,
        )
        return kind

    # -- dump -----------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Return the whole world as JSON-ready data (credentials masked)."""
        now = self.clock()
        return {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "ambient": self.ambient,
            "clock": now,
            "utcnow": self.utcnow().isoformat(),
            "tedee": self.tedee.to_json(now),
            "doorflow": self.doorflow.to_json(),
            "tokens": [t.public_json(now) for t in self.tokens.all()],
            "faults": [f.to_json(now) for f in self.faults.active(now)],
            "latency": self.latency.to_json(),
        }
