"""The care reports (``care_report``): generated from the data, never typed in, and
submitted once by a person.

- ``daily_problems`` of a local day, due the next local day, for the front-desk
  supervisor (``tenants.care.report_daily``);
- ``monthly_revisits`` and ``monthly_complaints`` of a local calendar month, due by the
  3rd of the next month (``tenants.care.report_monthly``).

A report is one row per (dealer, kind, period start). The worker generates each report
once its period has closed: the daily one after the dealer's last call window (+30
minutes, 19:30 by default), the monthly ones from the 1st. Generating again replaces a
report that is not yet submitted (on demand, or the worker when the earlier copy was made
before the period closed); a submitted report is never rewritten. Submitting is once;
after ``due_on`` (the dealer's local date) it is marked late.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg

from tenants.audit.recorder import record
from tenants.care.measures import month_end, month_start
from tenants.care.report_daily import daily_body
from tenants.care.report_monthly import complaints_body, revisits_body
from tenants.database import TenantScope, network_transaction, tenant_transaction
from tenants.errors import RecordNotFound, RuleViolation

DAILY = "daily_problems"
MONTHLY_REVISITS = "monthly_revisits"
MONTHLY_COMPLAINTS = "monthly_complaints"
KINDS = (DAILY, MONTHLY_REVISITS, MONTHLY_COMPLAINTS)
MONTHLY_KINDS = (MONTHLY_REVISITS, MONTHLY_COMPLAINTS)
MONTHLY_DUE_DAY = 3
CUTOFF_AFTER_WINDOWS = timedelta(minutes=30)


def submit_action(kind: str) -> str:
    """The ``report`` permission that submits this kind."""
    return "submit_daily" if kind == DAILY else "submit_monthly"


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    due_on: date


def period_of(kind: str, day: date) -> Period:
    """The period of ``kind`` that contains the local ``day``, with its due date."""
    if kind == DAILY:
        return Period(day, day, day + timedelta(days=1))
    if kind in MONTHLY_KINDS:
        first = month_start(day)
        end = month_end(first)
        return Period(first, end, (end + timedelta(days=1)).replace(day=MONTHLY_DUE_DAY))
    raise RuleViolation("kind", "unknown_kind", f"No report kind {kind!r}")


async def build_body(
    connection: asyncpg.Connection, dealer_id: int, kind: str, period: Period, now: datetime
) -> dict[str, Any]:
    if kind == DAILY:
        return await daily_body(connection, dealer_id, period.start)
    if kind == MONTHLY_REVISITS:
        return await revisits_body(connection, dealer_id, period.start, period.end, now)
    return await complaints_body(connection, dealer_id, period.start, period.end)


_UPSERT_SQL = """
insert into care_report (dealer_id, kind, period_start, period_end, due_on, body, generated_at)
values ($1, $2, $3, $4, $5, $6::text::jsonb, $7)
on conflict (dealer_id, kind, period_start) do update
   set body = excluded.body, period_end = excluded.period_end, due_on = excluded.due_on,
       generated_at = excluded.generated_at
 where care_report.status = 'generated'
   and ($8::timestamptz is null or care_report.generated_at < $8::timestamptz)
