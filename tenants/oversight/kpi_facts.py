"""Every KPI of ``kpi_catalog.KPIS`` for a list of dealers and months, each month a
calendar month of the dealer's own time zone (local midnight of the 1st to local midnight
of the next 1st, DST-correct through ``at time zone``).

The figures are the other issues' own definitions, reused rather than rewritten:

- service (``tenants/service/measures.py``): orders delivered, labour hours sold,
  efficiency (billed / clocked hours), first-time fix (fixed first time / delivered);
- care (``tenants/care/measures.py``): revisit coverage (called / delivered orders),
  revisit success (succeeded / revisits due), CSI (mean score over the survey answers:
  numerator = CSI x answers, denominator = answers, so a region pools answers), major
  complaint rate (serious and severe complaints / delivered orders);
- parts (``tenants/parts/kpis.py``): fill rate (requests available at request /
  requests), turnover (cost of issues over the 12 months ending with the month / average
  inventory value at the 13 month marks), dead-stock share (dead value / stock value at
  the month's end);
- warranty (here, one statement): claims submitted (``submitted_at`` in the month),
  approved (approved, partially approved or paid, ``decided_at`` in the month) and
  rejected (``decided_at``), amounts requested (of the submitted) and approved (of the
  approved); claims per 100 orders = submitted / orders delivered x 100; labour hours per
  claim = hours x quantity of the labour lines of the submitted claims / submitted;
  repeat claims per VIN = submitted claims whose VIN had another claim submitted in the
  90 days before / submitted; old-part return failures = parts the manufacturer requested
  whose shipping deadline (``RETURN_DAYS`` after the request) fell in the month unshipped,
  plus parts whose inspection in the month found them not confirmed or not received
  (denominator: parts due in the month plus parts inspected in it).

A ratio keeps its numerator and denominator; ``value`` is ``SCALE x numerator /
denominator`` (``None`` when the denominator is zero), so a region's figure is a ratio of
sums, never a mean of ratios. Counts, hours and amounts have no denominator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import asyncpg

from tenants.care.measures import measures as care_measures
from tenants.care.measures import month_end
from tenants.oversight.kpi_catalog import KPI_BY_KEY
from tenants.parts.kpis import dead_stock, fill_rates, stock_values
from tenants.service.measures import service_measures

RETURN_DAYS = 30
"""Days a dealer has to ship an old part once the manufacturer requested it."""
REPEAT_CLAIM_DAYS = 90
"""A claim is a repeat when its VIN had another claim submitted this many days before."""

SCALE: dict[str, Decimal] = {"claims_per_100_orders": Decimal(100)}
"""value = SCALE x numerator / denominator (1 unless listed)."""

RATIOS: frozenset[str] = frozenset(
    {
        "efficiency",
        "first_time_fix_rate",
        "revisit_coverage",
        "revisit_success",
        "csi",
        "major_complaint_rate",
        "parts_fill_rate",
        "parts_turnover",
        "dead_stock_share",
        "claims_per_100_orders",
        "labour_hours_per_claim",
        "repeat_claims_per_vin",
    }
)
"""KPIs whose value is numerator / denominator: a region pools them (sum over sum). The
others (counts, hours, amounts) add up; ``parts_return_failures`` is a count whose
denominator only says how many parts were checked."""

PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Fact:
    """One row of ``dealer_kpi_month``."""

    dealer_id: int
    month: date
    kpi: str
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def _q(value: Decimal | int | float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(PLACES, ROUND_HALF_UP)


def amount(dealer_id: int, month: date, kpi: str, value: Decimal | int | float | None) -> Fact:
    """A count, hours or money: the value alone."""
    return Fact(dealer_id, month, kpi, _q(value if value is not None else 0))


def ratio(
    dealer_id: int,
    month: date,
    kpi: str,
    numerator: Decimal | int | float | None,
    denominator: Decimal | int | float | None,
) -> Fact:
    """A ratio with what is behind it; ``None`` when there is nothing to measure."""
    num = _q(numerator or 0)
    den = _q(denominator or 0)
    assert num is not None and den is not None
    value = _q(SCALE.get(kpi, Decimal(1)) * num / den) if den else None
    return Fact(dealer_id, month, kpi, value, num, den)


WARRANTY_SQL = """
with p as (
  select d.id as dealer_id, m.month,
         (m.month::timestamp at time zone d.time_zone) as t0,
         ((m.month + interval '1 month')::timestamp at time zone d.time_zone) as t1
    from dealer d cross join unnest($2::date[]) as m(month)
   where d.id = any($1::bigint[])
)
select p.dealer_id, p.month, s.*, dc.*, o.delivered, r.*
  from p
 cross join lateral (
   select count(*) as submitted,
          coalesce(sum(c.requested_amount), 0) as amount_requested,
          coalesce(sum((select sum(coalesce(l.hours, 0) * l.quantity)
                          from warranty_claim_line l
                         where l.dealer_id = c.dealer_id and l.claim_id = c.id
                           and l.kind = 'labour')), 0) as labour_hours,
          count(*) filter (where exists (
            select 1 from warranty_claim e
             where e.dealer_id = c.dealer_id and e.vin = c.vin and e.id <> c.id
               and e.status <> 'cancelled'
               and e.submitted_at < c.submitted_at
               and e.submitted_at >= c.submitted_at - make_interval(days => $3)))
            as repeat_claims
     from warranty_claim c
    where c.dealer_id = p.dealer_id and c.status <> 'cancelled'
      and c.submitted_at >= p.t0 and c.submitted_at < p.t1
 ) s
 cross join lateral (
   select count(*) filter (where c.status in ('approved', 'partially_approved', 'paid'))
            as approved,
          count(*) filter (where c.status = 'rejected') as rejected,
          coalesce(sum(c.approved_amount)
                     filter (where c.status in ('approved', 'partially_approved', 'paid')), 0)
            as amount_approved
     from warranty_claim c
    where c.dealer_id = p.dealer_id
      and c.decided_at >= p.t0 and c.decided_at < p.t1
 ) dc
 cross join lateral (
   select count(*) as delivered from repair_order ro
    where ro.dealer_id = p.dealer_id and ro.status = 'delivered'
      and ro.delivered_at >= p.t0 and ro.delivered_at < p.t1
 ) o
 cross join lateral (
   with requested as (
     select op.id, min(mv.created_at) + make_interval(days => $4) as deadline,
            (select min(sh.created_at) from old_part_movement sh
              where sh.dealer_id = op.dealer_id and sh.old_part_id = op.id
                and sh.to_status = 'shipped') as shipped_at
       from old_part op
       join old_part_movement mv on mv.dealer_id = op.dealer_id and mv.old_part_id = op.id
                                and mv.to_status = 'requested'
      where op.dealer_id = p.dealer_id
      group by op.id, op.dealer_id
   ),
   due as (
     select count(*) as due,
            count(*) filter (where shipped_at is null or shipped_at > deadline) as late
       from requested where deadline >= p.t0 and deadline < p.t1
   ),
   inspected as (
     select count(*) as inspected,
            count(*) filter (where op.inspection_result in ('not_confirmed', 'not_received'))
              as failed
       from old_part op
      where op.dealer_id = p.dealer_id
        and op.inspected_at >= p.t0 and op.inspected_at < p.t1
   )
   select due.due + inspected.inspected as return_checks,
          due.late + inspected.failed as return_failures
     from due, inspected
 ) r
 order by p.dealer_id, p.month
