"""Parts KPIs on a hand-computed history: every figure, nulls when there is nothing to
measure, and period boundaries in the dealer's own time zone (Asia/Shanghai, UTC+8).

The period is June 2025; the turnover year runs from 2024-07-01 to 2025-07-01 (local).
Item A: 10 @ 10 received 2024-06-15, 4 issued 2024-12-10 (cost 40), 10 @ 12 received
2025-03-05, 8 issued 2025-06-10 (FIFO 6 @ 10 + 2 @ 12 = 84), 1 returned 2025-06-20 @ 12,
1 more issued half an hour after the period (not counted, but it takes from a lot).
Item B: 5 @ 20 received 2024-03-01, nothing since (dead). Item C: 3 @ 30 received
2024-10-01, nothing since (slow-moving). At the end of June: A 9 @ 12 = 108, B 100, C 90.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import asyncpg
import pytest

from tenants.parts import kpis
from tests.parts.factories_parts import PartsShop, add_part, add_stock_item, book

JUNE = (date(2025, 6, 1), date(2025, 6, 30))
D = Decimal


@pytest.fixture
async def history(db: asyncpg.Connection, parts_shop: PartsShop) -> PartsShop:
    shop, dealer = parts_shop, parts_shop.dealer_id
    items = {}
    for key, cost in (("A", "10"), ("B", "20"), ("C", "30")):
        part = await add_part(db, shop.manufacturer_id, f"KPI part {key}", "50")
        items[key] = await add_stock_item(db, dealer, part, unit_cost=cost)
    shop.items.update({f"kpi_{k}": v for k, v in items.items()})
    a, b, c = items["A"], items["B"], items["C"]
    await book(db, dealer, a, "receipt", "10", unit_cost="10", at="2024-06-15 10:00+08")
    await book(db, dealer, b, "receipt", "5", unit_cost="20", at="2024-03-01 10:00+08")
    await book(db, dealer, c, "receipt", "3", unit_cost="30", at="2024-10-01 10:00+08")
    await book(db, dealer, a, "issue", "-4", at="2024-12-10 10:00+08")
    await book(db, dealer, a, "receipt", "10", unit_cost="12", at="2025-03-05 10:00+08")
    await book(db, dealer, a, "issue", "-8", at="2025-06-10 10:00+08")
    await book(db, dealer, a, "return", "1", unit_cost="12", at="2025-06-20 10:00+08")
    await book(db, dealer, a, "issue", "-1", at="2025-07-01 00:30+08")
    return shop


async def _order(db: asyncpg.Connection, shop: PartsShop, number: str) -> tuple[int, int]:
    order = await db.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " status) values ($1, $2, $3, $4, $5, 'in_progress') returning id",
        shop.dealer_id,
        number,
        shop.customer_id,
        shop.vehicle_id,
        shop.users["advisor"],
    )
    line = await db.fetchval(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, part_id, quantity,"
        " unit_price, status) values ($1, $2, 'part', $3, 1, 100, 'approved') returning id",
        shop.dealer_id,
        order,
        shop.parts["filter"],
    )
    return order, line


async def _request(
    db: asyncpg.Connection,
    shop: PartsShop,
    order: int,
    line: int,
    available: bool,
    at: str,
    status: str = "issued",
) -> None:
    await db.execute(
        "insert into parts_request (dealer_id, number, repair_order_id, repair_order_line_id,"
        " stock_item_id, quantity, status, available_at_request, requested_at)"
        " values ($1, 'PR-' || gen_random_uuid(), $2, $3, $4, 1, $5, $6, $7::text::timestamptz)",
        shop.dealer_id,
        order,
        line,
        shop.items["filter"],
        status,
        available,
        at,
    )


async def _purchase_order(
    db: asyncpg.Connection,
    shop: PartsShop,
    urgency: str,
    ordered_at: str | None,
    lines: list[tuple[str, str, str]],
    status: str = "ordered",
) -> None:
    order = await db.fetchval(
        "insert into purchase_order (dealer_id, number, urgency, status, ordered_at)"
        " values ($1, 'PO-' || gen_random_uuid(), $2, $3, $4::text::timestamptz) returning id",
        shop.dealer_id,
        urgency,
        status,
        ordered_at,
    )
    for item, quantity, price in lines:
        await db.execute(
            "insert into purchase_order_line (dealer_id, purchase_order_id, stock_item_id,"
            " quantity, unit_price) values ($1, $2, $3, $4, $5)",
            shop.dealer_id,
            order,
            shop.items[item],
            D(quantity),
            D(price),
        )


async def test_fill_rate_counts_requests_and_orders_of_the_local_period(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    first, second = shop.order_id, (await _order(db, shop, "T-KPI-2"))[0]
    lines = {first: shop.customer_line_id}
    lines[second] = await db.fetchval(
        "select id from repair_order_line where repair_order_id = $1", second
    )
    # In June, local time: the first instant and the last half hour count.
    await _request(db, shop, first, lines[first], True, "2025-06-01 00:00+08")
    await _request(db, shop, first, shop.warranty_line_id, False, "2025-06-15 12:00+08")
    await _request(db, shop, second, lines[second], True, "2025-06-30 23:30+08")
    # Not counted: cancelled, a minute before June, ten minutes after it (still June 30 UTC).
    await _request(db, shop, second, lines[second], True, "2025-06-10 12:00+08", "cancelled")
    await _request(db, shop, second, lines[second], False, "2025-05-31 23:59+08")
    await _request(db, shop, second, lines[second], False, "2025-07-01 00:10+08")

    fill = (await kpis.fill_rates(db, [shop.dealer_id], *JUNE))[shop.dealer_id]
    assert (fill.requests, fill.requests_available, fill.fill_rate) == (3, 2, D("0.6667"))
    # The first order had an unavailable line; the second order's June request was there.
    assert (fill.orders, fill.orders_available, fill.order_fill_rate) == (2, 1, D("0.5000"))

    may = (await kpis.fill_rates(db, [shop.dealer_id], date(2025, 5, 1), date(2025, 5, 31)))[
        shop.dealer_id
    ]
    assert (may.requests, may.fill_rate, may.order_fill_rate) == (1, D("0.0000"), D("0.0000"))


async def test_turnover_and_days_of_supply_from_the_reconstructed_ledger(
    db: asyncpg.Connection, history: PartsShop
) -> None:
    value = (await kpis.stock_values(db, [history.dealer_id], *JUNE))[history.dealer_id]
    # The after-period issue took from the 12-cost lot, yet the end of June still had 9.
    assert value.inventory_value == D("298.00")
    # Month marks 2024-07-01..2025-07-01: 200 x4, 290 x2, 250 x3, 370 x3, 298 -> 3538 / 13.
    assert value.average_inventory_value == D("272.15")
    assert value.issue_cost_12_months == D("112.00")  # 40 + 84 - 12
    assert value.turnover == D("0.41")  # 112 / 272.1538
    assert value.issue_cost == D("72.00")  # June: 84 - 12
    assert value.days == 30
    assert value.days_of_supply == D("124.2")  # 298 / (72 / 30)


async def test_dead_slow_and_aging_at_the_end_of_the_period(
    db: asyncpg.Connection, history: PartsShop
) -> None:
    dealer = history.dealer_id
    dead = (await kpis.dead_stock(db, [dealer], *JUNE))[dealer]
    assert (dead.dead_days, dead.slow_days) == (365, 180)
    assert (dead.stocked_items, dead.stock_value) == (3, D("298.00"))
    assert (dead.dead_items, dead.dead_value) == (1, D("100.00"))  # B, 487 days
    assert (dead.slow_items, dead.slow_value) == (1, D("90.00"))  # C, 273 days
    assert dead.dead_value_share == D("0.3356")  # 100 / 298

    bands = (await kpis.aging(db, [dealer], *JUNE))[dealer]
    assert [(b.key, b.quantity, b.value) for b in bands] == [
        ("0-90", D(1), D("12.00")),  # A's return of June 20
        ("91-180", D(8), D("96.00")),  # A's March lot, 117 days old
        ("181-365", D(3), D("90.00")),  # C
        ("over-365", D(5), D("100.00")),  # B
    ]

    # The dealer's own thresholds: with 200 days, C is dead too and nothing is slow.
    await db.execute(
        "insert into parts_settings (dealer_id, dead_stock_days, slow_moving_days)"
        " values ($1, 200, 100)",
        dealer,
    )
    stricter = (await kpis.dead_stock(db, [dealer], *JUNE))[dealer]
    assert (stricter.dead_items, stricter.dead_value) == (2, D("190.00"))
    assert (stricter.slow_items, stricter.slow_value) == (0, D("0.00"))
    assert stricter.dead_value_share == D("0.6376")  # 190 / 298


async def test_emergency_share_of_lines_ordered_in_the_period(
    db: asyncpg.Connection, history: PartsShop
) -> None:
    shop = history
    await _purchase_order(
        db, shop, "regular", "2025-06-05 09:00+08", [("kpi_A", "10", "12"), ("kpi_B", "5", "20")]
    )
    await _purchase_order(db, shop, "emergency", "2025-06-30 23:30+08", [("kpi_C", "2", "30")])
    # Not counted: ordered after June (local), cancelled, or never sent.
    await _purchase_order(db, shop, "emergency", "2025-07-01 00:10+08", [("kpi_C", "9", "30")])
    await _purchase_order(
        db, shop, "emergency", "2025-06-10 09:00+08", [("kpi_A", "9", "12")], "cancelled"
    )
    await _purchase_order(db, shop, "emergency", None, [("kpi_B", "9", "20")], "draft")

    share = (await kpis.emergency_shares(db, [shop.dealer_id], *JUNE))[shop.dealer_id]
    assert (share.lines, share.emergency_lines) == (3, 1)
    assert (share.value, share.emergency_value) == (D("280.00"), D("60.00"))
    assert (share.emergency_share, share.emergency_value_share) == (D("0.3333"), D("0.2143"))


async def test_monthly_trend_of_the_turnover_year(
    db: asyncpg.Connection, history: PartsShop
) -> None:
    months = (await kpis.trends(db, [history.dealer_id], *JUNE))[history.dealer_id]
    assert [(m.start, m.end) for m in months[:2]] == [
        (date(2024, 7, 1), date(2024, 7, 31)),
        (date(2024, 8, 1), date(2024, 8, 31)),
    ]
    assert (months[-1].start, months[-1].end) == (date(2025, 6, 1), date(2025, 6, 30))
    by_start = {m.start: m for m in months}
    december = by_start[date(2024, 12, 1)]
    # 40 issued; 290 at the start, 250 at the end: 40 x 365 / 31 / 270.
    assert (december.issue_cost, december.inventory_value, december.turnover) == (
        D("40.00"),
        D("250.00"),
        D("1.74"),
    )
    june = months[-1]
    assert (june.issue_cost, june.inventory_value, june.turnover) == (
        D("72.00"),
        D("298.00"),
        D("2.62"),  # 72 x 365 / 30 / ((370 + 298) / 2)
    )
    assert months[0].turnover == D("0.00") and months[0].fill_rate is None


async def test_ratios_are_null_when_there_is_nothing_to_measure(
    db: asyncpg.Connection, history: PartsShop
) -> None:
    dealer, quiet = history.dealer_id, (date(2023, 1, 1), date(2023, 1, 31))
    [figures] = await kpis.dealer_kpis(db, [dealer], *quiet)
    assert (figures.fill.requests, figures.fill.fill_rate, figures.fill.order_fill_rate) == (
        0,
        None,
        None,
    )
    assert figures.stock.inventory_value == 0 and figures.stock.turnover is None
    assert figures.stock.days_of_supply is None
    assert (figures.emergency.lines, figures.emergency.emergency_share) == (0, None)
    assert figures.emergency.emergency_value_share is None
    assert (figures.dead.stocked_items, figures.dead.dead_items) == (0, 0)
    assert [b.value for b in figures.aging] == [0, 0, 0, 0]
    # Stock but no issues in the period: days of supply cannot be told either.
    [held] = await kpis.dealer_kpis(db, [dealer], date(2025, 4, 1), date(2025, 4, 30))
    assert held.stock.inventory_value == D("370.00") and held.stock.days_of_supply is None


async def test_region_totals_pool_the_ratios_and_give_the_median(
    db: asyncpg.Connection, history: PartsShop
) -> None:
    shop = history
    peer = shop.peer_dealer_id
    customer = await db.fetchval(
        "insert into customer (dealer_id, name, phone) values ($1, '李四', '13900000001')"
        " returning id",
        peer,
    )
    vehicle = await db.fetchval(
        "insert into vehicle (dealer_id, customer_id, vin, plate, model)"
        " values ($1, $2, 'LSVPA2BM000000001', '沪C12345', 'X') returning id",
        peer,
        customer,
    )
    peer_order = await db.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id)"
        " values ($1, 'T-PEER-1', $2, $3, $4) returning id",
        peer,
        customer,
        vehicle,
        shop.users["advisor"],
    )
    peer_line = await db.fetchval(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, part_id, quantity,"
        " unit_price, status) values ($1, $2, 'part', $3, 1, 100, 'approved') returning id",
        shop.peer_dealer_id,
        peer_order,
        shop.parts["pad"],
    )
    for n, available in enumerate((True, True, True, False)):
        await db.execute(
            "insert into parts_request (dealer_id, number, repair_order_id, repair_order_line_id,"
            " stock_item_id, quantity, status, available_at_request, requested_at)"
            " values ($1, $2, $3, $4, $5, 1, 'issued', $6, '2025-06-12 10:00+08')",
            shop.peer_dealer_id,
            f"PEER-{n}",
            peer_order,
            peer_line,
            shop.peer_items["pad"],
            available,
        )
    await _request(db, shop, shop.order_id, shop.customer_line_id, True, "2025-06-02 10:00+08")
    await _request(db, shop, shop.order_id, shop.warranty_line_id, False, "2025-06-03 10:00+08")
    dealers = [shop.dealer_id, shop.peer_dealer_id]

    summary = await kpis.region_summary(db, dealers, *JUNE)
    f = summary.figures
    # Pooled: 4 of 6 requests available; median of 0.5 and 0.75.
    assert (f["requests"], f["requests_available"], f["fill_rate"]) == (6, 4, D("0.6667"))
    assert f["fill_rate_median"] == D("0.6250")
    assert f["inventory_value"] == D("298.00") and f["turnover"] == D("0.41")
    assert f["turnover_median"] == D("0.41")  # the peer held nothing: no turnover to rank
    assert (f["dead_items"], f["dead_value"]) == (1, D("100.00"))
    assert f["emergency_share"] is None and f["emergency_share_median"] is None
    assert [b.value for b in summary.aging] == [D("12.00"), D("96.00"), D("90.00"), D("100.00")]


async def test_periods_follow_the_dealers_own_time_zone(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    """A dealer in Urumqi (UTC+6): its June ends two hours after Shanghai's."""
    shop = parts_shop
    await db.execute("update dealer set time_zone = 'Asia/Urumqi' where id = $1", shop.dealer_id)
    # 23:30 on June 30 in Urumqi is already July 1 in Shanghai: still June here.
    await _request(db, shop, shop.order_id, shop.customer_line_id, True, "2025-07-01 01:30+08")
    # 00:10 on July 1 in Urumqi: July.
    await _request(db, shop, shop.order_id, shop.warranty_line_id, False, "2025-07-01 02:10+08")
    fill = (await kpis.fill_rates(db, [shop.dealer_id], *JUNE))[shop.dealer_id]
    assert (fill.requests, fill.fill_rate) == (1, D("1.0000"))
    july = (await kpis.fill_rates(db, [shop.dealer_id], date(2025, 7, 1), date(2025, 7, 31)))[
        shop.dealer_id
    ]
    assert (july.requests, july.fill_rate) == (1, D("0.0000"))
