"""Outlier flags: dealers whose warranty figures stand far from their region's (a
warranty-fraud and quality signal for the regional manager, 大区服务主管).

A period is ``[start, end]`` in each dealer's own calendar (local midnight to local
midnight, DST-correct through ``at time zone``). Measures, computed from the raw tables in
one statement for the dealers in scope:

- **claims per 100 orders (索赔率)**: live claims (neither draft nor cancelled) submitted
  in the period x 100 / repair orders delivered in the period.
- **labour hours per claim (单次索赔工时)**: labour hours on those claims' lines / claims.
- **repeat claims per VIN (重复索赔)**: share (%) of those claims whose VIN had another live
  claim of the same dealer with a fault date within ``REPEAT_WINDOW_DAYS`` either side
  (the other claim may lie outside the period).
- **parts-return failures (旧件回运不合格)**: old parts of those claims that had to go back
  and failed: inspected as not confirmed or not received, or requested by the manufacturer
  and still not shipped ``RETURN_DEADLINE_DAYS`` after the request, per 100 claims.

A dealer is **flagged** on a measure when its modified z-score (Iglewicz and Hoaglin)
``0.6745 (x - median) / MAD`` is at least ``Z_THRESHOLD``; when the region's MAD is 0 the
mean absolute deviation stands in (``(x - median) / (1.253314 x meanAD)``), and when that is
0 too the eligible dealers all sit on the median (z = 0 there, none elsewhere). Values
are kept to 4 decimals and the medians to 6, so that percentile_cont's float arithmetic
leaves no spurious spread. Only the high side flags: each measure is
worse when higher. The median and spread are over the **eligible** dealers: at least
``MIN_ORDERS`` delivered orders, and at least ``MIN_CLAIMS`` claims for the per-claim
measures, so that tiny dealers neither flag nor bend the region's figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

MEASURES: tuple[str, ...] = (
    "claims_per_100_orders",
    "labour_hours_per_claim",
    "repeat_claims_per_vin",
    "parts_return_failures",
)
"""Keys shared with ``kpi_catalog`` (H1's monthly facts use the same names)."""

Z_THRESHOLD = Decimal("3.5")
MIN_ORDERS = 10
MIN_CLAIMS = 5
REPEAT_WINDOW_DAYS = 90
RETURN_DEADLINE_DAYS = 30
DEFAULT_MONTHS = 6
TOP_RECORDS = 10


def default_period(today: date, months: int = DEFAULT_MONTHS) -> tuple[date, date]:
    """The last ``months`` complete calendar months before ``today``'s month."""
    end = today.replace(day=1) - timedelta(days=1)
    first = end.replace(day=1)
    year, month = first.year, first.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1), end


@dataclass(frozen=True)
class DealerMeasure:
    """One dealer's figure on one measure, with what it rests on and how far it stands."""

    dealer_id: int
    dealer_code: str
    dealer_name: str
    measure: str
    value: Decimal | None
    numerator: Decimal
    denominator: Decimal
    orders: int
    claims: int
    labour_hours: Decimal
    eligible: bool
    median: Decimal | None
    mad: Decimal | None
    z: Decimal | None
    flagged: bool


@dataclass(frozen=True)
class Spread:
    """The region's centre and spread of one measure over its eligible dealers."""

    measure: str
    median: Decimal | None
    mad: Decimal | None
    mean_deviation: Decimal | None
    eligible_dealers: int
    flagged_dealers: int


@dataclass(frozen=True)
class OutlierReport:
    start: date
    end: date
    spreads: list[Spread]
    figures: list[DealerMeasure]

    def flagged(self) -> list[DealerMeasure]:
        return [f for f in self.figures if f.flagged]


