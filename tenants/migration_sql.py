"""Raw SQL for Piccolo migrations.

Piccolo has neither composite keys, composite foreign keys nor row-level security,
which tenant isolation needs; migrations state those in SQL and run it here, on the
migration's own transaction when there is one.
"""

from __future__ import annotations

from tenants.database import engine


async def run_sql(sql: str) -> None:
    db = engine()
    tx = db.current_transaction.get()
    if tx is not None:
        await tx.connection.execute(sql)
        return
    connection = await db.get_new_connection()
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def protect_tenant_table(table: str) -> str:
    """SQL that puts ``table`` behind row-level security keyed on ``dealer_id``."""
    return f"select dealernet_protect_tenant_table('{table}');"
