"""Purchase orders. A parts plan is a purchase order before it is sent: the planner
drafts it (by hand, from shortages or from accepted reorder suggestions), the parts
manager reviews it and the service manager approves it before it is ordered.

Here: making a draft and editing it while it is a draft (its lines and header), and
closing a line short once ordered. Status moves are in ``purchase_order_states``, the
decisions (review, approval, ...) in ``purchase_workflow``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.parts.errors import RecordNotFound, RuleViolation
from tenants.parts.numbering import next_document_number
from tenants.parts.purchase_order_states import RECEIVABLE, follow_receipts, lock_order

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


CENT = Decimal("0.01")


async def stock_items_for_parts(
    connection: asyncpg.Connection, dealer_id: int, part_ids: Iterable[int]
) -> dict[int, int]:
    """Stock item id per part of the dealer's manufacturer; a part the dealer never
    stocked gets an item (with zero quotas), so it can be ordered at all."""
    ids = sorted(set(part_ids))
    rows = await connection.fetch(
        """
        with wanted as (
          select p.id from part p
           where p.id = any($2::bigint[])
             and p.manufacturer_id = (select r.manufacturer_id from dealer d
                                        join region r on r.id = d.region_id where d.id = $1)
        ), added as (
          insert into stock_item (dealer_id, part_id) select $1, id from wanted
          on conflict (dealer_id, part_id) do nothing
          returning id, part_id
        )
        select id, part_id from added
        union all
        select s.id, s.part_id from stock_item s join wanted w on w.id = s.part_id
         where s.dealer_id = $1
        """,
        dealer_id,
        ids,
    )
    found = {r["part_id"]: r["id"] for r in rows}
    if len(found) != len(ids):
        raise RecordNotFound("Part")
    return found


def require_draft(order: asyncpg.Record) -> None:
    if order["status"] != "draft":
        raise RuleViolation(
            "orderId",
            "draft_only",
            f"{order['number']} is {order['status']}: a plan is changed only while it is a"
            " draft (a reviewer or approver can reject it back to draft)",
        )


def _positive(quantity: Decimal) -> None:
    if quantity <= 0:
        raise RuleViolation("quantity", "positive", "Order quantities must be positive")


def _price(unit_price: Decimal | None) -> None:
    if unit_price is not None and unit_price < 0:
        raise RuleViolation("unitPrice", "not_negative", "A price cannot be negative")


async def _order_of_line(
    connection: asyncpg.Connection, dealer_id: int, line_id: int
) -> tuple[asyncpg.Record, asyncpg.Record]:
    order_id = await connection.fetchval(
        "select purchase_order_id from purchase_order_line where dealer_id = $1 and id = $2",
        dealer_id,
        line_id,
    )
    if order_id is None:
        raise RecordNotFound("Purchase order line")
    order = await lock_order(connection, dealer_id, order_id)
    line = await connection.fetchrow(
        "select * from purchase_order_line where dealer_id = $1 and id = $2", dealer_id, line_id
    )
    assert line is not None
    return order, line


async def add_line(
    tx: ActiveTransaction,
    dealer_id: int,
    order_id: int,
    stock_item_id: int,
    quantity: Decimal,
    unit_price: Decimal | None = None,
    *,
    request_id: str = "",
) -> int:
    """Add a part to a draft; a part already on it gets the quantity added."""
    _positive(quantity)
    _price(unit_price)
    order = await lock_order(tx.connection, dealer_id, order_id)
    require_draft(order)
    row = await tx.connection.fetchrow(
        """
        insert into purchase_order_line (dealer_id, purchase_order_id, stock_item_id, quantity,
                                         unit_price)
        select $1, $2, s.id, $4, coalesce($5, nullif(s.unit_cost, 0), p.list_price)
          from stock_item s join part p on p.id = s.part_id
         where s.dealer_id = $1 and s.id = $3
        on conflict (dealer_id, purchase_order_id, stock_item_id) do update
          set quantity = purchase_order_line.quantity + excluded.quantity,
              unit_price = coalesce($5, purchase_order_line.unit_price)
        returning id, quantity, unit_price
        """,
        dealer_id,
        order_id,
        stock_item_id,
        quantity,
        unit_price,
    )
    if row is None:
        raise RecordNotFound("Stock item")
    await record(
        dealer_id=dealer_id,
        action="purchase_order.line_add",
        object_type="purchase_order",
        object_id=order_id,
        after={"line_id": row["id"], "stock_item_id": stock_item_id, "added": quantity,
               "quantity": row["quantity"], "unit_price": row["unit_price"]},
        request_id=request_id,
    )  # fmt: skip
    line_id: int = row["id"]
    return line_id


async def update_line(
    tx: ActiveTransaction,
    dealer_id: int,
    line_id: int,
    *,
    quantity: Decimal | None = None,
    unit_price: Decimal | None = None,
    note: str | None = None,
    request_id: str = "",
) -> int:
    """Change a draft's line: only what is given. Returns the order id."""
    if quantity is not None:
        _positive(quantity)
    _price(unit_price)
    order, line = await _order_of_line(tx.connection, dealer_id, line_id)
    require_draft(order)
    after = await tx.connection.fetchrow(
        "update purchase_order_line set quantity = coalesce($3, quantity),"
        " unit_price = coalesce($4, unit_price), note = coalesce($5, note)"
        " where dealer_id = $1 and id = $2 returning quantity, unit_price, note",
        dealer_id,
        line_id,
        quantity,
        unit_price,
        note,
    )
    assert after is not None
    await record(
        dealer_id=dealer_id,
        action="purchase_order.line_update",
        object_type="purchase_order",
        object_id=order["id"],
        before={"line_id": line_id, "quantity": line["quantity"],
                "unit_price": line["unit_price"], "note": line["note"]},
        after={"line_id": line_id, **dict(after)},
        request_id=request_id,
    )  # fmt: skip
    order_id: int = order["id"]
    return order_id


