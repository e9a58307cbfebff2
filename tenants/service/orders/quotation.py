"""Quotation lines (labour at standard hours x the dealer's rate, parts at the catalog
price, materials), each with its pay type, and sending a quotation as a revision.

A revision is a snapshot of the lines the customer is asked to approve. Approved lines
never change; lines added after the first approval are additional work and reach the
customer only in a new revision (``approval``). A line shown in a pending revision is
frozen until that revision is decided, so what the customer approves is what he saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.service.board_events import publish_board_change

from .errors import OrderNotFound, OrderRuleError
from .pricing import LINE_KINDS, PAY_TYPES, labour_rate, totals_of
from .state_machine import transition

CHANGEABLE = ("open", "awaiting_approval", "approved", "in_progress")
"""Statuses in which lines may still be proposed, quoted and approved: once the work is
done the checks begin, and new work would slip past them (a failed check is rework)."""
APPROVED_STATUSES = ("approved", "in_progress", "work_done")
"""After the first approval, every new line is additional work."""
LIVE = ("proposed", "approved")


@dataclass(frozen=True)
class LineInput:
    kind: str
    pay_type: str = "customer"
    operation_id: int | None = None
    part_id: int | None = None
    description: str = ""
    quantity: Decimal = Decimal(1)
    hours: Decimal | None = None
    unit_price: Decimal | None = None


async def lock_order(connection: asyncpg.Connection, order_id: int) -> asyncpg.Record:
    order = await connection.fetchrow(
        "select * from repair_order where id = $1 for update", order_id
    )
    if order is None:
        raise OrderNotFound()
    return order


def require_changeable(order: asyncpg.Record) -> None:
    if order["status"] == "work_done":
        raise OrderRuleError(
            "no_new_work_after_work_done",
            "the work is done and being checked; new work needs a failed check (rework) first",
        )
    if order["status"] not in CHANGEABLE:
        raise OrderRuleError(
            "no_lines_after_final_check",
            f"the order is {order['status']}; lines change only before the final check",
        )


async def _manufacturer(connection: asyncpg.Connection, dealer_id: int) -> int:
    manufacturer: int = await connection.fetchval(
        "select r.manufacturer_id from dealer d join region r on r.id = d.region_id"
        " where d.id = $1",
        dealer_id,
    )
    return manufacturer


async def _priced(
    connection: asyncpg.Connection, dealer_id: int, line: LineInput
) -> dict[str, Any]:
    """The line's columns with catalog defaults filled in, validated."""
    if line.kind not in LINE_KINDS:
        raise OrderRuleError("line_kind", f"kind is one of {LINE_KINDS}", field="kind")
    if line.pay_type not in PAY_TYPES:
        raise OrderRuleError("pay_type", f"pay type is one of {PAY_TYPES}", field="payType")
    if line.quantity <= 0:
        raise OrderRuleError("quantity_positive", "quantity must be positive", field="quantity")
    if line.unit_price is not None and line.unit_price < 0:
        raise OrderRuleError("price_positive", "price cannot be negative", field="unitPrice")
    if line.hours is not None and line.hours < 0:
        raise OrderRuleError("hours_positive", "hours cannot be negative", field="hours")
    values: dict[str, Any] = {
        "kind": line.kind,
        "pay_type": line.pay_type,
        "operation_id": None,
        "part_id": None,
        "description": line.description.strip(),
        "quantity": line.quantity,
        "hours": None,
        "unit_price": line.unit_price,
    }
    if line.kind == "labour":
        values["hours"] = line.hours
        if line.operation_id is not None:
            operation = await connection.fetchrow(
                "select * from labour_operation where id = $1 and manufacturer_id = $2",
                line.operation_id,
                await _manufacturer(connection, dealer_id),
            )
            if operation is None:
                raise OrderNotFound("Labour operation")
            values["operation_id"] = operation["id"]
            values["description"] = values["description"] or operation["name"]
            if values["hours"] is None:
                values["hours"] = operation["standard_hours"]
        if values["hours"] is None:
            raise OrderRuleError(
                "labour_needs_hours", "free-text labour needs its hours", field="hours"
            )
        if values["unit_price"] is None:
            values["unit_price"] = await labour_rate(connection, dealer_id)
    elif line.kind == "part":
        if line.part_id is None:
            raise OrderRuleError("part_needs_part", "a part line names the part", field="partId")
        part = await connection.fetchrow(
            "select * from part where id = $1 and manufacturer_id = $2",
            line.part_id,
            await _manufacturer(connection, dealer_id),
        )
        if part is None:
            raise OrderNotFound("Part")
        values["part_id"] = part["id"]
        values["description"] = values["description"] or part["name"]
        if values["unit_price"] is None:
            values["unit_price"] = part["list_price"]
    elif values["unit_price"] is None:
        raise OrderRuleError(
            "material_needs_price", "a material needs its price", field="unitPrice"
        )
    if line.kind != "part" and not values["description"]:
        raise OrderRuleError(
            "description_required", "describe the work or material", field="description"
        )
    return values


