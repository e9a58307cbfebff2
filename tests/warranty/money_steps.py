"""Steps of the old-parts and settlement tests: claims arranged through the owner
connection (the claims helpers' own screens are not needed to test the money and the
parts), with their history at chosen times, and service calls as a desk member."""

from __future__ import annotations

import itertools
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import asyncpg

from tenants.database import ActiveTransaction, TenantScope, tenant_transaction
from tests.warranty.factories_warranty import WarrantyDesk

_n = itertools.count(1)


@dataclass(frozen=True)
class Claim:
    id: int
    number: str
    labour_line_id: int
    part_line_id: int
    """The claim's part line (water pump, from the order's warranty part line)."""


async def make_claim(
    db: asyncpg.Connection,
    desk: WarrantyDesk,
    *,
    status: str = "approved",
    requested: str = "950.00",
    approved: str | None = "950.00",
    submitted_at: datetime | None = None,
    decided_at: datetime | None = None,
    dealer_id: int | None = None,
    with_order_line: bool = True,
) -> Claim:
    """A claim of the desk's order: 1.5 h labour (270) and a water pump (680), with
    its submission and decision events when its status says it had them."""
    dealer = dealer_id or desk.dealer_id
    number = f"WC-{next(_n):06d}"
    claim_id: int = await db.fetchval(
        "insert into warranty_claim (dealer_id, number, repair_order_id, vehicle_id, vin,"
        " mileage, claim_type, fault_date, status, requested_amount, approved_amount,"
        " submission_count, submitted_at, decided_at)"
        " values ($1, $2, $3, $4, $5, 23000, 'standard', current_date, $6, $7, $8, $9,"
        " $10, $11) returning id",
        dealer,
        number,
        desk.order_id,
        desk.vehicle_id,
        desk.vin,
        status,
        Decimal(requested),
        Decimal(approved) if approved is not None and status != "draft" else None,
        0 if status == "draft" else 1,
        submitted_at,
        decided_at,
    )
    labour = await db.fetchval(
        "insert into warranty_claim_line (dealer_id, claim_id, repair_order_line_id, kind,"
        " operation_id, hours, standard_hours, unit_price, amount, description)"
        " values ($1, $2, $3, 'labour', $4, 1.5, 1.5, 180, 270, 'Replace water pump')"
        " returning id",
        dealer,
        claim_id,
        desk.labour_line_id if with_order_line else None,
        desk.operation_id,
    )
    part = await db.fetchval(
        "insert into warranty_claim_line (dealer_id, claim_id, repair_order_line_id, kind,"
        " part_id, quantity, unit_price, amount, approved_amount, description)"
        " values ($1, $2, $3, 'part', $4, 1, 680, 680, $5, 'Water pump') returning id",
        dealer,
        claim_id,
        desk.part_line_id if with_order_line else None,
        desk.part_id,
        Decimal("680.00") if status in ("approved", "partially_approved", "paid") else None,
    )
    events: list[tuple[str | None, str, datetime | None]] = []
    if status != "draft":
        events.append(("draft", "submitted", submitted_at))
    if status in ("approved", "partially_approved", "paid", "rejected"):
        events.append(("submitted", "approved" if status == "paid" else status, decided_at))
    for from_status, to_status, at in events:
        await db.execute(
            "insert into warranty_claim_event (dealer_id, claim_id, from_status, to_status, at)"
            " values ($1, $2, $3, $4, coalesce($5, now()))",
            dealer,
            claim_id,
            from_status,
            to_status,
            at,
        )
    return Claim(claim_id, number, labour, part)


def scope_of(desk: WarrantyDesk, post: str, dealer_id: int | None = None) -> TenantScope:
    return TenantScope.of([dealer_id or desk.dealer_id], desk.users[post])


def as_member(
    desk: WarrantyDesk, post: str = "claims"
) -> AbstractAsyncContextManager[ActiveTransaction]:
    """A transaction as a member of the desk's dealer (the service layer's caller)."""
    return tenant_transaction(scope_of(desk, post))


async def statuses(db: asyncpg.Connection, part_ids: list[int]) -> list[str]:
    rows = await db.fetch(
        "select status from old_part where id = any($1::bigint[]) order by id", part_ids
    )
    return [r["status"] for r in rows]


async def movements(db: asyncpg.Connection, part_id: int) -> list[tuple[str | None, str]]:
    rows = await db.fetch(
        "select from_status, to_status from old_part_movement where old_part_id = $1 order by id",
        part_id,
    )
    return [(r["from_status"], r["to_status"]) for r in rows]
