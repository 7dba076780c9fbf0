"""How a client authorizes its requests, and which secrets must never appear in an error."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

type TokenProvider = Callable[[], Awaitable[str]]


class Authorization:
    """The Authorization header of every request: fixed, or built from a fresh token each time.

    `secrets` are the strings to blank out of anything the server sends back (the key, the
    token, an encoded form of them); only the token in use is kept for a provider.
    """

    def __init__(
        self,
        *,
        header: str | None = None,
        secrets: tuple[str, ...] = (),
        token_provider: TokenProvider | None = None,
        scheme: str = "Bearer",
    ) -> None:
        if (header is None) == (token_provider is None):
            raise ValueError("give exactly one of header or token_provider")
        self._fixed = header or ""
        self._provider = token_provider
        self._scheme = scheme
        self._secrets = tuple(secret for secret in secrets if secret)

    async def header(self) -> str:
        """Return the Authorization header value; ask the provider for a token when there is one."""
        if self._provider is None:
            return self._fixed
        token = await self._provider()
        if token:
            self._secrets = (token,)
        return f"{self._scheme} {token}"

    def scrub(self, text: str) -> str:
        """Blank out every secret in a text."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text
