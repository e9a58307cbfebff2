"""Issuing parts (领料 / 发料) against repair-order lines: no "white slips".

A parts request is made for one approved part line of an order in work, by whoever
does the job (the technician). The advisor countersigns it; a warranty line also needs
the claims specialist's signature. Only then does the keeper issue it, FIFO through the
ledger, once the old part's return is recorded (kept for the warranty claim, handed to
the customer, scrapped, or none when nothing is replaced). Parts left unused go back to
stock at the issue's cost. Three different people sign (出库 three-party signature):
the keeper issues nothing he requested or countersigned himself.

requested -> signed (signatures complete) -> issued -> returned (all of it back);
requested | signed -> cancelled (by the requesting side) | refused (by a signer or the
keeper). ``transition`` guards every status change with the rule ``status_transition``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Literal

import asyncpg

from policies.errors import SegregationOfDutiesError
from policies.segregation import ensure_distinct_approvers
from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.parts import ledger
from tenants.parts.catalog import current_successors
from tenants.parts.errors import InsufficientStock, RecordNotFound, RuleViolation
from tenants.parts.numbering import next_document_number
from tenants.parts.stock import lock_stock_items
from tenants.service.board_events import publish_board_change

Status = Literal["requested", "signed", "issued", "returned", "refused", "cancelled"]
OldPart = Literal["keep_for_warranty", "hand_over", "scrap", "none"]

ALLOWED: Final[frozenset[tuple[str, str]]] = frozenset(
    {
        ("requested", "signed"),  # the last required signature is given
        ("requested", "cancelled"),
        ("signed", "cancelled"),
        ("requested", "refused"),
        ("signed", "refused"),
        ("signed", "issued"),
        ("issued", "returned"),  # everything issued came back unused
    }
)
OPEN: Final = ("requested", "signed")
COUNTED: Final = ("requested", "signed", "issued", "returned")
"""Requests that hold part of their line's quantity (less what came back)."""
ORDER_IN_WORK: Final = ("approved", "in_progress")
"""Parts are drawn while the job is being done: after approval, before the work is done
(a failed quality check puts the order back in progress)."""
SIGNATURES: Final = frozenset({"countersign", "warranty"})


def _transition(request: Any, to_status: str) -> None:
    if (request["status"], to_status) not in ALLOWED:
        raise RuleViolation(
            "status",
            "status_transition",
            f"Parts request {request['number']} is {request['status']}; it cannot become"
            f" {to_status}",
            fromStatus=request["status"],
            toStatus=to_status,
        )


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise RuleViolation("reason", "reason_required", "Give the reason")
    return text


@dataclass(frozen=True)
class Availability:
    part_number: str
    on_hand: Decimal
    reserved: Decimal
    own_reserved: Decimal
    """Held for this very line (pre-picked for its appointment): it is the line's to take."""

    @property
    def for_line(self) -> Decimal:
        return self.on_hand - self.reserved + self.own_reserved


async def _availability(
    connection: asyncpg.Connection, dealer_id: int, stock_item_id: int, line_id: int
) -> Availability:
    """Call with the item locked (``ledger.lock_items``) so the figures hold until commit."""
    item = (await ledger.lock_items(connection, dealer_id, [stock_item_id]))[stock_item_id]
    own: Decimal = await connection.fetchval(
        "select coalesce(sum(quantity), 0) from stock_reservation where dealer_id = $1"
        " and stock_item_id = $2 and repair_order_line_id = $3 and status = 'active'",
        dealer_id,
        stock_item_id,
        line_id,
    )
    return Availability(item.part_number, item.on_hand, item.reserved, own)


