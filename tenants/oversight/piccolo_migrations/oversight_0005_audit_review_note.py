"""Audit findings keep the auditor's note when a response is sent back (整改不合格), so
the dealer sees why its fix was not accepted; the audit entry alone is not for dealers."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-26T02:20:00:000005"
VERSION = "1.38.0"
DESCRIPTION = "dealer audit findings: the auditor's note when a response is sent back"

SQL = """
alter table dealer_audit_finding add column review_note text not null default '';
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="oversight", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
