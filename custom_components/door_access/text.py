"""Texts from a cloud as Home Assistant shows them: one line, at most `MAX_TEXT` characters.

Names and labels come from the cloud untrusted: a user may call themselves anything, at any
length. Every such text shown to users (states, attributes) passes here.
"""

from __future__ import annotations

from typing import Final, overload

# The longest text from a cloud that is shown; longer ones end in an ellipsis at this length.
MAX_TEXT: Final = 100
ELLIPSIS: Final = "…"


@overload
def cloud_text(value: str) -> str: ...
@overload
def cloud_text(value: str | None) -> str | None: ...
def cloud_text(value: str | None) -> str | None:
    """Return a cloud's text on one line (control characters as spaces), capped at `MAX_TEXT`."""
    if value is None:
        return None
    text = " ".join("".join(c if c.isprintable() else " " for c in value).split())
    if len(text) <= MAX_TEXT:
        return text
    return text[: MAX_TEXT - len(ELLIPSIS)].rstrip() + ELLIPSIS
