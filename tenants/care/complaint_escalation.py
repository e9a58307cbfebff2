"""Overdue complaints escalate (超时升级): a ticket not resolved by its deadline (the time
agreed with the customer once agreed, else the routing deadline; 24 hours after
receipt while nobody routed it) goes up one level per span of the level's hours:

- level 1 at the deadline: the front-desk supervisor (duty escalated_complaints);
- level 2 one span later: the service manager (duty major_complaints);
- level 3 another span later: the general manager (duty complaint_routing).

Severe tickets start at level 2 (intake). Each level is reached once: the update only
raises a level, rows are locked (``skip locked``) so two runs never write twice, and
each level crossed leaves one ``escalated`` action. ``now`` comes from the caller."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tenants.database import ActiveTransaction, TenantScope, network_transaction, tenant_transaction

UNROUTED_HOURS = 24
"""A ticket nobody routed within a day escalates as if its deadline had passed."""

ESCALATION_DUTIES: dict[int, str] = {
    1: "escalated_complaints",
    2: "major_complaints",
    3: "complaint_routing",
}
"""Whose queue a ticket of each escalation level lands in."""

_DEADLINE_SQL = f"""
case when c.status = 'received' then c.received_at + make_interval(hours => {UNROUTED_HOURS})
     when c.status = 'agreed' and c.agreed_due_at is not null then c.agreed_due_at
     else c.due_at end
"""

_SPAN_SQL = """
make_interval(hours => coalesce((s.complaint_hours ->> c.level)::int,
  ('{"grievance": 24, "general": 72, "serious": 48, "severe": 24}'::jsonb ->> c.level)::int))
"""

ESCALATE_SQL = f"""
with timed as (
  select c.id, c.dealer_id, c.escalation_level as level_from,
         least(3, 1 + floor(extract(epoch from ($2::timestamptz - {_DEADLINE_SQL}))
                         / extract(epoch from {_SPAN_SQL}))::int) as level_to
    from complaint c
    left join care_settings s on s.dealer_id = c.dealer_id
   where c.dealer_id = any($1::bigint[])
     and c.status in ('received', 'routed', 'agreed')
     and c.escalation_level < 3
     and {_DEADLINE_SQL} <= $2::timestamptz
), due as (
  select c.id, timed.level_from, timed.level_to
    from complaint c join timed on timed.id = c.id
   where c.escalation_level = timed.level_from and timed.level_to > timed.level_from
     for update of c skip locked
), raised as (
  update complaint c set escalation_level = due.level_to, escalated_at = $2::timestamptz
    from due where c.id = due.id and c.escalation_level < due.level_to
  returning c.id, c.dealer_id, c.number, due.level_from, due.level_to
), logged as (
  insert into complaint_action (dealer_id, complaint_id, kind, note, escalation_level, at)
  select r.dealer_id, r.id, 'escalated', 'overdue', lvl, $2::timestamptz
    from raised r, generate_series(r.level_from + 1, r.level_to) lvl
   order by r.id, lvl
), audit as (
  insert into audit_entry (dealer_id, action, object_type, object_id, before, after)
  select dealer_id, 'complaint.escalated', 'complaint', id::text,
         jsonb_build_object('escalation_level', level_from),
         jsonb_build_object('escalation_level', level_to, 'actor', 'escalation timer')
    from raised
)
select count(*) from raised
"""


async def escalate_due(tx: ActiveTransaction, dealer_ids: Sequence[int], now: datetime) -> int:
    """Raise every overdue ticket of these dealers to the level ``now`` calls for, in one
    statement; returns how many tickets went up."""
    raised: int = await tx.connection.fetchval(ESCALATE_SQL, list(dealer_ids), now)
    return raised


async def escalate_overdue(now: datetime, *, dealers_per_transaction: int = 500) -> int:
    """Every dealer, a batch per short transaction (row-level security sees the batch)."""
    async with network_transaction(fresh=True) as tx:
        dealer_ids = [
            r["id"] for r in await tx.connection.fetch("select id from dealer order by id")
        ]
    raised = 0
    for start in range(0, len(dealer_ids), dealers_per_transaction):
        batch = dealer_ids[start : start + dealers_per_transaction]
        async with tenant_transaction(TenantScope.of(batch), fresh=True) as tx:
            raised += await escalate_due(tx, batch, now)
    return raised