async def _stock_for_line(
    connection: asyncpg.Connection, dealer_id: int, line: Any, quantity: Decimal
) -> tuple[int, Availability]:
    """The stock item a line draws from: its own part's while that has enough, else the
    part's current successor when stocked here (a superseded number is issued under the
    new one once the old stock is used up). A part not stocked at all gets an empty item,
    so the demand shows to the parts planner."""
    part_id: int = line["part_id"]
    candidates = [part_id]
    successor = (await current_successors(connection, [part_id])).get(part_id)
    if successor is not None:
        candidates.append(successor)
    rows = await connection.fetch(
        "select id, part_id from stock_item where dealer_id = $1 and part_id = any($2::bigint[])"
        " and active order by id",
        dealer_id,
        candidates,
    )
    stocked = {r["part_id"]: r["id"] for r in rows}
    if not stocked:
        item_id = (await lock_stock_items(connection, dealer_id, [part_id]))[part_id]
        return item_id, await _availability(connection, dealer_id, item_id, line["id"])
    # Lock every candidate first, in id order, then choose.
    await ledger.lock_items(connection, dealer_id, stocked.values())
    levels = [
        (stocked[p], await _availability(connection, dealer_id, stocked[p], line["id"]))
        for p in candidates
        if p in stocked
    ]
    enough = [(i, a) for i, a in levels if a.for_line >= quantity]
    return (enough or levels)[0]


async def _lock_request(connection: asyncpg.Connection, dealer_id: int, request_id: int) -> Any:
    row = await connection.fetchrow(
        "select * from parts_request where dealer_id = $1 and id = $2 for update",
        dealer_id,
        request_id,
    )
    if row is None:
        raise RecordNotFound("Parts request")
    return row


async def _order_status(connection: asyncpg.Connection, dealer_id: int, order_id: int) -> Any:
    return await connection.fetchrow(
        "select o.status, o.number, v.plate from repair_order o"
        " join vehicle v on v.dealer_id = o.dealer_id and v.id = o.vehicle_id"
        " where o.dealer_id = $1 and o.id = $2",
        dealer_id,
        order_id,
    )


def _require_order_in_work(order: Any, field: str) -> None:
    if order["status"] not in ORDER_IN_WORK:
        raise RuleViolation(
            field,
            "order_not_in_work",
            f"Repair order {order['number']} is {order['status']}; parts are drawn only while"
            " the work is being done (approved or in progress)",
        )


async def request_parts(
    tx: ActiveTransaction,
    dealer_id: int,
    line_id: int,
    quantity: Decimal | None = None,
    *,
    request_id: str = "",
) -> Any:
    """A parts request for an approved part line; ``quantity`` defaults to what the line
    still lacks. Records whether the part was available at the first pick."""
    connection = tx.connection
    # The line's lock serialises requests for it, so its quantity bound holds.
    line = await connection.fetchrow(
        "select * from repair_order_line where dealer_id = $1 and id = $2 for update",
        dealer_id,
        line_id,
    )
    if line is None:
        raise RecordNotFound("Repair order line")
    if line["kind"] != "part":
        raise RuleViolation(
            "lineId", "line_not_part", "Parts are requested against a part line of the order"
        )
    if line["status"] != "approved":
        raise RuleViolation(
            "lineId",
            "line_not_approved",
            f"The line is {line['status']}; parts are drawn only for work the customer approved",
        )
    order = await _order_status(connection, dealer_id, line["repair_order_id"])
    _require_order_in_work(order, "lineId")
    outstanding: Decimal = await connection.fetchval(
        "select coalesce(sum(quantity - returned_qty), 0) from parts_request"
        " where dealer_id = $1 and repair_order_line_id = $2 and status = any($3::text[])",
        dealer_id,
        line_id,
        list(COUNTED),
    )
    left = line["quantity"] - outstanding
    wanted = left if quantity is None else quantity
    if wanted <= 0 and quantity is not None:
        raise RuleViolation("quantity", "positive", "Request a positive quantity")
    if wanted > left or wanted <= 0:
        raise RuleViolation(
            "quantity",
            "exceeds_line_quantity",
            f"The line needs {line['quantity']}; {outstanding} are already requested or issued,"
            f" so at most {max(left, Decimal(0))} more",
            lineQuantity=str(line["quantity"]),
            alreadyRequested=str(outstanding),
        )
    item_id, stock = await _stock_for_line(connection, dealer_id, line, wanted)
    number = await next_document_number(connection, dealer_id, "PR")
    row = await connection.fetchrow(
        """
        insert into parts_request (dealer_id, number, repair_order_id, repair_order_line_id,
                                   stock_item_id, quantity, warranty, available_at_request,
                                   requested_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *
        """,
        dealer_id,
        number,
        line["repair_order_id"],
        line_id,
        item_id,
        wanted,
        line["pay_type"] == "warranty",
        stock.for_line >= wanted,
        tx.scope.user_id,
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="parts_request.request",
        object_type="parts_request",
        object_id=row["id"],
        after={
            "number": number,
            "order": order["number"],
            "line_id": line_id,
            "part_number": stock.part_number,
            "quantity": wanted,
            "warranty": row["warranty"],
            "available_at_request": row["available_at_request"],
        },
        request_id=request_id,
    )
    return row


