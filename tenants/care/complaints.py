"""The steps of a complaint after intake (客户投诉处理流程 steps 2-7): the general manager
routes it to a department with a deadline; customer service conveys the plan and gets
the customer's consent (or the customer declines it); the department resolves it by the
agreed time; customer service closes it only once the customer confirms (or reopens it).

Each step locks the ticket, is checked by ``complaint_states``, writes one
``complaint_action`` and one audit entry, all in the caller's transaction. Permissions
are the caller's (the API) to check; the rules of the content are checked here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from tenants.audit.recorder import record
from tenants.care.complaint_intake import DEPARTMENTS
from tenants.care.complaint_states import check_move
from tenants.care.settings import load_rules
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation


@dataclass(frozen=True)
class Routing:
    department: str
    responsible_user_id: int | None = None
    due_at: datetime | None = None
    """None: the dealer's hours for the complaint's level, from now."""


async def lock_complaint(
    connection: asyncpg.Connection, dealer_id: int, complaint_id: int
) -> asyncpg.Record:
    row = await connection.fetchrow(
        "select * from complaint where dealer_id = $1 and id = $2 for update",
        dealer_id,
        complaint_id,
    )
    if row is None:
        raise RecordNotFound("Complaint")
    return row


def _required(field: str, text: str, message: str) -> str:
    if not text.strip():
        raise RuleViolation(field, "required", message)
    return text.strip()


def _future(field: str, at: datetime, now: datetime) -> datetime:
    if at <= now:
        raise RuleViolation(field, "deadline_in_past", "The deadline must lie in the future")
    return at


async def _check_routing(
    connection: asyncpg.Connection, dealer_id: int, routing: Routing, now: datetime
) -> None:
    if routing.department not in DEPARTMENTS:
        raise RuleViolation("department", "complaint_department", "Unknown department")
    if routing.responsible_user_id is not None and not await connection.fetchval(
        "select exists(select 1 from membership where dealer_id = $1 and user_id = $2)",
        dealer_id,
        routing.responsible_user_id,
    ):
        raise RuleViolation(
            "responsibleUserId", "responsible_not_staff", "The responsible person must work here"
        )
    if routing.due_at is not None:
        _future("dueAt", routing.due_at, now)


async def _default_due(
    connection: asyncpg.Connection, dealer_id: int, level: str, now: datetime
) -> datetime:
    rules = await load_rules(connection, dealer_id)
    return now + timedelta(hours=rules.complaint_hours[level])


async def _apply(
    tx: ActiveTransaction,
    current: asyncpg.Record,
    kind: str,
    *,
    now: datetime,
    note: str = "",
    due_at: datetime | None = None,
    changes: dict[str, Any] | None = None,
    request_id: str = "",
) -> asyncpg.Record:
    """Check the move, set ``changes`` (and the status), log the action, audit it."""
    target = check_move(kind, current["status"])
    columns = {"status": target, **(changes or {})}
    assignments = ", ".join(f"{name} = ${i}" for i, name in enumerate(columns, start=3))
    row = await tx.connection.fetchrow(
        f"update complaint set {assignments} where dealer_id = $1 and id = $2 returning *",
        current["dealer_id"],
        current["id"],
        *columns.values(),
    )
    assert row is not None
    await tx.connection.execute(
        "insert into complaint_action (dealer_id, complaint_id, kind, status_from, status_to,"
        " note, due_at, actor_user_id, at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        current["dealer_id"],
        current["id"],
        kind,
        current["status"] if target != current["status"] else None,
        target if target != current["status"] else None,
        note,
        due_at,
        tx.scope.user_id,
        now,
    )
    await record(
        dealer_id=current["dealer_id"],
        action=f"complaint.{kind}",
        object_type="complaint",
        object_id=current["id"],
        before={"status": current["status"], **{k: current[k] for k in columns if k != "status"}},
        after={**columns, "note": note},
        request_id=request_id,
    )
    return row


async def route(
    tx: ActiveTransaction,
    dealer_id: int,
    complaint_id: int,
    routing: Routing,
    *,
    note: str = "",
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """The general manager (or whoever holds complaint:route) sends a received ticket to
    the responsible department with a deadline."""
    current = await lock_complaint(tx.connection, dealer_id, complaint_id)
    check_move("routed", current["status"])
    await _check_routing(tx.connection, dealer_id, routing, now)
    due = routing.due_at or await _default_due(tx.connection, dealer_id, current["level"], now)
    return await _apply(
        tx,
        current,
        "routed",
        now=now,
        note=note.strip(),
        due_at=due,
        changes={
            "department": routing.department,
            "responsible_user_id": routing.responsible_user_id,
            "routed_by": tx.scope.user_id,
            "routed_at": now,
            "due_at": due,
        },
        request_id=request_id,
    )


async def reroute(
    tx: ActiveTransaction,
    dealer_id: int,
    complaint_id: int,
    routing: Routing,
    *,
    note: str,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """Another department or person takes over; the deadline stays unless a new one is
    given. Any agreement with the customer lapses: the new owner's plan is agreed anew."""
    current = await lock_complaint(tx.connection, dealer_id, complaint_id)
    check_move("rerouted", current["status"])
    reason = _required("note", note, "Say why the complaint changes hands")
    await _check_routing(tx.connection, dealer_id, routing, now)
    due = routing.due_at or current["due_at"]
    return await _apply(
        tx,
        current,
        "rerouted",
        now=now,
        note=reason,
        due_at=due,
        changes={
            "department": routing.department,
            "responsible_user_id": routing.responsible_user_id,
            "routed_by": tx.scope.user_id,
            "routed_at": now,
            "due_at": due,
            "agreed_at": None,
            "agreed_due_at": None,
        },
        request_id=request_id,
    )


