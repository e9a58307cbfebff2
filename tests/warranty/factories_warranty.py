"""Arranges a warranty desk for the warranty tests through the owner connection (past
RLS): a manufacturer with its warranty policy (inbox connector), part-group terms and a
recall; a dealer with claims staff, a dealer of another region; the manufacturer's
warranty technician and the region's manager; a vehicle sold a year ago and a repair
order in work with warranty labour and part lines and a customer line."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

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
    "claims": ["warranty_claims_specialist"],
    "manager": ["service_manager"],
    "advisor": ["service_advisor"],
    "technician": ["technician"],
    "keeper": ["warehouse_keeper"],
    "old_parts_keeper": ["old_parts_keeper"],
    "cashier": ["cashier"],
}


@dataclass
class WarrantyDesk:
    manufacturer_id: int
    region_id: int
    dealer_id: int
    far_dealer_id: int
    users: dict[str, int] = field(default_factory=dict)
    usernames: dict[str, str] = field(default_factory=dict)
    operation_id: int = 0
    part_id: int = 0
    """Group 'engine' (the policy's base terms apply)."""
    battery_part_id: int = 0
    """Group 'battery': 24 months / 50,000 km, must be returned."""
    stock_item_id: int = 0
    campaign_id: int = 0
    customer_id: int = 0
    vehicle_id: int = 0
    vin: str = ""
    sale_date: date = field(default_factory=date.today)
    order_id: int = 0
    labour_line_id: int = 0
    part_line_id: int = 0
    customer_line_id: int = 0
    far_vehicle_id: int = 0


def make_vin(n: int) -> str:
    return f"LFVWA2BM{n:09d}"[:17]


async def make_warranty_desk(
    owner: asyncpg.Connection, *, connector: str = "inbox"
) -> WarrantyDesk:
    manufacturer = await make_manufacturer(owner)
    region = await make_region(owner, manufacturer)
    other_region = await make_region(owner, manufacturer)
    dealer = await make_dealer(owner, region)
    far = await make_dealer(owner, other_region)
    desk = WarrantyDesk(manufacturer, region, dealer, far)
    await owner.execute(
        "insert into warranty_policy (manufacturer_id, base_months, base_km, labour_rate,"
        " connector, endpoint_url, signing_secret) values ($1, 36, 100000, 180, $2, $3, $4)",
        manufacturer,
        connector,
        "http://127.0.0.1:1/claims" if connector == "http" else "",
        "test-signing-secret" if connector == "http" else "",
    )
    await owner.execute(
        "insert into warranty_part_group_term (manufacturer_id, part_group, months, km,"
        " must_return) values ($1, 'battery', 24, 50000, true), ($1, 'wear', 6, 10000, false)",
        manufacturer,
    )
    for post, roles in STAFF.items():
        name = f"w_{post}{next(_n)}"
        user = await make_user(owner, name)
        await make_membership(owner, dealer, user, roles)
        desk.users[post] = user
        desk.usernames[post] = name
    name = f"w_far_claims{next(_n)}"
    user = await make_user(owner, name)
    await make_membership(owner, far, user, ["warranty_claims_specialist"])
    desk.users["far_claims"], desk.usernames["far_claims"] = user, name
    name = f"w_reviewer{next(_n)}"
    user = await make_user(owner, name)
    await owner.execute(
        "insert into manufacturer_assignment (manufacturer_id, user_id, role)"
        " values ($1, $2, 'manufacturer_warranty_technician')",
        manufacturer,
        user,
    )
    desk.users["reviewer"], desk.usernames["reviewer"] = user, name
    name = f"w_regional{next(_n)}"
    user = await make_user(owner, name)
    await assign_region(owner, region, user, "regional_manager")
    desk.users["regional"], desk.usernames["regional"] = user, name

    desk.operation_id = await owner.fetchval(
        "insert into labour_operation (manufacturer_id, code, name, name_zh, kind, standard_hours)"
        " values ($1, $2, 'Replace water pump', '更换水泵', 'repair', 1.5) returning id",
        manufacturer,
        f"WP{next(_n)}",
    )
    desk.part_id = await owner.fetchval(
        "insert into part (manufacturer_id, part_number, name, name_zh, list_price, part_group)"
        " values ($1, $2, 'Water pump', '水泵', 680, 'engine') returning id",
        manufacturer,
        f"06H121026{next(_n)}",
    )
    desk.battery_part_id = await owner.fetchval(
        "insert into part (manufacturer_id, part_number, name, name_zh, list_price, part_group)"
        " values ($1, $2, 'Battery 70Ah', '蓄电池', 900, 'battery') returning id",
        manufacturer,
        f"000915105{next(_n)}",
    )
    desk.stock_item_id = await owner.fetchval(
        "insert into stock_item (dealer_id, part_id, unit_cost) values ($1, $2, 500) returning id",
        dealer,
        desk.part_id,
    )
    await owner.execute(
        "insert into stock_movement (dealer_id, stock_item_id, kind, quantity, unit_cost)"
        " values ($1, $2, 'receipt', 5, 500)",
        dealer,
        desk.stock_item_id,
    )
    desk.campaign_id = await owner.fetchval(
        "insert into campaign (manufacturer_id, code, kind, title, title_zh, operation_id,"
        " starts_on) values ($1, $2, 'recall', 'Water pump recall', '水泵召回', $3,"
        " current_date - 30) returning id",
        manufacturer,
        f"RC{next(_n)}",
        desk.operation_id,
    )

    desk.sale_date = date.today() - timedelta(days=365)
    desk.vin = make_vin(next(_n))
    desk.customer_id = await owner.fetchval(
        "insert into customer (dealer_id, name, phone) values ($1, 'Liu Yang', $2) returning id",
        dealer,
        f"+86 137 {next(_n):04d} 0000",
    )
    desk.vehicle_id = await owner.fetchval(
        "insert into vehicle (dealer_id, customer_id, vin, plate, model, sale_date)"
        " values ($1, $2, $3, $4, 'Magotan', $5) returning id",
        dealer,
        desk.customer_id,
        desk.vin,
        f"沪C{next(_n):05d}",
        desk.sale_date,
    )
    desk.order_id = await owner.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " status, mileage_in, customer_description, created_by)"
        " values ($1, $2, $3, $4, $5, 'in_progress', 23000, 'Coolant leak at the front', $5)"
        " returning id",
        dealer,
        f"W-{next(_n):06d}",
        desk.customer_id,
        desk.vehicle_id,
        desk.users["advisor"],
    )
    desk.labour_line_id = await owner.fetchval(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, operation_id, hours,"
        " unit_price, pay_type, status, description)"
        " values ($1, $2, 'labour', $3, 1.5, 180, 'warranty', 'approved', 'Replace water pump')"
        " returning id",
        dealer,
        desk.order_id,
        desk.operation_id,
    )
    desk.part_line_id = await owner.fetchval(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, part_id, quantity,"
        " unit_price, pay_type, status, description)"
        " values ($1, $2, 'part', $3, 1, 680, 'warranty', 'approved', 'Water pump') returning id",
        dealer,
        desk.order_id,
        desk.part_id,
    )
    desk.customer_line_id = await owner.fetchval(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, hours, unit_price,"
        " pay_type, status, description)"
        " values ($1, $2, 'labour', 0.5, 200, 'customer', 'approved', 'Wash') returning id",
        dealer,
        desk.order_id,
    )
    await owner.execute(
        "insert into campaign_vehicle (campaign_id, vin) values ($1, $2)",
        desk.campaign_id,
        desk.vin,
    )
    far_customer = await owner.fetchval(
        "insert into customer (dealer_id, name, phone) values ($1, 'Chen Jie', '+86 136 0000 0001')"
        " returning id",
        far,
    )
    desk.far_vehicle_id = await owner.fetchval(
        "insert into vehicle (dealer_id, customer_id, vin, plate, model, sale_date)"
        " values ($1, $2, $3, '粤A00001', 'Magotan', $4) returning id",
        far,
        far_customer,
        make_vin(next(_n)),
        desk.sale_date,
    )
    return desk


def money(value: str) -> Decimal:
    return Decimal(value)
