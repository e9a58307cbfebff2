"""Odometer readings: never decreasing, unless recorded as an explicit correction with a
reason. Checked here for a clear answer and by the database trigger for certainty."""

from __future__ import annotations

from typing import Literal

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.service.errors import RuleViolation
from tenants.service.vehicles import get_vehicle

MileageSource = Literal["appointment", "reception", "delivery", "correction", "import"]
SOURCES: tuple[str, ...] = ("appointment", "reception", "delivery", "correction", "import")
MAX_KM = 3_000_000
RULE = "mileage_never_decreases"


async def last_reading(
    connection: asyncpg.Connection, dealer_id: int, vehicle_id: int
) -> int | None:
    km: int | None = await connection.fetchval(
        "select km from mileage_reading where dealer_id = $1 and vehicle_id = $2"
        " order by id desc limit 1",
        dealer_id,
        vehicle_id,
    )
    return km


async def record_mileage(
    tx: ActiveTransaction,
    dealer_id: int,
    vehicle_id: int,
    km: int,
    source: str,
    repair_order_id: int | None = None,
    *,
    correction_reason: str | None = None,
    request_id: str = "",
) -> asyncpg.Record:
    """Append a reading. A lower reading than the last is refused (rule
    ``mileage_never_decreases``) unless ``source='correction'`` with a reason."""
    if source not in SOURCES:
        raise RuleViolation("source", "mileage_source", f"source is one of {SOURCES}")
    if not 0 <= km < MAX_KM:
        raise RuleViolation("km", "mileage_range", f"km must be between 0 and {MAX_KM}")
    reason = (correction_reason or "").strip()
    if source == "correction" and not reason:
        raise RuleViolation(
            "correctionReason", "correction_needs_reason", "A correction needs a reason"
        )
    # Serialises readings of one vehicle, so two desks cannot both pass the check.
    await get_vehicle(tx.connection, dealer_id, vehicle_id, lock=True)
    last = await last_reading(tx.connection, dealer_id, vehicle_id)
    if source != "correction" and last is not None and km < last:
        raise _decrease(km, last)
    try:
        row = await tx.connection.fetchrow(
            """
            insert into mileage_reading (dealer_id, vehicle_id, km, source, correction_reason,
                                         repair_order_id, recorded_by)
            values ($1, $2, $3, $4, $5, $6, $7) returning *
            """,
            dealer_id,
            vehicle_id,
            km,
            source,
            reason or None,
            repair_order_id,
            tx.scope.user_id,
        )
    except asyncpg.CheckViolationError as exc:
        if exc.constraint_name == RULE:
            raise _decrease(km, last or 0) from exc
        raise
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="mileage.correct" if source == "correction" else "mileage.record",
        object_type="vehicle",
        object_id=vehicle_id,
        before={"km": last},
        after={"km": km, "source": source, "reason": reason or None},
        request_id=request_id,
    )
    return row


def _decrease(km: int, last: int) -> RuleViolation:
    return RuleViolation(
        "km",
        RULE,
        f"{km} km is below the last reading of {last} km; record a correction with a reason"
        " if the odometer really reads less",
        lastKm=last,
    )
