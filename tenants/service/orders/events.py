"""The order's history: ``order_event`` rows, written by the state machine and when an
order is opened, read for the order's timeline (and by the measures)."""

from __future__ import annotations

import asyncpg

from tenants.database import ActiveTransaction


async def write_event(
    tx: ActiveTransaction,
    dealer_id: int,
    order_id: int,
    from_status: str | None,
    to_status: str,
    note: str = "",
) -> None:
    await tx.connection.execute(
        "insert into order_event"
        " (dealer_id, repair_order_id, from_status, to_status, note, actor_user_id)"
        " values ($1, $2, $3, $4, $5, $6)",
        dealer_id,
        order_id,
        from_status,
        to_status,
        note,
        tx.scope.user_id,
    )


async def history(connection: asyncpg.Connection, order_ids: list[int]) -> list[asyncpg.Record]:
    """Events of several orders in order, for a dataloader batch."""
    return list(
        await connection.fetch(
            "select * from order_event where repair_order_id = any($1::bigint[]) order by id",
            order_ids,
        )
    )
