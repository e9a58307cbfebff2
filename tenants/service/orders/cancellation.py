"""Cancelling an order before work starts: its parts reservations are released and the
appointment it came from keeps its arrived status (the customer did come)."""

from __future__ import annotations

from tenants.database import ActiveTransaction

from .errors import OrderRuleError
from .quotation import lock_order, release_reservations
from .state_machine import Transition, transition


async def cancel_order(
    tx: ActiveTransaction, order_id: int, reason: str, request_id: str = ""
) -> Transition:
    if not reason.strip():
        raise OrderRuleError(
            "cancel_needs_reason", "say why the order is cancelled", field="reason"
        )
    await lock_order(tx.connection, order_id)
    moved = await transition(tx, order_id, "cancelled", reason.strip(), request_id=request_id)
    await tx.connection.execute(
        "update repair_order_line set status = 'cancelled'"
        " where repair_order_id = $1 and status = 'proposed'",
        order_id,
    )
    line_ids = [
        r["id"]
        for r in await tx.connection.fetch(
            "select id from repair_order_line where repair_order_id = $1", order_id
        )
    ]
    await release_reservations(tx.connection, line_ids)
    await tx.connection.execute(
        "update order_revision set status = 'superseded', token_hash = null"
        " where repair_order_id = $1 and status = 'pending'",
        order_id,
    )
    return moved
