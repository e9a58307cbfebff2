"""Reconciliation of the old-parts ledger per claim (账、卡、物一致): what the claim
says was replaced, what was tagged, where the tagged parts are now (store, shipped,
inspected, scrapped, handed over), and whether every part's card (its status) agrees
with its ledger (the last movement). One aggregate query per page."""

from __future__ import annotations

import asyncpg

_LEDGER_SQL = """
with parts as (
  select oc.claim_id, op.quantity, op.status, op.inspection_result,
         (select m.to_status from old_part_movement m
           where m.dealer_id = op.dealer_id and m.old_part_id = op.id
           order by m.id desc limit 1) as last_movement
    from old_part op
    join old_part_claim oc on oc.old_part_id = op.id
   where op.dealer_id = $1
), by_claim as (
  select claim_id,
         sum(quantity) as tagged,
         coalesce(sum(quantity) filter (where status in ('tagged', 'stored', 'requested')), 0)
           as in_store,
         coalesce(sum(quantity) filter (where status = 'requested'), 0) as requested,
         coalesce(sum(quantity) filter (where status in ('shipped', 'inspected')), 0) as shipped,
         coalesce(sum(quantity) filter (where inspection_result = 'confirmed'), 0) as confirmed,
         coalesce(sum(quantity) filter (
           where inspection_result in ('not_confirmed', 'not_received')), 0) as not_confirmed,
         coalesce(sum(quantity) filter (where status = 'scrapped'), 0) as scrapped,
         coalesce(sum(quantity) filter (where status = 'handed_over'), 0) as handed_over,
         count(*) filter (where last_movement is distinct from status) as cards_off_ledger
    from parts group by claim_id
), claimed as (
  select cl.claim_id, sum(cl.quantity) as claimed
    from warranty_claim_line cl
    join warranty_claim c on c.dealer_id = cl.dealer_id and c.id = cl.claim_id
   where cl.dealer_id = $1 and cl.kind = 'part' and c.status <> 'cancelled'
   group by cl.claim_id
), joined as (
  select coalesce(b.claim_id, q.claim_id) as claim_id,
         coalesce(q.claimed, 0) as claimed, coalesce(b.tagged, 0) as tagged,
         coalesce(b.in_store, 0) as in_store, coalesce(b.requested, 0) as requested,
         coalesce(b.shipped, 0) as shipped, coalesce(b.confirmed, 0) as confirmed,
         coalesce(b.not_confirmed, 0) as not_confirmed, coalesce(b.scrapped, 0) as scrapped,
         coalesce(b.handed_over, 0) as handed_over,
         coalesce(b.cards_off_ledger, 0)::int as cards_off_ledger
    from by_claim b full join claimed q on q.claim_id = b.claim_id
)
select j.*, c.number as claim_number, c.status as claim_status, c.vin,
       (j.cards_off_ledger = 0 and (j.claim_id is null or j.claimed = j.tagged)) as agrees
  from joined j
  left join warranty_claim c on c.dealer_id = $1 and c.id = j.claim_id
 where ($2::bigint is null or coalesce(j.claim_id, 0) < $2)
   and (not $3 or j.cards_off_ledger > 0 or (j.claim_id is not null and j.claimed <> j.tagged))
 order by coalesce(j.claim_id, 0) desc
 limit $4
"""


async def ledger_by_claim(
    connection: asyncpg.Connection,
    dealer_id: int,
    *,
    before_claim_id: int | None,
    only_differences: bool,
    limit: int,
) -> list[asyncpg.Record]:
    """Rows newest claim first; parts on no claim (non-warranty old parts) form one row
    with a null claim, last."""
    return list(
        await connection.fetch(_LEDGER_SQL, dealer_id, before_claim_id, only_differences, limit)
    )