async def remove_line(
    tx: ActiveTransaction, dealer_id: int, line_id: int, *, request_id: str = ""
) -> int:
    """Take a line off a draft; a reorder suggestion accepted into it is open again.
    Returns the order id."""
    order, line = await _order_of_line(tx.connection, dealer_id, line_id)
    require_draft(order)
    await tx.connection.execute(
        "update reorder_suggestion set purchase_order_line_id = null, status = 'open',"
        " decided_by = null, decided_at = null"
        " where dealer_id = $1 and purchase_order_line_id = $2",
        dealer_id,
        line_id,
    )
    await tx.connection.execute(
        "delete from purchase_order_line where dealer_id = $1 and id = $2", dealer_id, line_id
    )
    await record(
        dealer_id=dealer_id,
        action="purchase_order.line_remove",
        object_type="purchase_order",
        object_id=order["id"],
        before={"line_id": line_id, "stock_item_id": line["stock_item_id"],
                "quantity": line["quantity"], "unit_price": line["unit_price"]},
        request_id=request_id,
    )  # fmt: skip
    order_id: int = order["id"]
    return order_id


@dataclass(frozen=True)
class HeaderChanges:
    """What to change on a draft's header; ``supplier_id`` applies only when
    ``set_supplier`` (None then means the manufacturer's parts centre)."""

    set_supplier: bool = False
    supplier_id: int | None = None
    urgency: Urgency | None = None
    note: str | None = None


async def update_header(
    tx: ActiveTransaction,
    dealer_id: int,
    order_id: int,
    changes: HeaderChanges,
    *,
    request_id: str = "",
) -> None:
    order = await lock_order(tx.connection, dealer_id, order_id)
    require_draft(order)
    supplier = order["supplier_id"]
    if changes.set_supplier:
        supplier = changes.supplier_id
        if supplier is not None and not await tx.connection.fetchval(
            "select 1 from supplier where dealer_id = $1 and id = $2 and active",
            dealer_id,
            supplier,
        ):
            raise RecordNotFound("Supplier")
    after = await tx.connection.fetchrow(
        "update purchase_order set supplier_id = $3, urgency = coalesce($4, urgency),"
        " note = coalesce($5, note) where dealer_id = $1 and id = $2"
        " returning supplier_id, urgency, note",
        dealer_id,
        order_id,
        supplier,
        changes.urgency,
        changes.note,
    )
    assert after is not None
    await record(
        dealer_id=dealer_id,
        action="purchase_order.update",
        object_type="purchase_order",
        object_id=order_id,
        before={k: order[k] for k in ("supplier_id", "urgency", "note")},
        after=dict(after),
        request_id=request_id,
    )


async def close_line_short(
    tx: ActiveTransaction, dealer_id: int, line_id: int, reason: str, *, request_id: str = ""
) -> int:
    """The supplier will not ship the rest (or it was refused for good): the line stops
    counting as on order, and the order may be complete. Returns the order id."""
    if not reason.strip():
        raise RuleViolation("reason", "reason_required", "Say why the line is closed short")
    order, line = await _order_of_line(tx.connection, dealer_id, line_id)
    if order["status"] not in RECEIVABLE:
        raise RuleViolation(
            "lineId",
            "status_transition",
            f"{order['number']} is {order['status']}: only a line of an ordered purchase"
            " order is closed short",
        )
    if line["closed"]:
        raise RuleViolation("lineId", "line_closed", "The line is closed already")
    if line["received_qty"] >= line["quantity"]:
        raise RuleViolation("lineId", "line_complete", "The line is received in full")
    if await tx.connection.fetchval(
        "select 1 from parts_receipt_line rl join parts_receipt r"
        " on r.dealer_id = rl.dealer_id and r.id = rl.receipt_id"
        " where rl.dealer_id = $1 and rl.purchase_order_line_id = $2 and r.status = 'open'",
        dealer_id,
        line_id,
    ):
        raise RuleViolation(
            "lineId", "open_receipt", "A receipt in progress counts this line: post or cancel it"
        )
    await tx.connection.execute(
        "update purchase_order_line set closed = true, closed_by = $3, closed_at = now(),"
        " close_reason = $4 where dealer_id = $1 and id = $2",
        dealer_id,
        line_id,
        tx.scope.user_id,
        reason.strip(),
    )
    await record(
        dealer_id=dealer_id,
        action="purchase_order.line_close",
        object_type="purchase_order",
        object_id=order["id"],
        after={"line_id": line_id, "quantity": line["quantity"],
               "received_qty": line["received_qty"],
               "short": line["quantity"] - line["received_qty"], "reason": reason.strip()},
        request_id=request_id,
    )  # fmt: skip
    await follow_receipts(tx, order, request_id=request_id)
    order_id: int = order["id"]
    return order_id
