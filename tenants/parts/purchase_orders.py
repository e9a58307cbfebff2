"""Purchase orders. A parts plan is a purchase order before it is sent: the planner
drafts it (by hand, from shortages or from accepted reorder suggestions), the parts
manager reviews it and the service manager approves it before it is ordered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.parts.errors import RecordNotFound, RuleViolation
from tenants.parts.numbering import next_document_number

Urgency = Literal["regular", "emergency"]
Source = Literal["manual", "shortage", "suggestions"]


@dataclass(frozen=True)
class OrderLine:
    stock_item_id: int
    quantity: Decimal
    unit_price: Decimal | None = None
    """None: the item's cost, else the catalog's list price."""


@dataclass(frozen=True)
class CreatedOrder:
    id: int
    number: str
    line_ids: dict[int, int]
    """Purchase-order line id per stock item."""


async def create_purchase_order(
    tx: ActiveTransaction,
    dealer_id: int,
    lines: Sequence[OrderLine],
    *,
    supplier_id: int | None = None,
    urgency: Urgency = "regular",
    source: Source = "manual",
    note: str = "",
    request_id: str = "",
) -> CreatedOrder:
    """A draft order with one line per stock item (repeated items are summed);
    ``supplier_id`` None means the manufacturer's parts centre."""
    if not lines:
        raise RuleViolation("lines", "not_empty", "A purchase order needs at least one line")
    merged: dict[int, tuple[Decimal, Decimal | None]] = {}
    for line in lines:
        if line.quantity <= 0:
            raise RuleViolation("lines.quantity", "positive", "Order quantities must be positive")
        qty, price = merged.get(line.stock_item_id, (Decimal(0), None))
        merged[line.stock_item_id] = (qty + line.quantity, line.unit_price or price)
    connection = tx.connection
    if supplier_id is not None and not await connection.fetchval(
        "select 1 from supplier where dealer_id = $1 and id = $2 and active", dealer_id, supplier_id
    ):
        raise RecordNotFound("Supplier")
    number = await next_document_number(connection, dealer_id, "PO")
    order_id: int = await connection.fetchval(
        """
        insert into purchase_order (dealer_id, number, supplier_id, urgency, source, note,
                                    created_by)
        values ($1, $2, $3, $4, $5, $6, $7) returning id
        """,
        dealer_id,
        number,
        supplier_id,
        urgency,
        source,
        note,
        tx.scope.user_id,
    )
    items = list(merged)
    rows = await connection.fetch(
        """
        insert into purchase_order_line (dealer_id, purchase_order_id, stock_item_id, quantity,
                                         unit_price)
        select $1, $2, s.id, l.quantity,
               coalesce(l.price, nullif(s.unit_cost, 0), p.list_price)
          from unnest($3::bigint[], $4::numeric[], $5::numeric[]) as l(item, quantity, price)
          join stock_item s on s.dealer_id = $1 and s.id = l.item
          join part p on p.id = s.part_id
        returning id, stock_item_id
        """,
        dealer_id,
        order_id,
        items,
        [merged[i][0] for i in items],
        [merged[i][1] for i in items],
    )
    if len(rows) != len(items):
        raise RecordNotFound("Stock item")
    await record(
        dealer_id=dealer_id,
        action="purchase_order.create",
        object_type="purchase_order",
        object_id=order_id,
        after={"number": number, "urgency": urgency, "source": source, "lines": len(rows)},
        request_id=request_id,
    )
    return CreatedOrder(order_id, number, {r["stock_item_id"]: r["id"] for r in rows})
