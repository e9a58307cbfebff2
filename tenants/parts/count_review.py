"""A count's way to the ledger: submitted by the counter, approved by someone else.

open -> submitted (every line counted, every difference explained; a quarterly
count names its finance witness) -> approved (the differences become signed
``count_adjustment`` movements, in the approval's one transaction) or back to open
with the approver's note (rejected: recount or explain again); an open count can be
cancelled. Whoever counted a line or submitted the count neither approves nor sends
it back: a count checks the keepers, so they cannot decide on their own differences.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from policies.errors import SegregationOfDutiesError
from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.parts import ledger
from tenants.parts.counts import LockedCount, ensure_open, lock_count
from tenants.parts.errors import RuleViolation

MAX_NOTE = 1000
MAX_WITNESS = 120


def _refuse(count: LockedCount, doing: str, needed: str) -> RuleViolation:
    return RuleViolation(
        "countId",
        "status_transition",
        f"Count {count.number} is {count.status}: only a {needed} count can be {doing}",
        status=count.status,
    )


def _note(note: str, *, required: bool) -> str:
    text = note.strip()
    if required and not text:
        raise RuleViolation("note", "note_required", "Say why the count goes back")
    if len(text) > MAX_NOTE:
        raise RuleViolation("note", "too_long", f"A note has at most {MAX_NOTE} characters")
    return text


async def _ensure_not_counter(tx: ActiveTransaction, dealer_id: int, count: LockedCount) -> None:
    """Whoever counted a line or submitted the count does not decide it."""
    decider = tx.scope.user_id
    if decider is None:
        return
    counted: bool = await tx.connection.fetchval(
        "select exists (select 1 from stock_count_line where dealer_id = $1"
        " and stock_count_id = $2 and counted_by = $3)",
        dealer_id,
        count.id,
        decider,
    )
    if counted or decider == count.submitted_by:
        raise SegregationOfDutiesError(
            f"Count {count.number}: whoever counted or submitted it cannot decide it",
            user_id=decider,
        )


async def submit_count(
    tx: ActiveTransaction,
    dealer_id: int,
    count_id: int,
    *,
    finance_witness: str | None = None,
    request_id: str = "",
) -> None:
    connection = tx.connection
    count = await lock_count(connection, dealer_id, count_id)
    ensure_open(count, "submitted")
    state = await connection.fetchrow(
        """
        select count(*) filter (where counted_qty is null)::int as uncounted,
               count(*) filter (where counted_qty is not null and counted_qty <> expected_qty
                                  and (cause = '' or responsibility is null))::int
                 as unexplained
          from stock_count_line where dealer_id = $1 and stock_count_id = $2
        """,
        dealer_id,
        count_id,
    )
    assert state is not None
    if state["uncounted"]:
        raise RuleViolation(
            "lines",
            "all_counted",
            f"{state['uncounted']} lines of count {count.number} are not counted yet",
            uncounted=state["uncounted"],
        )
    if state["unexplained"]:
        raise RuleViolation(
            "lines",
            "difference_explained",
            f"{state['unexplained']} differences need a cause and a responsibility",
            unexplained=state["unexplained"],
        )
    witness = (finance_witness if finance_witness is not None else count.finance_witness).strip()
    if len(witness) > MAX_WITNESS:
        raise RuleViolation("financeWitness", "too_long", "The witness's name is too long")
    if count.kind == "quarterly" and not witness:
        raise RuleViolation(
            "financeWitness",
            "finance_witness_required",
            "A quarterly count is taken with finance: name the finance witness",
        )
    await connection.execute(
        "update stock_count set status = 'submitted', submitted_by = $3, submitted_at = now(),"
        " finance_witness = $4 where dealer_id = $1 and id = $2",
        dealer_id,
        count_id,
        tx.scope.user_id,
        witness,
    )
    await record(
        dealer_id=dealer_id,
        action="stock_count.submit",
        object_type="stock_count",
        object_id=count_id,
        before={"status": "open"},
        after={"status": "submitted", "number": count.number, "financeWitness": witness},
        request_id=request_id,
    )


@dataclass(frozen=True)
class Adjustment:
    line_id: int
    stock_item_id: int
    movement_id: int
    quantity: Decimal
    unit_cost: Decimal


async def approve_count(
    tx: ActiveTransaction,
    dealer_id: int,
    count_id: int,
    *,
    note: str = "",
    request_id: str = "",
) -> list[Adjustment]:
    """Post every difference as a ``count_adjustment`` (counted minus expected: a
    surplus is valued at the item's cost, a shortage at FIFO cost by the ledger) and
    approve, all in the caller's transaction: if one movement is refused (stock
    issued since the counting no longer covers a shortage) nothing is booked."""
    connection = tx.connection
    count = await lock_count(connection, dealer_id, count_id)
    if count.status != "submitted":
        raise _refuse(count, "approved", "submitted")
    text = _note(note, required=False)
    await _ensure_not_counter(tx, dealer_id, count)
    differences = await connection.fetch(
        "select id, stock_item_id, counted_qty - expected_qty as difference, cause"
        " from stock_count_line where dealer_id = $1 and stock_count_id = $2"
        " and counted_qty <> expected_qty order by stock_item_id",
        dealer_id,
        count_id,
    )
    await ledger.lock_items(connection, dealer_id, [r["stock_item_id"] for r in differences])
    adjustments: list[Adjustment] = []
    for line in differences:
        movement = await ledger.post(
            tx,
            dealer_id,
            line["stock_item_id"],
            "count_adjustment",
            line["difference"],
            document_type="stock_count",
            document_id=count_id,
            reason=f"{count.number}: {line['cause']}",
        )
        adjustments.append(
            Adjustment(
                line["id"],
                line["stock_item_id"],
                movement.id,
                movement.quantity,
                movement.unit_cost,
            )
        )
    if adjustments:
        await connection.execute(
            "update stock_count_line l set adjustment_movement_id = a.movement"
            " from unnest($2::bigint[], $3::bigint[]) as a(line_id, movement)"
            " where l.dealer_id = $1 and l.id = a.line_id",
            dealer_id,
            [a.line_id for a in adjustments],
            [a.movement_id for a in adjustments],
        )
    await connection.execute(
        "update stock_count set status = 'approved', approved_by = $3, approved_at = now(),"
        " decision_note = $4 where dealer_id = $1 and id = $2",
        dealer_id,
        count_id,
        tx.scope.user_id,
        text,
    )
    await record(
        dealer_id=dealer_id,
        action="stock_count.approve",
        object_type="stock_count",
        object_id=count_id,
        before={"status": "submitted"},
        after={
            "status": "approved",
            "number": count.number,
            "note": text,
            "adjustments": [
                {
                    "stockItemId": a.stock_item_id,
                    "movementId": a.movement_id,
                    "quantity": a.quantity,
                    "unitCost": a.unit_cost,
                }
                for a in adjustments
            ],
        },
        request_id=request_id,
    )
    return adjustments


async def reject_count(
    tx: ActiveTransaction, dealer_id: int, count_id: int, *, note: str, request_id: str = ""
) -> None:
    """Send a submitted count back to the counters with the approver's note."""
    connection = tx.connection
    count = await lock_count(connection, dealer_id, count_id)
    if count.status != "submitted":
        raise _refuse(count, "sent back", "submitted")
    text = _note(note, required=True)
    await _ensure_not_counter(tx, dealer_id, count)
    await connection.execute(
        "update stock_count set status = 'open', decision_note = $3,"
        " returned_count = returned_count + 1, submitted_by = null, submitted_at = null"
        " where dealer_id = $1 and id = $2",
        dealer_id,
        count_id,
        text,
    )
    await record(
        dealer_id=dealer_id,
        action="stock_count.reject",
        object_type="stock_count",
        object_id=count_id,
        before={"status": "submitted", "submittedBy": count.submitted_by},
        after={"status": "open", "number": count.number, "note": text},
        request_id=request_id,
    )


async def cancel_count(
    tx: ActiveTransaction, dealer_id: int, count_id: int, *, note: str = "", request_id: str = ""
) -> None:
    connection = tx.connection
    count = await lock_count(connection, dealer_id, count_id)
    ensure_open(count, "cancelled")
    text = _note(note, required=False)
    await connection.execute(
        "update stock_count set status = 'cancelled', cancelled_by = $3, cancelled_at = now(),"
        " decision_note = $4 where dealer_id = $1 and id = $2",
        dealer_id,
        count_id,
        tx.scope.user_id,
        text,
    )
    await record(
        dealer_id=dealer_id,
        action="stock_count.cancel",
        object_type="stock_count",
        object_id=count_id,
        before={"status": "open"},
        after={"status": "cancelled", "number": count.number, "note": text},
        request_id=request_id,
    )
