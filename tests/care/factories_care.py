"""Arranges a customer-care desk for the care tests through the owner connection (past
RLS): a manufacturer, a region with its manager, a dealer (time zone chosen by the test,
Asia/Shanghai by default) with the care staff of the digest, a dealer of another region,
and helpers for customers, vehicles and delivered repair orders at a chosen moment."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime

import asyncpg

from tests.factories import (
    assign_region,
    make_dealer,
    make_manufacturer,
    make_membership,
    make_region,
    make_user,
)

_n = itertools.count(1)

STAFF: dict[str, list[str]] = {
    "gm": ["general_manager"],
    "manager": ["service_manager"],
    "front_desk": ["front_desk_supervisor"],
    "advisor": ["service_advisor"],
    "advisor2": ["service_advisor"],
    "cs": ["customer_service_specialist"],
    "cs2": ["customer_service_specialist"],
    "cr_manager": ["customer_relations_manager"],
    "info": ["information_officer"],
    "workshop": ["workshop_supervisor"],
    "parts": ["parts_manager"],
    "technician": ["technician"],
}


@dataclass
class CareDesk:
    manufacturer_id: int
    region_id: int
    dealer_id: int
    far_dealer_id: int
    time_zone: str
    users: dict[str, int] = field(default_factory=dict)
    usernames: dict[str, str] = field(default_factory=dict)
    customer_id: int = 0
    vehicle_id: int = 0
    far_customer_id: int = 0
    far_vehicle_id: int = 0


def make_vin(n: int) -> str:
    return f"LSVCC2BM{n:09d}"[:17]


async def make_care_desk(
    owner: asyncpg.Connection, *, time_zone: str = "Asia/Shanghai"
) -> CareDesk:
    manufacturer = await make_manufacturer(owner)
    region = await make_region(owner, manufacturer)
    other_region = await make_region(owner, manufacturer)
    dealer = await make_dealer(owner, region, time_zone)
    far = await make_dealer(owner, other_region)
    desk = CareDesk(manufacturer, region, dealer, far, time_zone)
    for post, roles in STAFF.items():
        name = f"c_{post}{next(_n)}"
        user = await make_user(owner, name)
        await make_membership(owner, dealer, user, roles)
        desk.users[post] = user
        desk.usernames[post] = name
    name = f"c_far_cs{next(_n)}"
    user = await make_user(owner, name)
    await make_membership(owner, far, user, ["customer_service_specialist"])
    desk.users["far_cs"], desk.usernames["far_cs"] = user, name
    name = f"c_regional{next(_n)}"
    user = await make_user(owner, name)
    await assign_region(owner, region, user, "regional_manager")
    desk.users["regional"], desk.usernames["regional"] = user, name

    desk.customer_id, desk.vehicle_id = await make_customer_vehicle(owner, desk)
    desk.far_customer_id, desk.far_vehicle_id = await make_customer_vehicle(
        owner, desk, dealer_id=far
    )
    return desk


async def make_customer_vehicle(
    owner: asyncpg.Connection,
    desk: CareDesk,
    *,
    dealer_id: int | None = None,
    name: str | None = None,
    phone: str | None = None,
    advisor: str | None = "advisor",
    lost: bool = False,
    sale_date: date | None = None,
    insurance_expires_on: date | None = None,
) -> tuple[int, int]:
    """A customer (owned one-to-one by ``advisor`` at the desk's dealer) and their car."""
    dealer = dealer_id or desk.dealer_id
    n = next(_n)
    customer: int = await owner.fetchval(
        "insert into customer (dealer_id, name, phone, advisor_user_id, lost)"
        " values ($1, $2, $3, $4, $5) returning id",
        dealer,
        name or f"Customer {n}",
        phone or f"+86 139 {n:04d} {n % 10000:04d}",
        desk.users[advisor] if advisor and dealer == desk.dealer_id else None,
        lost,
    )
    vehicle: int = await owner.fetchval(
        "insert into vehicle (dealer_id, customer_id, vin, plate, model, sale_date,"
        " insurance_expires_on) values ($1, $2, $3, $4, 'Magotan', $5, $6) returning id",
        dealer,
        customer,
        make_vin(n),
        f"沪C{n:05d}",
        sale_date,
        insurance_expires_on,
    )
    return customer, vehicle


async def deliver_order(
    owner: asyncpg.Connection,
    desk: CareDesk,
    delivered_at: datetime,
    *,
    customer_vehicle: tuple[int, int] | None = None,
    advisor: str = "advisor",
    dealer_id: int | None = None,
    next_service_date: date | None = None,
    next_service_km: int | None = None,
    mileage: int = 20000,
) -> int:
    """A repair order delivered at ``delivered_at`` (timezone-aware), with one labour line."""
    dealer = dealer_id or desk.dealer_id
    customer, vehicle = customer_vehicle or (
        (desk.customer_id, desk.vehicle_id)
        if dealer == desk.dealer_id
        else (desk.far_customer_id, desk.far_vehicle_id)
    )
    advisor_id = desk.users[advisor] if dealer == desk.dealer_id else desk.users["far_cs"]
    order: int = await owner.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " delivering_advisor_user_id, status, mileage_in, customer_description, opened_at,"
        " work_done_at, settled_at, delivered_at, next_service_date, next_service_km)"
        " values ($1, $2, $3, $4, $5, $5, 'delivered', $6, 'Regular service',"
        " $7::timestamptz - interval '6 hours', $7::timestamptz - interval '2 hours',"
        " $7::timestamptz - interval '30 minutes', $7::timestamptz,"
        " $8, $9) returning id",
        dealer,
        f"C-{next(_n):06d}",
        customer,
        vehicle,
        advisor_id,
        mileage,
        delivered_at,
        next_service_date,
        next_service_km,
    )
    await owner.execute(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, hours, unit_price,"
        " pay_type, status, description, job_status, done_at)"
        " values ($1, $2, 'labour', 1.0, 200, 'customer', 'approved', '5,000 km service',"
        " 'done', $3)",
        dealer,
        order,
        delivered_at,
    )
    return order
