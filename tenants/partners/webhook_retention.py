"""Retention of the webhook log: finished deliveries and their attempts are kept 90 days,
like the partner call log; an event goes once no delivery of it is left.

A delivery is purged when it is delivered or dead and its last activity (created,
delivered, last attempt started) is older than the cutoff; never while pending, and
never while a replay that stays points at it (``replay_of``), so a replay's history
goes with it. Its attempts go with it, and then its event if no other delivery of
that event remains. The dealers holding such rows come from a SECURITY DEFINER
function (keys only, migration partners_0004); each dealer's purge is one statement in
a transaction scoped to that dealer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tenants.database import TenantScope, network_transaction, tenant_transaction

RETENTION = timedelta(days=90)


@dataclass(frozen=True)
class Purged:
    attempts: int = 0
    deliveries: int = 0
    events: int = 0

    def __add__(self, other: Purged) -> Purged:
        return Purged(
            self.attempts + other.attempts,
            self.deliveries + other.deliveries,
            self.events + other.events,
        )

    @property
    def total(self) -> int:
        return self.attempts + self.deliveries + self.events


# One statement: every part sees the rows as they were before it, so the event check
# leaves out the deliveries this statement deletes; the foreign keys are checked at its
# end, when attempts, deliveries and events are all gone together.
_PURGE = """
with recursive finished as (
  select d.id, d.replay_of
    from webhook_delivery d
   where d.dealer_id = $1 and d.status <> 'pending'
     and d.created_at < $2 and coalesce(d.delivered_at, d.created_at) < $2
     and not exists (
       select 1 from webhook_attempt a
        where a.dealer_id = d.dealer_id and a.delivery_id = d.id and a.started_at >= $2
     )
), kept as (
  -- Finished deliveries that a staying replay points at, and what they replay in turn.
  select r.replay_of as id from webhook_delivery r
   where r.dealer_id = $1 and r.replay_of in (select id from finished)
     and r.id not in (select id from finished)
  union
  select o.replay_of from webhook_delivery o join kept on o.id = kept.id
   where o.dealer_id = $1 and o.replay_of is not null
), doomed as (
  select id from finished where id not in (select id from kept)
), attempts as (
  delete from webhook_attempt a using doomed
   where a.dealer_id = $1 and a.delivery_id = doomed.id
  returning 1
), deliveries as (
  delete from webhook_delivery d using doomed
   where d.dealer_id = $1 and d.id = doomed.id
  returning d.event_id
), events as (
  delete from webhook_event e
   where e.dealer_id = $1 and e.occurred_at < $2
     and not exists (
       select 1 from webhook_delivery r
        where r.dealer_id = e.dealer_id and r.event_id = e.id
          and r.id not in (select id from doomed)
     )
  returning 1
)
select (select count(*) from attempts) as attempts,
       (select count(*) from deliveries) as deliveries,
       (select count(*) from events) as events
"""


async def purge_older_than(retention: timedelta = RETENTION) -> Purged:
    """Purge what is past ``retention`` for every dealer holding any of it."""
    cutoff = datetime.now(UTC) - retention
    async with network_transaction(fresh=True) as tx:
        dealers = [
            r[0]
            for r in await tx.connection.fetch(
                "select * from dealernet_webhook_dealers_before($1)", cutoff
            )
        ]
    purged = Purged()
    for dealer_id in sorted(dealers):
        purged += await purge_dealer(dealer_id, cutoff)
    return purged


async def purge_dealer(dealer_id: int, cutoff: datetime) -> Purged:
    async with tenant_transaction(TenantScope.of((dealer_id,)), fresh=True) as tx:
        row = await tx.connection.fetchrow(_PURGE, dealer_id, cutoff)
    assert row is not None
    return Purged(row["attempts"], row["deliveries"], row["events"])
