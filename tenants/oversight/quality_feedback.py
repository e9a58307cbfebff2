"""Quality feedback (质量信息反馈): failures by part and by vehicle model across the dealers
a viewer reads, for the manufacturer's quality engineers and the regional manager.

A **failure** is one part failed on one repair order of one dealer, counted once:

- from warranty claims that are live (neither draft nor cancelled): the claim's causal
  part, and the parts of its part lines; dated by the claim's fault date, with the claim's
  mileage and fault code;
- from repair data: warranty part lines replaced (approved, pay type warranty) on a
  delivered order that no live claim names for that part; dated by the order's local
  delivery day, with the mileage at reception.

Months in service run from the vehicle's sale date to the failure (unknown without a sale
date). A failure on an order sent back to rework (``rework_count > 0``) counts as rework.
The period is ``[start, end]`` of those dates. Everything is one SQL per answer over the
dealers in scope; the caller's row-level security narrows it further.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

TOP_PARTS = 10
MAX_ROWS = 200

_FAILURES_CTE = """
with d as (
  select id as dealer_id, time_zone,
         ($2::date::timestamp at time zone time_zone) as t0,
         (($3::date + 1)::timestamp at time zone time_zone) as t1
    from dealer where id = any($1::bigint[])
),
claimed as (
  select c.dealer_id, c.repair_order_id, c.vehicle_id, c.vin, c.id as claim_id,
         c.fault_code, c.fault_date as occurred_on, c.mileage, cp.part_id
    from d join warranty_claim c on c.dealer_id = d.dealer_id
   cross join lateral (
     select c.causal_part_id as part_id where c.causal_part_id is not null
     union
     select l.part_id from warranty_claim_line l
      where l.dealer_id = c.dealer_id and l.claim_id = c.id and l.kind = 'part'
        and l.part_id is not null
   ) cp
   where c.status not in ('draft', 'cancelled') and c.fault_date between $2 and $3
),
replaced as (
  select o.dealer_id, o.id as repair_order_id, o.vehicle_id, v.vin, null::bigint as claim_id,
         '' as fault_code, (o.delivered_at at time zone d.time_zone)::date as occurred_on,
         o.mileage_in as mileage, l.part_id
    from d join repair_order o on o.dealer_id = d.dealer_id
    join repair_order_line l on l.dealer_id = o.dealer_id and l.repair_order_id = o.id
    join vehicle v on v.dealer_id = o.dealer_id and v.id = o.vehicle_id
   where o.status <> 'cancelled' and o.delivered_at >= d.t0 and o.delivered_at < d.t1
     and l.kind = 'part' and l.pay_type = 'warranty' and l.status = 'approved'
     and not exists (
       select 1 from warranty_claim c
        where c.dealer_id = o.dealer_id and c.repair_order_id = o.id
          and c.status not in ('draft', 'cancelled')
          and (c.causal_part_id = l.part_id or exists (
                select 1 from warranty_claim_line cl
                 where cl.dealer_id = c.dealer_id and cl.claim_id = c.id
                   and cl.kind = 'part' and cl.part_id = l.part_id)))
),
failures as (
  select distinct on (f.dealer_id, f.repair_order_id, f.part_id)
         f.*, v.model, v.sale_date, coalesce(o.rework_count, 0) > 0 as rework,
         p.part_number, p.name as part_name, p.name_zh as part_name_zh, p.part_group,
         case when v.sale_date is not null and v.sale_date <= f.occurred_on then
           (extract(year from age(f.occurred_on, v.sale_date)) * 12
            + extract(month from age(f.occurred_on, v.sale_date)))::int end as months_in_service
    from (select * from claimed union all select * from replaced) f
    join vehicle v on v.dealer_id = f.dealer_id and v.id = f.vehicle_id
    join part p on p.id = f.part_id
    left join repair_order o on o.dealer_id = f.dealer_id and o.id = f.repair_order_id
   where ($4::text is null or v.model = $4) and ($5::text is null or p.part_group = $5)
   order by f.dealer_id, f.repair_order_id, f.part_id, f.claim_id nulls last
)
"""

_BY_PART_MODEL_SQL = (
    _FAILURES_CTE
    + """
