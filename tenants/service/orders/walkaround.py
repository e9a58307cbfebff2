"""The walk-around with the customer (环车检查): the digest's checklist, damage marks on the
body (clockwise from the left door), fuel level in eighths, odometer and valuables,
shown to the customer and signed. Once signed it is the customer's record and is not
changed; before work starts it may be recorded again."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction

from .errors import OrderNotFound, OrderRuleError

CHECK_ITEMS = (
    "hood",
    "plate_vin",
    "fluids",
    "body",
    "spare_wheel",
    "fuel_level",
    "odometer",
    "interior",
    "electrics",
    "valuables",
)
"""The digest's walk-around, in the order it is walked."""

ZONES = (
    "leftFrontDoor",
    "leftRearDoor",
    "leftRearQuarter",
    "wheelRearLeft",
    "rearBumper",
    "trunk",
    "rearWindow",
    "rightRearQuarter",
    "wheelRearRight",
    "rightRearDoor",
    "rightFrontDoor",
    "rightFrontWing",
    "wheelFrontRight",
    "frontBumper",
    "hood",
    "windscreen",
    "leftFrontWing",
    "wheelFrontLeft",
    "roof",
)
"""Body panels clockwise from the left door, as the frontend's car diagram names them."""

DAMAGE_KINDS = ("scratch", "dent", "crack", "chip", "missing")
OPEN_FOR_WALKAROUND = ("open", "awaiting_approval", "approved")
MAX_SIGNATURE = 200_000
_SVG_PATH = re.compile(r"^[MmLlHhVvCcSsQqTtAaZz0-9eE.,\s+-]+$")
_DATA_URL = re.compile(r"^data:image/(svg\+xml|png);base64,[A-Za-z0-9+/=]+$")


@dataclass(frozen=True)
class CheckItem:
    item: str
    ok: bool
    note: str = ""


@dataclass(frozen=True)
class DamageMark:
    zone: str
    kind: str
    note: str = ""
    x: float | None = None
    y: float | None = None


def validate_signature(signature: str, field: str = "signature") -> str:
    """SVG path data or an SVG/PNG data URL from the browser's signature pad."""
    value = (signature or "").strip()
    if not value:
        raise OrderRuleError("signature_required", "a signature is required", field=field)
    if len(value) > MAX_SIGNATURE:
        raise OrderRuleError("signature_too_large", "the signature is too large", field=field)
    if not (_DATA_URL.match(value) or (value[0] in "Mm" and _SVG_PATH.match(value))):
        raise OrderRuleError(
            "signature_format", "a signature is SVG path data or an image data URL", field=field
        )
    return value


