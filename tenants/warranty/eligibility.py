"""Is a warranty line of a repair order covered, and why (or why not)?

The facts of many lines come in one query (sale date, the order's date and mileage,
the manufacturer's policy, the term that applies to the line's part, the claims
specialist's judgement of the cause, an open recall for the VIN, first-service use);
``decide`` then applies the rules in this order:

1. no warranty policy for the manufacturer: undecided;
2. an open recall or service campaign naming the VIN whose operation is the line's
   (or whose operation uses the line's part): covered whatever the car's age;
3. no sale date, or no mileage on the order: undecided, and it says which;
4. a cause the policy excludes (accident, misuse, modification ...): not covered;
   accident jobs are insurance work;
5. maintenance (a maintenance operation, or a part that operation uses on the same
   order) is covered once, as the first service (首保), within its months and km;
6. otherwise the part's group term if its group has one, else the base terms.
   A part line follows its part; a labour line its causal part, else the strictest
   group term among its operation's parts (naming the causal part decides it).

Periods include their limits: a 36-month term sold on 15 March covers up to and
including 14 March three years later (the day before the anniversary), and a
100,000 km term covers the car at exactly 100,000 km.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

Reason = str
"""CAMPAIGN, FIRST_SERVICE, WITHIN_BASE_TERMS, WITHIN_PART_GROUP_TERMS, EXCLUDED_CAUSE,
EXPIRED_BY_TIME, EXPIRED_BY_MILEAGE, FIRST_SERVICE_EXPIRED, FIRST_SERVICE_USED,
SALE_DATE_MISSING, MILEAGE_MISSING, NO_POLICY."""

COVERED_REASONS = frozenset(
    {"CAMPAIGN", "FIRST_SERVICE", "WITHIN_BASE_TERMS", "WITHIN_PART_GROUP_TERMS"}
)


@dataclass(frozen=True)
class CampaignRef:
    id: int
    code: str
    kind: str
    title: str
    title_zh: str
    starts_on: date
    ends_on: date | None
    operation_id: int | None


@dataclass(frozen=True)
class Eligibility:
    line_id: int
    covered: bool | None
    """None: cannot be decided (the reason says what is missing)."""
    reason: Reason
    term_source: str | None = None
    """campaign | first_service | part_group | base"""
    cause: str | None = None
    causal_part_id: int | None = None
    term_part_id: int | None = None
    part_group: str | None = None
    sale_date: date | None = None
    reference_date: date | None = None
    months_since_sale: int | None = None
    months_limit: int | None = None
    covered_until: date | None = None
    km: int | None = None
    km_limit: int | None = None
    campaign: CampaignRef | None = None
    first_service_claim: str | None = None
    """The number of the claim that already used the first service."""


FACTS_SQL = """
with line as (
  select l.id, l.dealer_id, l.repair_order_id, l.kind, l.operation_id, l.part_id,
         o.mileage_in, (o.opened_at at time zone d.time_zone)::date as reference_date,
         v.sale_date, v.vin, r.manufacturer_id
    from repair_order_line l
    join repair_order o on o.dealer_id = l.dealer_id and o.id = l.repair_order_id
    join vehicle v on v.dealer_id = o.dealer_id and v.id = o.vehicle_id
    join dealer d on d.id = l.dealer_id
    join region r on r.id = d.region_id
   where l.dealer_id = $1 and l.id = any($2::bigint[]) and l.pay_type = 'warranty'
)
select line.*,
       wp.manufacturer_id is not null as has_policy,
       wp.base_months, wp.base_km, wp.first_service_months, wp.first_service_km,
       wp.excluded_causes,
       a.cause, a.causal_part_id,
       term.part_id as term_part_id, term.part_group, term.months as group_months,
       term.km as group_km,
       (op.kind = 'maintenance' or exists (
          select 1 from repair_order_line m
            join labour_operation mo on mo.id = m.operation_id and mo.kind = 'maintenance'
            join operation_part x on x.operation_id = m.operation_id and x.part_id = line.part_id
           where m.dealer_id = line.dealer_id and m.repair_order_id = line.repair_order_id
             and m.pay_type = 'warranty' and m.status not in ('declined', 'cancelled')
       )) as first_service_line,
       used.number as first_service_claim,
       camp.id as campaign_id, camp.code as campaign_code, camp.kind as campaign_kind,
       camp.title as campaign_title, camp.title_zh as campaign_title_zh,
       camp.starts_on as campaign_starts_on, camp.ends_on as campaign_ends_on,
       camp.operation_id as campaign_operation_id,
       (date_part('year', age(line.reference_date, line.sale_date)) * 12
        + date_part('month', age(line.reference_date, line.sale_date)))::int as months_since_sale,
       (line.sale_date + make_interval(months => wp.base_months))::date - 1 as base_until,
       (line.sale_date + make_interval(months => term.months))::date - 1 as group_until,
       (line.sale_date + make_interval(months => wp.first_service_months))::date - 1
         as first_service_until
  from line
  left join warranty_policy wp on wp.manufacturer_id = line.manufacturer_id
  left join warranty_line_assessment a
    on a.dealer_id = line.dealer_id and a.repair_order_line_id = line.id
  left join labour_operation op on op.id = line.operation_id
  left join lateral (
    select p.id as part_id, nullif(p.part_group, '') as part_group, t.months, t.km
      from part p
      left join warranty_part_group_term t
        on t.manufacturer_id = line.manufacturer_id and t.part_group = p.part_group
     where p.id = coalesce(line.part_id, a.causal_part_id)
        or (line.part_id is null and a.causal_part_id is null and p.id in (
              select x.part_id from operation_part x where x.operation_id = line.operation_id))
     order by t.months is null, t.months, t.km, p.id
     limit 1
  ) term on true
  left join lateral (
    (select c.number from warranty_claim c
      where c.dealer_id = line.dealer_id and c.vin = line.vin and c.claim_type = 'first_service'
        and c.status not in ('cancelled', 'rejected') and c.repair_order_id <> line.repair_order_id
      order by c.id limit 1)
    union all
    (select n.dealer_code from warranty_network_claims(line.dealer_id, line.vin) n
      where n.claim_type = 'first_service' and n.status <> 'rejected'
      order by n.fault_date limit 1)
     limit 1
  ) used on true
  left join lateral (
    select c.id, c.code, c.kind, c.title, c.title_zh, c.starts_on, c.ends_on, c.operation_id
      from campaign_vehicle cv
      join campaign c on c.id = cv.campaign_id
     where cv.vin = line.vin and cv.completed_at is null
       and c.manufacturer_id = line.manufacturer_id and c.status = 'open'
       and c.starts_on <= line.reference_date
       and (c.ends_on is null or c.ends_on >= line.reference_date)
       and (c.operation_id = line.operation_id or line.part_id in (
              select x.part_id from operation_part x where x.operation_id = c.operation_id))
     order by c.starts_on, c.id limit 1
  ) camp on true