select part_id, part_number, part_name, part_name_zh, part_group, model,
       count(*)::int as failures,
       count(claim_id)::int as claims,
       count(*) filter (where rework)::int as reworks,
       count(distinct dealer_id)::int as dealers,
       count(distinct vin)::int as vehicles,
       min(occurred_on) as first_on, max(occurred_on) as last_on,
       percentile_cont(0.5) within group (order by mileage) as median_km,
       percentile_cont(0.5) within group (order by months_in_service) as median_months,
       coalesce(array_agg(distinct fault_code) filter (where fault_code <> ''), '{}')
         as fault_codes
  from failures
 group by part_id, part_number, part_name, part_name_zh, part_group, model
 order by count(*) desc, part_number, model
 limit $6
"""
)

_TOP_PARTS_SQL = (
    _FAILURES_CTE
    + """
select part_id, part_number, part_name, part_name_zh, part_group, count(*)::int as failures,
       count(distinct vin)::int as vehicles
  from failures
 group by part_id, part_number, part_name, part_name_zh, part_group
 order by count(*) desc, part_number
 limit $6
"""
)

_TREND_SQL = (
    _FAILURES_CTE
    + """
select m.month::date as month, count(f.part_id)::int as failures,
       count(distinct f.vin)::int as vehicles
  from generate_series(date_trunc('month', $2::date), date_trunc('month', $3::date),
                       interval '1 month') as m(month)
  left join failures f on date_trunc('month', f.occurred_on) = m.month
 group by m.month
 order by m.month
"""
)

_OPTIONS_SQL = (
    _FAILURES_CTE
    + """
select coalesce(array_agg(distinct model) filter (where model <> ''), '{}') as models,
       coalesce(array_agg(distinct part_group) filter (where part_group <> ''), '{}') as groups
  from failures
"""
)


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    model: str | None = None
    part_group: str | None = None


@dataclass(frozen=True)
class PartModelFailures:
    part_id: int
    part_number: str
    part_name: str
    part_name_zh: str
    part_group: str
    model: str
    failures: int
    claims: int
    reworks: int
    dealers: int
    vehicles: int
    first_on: date
    last_on: date
    median_km: Decimal | None
    median_months: Decimal | None
    fault_codes: list[str]


@dataclass(frozen=True)
class PartFailures:
    part_id: int
    part_number: str
    part_name: str
    part_name_zh: str
    part_group: str
    failures: int
    vehicles: int


@dataclass(frozen=True)
class MonthFailures:
    month: date
    failures: int
    vehicles: int


@dataclass(frozen=True)
class QualityFeedback:
    rows: list[PartModelFailures]
    top_parts: list[PartFailures]
    trend: list[MonthFailures]
    models: list[str]
    part_groups: list[str]


def _args(dealer_ids: Sequence[int], f: Filters) -> list[Any]:
    return [list(dealer_ids), f.start, f.end, f.model or None, f.part_group or None]


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


async def quality_feedback(
    conn: asyncpg.Connection, dealer_ids: Sequence[int], filters: Filters
) -> QualityFeedback:
    """Failures by part x model, the top failing parts and the monthly trend over
    ``dealer_ids`` (those the viewer reads), with the filters' choices."""
    args = _args(dealer_ids, filters)
    rows = await conn.fetch(_BY_PART_MODEL_SQL, *args, MAX_ROWS)
    top = await conn.fetch(_TOP_PARTS_SQL, *args, TOP_PARTS)
    trend = await conn.fetch(_TREND_SQL, *args)
    options = await conn.fetchrow(
        _OPTIONS_SQL, *_args(dealer_ids, Filters(filters.start, filters.end))
    )
    assert options is not None
    return QualityFeedback(
        rows=[
            PartModelFailures(
                part_id=r["part_id"],
                part_number=r["part_number"],
                part_name=r["part_name"],
                part_name_zh=r["part_name_zh"],
                part_group=r["part_group"],
                model=r["model"],
                failures=r["failures"],
                claims=r["claims"],
                reworks=r["reworks"],
                dealers=r["dealers"],
                vehicles=r["vehicles"],
                first_on=r["first_on"],
                last_on=r["last_on"],
                median_km=_dec(r["median_km"]),
                median_months=_dec(r["median_months"]),
                fault_codes=sorted(r["fault_codes"]),
            )
            for r in rows
        ],
        top_parts=[
            PartFailures(
                r["part_id"],
                r["part_number"],
                r["part_name"],
                r["part_name_zh"],
                r["part_group"],
                r["failures"],
                r["vehicles"],
            )
            for r in top
        ],
        trend=[MonthFailures(r["month"], r["failures"], r["vehicles"]) for r in trend],
        models=sorted(options["models"]),
        part_groups=sorted(options["groups"]),
    )
