"""Reading monthly reports: a dealer's list, the region's dealers x months grid (on time /
late / missing / pending, each judged by the dealer's local date), and the worker's run
that drafts last month's report for every dealer whose month has turned.

- on time: submitted on or before ``due_on`` (local date of submission);
- late: submitted after ``due_on``;
- missing: not submitted and the dealer's local today is after ``due_on``;
- pending: not submitted yet and still in time (generated or not).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from tenants.database import TenantScope, network_transaction, tenant_transaction
from tenants.oversight.monthly_report_states import generate

STATES = ("on_time", "late", "missing", "pending")


def _state_sql(due: str) -> str:
    """The state of report ``r`` of dealer ``d`` due on ``due``, at ``$2`` (now)."""
    return f"""
case when r.submitted_at is not null
          and (r.submitted_at at time zone d.time_zone)::date > {due} then 'late'
     when r.submitted_at is not null then 'on_time'
     when ($2::timestamptz at time zone d.time_zone)::date > {due} then 'missing'
     else 'pending' end"""


STATE_SQL = _state_sql("r.due_on")

COLUMNS = f"r.*, d.code as dealer_code, d.name as dealer_name, {STATE_SQL} as state"


async def list_reports(
    connection: asyncpg.Connection, dealer_id: int, now: datetime, limit: int = 24
) -> list[asyncpg.Record]:
    """The dealer's reports, newest month first, with their state at ``now``."""
    return list(
        await connection.fetch(
            f"select {COLUMNS} from dealer_monthly_report r join dealer d on d.id = r.dealer_id"
            " where r.dealer_id = $1 order by r.month desc limit $3",
            dealer_id,
            now,
            limit,
        )
    )


async def get_reports(
    connection: asyncpg.Connection, report_ids: list[int], now: datetime
) -> list[asyncpg.Record]:
    """Reports by id (RLS hides those of dealers out of scope)."""
    return list(
        await connection.fetch(
            f"select {COLUMNS} from dealer_monthly_report r join dealer d on d.id = r.dealer_id"
            " where r.id = any($1::bigint[])",
            report_ids,
            now,
        )
    )


async def previous_bodies(
    connection: asyncpg.Connection, dealer_id: int, month: date, months: int
) -> list[asyncpg.Record]:
    """The dealer's reports of the ``months`` months up to ``month``, oldest first (the
    report page charts the month against them)."""
    return list(
        await connection.fetch(
            "select month, status, body from dealer_monthly_report where dealer_id = $1"
            " and month <= $2 and month > ($2::date - make_interval(months => $3))::date"
            " order by month",
            dealer_id,
            month,
            months,
        )
    )


DUE_ON_SQL = (
    "coalesce(r.due_on, (m.month + interval '1 month')::date + (mf.monthly_report_due_day - 1))"
)
"""A month's due date: the report's, or the manufacturer's day of the following month."""

GRID_SQL = f"""
with months as (
  select generate_series($3::date, $4::date, interval '1 month')::date as month
)
select d.id as dealer_id, d.code, d.name, m.month, {DUE_ON_SQL} as due_on,
       r.id as report_id, r.status, r.submitted_at, {_state_sql(DUE_ON_SQL)} as state
  from dealer d
  join region rg on rg.id = d.region_id
  join manufacturer mf on mf.id = rg.manufacturer_id
  cross join months m
  left join dealer_monthly_report r on r.dealer_id = d.id and r.month = m.month
 where d.id = any($1::bigint[])
 order by d.code, m.month
"""


@dataclass(frozen=True)
class GridCell:
    dealer_id: int
    dealer_code: str
    dealer_name: str
    month: date
    due_on: date
    report_id: int | None
    status: str | None
    submitted_at: datetime | None
    state: str


async def region_grid(
    connection: asyncpg.Connection,
    dealer_ids: list[int],
    first_month: date,
    last_month: date,
    now: datetime,
) -> list[GridCell]:
    """One cell per dealer and month; a month without a report is missing once its due
    date has passed in the dealer's time zone, pending before."""
    rows = await connection.fetch(GRID_SQL, dealer_ids, now, first_month, last_month)
    return [
        GridCell(
            r["dealer_id"],
            r["code"],
            r["name"],
            r["month"],
            r["due_on"],
            r["report_id"],
            r["status"],
            r["submitted_at"],
            r["state"],
        )
        for r in rows
    ]


_DUE_SQL = """
select d.id as dealer_id,
       (date_trunc('month', $2::timestamptz at time zone d.time_zone) - interval '1 month')::date
         as month
  from dealer d
 where d.id = any($1::bigint[])
   and not exists (
     select 1 from dealer_monthly_report r
      where r.dealer_id = d.id
        and r.month = (date_trunc('month', $2::timestamptz at time zone d.time_zone)
                       - interval '1 month')::date)
 order by d.id
"""


@dataclass(frozen=True)
class Drafted:
    dealer_id: int
    month: date
    report_id: int


async def generate_due_drafts(now: datetime) -> list[Drafted]:
    """The worker's run: last month's draft (in each dealer's local calendar) for every
    dealer that has none yet, each in a short transaction of its own dealer. Running
    again writes nothing: the reports exist."""
    async with network_transaction(fresh=True) as tx:
        dealer_ids = [
            r["id"] for r in await tx.connection.fetch("select id from dealer order by id")
        ]
    if not dealer_ids:
        return []
    async with tenant_transaction(TenantScope.of(dealer_ids), fresh=True) as tx:
        due = await tx.connection.fetch(_DUE_SQL, dealer_ids, now)
    done = []
    for item in due:
        async with tenant_transaction(TenantScope.of((item["dealer_id"],)), fresh=True) as tx:
            row = await generate(tx.connection, item["dealer_id"], item["month"], now)
        if row is not None:
            done.append(Drafted(item["dealer_id"], item["month"], row["id"]))
    return done
