"""Date formatting shared by both simulated APIs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime


def iso_ms(value: datetime) -> str:
    """Format like Tedee: ``2021-04-26T06:02:04.197Z``."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def iso_s(value: datetime) -> str:
    """Format like DoorFlow: ``2026-11-03T10:00:00Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def http_date(value: datetime) -> str:
    """Format an HTTP date (RFC 9110), e.g. for the ``Sunset`` header."""
    return format_datetime(value.astimezone(UTC), usegmt=True)


def parse_iso(value: str) -> datetime:
    """Parse an ISO 8601 date-time; naive values are taken as UTC."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def back_in_time(utc_now: datetime, now: float, at: float) -> datetime:
    """Return the wall-clock date of monotonic instant ``at`` given ``now`` ↔ ``utc_now``."""
    return utc_now - timedelta(seconds=max(0.0, now - at))