async def change_deadline(
    tx: ActiveTransaction,
    dealer_id: int,
    complaint_id: int,
    due_at: datetime,
    *,
    note: str,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    current = await lock_complaint(tx.connection, dealer_id, complaint_id)
    check_move("deadline_changed", current["status"])
    reason = _required("note", note, "Say why the deadline changes")
    _future("dueAt", due_at, now)
    return await _apply(
        tx,
        current,
        "deadline_changed",
        now=now,
        note=reason,
        due_at=due_at,
        changes={"due_at": due_at},
        request_id=request_id,
    )


async def withdraw(
    tx: ActiveTransaction,
    dealer_id: int,
    complaint_id: int,
    *,
    reason: str,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """A received ticket entered by mistake (a duplicate, the wrong customer) is withdrawn
    with a reason before anyone is assigned; a routed complaint must run its course."""
    current = await lock_complaint(tx.connection, dealer_id, complaint_id)
    check_move("withdrawn", current["status"])
    text = _required("reason", reason, "Say why the ticket is withdrawn")
    return await _apply(tx, current, "withdrawn", now=now, note=text, request_id=request_id)


async def agree(
    tx: ActiveTransaction,
    dealer_id: int,
    complaint_id: int,
    *,
    resolution: str,
    agreed_due_at: datetime,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """Customer service conveyed the department's plan and the customer consented to it
    and to the time it will be done by."""
    current = await lock_complaint(tx.connection, dealer_id, complaint_id)
    check_move("agreed", current["status"])
    plan = _required("resolution", resolution, "Describe the resolution agreed")
    _future("agreedDueAt", agreed_due_at, now)
    return await _apply(
        tx,
        current,
        "agreed",
        now=now,
        note=plan,
        due_at=agreed_due_at,
        changes={"resolution": plan, "agreed_at": now, "agreed_due_at": agreed_due_at},
        request_id=request_id,
    )


async def customer_declines(
    tx: ActiveTransaction,
    dealer_id: int,
    complaint_id: int,
    *,
    note: str,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """The customer does not accept the plan: back to the department (routed)."""
    current = await lock_complaint(tx.connection, dealer_id, complaint_id)
    check_move("customer_declined", current["status"])
    text = _required("note", note, "Record what the customer said")
    return await _apply(
        tx,
        current,
        "customer_declined",
        now=now,
        note=text,
        changes={"customer_feedback": text, "agreed_at": None, "agreed_due_at": None},
        request_id=request_id,
    )


async def resolve(
    tx: ActiveTransaction,
    dealer_id: int,
    complaint_id: int,
    *,
    note: str,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """The department did what was agreed; customer service now asks the customer."""
    current = await lock_complaint(tx.connection, dealer_id, complaint_id)
    check_move("resolved", current["status"])
    text = _required("note", note, "Say what was done")
    return await _apply(
        tx,
        current,
        "resolved",
        now=now,
        note=text,
        changes={"resolved_by": tx.scope.user_id, "resolved_at": now},
        request_id=request_id,
    )


async def reopen(
    tx: ActiveTransaction,
    dealer_id: int,
    complaint_id: int,
    *,
    feedback: str,
    due_at: datetime | None,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """The customer is not satisfied with the result: back to the department with a new
    deadline (the level's hours from now unless given), to be agreed anew."""
    current = await lock_complaint(tx.connection, dealer_id, complaint_id)
    check_move("reopened", current["status"])
    text = _required("feedback", feedback, "Record why the customer is not satisfied")
    if due_at is not None:
        _future("dueAt", due_at, now)
    due = due_at or await _default_due(tx.connection, dealer_id, current["level"], now)
    return await _apply(
        tx,
        current,
        "reopened",
        now=now,
        note=text,
        due_at=due,
        changes={
            "customer_feedback": text,
            "due_at": due,
            "agreed_at": None,
            "agreed_due_at": None,
            "resolved_by": None,
            "resolved_at": None,
        },
        request_id=request_id,
    )


async def confirm_close(
    tx: ActiveTransaction,
    dealer_id: int,
    complaint_id: int,
    *,
    confirmation: str,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """Closed only after the customer confirms: the confirmation is recorded in words."""
    current = await lock_complaint(tx.connection, dealer_id, complaint_id)
    check_move("closed", current["status"])
    text = _required("confirmation", confirmation, "Record the customer's confirmation")
    return await _apply(
        tx,
        current,
        "closed",
        now=now,
        note=text,
        changes={"confirmed_at": now, "closed_by": tx.scope.user_id, "customer_feedback": text},
        request_id=request_id,
    )


async def log_action(
    tx: ActiveTransaction,
    dealer_id: int,
    complaint_id: int,
    *,
    kind: str,
    note: str,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """A note, or a contact with the customer (kind ``contact``), on an open ticket."""
    if kind not in ("note", "contact"):
        raise RuleViolation("kind", "complaint_log_kind", "Log a note or a contact")
    current = await lock_complaint(tx.connection, dealer_id, complaint_id)
    check_move(kind, current["status"])
    text = _required("note", note, "Write what happened")
    return await _apply(tx, current, kind, now=now, note=text, request_id=request_id)
