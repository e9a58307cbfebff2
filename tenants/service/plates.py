"""Chinese licence plates (GA 36): a province character, the issuing office's letter,
then five characters (ordinary plates) or six (new-energy plates, 新能源, with D or F
for battery-electric or hybrid). Stored without the separator dot so that
沪A·12345, 沪a 12345 and 沪A12345 are one plate."""

from __future__ import annotations

import re

from tenants.service.errors import RuleViolation

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_SEPARATORS = re.compile(r"[\s·•．.\-_]+")
_ORDINARY = re.compile(rf"^[{PROVINCES}][A-HJ-NP-Z][A-HJ-NP-Z0-9]{{4}}[A-HJ-NP-Z0-9挂学警港澳]$")
_NEW_ENERGY = re.compile(
    rf"^[{PROVINCES}][A-HJ-NP-Z](?:[DF][A-HJ-NP-Z0-9][0-9]{{4}}|[0-9]{{5}}[DF])$"
)


def normalise_plate(raw: str) -> str:
    """Upper case without separators; '' stays '' (a new car has no plate yet)."""
    return _SEPARATORS.sub("", raw).upper()


def is_new_energy(plate: str) -> bool:
    return bool(_NEW_ENERGY.match(normalise_plate(plate)))


def validate_plate(raw: str, field: str = "plate") -> str:
    """The normalised plate, or a ``RuleViolation`` (rule ``plate_format``)."""
    plate = normalise_plate(raw)
    if plate == "" or _ORDINARY.match(plate) or _NEW_ENERGY.match(plate):
        return plate
    raise RuleViolation(
        field,
        "plate_format",
        f"{raw!r} is not a Chinese plate: a province (e.g. 沪), a letter and 5 characters,"
        " or 6 for new-energy plates (e.g. 粤B·D12345)",
    )


def display_plate(plate: str) -> str:
    """As painted: 沪A·12345."""
    return f"{plate[:2]}·{plate[2:]}" if len(plate) > 2 else plate