"""


async def warranty_facts(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], months: Sequence[date]
) -> list[Fact]:
    rows = await connection.fetch(
        WARRANTY_SQL, list(dealer_ids), list(months), REPEAT_CLAIM_DAYS, RETURN_DAYS
    )
    facts: list[Fact] = []
    for r in rows:
        d, m = r["dealer_id"], r["month"]
        facts += [
            amount(d, m, "claims_submitted", r["submitted"]),
            amount(d, m, "claims_approved", r["approved"]),
            amount(d, m, "claims_rejected", r["rejected"]),
            amount(d, m, "claim_amount_requested", r["amount_requested"]),
            amount(d, m, "claim_amount_approved", r["amount_approved"]),
            ratio(d, m, "claims_per_100_orders", r["submitted"], r["delivered"]),
            ratio(d, m, "labour_hours_per_claim", r["labour_hours"], r["submitted"]),
            ratio(d, m, "repeat_claims_per_vin", r["repeat_claims"], r["submitted"]),
            Fact(
                d,
                m,
                "parts_return_failures",
                _q(r["return_failures"]),
                _q(r["return_failures"]),
                _q(r["return_checks"]),
            ),
        ]
    return facts


async def service_facts(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], months: Sequence[date]
) -> list[Fact]:
    """The service summary is written for one dealer and period: one query per pair (the
    refresh runs a dealer at a time over two months, so two queries)."""
    facts: list[Fact] = []
    for d in dealer_ids:
        for m in months:
            s = await service_measures(connection, d, m, month_end(m))
            facts += [
                amount(d, m, "orders_delivered", s.delivered),
                amount(d, m, "labour_hours_sold", s.labour_hours_sold),
                ratio(d, m, "efficiency", s.billed_hours, s.clocked_hours),
                ratio(d, m, "first_time_fix_rate", s.fixed_first_time, s.delivered),
            ]
    return facts


CSI_POINTS_SQL = """
select p.dealer_id, p.month, coalesce(sum((s.score - 1) * 25.0), 0) as points
  from (select d.id as dealer_id, m.month,
               (m.month::timestamp at time zone d.time_zone) as t0,
               ((m.month + interval '1 month')::timestamp at time zone d.time_zone) as t1
          from dealer d cross join unnest($2::date[]) as m(month)
         where d.id = any($1::bigint[])) p
  left join revisit_attempt a on a.dealer_id = p.dealer_id
                             and a.called_at >= p.t0 and a.called_at < p.t1
  left join revisit_survey_answer s on s.dealer_id = a.dealer_id and s.attempt_id = a.id
 group by p.dealer_id, p.month
