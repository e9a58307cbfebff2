"""Front desk (customers, vehicles, appointments): whether a manufacturer's VINs carry
the ISO 3779 check digit, and the index that finds an appointment's reservations."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-25T20:30:00:000101"
VERSION = "1.38.0"
DESCRIPTION = "front desk: VIN check digit flag, reservation index"

SQL = """
-- North-American and Chinese (GB 16735) VINs carry a check digit at position 9;
-- European ones mostly do not, so it is checked only where the manufacturer uses it.
alter table manufacturer add column vin_check_digit boolean not null default false;

create index stock_reservation_appointment_idx on stock_reservation (dealer_id, appointment_id)
  where appointment_id is not null;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="service", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
