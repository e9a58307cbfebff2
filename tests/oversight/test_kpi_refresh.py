"""The refresh of ``dealer_kpi_month``: the default months are each dealer's current and
previous local months, twice gives the same rows, late data updates its month, a scoped
refresh leaves every other dealer's facts alone, a backfill fills N months."""

from __future__ import annotations

from datetime import UTC, date, datetime

import asyncpg

from tenants.oversight.kpi_catalog import KPIS
from tenants.oversight.kpi_refresh import local_months, refresh_kpis, refresh_kpis_backfill
from tests.oversight import kpi_arrange as k
from tests.oversight.factories_oversight import Network
from tests.oversight.kpi_arrange import JUNE, MAY, arrange_history

# 00:30 on 1 July in Shanghai, still 30 June in UTC.
NOW = datetime(2025, 6, 30, 16, 30, tzinfo=UTC)
JULY = date(2025, 7, 1)


async def rows(db: asyncpg.Connection, dealer_id: int) -> list[tuple[object, ...]]:
    found = await db.fetch(
        "select month, kpi, value, numerator, denominator from dealer_kpi_month"
        " where dealer_id = $1 order by month, kpi",
        dealer_id,
    )
    return [tuple(r) for r in found]


async def months_of(db: asyncpg.Connection, dealer_id: int) -> list[date]:
    found = await db.fetch(
        "select distinct month from dealer_kpi_month where dealer_id = $1 order by month",
        dealer_id,
    )
    return [r["month"] for r in found]


async def value(db: asyncpg.Connection, dealer_id: int, month: date, kpi: str) -> object:
    return await db.fetchval(
        "select value from dealer_kpi_month where dealer_id = $1 and month = $2 and kpi = $3",
        dealer_id,
        month,
        kpi,
    )


def test_local_months_run_back_across_the_year() -> None:
    assert local_months(date(2025, 1, 15), 3) == [
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
    ]


async def test_default_refresh_is_the_local_current_and_previous_month(
    db: asyncpg.Connection, network: Network
) -> None:
    dealer = network.dealer_ids[0]
    result = await refresh_kpis(NOW, [dealer])
    assert (result.dealers, result.failed) == (1, ())
    assert result.rows == 2 * len(KPIS)
    assert await months_of(db, dealer) == [JUNE, JULY]


async def test_refresh_twice_gives_the_same_rows_and_late_data_updates_the_month(
    db: asyncpg.Connection, network: Network
) -> None:
    shop = await arrange_history(db, network)
    dealer = shop.dealer_id
    await refresh_kpis(NOW, [dealer], [MAY, JUNE])
    first = await rows(db, dealer)
    assert len(first) == 2 * len(KPIS)
    await refresh_kpis(NOW, [dealer], [MAY, JUNE])
    assert await rows(db, dealer) == first
    assert str(await value(db, dealer, JUNE, "orders_delivered")) == "3.0000"

    # A late order of June (entered after the first refresh) and a claim decided late.
    await k.deliver(db, shop, "2025-06-29 12:00+08", "1.0")
    await refresh_kpis(NOW, [dealer], [MAY, JUNE])
    assert str(await value(db, dealer, JUNE, "orders_delivered")) == "4.0000"
    assert str(await value(db, dealer, MAY, "orders_delivered")) == "1.0000"
    refreshed = await db.fetchval(
        "select count(distinct refreshed_at) from dealer_kpi_month where dealer_id = $1", dealer
    )
    assert refreshed == 1


async def test_a_scoped_refresh_leaves_other_dealers_alone(
    db: asyncpg.Connection, network: Network
) -> None:
    await arrange_history(db, network)
    other = network.other_dealer_id
    await refresh_kpis(NOW, [other], [JUNE])
    before = await rows(db, other)
    assert len(before) == len(KPIS)
    await refresh_kpis(NOW, network.dealer_ids, [JUNE])
    assert await rows(db, other) == before
    assert await db.fetchval(
        "select count(distinct dealer_id) from dealer_kpi_month where dealer_id <> $1", other
    ) == len(network.dealer_ids)
    # The other region's dealer has no June orders: its facts never took the first's.
    assert str(await value(db, other, JUNE, "orders_delivered")) == "0.0000"


async def test_backfill_fills_n_local_months(db: asyncpg.Connection, network: Network) -> None:
    dealer = network.dealer_ids[0]
    result = await refresh_kpis_backfill(NOW, [dealer], 12)
    assert result.rows == 12 * len(KPIS)
    months = await months_of(db, dealer)
    assert months[0] == date(2024, 8, 1) and months[-1] == JULY
