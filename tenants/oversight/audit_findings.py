"""Following a finding up (整改跟踪): the dealer's service manager answers it with the fix
(整改措施), the auditor verifies it or sends it back with a note (status open again).
Only findings of a submitted audit are followed up. A finding is overdue while it is
not verified and its due date lies before the dealer's local today.

Permissions are the caller's (the API) to check; moves and content are checked here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation

MOVES: dict[str, tuple[frozenset[str], str]] = {
    "respond": (frozenset({"open"}), "responded"),
    "verify": (frozenset({"responded"}), "verified"),
    "send_back": (frozenset({"responded"}), "open"),
}
"""Step -> (statuses it may start from, status it leaves)."""

OVERDUE_SQL = (
    "(f.status <> 'verified' and f.due_on < ($2::timestamptz at time zone d.time_zone)::date)"
)
"""Whether finding ``f`` of dealer ``d`` is overdue at ``$2`` (now)."""


def check_move(step: str, status: str) -> str:
    sources, target = MOVES[step]
    if status not in sources:
        raise RuleViolation(
            "status", "finding_transition", f"A finding that is {status} cannot {step}"
        )
    return target


async def lock_finding(
    connection: asyncpg.Connection, dealer_id: int, finding_id: int
) -> asyncpg.Record:
    """The finding, and its audit's status, locked (the audit first, as the audit steps do)."""
    audit_id: int | None = await connection.fetchval(
        "select audit_id from dealer_audit_finding where dealer_id = $1 and id = $2",
        dealer_id,
        finding_id,
    )
    if audit_id is None:
        raise RecordNotFound("Finding")
    audit_status: str = await connection.fetchval(
        "select status from dealer_audit where dealer_id = $1 and id = $2 for update",
        dealer_id,
        audit_id,
    )
    row = await connection.fetchrow(
        "select f.*, $3::text as audit_status from dealer_audit_finding f"
        " where f.dealer_id = $1 and f.id = $2 for update",
        dealer_id,
        finding_id,
        audit_status,
    )
    assert row is not None
    return row


async def _move(
    tx: ActiveTransaction,
    dealer_id: int,
    finding_id: int,
    step: str,
    changes: dict[str, Any],
    request_id: str,
) -> asyncpg.Record:
    current = await lock_finding(tx.connection, dealer_id, finding_id)
    if current["audit_status"] != "submitted":
        raise RuleViolation(
            "status",
            "audit_not_submitted",
            "Findings are followed up once the audit is submitted and until it closes",
        )
    target = check_move(step, current["status"])
    columns = {"status": target, **changes}
    assignments = ", ".join(f"{name} = ${i}" for i, name in enumerate(columns, start=3))
    row = await tx.connection.fetchrow(
        f"update dealer_audit_finding set {assignments}"
        " where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        finding_id,
        *columns.values(),
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action=f"dealer_audit_finding.{step}",
        object_type="dealer_audit_finding",
        object_id=finding_id,
        before={k: current[k] for k in columns},
        after=columns,
        request_id=request_id,
    )
    return row


def _required(field: str, text: str, message: str) -> str:
    if not text.strip():
        raise RuleViolation(field, "required", message)
    return text.strip()


async def respond(
    tx: ActiveTransaction,
    dealer_id: int,
    finding_id: int,
    *,
    response: str,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """The dealer states the fix it made."""
    text = _required("response", response, "Describe the fix")
    changes = {"response": text, "responded_by": tx.scope.user_id, "responded_at": now}
    return await _move(tx, dealer_id, finding_id, "respond", changes, request_id)


async def verify(
    tx: ActiveTransaction, dealer_id: int, finding_id: int, *, now: datetime, request_id: str = ""
) -> asyncpg.Record:
    """The auditor accepts the fix."""
    changes = {"verified_by": tx.scope.user_id, "verified_at": now}
    return await _move(tx, dealer_id, finding_id, "verify", changes, request_id)


async def send_back(
    tx: ActiveTransaction,
    dealer_id: int,
    finding_id: int,
    *,
    note: str,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """The auditor rejects the fix with a note; the dealer answers again."""
    text = _required("note", note, "Say why the fix is not accepted")
    return await _move(tx, dealer_id, finding_id, "send_back", {"review_note": text}, request_id)
