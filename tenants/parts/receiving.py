"""Receiving a delivery against an ordered purchase order, with three inspections
(domain §4 "Purchase and receive"):

1. the purchaser checks the delivery against the shipping list (what was shipped);
2. the keeper counts each line and judges its quality; damaged, wrong or defective
   parts are refused (parts_receipt:refuse) and never enter stock;
3. after posting, shelving is confirmed.

Posting books one ``receipt`` movement per accepted line through the ledger at the
purchase order's price (a FIFO lot opens for each), adds to the order lines' received
and refused quantities, moves the order to partially received or received, and sets
the stock item's cost to the new price where it changed (入库价格变动更新). More than
is outstanding is refused unless the keeper accepted the over-delivery explicitly;
refused parts stay outstanding unless the line is closed short. The order is locked
while posting, so two receipts of one order post one after the other and the second
sees what the first received (no over-receiving by a race).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import asyncpg

from policies.errors import PolicyDenied
from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.partners import domain_events
from tenants.parts import ledger
from tenants.parts.errors import RecordNotFound, RuleViolation
from tenants.parts.numbering import next_document_number
from tenants.parts.purchase_order_states import RECEIVABLE, follow_receipts, lock_order

Quality = Literal["ok", "damaged", "wrong_part", "defective"]
QUALITIES: frozenset[str] = frozenset({"ok", "damaged", "wrong_part", "defective"})
Allowed = Callable[[str, str], bool]


async def lock_receipt(
    connection: asyncpg.Connection, dealer_id: int, receipt_id: int
) -> asyncpg.Record:
    row = await connection.fetchrow(
        "select * from parts_receipt where dealer_id = $1 and id = $2 for update",
        dealer_id,
        receipt_id,
    )
    if row is None:
        raise RecordNotFound("Parts receipt")
    return row


def _require_open(receipt: asyncpg.Record, doing: str) -> None:
    if receipt["status"] != "open":
        raise RuleViolation(
            "receiptId",
            "status_transition",
            f"{receipt['number']} is {receipt['status']}: cannot {doing}",
            fromStatus=receipt["status"],
        )


async def open_receipt(
    tx: ActiveTransaction,
    dealer_id: int,
    order_id: int,
    delivery_note: str = "",
    *,
    request_id: str = "",
) -> int:
    """A delivery arrived for an ordered purchase order: a receipt with a line for every
    part still outstanding, expected as shipped until the shipping list says otherwise."""
    order = await lock_order(tx.connection, dealer_id, order_id)
    if order["status"] not in RECEIVABLE:
        raise RuleViolation(
            "purchaseOrderId",
            "not_ordered",
            f"{order['number']} is {order['status']}: parts are received only against an"
            " ordered purchase order",
        )
    number = await next_document_number(tx.connection, dealer_id, "GR")
    receipt_id: int = await tx.connection.fetchval(
        "insert into parts_receipt (dealer_id, number, purchase_order_id, delivery_note,"
        " received_by) values ($1, $2, $3, $4, $5) returning id",
        dealer_id,
        number,
        order_id,
        delivery_note.strip(),
        tx.scope.user_id,
    )
    lines = await tx.connection.execute(
        """
        insert into parts_receipt_line (dealer_id, receipt_id, purchase_order_line_id,
                                        stock_item_id, shipped_qty, counted_qty, accepted_qty,
                                        unit_cost)
        select $1, $2, l.id, l.stock_item_id, l.quantity - l.received_qty, 0, 0, l.unit_price
          from purchase_order_line l
         where l.dealer_id = $1 and l.purchase_order_id = $3 and not l.closed
           and l.received_qty < l.quantity
         order by l.id
        """,
        dealer_id,
        receipt_id,
        order_id,
    )
    count = int(lines.split()[-1])
    if count == 0:
        raise RuleViolation(
            "purchaseOrderId", "nothing_outstanding", f"Nothing of {order['number']} is outstanding"
        )
    await record(
        dealer_id=dealer_id,
        action="parts_receipt.open",
        object_type="parts_receipt",
        object_id=receipt_id,
        after={"number": number, "purchase_order": order["number"], "lines": count,
               "delivery_note": delivery_note.strip()},
        request_id=request_id,
    )  # fmt: skip
    return receipt_id


async def check_shipping_list(
    tx: ActiveTransaction,
    dealer_id: int,
    receipt_id: int,
    shipped: Mapping[int, Decimal],
    *,
    request_id: str = "",
) -> None:
    """First inspection: the purchaser states what the shipping list says was shipped
    (lines not named keep their expected quantity) and signs the check."""
    receipt = await lock_receipt(tx.connection, dealer_id, receipt_id)
    _require_open(receipt, "check its shipping list")
    if any(q < 0 for q in shipped.values()):
        raise RuleViolation("shippedQty", "not_negative", "Shipped quantities cannot be negative")
    ids = sorted(shipped)
    changed = await tx.connection.fetch(
        """
        update parts_receipt_line rl set shipped_qty = s.qty
          from unnest($3::bigint[], $4::numeric[]) as s(id, qty)
         where rl.dealer_id = $1 and rl.receipt_id = $2 and rl.id = s.id
        returning rl.id
        """,
        dealer_id,
        receipt_id,
        ids,
        [shipped[i] for i in ids],
    )
    if len(changed) != len(ids):
        raise RecordNotFound("Receipt line")
    await tx.connection.execute(
        "update parts_receipt set shipping_list_checked_by = $3, shipping_list_checked_at = now()"
        " where dealer_id = $1 and id = $2",
        dealer_id,
        receipt_id,
        tx.scope.user_id,
    )
    await record(
        dealer_id=dealer_id,
        action="parts_receipt.shipping_list_checked",
        object_type="parts_receipt",
        object_id=receipt_id,
        after={"shipped": {str(i): shipped[i] for i in ids}},
        request_id=request_id,
    )


@dataclass(frozen=True)
class Count:
    counted_qty: Decimal
    refused_qty: Decimal = Decimal(0)
    quality: str = "ok"
    accept_over_delivery: bool = False
    note: str = ""


def _validate_count(count: Count, allowed: Allowed) -> Decimal:
    if count.quality not in QUALITIES:
        raise RuleViolation("quality", "unknown_quality", f"Unknown quality {count.quality!r}")
    if count.counted_qty < 0:
        raise RuleViolation("countedQty", "not_negative", "A count cannot be negative")
    if not 0 <= count.refused_qty <= count.counted_qty:
        raise RuleViolation(
            "refusedQty", "within_count", "The refused quantity is between 0 and the count"
        )
    if count.quality != "ok" and count.refused_qty == 0:
        raise RuleViolation(
            "refusedQty",
            "faulty_refused",
            f"Parts judged {count.quality} do not enter stock: refuse them",
        )
    if count.quality == "wrong_part" and count.refused_qty != count.counted_qty:
        raise RuleViolation("refusedQty", "wrong_part_refused", "A wrong part is refused in full")
    if count.refused_qty > 0 and not allowed("parts_receipt", "refuse"):
        raise PolicyDenied("parts_receipt", "refuse")
    return count.counted_qty - count.refused_qty


def _over_delivery(part_number: str, accepted: Decimal, outstanding: Decimal) -> RuleViolation:
    cent = Decimal("0.01")
    accepted, outstanding = accepted.quantize(cent), max(outstanding, Decimal(0)).quantize(cent)
    return RuleViolation(
        "countedQty",
        "over_delivery",
        f"{part_number}: {accepted} accepted but only {outstanding} outstanding on the order;"
        " accept the over-delivery explicitly (acceptOverDelivery) or refuse the surplus",
        partNumber=part_number,
        accepted=str(accepted),
        outstanding=str(outstanding),
    )


LINE_SQL = """
select rl.*, l.quantity as ordered_qty, l.received_qty as order_received_qty, l.closed,
       p.part_number
  from parts_receipt_line rl
  join purchase_order_line l on l.dealer_id = rl.dealer_id and l.id = rl.purchase_order_line_id
  join stock_item s on s.dealer_id = rl.dealer_id and s.id = rl.stock_item_id
  join part p on p.id = s.part_id
 where rl.dealer_id = $1
