"""Arranges a parts department for the parts tests through the owner connection (past
RLS): a dealer with staff in every parts post and the signers around it, a peer dealer
in the same region, a dealer of another region, parts with supersession and stock, and
a repair order with a customer line and a warranty line for one part."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
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
    "parts_manager": ["parts_manager"],
    "planner": ["parts_planner"],
    "keeper": ["warehouse_keeper"],
    "old_parts_keeper": ["old_parts_keeper"],
    "manager": ["service_manager"],
    "gm": ["general_manager"],
    "claims": ["warranty_claims_specialist"],
    "advisor": ["service_advisor"],
    "technician": ["technician"],
}
PEER_STAFF: dict[str, list[str]] = {
    "peer_parts_manager": ["parts_manager"],
    "peer_keeper": ["warehouse_keeper"],
    "peer_planner": ["parts_planner"],
}


@dataclass
class PartsShop:
    manufacturer_id: int
    region_id: int
    dealer_id: int
    peer_dealer_id: int
    """Same region: a transfer partner."""
    far_dealer_id: int
    """Another region: never a transfer partner, never visible."""
    users: dict[str, int] = field(default_factory=dict)
    usernames: dict[str, str] = field(default_factory=dict)
    parts: dict[str, int] = field(default_factory=dict)
    """Part id per key: filter, old_pad (superseded by pad), pad, oil."""
    items: dict[str, int] = field(default_factory=dict)
    """Stock item id per part key at the dealer."""
    peer_items: dict[str, int] = field(default_factory=dict)
    customer_id: int = 0
    vehicle_id: int = 0
    order_id: int = 0
    customer_line_id: int = 0
    warranty_line_id: int = 0


async def add_part(
    owner: asyncpg.Connection,
    manufacturer_id: int,
    name: str,
    price: str,
    *,
    superseded_by: int | None = None,
    pack_size: int = 1,
) -> int:
    return await owner.fetchval(
        "insert into part (manufacturer_id, part_number, name, name_zh, list_price,"
        " superseded_by, pack_size) values ($1, $2, $3, $3 || '件', $4, $5, $6) returning id",
        manufacturer_id,
        f"P{next(_n):06d}",
        name,
        Decimal(price),
        superseded_by,
        pack_size,
    )


async def add_stock_item(
    owner: asyncpg.Connection,
    dealer_id: int,
    part_id: int,
    *,
    bin_location: str = "",
    min_qty: str = "0",
    max_qty: str = "0",
    multiple: str = "1",
    lead_time_days: int = 7,
    unit_cost: str = "0",
) -> int:
    return await owner.fetchval(
        "insert into stock_item (dealer_id, part_id, bin_location, min_qty, max_qty,"
        " reorder_multiple, lead_time_days, unit_cost)"
        " values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        dealer_id,
        part_id,
        bin_location,
        Decimal(min_qty),
        Decimal(max_qty),
        Decimal(multiple),
        lead_time_days,
        Decimal(unit_cost),
    )


async def book(
    owner: asyncpg.Connection,
    dealer_id: int,
    stock_item_id: int,
    kind: str,
    quantity: str,
    *,
    unit_cost: str = "0",
    at: str | None = None,
) -> int:
    """A movement straight into the ledger (signed quantity; the trigger keeps the
    balance and the lots), optionally back-dated for history."""
    return await owner.fetchval(
        "insert into stock_movement (dealer_id, stock_item_id, kind, quantity, unit_cost,"
        " reason, created_at) values ($1, $2, $3, $4, $5, 'test', coalesce($6::text::timestamptz,"
        " now())) returning id",
        dealer_id,
        stock_item_id,
        kind,
        Decimal(quantity),
        Decimal(unit_cost),
        at,
    )


async def make_parts_shop(owner: asyncpg.Connection) -> PartsShop:
    manufacturer = await make_manufacturer(owner)
    region = await make_region(owner, manufacturer)
    other_region = await make_region(owner, manufacturer)
    dealer = await make_dealer(owner, region)
    peer = await make_dealer(owner, region)
    far = await make_dealer(owner, other_region)
    shop = PartsShop(manufacturer, region, dealer, peer, far)
    for staff, at in ((STAFF, dealer), (PEER_STAFF, peer)):
        for post, roles in staff.items():
            name = f"{post}{next(_n)}"
            user = await make_user(owner, name)
            await make_membership(owner, at, user, roles)
            shop.users[post] = user
            shop.usernames[post] = name
    name = f"far_parts_manager{next(_n)}"
    user = await make_user(owner, name)
    await make_membership(owner, far, user, ["parts_manager"])
    shop.users["far_parts_manager"] = user
    shop.usernames["far_parts_manager"] = name
    name = f"regional{next(_n)}"
    user = await make_user(owner, name)
    await assign_region(owner, region, user, "regional_manager")
    shop.users["regional"] = user
    shop.usernames["regional"] = name

    shop.parts["filter"] = await add_part(owner, manufacturer, "Oil filter", "85")
    shop.parts["pad"] = await add_part(owner, manufacturer, "Brake pad set", "420", pack_size=2)
    shop.parts["old_pad"] = await add_part(
        owner, manufacturer, "Brake pad set (old)", "400", superseded_by=shop.parts["pad"]
    )
    shop.parts["oil"] = await add_part(owner, manufacturer, "Engine oil 1L", "60")
    for key, (bin_location, lo, hi, multiple, cost) in {
        "filter": ("A-01-1-01", "5", "20", "5", "50"),
        "pad": ("A-02-3-04", "2", "8", "2", "250"),
        "old_pad": ("A-02-3-05", "0", "0", "1", "240"),
        "oil": ("B-01-1-01", "20", "80", "12", "35"),
    }.items():
        shop.items[key] = await add_stock_item(
            owner,
            dealer,
            shop.parts[key],
            bin_location=bin_location,
            min_qty=lo,
            max_qty=hi,
            multiple=multiple,
            unit_cost=cost,
        )
    await book(owner, dealer, shop.items["filter"], "receipt", "10", unit_cost="50")
    await book(owner, dealer, shop.items["pad"], "receipt", "4", unit_cost="250")
    await book(owner, dealer, shop.items["oil"], "receipt", "40", unit_cost="35")
    for n, key in enumerate(("filter", "pad"), start=1):
        # A bin holds one part (库号-架号-层号-位号 maps one-to-one to part numbers).
        shop.peer_items[key] = await add_stock_item(
            owner, peer, shop.parts[key], bin_location=f"C-01-1-0{n}", min_qty="2", max_qty="6"
        )
    await book(owner, peer, shop.peer_items["pad"], "receipt", "12", unit_cost="245")

    shop.customer_id = await owner.fetchval(
        "insert into customer (dealer_id, name, phone) values ($1, 'Zhang Wei', $2) returning id",
        dealer,
        f"+86 138 {next(_n):04d} 0000",
    )
    shop.vehicle_id = await owner.fetchval(
        "insert into vehicle (dealer_id, customer_id, vin, plate, model)"
        " values ($1, $2, $3, $4, 'Passat') returning id",
        dealer,
        shop.customer_id,
        f"LSVPA2BM{next(_n):09d}"[:17],
        f"沪B{next(_n):05d}",
    )
    shop.order_id = await owner.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " status, created_by) values ($1, $2, $3, $4, $5, 'in_progress', $5) returning id",
        dealer,
        f"T-P{next(_n):06d}",
        shop.customer_id,
        shop.vehicle_id,
        shop.users["advisor"],
    )
    for attr, key, pay_type in (
        ("customer_line_id", "filter", "customer"),
        ("warranty_line_id", "pad", "warranty"),
    ):
        line = await owner.fetchval(
            "insert into repair_order_line (dealer_id, repair_order_id, kind, part_id, quantity,"
            " unit_price, pay_type, status, description)"
            " values ($1, $2, 'part', $3, 1, 100, $4, 'approved', $5) returning id",
            dealer,
            shop.order_id,
            shop.parts[key],
            pay_type,
            key,
        )
        setattr(shop, attr, line)
    return shop