async def add_line(
    tx: ActiveTransaction,
    order_id: int,
    line: LineInput,
    *,
    reported_by: int | None = None,
    request_id: str = "",
) -> asyncpg.Record:
    """Propose a line; after the first approval it is additional work."""
    connection = tx.connection
    order = await lock_order(connection, order_id)
    require_changeable(order)
    values = await _priced(connection, order["dealer_id"], line)
    next_revision: int = await connection.fetchval(
        "select coalesce(max(revision), 0) + 1 from order_revision where repair_order_id = $1",
        order_id,
    )
    row = await connection.fetchrow(
        """
        insert into repair_order_line (dealer_id, repair_order_id, kind, operation_id, part_id,
          description, quantity, hours, unit_price, pay_type, revision_added, additional,
          reported_by, created_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning *
        """,
        order["dealer_id"],
        order_id,
        values["kind"],
        values["operation_id"],
        values["part_id"],
        values["description"],
        values["quantity"],
        values["hours"],
        values["unit_price"],
        values["pay_type"],
        next_revision,
        order["status"] in APPROVED_STATUSES,
        reported_by,
        tx.scope.user_id,
    )
    assert row is not None
    await record(
        dealer_id=order["dealer_id"],
        action="repair_order_line.add",
        object_type="repair_order",
        object_id=order_id,
        after=dict(row),
        request_id=request_id,
    )
    await publish_board_change(order["dealer_id"], order_id)
    return row


async def _proposed_line(connection: asyncpg.Connection, line_id: int) -> asyncpg.Record:
    line = await connection.fetchrow(
        "select * from repair_order_line where id = $1 for update", line_id
    )
    if line is None:
        raise OrderNotFound("Repair order line")
    if line["status"] != "proposed":
        raise OrderRuleError(
            "approved_line_immutable" if line["status"] == "approved" else "line_closed",
            f"the line is {line['status']}; only proposed lines change (a change of approved"
            " work is a new line in a new revision)",
            field="lineId",
        )
    pending = await connection.fetchval(
        "select revision from order_revision where repair_order_id = $1 and status = 'pending'"
        " and lines @> jsonb_build_array(jsonb_build_object('id', $2::bigint))",
        line["repair_order_id"],
        line_id,
    )
    if pending is not None:
        raise OrderRuleError(
            "line_in_pending_quotation",
            f"the line is in quotation revision {pending} awaiting the customer",
            field="lineId",
        )
    return line


async def update_line(
    tx: ActiveTransaction, line_id: int, changes: dict[str, Any], request_id: str = ""
) -> asyncpg.Record:
    """Change a proposed line (quantity, hours, unit_price, pay_type, description)."""
    connection = tx.connection
    line = await _proposed_line(connection, line_id)
    order = await lock_order(connection, line["repair_order_id"])
    require_changeable(order)
    merged = LineInput(
        kind=line["kind"],
        pay_type=changes.get("pay_type") or line["pay_type"],
        operation_id=line["operation_id"],
        part_id=line["part_id"],
        description=changes.get("description") or line["description"],
        quantity=changes.get("quantity") or line["quantity"],
        hours=changes["hours"] if changes.get("hours") is not None else line["hours"],
        unit_price=(
            changes["unit_price"] if changes.get("unit_price") is not None else line["unit_price"]
        ),
    )
    values = await _priced(connection, order["dealer_id"], merged)
    row = await connection.fetchrow(
        "update repair_order_line set description = $2, quantity = $3, hours = $4,"
        " unit_price = $5, pay_type = $6 where id = $1 returning *",
        line_id,
        values["description"],
        values["quantity"],
        values["hours"],
        values["unit_price"],
        values["pay_type"],
    )
    assert row is not None
    await record(
        dealer_id=order["dealer_id"],
        action="repair_order_line.update",
        object_type="repair_order",
        object_id=order["id"],
        before={k: line[k] for k in ("description", "quantity", "hours", "unit_price", "pay_type")},
        after={k: row[k] for k in ("description", "quantity", "hours", "unit_price", "pay_type")},
        request_id=request_id,
    )
    await publish_board_change(order["dealer_id"], order["id"])
    return row


