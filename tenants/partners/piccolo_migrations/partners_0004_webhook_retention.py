"""Webhook retention: finished deliveries, their attempts and the events left without a
delivery are purged 90 days on, across dealers.

The housekeeping worker runs with no dealer in scope, so
``dealernet_webhook_dealers_before(cutoff)`` (SECURITY DEFINER) tells it which dealers
hold purgeable rows, keys only; the purge then runs in a transaction scoped to each
dealer (``tenants.partners.webhook_retention``). The indexes keep the daily look-up
and the deletes' foreign-key checks (``replay_of`` points into the same table) off
full scans.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-26T06:00:00:000004"
VERSION = "1.38.0"
DESCRIPTION = "partner webhooks: retention of deliveries, attempts and events"

SQL = """
create index webhook_delivery_finished_idx on webhook_delivery (created_at)
  where status <> 'pending';
create index webhook_delivery_replay_idx on webhook_delivery (dealer_id, replay_of)
  where replay_of is not null;
create index webhook_event_occurred_idx on webhook_event (occurred_at);

create function dealernet_webhook_dealers_before(cutoff timestamptz)
returns setof bigint
language sql stable security definer set search_path = public as $f$
  select d.dealer_id from webhook_delivery d
   where d.status <> 'pending' and d.created_at < cutoff
  union
  select e.dealer_id from webhook_event e
   where e.occurred_at < cutoff
     and not exists (
       select 1 from webhook_delivery d where d.dealer_id = e.dealer_id and d.event_id = e.id
     )
$f$;
revoke all on function dealernet_webhook_dealers_before(timestamptz) from public;
grant execute on function dealernet_webhook_dealers_before(timestamptz) to dealernet_app;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="partners", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
