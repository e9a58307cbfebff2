"""Additional work (追加项目): a fault found during the repair.

The technician reports it as a proposed additional labour line; the advisor prices it
(``quotation.add_line``/``update_line``) and sends a new revision; only when the
customer approves it are the lines approved and the promised time moved
(``approval.decide``). Declined items stay on the order as declined work, which
customer care later turns into reminders (``declined_work``).
"""

from __future__ import annotations

from decimal import Decimal

import asyncpg

from tenants.database import ActiveTransaction

from .errors import OrderRuleError
from .quotation import LineInput, add_line, lock_order

DURING_REPAIR = ("approved", "in_progress")


async def report_additional_fault(
    tx: ActiveTransaction,
    order_id: int,
    description: str,
    *,
    estimated_hours: Decimal | None = None,
    request_id: str = "",
) -> asyncpg.Record:
    order = await lock_order(tx.connection, order_id)
    if order["status"] not in DURING_REPAIR:
        raise OrderRuleError(
            "additional_work_during_repair",
            f"the order is {order['status']}; additional faults are reported during the repair",
        )
    if not description.strip():
        raise OrderRuleError(
            "description_required", "describe the fault found", field="description"
        )
    return await add_line(
        tx,
        order_id,
        LineInput(
            kind="labour",
            description=description,
            hours=estimated_hours if estimated_hours is not None else Decimal(0),
        ),
        reported_by=tx.scope.user_id,
        request_id=request_id,
    )


async def declined_work(
    connection: asyncpg.Connection, dealer_id: int, *, after: int, limit: int
) -> list[asyncpg.Record]:
    """Declined lines of the dealer, newest last, keyed by line id."""
    return list(
        await connection.fetch(
            "select * from repair_order_line where dealer_id = $1 and status = 'declined'"
            " and id > $2 order by id limit $3",
            dealer_id,
            after,
            limit,
        )
    )
