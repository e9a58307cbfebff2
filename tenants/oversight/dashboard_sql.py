"""The regional dashboard's read: one statement over ``dealer_kpi_month`` for the
region's dealers and months, every KPI, with the region's figures beside each dealer's.

Per (dealer, month, KPI): the dealer's value, numerator and denominator; the region's
median of the dealers' values that month (``percentile_cont(0.5)``, dealers without a
value left out); the region's pooled figure (for ``kpi_facts.RATIOS``, the sum of
numerators over the sum of denominators x the KPI's scale; the sum of the values for
counts, hours and amounts); and the dealer's rank among the dealers with a value (1 =
best by the catalog's ``better``; by value, highest first, when a KPI is neither better
high nor low). Runs in the caller's transaction, so RLS shows only the dealers of its
scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import asyncpg

from tenants.oversight.kpi_catalog import KPIS
from tenants.oversight.kpi_facts import RATIOS, SCALE

DASHBOARD_SQL = """
with k as (
  select * from unnest($3::text[], $4::text[], $5::numeric[]) as k(kpi, better, scale)
),
f as (
  select f.dealer_id, f.month, f.kpi, f.value, f.numerator, f.denominator, k.better, k.scale
    from dealer_kpi_month f join k on k.kpi = f.kpi
   where f.dealer_id = any($1::bigint[]) and f.month = any($2::date[])
),
region as (
  select month, kpi,
         percentile_cont(0.5) within group (order by value) as region_median,
         case when max(scale) is null then sum(value)
              when sum(denominator) > 0 then max(scale) * sum(numerator) / sum(denominator)
         end as region_value,
         count(value) as dealers_with_value
    from f group by month, kpi
)
select f.dealer_id, f.month, f.kpi, f.value, f.numerator, f.denominator,
       round(r.region_median::numeric, 4) as region_median,
       round(r.region_value, 4) as region_value, r.dealers_with_value,
       case when f.value is not null then rank() over (
         partition by f.month, f.kpi, f.value is null
         order by case when f.better = 'lower' then f.value else -f.value end) end as rank
  from f join region r on r.month = f.month and r.kpi = f.kpi
 order by f.kpi, f.month, f.dealer_id
"""


@dataclass(frozen=True)
class DashboardRow:
    dealer_id: int
    month: date
    kpi: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    region_median: Decimal | None
    region_value: Decimal | None
    dealers_with_value: int
    rank: int | None


def catalog_arrays() -> tuple[list[str], list[str], list[Decimal | None]]:
    """The KPIs, their direction and their scale (``None``: the region's figure is the
    sum of the dealers' values, not a pooled ratio)."""
    return (
        [k.key for k in KPIS],
        [k.better for k in KPIS],
        [SCALE.get(k.key, Decimal(1)) if k.key in RATIOS else None for k in KPIS],
    )


async def region_dashboard_rows(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], months: Sequence[date]
) -> list[DashboardRow]:
    """Every fact of the dealers and months, ordered by KPI, month, dealer."""
    rows = await connection.fetch(DASHBOARD_SQL, list(dealer_ids), list(months), *catalog_arrays())
    return [DashboardRow(**dict(r)) for r in rows]
