"""Steps of the reorder tests: a run computed for a chosen day, the suggestions it
made, and the documents that count in an inventory position (orders, reservations)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from tenants.database import TenantScope, tenant_transaction
from tenants.parts.forecast import load_parameters
from tenants.parts.reorder import compute_suggestions
from tests.parts.factories_parts import PartsShop, book


def local(day: date, hour: int = 10) -> str:
    """A time on a local day of the test dealers (Asia/Shanghai)."""
    return datetime(day.year, day.month, day.day, hour).isoformat() + "+08:00"


def days_before(as_of: date, n: int) -> date:
    return as_of - timedelta(days=n)


async def movement(
    db: asyncpg.Connection, shop: PartsShop, item: int, kind: str, qty: str, day: date
) -> None:
    """A back-dated movement of the dealer (signed: issues negative)."""
    await book(db, shop.dealer_id, item, kind, qty, at=local(day))


async def run_on(db: asyncpg.Connection, dealer_id: int, as_of: date) -> dict[int, asyncpg.Record]:
    """Compute a run for ``as_of`` as the worker does; the suggestions by stock item."""
    run_id = await db.fetchval(
        "insert into reorder_run (dealer_id, trigger, status, as_of, started_at)"
        " values ($1, 'on_demand', 'running', $2, now()) returning id",
        dealer_id,
        as_of,
    )
    async with tenant_transaction(TenantScope.of((dealer_id,)), fresh=True) as tx:
        params = await load_parameters(tx.connection, dealer_id)
        await compute_suggestions(tx, dealer_id, run_id, params)
    await db.execute("update reorder_run set status = 'done' where id = $1", run_id)
    rows = await db.fetch("select * from reorder_suggestion where run_id = $1", run_id)
    return {r["stock_item_id"]: r for r in rows}


def why(row: asyncpg.Record, *path: str) -> Any:
    """A number from the suggestion's explanation, as a Decimal when it is one."""
    value: Any = row["explanation"]
    if isinstance(value, str):
        value = json.loads(value, parse_float=Decimal)
    for key in path:
        value = value[key]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


async def order(
    db: asyncpg.Connection, shop: PartsShop, item: int, qty: str, *, status: str = "approved"
) -> int:
    """A purchase order of one line in ``status`` (approved ones are on order)."""
    po = await db.fetchval(
        "insert into purchase_order (dealer_id, number, status) values ($1, $2, $3) returning id",
        shop.dealer_id,
        f"PO-{item}-{status}-{qty}",
        status,
    )
    await db.execute(
        "insert into purchase_order_line (dealer_id, purchase_order_id, stock_item_id, quantity)"
        " values ($1, $2, $3, $4)",
        shop.dealer_id,
        po,
        item,
        Decimal(qty),
    )
    return int(po)


async def reserve(
    db: asyncpg.Connection, shop: PartsShop, item: int, qty: str, *, appointment: bool
) -> None:
    """An active reservation, for an appointment or for the repair order's line."""
    appointment_id = None
    if appointment:
        appointment_id = await db.fetchval(
            "insert into appointment (dealer_id, customer_id, vehicle_id, starts_at, work_date)"
            " values ($1, $2, $3, now() + interval '1 day', current_date + 1) returning id",
            shop.dealer_id,
            shop.customer_id,
            shop.vehicle_id,
        )
    await db.execute(
        "insert into stock_reservation (dealer_id, stock_item_id, quantity, appointment_id,"
        " repair_order_line_id) values ($1, $2, $3, $4, $5)",
        shop.dealer_id,
        item,
        Decimal(qty),
        appointment_id,
        None if appointment else shop.customer_line_id,
    )