def _checklist(items: list[CheckItem]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        if item.item not in CHECK_ITEMS:
            raise OrderRuleError(
                "walkaround_item", f"unknown checklist item {item.item!r}", field="checklist"
            )
        if item.item in out:
            raise OrderRuleError(
                "walkaround_item", f"{item.item} is listed twice", field="checklist"
            )
        out[item.item] = {"ok": item.ok, "note": item.note.strip()}
    return out


def _marks(marks: list[DamageMark]) -> list[dict[str, Any]]:
    out = []
    for mark in marks:
        if mark.zone not in ZONES:
            raise OrderRuleError("damage_zone", f"unknown zone {mark.zone!r}", field="damageMarks")
        if mark.kind not in DAMAGE_KINDS:
            raise OrderRuleError(
                "damage_kind", f"damage is one of {', '.join(DAMAGE_KINDS)}", field="damageMarks"
            )
        for coordinate in (mark.x, mark.y):
            if coordinate is not None and not 0 <= coordinate <= 1:
                raise OrderRuleError(
                    "damage_position", "positions are between 0 and 1", field="damageMarks"
                )
        entry: dict[str, Any] = {"zone": mark.zone, "kind": mark.kind, "note": mark.note.strip()}
        if mark.x is not None and mark.y is not None:
            entry |= {"x": mark.x, "y": mark.y}
        out.append(entry)
    return out


async def _order(connection: asyncpg.Connection, order_id: int) -> asyncpg.Record:
    order = await connection.fetchrow(
        "select id, dealer_id, status from repair_order where id = $1 for update", order_id
    )
    if order is None:
        raise OrderNotFound()
    if order["status"] not in OPEN_FOR_WALKAROUND:
        raise OrderRuleError(
            "walkaround_before_work", "the walk-around is recorded before work starts"
        )
    return order


async def record_walkaround(
    tx: ActiveTransaction,
    order_id: int,
    *,
    checklist: list[CheckItem],
    damage_marks: list[DamageMark],
    valuables: str,
    fuel_level: int,
    odometer_km: int,
    request_id: str = "",
) -> asyncpg.Record:
    connection = tx.connection
    order = await _order(connection, order_id)
    if not 0 <= fuel_level <= 8:
        raise OrderRuleError("fuel_eighths", "fuel level is 0 to 8 eighths", field="fuelLevel")
    if odometer_km < 0:
        raise OrderRuleError("odometer_range", "odometer cannot be negative", field="odometerKm")
    signed = await connection.fetchval(
        "select customer_signature is not null from walkaround where repair_order_id = $1",
        order_id,
    )
    if signed:
        raise OrderRuleError(
            "walkaround_signed", "the customer signed the walk-around; it is not changed"
        )
    row = await connection.fetchrow(
        """
        insert into walkaround (dealer_id, repair_order_id, checklist, damage_marks, valuables,
                                fuel_level, odometer_km, recorded_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8)
        on conflict (dealer_id, repair_order_id) do update set
          checklist = excluded.checklist, damage_marks = excluded.damage_marks,
          valuables = excluded.valuables, fuel_level = excluded.fuel_level,
          odometer_km = excluded.odometer_km, recorded_by = excluded.recorded_by,
          recorded_at = now(), shown_to_customer_at = null
        returning *
        """,
        order["dealer_id"],
        order_id,
        _checklist(checklist),
        _marks(damage_marks),
        valuables.strip(),
        fuel_level,
        odometer_km,
        tx.scope.user_id,
    )
    assert row is not None
    await record(
        dealer_id=order["dealer_id"],
        action="walkaround.record",
        object_type="repair_order",
        object_id=order_id,
        after={
            "checklist": row["checklist"],
            "damage_marks": row["damage_marks"],
            "valuables": row["valuables"],
            "fuel_level": fuel_level,
            "odometer_km": odometer_km,
        },
        request_id=request_id,
    )
    return row


async def sign_walkaround(
    tx: ActiveTransaction, order_id: int, signature: str, request_id: str = ""
) -> asyncpg.Record:
    """The customer saw the complete walk-around and signed it."""
    connection = tx.connection
    order = await _order(connection, order_id)
    current = await connection.fetchrow(
        "select * from walkaround where repair_order_id = $1 for update", order_id
    )
    if current is None:
        raise OrderRuleError("walkaround_missing", "record the walk-around first")
    if current["customer_signature"] is not None:
        raise OrderRuleError("walkaround_signed", "the customer already signed the walk-around")
    missing = [item for item in CHECK_ITEMS if item not in current["checklist"]]
    if missing:
        raise OrderRuleError(
            "walkaround_incomplete",
            f"the walk-around misses {', '.join(missing)}",
            field="checklist",
        )
    row = await connection.fetchrow(
        "update walkaround set customer_signature = $2, shown_to_customer_at = now()"
        " where id = $1 returning *",
        current["id"],
        validate_signature(signature),
    )
    assert row is not None
    await record(
        dealer_id=order["dealer_id"],
        action="walkaround.sign",
        object_type="repair_order",
        object_id=order_id,
        after={"shown_to_customer_at": row["shown_to_customer_at"]},
        request_id=request_id,
    )
    return row