returning id, (xmax = 0) as inserted
"""


@dataclass(frozen=True)
class Generated:
    report_id: int
    replaced: bool


async def generate(
    connection: asyncpg.Connection,
    dealer_id: int,
    kind: str,
    day: date,
    now: datetime,
    *,
    only_if_older_than: datetime | None = None,
    request_id: str = "",
) -> Generated | None:
    """Generate (or regenerate) the report of ``kind`` whose period holds ``day``; inside
    the caller's tenant transaction, audited. ``None`` when the existing report is
    submitted, or (for the worker) was already generated after ``only_if_older_than``."""
    period = period_of(kind, day)
    body = await build_body(connection, dealer_id, kind, period, now)
    row = await connection.fetchrow(
        _UPSERT_SQL,
        dealer_id,
        kind,
        period.start,
        period.end,
        period.due_on,
        json.dumps(body, default=str),
        now,
        only_if_older_than,
    )
    if row is None:
        return None
    generated = Generated(row["id"], not row["inserted"])
    await record(
        dealer_id=dealer_id,
        action="care_report.generated",
        object_type="care_report",
        object_id=generated.report_id,
        after={
            "kind": kind,
            "period_start": period.start.isoformat(),
            "replaced": generated.replaced,
        },
        request_id=request_id,
    )
    return generated


async def local_today(connection: asyncpg.Connection, dealer_id: int, now: datetime) -> date:
    today: date | None = await connection.fetchval(
        "select ($2::timestamptz at time zone time_zone)::date from dealer where id = $1",
        dealer_id,
        now,
    )
    if today is None:
        raise RecordNotFound(f"Dealer {dealer_id}")
    return today


async def generate_on_demand(
    connection: asyncpg.Connection,
    dealer_id: int,
    kind: str,
    day: date,
    now: datetime,
    request_id: str = "",
) -> int:
    """A person asks for the report now: a period not begun is refused, a submitted
    report is never replaced; returns the report's id."""
    if kind not in KINDS:
        raise RuleViolation("kind", "unknown_kind", f"No report kind {kind!r}")
    period = period_of(kind, day)
    if period.start > await local_today(connection, dealer_id, now):
        raise RuleViolation("period", "period_not_begun", "The period has not begun yet")
    generated = await generate(connection, dealer_id, kind, day, now, request_id=request_id)
    if generated is None:
        raise RuleViolation(
            "period", "already_submitted", "This report was submitted and cannot be replaced"
        )
    return generated.report_id


_DUE_SQL = """
with local as (
  select d.id as dealer_id, d.time_zone,
         ($2::timestamptz at time zone d.time_zone) as at,
         least(coalesce((select max((w ->> 'to')::time)
                           from jsonb_array_elements(s.call_windows) w), '19:00'::time),
               '23:00'::time) + $3::interval as cutoff
    from dealer d
    left join care_settings s on s.dealer_id = d.id
   where d.id = any($1::bigint[])
), targets as (
  select dealer_id, time_zone, 'daily_problems' as kind,
         case when at::time >= cutoff then at::date else at::date - 1 end as period_start,
         cutoff
    from local
  union all
  select dealer_id, time_zone, k.kind,
         (date_trunc('month', at) - interval '1 month')::date, null::time
    from local cross join unnest($4::text[]) as k(kind)
), closing as (
  select t.*,
         case when t.kind = 'daily_problems'
              then (t.period_start + t.cutoff) at time zone t.time_zone
              else ((t.period_start + interval '1 month')::timestamp) at time zone t.time_zone
         end as closed_at
    from targets t
)
select c.dealer_id, c.kind, c.period_start, c.closed_at
  from closing c
  left join care_report r
    on r.dealer_id = c.dealer_id and r.kind = c.kind and r.period_start = c.period_start
 where r.id is null or (r.status = 'generated' and r.generated_at < c.closed_at)
 order by c.dealer_id, c.kind
"""


@dataclass(frozen=True)
class DueReport:
    dealer_id: int
    kind: str
    period_start: date
    closed_at: datetime


async def due_reports(
    connection: asyncpg.Connection, dealer_ids: list[int], now: datetime
) -> list[DueReport]:
    """Reports whose period has closed at ``now`` in each dealer's local time and that are
    missing, or were generated before the close and not submitted."""
    rows = await connection.fetch(
        _DUE_SQL, dealer_ids, now, CUTOFF_AFTER_WINDOWS, list(MONTHLY_KINDS)
    )
    return [DueReport(r["dealer_id"], r["kind"], r["period_start"], r["closed_at"]) for r in rows]


