"""DoorFlow's OAuth server state: registered clients, authorization codes, forced refusals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.doorflow_models import ALL_SCOPES

# How a forced token-endpoint failure answers: the HTTP status of each OAuth error code.
TOKEN_FAILURES = {
    "server_error": 500,
    "temporarily_unavailable": 503,
    "invalid_grant": 400,
    "invalid_request": 400,
    "invalid_client": 401,
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
class TokenFailure:
    """The token endpoint's next answers fail (control API: ``/_control/doorflow/oauth``)."""

    error: str
    count: int = 1
    after_rotation: bool = False


@dataclass
class OAuthSwitches:
    """One-shot refusals of the OAuth server."""

    deny_authorize: int = 0
    token_failure: TokenFailure | None = None

    def to_json(self) -> dict[str, Any]:
        """Describe the switches."""
        failure = self.token_failure
        return {
            "deny_authorize": self.deny_authorize,
            "token_failure": None
            if failure is None
            else {
                "error": failure.error,
                "count": failure.count,
                "after_rotation": failure.after_rotation,
            },
        }