def _signatures(request: Any, adding: tuple[int, str] | None = None) -> frozenset[str]:
    """The signatures still missing once ``adding`` is given; refuses the requester and
    one person signing twice (SEGREGATION_OF_DUTIES)."""
    given = []
    if request["countersigned_by"] is not None:
        given.append((request["countersigned_by"], "countersign"))
    if request["warranty_signed_by"] is not None:
        given.append((request["warranty_signed_by"], "warranty"))
    if adding is not None:
        given.append(adding)
    required = SIGNATURES if request["warranty"] else frozenset({"countersign"})
    return ensure_distinct_approvers(
        request["requested_by"], given, required, what=f"parts request {request['number']}"
    )


async def _sign(
    tx: ActiveTransaction,
    dealer_id: int,
    request_id: int,
    capacity: Literal["countersign", "warranty"],
    request_audit_id: str,
) -> Any:
    connection = tx.connection
    request = await _lock_request(connection, dealer_id, request_id)
    if capacity == "warranty" and not request["warranty"]:
        raise RuleViolation(
            "requestId",
            "not_warranty",
            f"{request['number']} is not for a warranty line; it needs no claims signature",
        )
    column = "countersigned" if capacity == "countersign" else "warranty_signed"
    if request["status"] == "requested" and request[f"{column}_by"] is not None:
        raise RuleViolation(
            "requestId",
            f"already_{column}",
            f"{request['number']} already carries this signature",
        )
    if request["status"] != "requested":
        _transition(request, "signed")
    actor = tx.scope.user_id
    if actor is None:
        raise SegregationOfDutiesError("a signature needs a person, not an API key")
    missing = _signatures(request, (actor, capacity))
    status = "signed" if not missing else "requested"
    row = await connection.fetchrow(
        f"update parts_request set {column}_by = $3, {column}_at = now(), status = $4"
        " where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        request_id,
        actor,
        status,
    )
    await record(
        dealer_id=dealer_id,
        action=f"parts_request.{'countersign' if capacity == 'countersign' else 'warranty_sign'}",
        object_type="parts_request",
        object_id=request_id,
        before={"status": request["status"]},
        after={"status": status, "missing": sorted(missing)},
        request_id=request_audit_id,
    )
    return row


async def countersign(
    tx: ActiveTransaction, dealer_id: int, request_id: int, *, request_audit_id: str = ""
) -> Any:
    """The advisor's countersignature (会签)."""
    return await _sign(tx, dealer_id, request_id, "countersign", request_audit_id)


async def warranty_sign(
    tx: ActiveTransaction, dealer_id: int, request_id: int, *, request_audit_id: str = ""
) -> Any:
    """The claims specialist's signature on a warranty line's request (索赔领料签字)."""
    return await _sign(tx, dealer_id, request_id, "warranty", request_audit_id)


