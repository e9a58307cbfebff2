"""Reorder runs and transfers: what the inventory schema left to the feature.

A run counts its attempts, so a run whose worker died is retried under a new job id
and given up after a few tries rather than looping. The demand history is read
through a covering index of issues and returns by day, so a run scans an index
rather than the ledger's heap. Transfers remember the stock items they moved on each
side, and open transfers of a part are found by index from both dealers.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-25T22:00:00:000006"
VERSION = "1.38.0"
DESCRIPTION = "reorder runs: attempts, demand index; transfer lookups"

SQL = """
alter table reorder_run
  add column attempts integer not null default 0 check (attempts >= 0);

create index reorder_run_latest_idx on reorder_run (dealer_id, status, id);

-- The demand history of a dealer: issues and returns by time, with what a run needs,
-- so the run is an index-only scan of the window.
create index stock_movement_demand_idx on stock_movement (dealer_id, created_at)
  include (stock_item_id, quantity) where kind in ('issue', 'return');

create index reorder_suggestion_run_idx on reorder_suggestion (dealer_id, run_id, id);
-- A run writes its transfer offers into the suggestions it just inserted: room on the
-- page keeps those updates HOT (no new index entries).
alter table reorder_suggestion set (fillfactor = 70);

-- Parts on the way to a dealer, or promised by it, count in its inventory position.
create index parts_transfer_part_idx on parts_transfer (dealer_id, part_id)
  where status in ('requested', 'approved', 'shipped');
create index parts_transfer_source_part_idx on parts_transfer (source_dealer_id, part_id)
  where status in ('requested', 'approved');

-- Which stock item each side booked (the part may be an older number than the one
-- the requester plans; each side books its own item of the part shipped). The
-- requester's references are fenced by composite keys; the giver's (source item, out
-- movement) are written only by the giver's own transactions (approve, ship), where RLS
-- shows it nothing but its own rows.
alter table parts_transfer
  add column source_stock_item_id bigint,
  add column stock_item_id bigint,
  add constraint parts_transfer_target_item_fk
    foreign key (dealer_id, stock_item_id) references stock_item(dealer_id, id),
  add constraint parts_transfer_in_movement_fk
    foreign key (dealer_id, in_movement_id) references stock_movement(dealer_id, id);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="parts", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
