"""Credentials known to the simulated clouds: personal keys, API keys and OAuth tokens."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

TEDEE_KINDS = frozenset({"personal_key", "bearer"})
DOORFLOW_KINDS = frozenset({"api_key", "access", "refresh"})


@dataclass
class Token:
    """One credential with its kind, scopes and lifetime (by the world's monotonic clock)."""

    value: str
    api: str
    kind: str
    scopes: frozenset[str]
    expires_at: float | None = None
    revoked: bool = False
    client_id: str | None = None
    created_at: datetime | None = None
    user_id: int | None = None
    guest: bool = False
    grant: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def is_valid(self, now: float) -> bool:
        """Tell whether the credential may be used at monotonic time ``now``."""
        return not self.revoked and (self.expires_at is None or now < self.expires_at)

    def public_json(self, now: float) -> dict[str, Any]:
        """Describe the credential without revealing it."""
        return {
            "token": mask(self.value),
            "api": self.api,
            "kind": self.kind,
            "scopes": sorted(self.scopes),
            "revoked": self.revoked,
            "expires_in": None if self.expires_at is None else round(self.expires_at - now, 3),
            "client_id": self.client_id,
            "user_id": self.user_id,
            "guest": self.guest,
        }


def mask(value: str) -> str:
    """Return a harmless label for a secret (never the secret itself)."""
    return f"{value[:4]}…({len(value)} chars)"


class TokenStore:
    """All credentials of a world, looked up by value."""

    def __init__(self) -> None:
        self._tokens: dict[str, Token] = {}

    def add(self, token: Token) -> Token:
        """Register (or replace) a credential."""
        self._tokens[token.value] = token
        return token

    def get(self, value: str) -> Token | None:
        """Return the credential with this value, valid or not."""
        return self._tokens.get(value)

    def find(self, value: str, api: str, kinds: frozenset[str]) -> Token | None:
        """Return the credential if it exists for this API and is of one of ``kinds``."""
        token = self._tokens.get(value)
        if token is None or token.api != api or token.kind not in kinds:
            return None
        return token

    def revoke(self, value: str) -> bool:
        """Revoke a credential; tell whether it existed."""
        token = self._tokens.get(value)
        if token is None:
            return False
        token.revoked = True
        return True

    def revoke_client(self, client_id: str) -> int:
        """Revoke every live credential issued to an OAuth client; return how many."""
        count = 0
        for token in self._tokens.values():
            if token.client_id == client_id and not token.revoked:
                token.revoked = True
                count += 1
        return count

    def revoke_grant(self, grant: int) -> int:
        """Revoke every credential of one authorization (all its rotations); return how many."""
        count = 0
        for token in self._tokens.values():
            if token.grant == grant and not token.revoked:
                token.revoked = True
                count += 1
        return count

    def all(self) -> list[Token]:
        """Return every credential."""
        return list(self._tokens.values())

    def clear(self) -> None:
        """Forget every credential."""
        self._tokens.clear()
