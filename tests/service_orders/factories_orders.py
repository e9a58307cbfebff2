"""Arranges a workshop for the repair-order tests through the owner connection (past RLS):
two dealers, staff in every post the process needs, a customer with a vehicle, a labour
operation and a part in stock."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import asyncpg

from tests.factories import make_dealer, make_manufacturer, make_membership, make_region, make_user

_n = itertools.count(1)

STAFF: dict[str, list[str]] = {
    "advisor": ["service_advisor"],
    "advisor2": ["service_advisor"],
    "supervisor": ["front_desk_supervisor"],
    "manager": ["service_manager"],
    "gm": ["general_manager"],
    "technician": ["technician"],
    "technician2": ["technician"],
    "leader": ["team_leader"],
    "inspector": ["quality_inspector"],
    "techdir": ["technical_director"],
    "cashier": ["cashier"],
}


@dataclass
class Workshop:
    manufacturer_id: int
    dealer_id: int
    other_dealer_id: int
    users: dict[str, int] = field(default_factory=dict)
    usernames: dict[str, str] = field(default_factory=dict)
    customer_id: int = 0
    vehicle_id: int = 0
    other_customer_id: int = 0
    other_vehicle_id: int = 0
    operation_id: int = 0
    part_id: int = 0
    stock_item_id: int = 0


def vin(n: int) -> str:
    return f"LSVAB2BM{n:09d}"[:17]


async def make_customer(
    owner: asyncpg.Connection, dealer_id: int, name: str = "Wang Lei"
) -> tuple[int, int]:
    n = next(_n)
    customer = await owner.fetchval(
        "insert into customer (dealer_id, name, phone) values ($1, $2, $3) returning id",
        dealer_id,
        name,
        f"+86 139 {n:04d} 0000",
    )
    vehicle = await owner.fetchval(
        "insert into vehicle (dealer_id, customer_id, vin, plate, model)"
        " values ($1, $2, $3, $4, 'Passat') returning id",
        dealer_id,
        customer,
        vin(1000 + n),
        f"沪A{n:05d}",
    )
    return customer, vehicle


async def make_workshop(owner: asyncpg.Connection) -> Workshop:
    manufacturer = await make_manufacturer(owner)
    region = await make_region(owner, manufacturer)
    dealer = await make_dealer(owner, region)
    other = await make_dealer(owner, region)
    shop = Workshop(manufacturer, dealer, other)
    for post, roles in STAFF.items():
        name = f"{post}{next(_n)}"
        user = await make_user(owner, name)
        await make_membership(owner, dealer, user, roles)
        shop.users[post] = user
        shop.usernames[post] = name
    name = f"advisor_other{next(_n)}"
    user = await make_user(owner, name)
    await make_membership(owner, other, user, ["service_advisor"])
    shop.users["other_advisor"] = user
    shop.usernames["other_advisor"] = name
    await owner.execute(
        "insert into service_settings (dealer_id, labour_rate, approval_link_hours)"
        " values ($1, 200, 48), ($2, 150, 48)",
        dealer,
        other,
    )
    shop.customer_id, shop.vehicle_id = await make_customer(owner, dealer)
    shop.other_customer_id, shop.other_vehicle_id = await make_customer(owner, other, "Li Na")
    shop.operation_id = await owner.fetchval(
        "insert into labour_operation (manufacturer_id, code, name, kind, standard_hours)"
        " values ($1, $2, 'Oil service', 'maintenance', 1.5) returning id",
        manufacturer,
        f"OIL{next(_n)}",
    )
    shop.part_id = await owner.fetchval(
        "insert into part (manufacturer_id, part_number, name, list_price)"
        " values ($1, $2, 'Oil filter', 85) returning id",
        manufacturer,
        f"06L115562{next(_n)}",
    )
    shop.stock_item_id = await owner.fetchval(
        "insert into stock_item (dealer_id, part_id) values ($1, $2) returning id",
        dealer,
        shop.part_id,
    )
    await owner.execute(
        "insert into stock_movement (dealer_id, stock_item_id, kind, quantity)"
        " values ($1, $2, 'receipt', 20)",
        dealer,
        shop.stock_item_id,
    )
    return shop


async def make_order(
    owner: asyncpg.Connection,
    shop: Workshop,
    status: str = "open",
    *,
    lines: list[tuple[str, Decimal, str]] | None = None,
) -> int:
    """An order straight in ``status`` with (kind, amount, pay_type) lines, past the API."""
    order = await owner.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " status, created_by) values ($1, $2, $3, $4, $5, $6, $5) returning id",
        shop.dealer_id,
        f"T-{next(_n):06d}",
        shop.customer_id,
        shop.vehicle_id,
        shop.users["advisor"],
        status,
    )
    for kind, amount, pay_type in lines or []:
        await owner.execute(
            "insert into repair_order_line (dealer_id, repair_order_id, kind, part_id, hours,"
            " unit_price, pay_type, status, description)"
            " values ($1, $2, $3, $4, $5, $6, $7, 'approved', $3)",
            shop.dealer_id,
            order,
            kind,
            shop.part_id if kind == "part" else None,
            Decimal(1) if kind == "labour" else None,
            amount,
            pay_type,
        )
    return order
