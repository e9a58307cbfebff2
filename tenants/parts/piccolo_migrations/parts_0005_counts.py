"""Counts and write-offs: what the inventory schema left to the feature.

A count remembers how its items were chosen (a cycle count's start date, a bin
prefix) and how often it was sent back; a write-off names the warehouse keeper who
shares the loss, keeps the loss it booked and how it was disposed of. Indexes serve
the questions the feature asks: the last approved count of an item (cycle counts),
the unfinished counts of a dealer, the write-offs waiting for signatures.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-25T22:00:00:000005"
VERSION = "1.38.0"
DESCRIPTION = "parts counts and write-offs: scope, keeper, loss, indexes"

SQL = """
alter table stock_count
  add column since timestamptz,
  add column bin_prefix text not null default '' check (bin_prefix ~ '^[A-Z0-9-]*$'),
  add column skipped_items integer not null default 0 check (skipped_items >= 0),
  add column returned_count integer not null default 0 check (returned_count >= 0),
  add column cancelled_by bigint references staff_user(id),
  add column cancelled_at timestamptz;

-- A difference is explained by a cause and who is responsible; a person is named
-- when a person is responsible (keeper, technician).
alter table stock_count_line
  add constraint stock_count_line_person check (
    responsibility is null
    or responsibility not in ('warehouse_keeper', 'technician')
    or responsible_user_id is not null);

create index stock_count_line_item_idx on stock_count_line (dealer_id, stock_item_id);
create index stock_count_status_idx on stock_count (dealer_id, status, id);

alter table write_off
  add column warehouse_keeper_id bigint references staff_user(id),
  add column loss_amount numeric(12, 2) check (loss_amount >= 0),
  add column disposal_note text not null default '',
  add column cancelled_by bigint references staff_user(id);

create index write_off_status_idx on write_off (dealer_id, status, id);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="parts", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
