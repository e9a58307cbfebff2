"""Scrapping after the retention period: old parts nobody asked for (tagged or stored,
in no shipment) whose ``retain_until`` lies before the dealer's local today are
scrapped, by the hourly worker or by hand. A requested, packed or shipped part is
never touched. ``now`` is a parameter so tests can move the clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tenants.database import ActiveTransaction, TenantScope, network_transaction, tenant_transaction

RETENTION_NOTE = "retention period over"

_SCRAP_DUE_SQL = """
with due as (
  select op.id, op.status
    from old_part op
    join dealer d on d.id = op.dealer_id
   where op.dealer_id = any($1::bigint[])
     and op.status in ('tagged', 'stored')
     and op.shipment_id is null
     and op.retain_until < ($2::timestamptz at time zone d.time_zone)::date
     for update of op skip locked
), moved as (
  update old_part p set status = 'scrapped'
    from due where p.id = due.id
  returning p.id, p.dealer_id, p.tag, due.status as from_status
), movement as (
  insert into old_part_movement (dealer_id, old_part_id, from_status, to_status, note)
  select dealer_id, id, from_status, 'scrapped', $3 from moved
), audit as (
  insert into audit_entry (dealer_id, action, object_type, object_id, before, after)
  select dealer_id, 'old_part.scrapped', 'old_part', id::text,
         jsonb_build_object('status', from_status),
         jsonb_build_object('status', 'scrapped', 'tag', tag, 'note', $3::text,
                            'actor', 'retention')
    from moved
)
select count(*) from moved
"""


async def scrap_due(tx: ActiveTransaction, dealer_ids: Sequence[int], now: datetime) -> int:
    """One statement for the dealers given (all within the transaction's scope):
    cards, movements and audit entries together."""
    scrapped: int = await tx.connection.fetchval(
        _SCRAP_DUE_SQL, list(dealer_ids), now, RETENTION_NOTE
    )
    return scrapped


async def scrap_after_retention(now: datetime, *, dealers_per_transaction: int = 500) -> int:
    """Every dealer, a batch of dealers per short transaction (row-level security
    sees only the batch); returns how many parts were scrapped."""
    async with network_transaction(fresh=True) as tx:
        dealer_ids = [
            r["id"] for r in await tx.connection.fetch("select id from dealer order by id")
        ]
    scrapped = 0
    for start in range(0, len(dealer_ids), dealers_per_transaction):
        batch = dealer_ids[start : start + dealers_per_transaction]
        async with tenant_transaction(TenantScope.of(batch), fresh=True) as tx:
            scrapped += await scrap_due(tx, batch, now)
    return scrapped
