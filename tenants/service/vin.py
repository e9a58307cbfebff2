"""Vehicle identification numbers (ISO 3779): 17 characters without I, O or Q, and the
check digit at position 9 where the manufacturer uses it (North America, and China's
GB 16735, which uses the same algorithm). Whether a manufacturer does is the
``manufacturer.vin_check_digit`` flag."""

from __future__ import annotations

import re

from tenants.service.errors import RuleViolation

VIN_LENGTH = 17
CHECK_POSITION = 8
"""Zero-based index of the check digit (position 9)."""

_TRANSLITERATION: dict[str, int] = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_SEPARATORS = re.compile(r"[\s\-]+")


def normalise_vin(raw: str) -> str:
    """Upper case without spaces or dashes, as printed on documents and typed at the desk."""
    return _SEPARATORS.sub("", raw).upper()


def check_digit(vin: str) -> str:
    """The expected character at position 9 of a 17-character VIN ('0'-'9' or 'X')."""
    total = sum(_TRANSLITERATION[c] * w for c, w in zip(vin, _WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def validate_vin(raw: str, *, uses_check_digit: bool, field: str = "vin") -> str:
    """The normalised VIN, or a ``RuleViolation`` naming what is wrong with it."""
    vin = normalise_vin(raw)
    if len(vin) != VIN_LENGTH:
        raise RuleViolation(
            field, "vin_length", f"A VIN has {VIN_LENGTH} characters; {vin!r} has {len(vin)}"
        )
    forbidden = sorted({c for c in vin if c in "IOQ"})
    if forbidden:
        raise RuleViolation(
            field,
            "vin_characters",
            f"A VIN never contains I, O or Q (found {', '.join(forbidden)})",
        )
    unknown = sorted({c for c in vin if c not in _TRANSLITERATION})
    if unknown:
        raise RuleViolation(
            field, "vin_characters", f"A VIN has only letters and digits (found {unknown})"
        )
    if uses_check_digit:
        expected = check_digit(vin)
        if vin[CHECK_POSITION] != expected:
            raise RuleViolation(
                field,
                "vin_check_digit",
                f"Check digit (position 9) is {vin[CHECK_POSITION]!r}, expected {expected!r}:"
                " a character is probably mistyped",
            )
    return vin


def with_check_digit(vin: str) -> str:
    """``vin`` with its position 9 set to the right check digit (demo data and tests)."""
    vin = normalise_vin(vin)
    return vin[:CHECK_POSITION] + check_digit(vin) + vin[CHECK_POSITION + 1 :]
