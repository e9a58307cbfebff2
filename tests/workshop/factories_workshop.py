"""Arranges the workshop for the board, dispatch and clock tests past RLS: orders with
labour and part lines, shifts, clocks; the people come from the repair-order factory
plus a workshop supervisor (the one post that may reassign jobs)."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import asyncpg

from tests.factories import make_membership, make_user
from tests.service_orders.factories_orders import Workshop, make_workshop

_n = itertools.count(1)


@dataclass
class Order:
    id: int
    labour: list[int] = field(default_factory=list)
    parts: list[int] = field(default_factory=list)


async def make_shop(owner: asyncpg.Connection) -> Workshop:
    # Redis pub/sub is server-wide (not per database): dealer ids far from those of
    # other test runs on the same Redis keep their board events apart.
    await owner.execute("select setval('dealer_id_seq', $1)", random.randrange(10**6, 10**9, 1000))
    shop = await make_workshop(owner)
    name = f"wsup{next(_n)}"
    user = await make_user(owner, name)
    await make_membership(owner, shop.dealer_id, user, ["workshop_supervisor"])
    shop.users["wsup"] = user
    shop.usernames["wsup"] = name
    return shop


async def dealer_today(owner: asyncpg.Connection, dealer_id: int) -> date:
    day: date = await owner.fetchval(
        "select (now() at time zone time_zone)::date from dealer where id = $1", dealer_id
    )
    return day


async def put_on_shift(
    owner: asyncpg.Connection,
    dealer_id: int,
    user_id: int,
    *,
    hours: Decimal = Decimal(8),
    team: str = "",
    day: date | None = None,
) -> None:
    await owner.execute(
        "insert into technician_shift (dealer_id, user_id, work_date, hours, team)"
        " values ($1, $2, $3, $4, $5)",
        dealer_id,
        user_id,
        day or await dealer_today(owner, dealer_id),
        hours,
        team,
    )


async def make_operation(owner: asyncpg.Connection, shop: Workshop, hours: str = "1.5") -> int:
    return await owner.fetchval(
        "insert into labour_operation (manufacturer_id, code, name, kind, standard_hours)"
        " values ($1, $2, 'Brake pads', 'repair', $3) returning id",
        shop.manufacturer_id,
        f"OP{next(_n)}",
        Decimal(hours),
    )


async def make_bay(owner: asyncpg.Connection, dealer_id: int, code: str = "B1") -> int:
    return await owner.fetchval(
        "insert into bay (dealer_id, code, name) values ($1, $2, $3) returning id",
        dealer_id,
        code,
        f"Bay {code}",
    )


async def make_board_order(
    owner: asyncpg.Connection,
    shop: Workshop,
    status: str = "approved",
    *,
    dealer_id: int | None = None,
    customer_id: int | None = None,
    vehicle_id: int | None = None,
    labour_hours: list[str] | None = None,
    operation_id: int | None = None,
    line_status: str = "approved",
    parts: list[Decimal] | None = None,
    promised_at: datetime | None = None,
    bay_id: int | None = None,
    appointment_id: int | None = None,
    opened_at: datetime | None = None,
    advisor: str = "advisor",
) -> Order:
    """An order straight in ``status`` with labour lines of the given hours (approved)
    and part lines of the given quantities of the shop's part."""
    dealer = dealer_id or shop.dealer_id
    other = dealer == shop.other_dealer_id
    order_id = await owner.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " status, promised_at, bay_id, appointment_id, opened_at, created_by)"
        " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10, now()), $5) returning id",
        dealer,
        f"W-{next(_n):06d}",
        customer_id or (shop.other_customer_id if other else shop.customer_id),
        vehicle_id or (shop.other_vehicle_id if other else shop.vehicle_id),
        shop.users["other_advisor" if other else advisor],
        status,
        promised_at,
        bay_id,
        appointment_id,
        opened_at,
    )
    order = Order(order_id)
    for hours in labour_hours if labour_hours is not None else ["1.5"]:
        order.labour.append(
            await owner.fetchval(
                "insert into repair_order_line (dealer_id, repair_order_id, kind, operation_id,"
                " hours, unit_price, status, description)"
                " values ($1, $2, 'labour', $3, $4, 200, $5, 'Labour') returning id",
                dealer,
                order_id,
                operation_id,
                Decimal(hours),
                line_status,
            )
        )
    for quantity in parts or []:
        order.parts.append(
            await owner.fetchval(
                "insert into repair_order_line (dealer_id, repair_order_id, kind, part_id,"
                " quantity, unit_price, status, description)"
                " values ($1, $2, 'part', $3, $4, 85, 'approved', 'Oil filter') returning id",
                dealer,
                order_id,
                shop.part_id,
                quantity,
            )
        )
    return order


async def reserve(
    owner: asyncpg.Connection, shop: Workshop, line_id: int, quantity: Decimal
) -> int:
    return await owner.fetchval(
        "insert into stock_reservation (dealer_id, stock_item_id, quantity, repair_order_line_id)"
        " values ($1, $2, $3, $4) returning id",
        shop.dealer_id,
        shop.stock_item_id,
        quantity,
        line_id,
    )