def _check_old_part(request: Any, old_part: str) -> None:
    if old_part not in ("keep_for_warranty", "hand_over", "scrap", "none"):
        raise RuleViolation(
            "oldPart", "old_part_disposition", "keep_for_warranty, hand_over, scrap or none"
        )
    if request["warranty"] and old_part != "keep_for_warranty":
        raise RuleViolation(
            "oldPart",
            "warranty_parts_kept",
            "A warranty job's old part is handed back and kept for the claim before the new"
            " one is issued",
        )
    if not request["warranty"] and old_part == "keep_for_warranty":
        raise RuleViolation(
            "oldPart",
            "only_warranty_parts_kept",
            "Only warranty parts are kept for a claim; this old part is handed to the customer"
            " or scrapped",
        )


async def issue(
    tx: ActiveTransaction,
    dealer_id: int,
    request_id: int,
    old_part: str,
    *,
    request_audit_id: str = "",
) -> Any:
    """The keeper issues a fully signed request: one FIFO ``issue`` movement, the line's
    reservation marked issued. Parts held for other jobs are not the keeper's to give."""
    connection = tx.connection
    request = await _lock_request(connection, dealer_id, request_id)
    if request["status"] == "requested":
        missing = _signatures(request)
        if "countersign" in missing:
            raise RuleViolation(
                "requestId",
                "countersignature_required",
                f"{request['number']} is not countersigned by the advisor yet; no issue before"
                " the paperwork",
            )
        raise RuleViolation(
            "requestId",
            "warranty_signature_required",
            f"{request['number']} is for a warranty line: the claims specialist signs before"
            " the parts are issued",
        )
    _transition(request, "issued")
    if _signatures(request):  # a signed request always has them; the rule stays explicit
        raise RuleViolation(
            "requestId", "warranty_signature_required", "The request lacks a signature"
        )
    keeper = tx.scope.user_id
    if keeper is None or keeper in (
        request["requested_by"],
        request["countersigned_by"],
        request["warranty_signed_by"],
    ):
        raise SegregationOfDutiesError(
            f"parts request {request['number']}: the keeper who issues cannot have requested"
            " or signed it",
            user_id=keeper,
        )
    _check_old_part(request, old_part)
    order = await _order_status(connection, dealer_id, request["repair_order_id"])
    _require_order_in_work(order, "requestId")
    stock = await _availability(
        connection, dealer_id, request["stock_item_id"], request["repair_order_line_id"]
    )
    if stock.for_line < request["quantity"]:
        raise InsufficientStock(stock.part_number, request["quantity"], stock.for_line)
    movement = await ledger.post(
        tx,
        dealer_id,
        request["stock_item_id"],
        "issue",
        request["quantity"],
        document_type="parts_request",
        document_id=request_id,
        reason=f"{order['number']} {order['plate']}".strip(),
    )
    await _consume_reservations(
        connection,
        dealer_id,
        request["repair_order_line_id"],
        request["stock_item_id"],
        request["quantity"],
    )
    row = await connection.fetchrow(
        """
        update parts_request set status = 'issued', issued_by = $3, issued_at = now(),
               issue_movement_id = $4, old_part_returned = $5, old_part_disposition = $6
         where dealer_id = $1 and id = $2 returning *
        """,
        dealer_id,
        request_id,
        keeper,
        movement.id,
        old_part != "none",
        old_part,
    )
    await record(
        dealer_id=dealer_id,
        action="parts_request.issue",
        object_type="parts_request",
        object_id=request_id,
        before={"status": request["status"]},
        after={
            "status": "issued",
            "movement_id": movement.id,
            "quantity": request["quantity"],
            "unit_cost": movement.unit_cost,
            "old_part": old_part,
        },
        request_id=request_audit_id,
    )
    await publish_board_change(dealer_id, request["repair_order_id"])
    return row


