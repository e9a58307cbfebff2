"""Stock items and issuing: the ledger stays append-only whatever the grants, a bin
location holds one part only (库号-架号-层号-位号 maps one-to-one to part numbers), the
stock list pages in bin order, the keeper's issue queue and a line's requests are found
by index, and a cancelled or refused parts request records who closed it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-25T22:00:00:000003"
VERSION = "1.38.0"
DESCRIPTION = "append-only ledger; one part per bin; stock and issue indexes; request closing"

SQL = """
-- A bin holds one part: two stock items of a dealer never share a location. Items
-- without a bin yet (demand seen before the part was shelved) are left out.
create unique index stock_item_bin_unique_idx on stock_item (dealer_id, bin_location)
  where bin_location <> '';

-- The stock list is a keyset over (bin, id).
create index stock_item_bin_keyset_idx on stock_item (dealer_id, bin_location, id);

-- The ledger is append-only. Revoking update/delete from the app role (parts_0001) is
-- not enough: a later app's "grant ... on all tables" gives them back. A trigger holds
-- whatever the grants, like the audit log's; a correction is a new movement.
create function dealernet_ledger_append_only() returns trigger language plpgsql as $f$
begin
  raise exception '% is append-only: book a correcting movement instead', tg_table_name
    using errcode = 'insufficient_privilege';
end
$f$;
create trigger stock_movement_append_only before update or delete on stock_movement
  for each row execute function dealernet_ledger_append_only();
create trigger stock_lot_allocation_append_only before update or delete on stock_lot_allocation
  for each row execute function dealernet_ledger_append_only();

-- Who cancelled or refused a request, and when (the reason is ``refusal_reason``).
alter table parts_request
  add column closed_by bigint references staff_user(id),
  add column closed_at timestamptz;

-- Requests still open for a line: the line's quantity bounds what may be requested.
create index parts_request_open_line_idx on parts_request (dealer_id, repair_order_line_id)
  where status in ('requested', 'signed', 'issued');
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="parts", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
