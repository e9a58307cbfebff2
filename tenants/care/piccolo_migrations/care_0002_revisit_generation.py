"""Revisit generation: which dealers have delivered orders still without a revisit.

The generator runs as ``dealernet_app`` with no dealer in scope, where row-level security
hides every order. Rather than opening one transaction over every dealer, this SECURITY
DEFINER function answers one question, returning dealer keys only; the generator then
works each dealer in a transaction scoped to that dealer (as ``warranty_outbox_due``).

``lookback_days`` bounds the search (the generator passes the largest look-back any
dealer may have), so a dealer switching the feature on is not handed years of history.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-26T01:40:00:000002"
VERSION = "1.38.0"
DESCRIPTION = "customer care: dealers with revisits to generate"

SQL = """
create function care_revisit_dealers_due(as_of timestamptz, lookback_days integer)
returns table (dealer_id bigint)
language sql stable security definer set search_path = public as $f$
  select distinct ro.dealer_id
    from repair_order ro
   where ro.status = 'delivered'
     and ro.delivered_at >= as_of - make_interval(days => lookback_days)
     and ro.delivered_at <= as_of
     and not exists (select 1 from revisit r
                      where r.dealer_id = ro.dealer_id and r.repair_order_id = ro.id)
   order by ro.dealer_id
$f$;
revoke all on function care_revisit_dealers_due(timestamptz, integer) from public;
grant execute on function care_revisit_dealers_due(timestamptz, integer) to dealernet_app;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="care", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