async def generate_due_reports(now: datetime) -> list[DueReport]:
    """The worker's run: every dealer's due reports, each in a short transaction of its
    own dealer. Running twice, or after a restart, generates nothing twice: the second
    run finds them generated after their period closed."""
    async with network_transaction(fresh=True) as tx:
        dealer_ids = [
            r["id"] for r in await tx.connection.fetch("select id from dealer order by id")
        ]
    if not dealer_ids:
        return []
    async with tenant_transaction(TenantScope.of(dealer_ids), fresh=True) as tx:
        due = await due_reports(tx.connection, dealer_ids, now)
    done = []
    for item in due:
        async with tenant_transaction(TenantScope.of((item.dealer_id,)), fresh=True) as tx:
            generated = await generate(
                tx.connection,
                item.dealer_id,
                item.kind,
                item.period_start,
                now,
                only_if_older_than=item.closed_at,
            )
        if generated is not None:
            done.append(item)
    return done


_SUBMIT_SQL = """
update care_report set status = 'submitted', submitted_by = $3, submitted_at = $4, note = $5
 where dealer_id = $1 and id = $2 and status = 'generated'
returning id, kind, due_on
"""


async def submit(
    connection: asyncpg.Connection,
    dealer_id: int,
    report_id: int,
    user_id: int | None,
    note: str,
    now: datetime,
    request_id: str = "",
) -> int:
    """Submit once; a late submission (after ``due_on`` in local time) is kept as such."""
    row = await connection.fetchrow(_SUBMIT_SQL, dealer_id, report_id, user_id, now, note.strip())
    if row is None:
        status = await connection.fetchval(
            "select status from care_report where dealer_id = $1 and id = $2",
            dealer_id,
            report_id,
        )
        if status is None:
            raise RecordNotFound(f"Care report {report_id}")
        raise RuleViolation("id", "already_submitted", "This report was already submitted")
    today = await local_today(connection, dealer_id, now)
    await record(
        dealer_id=dealer_id,
        action="care_report.submitted",
        object_type="care_report",
        object_id=report_id,
        before={"status": "generated"},
        after={"status": "submitted", "late": today > row["due_on"], "note": note.strip()},
        request_id=request_id,
    )
    return report_id


REPORT_COLUMNS = """
r.id, r.dealer_id, r.kind, r.period_start, r.period_end, r.due_on, r.status, r.generated_at,
r.submitted_by, r.submitted_at, r.note,
(r.submitted_at is not null and (r.submitted_at at time zone d.time_zone)::date > r.due_on)
  as late,
(r.status = 'generated' and ($2::timestamptz at time zone d.time_zone)::date > r.due_on)
  as overdue
"""


async def list_reports(
    connection: asyncpg.Connection,
    dealer_id: int,
    kind: str | None,
    now: datetime,
    after_id: int | None,
    limit: int,
) -> list[asyncpg.Record]:
    """Newest period first (then id), keyset by id within the listing order."""
    return list(
        await connection.fetch(
            f"select {REPORT_COLUMNS} from care_report r join dealer d on d.id = r.dealer_id"
            " where r.dealer_id = $1 and ($3::text is null or r.kind = $3)"
            " and ($4::bigint is null or (r.period_start, r.id) < (select period_start, id"
            " from care_report where dealer_id = $1 and id = $4))"
            " order by r.period_start desc, r.id desc limit $5",
            dealer_id,
            now,
            kind,
            after_id,
            limit,
        )
    )


async def get_reports(
    connection: asyncpg.Connection, report_ids: list[int], now: datetime
) -> list[asyncpg.Record]:
    """Reports with their body (RLS hides other dealers')."""
    return list(
        await connection.fetch(
            f"select {REPORT_COLUMNS}, r.body from care_report r"
            " join dealer d on d.id = r.dealer_id where r.id = any($1::bigint[])",
            report_ids,
            now,
        )
    )