async def remove_line(tx: ActiveTransaction, line_id: int, request_id: str = "") -> asyncpg.Record:
    """Withdraw a proposed line (kept as cancelled); its parts reservation is released."""
    connection = tx.connection
    line = await _proposed_line(connection, line_id)
    order = await lock_order(connection, line["repair_order_id"])
    require_changeable(order)
    row = await connection.fetchrow(
        "update repair_order_line set status = 'cancelled' where id = $1 returning *", line_id
    )
    await release_reservations(connection, [line_id])
    await record(
        dealer_id=order["dealer_id"],
        action="repair_order_line.remove",
        object_type="repair_order",
        object_id=order["id"],
        before={"line_id": line_id, "status": "proposed"},
        after={"line_id": line_id, "status": "cancelled"},
        request_id=request_id,
    )
    await publish_board_change(order["dealer_id"], order["id"])
    assert row is not None
    return row


async def release_reservations(connection: asyncpg.Connection, line_ids: list[int]) -> None:
    await connection.execute(
        "update stock_reservation set status = 'released', closed_at = now()"
        " where repair_order_line_id = any($1::bigint[]) and status = 'active'",
        line_ids,
    )


SNAPSHOT_SQL = """
select coalesce(jsonb_agg(jsonb_build_object(
         'id', l.id, 'kind', l.kind, 'description', l.description,
         'operationCode', o.code, 'partNumber', p.part_number,
         'quantity', l.quantity, 'hours', l.hours, 'unitPrice', l.unit_price,
         'amount', round(l.quantity * l.unit_price * coalesce(l.hours, 1), 2),
         'payType', l.pay_type, 'status', l.status, 'additional', l.additional)
         order by l.id), '[]'::jsonb)
  from repair_order_line l
  left join labour_operation o on o.id = l.operation_id
  left join part p on p.id = l.part_id
 where l.repair_order_id = $1 and l.status in ('proposed', 'approved')
"""


async def send_quotation(
    tx: ActiveTransaction,
    order_id: int,
    *,
    promised_at: datetime | None,
    authority_limit: Decimal | None,
    request_id: str = "",
) -> asyncpg.Record:
    """Snapshot the live lines as the next revision, pending the customer (and, above
    the sender's authority limit, a supervisor first)."""
    connection = tx.connection
    order = await lock_order(connection, order_id)
    require_changeable(order)
    lines: list[dict[str, Any]] = await connection.fetchval(SNAPSHOT_SQL, order_id)
    if not any(line["status"] == "proposed" for line in lines):
        raise OrderRuleError(
            "nothing_to_quote", "there are no proposed lines to quote", field="lines"
        )
    if promised_at is not None:
        in_past = await connection.fetchval("select $1::timestamptz < now()", promised_at)
        if in_past:
            raise OrderRuleError(
                "promised_in_past", "the promised time is in the past", field="promisedAt"
            )
    totals = totals_of(
        {"kind": ln["kind"], "pay_type": ln["payType"], "amount": ln["amount"]} for ln in lines
    )
    requires_supervisor = authority_limit is None or totals.customer_share > authority_limit
    # An unanswered older quotation is replaced by this one; an approved one stays in
    # force until this one is approved.
    await connection.execute(
        "update order_revision set status = 'superseded', token_hash = null"
        " where repair_order_id = $1 and status = 'pending'",
        order_id,
    )
    revision = await connection.fetchrow(
        """
        insert into order_revision (dealer_id, repair_order_id, revision, lines, total,
          customer_total, promised_at, requires_supervisor, created_by)
        select $1, $2, coalesce(max(revision), 0) + 1, $3, $4, $5, $6, $7, $8
          from order_revision where repair_order_id = $2
        returning *
        """,
        order["dealer_id"],
        order_id,
        lines,
        totals.total,
        totals.customer_share,
        promised_at or order["promised_at"],
        requires_supervisor,
        tx.scope.user_id,
    )
    assert revision is not None
    await connection.execute(
        "update repair_order set revision = $2 where id = $1", order_id, revision["revision"]
    )
    await record(
        dealer_id=order["dealer_id"],
        action="quotation.send",
        object_type="repair_order",
        object_id=order_id,
        after={
            "revision": revision["revision"],
            "total": totals.total,
            "customer_total": totals.customer_share,
            "requires_supervisor": requires_supervisor,
        },
        request_id=request_id,
    )
    if order["status"] == "open":
        await transition(
            tx,
            order_id,
            "awaiting_approval",
            f"quotation r{revision['revision']}",
            request_id=request_id,
        )
    else:
        await publish_board_change(order["dealer_id"], order_id)
    return revision