"""


def decide(f: Any) -> Eligibility:
    """The rules of the module docstring on one line's facts (a row of FACTS_SQL)."""
    line_id: int = f["id"]
    base = {
        "line_id": line_id,
        "cause": f["cause"],
        "causal_part_id": f["causal_part_id"],
        "sale_date": f["sale_date"],
        "reference_date": f["reference_date"],
        "months_since_sale": f["months_since_sale"],
        "km": f["mileage_in"],
    }
    if not f["has_policy"]:
        return Eligibility(covered=None, reason="NO_POLICY", **base)
    if f["campaign_id"] is not None:
        campaign = CampaignRef(
            f["campaign_id"],
            f["campaign_code"],
            f["campaign_kind"],
            f["campaign_title"],
            f["campaign_title_zh"],
            f["campaign_starts_on"],
            f["campaign_ends_on"],
            f["campaign_operation_id"],
        )
        return Eligibility(
            covered=True, reason="CAMPAIGN", term_source="campaign", campaign=campaign, **base
        )
    if f["sale_date"] is None:
        return Eligibility(covered=None, reason="SALE_DATE_MISSING", **base)
    if f["mileage_in"] is None:
        return Eligibility(covered=None, reason="MILEAGE_MISSING", **base)
    if f["cause"] is not None and f["cause"] in (f["excluded_causes"] or ()):
        return Eligibility(covered=False, reason="EXCLUDED_CAUSE", **base)
    km: int = f["mileage_in"]
    reference: date = f["reference_date"]
    if f["first_service_line"]:
        terms = {
            "term_source": "first_service",
            "months_limit": f["first_service_months"],
            "covered_until": f["first_service_until"],
            "km_limit": f["first_service_km"],
        }
        if f["first_service_claim"] is not None:
            return Eligibility(
                covered=False,
                reason="FIRST_SERVICE_USED",
                first_service_claim=f["first_service_claim"],
                **terms,
                **base,
            )
        within = reference <= f["first_service_until"] and km <= f["first_service_km"]
        return Eligibility(
            covered=within,
            reason="FIRST_SERVICE" if within else "FIRST_SERVICE_EXPIRED",
            **terms,
            **base,
        )
    by_group = f["group_months"] is not None
    until: date = f["group_until"] if by_group else f["base_until"]
    km_limit: int = f["group_km"] if by_group else f["base_km"]
    terms = {
        "term_source": "part_group" if by_group else "base",
        "term_part_id": f["term_part_id"],
        "part_group": f["part_group"],
        "months_limit": f["group_months"] if by_group else f["base_months"],
        "covered_until": until,
        "km_limit": km_limit,
    }
    if reference > until:
        return Eligibility(covered=False, reason="EXPIRED_BY_TIME", **terms, **base)
    if km > km_limit:
        return Eligibility(covered=False, reason="EXPIRED_BY_MILEAGE", **terms, **base)
    reason = "WITHIN_PART_GROUP_TERMS" if by_group else "WITHIN_BASE_TERMS"
    return Eligibility(covered=True, reason=reason, **terms, **base)


async def line_eligibility(
    connection: asyncpg.Connection, dealer_id: int, line_ids: Sequence[int]
) -> dict[int, Eligibility]:
    """Eligibility of the dealer's warranty lines among ``line_ids``; lines of another
    pay type (or not found) are absent from the answer."""
    if not line_ids:
        return {}
    rows = await connection.fetch(FACTS_SQL, dealer_id, list(line_ids))
    return {row["id"]: decide(row) for row in rows}
