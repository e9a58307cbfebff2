"""Write-offs (报损): asking to take damaged, defective or obsolete parts off the books.

Only parts that can be neither claimed, returned nor repaired are written off, and
the requester attests all three; damage a person caused is never written off, the
person pays for the part instead. The request names the warehouse keeper who will
share the loss. Three signatures decide it (``write_off_signing``); an approved
write-off stays in the store for the dealer's retention days before it is disposed
of, so that the parts can still be inspected.

requested -> approved (third approval) -> disposed; requested -> rejected (any
signer refuses) or cancelled (withdrawn before a decision).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final, Literal, get_args

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.parts import ledger
from tenants.parts.errors import InsufficientStock, RecordNotFound, RuleViolation
from tenants.parts.numbering import next_document_number

Reason = Literal["damaged", "defective", "obsolete"]
REASONS: Final[tuple[str, ...]] = get_args(Reason)
DEFAULT_RETENTION_DAYS: Final = 30
"""``parts_settings.write_off_retention_days`` when the dealer has no settings row."""
MAX_TEXT = 1000


@dataclass(frozen=True)
class WriteOffRequest:
    stock_item_id: int
    quantity: Decimal
    reason: str
    description: str
    cannot_claim: bool
    cannot_return: bool
    cannot_repair: bool
    human_caused: bool
    warehouse_keeper_id: int


@dataclass(frozen=True)
class CreatedWriteOff:
    id: int
    number: str
    unit_cost: Decimal


@dataclass(frozen=True)
class LockedWriteOff:
    id: int
    number: str
    status: str
    stock_item_id: int
    quantity: Decimal
    reason: str
    requested_by: int | None
    warehouse_keeper_id: int | None
    decided_at: datetime | None


async def has_role(connection: asyncpg.Connection, dealer_id: int, user_id: int, role: str) -> bool:
    """Whether the person is active staff of the dealer in ``role`` (several roles at once
    are normal, 兼职)."""
    found = await connection.fetchval(
        "select 1 from membership m join staff_user u on u.id = m.user_id"
        " where m.dealer_id = $1 and m.user_id = $2 and m.active and u.active"
        " and $3 = any(m.roles)",
        dealer_id,
        user_id,
        role,
    )
    return found is not None


async def lock_write_off(
    connection: asyncpg.Connection, dealer_id: int, write_off_id: int
) -> LockedWriteOff:
    row = await connection.fetchrow(
        "select id, number, status, stock_item_id, quantity, reason, requested_by,"
        " warehouse_keeper_id, decided_at from write_off where dealer_id = $1 and id = $2"
        " for update",
        dealer_id,
        write_off_id,
    )
    if row is None:
        raise RecordNotFound("Write-off")
    return LockedWriteOff(
        row["id"],
        row["number"],
        row["status"],
        row["stock_item_id"],
        row["quantity"],
        row["reason"],
        row["requested_by"],
        row["warehouse_keeper_id"],
        row["decided_at"],
    )


def refuse_transition(write_off: LockedWriteOff, doing: str, needed: str) -> RuleViolation:
    return RuleViolation(
        "writeOffId",
        "status_transition",
        f"Write-off {write_off.number} is {write_off.status}: only a {needed} write-off"
        f" can be {doing}",
        status=write_off.status,
    )


def check_request(request: WriteOffRequest) -> str:
    """The parts rules a request must meet; returns the trimmed description."""
    if request.human_caused:
        raise RuleViolation(
            "humanCaused",
            "human_caused",
            "Damage caused by a person is not written off: the person responsible pays"
            " for the part",
        )
    if request.reason not in REASONS:
        raise RuleViolation(
            "reason",
            "write_off_reason",
            "Only damaged, defective or obsolete parts are written off",
        )
    for attested, field, rule, message in (
        (
            request.cannot_claim,
            "cannotClaim",
            "claimable",
            "A part that can still be claimed (manufacturer, supplier, insurer) is claimed,"
            " not written off",
        ),
        (
            request.cannot_return,
            "cannotReturn",
            "returnable",
            "A part that can still be returned to the supplier is returned, not written off",
        ),
        (
            request.cannot_repair,
            "cannotRepair",
            "repairable",
            "A part that can be repaired is repaired, not written off",
        ),
    ):
        if not attested:
            raise RuleViolation(field, rule, message)
    quantity = request.quantity
    if not quantity.is_finite() or quantity <= 0:
        raise RuleViolation("quantity", "positive", "A write-off needs a positive quantity")
    if quantity != quantity.quantize(Decimal("0.01")):
        raise RuleViolation("quantity", "two_decimals", "Quantities have at most two decimals")
    description = request.description.strip()
    if not description:
        raise RuleViolation("description", "description_required", "Describe the parts' condition")
    if len(description) > MAX_TEXT:
        raise RuleViolation("description", "too_long", f"At most {MAX_TEXT} characters")
    return description


async def request_write_off(
    tx: ActiveTransaction, dealer_id: int, request: WriteOffRequest, *, request_id: str = ""
) -> CreatedWriteOff:
    """Record a request. The parts must be on the shelf and free: not reserved for a
    job and not in another pending write-off. Its value is an estimate at FIFO cost
    until the approval books the movement."""
    description = check_request(request)
    connection = tx.connection
    if not await has_role(connection, dealer_id, request.warehouse_keeper_id, "warehouse_keeper"):
        raise RuleViolation(
            "warehouseKeeperId",
            "warehouse_keeper_role",
            "Name a warehouse keeper of this dealer: the keeper shares the loss",
        )
    item = (await ledger.lock_items(connection, dealer_id, [request.stock_item_id]))[
        request.stock_item_id
    ]
    pending: Decimal = await connection.fetchval(
        "select coalesce(sum(quantity), 0) from write_off"
        " where dealer_id = $1 and stock_item_id = $2 and status = 'requested'",
        dealer_id,
        request.stock_item_id,
    )
    free = item.available - pending
    if request.quantity > free:
        raise InsufficientStock(item.part_number, request.quantity, free)
    unit_cost = await ledger.fifo_unit_cost(
        connection, dealer_id, request.stock_item_id, request.quantity
    )
    number = await next_document_number(connection, dealer_id, "WO")
    write_off_id: int = await connection.fetchval(
        """
        insert into write_off (dealer_id, number, stock_item_id, quantity, reason, description,
                               cannot_claim, cannot_return, cannot_repair, human_caused,
                               unit_cost, requested_by, warehouse_keeper_id)
        values ($1, $2, $3, $4, $5, $6, true, true, true, false, $7, $8, $9) returning id
        """,
        dealer_id,
        number,
        request.stock_item_id,
        request.quantity,
        request.reason,
        description,
        unit_cost,
        tx.scope.user_id,
        request.warehouse_keeper_id,
    )
    await record(
        dealer_id=dealer_id,
        action="write_off.request",
        object_type="write_off",
        object_id=write_off_id,
        after={
            "number": number,
            "partNumber": item.part_number,
            "quantity": request.quantity,
            "reason": request.reason,
            "estimatedUnitCost": unit_cost,
            "warehouseKeeperId": request.warehouse_keeper_id,
        },
        request_id=request_id,
    )
    return CreatedWriteOff(write_off_id, number, unit_cost)


async def cancel_write_off(
    tx: ActiveTransaction,
    dealer_id: int,
    write_off_id: int,
    *,
    note: str = "",
    request_id: str = "",
) -> None:
    """Withdraw a request nobody has decided yet (signatures so far stay on record)."""
    connection = tx.connection
    write_off = await lock_write_off(connection, dealer_id, write_off_id)
    if write_off.status != "requested":
        raise refuse_transition(write_off, "cancelled", "requested")
    await connection.execute(
        "update write_off set status = 'cancelled', decided_at = now(), cancelled_by = $3"
        " where dealer_id = $1 and id = $2",
        dealer_id,
        write_off_id,
        tx.scope.user_id,
    )
    await record(
        dealer_id=dealer_id,
        action="write_off.cancel",
        object_type="write_off",
        object_id=write_off_id,
        before={"status": "requested"},
        after={"status": "cancelled", "number": write_off.number, "note": note.strip()},
        request_id=request_id,
    )


async def retention_days(connection: asyncpg.Connection, dealer_id: int) -> int:
    days = await connection.fetchval(
        "select write_off_retention_days from parts_settings where dealer_id = $1", dealer_id
    )
    return int(days) if days is not None else DEFAULT_RETENTION_DAYS


async def dispose_write_off(
    tx: ActiveTransaction, dealer_id: int, write_off_id: int, *, note: str, request_id: str = ""
) -> None:
    """Record how the written-off parts left the store, once the retention days since
    the approval have passed."""
    text = note.strip()
    if not text:
        raise RuleViolation("note", "disposal_note_required", "Say how the parts were disposed of")
    if len(text) > MAX_TEXT:
        raise RuleViolation("note", "too_long", f"At most {MAX_TEXT} characters")
    connection = tx.connection
    write_off = await lock_write_off(connection, dealer_id, write_off_id)
    if write_off.status != "approved":
        raise refuse_transition(write_off, "disposed of", "approved")
    days = await retention_days(connection, dealer_id)
    due = await connection.fetchrow(
        "select $1::timestamptz + make_interval(days => $2) as due,"
        " $1::timestamptz + make_interval(days => $2) <= now() as passed",
        write_off.decided_at,
        days,
    )
    assert due is not None
    if not due["passed"]:
        raise RuleViolation(
            "writeOffId",
            "retention_period",
            f"Approved write-offs stay in the store for {days} days: dispose of"
            f" {write_off.number} from {due['due']:%Y-%m-%d %H:%M} UTC",
            disposableFrom=due["due"].isoformat(),
        )
    await connection.execute(
        "update write_off set status = 'disposed', disposed_by = $3, disposed_at = now(),"
        " disposal_note = $4 where dealer_id = $1 and id = $2",
        dealer_id,
        write_off_id,
        tx.scope.user_id,
        text,
    )
    await record(
        dealer_id=dealer_id,
        action="write_off.dispose",
        object_type="write_off",
        object_id=write_off_id,
        before={"status": "approved"},
        after={"status": "disposed", "number": write_off.number, "note": text},
        request_id=request_id,
    )
