"""Keeps ``dealer_kpi_month`` up to date: the worker recomputes a dealer's recent months
from the service, care, parts and warranty data and upserts them, so the regional
dashboard reads a few thousand facts instead of a year of orders.

By default the dealer's current local month and the one before (which stays open: claims
are decided, revisits called and old parts inspected days after the month ended) are
refreshed; a backfill recomputes the last N months for a dealer new to the facts. Each
dealer runs in its own tenant transaction, so row-level security confines the
computation to that dealer's rows and a failure costs one dealer's refresh only. The
dealer list comes from ``dealer`` itself (a network table every role reads: ids and time
zones only, no tenant rows)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from tenants.care.measures import previous_month
from tenants.database import TenantScope, network_transaction, tenant_transaction
from tenants.oversight.kpi_facts import Fact, compute_facts

log = logging.getLogger("dealernet.oversight")

DEFAULT_MONTHS = 2
"""The current local month and the previous one."""

UPSERT_SQL = """
insert into dealer_kpi_month (dealer_id, month, kpi, value, numerator, denominator, refreshed_at)
select f.dealer_id, f.month, f.kpi, f.value, f.numerator, f.denominator, $7
  from unnest($1::bigint[], $2::date[], $3::text[], $4::numeric[], $5::numeric[],
              $6::numeric[]) as f(dealer_id, month, kpi, value, numerator, denominator)
on conflict (dealer_id, month, kpi) do update
   set value = excluded.value, numerator = excluded.numerator,
       denominator = excluded.denominator, refreshed_at = excluded.refreshed_at
"""


@dataclass(frozen=True)
class RefreshResult:
    dealers: int
    rows: int
    failed: tuple[int, ...] = ()


def local_months(today: date, count: int) -> list[date]:
    """The ``count`` months ending with ``today``'s, oldest first."""
    months = [today.replace(day=1)]
    for _ in range(count - 1):
        months.append(previous_month(months[-1]))
    return list(reversed(months))


async def upsert(connection: asyncpg.Connection, facts: Sequence[Fact], now: datetime) -> int:
    """One statement for every fact."""
    if not facts:
        return 0
    await connection.execute(
        UPSERT_SQL,
        [f.dealer_id for f in facts],
        [f.month for f in facts],
        [f.kpi for f in facts],
        [f.value for f in facts],
        [f.numerator for f in facts],
        [f.denominator for f in facts],
        now,
    )
    return len(facts)


async def _dealers(dealer_ids: Sequence[int] | None, now: datetime) -> list[tuple[int, date]]:
    """(dealer, its local today), of the dealers given or of every dealer."""
    async with network_transaction() as tx:
        rows = await tx.connection.fetch(
            """
            select id, ($1::timestamptz at time zone time_zone)::date as today
              from dealer
             where $2::bigint[] is null or id = any($2::bigint[])
             order by id
            """,
            now,
            list(dealer_ids) if dealer_ids is not None else None,
        )
    return [(r["id"], r["today"]) for r in rows]


async def refresh_dealer(
    dealer_id: int, months: Sequence[date], now: datetime, *, user_id: int | None = None
) -> int:
    """Recompute and upsert one dealer's months in one transaction; rows written."""
    async with tenant_transaction(TenantScope.of([dealer_id], user_id), fresh=True) as tx:
        facts = await compute_facts(tx.connection, [dealer_id], months, now)
        return await upsert(tx.connection, facts, now)


async def refresh_kpis(
    now: datetime,
    dealer_ids: Sequence[int] | None = None,
    months: Sequence[date] | None = None,
    *,
    month_count: int = DEFAULT_MONTHS,
) -> RefreshResult:
    """Refresh the facts of ``dealer_ids`` (every dealer when ``None``) for ``months``
    (the last ``month_count`` local months of each dealer when ``None``). ``now`` is
    UTC-aware: it fixes each dealer's local month and the refresh time. A dealer whose
    refresh fails is logged and named in the result; the others still run."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    rows = 0
    failed: list[int] = []
    dealers = await _dealers(dealer_ids, now)
    for dealer_id, today in dealers:
        wanted = list(months) if months is not None else local_months(today, month_count)
        try:
            rows += await refresh_dealer(dealer_id, wanted, now)
        except Exception:
            log.exception("KPI refresh failed for dealer %s", dealer_id)
            failed.append(dealer_id)
    return RefreshResult(len(dealers), rows, tuple(failed))


async def refresh_kpis_backfill(
    now: datetime, dealer_ids: Sequence[int], month_count: int = 12
) -> RefreshResult:
    """The last ``month_count`` local months of the dealers given (a dealer new to the
    dashboard, or after a definition changed)."""
    if not 1 <= month_count <= 60:
        raise ValueError("backfill between 1 and 60 months")
    return await refresh_kpis(now, dealer_ids, month_count=month_count)
