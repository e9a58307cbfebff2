"""Arranges a front desk through the owner connection (past RLS): a manufacturer whose VINs
carry the check digit, two dealers of one region and one in Los Angeles (for time-zone
days), staff, a small operation and parts catalog with stock, and a customer with a car."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import asyncpg

from tenants.service.vin import with_check_digit
from tests.factories import make_dealer, make_manufacturer, make_membership, make_region, make_user

_n = itertools.count(1)

STAFF: dict[str, list[str]] = {
    "advisor": ["service_advisor"],
    "advisor2": ["service_advisor"],
    "cs": ["customer_service_specialist"],
    "reception": ["reception_assistant"],
    "technician": ["technician"],
    "leader": ["team_leader"],
    "warehouse": ["warehouse_keeper"],
    "workshop": ["workshop_supervisor"],
}


def make_vin(n: int, prefix: str = "LHXAB2C") -> str:
    """A valid VIN (check digit set) numbered ``n``."""
    return with_check_digit(f"{prefix}0XR{n:07d}"[:17])


@dataclass
class FrontDesk:
    manufacturer_id: int
    dealer_id: int
    other_dealer_id: int
    la_dealer_id: int
    users: dict[str, int] = field(default_factory=dict)
    usernames: dict[str, str] = field(default_factory=dict)
    customer_id: int = 0
    vehicle_id: int = 0
    other_customer_id: int = 0
    operations: dict[str, int] = field(default_factory=dict)
    parts: dict[str, int] = field(default_factory=dict)
    stock_items: dict[str, int] = field(default_factory=dict)


async def make_customer_with_vehicle(
    owner: asyncpg.Connection,
    dealer_id: int,
    name: str = "王磊",
    phone: str | None = None,
    plate: str | None = None,
) -> tuple[int, int]:
    n = next(_n)
    customer = await owner.fetchval(
        "insert into customer (dealer_id, name, phone) values ($1, $2, $3) returning id",
        dealer_id,
        name,
        phone or f"139{n:08d}",
    )
    vehicle = await owner.fetchval(
        "insert into vehicle (dealer_id, customer_id, vin, plate, model)"
        " values ($1, $2, $3, $4, 'HX Aurora') returning id",
        dealer_id,
        customer,
        make_vin(5000 + n),
        plate if plate is not None else f"沪A{n:05d}",
    )
    return customer, vehicle


async def add_shift(
    owner: asyncpg.Connection, dealer_id: int, user_id: int, day: date, hours: str
) -> None:
    await owner.execute(
        "insert into technician_shift (dealer_id, user_id, work_date, hours)"
        " values ($1, $2, $3, $4)",
        dealer_id,
        user_id,
        day,
        Decimal(hours),
    )


async def receive(owner: asyncpg.Connection, dealer_id: int, stock_item: int, qty: str) -> None:
    await owner.execute(
        "insert into stock_movement (dealer_id, stock_item_id, kind, quantity)"
        " values ($1, $2, 'receipt', $3)",
        dealer_id,
        stock_item,
        Decimal(qty),
    )


async def make_front_desk(owner: asyncpg.Connection) -> FrontDesk:
    manufacturer = await make_manufacturer(owner)
    await owner.execute(
        "update manufacturer set vin_check_digit = true where id = $1", manufacturer
    )
    region = await make_region(owner, manufacturer)
    dealer = await make_dealer(owner, region)
    other = await make_dealer(owner, region)
    la = await make_dealer(owner, region, time_zone="America/Los_Angeles")
    desk = FrontDesk(manufacturer, dealer, other, la)
    for post, roles in STAFF.items():
        name = f"{post}{next(_n)}"
        user = await make_user(owner, name)
        await make_membership(owner, dealer, user, roles)
        desk.users[post] = user
        desk.usernames[post] = name
    for post, at in (("other_advisor", other), ("la_advisor", la), ("la_technician", la)):
        name = f"{post}{next(_n)}"
        user = await make_user(owner, name)
        role = "technician" if post.endswith("technician") else "service_advisor"
        await make_membership(owner, at, user, [role])
        desk.users[post] = user
        desk.usernames[post] = name
    desk.customer_id, desk.vehicle_id = await make_customer_with_vehicle(
        owner, dealer, "王磊", "13912345678", "沪A12345"
    )
    desk.other_customer_id, _ = await make_customer_with_vehicle(owner, other, "李娜")
    for key, name, price in (
        ("filter", "Oil filter", "85"),
        ("oil", "Engine oil 5W-30 1L", "68"),
        ("pads", "Front brake pads", "420"),
    ):
        desk.parts[key] = await owner.fetchval(
            "insert into part (manufacturer_id, part_number, name, list_price)"
            " values ($1, $2, $3, $4) returning id",
            manufacturer,
            f"HX-{key.upper()}-{next(_n)}",
            name,
            Decimal(price),
        )
    for key, code, kind, hours, parts in (
        ("oil", "M10", "maintenance", "1.0", {"filter": "1", "oil": "4"}),
        ("brakes", "BRK", "repair", "1.5", {"pads": "1"}),
        ("diagnosis", "DIAG", "diagnosis", "1.0", {}),
    ):
        desk.operations[key] = await owner.fetchval(
            "insert into labour_operation (manufacturer_id, code, name, kind, standard_hours)"
            " values ($1, $2, $3, $4, $5) returning id",
            manufacturer,
            f"{code}{next(_n)}",
            f"{key} operation",
            kind,
            Decimal(hours),
        )
        for part, qty in parts.items():
            await owner.execute(
                "insert into operation_part (operation_id, part_id, quantity) values ($1, $2, $3)",
                desk.operations[key],
                desk.parts[part],
                Decimal(qty),
            )
    for key, qty in (("filter", "2"), ("oil", "10"), ("pads", "0")):
        desk.stock_items[key] = await owner.fetchval(
            "insert into stock_item (dealer_id, part_id, bin_location) values ($1, $2, $3)"
            " returning id",
            dealer,
            desk.parts[key],
            f"W1-A-0{len(desk.stock_items) + 1}-01",
        )
        if qty != "0":
            await receive(owner, dealer, desk.stock_items[key], qty)
    return desk
