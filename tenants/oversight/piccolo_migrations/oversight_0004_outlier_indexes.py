"""Indexes for the outlier flags and the quality feedback over a region's claims: live
claims by submission instant (claims per order, hours per claim, return failures) and by
fault date (quality feedback), so a region of hundreds of dealers reads its period's
claims through the index instead of every claim ever made."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-26T02:20:00:000004"
VERSION = "1.38.0"
DESCRIPTION = "oversight: indexes of live claims by submission and fault date"

SQL = """
create index if not exists warranty_claim_live_submitted_idx
  on warranty_claim (dealer_id, submitted_at) where status not in ('draft', 'cancelled');
create index if not exists warranty_claim_live_fault_idx
  on warranty_claim (dealer_id, fault_date) where status not in ('draft', 'cancelled');
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="oversight", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
