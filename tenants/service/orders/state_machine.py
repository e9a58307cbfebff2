"""The repair order's status, moved only along the service process.

open -> awaiting_approval -> approved -> in_progress -> work_done -> ready -> settled
-> delivered; cancelled before work starts; a failed quality check sends work_done
back to in_progress (rework, counted in ``rework_count``). ``transition`` is the one
function that changes ``repair_order.status``: it locks the order, refuses a move
off the table with an ``OrderRuleError`` naming the rule, stamps the step's time,
writes an ``order_event`` and an audit entry in the caller's transaction.
The board hears of it once the transaction commits (``board_events``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.partners import domain_events
from tenants.service.board_events import publish_board_change

from .errors import OrderNotFound, OrderRuleError
from .events import write_event

Status = Literal[
    "open",
    "awaiting_approval",
    "approved",
    "in_progress",
    "work_done",
    "ready",
    "settled",
    "delivered",
    "cancelled",
]
STATUSES: Final[tuple[str, ...]] = get_args(Status)
CLOSED: Final = frozenset({"delivered", "cancelled"})

ALLOWED: Final[frozenset[tuple[str, str]]] = frozenset(
    {
        ("open", "awaiting_approval"),  # the quotation is sent
        ("open", "cancelled"),
        ("awaiting_approval", "approved"),  # the customer approves
        ("awaiting_approval", "open"),  # the customer declines: quote again
        ("awaiting_approval", "cancelled"),
        ("approved", "in_progress"),  # the first job starts
        ("approved", "cancelled"),
        ("in_progress", "work_done"),  # every job is done
        ("work_done", "in_progress"),  # a failed quality check: rework
        ("work_done", "ready"),  # the final check passed
        ("ready", "settled"),  # the cashier took payment
        ("settled", "delivered"),
    }
)

STAMPS: Final[dict[str, str]] = {
    "approved": "approved_at",
    "work_done": "work_done_at",
    "ready": "ready_at",
    "settled": "settled_at",
    "delivered": "delivered_at",
    "cancelled": "cancelled_at",
}
"""The column stamped when an order reaches a status (the measures read them)."""

_BY_TARGET: Final[dict[str, tuple[str, str]]] = {
    "open": ("no_reopen", "an order goes back to open only when the customer declines"),
    "awaiting_approval": (
        "quotation_only_while_open",
        "a quotation is sent for approval only while the order is open",
    ),
    "approved": (
        "approval_needs_sent_quotation",
        "an order is approved only from a quotation awaiting approval",
    ),
    "in_progress": ("no_work_before_approval", "work starts only after the customer approved"),
    "work_done": ("work_done_needs_work", "work is done only after it was in progress"),
    "ready": ("no_ready_before_final_check", "an order is ready only after the final check"),
    "settled": ("no_settlement_before_final_check", "no settlement before the final check"),
    "delivered": ("no_delivery_before_settlement", "no delivery before settlement"),
    "cancelled": (
        "no_cancel_after_work_started",
        "an order can be cancelled only before work starts",
    ),
}


def refusal(from_status: str, to_status: str) -> tuple[str, str] | None:
    """The (rule, message) refusing a move, or None when the process allows it."""
    if to_status not in STATUSES:
        return "unknown_status", f"unknown status {to_status!r}"
    if (from_status, to_status) in ALLOWED:
        return None
    if from_status in CLOSED:
        return "order_closed", f"the order is {from_status}; nothing moves it any more"
    if from_status == to_status:
        return "already_in_status", f"the order is already {to_status}"
    if to_status == "in_progress" and from_status in ("ready", "settled"):
        return "no_rework_after_final_check", "rework only before the final check passes"
    return _BY_TARGET[to_status]


@dataclass(frozen=True)
class Transition:
    order_id: int
    dealer_id: int
    from_status: str
    to_status: str
    rework_count: int


async def transition(
    tx: ActiveTransaction, order_id: int, to_status: str, note: str = "", *, request_id: str = ""
) -> Transition:
    """Move the order to ``to_status`` or raise ``OrderRuleError``; see the module doc."""
    connection = tx.connection
    row = await connection.fetchrow(
        "select dealer_id, number, status, rework_count from repair_order where id = $1 for update",
        order_id,
    )
    if row is None:
        raise OrderNotFound()
    from_status: str = row["status"]
    refused = refusal(from_status, to_status)
    if refused is not None:
        rule, message = refused
        raise OrderRuleError(rule, f"{from_status} -> {to_status}: {message}")
    rework = from_status == "work_done" and to_status == "in_progress"
    stamp = STAMPS.get(to_status)
    sets = ["status = $2"]
    if stamp:
        sets.append(f"{stamp} = now()")
    if rework:
        sets.append("rework_count = rework_count + 1")
    rework_count: int = await connection.fetchval(
        f"update repair_order set {', '.join(sets)} where id = $1 returning rework_count",
        order_id,
        to_status,
    )
    dealer_id: int = row["dealer_id"]
    await write_event(tx, dealer_id, order_id, from_status, to_status, note)
    await record(
        dealer_id=dealer_id,
        action="repair_order.rework" if rework else f"repair_order.{to_status}",
        object_type="repair_order",
        object_id=order_id,
        before={"status": from_status},
        after={"status": to_status, "note": note, "rework_count": rework_count},
        request_id=request_id,
    )
    await publish_board_change(dealer_id, order_id)
    await domain_events.repair_order_status_changed(
        tx, dealer_id, order_id, row["number"], from_status, to_status, rework_count=rework_count
    )
    return Transition(order_id, dealer_id, from_status, to_status, rework_count)
