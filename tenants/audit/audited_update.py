"""One audited partial update of a tenant row: the changed fields, before and after,
written with the change in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction

# The tables this may write; names are never taken from input.
UpdatableTable = Literal["customer", "vehicle"]


async def update_audited(
    tx: ActiveTransaction,
    table: UpdatableTable,
    *,
    dealer_id: int,
    row_id: int,
    values: Mapping[str, Any],
    before: asyncpg.Record,
    request_id: str = "",
) -> asyncpg.Record:
    """Set ``values`` (column -> value, already validated) and audit them as ``<table>.update``."""
    if not values:
        return before
    sets = ", ".join(f"{column} = ${n}" for n, column in enumerate(values, 3))
    row = await tx.connection.fetchrow(
        f"update {table} set {sets} where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        row_id,
        *values.values(),
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action=f"{table}.update",
        object_type=table,
        object_id=row_id,
        before={k: before[k] for k in values},
        after={k: row[k] for k in values},
        request_id=request_id,
    )
    return row