"""
"""The CSI's points unrounded (the care measures round the mean to one place), so a
region's CSI pools the answers exactly: CSI = points / answers."""


async def care_facts(
    connection: asyncpg.Connection,
    dealer_ids: Sequence[int],
    months: Sequence[date],
    now: datetime,
) -> list[Fact]:
    rows = await care_measures(connection, dealer_ids, [(m, month_end(m)) for m in months], now)
    points = {
        (r["dealer_id"], r["month"]): r["points"]
        for r in await connection.fetch(CSI_POINTS_SQL, list(dealer_ids), list(months))
    }
    facts: list[Fact] = []
    for c in rows:
        d, m = c.dealer_id, c.start
        csi_points = points.get((d, m), Decimal(0))
        facts += [
            ratio(d, m, "revisit_coverage", c.called_orders, c.delivered_orders),
            ratio(d, m, "revisit_success", c.succeeded, c.revisits_due),
            ratio(d, m, "csi", csi_points, c.survey_answers),
            ratio(d, m, "major_complaint_rate", c.major_complaints, c.delivered_orders),
        ]
    return facts


async def parts_facts(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], months: Sequence[date]
) -> list[Fact]:
    """Three queries a month, each over every dealer."""
    facts: list[Fact] = []
    for m in months:
        end = month_end(m)
        fill = await fill_rates(connection, dealer_ids, m, end)
        stock = await stock_values(connection, dealer_ids, m, end)
        dead = await dead_stock(connection, dealer_ids, m, end)
        for d in dealer_ids:
            if d not in fill:
                continue
            f, s, x = fill[d], stock[d], dead[d]
            facts += [
                ratio(d, m, "parts_fill_rate", f.requests_available, f.requests),
                ratio(d, m, "parts_turnover", s.issue_cost_12_months, s.average_inventory_value),
                ratio(d, m, "dead_stock_share", x.dead_value, x.stock_value),
            ]
    return facts


async def compute_facts(
    connection: asyncpg.Connection,
    dealer_ids: Sequence[int],
    months: Sequence[date],
    now: datetime,
) -> list[Fact]:
    """Every catalog KPI for every (dealer, month), ordered by dealer, month, KPI.
    ``months`` are firsts of months; ``now`` (UTC-aware) fixes the care figures' today."""
    for m in months:
        if m.day != 1:
            raise ValueError(f"{m} is not the first of a month")
    if not dealer_ids or not months:
        return []
    facts = (
        await service_facts(connection, dealer_ids, months)
        + await care_facts(connection, dealer_ids, months, now)
        + await parts_facts(connection, dealer_ids, months)
        + await warranty_facts(connection, dealer_ids, months)
    )
    missing = {f.kpi for f in facts} ^ set(KPI_BY_KEY)
    assert not missing, f"KPI facts and catalog disagree on {missing}"
    return sorted(facts, key=lambda f: (f.dealer_id, f.month, f.kpi))
