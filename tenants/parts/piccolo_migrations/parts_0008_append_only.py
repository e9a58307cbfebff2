"""Signatures and document histories are append-only whatever the grants: a trigger
refuses update and delete (revoking them from the app role does not survive a later
app's blanket grant), so a signature once given stays given."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-25T22:00:00:000008"
VERSION = "1.38.0"
DESCRIPTION = "write-off signatures and purchase-order history are append-only"

SQL = """
create function dealernet_append_only() returns trigger language plpgsql as $f$
begin
  raise exception '% is append-only', tg_table_name using errcode = 'insufficient_privilege';
end
$f$;
create trigger write_off_signature_append_only before update or delete on write_off_signature
  for each row execute function dealernet_append_only();
create trigger purchase_order_event_append_only before update or delete on purchase_order_event
  for each row execute function dealernet_append_only();
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="parts", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