CONSUME_SQL = """
with own as (
  select id, quantity, sum(quantity) over (order by id) - quantity as before
    from stock_reservation
   where dealer_id = $1 and repair_order_line_id = $2 and stock_item_id = $3
     and status = 'active'
), taken as (
  select id, quantity, least(quantity, $4 - before) as take from own where before < $4
), whole as (
  update stock_reservation r set status = 'issued', closed_at = now()
    from taken t where r.dealer_id = $1 and r.id = t.id and t.take = t.quantity
  returning r.id
), split as (
  update stock_reservation r set quantity = r.quantity - t.take
    from taken t where r.dealer_id = $1 and r.id = t.id and t.take < t.quantity
  returning r.appointment_id, r.picked, t.take
)
insert into stock_reservation (dealer_id, stock_item_id, quantity, appointment_id,
                               repair_order_line_id, status, picked, closed_at)
select $1, $3, take, appointment_id, $2, 'issued', picked, now() from split
"""


async def _consume_reservations(
    connection: asyncpg.Connection,
    dealer_id: int,
    line_id: int,
    stock_item_id: int,
    quantity: Decimal,
) -> None:
    """The line's active reservations become issued for ``quantity``, oldest first; a
    reservation larger than what is issued is split, its rest stays held for the line."""
    await connection.execute(CONSUME_SQL, dealer_id, line_id, stock_item_id, quantity)


async def return_unused(
    tx: ActiveTransaction,
    dealer_id: int,
    request_id: int,
    quantity: Decimal,
    reason: str,
    *,
    request_audit_id: str = "",
) -> Any:
    """Parts issued but not used go back on the shelf at the issue's cost (a ``return``
    movement opens a lot at that cost, so FIFO values stay true)."""
    connection = tx.connection
    text = _reason(reason)
    request = await _lock_request(connection, dealer_id, request_id)
    if request["status"] != "issued":
        _transition(request, "returned")
    if quantity <= 0:
        raise RuleViolation("quantity", "positive", "Return a positive quantity")
    left = request["quantity"] - request["returned_qty"]
    if quantity > left:
        raise RuleViolation(
            "quantity",
            "return_exceeds_issued",
            f"{request['number']} issued {request['quantity']}, {request['returned_qty']}"
            f" already came back: at most {left} can be returned",
        )
    cost: Decimal = await connection.fetchval(
        "select unit_cost from stock_movement where dealer_id = $1 and id = $2",
        dealer_id,
        request["issue_movement_id"],
    )
    movement = await ledger.post(
        tx,
        dealer_id,
        request["stock_item_id"],
        "return",
        quantity,
        document_type="parts_request",
        document_id=request_id,
        reason=text,
        unit_cost=cost,
    )
    status = "returned" if quantity == left else "issued"
    row = await connection.fetchrow(
        "update parts_request set returned_qty = returned_qty + $3, status = $4"
        " where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        request_id,
        quantity,
        status,
    )
    await record(
        dealer_id=dealer_id,
        action="parts_request.return",
        object_type="parts_request",
        object_id=request_id,
        before={"status": request["status"], "returned_qty": request["returned_qty"]},
        after={
            "status": status,
            "returned_qty": request["returned_qty"] + quantity,
            "movement_id": movement.id,
            "unit_cost": cost,
            "reason": text,
        },
        request_id=request_audit_id,
    )
    return row


async def close(
    tx: ActiveTransaction,
    dealer_id: int,
    request_id: int,
    to_status: Literal["cancelled", "refused"],
    reason: str,
    *,
    request_audit_id: str = "",
) -> Any:
    """Withdraw (cancelled, the requesting side) or refuse (a signer or the keeper) a
    request before issue, with the reason."""
    connection = tx.connection
    text = _reason(reason)
    request = await _lock_request(connection, dealer_id, request_id)
    _transition(request, to_status)
    row = await connection.fetchrow(
        "update parts_request set status = $3, refusal_reason = $4, closed_by = $5,"
        " closed_at = now() where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        request_id,
        to_status,
        text,
        tx.scope.user_id,
    )
    await record(
        dealer_id=dealer_id,
        action=f"parts_request.{'cancel' if to_status == 'cancelled' else 'refuse'}",
        object_type="parts_request",
        object_id=request_id,
        before={"status": request["status"]},
        after={"status": to_status, "reason": text},
        request_id=request_audit_id,
    )
    return row
