"""Revisit generation (回访): every delivered order gets one revisit, due 1 to 3 days
after delivery (the dealer's ``revisit_after_days`` / ``revisit_within_days``) counted
in the dealer's local days, so a car that left at 23:30 the evening before a daylight
saving change is still called on the right local dates.

Who calls (the policies' duties, never a hard-coded role):

- a dealer running one-to-one service (``one_to_one``): the order's delivering advisor
  (else its advisor), on the ``customer_group`` duty, as long as that person still holds
  the duty at the dealer; otherwise the revisit falls back to the desk below;
- otherwise the ``revisit_calls`` desk: the holder with the fewest open revisits, new
  revisits spread one at a time over the holders (ties by user id), all in one statement;
- no holder at all (a vacant post, 缺编): no assignee; the queue shows the revisit to
  everyone who may record calls, and the run logs it.

How far back: orders delivered within ``revisit_within_days + LOOKBACK_GRACE_DAYS``
before now. That covers a worker down for weeks, yet a dealer switching the feature on
is not handed years of stale calls (a revisit two months after the visit helps nobody).

Restart safety: the ``(dealer_id, repair_order_id)`` unique key and ``on conflict do
nothing`` make every run, a repeated, concurrent or half-finished one, yield each revisit
exactly once; each dealer commits in its own short transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from policies.store import PolicyStore
from tenants.database import TenantScope, network_transaction, tenant_transaction

log = logging.getLogger("dealernet.care")

LOOKBACK_GRACE_DAYS = 30
"""Days past a dealer's own revisit window an order is still given a revisit."""

MAX_WITHIN_DAYS = 14
"""The largest ``revisit_within_days`` the schema allows (care_settings check)."""

DESK_DUTY = "revisit_calls"
ONE_TO_ONE_DUTY = "customer_group"

_DEALERS_DUE_SQL = "select dealer_id from care_revisit_dealers_due($1, $2)"

_GENERATE_SQL = """/* care: revisit generation */
with rules as (
  select d.id as dealer_id, d.time_zone,
         coalesce(s.revisit_after_days, 1) as after_days,
         coalesce(s.revisit_within_days, 3) as within_days,
         coalesce(s.one_to_one, false) as one_to_one
    from dealer d
    left join care_settings s on s.dealer_id = d.id
   where d.id = $1
), todo as (
  select ro.id as repair_order_id, ro.customer_id, ro.vehicle_id, ro.delivered_at,
         coalesce(ro.delivering_advisor_user_id, ro.advisor_user_id) as advisor_user_id,
         ((ro.delivered_at at time zone rules.time_zone)::date) as local_day,
         rules.after_days, rules.within_days,
         coalesce(rules.one_to_one
           and coalesce(ro.delivering_advisor_user_id, ro.advisor_user_id) = any($4::bigint[]),
           false) as own_advisor
    from repair_order ro
    join rules on rules.dealer_id = ro.dealer_id
   where ro.dealer_id = $1
     and ro.status = 'delivered'
     and ro.delivered_at <= $2
     and ro.delivered_at >= $2::timestamptz
                            - make_interval(days => rules.within_days + $5::integer)
     and not exists (select 1 from revisit r
                      where r.dealer_id = ro.dealer_id and r.repair_order_id = ro.id)
), desk_todo as (
  select t.repair_order_id,
         row_number() over (order by t.delivered_at, t.repair_order_id) as n
    from todo t
   where not t.own_advisor
), holders as (
  select h.user_id, count(r.id) as open_count
    from unnest($3::bigint[]) as h(user_id)
    left join revisit r
      on r.dealer_id = $1 and r.assignee_user_id = h.user_id
     and r.status in ('open', 'contact_check')
   group by h.user_id
), slots as (
  -- Each holder offers a slot at every load it could reach; taking the slots in order of
  -- load (then user id) hands each new revisit to whoever has the fewest at that moment.
  select h.user_id,
         row_number() over (order by h.open_count + j, h.user_id) as n
    from holders h
   cross join generate_series(0, greatest((select count(*) from desk_todo) - 1, 0)) as j
), planned as (
  select t.*,
         case when t.own_advisor then 'customer_group' else 'revisit_calls' end as duty,
         case when t.own_advisor then t.advisor_user_id else s.user_id end as assignee_user_id
    from todo t
    left join desk_todo dt on dt.repair_order_id = t.repair_order_id
    left join slots s on s.n = dt.n
), created as (
  insert into revisit (dealer_id, repair_order_id, customer_id, vehicle_id, advisor_user_id,
                       assignee_user_id, duty, delivered_at, due_from, due_by, created_at)
  select $1, p.repair_order_id, p.customer_id, p.vehicle_id, p.advisor_user_id,
         p.assignee_user_id, p.duty, p.delivered_at,
         p.local_day + p.after_days, p.local_day + p.within_days, $2
    from planned p
   order by p.delivered_at, p.repair_order_id
  on conflict (dealer_id, repair_order_id) do nothing
  returning id, repair_order_id, duty, assignee_user_id, due_from, due_by
), audit as (
  insert into audit_entry (dealer_id, action, object_type, object_id, after)
  select $1, 'revisit.generated', 'revisit', c.id::text,
         jsonb_build_object('repair_order_id', c.repair_order_id, 'duty', c.duty,
                            'assignee_user_id', c.assignee_user_id,
                            'due_from', c.due_from, 'due_by', c.due_by,
                            'actor', 'revisit_generator')
    from created c
)
select count(*) as created,
       count(*) filter (where assignee_user_id is null) as unassigned
  from created
"""


@dataclass(frozen=True)
class DealerRun:
    """What one dealer's transaction created."""

    dealer_id: int
    created: int
    unassigned: int


async def dealers_due(now: datetime) -> list[int]:
    """Dealers with delivered orders still lacking a revisit, without reading any of them."""
    async with network_transaction(fresh=True) as tx:
        rows = await tx.connection.fetch(
            _DEALERS_DUE_SQL, now, MAX_WITHIN_DAYS + LOOKBACK_GRACE_DAYS
        )
    return [r["dealer_id"] for r in rows]


async def generate_for_dealer(dealer_id: int, now: datetime, policies: PolicyStore) -> DealerRun:
    """One dealer, one transaction, one statement: revisits, assignees and audit entries."""
    desk = policies.holders_of_duty(dealer_id, DESK_DUTY)
    advisors = policies.holders_of_duty(dealer_id, ONE_TO_ONE_DUTY)
    async with tenant_transaction(TenantScope.of((dealer_id,)), fresh=True) as tx:
        row = await tx.connection.fetchrow(
            _GENERATE_SQL, dealer_id, now, desk, advisors, LOOKBACK_GRACE_DAYS
        )
    assert row is not None
    run = DealerRun(dealer_id, row["created"], row["unassigned"])
    if run.unassigned:
        log.warning(
            "dealer %s: %d revisits without an assignee, nobody holds %s (vacant post)",
            dealer_id,
            run.unassigned,
            DESK_DUTY,
        )
    return run


async def generate_revisits(
    now: datetime,
    dealer_ids: Sequence[int] | None = None,
    *,
    policies: PolicyStore | None = None,
) -> int:
    """Revisits for every delivered order that has none (of the dealers given, or of every
    dealer with work); returns how many were created. ``now`` is timezone-aware UTC."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    store = policies if policies is not None else await PolicyStore.load()
    dealers = list(dealer_ids) if dealer_ids is not None else await dealers_due(now)
    created = 0
    for dealer_id in dealers:
        created += (await generate_for_dealer(dealer_id, now, store)).created
    return created