_FIGURES_SQL = """
with d as (
  select id as dealer_id, code, name, time_zone,
         ($2::date::timestamp at time zone time_zone) as t0,
         (($3::date + 1)::timestamp at time zone time_zone) as t1
    from dealer where id = any($1::bigint[])
),
orders as (
  select d.dealer_id, count(o.id) as n
    from d left join repair_order o
      on o.dealer_id = d.dealer_id and o.status <> 'cancelled'
     and o.delivered_at >= d.t0 and o.delivered_at < d.t1
   group by d.dealer_id
),
claims as (
  select c.dealer_id, c.id, c.vin, c.fault_date
    from d join warranty_claim c on c.dealer_id = d.dealer_id
   where c.status not in ('draft', 'cancelled')
     and c.submitted_at >= d.t0 and c.submitted_at < d.t1
),
per_claim as (
  select c.dealer_id,
         coalesce((select sum(l.hours) from warranty_claim_line l
                    where l.dealer_id = c.dealer_id and l.claim_id = c.id
                      and l.kind = 'labour'), 0) as hours,
         exists (select 1 from warranty_claim o
                  where o.dealer_id = c.dealer_id and o.vin = c.vin and o.id <> c.id
                    and o.status not in ('draft', 'cancelled')
                    and abs(o.fault_date - c.fault_date) <= $4) as repeat,
         (select count(*) from old_part_claim pc
            join old_part p on p.dealer_id = pc.dealer_id and p.id = pc.old_part_id
           where pc.dealer_id = c.dealer_id and pc.claim_id = c.id and p.must_return
             and (p.inspection_result in ('not_confirmed', 'not_received')
                  or (p.status = 'requested'
                      and (select min(m.created_at) from old_part_movement m
                            where m.dealer_id = p.dealer_id and m.old_part_id = p.id
                              and m.to_status = 'requested')
                        < $5::timestamptz - $6 * interval '1 day'))
         ) as return_failures
    from claims c
),
per_dealer as (
  select d.dealer_id, d.code, d.name, coalesce(o.n, 0)::int as orders,
         count(pc.dealer_id)::int as claims,
         coalesce(sum(pc.hours), 0)::numeric as hours,
         count(*) filter (where pc.repeat)::numeric as repeats,
         coalesce(sum(pc.return_failures), 0)::numeric as failures
    from d join orders o on o.dealer_id = d.dealer_id
    left join per_claim pc on pc.dealer_id = d.dealer_id
   group by d.dealer_id, d.code, d.name, o.n
),
figures as (
  select p.dealer_id, p.code, p.name, p.orders, p.claims, p.hours, m.measure, m.num, m.den,
         case when m.den > 0 then round(m.scale * m.num / m.den, 4) end as value,
         p.orders >= $7 and (m.measure = 'claims_per_100_orders' or p.claims >= $8) as eligible
    from per_dealer p
   cross join lateral (values
     ('claims_per_100_orders', p.claims::numeric, p.orders::numeric, 100::numeric),
     ('labour_hours_per_claim', p.hours, p.claims::numeric, 1::numeric),
     ('repeat_claims_per_vin', p.repeats, p.claims::numeric, 100::numeric),
     ('parts_return_failures', p.failures, p.claims::numeric, 100::numeric)
   ) as m(measure, num, den, scale)
),
centre as (
  select measure, round(percentile_cont(0.5) within group (order by value)::numeric, 6) as median
    from figures where eligible and value is not null group by measure
),
spread as (
  select f.measure, c.median,
         round(percentile_cont(0.5) within group (order by abs(f.value - c.median))::numeric, 6)
           as mad,
         avg(abs(f.value - c.median)) as mean_deviation,
         count(*)::int as eligible_dealers
    from figures f join centre c using (measure)
   where f.eligible and f.value is not null
   group by f.measure, c.median
)
select f.*, s.median, s.mad, s.mean_deviation, coalesce(s.eligible_dealers, 0) as eligible_dealers,
       case
         when f.value is null or s.median is null then null
         when s.mad > 0 then 0.6745 * (f.value - s.median) / s.mad
         when s.mean_deviation > 0 then (f.value - s.median) / (1.253314 * s.mean_deviation)
         when f.value = s.median then 0
       end as z
  from figures f left join spread s using (measure)
 order by f.measure, f.code
"""


def _q(value: Any, places: str = "0.01") -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal(places))


async def outlier_report(
    conn: asyncpg.Connection,
    dealer_ids: Sequence[int],
    start: date,
    end: date,
    now: datetime,
) -> OutlierReport:
    """The four measures of ``dealer_ids`` (the region in the caller's scope) over the period,
    each dealer against the group's median and MAD, flags decided here."""
    rows = await conn.fetch(
        _FIGURES_SQL,
        list(dealer_ids),
        start,
        end,
        REPEAT_WINDOW_DAYS,
        now,
        RETURN_DEADLINE_DAYS,
        MIN_ORDERS,
        MIN_CLAIMS,
    )
    figures: list[DealerMeasure] = []
    spreads: dict[str, Spread] = {}
    for r in rows:
        z = _q(r["z"])
        flagged = bool(r["eligible"]) and z is not None and z >= Z_THRESHOLD
        figures.append(
            DealerMeasure(
                dealer_id=r["dealer_id"],
                dealer_code=r["code"],
                dealer_name=r["name"],
                measure=r["measure"],
                value=_q(r["value"]),
                numerator=Decimal(r["num"]),
                denominator=Decimal(r["den"]),
                orders=r["orders"],
                claims=r["claims"],
                labour_hours=Decimal(r["hours"]),
                eligible=bool(r["eligible"]),
                median=_q(r["median"]),
                mad=_q(r["mad"]),
                z=z,
                flagged=flagged,
            )
        )
        previous = spreads.get(r["measure"])
        spreads[r["measure"]] = Spread(
            measure=r["measure"],
            median=_q(r["median"]),
            mad=_q(r["mad"]),
            mean_deviation=_q(r["mean_deviation"]),
            eligible_dealers=r["eligible_dealers"],
            flagged_dealers=(previous.flagged_dealers if previous else 0) + int(flagged),
        )
    ordered = [spreads[m] for m in MEASURES if m in spreads]
    return OutlierReport(start=start, end=end, spreads=ordered, figures=figures)


