"""Plans from shortages, on hand-computed cases: below the minimum, ordered up to the
maximum and rounded up to the multiple; reservations beyond stock make an emergency;
what is on order or already planned counts; a superseded number is ordered as its
successor; one draft per supplier and urgency; nothing is planned twice."""

from __future__ import annotations

from decimal import Decimal

import asyncpg

from tenants.parts import suppliers
from tenants.parts.shortages import plan_from_shortages, shortages
from tests.parts.factories_parts import PartsShop, add_part, book
from tests.parts.purchasing_steps import acting, draft

D = Decimal


async def reserve(db: asyncpg.Connection, shop: PartsShop, item: int, quantity: str) -> None:
    await db.execute(
        "insert into stock_reservation (dealer_id, stock_item_id, quantity) values ($1, $2, $3)",
        shop.dealer_id,
        item,
        D(quantity),
    )


async def plan(shop: PartsShop) -> list[int]:
    async with acting(shop, "planner") as tx:
        return [c.id for c in await plan_from_shortages(tx, shop.dealer_id)]


async def lines_of(db: asyncpg.Connection, order_id: int) -> dict[int, Decimal]:
    rows = await db.fetch(
        "select stock_item_id, quantity from purchase_order_line where purchase_order_id = $1",
        order_id,
    )
    return {r["stock_item_id"]: r["quantity"] for r in rows}


async def test_nothing_is_short_in_a_stocked_shop(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    async with acting(parts_shop, "planner") as tx:
        assert await shortages(tx.connection, parts_shop.dealer_id) == []
    assert await plan(parts_shop) == []


async def test_below_minimum_orders_up_to_maximum_rounded_to_the_multiple(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    # filter: min 5, max 20, multiple 5; 10 on hand, 7 issued -> 3 on hand.
    await book(db, shop.dealer_id, shop.items["filter"], "issue", "-7")
    async with acting(shop, "planner") as tx:
        [short] = await shortages(tx.connection, shop.dealer_id)
    assert short.stock_item_id == shop.items["filter"]
    assert (short.position, short.min_qty, short.max_qty) == (D(3), D(5), D(20))
    # 20 - 3 = 17, rounded up to a multiple of 5: 20.
    assert short.quantity == D(20)
    assert short.urgency == "regular"
    [order_id] = await plan(shop)
    row = await db.fetchrow("select * from purchase_order where id = $1", order_id)
    assert (row["status"], row["source"], row["urgency"], row["supplier_id"]) == (
        "draft",
        "shortage",
        "regular",
        None,
    )
    assert await lines_of(db, order_id) == {shop.items["filter"]: D(20)}
    # Planned now: a second run plans nothing.
    assert await plan(shop) == []


async def test_reservations_beyond_stock_are_an_emergency(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    # oil: min 20, max 80, multiple 12; 40 on hand, 45 reserved -> position -5.
    await reserve(db, shop, shop.items["oil"], "45")
    async with acting(shop, "planner") as tx:
        [short] = await shortages(tx.connection, shop.dealer_id)
    assert (short.on_hand, short.reserved, short.position) == (D(40), D(45), D(-5))
    # 80 - (-5) = 85 -> ceil(85 / 12) = 8 packs of 12 = 96.
    assert short.quantity == D(96)
    assert short.emergency


async def test_what_is_on_order_counts_and_a_closed_line_no_longer_does(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    await book(db, shop.dealer_id, shop.items["filter"], "issue", "-8")  # 2 on hand
    incoming = await draft(shop, {"filter": "5"})
    await db.execute("update purchase_order set status = 'approved' where id = $1", incoming)
    # 2 on hand + 5 on order = 7, not below the minimum of 5.
    async with acting(shop, "planner") as tx:
        assert await shortages(tx.connection, shop.dealer_id) == []
    await db.execute(
        "update purchase_order_line set closed = true where purchase_order_id = $1", incoming
    )
    async with acting(shop, "planner") as tx:
        [again] = await shortages(tx.connection, shop.dealer_id)
    # Closed short: 2 on hand only; 20 - 2 = 18 -> 20.
    assert (again.on_order, again.position, again.quantity) == (D(0), D(2), D(20))


async def test_a_superseded_number_is_ordered_as_its_successor(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    # Reservations of the old pad number (0 on hand) are served by the new pad (4 on hand):
    # together 4 - 6 = -2, below the new pad's minimum of 2.
    await reserve(db, shop, shop.items["old_pad"], "6")
    async with acting(shop, "planner") as tx:
        [short] = await shortages(tx.connection, shop.dealer_id)
    assert short.stock_item_id == shop.items["pad"]
    assert short.replaces == (shop.parts["old_pad"],)
    assert (short.on_hand, short.reserved, short.position) == (D(4), D(6), D(-2))
    # max 8 - (-2) = 10, a multiple of 2 already.
    assert short.quantity == D(10)
    assert short.emergency
    [order_id] = await plan(shop)
    assert await lines_of(db, order_id) == {shop.items["pad"]: D(10)}
    assert await db.fetchval("select urgency from purchase_order where id = $1", order_id) == (
        "emergency"
    )


async def test_a_successor_never_stocked_gets_a_stock_item(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    new = await add_part(db, shop.manufacturer_id, "Wiper blade (new)", "90")
    old = await add_part(db, shop.manufacturer_id, "Wiper blade", "80", superseded_by=new)
    old_item = await db.fetchval(
        "insert into stock_item (dealer_id, part_id) values ($1, $2) returning id",
        shop.dealer_id,
        old,
    )
    await reserve(db, shop, old_item, "3")
    [order_id] = await plan(shop)
    new_item = await db.fetchval(
        "select id from stock_item where dealer_id = $1 and part_id = $2", shop.dealer_id, new
    )
    assert new_item is not None
    assert await lines_of(db, order_id) == {new_item: D(3)}
    price = await db.fetchval(
        "select unit_price from purchase_order_line where purchase_order_id = $1", order_id
    )
    assert price == D(90), "a new item has no cost yet: the list price"


async def test_one_draft_per_supplier_and_urgency(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    async with acting(shop, "planner") as tx:
        local = await suppliers.create_supplier(
            tx, shop.dealer_id, suppliers.SupplierFields("Local Filters Ltd", lead_time_days=1)
        )
        await suppliers.set_preferred_supplier(
            tx, shop.dealer_id, [shop.items["filter"], shop.items["oil"]], local
        )
    await book(db, shop.dealer_id, shop.items["filter"], "issue", "-7")  # regular, local
    await reserve(db, shop, shop.items["oil"], "45")  # emergency, local
    await reserve(db, shop, shop.items["pad"], "5")  # emergency, parts centre
    created = await plan(shop)
    rows = await db.fetch(
        "select id, supplier_id, urgency from purchase_order where id = any($1::bigint[])"
        " order by id",
        created,
    )
    groups = {(r["supplier_id"], r["urgency"]): await lines_of(db, r["id"]) for r in rows}
    assert groups == {
        (None, "emergency"): {shop.items["pad"]: D(10)},  # 8 - (4 - 5) = 9 -> 10
        (local, "emergency"): {shop.items["oil"]: D(96)},
        (local, "regular"): {shop.items["filter"]: D(20)},
    }
    assert len(created) == 3
    # Deactivating the supplier sends its items back to the parts centre.
    async with acting(shop, "planner") as tx:
        await suppliers.set_active(tx, shop.dealer_id, local, False)
    assert await db.fetchval("select count(*) from stock_item where supplier_id = $1", local) == 0
