"""What warranty money looks like, computed in SQL: per claim (approved, paid,
charged back, kept, outstanding, and charge-back candidates from inspection) and per
month in the dealer's time zone (submitted, approved, paid, charge-backs, received,
and what is outstanding at each month's end)."""

from __future__ import annotations

from datetime import date

import asyncpg

from tenants.warranty.settlement import APPROVED_AMOUNT_SQL, CHARGE_BACK_SUGGESTION_SQL

_CANDIDATES_CTE = f"""
candidates as (
  select op.id as old_part_id, op.tag, op.quantity, op.inspection_result, op.inspection_note,
         op.inspected_at, oc.claim_id, oc.claim_line_id, p.part_number, p.name as part_name,
         p.name_zh as part_name_zh, {CHARGE_BACK_SUGGESTION_SQL} as suggested
    from old_part op
    join old_part_claim oc on oc.old_part_id = op.id
    join part p on p.id = op.part_id
    left join warranty_claim_line cl on cl.dealer_id = op.dealer_id and cl.id = oc.claim_line_id
   where op.dealer_id = $1
     and op.inspection_result in ('not_confirmed', 'not_received')
     and not exists (select 1 from warranty_payment_allocation a
                      where a.dealer_id = op.dealer_id and a.old_part_id = op.id)
)"""

_BALANCES_SQL = f"""
with alloc as (
  select claim_id,
         coalesce(sum(amount) filter (where kind = 'payment'), 0) as paid,
         coalesce(-sum(amount) filter (where kind = 'charge_back'), 0) as charged_back
    from warranty_payment_allocation where dealer_id = $1 group by claim_id
), {_CANDIDATES_CTE.strip()}, candidate_sums as (
  select claim_id, count(*)::int as candidate_count, sum(suggested) as candidate_amount
    from candidates group by claim_id
)
select c.id, c.number, c.status, c.vin, c.requested_amount, c.decided_at,
       {APPROVED_AMOUNT_SQL} as approved,
       coalesce(a.paid, 0)::numeric(14, 2) as paid,
       coalesce(a.charged_back, 0)::numeric(14, 2) as charged_back,
       (coalesce(a.paid, 0) - coalesce(a.charged_back, 0))::numeric(14, 2) as kept,
       ({APPROVED_AMOUNT_SQL} - coalesce(a.paid, 0))::numeric(14, 2) as outstanding,
       coalesce(k.candidate_count, 0) as candidate_count,
       coalesce(k.candidate_amount, 0)::numeric(14, 2) as candidate_amount
  from warranty_claim c
  left join alloc a on a.claim_id = c.id
  left join candidate_sums k on k.claim_id = c.id
 where c.dealer_id = $1
   and c.status in ('approved', 'partially_approved', 'paid')
   and ($2::bigint is null or c.id < $2)
   and (not $3 or {APPROVED_AMOUNT_SQL} <> coalesce(a.paid, 0) or k.claim_id is not null)
   and ($4::text is null or c.number ilike '%' || $4 || '%' or c.vin ilike '%' || $4 || '%')
 order by c.id desc
 limit $5
"""


async def claim_balances(
    connection: asyncpg.Connection,
    dealer_id: int,
    *,
    before_id: int | None,
    only_open: bool,
    search: str | None,
    limit: int,
) -> list[asyncpg.Record]:
    """Approved claims newest first; ``only_open``: something is still outstanding or a
    part found wanting has not been charged back yet."""
    return list(
        await connection.fetch(
            _BALANCES_SQL, dealer_id, before_id, only_open, search or None, limit
        )
    )


_CANDIDATES_SQL = f"""
with {_CANDIDATES_CTE.strip()}
select k.*, c.number as claim_number
  from candidates k join warranty_claim c on c.dealer_id = $1 and c.id = k.claim_id
 order by k.inspected_at, k.old_part_id
"""


async def charge_back_candidates(
    connection: asyncpg.Connection, dealer_id: int
) -> list[asyncpg.Record]:
    """Parts the manufacturer found not confirmed (or never received) whose charge-back
    is not recorded yet, with their share of the claim line as the suggested amount."""
    return list(await connection.fetch(_CANDIDATES_SQL, dealer_id))


_MONTHLY_SQL = f"""
with tz as (
  select time_zone from dealer where id = $1
), months as (
  select generate_series($2::date, $3::date, interval '1 month')::date as month
), first_events as (
  select e.claim_id,
         min(e.at) filter (where e.to_status = 'submitted') as submitted_at,
         min(e.at) filter (where e.to_status in ('approved', 'partially_approved'))
           as approved_at
    from warranty_claim_event e where e.dealer_id = $1 group by e.claim_id
), claims as (
  select date_trunc('month', f.submitted_at at time zone tz.time_zone)::date as submitted_month,
         date_trunc('month', f.approved_at at time zone tz.time_zone)::date as approved_month,
         c.requested_amount,
         case when c.status in ('approved', 'partially_approved', 'paid')
              then {APPROVED_AMOUNT_SQL} end as approved
    from first_events f
    join warranty_claim c on c.dealer_id = $1 and c.id = f.claim_id
    cross join tz
), submitted as (
  select submitted_month as month, count(*)::int as n, sum(requested_amount) as amount
    from claims where submitted_month is not null group by 1
), approved as (
  select approved_month as month, count(*)::int as n, sum(approved) as amount
    from claims where approved_month is not null and approved is not null group by 1
), money as (
  select date_trunc('month', p.paid_on)::date as month,
         coalesce(sum(a.amount) filter (where a.kind = 'payment'), 0) as paid,
         coalesce(-sum(a.amount) filter (where a.kind = 'charge_back'), 0) as charged_back
    from warranty_payment_allocation a
    join warranty_payment p on p.dealer_id = a.dealer_id and p.id = a.payment_id
   where a.dealer_id = $1 group by 1
), received as (
  select date_trunc('month', paid_on)::date as month, sum(amount) as amount
    from warranty_payment where dealer_id = $1 group by 1
), opening as (
  select coalesce((select sum(amount) from approved where month < $2), 0)
       - coalesce((select sum(paid) from money where month < $2), 0) as outstanding
)
select m.month,
       coalesce(s.n, 0) as submitted_count,
       coalesce(s.amount, 0)::numeric(14, 2) as submitted_amount,
       coalesce(ap.n, 0) as approved_count,
       coalesce(ap.amount, 0)::numeric(14, 2) as approved_amount,
       coalesce(mo.paid, 0)::numeric(14, 2) as paid_amount,
       coalesce(mo.charged_back, 0)::numeric(14, 2) as charged_back_amount,
       coalesce(r.amount, 0)::numeric(14, 2) as received_amount,
       ((select outstanding from opening)
         + sum(coalesce(ap.amount, 0) - coalesce(mo.paid, 0)) over (order by m.month)
       )::numeric(14, 2) as outstanding_amount
  from months m
  left join submitted s on s.month = m.month
  left join approved ap on ap.month = m.month
  left join money mo on mo.month = m.month
  left join received r on r.month = m.month
 order by m.month
"""


async def monthly(
    connection: asyncpg.Connection, dealer_id: int, first_month: date, last_month: date
) -> list[asyncpg.Record]:
    """One row per month from ``first_month`` to ``last_month`` (first days); claims
    count in the month of their first submission and first approval, money in the
    month of the payment date; outstanding is approved minus paid at the month's end."""
    return list(await connection.fetch(_MONTHLY_SQL, dealer_id, first_month, last_month))