"""


async def count_line(
    tx: ActiveTransaction,
    dealer_id: int,
    line_id: int,
    count: Count,
    allowed: Allowed,
    *,
    request_id: str = "",
) -> int:
    """Second inspection: the keeper's count and quality judgement of one line (again
    until the receipt is posted). Returns the receipt id."""
    accepted = _validate_count(count, allowed)
    receipt_id = await tx.connection.fetchval(
        "select receipt_id from parts_receipt_line where dealer_id = $1 and id = $2",
        dealer_id,
        line_id,
    )
    if receipt_id is None:
        raise RecordNotFound("Receipt line")
    receipt = await lock_receipt(tx.connection, dealer_id, receipt_id)
    _require_open(receipt, "count it")
    line = await tx.connection.fetchrow(LINE_SQL + " and rl.id = $2", dealer_id, line_id)
    assert line is not None
    outstanding = Decimal(0) if line["closed"] else line["ordered_qty"] - line["order_received_qty"]
    if accepted > outstanding and not count.accept_over_delivery:
        raise _over_delivery(line["part_number"], accepted, outstanding)
    await tx.connection.execute(
        "update parts_receipt_line set counted_qty = $3, accepted_qty = $4, refused_qty = $5,"
        " quality = $6, over_delivery_accepted = $7, note = $8, counted_by = $9,"
        " counted_at = now() where dealer_id = $1 and id = $2",
        dealer_id,
        line_id,
        count.counted_qty,
        accepted,
        count.refused_qty,
        count.quality,
        count.accept_over_delivery and accepted > outstanding,
        count.note.strip(),
        tx.scope.user_id,
    )
    await record(
        dealer_id=dealer_id,
        action="parts_receipt.count",
        object_type="parts_receipt",
        object_id=receipt_id,
        before={"line_id": line_id, "counted_qty": line["counted_qty"] if line["counted_at"]
                else None, "refused_qty": line["refused_qty"], "quality": line["quality"]},
        after={"line_id": line_id, "part_number": line["part_number"],
               "shipped_qty": line["shipped_qty"], "counted_qty": count.counted_qty,
               "accepted_qty": accepted, "refused_qty": count.refused_qty,
               "quality": count.quality, "over_delivery_accepted": count.accept_over_delivery
               and accepted > outstanding},
        request_id=request_id,
    )  # fmt: skip
    return int(receipt_id)


@dataclass(frozen=True)
class Posted:
    receipt_id: int
    order_status: str
    movement_ids: list[int]
    cost_changes: dict[int, tuple[Decimal, Decimal]]
    """Stock item id -> (old cost, new cost) where the price changed."""


async def post_receipt(
    tx: ActiveTransaction, dealer_id: int, receipt_id: int, *, request_id: str = ""
) -> Posted:
    """Book the accepted parts into stock; see the module doc."""
    connection = tx.connection
    order_id = await connection.fetchval(
        "select purchase_order_id from parts_receipt where dealer_id = $1 and id = $2",
        dealer_id,
        receipt_id,
    )
    if order_id is None:
        raise RecordNotFound("Parts receipt")
    # The order first: receipts of one order post one at a time.
    order = await lock_order(connection, dealer_id, order_id)
    receipt = await lock_receipt(connection, dealer_id, receipt_id)
    _require_open(receipt, "post it")
    if order["status"] not in RECEIVABLE:
        raise RuleViolation(
            "receiptId",
            "not_ordered",
            f"{order['number']} is {order['status']}: nothing to receive",
        )
    if receipt["shipping_list_checked_by"] is None:
        raise RuleViolation(
            "receiptId",
            "shipping_list_unchecked",
            "The purchaser checks the delivery against the shipping list before it is posted",
        )
    lines = await connection.fetch(
        LINE_SQL + " and rl.receipt_id = $2 order by rl.id", dealer_id, receipt_id
    )
    uncounted = [r["part_number"] for r in lines if r["counted_at"] is None and r["shipped_qty"]]
    if uncounted:
        raise RuleViolation(
            "receiptId",
            "line_not_counted",
            f"Count every shipped line first: {', '.join(uncounted)}",
            partNumbers=uncounted,
        )
    for line in lines:
        outstanding = (
            Decimal(0) if line["closed"] else line["ordered_qty"] - line["order_received_qty"]
        )
        if line["accepted_qty"] > outstanding and not line["over_delivery_accepted"]:
            raise _over_delivery(line["part_number"], line["accepted_qty"], outstanding)
    accepted = [r for r in lines if r["accepted_qty"] > 0]
    await ledger.lock_items(connection, dealer_id, [r["stock_item_id"] for r in accepted])
    movements: list[int] = []
    for line in accepted:
        movement = await ledger.post(
            tx,
            dealer_id,
            line["stock_item_id"],
            "receipt",
            line["accepted_qty"],
            document_type="parts_receipt",
            document_id=receipt_id,
            reason=f"{receipt['number']} ({order['number']})",
            unit_cost=line["unit_cost"],
        )
        movements.append(movement.id)
    await connection.execute(
        "update parts_receipt_line rl set movement_id = m.movement"
        " from unnest($2::bigint[], $3::bigint[]) as m(line, movement)"
        " where rl.dealer_id = $1 and rl.id = m.line",
        dealer_id,
        [r["id"] for r in accepted],
        movements,
    )
    await connection.execute(
        "update purchase_order_line l set received_qty = l.received_qty + rl.accepted_qty,"
        " refused_qty = l.refused_qty + rl.refused_qty"
        " from parts_receipt_line rl"
        " where rl.dealer_id = $1 and rl.receipt_id = $2 and l.dealer_id = $1"
        " and l.id = rl.purchase_order_line_id",
        dealer_id,
        receipt_id,
    )
    changes = await connection.fetch(
        """
        with old as (
          select s.id, s.unit_cost from stock_item s
           where s.dealer_id = $1 and s.id = any($3::bigint[])
        ), updated as (
          update stock_item s set unit_cost = rl.unit_cost
            from parts_receipt_line rl
           where rl.dealer_id = $1 and rl.receipt_id = $2 and rl.accepted_qty > 0
             and s.dealer_id = $1 and s.id = rl.stock_item_id and s.unit_cost <> rl.unit_cost
          returning s.id, s.unit_cost
        )
        select u.id, o.unit_cost as old_cost, u.unit_cost as new_cost
          from updated u join old o on o.id = u.id
        """,
        dealer_id,
        receipt_id,
        [r["stock_item_id"] for r in accepted],
    )
    await connection.execute(
        "update parts_receipt set status = 'posted', posted_by = $3, posted_at = now()"
        " where dealer_id = $1 and id = $2",
        dealer_id,
        receipt_id,
        tx.scope.user_id,
    )
    cost_changes = {r["id"]: (r["old_cost"], r["new_cost"]) for r in changes}
    await record(
        dealer_id=dealer_id,
        action="parts_receipt.post",
        object_type="parts_receipt",
        object_id=receipt_id,
        before={"status": "open"},
        after={
            "status": "posted",
            "purchase_order": order["number"],
            "lines": [
                {"part_number": r["part_number"], "accepted": r["accepted_qty"],
                 "refused": r["refused_qty"], "quality": r["quality"], "unit_cost": r["unit_cost"]}
                for r in lines
            ],
            "cost_changes": {str(k): {"from": v[0], "to": v[1]} for k, v in cost_changes.items()},
        },
        request_id=request_id,
    )  # fmt: skip
    fresh = await lock_order(connection, dealer_id, order_id)
    after = await follow_receipts(tx, fresh, request_id=request_id)
    await domain_events.parts_receipt_received(
        tx, dealer_id, receipt, order, after["status"], accepted
    )
    return Posted(receipt_id, after["status"], movements, cost_changes)


async def confirm_shelving(
    tx: ActiveTransaction, dealer_id: int, receipt_id: int, *, request_id: str = ""
) -> None:
    """Third inspection: the posted parts are on their bins (货位), with stock cards."""
    receipt = await lock_receipt(tx.connection, dealer_id, receipt_id)
    if receipt["status"] != "posted":
        raise RuleViolation(
            "receiptId",
            "status_transition",
            f"{receipt['number']} is {receipt['status']}: only posted parts are shelved",
            fromStatus=receipt["status"],
        )
    if receipt["shelved_at"] is not None:
        raise RuleViolation("receiptId", "already_shelved", f"{receipt['number']} is shelved")
    await tx.connection.execute(
        "update parts_receipt set shelved_by = $3, shelved_at = now()"
        " where dealer_id = $1 and id = $2",
        dealer_id,
        receipt_id,
        tx.scope.user_id,
    )
    await record(
        dealer_id=dealer_id,
        action="parts_receipt.shelved",
        object_type="parts_receipt",
        object_id=receipt_id,
        after={"number": receipt["number"]},
        request_id=request_id,
    )


async def cancel_receipt(
    tx: ActiveTransaction, dealer_id: int, receipt_id: int, reason: str, *, request_id: str = ""
) -> None:
    """A receipt opened by mistake (or for the wrong order), before it is posted."""
    if not reason.strip():
        raise RuleViolation("reason", "reason_required", "Say why the receipt is cancelled")
    receipt = await lock_receipt(tx.connection, dealer_id, receipt_id)
    _require_open(receipt, "cancel it")
    await tx.connection.execute(
        "update parts_receipt set status = 'cancelled', cancelled_by = $3, cancelled_at = now(),"
        " note = $4 where dealer_id = $1 and id = $2",
        dealer_id,
        receipt_id,
        tx.scope.user_id,
        reason.strip(),
    )
    await record(
        dealer_id=dealer_id,
        action="parts_receipt.cancel",
        object_type="parts_receipt",
        object_id=receipt_id,
        before={"status": "open"},
        after={"status": "cancelled", "reason": reason.strip()},
        request_id=request_id,
    )
