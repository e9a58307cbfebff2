"""Arranges the regional dashboard's facts by hand: ``dealer_kpi_month`` rows written
through the owner connection (what the KPI worker would write), so the dashboard's
arithmetic is checked against figures computed here, independently of the refresh."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal

import asyncpg

_n = itertools.count(1)

Row = tuple[int, date, str, str | None, str | None, str | None]
"""dealer, month, kpi, value, numerator, denominator."""

JUL, AUG, SEP = date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)


async def put_facts(db: asyncpg.Connection, rows: list[Row]) -> None:
    await db.executemany(
        "insert into dealer_kpi_month (dealer_id, month, kpi, value, numerator, denominator)"
        " values ($1, $2, $3, $4, $5, $6)",
        [
            (d, m, k, *(Decimal(x) if x is not None else None for x in (v, n, q)))
            for d, m, k, v, n, q in rows
        ],
    )


async def region_history(db: asyncpg.Connection, dealers: list[int], other: int) -> None:
    """The hand-computed month of the tests (see test_dashboard_api for the figures)."""
    d0, d1, d2 = dealers
    await put_facts(
        db,
        [
            # revisit_success: higher is better, catalog target 0.8
            (d0, SEP, "revisit_success", "0.9", "9", "10"),
            (d1, SEP, "revisit_success", "0.75", "3", "4"),
            (d2, SEP, "revisit_success", "0.5", "1", "2"),
            (d0, AUG, "revisit_success", "0.8", "4", "5"),
            (d1, AUG, "revisit_success", "0.6", "3", "5"),
            (other, SEP, "revisit_success", "0.1", "1", "10"),
            # major_complaint_rate: lower is better, target 0.01
            (d0, SEP, "major_complaint_rate", "0.02", "2", "100"),
            (d1, SEP, "major_complaint_rate", "0.005", "1", "200"),
            (d2, SEP, "major_complaint_rate", "0.01", "1", "100"),
            # claims_submitted: a count where neither direction is better
            (d0, SEP, "claims_submitted", "5", None, None),
            (d1, SEP, "claims_submitted", "3", None, None),
            (d2, SEP, "claims_submitted", "8", None, None),
            (other, SEP, "claims_submitted", "500", None, None),
            # claims_per_100_orders: a ratio scaled by 100
            (d0, SEP, "claims_per_100_orders", "10", "5", "50"),
            (d1, SEP, "claims_per_100_orders", "3", "3", "100"),
            # labour_hours_sold: a tie for the first place
            (d0, SEP, "labour_hours_sold", "100", None, None),
            (d1, SEP, "labour_hours_sold", "100", None, None),
            (d2, SEP, "labour_hours_sold", "50", None, None),
            # claims_rejected: lower is better; the manufacturer's own target (see below)
            (d0, SEP, "claims_rejected", "1", None, None),
            (d1, SEP, "claims_rejected", "3", None, None),
        ],
    )


async def own_target(
    db: asyncpg.Connection, manufacturer: int, kpi: str, target: str, direction: str
) -> None:
    await db.execute(
        "insert into kpi_target (manufacturer_id, kpi, target, direction) values ($1, $2, $3, $4)",
        manufacturer,
        kpi,
        Decimal(target),
        direction,
    )


async def rejected_claim(
    db: asyncpg.Connection, dealer: int, user: int, decided_at: datetime, status: str
) -> int:
    """A claim decided at ``decided_at`` with ``status``, on its own customer, vehicle and
    order: a record the drill-down lists."""
    n = next(_n)
    customer = await db.fetchval(
        "insert into customer (dealer_id, name, phone) values ($1, 'Zhao Lei', $2) returning id",
        dealer,
        f"139{n:08d}",
    )
    vehicle = await db.fetchval(
        "insert into vehicle (dealer_id, customer_id, vin) values ($1, $2, $3) returning id",
        dealer,
        customer,
        f"LSVDASH{n:010d}",
    )
    order = await db.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, status,"
        " mileage_in, advisor_user_id, created_by) values ($1, $2, $3, $4, 'in_progress',"
        " 12000, $5, $5) returning id",
        dealer,
        f"DB-{n:06d}",
        customer,
        vehicle,
        user,
    )
    claim: int = await db.fetchval(
        "insert into warranty_claim (dealer_id, number, repair_order_id, vehicle_id, vin,"
        " mileage, claim_type, status, fault_date, requested_amount, decision_reason,"
        " created_by, submitted_at, decided_at) values ($1, $2, $3, $4, $5, 12000,"
        " 'standard', $6, $7::timestamptz::date, 800, 'not covered', $8, $7, $7)"
        " returning id",
        dealer,
        f"WC-DB-{n:05d}",
        order,
        vehicle,
        f"LSVDASH{n:010d}",
        status,
        decided_at,
        user,
    )
    return claim
