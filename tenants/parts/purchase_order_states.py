"""The status of a parts plan / purchase order, moved only along the purchasing process.

A plan is a purchase order before it is ordered (domain §4 "Plan"):

draft -> submitted -> reviewed (parts manager) -> approved (service manager) -> ordered
-> partially_received -> received. An emergency order (the fast channel) skips the
review: submitted -> approved. A reviewer or approver rejects back to draft (to be
reworked) or for good (rejected). An order is cancelled before any receipt.

``transition`` is the one function that changes ``purchase_order.status``: on an order
the caller has locked (``lock_order``) it refuses a move off the table with rule
``status_transition``, stamps who and when, writes the order's history and an audit
entry, all in the caller's transaction.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.parts.errors import RecordNotFound, RuleViolation

Status = Literal[
    "draft",
    "submitted",
    "reviewed",
    "approved",
    "ordered",
    "partially_received",
    "received",
    "rejected",
    "cancelled",
]
STATUSES: Final[tuple[str, ...]] = get_args(Status)
CLOSED: Final = frozenset({"received", "rejected", "cancelled"})
PLAN_STATUSES: Final = frozenset({"draft", "submitted", "reviewed"})
"""Not yet approved: still a plan, and its lines count as planned, not on order."""
RECEIVABLE: Final = frozenset({"ordered", "partially_received"})

ALLOWED: Final[frozenset[tuple[str, str]]] = frozenset(
    {
        ("draft", "submitted"),
        ("draft", "cancelled"),
        ("submitted", "reviewed"),
        ("submitted", "approved"),  # emergency orders only: the fast channel
        ("submitted", "draft"),  # rejected for rework
        ("submitted", "rejected"),
        ("submitted", "cancelled"),
        ("reviewed", "approved"),
        ("reviewed", "draft"),
        ("reviewed", "rejected"),
        ("reviewed", "cancelled"),
        ("approved", "ordered"),
        ("approved", "cancelled"),
        ("ordered", "partially_received"),
        ("ordered", "received"),
        ("ordered", "cancelled"),
        ("partially_received", "received"),
    }
)

_BY_TARGET: Final[dict[str, str]] = {
    "draft": "a plan goes back to draft only when a reviewer or approver rejects it",
    "submitted": "only a draft is submitted for review",
    "reviewed": "only a submitted plan is reviewed",
    "approved": "a plan is approved only after the parts manager reviewed it",
    "ordered": "only an approved plan is ordered",
    "partially_received": "parts are received only against an ordered purchase order",
    "received": "parts are received only against an ordered purchase order",
    "rejected": "only a plan awaiting review or approval is rejected",
    "cancelled": "an order is cancelled only before any of it was received",
}


def refusal(from_status: str, to_status: str, urgency: str) -> str | None:
    """Why the move is refused, or None when the process allows it."""
    if to_status not in STATUSES:
        return f"unknown status {to_status!r}"
    emergency = urgency == "emergency"
    if (from_status, to_status) == ("submitted", "reviewed") and emergency:
        return "an emergency order skips the review: it is approved directly"
    if (from_status, to_status) == ("submitted", "approved") and not emergency:
        return "a regular plan is reviewed by the parts manager before it is approved"
    if (from_status, to_status) in ALLOWED:
        return None
    if from_status in CLOSED:
        return f"the order is {from_status}; nothing moves it any more"
    if from_status == to_status:
        return f"the order is already {to_status}"
    return _BY_TARGET[to_status]


STAMPS: Final[dict[str, tuple[str, ...]]] = {
    "submitted": ("submitted_by", "submitted_at"),
    "reviewed": ("reviewed_by", "reviewed_at"),
    "approved": ("approved_by", "approved_at"),
    "ordered": ("ordered_by", "ordered_at"),
    "rejected": ("rejected_by", "rejected_at"),
    "cancelled": ("cancelled_by", "cancelled_at"),
}
"""Who (``*_by``) and when (``*_at``) a status was reached."""


async def lock_order(
    connection: asyncpg.Connection, dealer_id: int, order_id: int
) -> asyncpg.Record:
    """The order, locked: its moves and receipts queue behind each other."""
    row = await connection.fetchrow(
        "select * from purchase_order where dealer_id = $1 and id = $2 for update",
        dealer_id,
        order_id,
    )
    if row is None:
        raise RecordNotFound("Purchase order")
    return row


def ensure_move(order: asyncpg.Record, to_status: str) -> None:
    """Refuse (rule ``status_transition``) a move the process does not allow; checked
    before anything else about a decision, so an illegal move is named as such."""
    refused = refusal(order["status"], to_status, order["urgency"])
    if refused is not None:
        raise RuleViolation(
            "status",
            "status_transition",
            f"{order['number']}: {order['status']} -> {to_status} refused: {refused}",
            fromStatus=order["status"],
            toStatus=to_status,
        )


async def transition(
    tx: ActiveTransaction,
    order: asyncpg.Record,
    to_status: str,
    note: str = "",
    *,
    request_id: str = "",
    audit: dict[str, object] | None = None,
) -> asyncpg.Record:
    """Move the locked ``order`` to ``to_status`` or raise ``RuleViolation`` with rule
    ``status_transition``; returns the updated row."""
    from_status: str = order["status"]
    ensure_move(order, to_status)
    args: list[object] = [order["dealer_id"], order["id"], to_status, tx.scope.user_id, note]
    sets = ["status = $3"]
    if to_status in STAMPS:
        by, at = STAMPS[to_status]
        sets += [f"{by} = $4::bigint", f"{at} = now()"]
    if to_status in CLOSED:
        sets.append("closed_at = now()")
    if to_status in ("draft", "rejected", "reviewed", "approved"):
        sets.append("decision_note = $5::text")
    if to_status == "draft":
        # Reworked: the next round is submitted and reviewed afresh.
        sets += [
            "submitted_by = null",
            "submitted_at = null",
            "reviewed_by = null",
            "reviewed_at = null",
            "rejected_by = $4::bigint",
            "rejected_at = now()",
        ]
    used = " ".join(sets)
    count = 5 if "$5" in used else 4 if "$4" in used else 3
    updated = await tx.connection.fetchrow(
        f"update purchase_order set {', '.join(sets)} where dealer_id = $1 and id = $2 returning *",
        *args[:count],
    )
    assert updated is not None
    await tx.connection.execute(
        "insert into purchase_order_event (dealer_id, purchase_order_id, from_status, to_status,"
        " actor_user_id, note) values ($1, $2, $3, $4, $5, $6)",
        order["dealer_id"],
        order["id"],
        from_status,
        to_status,
        tx.scope.user_id,
        note,
    )
    await record(
        dealer_id=order["dealer_id"],
        action=f"purchase_order.{to_status}",
        object_type="purchase_order",
        object_id=order["id"],
        before={"status": from_status},
        after={"status": to_status, "number": order["number"], "note": note, **(audit or {})},
        request_id=request_id,
    )
    return updated


async def follow_receipts(
    tx: ActiveTransaction, order: asyncpg.Record, *, request_id: str = ""
) -> asyncpg.Record:
    """After a receipt was posted or a line closed short: received when every line is
    received in full or closed, partially received when anything came, cancelled when
    every line was closed before anything came."""
    state = await tx.connection.fetchrow(
        "select bool_and(closed or received_qty >= quantity) as complete,"
        " coalesce(sum(received_qty), 0) > 0 as anything"
        " from purchase_order_line where dealer_id = $1 and purchase_order_id = $2",
        order["dealer_id"],
        order["id"],
    )
    assert state is not None
    if state["complete"]:
        target = "received" if state["anything"] else "cancelled"
    elif state["anything"]:
        target = "partially_received"
    else:
        return order
    if target == order["status"]:
        return order
    return await transition(tx, order, target, request_id=request_id)
