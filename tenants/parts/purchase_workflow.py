"""Decisions on a parts plan: submit, review, approve, reject, order, cancel.

Who may decide depends on where the plan stands (a submitted regular plan is the
parts manager's to review, a reviewed one the service manager's to approve, an
emergency one goes straight to either's approval), so the permission is checked here,
on the locked order, through ``allowed`` (the caller's policy decisions). On top of
the permissions, people-level rules roles cannot express: whoever drafted or submitted
a plan never reviews, approves or rejects it, and the reviewer is not also the
approver; an approval above the approver's ``purchase_order_approval`` limit is
refused with the limit named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import asyncpg

from policies.errors import PolicyDenied
from policies.segregation import ensure_not_requester
from tenants.database import ActiveTransaction
from tenants.parts.errors import AuthorityLimitExceeded, RuleViolation
from tenants.parts.purchase_order_states import ensure_move, lock_order, transition

Allowed = Callable[[str, str], bool]
"""The caller's policy decision at the order's dealer: ``allowed(object, action)``."""

APPROVAL_LIMIT = "purchase_order_approval"
DRAFTERS: tuple[tuple[str, str], ...] = (("parts_plan", "create"), ("purchase_order", "create"))
EMERGENCY_APPROVERS: tuple[tuple[str, str], ...] = (
    ("parts_plan", "approve"),
    ("purchase_order", "approve"),
)
"""The fast channel: the parts manager (purchase_order:approve) or the service manager."""


def _require_any(allowed: Allowed, permissions: tuple[tuple[str, str], ...]) -> str:
    for obj, action in permissions:
        if allowed(obj, action):
            return f"{obj}:{action}"
    obj, action = permissions[0]
    raise PolicyDenied(obj, action)


def deciders(order: asyncpg.Record | dict[str, object]) -> tuple[tuple[str, str], ...]:
    """The permissions that decide (approve or reject) the order where it stands;
    empty when it awaits no decision."""
    status, emergency = order["status"], order["urgency"] == "emergency"
    if status == "submitted":
        return EMERGENCY_APPROVERS if emergency else (("parts_plan", "review"),)
    if status == "reviewed":
        return (("parts_plan", "approve"),)
    return ()


def approvers(order: asyncpg.Record | dict[str, object]) -> tuple[tuple[str, str], ...]:
    return EMERGENCY_APPROVERS if order["urgency"] == "emergency" else (("parts_plan", "approve"),)


def _not_drafter(tx: ActiveTransaction, order: asyncpg.Record, what: str) -> int:
    actor = tx.scope.user_id
    if actor is None:
        raise PolicyDenied("parts_plan", "review", f"{what} needs a person, not an API key")
    ensure_not_requester(actor, order["created_by"], f"{order['number']} {what}")
    ensure_not_requester(actor, order["submitted_by"], f"{order['number']} {what}")
    return actor


async def order_total(connection: asyncpg.Connection, dealer_id: int, order_id: int) -> Decimal:
    total: Decimal = await connection.fetchval(
        "select coalesce(sum(round(quantity * unit_price, 2)), 0) from purchase_order_line"
        " where dealer_id = $1 and purchase_order_id = $2",
        dealer_id,
        order_id,
    )
    return total


@dataclass(frozen=True)
class Decision:
    order_id: int
    status: str


async def submit(
    tx: ActiveTransaction, dealer_id: int, order_id: int, allowed: Allowed, *, request_id: str = ""
) -> Decision:
    """The drafter hands the plan in: to review, or (emergency) straight to approval."""
    _require_any(allowed, DRAFTERS)
    order = await lock_order(tx.connection, dealer_id, order_id)
    if order["status"] == "draft" and not await tx.connection.fetchval(
        "select 1 from purchase_order_line where dealer_id = $1 and purchase_order_id = $2",
        dealer_id,
        order_id,
    ):
        raise RuleViolation("orderId", "not_empty", "A plan needs at least one line")
    total = await order_total(tx.connection, dealer_id, order_id)
    row = await transition(tx, order, "submitted", request_id=request_id, audit={"total": total})
    return Decision(order_id, row["status"])


async def review(
    tx: ActiveTransaction,
    dealer_id: int,
    order_id: int,
    allowed: Allowed,
    note: str = "",
    *,
    request_id: str = "",
) -> Decision:
    """The parts manager's review (审核) of a regular plan."""
    _require_any(allowed, (("parts_plan", "review"),))
    order = await lock_order(tx.connection, dealer_id, order_id)
    ensure_move(order, "reviewed")
    _not_drafter(tx, order, "review")
    row = await transition(tx, order, "reviewed", note.strip(), request_id=request_id)
    return Decision(order_id, row["status"])


