"""Arranges a dealer's month for the monthly-report tests through the owner connection:
delivered orders with lines of each kind and pay type, warranty claims submitted,
approved and rejected in the month, and a headcount plan, with figures small enough
to compute by hand."""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal

import asyncpg

_n = itertools.count(1)


async def customer_vehicle(owner: asyncpg.Connection, dealer_id: int) -> tuple[int, int]:
    n = next(_n)
    customer: int = await owner.fetchval(
        "insert into customer (dealer_id, name, phone) values ($1, $2, $3) returning id",
        dealer_id,
        f"MR Customer {n}",
        f"+86 138 {n:04d} 0000",
    )
    vehicle: int = await owner.fetchval(
        "insert into vehicle (dealer_id, customer_id, vin, plate, model)"
        " values ($1, $2, $3, $4, 'Magotan') returning id",
        dealer_id,
        customer,
        f"LMR{n:014d}",
        f"沪M{n:05d}",
    )
    return customer, vehicle


async def _part(owner: asyncpg.Connection, dealer_id: int) -> int:
    """A part of the dealer's manufacturer."""
    part: int = await owner.fetchval(
        "insert into part (manufacturer_id, part_number, name, list_price)"
        " select r.manufacturer_id, $2, 'Brake pad', 100 from dealer d"
        " join region r on r.id = d.region_id where d.id = $1 returning id",
        dealer_id,
        f"MRP{next(_n):06d}",
    )
    return part


Line = tuple[str, str, str, str, str | None]
"""kind, pay_type, quantity, unit_price, hours."""


async def delivered_order(
    owner: asyncpg.Connection,
    dealer_id: int,
    advisor_id: int,
    delivered_at: datetime,
    lines: list[Line],
    *,
    status: str = "delivered",
) -> tuple[int, int]:
    """An order delivered at ``delivered_at`` with approved ``lines``; (order, vehicle)."""
    customer, vehicle = await customer_vehicle(owner, dealer_id)
    order: int = await owner.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " delivering_advisor_user_id, status, mileage_in, customer_description, opened_at,"
        " work_done_at, settled_at, delivered_at)"
        " values ($1, $2, $3, $4, $5, $5, $6, 12000, 'Service',"
        " $7::timestamptz - interval '6 hours', $7::timestamptz - interval '2 hours',"
        " $7::timestamptz - interval '30 minutes',"
        " case when $6 = 'delivered' then $7::timestamptz end) returning id",
        dealer_id,
        f"MR-{next(_n):06d}",
        customer,
        vehicle,
        advisor_id,
        status,
        delivered_at,
    )
    for kind, pay_type, quantity, price, hours in lines:
        await owner.execute(
            "insert into repair_order_line (dealer_id, repair_order_id, kind, quantity,"
            " unit_price, hours, pay_type, status, description, job_status, done_at, part_id)"
            " values ($1, $2, $3, $4, $5, $6, $7, 'approved', $3, 'done', $8,"
            " case when $3 = 'part' then $9::bigint end)",
            dealer_id,
            order,
            kind,
            Decimal(quantity),
            Decimal(price),
            Decimal(hours) if hours is not None else None,
            pay_type,
            delivered_at,
            await _part(owner, dealer_id) if kind == "part" else None,
        )
    return order, vehicle


async def claim(
    owner: asyncpg.Connection,
    dealer_id: int,
    order_vehicle: tuple[int, int],
    requested: str,
    events: list[tuple[str, datetime]],
    *,
    approved: str | None = None,
) -> int:
    """A claim whose status is the last event's, with its status events."""
    order, vehicle = order_vehicle
    claim_id: int = await owner.fetchval(
        "insert into warranty_claim (dealer_id, number, repair_order_id, vehicle_id, vin,"
        " mileage, claim_type, status, fault_date, requested_amount, approved_amount)"
        " select $1, $2, $3, $4, v.vin, 12000, 'standard', $5, $6::timestamptz::date, $7, $8"
        " from vehicle v where v.id = $4 returning id",
        dealer_id,
        f"MRC-{next(_n):06d}",
        order,
        vehicle,
        events[-1][0],
        events[0][1],
        Decimal(requested),
        Decimal(approved) if approved is not None else None,
    )
    previous: str | None = "draft"
    for status, at in events:
        await owner.execute(
            "insert into warranty_claim_event (dealer_id, claim_id, from_status, to_status, at)"
            " values ($1, $2, $3, $4, $5)",
            dealer_id,
            claim_id,
            previous,
            status,
            at,
        )
        previous = status
    return claim_id


async def headcount(owner: asyncpg.Connection, dealer_id: int, plan: dict[str, int]) -> None:
    await owner.executemany(
        "insert into headcount (dealer_id, role, planned) values ($1, $2, $3)"
        " on conflict (dealer_id, role) do update set planned = excluded.planned",
        [(dealer_id, role, planned) for role, planned in plan.items()],
    )


async def report_row(owner: asyncpg.Connection, dealer_id: int, month: object) -> asyncpg.Record:
    row = await owner.fetchrow(
        "select * from dealer_monthly_report where dealer_id = $1 and month = $2",
        dealer_id,
        month,
    )
    assert row is not None
    return row
