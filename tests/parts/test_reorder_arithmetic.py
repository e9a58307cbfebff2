"""The suggestion arithmetic on hand-computed cases.

The shop's dealer (Asia/Shanghai) runs for 15 June 2026 with the default settings:
service level 95% (z = 1.6449), review period 7 days, 730 days of history, a 90-day
window for the mean and spread of daily demand. Each case states its numbers; the
suggestion must be exactly what the hand computation gives (levels rounded to cents,
rates to 4 places, as the screen shows them).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import asyncpg

from tests.parts.factories_parts import PartsShop, add_part, add_stock_item
from tests.parts.reorder_steps import days_before, movement, order, reserve, run_on, why

AS_OF = date(2026, 6, 15)
D = Decimal


async def filter_demand(db: asyncpg.Connection, shop: PartsShop) -> int:
    """Oil filter (min 5, max 20, multiple 5, lead 7): 14 received 100 days ago, 9 issued
    30 and 10 days ago, so 6 on hand; 18 in 90 days is 0.2 a day with a spread of
    sqrt(162/90 - 0.2^2) = sqrt(1.76) = 1.3266."""
    item = shop.items["filter"]
    await movement(db, shop, item, "receipt", "14", days_before(AS_OF, 100))
    await movement(db, shop, item, "issue", "-9", days_before(AS_OF, 30))
    await movement(db, shop, item, "issue", "-9", days_before(AS_OF, 10))
    return item


async def test_reorder_point_order_up_to_and_multiple(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    item = await filter_demand(db, parts_shop)
    made = await run_on(db, parts_shop.dealer_id, AS_OF)
    # Pad (4 on hand, min 2) and oil (40, min 20) have no demand and enough stock; the
    # old pad is a replaced number and never gets a suggestion.
    assert set(made) == {item}
    s = made[item]
    assert (s["demand_per_day"], s["demand_sd_per_day"], s["seasonal_factor"]) == (
        D("0.2000"),
        D("1.3266"),
        D(1),
    )
    # lead-time demand 0.2 x 7 = 1.40; safety 1.6449 x 1.3266 x sqrt(7) = 5.77;
    # reorder point 7.17; order-up-to max(20, 7.17 + 0.2 x 7) = 20.
    assert (s["lead_time_days"], s["lead_time_demand"], s["safety_stock"]) == (
        7,
        D("1.40"),
        D("5.77"),
    )
    assert (s["reorder_point"], s["order_up_to"]) == (D("7.17"), D("20.00"))
    # position 6 <= max(7.17, 5): 20 - 6 = 14, up to the multiple of 5: 15.
    assert (s["on_hand"], s["reserved"], s["on_order"]) == (D(6), D(0), D(0))
    assert why(s, "stock", "position") == 6 and why(s, "stock", "trigger_level") == D("7.17")
    assert why(s, "order", "need") == 14 and why(s, "order", "step") == 5
    assert s["suggested_qty"] == D(15) and not s["emergency"]
    assert why(s, "season", "applied") is False
    assert why(s, "forecast", "z") == D("1.6449")
    assert why(s, "demand", "window_qty") == 18 and why(s, "demand", "history_qty") == 18


async def test_reserved_on_order_and_plans_count_in_the_position(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    item = await filter_demand(db, parts_shop)
    await reserve(db, parts_shop, item, "3", appointment=False)
    await order(db, parts_shop, item, "1", status="ordered")
    await order(db, parts_shop, item, "7", status="cancelled")
    s = (await run_on(db, parts_shop.dealer_id, AS_OF))[item]
    # 6 on hand - 3 reserved + 1 on order = 4; 20 - 4 = 16, up to a multiple of 5: 20.
    assert (s["reserved"], s["on_order"], s["suggested_qty"]) == (D(3), D(1), D(20))
    # A plan still in draft counts too: 4 + 4 = 8 is above the reorder point 7.17.
    await order(db, parts_shop, item, "4", status="draft")
    assert item not in await run_on(db, parts_shop.dealer_id, AS_OF)


async def test_lead_time_from_the_item_or_the_last_supplier(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    item = await filter_demand(db, parts_shop)
    await db.execute("update stock_item set lead_time_days = 60 where id = $1", item)
    s = (await run_on(db, parts_shop.dealer_id, AS_OF))[item]
    # 0.2 x 60 = 12.00; 1.6449 x 1.3266 x sqrt(60) = 16.90; reorder point 28.90;
    # order-up-to max(20, 28.90 + 1.40) = 30.30; 30.30 - 6 = 24.30, up to 5s: 25.
    assert (s["lead_time_demand"], s["safety_stock"], s["reorder_point"]) == (
        D("12.00"),
        D("16.90"),
        D("28.90"),
    )
    assert (s["order_up_to"], s["suggested_qty"]) == (D("30.30"), D(25))
    assert why(s, "forecast", "lead_time_source") == "stock_item"

    # Last ordered from a local supplier with 3 days' lead time (that order received).
    supplier = await db.fetchval(
        "insert into supplier (dealer_id, name, lead_time_days) values ($1, 'Local', 3)"
        " returning id",
        parts_shop.dealer_id,
    )
    po = await order(db, parts_shop, item, "2", status="received")
    await db.execute("update purchase_order set supplier_id = $2 where id = $1", po, supplier)
    await db.execute(
        "update purchase_order_line set received_qty = 2 where purchase_order_id = $1", po
    )
    await reserve(db, parts_shop, item, "2", appointment=False)
    s = (await run_on(db, parts_shop.dealer_id, AS_OF))[item]
    # 0.2 x 3 = 0.60; 1.6449 x 1.3266 x sqrt(3) = 3.78; reorder point 4.38 < min 5;
    # position 6 - 2 = 4 <= 5: 20 - 4 = 16, up to 5s: 20.
    assert (s["lead_time_days"], s["lead_time_demand"], s["safety_stock"]) == (
        3,
        D("0.60"),
        D("3.78"),
    )
    assert why(s, "forecast", "lead_time_source") == "supplier"
    assert why(s, "forecast", "supplier") == "Local"
    assert why(s, "stock", "trigger_level") == 5 and s["suggested_qty"] == D(20)


async def test_demand_of_a_replaced_number_counts_for_its_successor(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    pad, old_pad = parts_shop.items["pad"], parts_shop.items["old_pad"]
    await movement(db, parts_shop, old_pad, "receipt", "3", days_before(AS_OF, 60))
    await movement(db, parts_shop, old_pad, "issue", "-3", days_before(AS_OF, 50))
    await movement(db, parts_shop, pad, "issue", "-3", days_before(AS_OF, 20))
    made = await run_on(db, parts_shop.dealer_id, AS_OF)
    assert set(made) == {pad}
    s = made[pad]
    # 3 + 3 in 90 days: 0.0667 a day, spread sqrt(18/90 - (6/90)^2) = 0.4422;
    # 0.47 + 1.6449 x 0.4422 x sqrt(7) = 0.47 + 1.92 = 2.39 > min 2;
    # position 1 on hand: 8 - 1 = 7, up to packs of 2: 8.
    assert (s["demand_per_day"], s["demand_sd_per_day"]) == (D("0.0667"), D("0.4422"))
    assert (s["reorder_point"], s["order_up_to"], s["suggested_qty"]) == (D("2.39"), D(8), D(8))
    old_number = await db.fetchval(
        "select part_number from part where id = $1", parts_shop.parts["old_pad"]
    )
    assert why(s, "demand", "predecessors") == [
        {"part_number": old_number, "demand": 3, "available": 0}
    ]
    # Old pads still on the shelf are used up first: 1 + 3 = 4 > 2.39, nothing to order.
    await movement(db, parts_shop, old_pad, "receipt", "3", days_before(AS_OF, 5))
    assert pad not in await run_on(db, parts_shop.dealer_id, AS_OF)


async def test_a_successor_never_stocked_gets_an_item_and_the_demand(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    wiper = await add_part(db, parts_shop.manufacturer_id, "Wiper blade", "90")
    old_wiper = await add_part(
        db, parts_shop.manufacturer_id, "Wiper blade (old)", "80", superseded_by=wiper
    )
    old_item = await add_stock_item(db, parts_shop.dealer_id, old_wiper, lead_time_days=7)
    await movement(db, parts_shop, old_item, "receipt", "4", days_before(AS_OF, 40))
    await movement(db, parts_shop, old_item, "issue", "-4", days_before(AS_OF, 15))
    made = await run_on(db, parts_shop.dealer_id, AS_OF)
    new_item = await db.fetchval(
        "select id from stock_item where dealer_id = $1 and part_id = $2",
        parts_shop.dealer_id,
        wiper,
    )
    assert new_item is not None and old_item not in made
    s = made[new_item]
    # 4 in 90 days: 0.0444, spread 0.4193; 0.31 + 1.82 = 2.13; order-up-to
    # max(0, 2.13 + 0.31) = 2.44; nothing on hand: 2.44, whole pieces: 3.
    assert (s["demand_per_day"], s["reorder_point"], s["order_up_to"]) == (
        D("0.0444"),
        D("2.13"),
        D("2.44"),
    )
    assert s["suggested_qty"] == D(3)


async def test_rounded_up_to_the_multiple_and_whole_packs(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    bulb = await add_part(db, parts_shop.manufacturer_id, "Bulb", "12", pack_size=4)
    bulbs = await add_stock_item(
        db, parts_shop.dealer_id, bulb, min_qty="13", max_qty="13", multiple="6"
    )
    oil = parts_shop.items["oil"]
    await movement(db, parts_shop, oil, "issue", "-25", days_before(AS_OF, 3))
    made = await run_on(db, parts_shop.dealer_id, AS_OF)
    # Bulbs: no demand, none on hand, below min 13: 13 to order; multiples of 6 that
    # are whole packs of 4 are multiples of 12: 24.
    assert why(made[bulbs], "order", "step") == 12 and made[bulbs]["suggested_qty"] == D(24)
    # Oil: 25 in 90 days is 0.2778 a day, spread 2.6206; 1.94 + 11.40 = 13.34 < min 20;
    # 15 on hand <= 20: 80 - 15 = 65, up to multiples of 12: 72.
    s = made[oil]
    assert (s["reorder_point"], s["order_up_to"], s["suggested_qty"]) == (
        D("13.34"),
        D(80),
        D(72),
    )


async def test_seasonal_factor_from_the_same_months_last_year(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    item = parts_shop.items["filter"]
    await movement(db, parts_shop, item, "receipt", "66", date(2024, 7, 1))
    for day, qty in (
        (date(2025, 3, 1), "-1"),  # history before the year compared
        (date(2025, 7, 10), "-23"),  # June-August 2025: the coming months, last year
        (date(2026, 1, 10), "-41"),
        (date(2026, 5, 1), "-9"),  # the 90-day window
    ):
        await movement(db, parts_shop, item, "issue", qty, day)
    s = (await run_on(db, parts_shop.dealer_id, AS_OF))[item]
    # June 2025 - May 2026: 73 in 365 days = 0.2 a day; June-August 2025: 23 in 92 days =
    # 0.25 a day; factor 0.25 / 0.2 = 1.25. Window: 9 in 90 days = 0.1 x 1.25 = 0.125,
    # spread sqrt(81/90 - 0.01) = 0.9434 x 1.25 = 1.1793.
    assert why(s, "season", "applied") is True
    assert (why(s, "season", "qty"), why(s, "season", "year_qty")) == (23, 73)
    assert s["seasonal_factor"] == D("1.25")
    assert (s["demand_per_day"], s["demand_sd_per_day"]) == (D("0.1250"), D("1.1793"))
    # 0.88 + 1.6449 x 1.1793 x sqrt(7) = 0.88 + 5.13 = 6.01; 2 on hand: 18, up to 5s: 20.
    assert (s["reorder_point"], s["suggested_qty"]) == (D("6.01"), D(20))


async def test_seasonal_factor_is_bounded(db: asyncpg.Connection, parts_shop: PartsShop) -> None:
    item = parts_shop.items["filter"]
    await movement(db, parts_shop, item, "receipt", "60", date(2024, 7, 1))
    for day, qty in (
        (date(2025, 3, 1), "-1"),
        (date(2025, 7, 10), "-60"),
        (date(2026, 5, 1), "-9"),
    ):
        await movement(db, parts_shop, item, "issue", qty, day)
    s = (await run_on(db, parts_shop.dealer_id, AS_OF))[item]
    # (60 / 92) / (69 / 365) = 3.4499, bounded to 2: 0.1 x 2 = 0.2 a day.
    assert why(s, "season", "raw") == D("3.4499")
    assert (s["seasonal_factor"], s["demand_per_day"]) == (D(2), D("0.2000"))


async def test_appointment_reservations_beyond_stock_are_emergencies(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    pad = parts_shop.items["pad"]
    await reserve(db, parts_shop, pad, "5", appointment=True)
    s = (await run_on(db, parts_shop.dealer_id, AS_OF))[pad]
    # 5 reserved for an appointment, 4 on hand, none on order: 1 missing, an emergency;
    # position 4 - 5 = -1: 8 + 1 = 9, up to packs of 2: 10.
    assert s["emergency"] and why(s, "order", "shortage") == 1
    assert why(s, "stock", "appointment_reserved") == 5
    assert s["suggested_qty"] == D(10)
    # Two on order cover the appointment: no longer an emergency (position 1: 8 - 1 = 7 -> 8).
    await order(db, parts_shop, pad, "2", status="approved")
    s = (await run_on(db, parts_shop.dealer_id, AS_OF))[pad]
    assert not s["emergency"] and s["suggested_qty"] == D(8)


async def test_repair_order_reservations_are_no_emergency(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    pad = parts_shop.items["pad"]
    await reserve(db, parts_shop, pad, "5", appointment=False)
    s = (await run_on(db, parts_shop.dealer_id, AS_OF))[pad]
    assert not s["emergency"] and s["suggested_qty"] == D(10)
