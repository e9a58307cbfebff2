"""Phone numbers as one canonical string, so a customer is found by any way of typing it:
Chinese mobiles as 11 digits (the +86 / 0086 prefix dropped), landlines as area code
and number digits, other countries with a leading '+'."""

from __future__ import annotations

import re

from tenants.service.errors import RuleViolation

_NOISE = re.compile(r"[\s\-().]+")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^0[1-9][0-9]{8,10}$")
_INTERNATIONAL = re.compile(r"^\+[1-9][0-9]{6,17}$")


def normalise_phone(raw: str) -> str:
    """Canonical digits; not validated (``validate_phone`` does that)."""
    phone = _NOISE.sub("", raw)
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    if phone.startswith("+86"):
        phone = phone[3:]
        if not phone.startswith(("1", "0")):
            phone = "0" + phone  # +86 21 1234 5678: the trunk 0 is dropped abroad
    elif phone.startswith("86") and len(phone) == 13 and _MOBILE.match(phone[2:]):
        phone = phone[2:]
    return phone


def validate_phone(raw: str, field: str = "phone") -> str:
    """The canonical number, or a ``RuleViolation`` (rule ``phone_format``)."""
    phone = normalise_phone(raw)
    if _MOBILE.match(phone) or _LANDLINE.match(phone) or _INTERNATIONAL.match(phone):
        return phone
    raise RuleViolation(
        field,
        "phone_format",
        f"{raw!r} is not a phone number: an 11-digit mobile, a landline with its area code,"
        " or +country code and number",
    )


def phone_digits(raw: str) -> str:
    """Digits of a search term, for matching any part of a stored number."""
    return re.sub(r"[^0-9]", "", normalise_phone(raw))
