"""The planner's review of reorder suggestions: edit a quantity, dismiss, accept into
purchase orders (emergency suggestions into an emergency order, the rest into a
regular one), or turn one into a transfer request (``transfers``).

A suggestion is ``open`` until decided; accepted, dismissed and superseded are final,
and a transferred one opens again only if its transfer is cancelled. Each call locks
the suggestions it decides, so two planners cannot accept the same one twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.parts.errors import RecordNotFound, RuleViolation
from tenants.parts.purchase_orders import CreatedOrder, OrderLine, create_purchase_order

LOCK_SQL = """
select s.id, s.run_id, s.stock_item_id, s.status, s.suggested_qty, s.edited_qty,
       s.emergency, p.pack_size, p.part_number
  from reorder_suggestion s
  join stock_item i on i.dealer_id = s.dealer_id and i.id = s.stock_item_id
  join part p on p.id = i.part_id
 where s.dealer_id = $1 and s.id = any($2::bigint[])
 order by s.id
   for update of s
"""


async def lock_suggestions(
    connection: asyncpg.Connection, dealer_id: int, ids: Sequence[int], *, status: str = "open"
) -> list[asyncpg.Record]:
    """Lock the suggestions in id order; every one must exist and be in ``status``."""
    wanted = sorted(set(ids))
    if not wanted:
        raise RuleViolation("ids", "not_empty", "Choose at least one suggestion")
    rows = await connection.fetch(LOCK_SQL, dealer_id, wanted)
    if len(rows) != len(wanted):
        raise RecordNotFound("Reorder suggestion")
    wrong = [r for r in rows if r["status"] != status]
    if wrong:
        raise RuleViolation(
            "ids",
            "suggestion_status",
            f"{len(wrong)} suggestion(s) are no longer {status}"
            f" (e.g. {wrong[0]['part_number']} is {wrong[0]['status']})",
        )
    return list(rows)


def quantity_of(row: asyncpg.Record) -> Decimal:
    """What the planner will order: the edited quantity, else the suggested one."""
    edited: Decimal | None = row["edited_qty"]
    return edited if edited is not None else row["suggested_qty"]


async def edit_quantity(
    tx: ActiveTransaction,
    dealer_id: int,
    suggestion_id: int,
    quantity: Decimal,
    *,
    request_id: str = "",
) -> None:
    """Order another quantity than suggested: whole packs of the part, zero allowed (it
    then cannot be accepted; dismiss it instead)."""
    (row,) = await lock_suggestions(tx.connection, dealer_id, [suggestion_id])
    if quantity < 0:
        raise RuleViolation("quantity", "not_negative", "A quantity cannot be negative")
    if quantity % row["pack_size"] != 0:
        raise RuleViolation(
            "quantity",
            "pack_size",
            f"{row['part_number']} comes in packs of {row['pack_size']}",
            packSize=row["pack_size"],
        )
    await tx.connection.execute(
        "update reorder_suggestion set edited_qty = $3 where dealer_id = $1 and id = $2",
        dealer_id,
        suggestion_id,
        quantity,
    )
    await record(
        dealer_id=dealer_id,
        action="reorder_suggestion.edit",
        object_type="reorder_suggestion",
        object_id=suggestion_id,
        before={"quantity": quantity_of(row)},
        after={"quantity": quantity, "suggested": row["suggested_qty"]},
        request_id=request_id,
    )


async def dismiss(
    tx: ActiveTransaction, dealer_id: int, ids: Sequence[int], *, reason: str, request_id: str = ""
) -> None:
    rows = await lock_suggestions(tx.connection, dealer_id, ids)
    await tx.connection.execute(
        "update reorder_suggestion set status = 'dismissed', decided_by = $3, decided_at = now()"
        " where dealer_id = $1 and id = any($2::bigint[])",
        dealer_id,
        [r["id"] for r in rows],
        tx.scope.user_id,
    )
    await record(
        dealer_id=dealer_id,
        action="reorder_suggestion.dismiss",
        object_type="reorder_run",
        object_id=rows[0]["run_id"],
        after={"suggestions": [r["id"] for r in rows], "reason": reason.strip()},
        request_id=request_id,
    )


@dataclass(frozen=True)
class Accepted:
    orders: list[CreatedOrder]
    suggestion_ids: list[int]


async def accept(
    tx: ActiveTransaction, dealer_id: int, ids: Sequence[int], *, request_id: str = ""
) -> Accepted:
    """Draft purchase orders from the suggestions: the emergency ones go into an
    emergency order (the fast channel), the others into a regular one; each suggestion
    remembers its order line."""
    rows = await lock_suggestions(tx.connection, dealer_id, ids)
    empty = [r for r in rows if quantity_of(r) <= 0]
    if empty:
        raise RuleViolation(
            "ids",
            "quantity_positive",
            f"{empty[0]['part_number']} has a quantity of 0: edit or dismiss it",
        )
    orders: list[CreatedOrder] = []
    for urgency in ("emergency", "regular"):
        chosen = [r for r in rows if r["emergency"] == (urgency == "emergency")]
        if not chosen:
            continue
        order = await create_purchase_order(
            tx,
            dealer_id,
            [OrderLine(r["stock_item_id"], quantity_of(r)) for r in chosen],
            urgency=urgency,
            source="suggestions",
            note=f"Reorder run {chosen[0]['run_id']}",
            request_id=request_id,
        )
        orders.append(order)
        await tx.connection.execute(
            """
            update reorder_suggestion s
               set status = 'accepted', decided_by = $4, decided_at = now(),
                   purchase_order_line_id = l.line_id
              from unnest($2::bigint[], $3::bigint[]) as l(item_id, line_id)
             where s.dealer_id = $1 and s.stock_item_id = l.item_id
               and s.id = any($5::bigint[])
            """,
            dealer_id,
            list(order.line_ids),
            list(order.line_ids.values()),
            tx.scope.user_id,
            [r["id"] for r in chosen],
        )
        await record(
            dealer_id=dealer_id,
            action="reorder_suggestion.accept",
            object_type="purchase_order",
            object_id=order.id,
            after={
                "number": order.number,
                "urgency": urgency,
                "suggestions": [r["id"] for r in chosen],
            },
            request_id=request_id,
        )
    return Accepted(orders, [r["id"] for r in rows])
