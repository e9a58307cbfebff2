"""The dashboard's read over ``dealer_kpi_month`` (``dashboard_sql``): region median,
pooled region figure (a ratio of sums, never a mean of ratios), ranks by the catalog's
direction, and RLS: a dealer outside the transaction's scope never appears even when
asked for."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import asyncpg

from tenants.database import TenantScope, tenant_transaction
from tenants.oversight.dashboard_sql import DashboardRow, region_dashboard_rows
from tests.oversight.factories_oversight import Network

JUNE = date(2025, 6, 1)
D = Decimal


async def fact(
    db: asyncpg.Connection,
    dealer: int,
    kpi: str,
    value: str | None,
    num: str | None = None,
    den: str | None = None,
) -> None:
    await db.execute(
        "insert into dealer_kpi_month (dealer_id, month, kpi, value, numerator, denominator)"
        " values ($1, $2, $3, $4::numeric, $5::numeric, $6::numeric)",
        dealer,
        JUNE,
        kpi,
        value,
        num,
        den,
    )


async def read(network: Network, dealer_ids: list[int]) -> dict[tuple[int, str], DashboardRow]:
    scope = TenantScope.of(network.dealer_ids, network.users["regional"])
    async with tenant_transaction(scope, fresh=True) as tx:
        rows = await region_dashboard_rows(tx.connection, dealer_ids, [JUNE])
    return {(r.dealer_id, r.kpi): r for r in rows}


async def test_median_pooled_figure_and_rank(db: asyncpg.Connection, network: Network) -> None:
    a, b, c = network.dealer_ids
    # First-time fix: 9/10, 1/2, 40/50 -> median 0.8, pooled 50/62.
    await fact(db, a, "first_time_fix_rate", "0.9", "9", "10")
    await fact(db, b, "first_time_fix_rate", "0.5", "1", "2")
    await fact(db, c, "first_time_fix_rate", "0.8", "40", "50")
    # Dead stock share: lower is better; c has nothing to measure.
    await fact(db, a, "dead_stock_share", "0.1", "10", "100")
    await fact(db, b, "dead_stock_share", "0.05", "5", "100")
    await fact(db, c, "dead_stock_share", None, "0", "0")
    # Claims per 100 orders: scaled by 100 in the pooled figure.
    await fact(db, a, "claims_per_100_orders", "10", "1", "10")
    await fact(db, b, "claims_per_100_orders", "30", "3", "10")
    # Orders delivered: a count, the region's figure is the sum.
    await fact(db, a, "orders_delivered", "10")
    await fact(db, b, "orders_delivered", "20")
    await fact(db, c, "orders_delivered", "40")
    # Old-part return failures: a count (its denominator: parts checked), summed.
    await fact(db, a, "parts_return_failures", "2", "2", "4")
    await fact(db, b, "parts_return_failures", "1", "1", "10")
    rows = await read(network, network.dealer_ids)

    assert rows[a, "parts_return_failures"].region_value == D("3")
    assert rows[b, "parts_return_failures"].rank == 1
    ftf = rows[a, "first_time_fix_rate"]
    assert ftf.region_median == D("0.8")
    assert ftf.region_value == D("0.8065")  # 50 / 62
    assert ftf.dealers_with_value == 3
    assert [rows[d, "first_time_fix_rate"].rank for d in (a, b, c)] == [1, 3, 2]

    dead = rows[b, "dead_stock_share"]
    assert (dead.rank, rows[a, "dead_stock_share"].rank, rows[c, "dead_stock_share"].rank) == (
        1,
        2,
        None,
    )
    assert dead.region_median == D("0.075")
    assert dead.region_value == D("0.075")  # 15 / 200
    assert dead.dealers_with_value == 2

    assert rows[a, "claims_per_100_orders"].region_value == D("20")
    assert rows[c, "orders_delivered"].region_value == D("70")
    assert rows[b, "orders_delivered"].region_median == D("20")
    assert rows[c, "orders_delivered"].rank == 1


async def test_a_dealer_outside_the_scope_never_shows(
    db: asyncpg.Connection, network: Network
) -> None:
    a = network.dealer_ids[0]
    await fact(db, a, "orders_delivered", "10")
    await fact(db, network.other_dealer_id, "orders_delivered", "1000")
    rows = await read(network, [*network.dealer_ids, network.other_dealer_id])
    assert {d for d, _ in rows} == {a}
    assert rows[a, "orders_delivered"].region_value == D("10")
