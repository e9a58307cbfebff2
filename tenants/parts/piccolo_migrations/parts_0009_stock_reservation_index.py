"""An item's reserved quantity is found by its own index.

Each stock item read (the stock list, one item, the ``stock_level`` view) sums its active
reservations in a correlated subquery. Under row-level security the planner also sees the
policy's ``dealer_id = any(dealernet_allowed_dealers())``, an array it assumes holds ten
dealers, so any dealer-first index costs ten descents and, with both dealer conditions
counted as independent, the dealer's reservations look like a single row: it picked
``(dealer_id, id)`` and filtered all the dealer's reservations for every item, rather
than the partial ``(dealer_id, stock_item_id)`` index of parts_0001. With the item first,
one descent finds the item's reservations and the policy's array is a filter on them;
``quantity`` rides along so the sum can come from the index alone. The dealer-first index
stays: the reorder run and the shortage list sum a whole dealer's reservations."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-26T06:00:00:000009"
VERSION = "1.38.0"
DESCRIPTION = "active reservations by stock item, for each item's reserved quantity"

SQL = """
create index stock_reservation_active_by_item_idx
  on stock_reservation (stock_item_id, dealer_id) include (quantity)
  where status = 'active';
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="parts", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