@dataclass(frozen=True)
class RepeatVin:
    vin: str
    claims: int
    numbers: list[str]
    first_fault: date
    last_fault: date


@dataclass(frozen=True)
class LabourLine:
    claim_number: str
    vin: str
    description: str
    hours: Decimal
    standard_hours: Decimal | None


@dataclass(frozen=True)
class ReturnFailure:
    tag: str
    claim_number: str
    part_number: str
    part_name: str
    status: str
    inspection_result: str | None


@dataclass(frozen=True)
class OutlierRecords:
    """The records behind one dealer's figures, for the drill-down."""

    repeat_vins: list[RepeatVin]
    labour_lines: list[LabourLine]
    return_failures: list[ReturnFailure]


_CLAIMS_CTE = """
with d as (
  select id as dealer_id, ($2::date::timestamp at time zone time_zone) as t0,
         (($3::date + 1)::timestamp at time zone time_zone) as t1
    from dealer where id = $1
),
claims as (
  select c.* from d join warranty_claim c on c.dealer_id = d.dealer_id
   where c.status not in ('draft', 'cancelled')
     and c.submitted_at >= d.t0 and c.submitted_at < d.t1
)
"""

_REPEAT_SQL = (
    _CLAIMS_CTE
    + """
select c.vin, count(*)::int as claims, array_agg(c.number order by c.fault_date, c.id) as numbers,
       min(c.fault_date) as first_fault, max(c.fault_date) as last_fault
  from claims c
 where exists (select 1 from warranty_claim o
                where o.dealer_id = c.dealer_id and o.vin = c.vin and o.id <> c.id
                  and o.status not in ('draft', 'cancelled')
                  and abs(o.fault_date - c.fault_date) <= $4)
 group by c.vin
 order by count(*) desc, c.vin
 limit $5
"""
)

_LABOUR_SQL = (
    _CLAIMS_CTE
    + """
select c.number as claim_number, c.vin, l.description, l.hours, l.standard_hours
  from claims c join warranty_claim_line l on l.dealer_id = c.dealer_id and l.claim_id = c.id
 where l.kind = 'labour' and l.hours is not null
 order by l.hours desc, c.number, l.id
 limit $4
"""
)

_FAILURES_SQL = (
    _CLAIMS_CTE
    + """
select p.tag, c.number as claim_number, pt.part_number, pt.name as part_name, p.status,
       p.inspection_result
  from claims c
  join old_part_claim pc on pc.dealer_id = c.dealer_id and pc.claim_id = c.id
  join old_part p on p.dealer_id = pc.dealer_id and p.id = pc.old_part_id
  join part pt on pt.id = p.part_id
 where p.must_return
   and (p.inspection_result in ('not_confirmed', 'not_received')
        or (p.status = 'requested'
            and (select min(m.created_at) from old_part_movement m
                  where m.dealer_id = p.dealer_id and m.old_part_id = p.id
                    and m.to_status = 'requested') < $4::timestamptz - $5 * interval '1 day'))
 order by c.number, p.tag
 limit $6
"""
)


async def outlier_records(
    conn: asyncpg.Connection, dealer_id: int, start: date, end: date, now: datetime
) -> OutlierRecords:
    """The VINs with repeat claims, the longest labour lines and the failed returns of one
    dealer's claims in the period: what a flag's numbers are made of."""
    repeats = await conn.fetch(_REPEAT_SQL, dealer_id, start, end, REPEAT_WINDOW_DAYS, TOP_RECORDS)
    labour = await conn.fetch(_LABOUR_SQL, dealer_id, start, end, TOP_RECORDS)
    failures = await conn.fetch(
        _FAILURES_SQL, dealer_id, start, end, now, RETURN_DEADLINE_DAYS, TOP_RECORDS
    )
    return OutlierRecords(
        repeat_vins=[
            RepeatVin(r["vin"], r["claims"], list(r["numbers"]), r["first_fault"], r["last_fault"])
            for r in repeats
        ],
        labour_lines=[
            LabourLine(
                r["claim_number"], r["vin"], r["description"], r["hours"], r["standard_hours"]
            )
            for r in labour
        ],
        return_failures=[
            ReturnFailure(
                r["tag"],
                r["claim_number"],
                r["part_number"],
                r["part_name"],
                r["status"],
                r["inspection_result"],
            )
            for r in failures
        ],
    )
