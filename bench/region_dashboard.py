"""The regional dashboard over a region of 200 dealers with a year of history, against
one hand-written SQL query for the same figures from the raw tables.

``<db>_bench_region`` is recreated and migrated, the history generated
(``bench.region_dashboard_data``), the facts backfilled once (12 months x every dealer:
what the worker's backfill job does), then, alternating so both see the same machine load:

- **dashboard**: ``region_dashboard_rows`` over ``dealer_kpi_month`` for every dealer of
  the region x 12 months x every KPI, with the region's median, pooled figure and ranks,
  in a tenant transaction scoped to the region's dealers (RLS, as the regional manager's);
- **hand-written**: one statement computing the same figures straight from the repair
  orders, lines, clocks, revisits, surveys, complaints, parts requests, claims and old
  parts, grouped by each dealer's local month, with the same medians, pooled figures and
  ranks. It leaves out the two FIFO-valued parts figures (turnover, dead-stock share),
  which need the stock value at every month mark: the raw query is therefore the cheaper
  side, and the ratio understates what the facts save;
- **refresh**: the hourly job (every dealer's current and previous local month).

The figures to read: dashboard / hand-written (the issue's ratio) and the refresh time.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlparse, urlunparse

import asyncpg

from bench.database import bench_url, migrate, recreate
from bench.region_dashboard_data import History, generate

HANDWRITTEN_SQL = """
with d as (
  select id, time_zone from dealer where id = any($1::bigint[])
),
months as (select unnest($2::date[]) as month),
span as (
  select min(month)::timestamp - interval '1 day' as t0,
         max(month)::timestamp + interval '1 month 1 day' as t1 from months
),
k as (select * from unnest($3::text[], $4::text[], $5::numeric[]) as k(kpi, better, scale)),
delivered as (
  select o.dealer_id, date_trunc('month', o.delivered_at at time zone d.time_zone)::date as month,
         count(*) as orders,
         sum((select sum(l.hours * l.quantity) from repair_order_line l
               where l.dealer_id = o.dealer_id and l.repair_order_id = o.id
                 and l.kind = 'labour' and l.status = 'approved')) as hours_sold,
         count(*) filter (where o.rework_count = 0 and not exists (
           select 1 from repair_order_line ol
             join repair_order n on n.dealer_id = ol.dealer_id and n.vehicle_id = o.vehicle_id
             join repair_order_line nl on nl.dealer_id = n.dealer_id and nl.repair_order_id = n.id
            where ol.dealer_id = o.dealer_id and ol.repair_order_id = o.id
              and ol.kind = 'labour' and ol.status = 'approved'
              and n.id <> o.id and n.status <> 'cancelled'
              and n.opened_at > o.delivered_at
              and n.opened_at <= o.delivered_at + interval '30 days'
              and nl.kind = 'labour' and nl.status <> 'cancelled'
              and nl.operation_id = ol.operation_id)) as fixed,
         count(*) filter (where exists (
           select 1 from revisit r join revisit_attempt a
             on a.dealer_id = r.dealer_id and a.revisit_id = r.id
            where r.dealer_id = o.dealer_id and r.repair_order_id = o.id)) as called
    from repair_order o join d on d.id = o.dealer_id, span
   where o.status = 'delivered' and o.delivered_at >= span.t0 and o.delivered_at < span.t1
   group by 1, 2
),
billed as (
  select l.dealer_id, date_trunc('month', l.done_at at time zone d.time_zone)::date as month,
         sum(l.hours * l.quantity) as hours
    from repair_order_line l join d on d.id = l.dealer_id, span
   where l.kind = 'labour' and l.status = 'approved' and l.job_status = 'done'
     and l.done_at >= span.t0 and l.done_at < span.t1
   group by 1, 2
),
clocked as (
  select c.dealer_id, date_trunc('month', c.started_at at time zone d.time_zone)::date as month,
         sum(extract(epoch from c.ended_at - c.started_at)) / 3600.0 as hours
    from job_clock c join d on d.id = c.dealer_id, span
   where c.ended_at is not null and c.started_at >= span.t0 and c.started_at < span.t1
   group by 1, 2
),
revisits as (
  select r.dealer_id, date_trunc('month', r.due_by)::date as month, count(*) as due,
         count(*) filter (where r.status = 'succeeded') as succeeded
    from revisit r join d on d.id = r.dealer_id
   where r.status <> 'cancelled'
   group by 1, 2
),
csi as (
  select s.dealer_id, date_trunc('month', a.called_at at time zone d.time_zone)::date as month,
         count(*) as answers, sum((s.score - 1) * 25.0) as points
    from revisit_survey_answer s
    join revisit_attempt a on a.dealer_id = s.dealer_id and a.id = s.attempt_id
    join d on d.id = s.dealer_id
   group by 1, 2
),
complaints as (
  select c.dealer_id, date_trunc('month', c.received_at at time zone d.time_zone)::date as month,
         count(*) filter (where c.level in ('serious', 'severe')) as major
    from complaint c join d on d.id = c.dealer_id
   where c.status <> 'withdrawn'
   group by 1, 2
),
requests as (
  select r.dealer_id, date_trunc('month', r.requested_at at time zone d.time_zone)::date as month,
         count(*) as requests, count(*) filter (where r.available_at_request) as available
    from parts_request r join d on d.id = r.dealer_id
   where r.status <> 'cancelled'
   group by 1, 2
),
submitted as (
  select c.dealer_id, date_trunc('month', c.submitted_at at time zone d.time_zone)::date as month,
         count(*) as claims, sum(c.requested_amount) as requested,
         sum((select sum(coalesce(l.hours, 0) * l.quantity) from warranty_claim_line l
               where l.dealer_id = c.dealer_id and l.claim_id = c.id and l.kind = 'labour'))
           as hours,
         count(*) filter (where exists (
           select 1 from warranty_claim e
            where e.dealer_id = c.dealer_id and e.vin = c.vin and e.id <> c.id
              and e.status <> 'cancelled' and e.submitted_at < c.submitted_at
              and e.submitted_at >= c.submitted_at - interval '90 days')) as repeats
    from warranty_claim c join d on d.id = c.dealer_id
   where c.status <> 'cancelled' and c.submitted_at is not null
   group by 1, 2
),
decided as (
  select c.dealer_id, date_trunc('month', c.decided_at at time zone d.time_zone)::date as month,
         count(*) filter (where c.status in ('approved', 'partially_approved', 'paid'))
           as approved,
         count(*) filter (where c.status = 'rejected') as rejected,
         coalesce(sum(c.approved_amount)
                    filter (where c.status in ('approved', 'partially_approved', 'paid')), 0)
           as approved_amount
    from warranty_claim c join d on d.id = c.dealer_id
   where c.decided_at is not null
   group by 1, 2
),
returns as (
  select x.dealer_id, date_trunc('month', x.at at time zone d.time_zone)::date as month,
         count(*) as checks, count(*) filter (where x.failed) as failures
    from (select op.dealer_id, min(mv.created_at) + interval '30 days' as at,
                 coalesce((select min(sh.created_at) from old_part_movement sh
                            where sh.dealer_id = op.dealer_id and sh.old_part_id = op.id
                              and sh.to_status = 'shipped')
                          > min(mv.created_at) + interval '30 days', true) as failed
            from old_part op
            join old_part_movement mv on mv.dealer_id = op.dealer_id and mv.old_part_id = op.id
                                     and mv.to_status = 'requested'
           group by op.dealer_id, op.id
          union all
          select op.dealer_id, op.inspected_at,
                 op.inspection_result in ('not_confirmed', 'not_received')
            from old_part op where op.inspected_at is not null) x
    join d on d.id = x.dealer_id
   group by 1, 2
),
grid as (
  select d.id as dealer_id, m.month,
         coalesce(o.orders, 0) as orders, coalesce(o.hours_sold, 0) as hours_sold,
         coalesce(o.fixed, 0) as fixed, coalesce(o.called, 0) as called,
         coalesce(b.hours, 0) as billed, coalesce(c.hours, 0) as clocked,
         coalesce(r.due, 0) as due, coalesce(r.succeeded, 0) as succeeded,
         coalesce(s.answers, 0) as answers, coalesce(s.points, 0) as points,
         coalesce(cp.major, 0) as major,
         coalesce(pr.requests, 0) as requests, coalesce(pr.available, 0) as available,
         coalesce(w.claims, 0) as claims, coalesce(w.requested, 0) as requested,
         coalesce(w.hours, 0) as claim_hours, coalesce(w.repeats, 0) as repeats,
         coalesce(dc.approved, 0) as approved, coalesce(dc.rejected, 0) as rejected,
         coalesce(dc.approved_amount, 0) as approved_amount,
         coalesce(rt.checks, 0) as checks, coalesce(rt.failures, 0) as failures
    from d cross join months m
    left join delivered o on o.dealer_id = d.id and o.month = m.month
    left join billed b on b.dealer_id = d.id and b.month = m.month
    left join clocked c on c.dealer_id = d.id and c.month = m.month
    left join revisits r on r.dealer_id = d.id and r.month = m.month
    left join csi s on s.dealer_id = d.id and s.month = m.month
    left join complaints cp on cp.dealer_id = d.id and cp.month = m.month
    left join requests pr on pr.dealer_id = d.id and pr.month = m.month
    left join submitted w on w.dealer_id = d.id and w.month = m.month
    left join decided dc on dc.dealer_id = d.id and dc.month = m.month
    left join returns rt on rt.dealer_id = d.id and rt.month = m.month
),
f as (
  select g.dealer_id, g.month, x.kpi, x.num, x.den, k.better, k.scale,
         case when k.scale is null then x.num
              when x.den > 0 then round(k.scale * x.num / x.den, 4) end as value
    from grid g
    cross join lateral (values
      ('orders_delivered', g.orders::numeric, null::numeric),
      ('labour_hours_sold', g.hours_sold, null),
      ('efficiency', g.billed, g.clocked),
      ('first_time_fix_rate', g.fixed, g.orders),
      ('revisit_coverage', g.called, g.orders),
      ('revisit_success', g.succeeded, g.due),
      ('csi', g.points, g.answers),
      ('major_complaint_rate', g.major, g.orders),
      ('parts_fill_rate', g.available, g.requests),
      ('claims_submitted', g.claims, null),
      ('claims_approved', g.approved, null),
      ('claims_rejected', g.rejected, null),
      ('claim_amount_requested', g.requested, null),
      ('claim_amount_approved', g.approved_amount, null),
      ('claims_per_100_orders', g.claims, g.orders),
      ('labour_hours_per_claim', g.claim_hours, g.claims),
      ('repeat_claims_per_vin', g.repeats, g.claims),
      ('parts_return_failures', g.failures, g.checks)
    ) as x(kpi, num, den)
    join k on k.kpi = x.kpi
),
region as (
  select month, kpi,
         percentile_cont(0.5) within group (order by value) as region_median,
         case when max(scale) is null then sum(value)
              when sum(den) > 0 then max(scale) * sum(num) / sum(den) end as region_value,
         count(value) as dealers_with_value
    from f group by month, kpi
)
select f.dealer_id, f.month, f.kpi, f.value, f.num as numerator, f.den as denominator,
       round(r.region_median::numeric, 4) as region_median,
       round(r.region_value, 4) as region_value, r.dealers_with_value,
       case when f.value is not null then rank() over (
         partition by f.month, f.kpi, f.value is null
         order by case when f.better = 'lower' then f.value else -f.value end) end as rank
  from f join region r on r.month = f.month and r.kpi = f.kpi
 order by f.kpi, f.month, f.dealer_id
