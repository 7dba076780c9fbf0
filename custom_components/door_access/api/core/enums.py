"""Enums that never fail on a value the docs do not list: it maps to UNRECOGNIZED."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Self, override


class LenientIntEnum(IntEnum):
    """An IntEnum whose unknown values map to its UNRECOGNIZED member (-1 by convention)."""

    @classmethod
    @override
    def _missing_(cls, value: object) -> Self:
        return cls["UNRECOGNIZED"]


class LenientStrEnum(StrEnum):
    """A StrEnum that matches values case-insensitively; unknown ones map to UNRECOGNIZED."""

    @classmethod
    @override
    def _missing_(cls, value: object) -> Self:
        if isinstance(value, str):
            folded = value.casefold()
            for member in cls:
                if member.value.casefold() == folded:
                    return member
        return cls["UNRECOGNIZED"]
