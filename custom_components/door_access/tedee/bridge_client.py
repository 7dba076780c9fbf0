"""A Tedee bridge's local API through `aiotedee` (the library Home Assistant's `tedee` uses).

`aiotedee` 0.3.0 always talks to port 80 (`http://{ip}:80/v1.0`); a bridge behind a port
forward, or the simulator's bridges, listen elsewhere. `BridgeClient` takes an address with an
optional port (`192.168.1.20`, `bridge.lan:8080`, `http://192.168.1.20:80`) and points the
library's base there — the one thing it changes. Commands go out once, without the library's
retries and its sleeps after a command (5 s after lock / unlock, the pull time + 1 s after a
pull): a user's action never waits on them, and an unreachable bridge hands the command to the
cloud within `COMMAND_TIMEOUT`. No Home Assistant imports here.
"""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
from http import HTTPMethod
import time
from typing import Any, Final, override
from urllib.parse import urlsplit

from aiohttp import ClientError, ClientSession
from aiotedee import (
    TedeeAuthException,
    TedeeClientException,
    TedeeDataUpdateException,
    TedeeLocalAuthException,
    TedeeLocalClient,
    TedeeWebhookException,
)
from aiotedee.helpers import http_request

# The bridge's local API (tedee-bridge-api v1.2) lives under this path on its address.
LOCAL_API_PATH: Final = "/v1.0"
# Seconds a command (or a health check's request) may take before the bridge counts as gone.
COMMAND_TIMEOUT: Final = 3
REQUEST_TIMEOUT: Final = 5
MAX_ADDRESS: Final = 255

# What a bridge that does not answer as its API does raises. aiotedee 0.3.0 wraps transport
# errors, but decodes a 200's body outside that: a page that is not JSON (a captive portal, a
# proxy) or a body cut short comes through as aiohttp's ClientError or a ValueError.
BRIDGE_ERRORS: Final = (
    TedeeClientException,
    TedeeDataUpdateException,
    TedeeLocalAuthException,
    TedeeWebhookException,
    TimeoutError,
    ClientError,
    ValueError,
)


class BridgeAddressError(ValueError):
    """The text is not a usable bridge address (host with an optional port)."""


class BridgeCommandError(Exception):
    """The bridge did not take a command (unreachable, refused, timed out)."""


@dataclass(frozen=True, slots=True)
class BridgeAddress:
    """Where a bridge's local API answers."""

    host: str
    port: int = 80

    @classmethod
    def parse(cls, text: str) -> BridgeAddress:
        """Read `host`, `host:port` or `http://host[:port]` (no path, no other scheme)."""
        text = text.strip()
        if not text or len(text) > MAX_ADDRESS:
            raise BridgeAddressError("empty or too long")
        parts = urlsplit(text if "://" in text else f"http://{text}")
        try:
            port = parts.port or 80
        except ValueError as err:
            raise BridgeAddressError("bad port") from err
        if parts.scheme != "http" or not parts.hostname or parts.path.strip("/"):
            raise BridgeAddressError("not a host with an optional port")
        if parts.username or parts.password or parts.query or parts.fragment:
            raise BridgeAddressError("not a host with an optional port")
        return cls(host=parts.hostname, port=port)

    @property
    def base_url(self) -> str:
        """Return the local API's base URL."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{LOCAL_API_PATH}"

    def __str__(self) -> str:
        """Return the address as the user would type it."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == 80 else f"{host}:{self.port}"


class BridgeClient(TedeeLocalClient):
    """aiotedee's local client at an address with any port; commands sent once, never slept on."""

    def __init__(
        self, address: BridgeAddress, token: str, session: ClientSession, *, encrypted: bool = True
    ) -> None:
        super().__init__(
            local_token=token,
            local_ip=address.host,
            api_token_mode_plain=not encrypted,
            session=session,
            timeout=REQUEST_TIMEOUT,
        )
        self.address = address
        # The documented way to reach the bridge is its base URL; aiotedee builds it for port
        # 80 only, so it is replaced here (aiotedee reads it for every call).
        self._local_api_base = address.base_url
        self._last_stamp = 0

    @property
    @override
    def _local_api_header(self) -> dict[str, str]:
        """Return the key header; an encrypted key is stamped with a millisecond of its own.

        The bridge takes each key (sha256 of the token and the millisecond, then the
        millisecond) once. aiotedee stamps the current millisecond, so a health check's read
        and a lock command started within one millisecond carried the same key, and the
        bridge refused the second as a replay. A stamp ahead of the clock by a few ms is
        well within the bridge's tolerance.
        """
        if self._api_token_mode_plain or not self._local_token:
            return super()._local_api_header
        stamp = max(time.time_ns() // 1_000_000, self._last_stamp + 1)
        self._last_stamp = stamp
        key = hashlib.sha256(f"{self._local_token}{stamp}".encode()).hexdigest()
        return {"Content-Type": "application/json", "api_token": f"{key}{stamp}"}

    async def send_command(self, lock_id: int, action: str) -> None:
        """Send one lock command (`lock`, `unlock?mode=…`, `pull`) once; raise if not taken."""
        try:
            await http_request(
                f"{self._local_api_base}/lock/{lock_id}/{action}",
                HTTPMethod.POST,
                self._local_api_header,
                self._session,
                COMMAND_TIMEOUT,
            )
        except (TedeeAuthException, *BRIDGE_ERRORS) as err:
            raise BridgeCommandError(type(err).__name__) from None

    async def read_lock_states(self) -> dict[int, dict[str, Any]]:
        """Return the bridge's locks as it reports them (id → raw item), good items only."""
        success, result = await self._local_api_call("/lock", HTTPMethod.GET)
        if not success or not isinstance(result, list):
            raise TedeeClientException("no lock list from the bridge")
        return {
            item["id"]: item
            for item in result[:1000]
            if isinstance(item, dict) and type(item.get("id")) is int
        }