"""


def region_url() -> str:
    parsed = urlparse(bench_url())
    return urlunparse(parsed._replace(path=parsed.path + "_region"))


@dataclass(frozen=True)
class RegionDashboardBench:
    history: History
    months: list[date]
    backfill_seconds: float
    fact_rows: int
    dashboard_seconds: list[float]
    handwritten_seconds: list[float]
    refresh_seconds: list[float]
    dashboard_rows: int
    handwritten_rows: int
    agree: int
    compared: int
    differ: dict[str, int]

    @property
    def dashboard(self) -> float:
        return statistics.median(self.dashboard_seconds)

    @property
    def handwritten(self) -> float:
        return statistics.median(self.handwritten_seconds)

    @property
    def ratio(self) -> float:
        return self.dashboard / self.handwritten

    @property
    def consistent(self) -> bool:
        return self.compared > 0 and self.agree == self.compared


async def _dashboard(dealer_ids: list[int], months: list[date]) -> tuple[float, list[object]]:
    from tenants.database import TenantScope, tenant_transaction
    from tenants.oversight.dashboard_sql import region_dashboard_rows

    started = time.perf_counter()
    async with tenant_transaction(TenantScope.of(dealer_ids), fresh=True) as tx:
        rows = await region_dashboard_rows(tx.connection, dealer_ids, months)
    return time.perf_counter() - started, list(rows)


async def _handwritten(dealer_ids: list[int], months: list[date]) -> tuple[float, list[object]]:
    from tenants.database import TenantScope, tenant_transaction
    from tenants.oversight.dashboard_sql import catalog_arrays

    started = time.perf_counter()
    async with tenant_transaction(TenantScope.of(dealer_ids), fresh=True) as tx:
        rows = await tx.connection.fetch(HANDWRITTEN_SQL, dealer_ids, months, *catalog_arrays())
    return time.perf_counter() - started, list(rows)


def _compare(dashboard: list[object], handwritten: list[object]) -> tuple[int, int, dict[str, int]]:
    """(agreeing, compared, disagreements by KPI): every (dealer, month, KPI) value the
    raw query computes."""
    facts = {(r.dealer_id, r.month, r.kpi): r.value for r in dashboard}  # type: ignore[attr-defined]
    compared = agree = 0
    differ: dict[str, int] = {}
    for row in handwritten:
        key = (row["dealer_id"], row["month"], row["kpi"])  # type: ignore[index]
        compared += 1
        mine, theirs = facts.get(key), row["value"]  # type: ignore[index]
        if mine == theirs or (
            mine is not None and theirs is not None and abs(mine - theirs) <= 0.0001
        ):
            agree += 1
        else:
            differ[key[2]] = differ.get(key[2], 0) + 1
    return agree, compared, differ


async def run(*, dealers: int = 200, repeats: int = 5) -> RegionDashboardBench:
    url = region_url()
    await recreate(url)
    migrate(url)
    os.environ["DATABASE_URL"] = url  # the app's engine reads it on first use
    from tenants.database import close_pool, start_pool
    from tenants.oversight.kpi_refresh import local_months, refresh_kpis, refresh_kpis_backfill

    owner = await asyncpg.connect(url)
    try:
        history = await generate(owner, dealers=dealers)
        fact_rows = 0
        await start_pool(min_size=1, max_size=2)
        try:
            now = datetime.now(UTC)
            started = time.perf_counter()
            fact_rows = (await refresh_kpis_backfill(now, history.dealer_ids, 12)).rows
            backfill = time.perf_counter() - started
            await owner.execute("analyze dealer_kpi_month")
            today = await owner.fetchval("select (now() at time zone 'Asia/Shanghai')::date")
            months = local_months(today, 12)
            ids = history.dealer_ids
            await _dashboard(ids, months)  # warm-up: caches, plans
            await _handwritten(ids, months)
            dash_times: list[float] = []
            hand_times: list[float] = []
            dash_rows: list[object] = []
            hand_rows: list[object] = []
            for _ in range(repeats):
                seconds, hand_rows = await _handwritten(ids, months)
                hand_times.append(seconds)
                seconds, dash_rows = await _dashboard(ids, months)
                dash_times.append(seconds)
            refresh_times: list[float] = []
            for _ in range(2):
                started = time.perf_counter()
                await refresh_kpis(datetime.now(UTC), ids)
                refresh_times.append(time.perf_counter() - started)
            agree, compared, differ = _compare(dash_rows, hand_rows)
        finally:
            await close_pool()
    finally:
        await owner.close()
    return RegionDashboardBench(
        history,
        months,
        backfill,
        fact_rows,
        dash_times,
        hand_times,
        refresh_times,
        len(dash_rows),
        len(hand_rows),
        agree,
        compared,
        differ,
    )


def _differ(differ: dict[str, int]) -> str:
    if not differ:
        return ""
    return " (differing: " + ", ".join(f"{k} {n}" for k, n in sorted(differ.items())) + ")"


def report(result: RegionDashboardBench) -> str:
    h = result.history
    when = datetime.now(UTC).date().isoformat()
    refresh = statistics.median(result.refresh_seconds)
    return "\n".join(
        [
            f"Regional dashboard, a region of {len(h.dealer_ids)} dealers with a year of"
            f" history: {h.orders:,} repair orders, {h.claims:,} warranty claims,"
            f" {h.movements:,} stock movements, generated in {h.seconds:.0f} s; facts"
            f" backfilled (12 months x every dealer, {result.fact_rows:,} rows) in"
            f" {result.backfill_seconds:.0f} s ({when}, CPython {platform.python_version()},"
            f" {platform.machine()}).",
            "",
            "| what | median s | rows | ratio to hand-written |",
            "| --- | ---: | ---: | ---: |",
            f"| dashboard read over `dealer_kpi_month` ({len(result.months)} months, every"
            f" KPI, medians, pooled, ranks) | {result.dashboard:.3f} |"
            f" {result.dashboard_rows:,} | {result.ratio:.3f}x |",
            f"| one hand-written SQL over the raw tables (18 of 20 KPIs, same medians, pooled,"
            f" ranks) | {result.handwritten:.3f} | {result.handwritten_rows:,} | 1x |",
            f"| hourly refresh: every dealer's current and previous local month | {refresh:.1f}"
            f" | {2 * len(h.dealer_ids) * 20:,} | - |",
            "",
            f"Values of the two agree on {result.agree:,} of {result.compared:,}"
            f" (dealer, month, KPI){_differ(result.differ)}. Dashboard reads:"
            f" {', '.join(f'{s:.3f}' for s in result.dashboard_seconds)} s; hand-written:"
            f" {', '.join(f'{s:.2f}' for s in result.handwritten_seconds)} s; refreshes:"
            f" {', '.join(f'{s:.1f}' for s in result.refresh_seconds)} s.",
        ]
    )
