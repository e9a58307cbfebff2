"""Ties parts requests (parts app) to the repair-order lines they are issued against;
the service app migrates after parts, so the keys are added here."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-25T22:00:00:000101"
VERSION = "1.38.0"
DESCRIPTION = "parts requests belong to repair-order lines"

SQL = """
alter table parts_request
  add foreign key (dealer_id, repair_order_id) references repair_order(dealer_id, id),
  add foreign key (dealer_id, repair_order_line_id) references repair_order_line(dealer_id, id);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="service", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