async def approve(
    tx: ActiveTransaction,
    dealer_id: int,
    order_id: int,
    allowed: Allowed,
    approval_limit: Decimal | None,
    note: str = "",
    *,
    request_id: str = "",
) -> Decision:
    """The service manager's approval (审批) of a reviewed plan, or the parts or service
    manager's of an emergency order; within the approver's authority limit."""
    order = await lock_order(tx.connection, dealer_id, order_id)
    permission = _require_any(allowed, approvers(order))
    ensure_move(order, "approved")
    actor = _not_drafter(tx, order, "approval")
    ensure_not_requester(actor, order["reviewed_by"], f"{order['number']} approval by its reviewer")
    total = await order_total(tx.connection, dealer_id, order_id)
    if approval_limit is None or total > approval_limit:
        raise AuthorityLimitExceeded(permission, APPROVAL_LIMIT, total, approval_limit)
    row = await transition(
        tx,
        order,
        "approved",
        note.strip(),
        request_id=request_id,
        audit={"total": total, "limit": approval_limit, "permission": permission},
    )
    return Decision(order_id, row["status"])


async def reject(
    tx: ActiveTransaction,
    dealer_id: int,
    order_id: int,
    allowed: Allowed,
    reason: str,
    *,
    back_to_draft: bool,
    request_id: str = "",
) -> Decision:
    """A reviewer or approver turns the plan down: back to draft for rework, or for good."""
    if not reason.strip():
        raise RuleViolation("reason", "reason_required", "Say why the plan is rejected")
    order = await lock_order(tx.connection, dealer_id, order_id)
    target = "draft" if back_to_draft else "rejected"
    ensure_move(order, target)
    permissions = deciders(order)
    if permissions:
        may = list(permissions)
        if order["status"] == "submitted" and order["urgency"] != "emergency":
            may.append(("parts_plan", "approve"))  # the approver may stop it early
        _require_any(allowed, tuple(may))
        _not_drafter(tx, order, "rejection")
    row = await transition(tx, order, target, reason.strip(), request_id=request_id)
    return Decision(order_id, row["status"])


async def mark_ordered(
    tx: ActiveTransaction,
    dealer_id: int,
    order_id: int,
    allowed: Allowed,
    expected_on: date,
    note: str = "",
    *,
    request_id: str = "",
) -> Decision:
    """The purchaser placed the approved order with the supplier; parts expected then."""
    _require_any(allowed, (("purchase_order", "create"),))
    order = await lock_order(tx.connection, dealer_id, order_id)
    ensure_move(order, "ordered")
    today: date = await tx.connection.fetchval(
        "select (now() at time zone time_zone)::date from dealer where id = $1", dealer_id
    )
    if expected_on < today:
        raise RuleViolation(
            "expectedOn", "not_in_past", f"The expected date {expected_on} is before today"
        )
    row = await transition(
        tx,
        order,
        "ordered",
        note.strip(),
        request_id=request_id,
        audit={"expected_on": expected_on},
    )
    await tx.connection.execute(
        "update purchase_order set expected_on = $3 where dealer_id = $1 and id = $2",
        dealer_id,
        order_id,
        expected_on,
    )
    return Decision(order_id, row["status"])


async def cancel(
    tx: ActiveTransaction,
    dealer_id: int,
    order_id: int,
    allowed: Allowed,
    reason: str,
    *,
    request_id: str = "",
) -> Decision:
    """Withdraw a plan or an order before any of it was received."""
    _require_any(allowed, DRAFTERS)
    if not reason.strip():
        raise RuleViolation("reason", "reason_required", "Say why the order is cancelled")
    order = await lock_order(tx.connection, dealer_id, order_id)
    ensure_move(order, "cancelled")
    if await tx.connection.fetchval(
        "select 1 from parts_receipt where dealer_id = $1 and purchase_order_id = $2"
        " and status = 'open'",
        dealer_id,
        order_id,
    ):
        raise RuleViolation(
            "orderId", "open_receipt", "A delivery is being received: post or cancel it first"
        )
    row = await transition(tx, order, "cancelled", reason.strip(), request_id=request_id)
    return Decision(order_id, row["status"])
