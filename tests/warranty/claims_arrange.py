"""Arranging cases for the eligibility, warning and claim tests through the owner
connection: dates and mileage of the desk's order, more lines and operations, the
claims specialist's judgement, issued parts, and the service calls in a tenant scope."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import asyncpg

from tenants.database import TenantScope, tenant_transaction
from tenants.warranty.eligibility import Eligibility, line_eligibility
from tests.warranty.factories_warranty import WarrantyDesk

_n = itertools.count(1)


async def set_order(
    db: asyncpg.Connection,
    desk: WarrantyDesk,
    *,
    sale_date: date | None,
    opened_on: date,
    mileage: int | None,
    order_id: int | None = None,
) -> None:
    """The vehicle's sale date and the order's opening day (dealer time) and mileage."""
    await db.execute("update vehicle set sale_date = $2 where id = $1", desk.vehicle_id, sale_date)
    await db.execute(
        "update repair_order o set mileage_in = $3,"
        " opened_at = ($2::date + time '10:00') at time zone d.time_zone"
        " from dealer d where d.id = o.dealer_id and o.id = $1",
        order_id or desk.order_id,
        opened_on,
        mileage,
    )


async def add_operation(
    db: asyncpg.Connection,
    desk: WarrantyDesk,
    *,
    kind: str = "repair",
    hours: str = "1.0",
    parts: tuple[int, ...] = (),
    name: str = "Operation",
) -> int:
    operation: int = await db.fetchval(
        "insert into labour_operation (manufacturer_id, code, name, kind, standard_hours)"
        " values ($1, $2, $3, $4, $5) returning id",
        desk.manufacturer_id,
        f"OP{next(_n)}",
        name,
        kind,
        Decimal(hours),
    )
    for part in parts:
        await db.execute(
            "insert into operation_part (operation_id, part_id, quantity) values ($1, $2, 1)",
            operation,
            part,
        )
    return operation


async def add_part(db: asyncpg.Connection, desk: WarrantyDesk, group: str) -> int:
    part: int = await db.fetchval(
        "insert into part (manufacturer_id, part_number, name, list_price, part_group)"
        " values ($1, $2, $3, 100, $4) returning id",
        desk.manufacturer_id,
        f"P{next(_n):06d}",
        f"Part of {group or 'no group'}",
        group,
    )
    return part


async def add_line(
    db: asyncpg.Connection,
    desk: WarrantyDesk,
    *,
    kind: str,
    operation_id: int | None = None,
    part_id: int | None = None,
    hours: str | None = None,
    pay_type: str = "warranty",
    status: str = "approved",
    order_id: int | None = None,
    quantity: str = "1",
) -> int:
    line: int = await db.fetchval(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, operation_id, part_id,"
        " hours, quantity, unit_price, pay_type, status, description)"
        " values ($1, $2, $3, $4, $5, $6, $7, 100, $8, $9, 'line') returning id",
        desk.dealer_id,
        order_id or desk.order_id,
        kind,
        operation_id,
        part_id,
        Decimal(hours) if hours is not None else (Decimal(1) if kind == "labour" else None),
        Decimal(quantity),
        pay_type,
        status,
    )
    return line


async def assess(
    db: asyncpg.Connection,
    desk: WarrantyDesk,
    line_id: int,
    cause: str,
    causal_part_id: int | None = None,
) -> None:
    await db.execute(
        "insert into warranty_line_assessment (dealer_id, repair_order_line_id, cause,"
        " causal_part_id) values ($1, $2, $3, $4)",
        desk.dealer_id,
        line_id,
        cause,
        causal_part_id,
    )


async def new_order(
    db: asyncpg.Connection,
    desk: WarrantyDesk,
    *,
    opened_on: date,
    delivered_on: date | None = None,
    status: str = "delivered",
) -> int:
    order: int = await db.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " status, mileage_in, opened_at, delivered_at)"
        " select $1, $2, $3, $4, $5, $6, 20000,"
        " ($7::date + time '09:00') at time zone d.time_zone,"
        " ($8::date + time '17:00') at time zone d.time_zone"
        " from dealer d where d.id = $1 returning id",
        desk.dealer_id,
        f"WO-{next(_n):06d}",
        desk.customer_id,
        desk.vehicle_id,
        desk.users["advisor"],
        status,
        opened_on,
        delivered_on,
    )
    return order


async def issue_part(db: asyncpg.Connection, desk: WarrantyDesk, line_id: int, qty: str) -> None:
    """A parts request issued against the order line (as the parts desk leaves it)."""
    await db.execute(
        "insert into parts_request (dealer_id, number, repair_order_id, repair_order_line_id,"
        " stock_item_id, quantity, status, warranty, available_at_request, issued_at)"
        " select dealer_id, $3, repair_order_id, id, $4, $5, 'issued', true, true, now()"
        " from repair_order_line where dealer_id = $1 and id = $2",
        desk.dealer_id,
        line_id,
        f"PR-{next(_n):06d}",
        desk.stock_item_id,
        Decimal(qty),
    )


async def eligibility_of(desk: WarrantyDesk, *line_ids: int) -> dict[int, Eligibility]:
    async with tenant_transaction(TenantScope.of([desk.dealer_id], desk.users["claims"])) as tx:
        return await line_eligibility(tx.connection, desk.dealer_id, list(line_ids))


async def dealer_today(db: asyncpg.Connection, desk: WarrantyDesk) -> date:
    today: date = await db.fetchval(
        "select (now() at time zone time_zone)::date from dealer where id = $1", desk.dealer_id
    )
    return today
