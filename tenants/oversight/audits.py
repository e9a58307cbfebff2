"""A dealer audit visit (巡查考核), by the region's manager: planned, started on site,
scored item by item with findings, submitted (score and maximum fixed), and closed once
every finding is verified; a planned or running visit may be cancelled.

Each step locks the audit, checks the move against ``MOVES``, writes one audit entry
and runs in the caller's transaction. Permissions are the caller's (the API) to check;
the rules of the content are checked here."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation
from tenants.oversight.audit_checklist import ensure_default_checklist, manufacturer_of_dealer

MOVES: dict[str, tuple[frozenset[str], str]] = {
    "start": (frozenset({"planned"}), "in_progress"),
    "score": (frozenset({"in_progress"}), "in_progress"),
    "add_finding": (frozenset({"in_progress"}), "in_progress"),
    "submit": (frozenset({"in_progress"}), "submitted"),
    "close": (frozenset({"submitted"}), "closed"),
    "cancel": (frozenset({"planned", "in_progress"}), "cancelled"),
}
"""Step -> (statuses it may start from, status it leaves)."""

SEVERITIES = ("minor", "major", "critical")

_LOCK_CLASS = 0x4155_4E4F  # "AUNO": the advisory-lock namespace of audit numbers


def check_move(step: str, status: str) -> str:
    """The status after ``step``; the rule ``audit_transition`` when illegal."""
    sources, target = MOVES[step]
    if status not in sources:
        raise RuleViolation(
            "status", "audit_transition", f"An audit that is {status} cannot {step}"
        )
    return target


async def local_today(connection: asyncpg.Connection, dealer_id: int, now: datetime) -> date:
    """``now`` as a date in the dealer's time zone."""
    today: date | None = await connection.fetchval(
        "select ($2::timestamptz at time zone time_zone)::date from dealer where id = $1",
        dealer_id,
        now,
    )
    assert today is not None, "dealer not visible"
    return today


async def lock_audit(
    connection: asyncpg.Connection, dealer_id: int, audit_id: int
) -> asyncpg.Record:
    row = await connection.fetchrow(
        "select * from dealer_audit where dealer_id = $1 and id = $2 for update",
        dealer_id,
        audit_id,
    )
    if row is None:
        raise RecordNotFound("Audit")
    return row


async def _next_number(connection: asyncpg.Connection, dealer_id: int, year: int) -> str:
    """``AU-<year>-NNN`` per dealer without gaps: taken under a transaction-scoped lock,
    so a rolled-back plan frees its number."""
    await connection.execute("select pg_advisory_xact_lock($1, $2)", _LOCK_CLASS, dealer_id)
    prefix = f"AU-{year}-"
    last: int | None = await connection.fetchval(
        "select max(substr(number, $3)::int) from dealer_audit"
        " where dealer_id = $1 and left(number, length($2)) = $2",
        dealer_id,
        prefix,
        len(prefix) + 1,
    )
    return f"{prefix}{(last or 0) + 1:03d}"


async def _update(
    tx: ActiveTransaction,
    current: asyncpg.Record,
    step: str,
    changes: dict[str, Any],
    request_id: str,
) -> asyncpg.Record:
    target = check_move(step, current["status"])
    columns = {"status": target, **changes}
    assignments = ", ".join(f"{name} = ${i}" for i, name in enumerate(columns, start=3))
    row = await tx.connection.fetchrow(
        f"update dealer_audit set {assignments} where dealer_id = $1 and id = $2 returning *",
        current["dealer_id"],
        current["id"],
        *columns.values(),
    )
    assert row is not None
    await record(
        dealer_id=current["dealer_id"],
        action=f"dealer_audit.{step}",
        object_type="dealer_audit",
        object_id=current["id"],
        before={k: current[k] for k in columns},
        after=columns,
        request_id=request_id,
    )
    return row


async def plan_audit(
    tx: ActiveTransaction,
    dealer_id: int,
    *,
    planned_on: date,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """Plan a visit on ``planned_on`` (not in the dealer's past); the acting user audits.
    Seeds the manufacturer's default checklist if it has none yet."""
    connection = tx.connection
    if planned_on < await local_today(connection, dealer_id, now):
        raise RuleViolation("plannedOn", "planned_in_past", "A visit cannot be planned in the past")
    assert tx.scope.user_id is not None, "an audit is planned by a person"
    await ensure_default_checklist(connection, await manufacturer_of_dealer(connection, dealer_id))
    number = await _next_number(connection, dealer_id, planned_on.year)
    row = await connection.fetchrow(
        "insert into dealer_audit (dealer_id, number, auditor_user_id, planned_on, created_at)"
        " values ($1, $2, $3, $4, $5) returning *",
        dealer_id,
        number,
        tx.scope.user_id,
        planned_on,
        now,
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="dealer_audit.plan",
        object_type="dealer_audit",
        object_id=row["id"],
        after={"number": number, "planned_on": planned_on, "status": "planned"},
        request_id=request_id,
    )
    return row


async def start_audit(
    tx: ActiveTransaction, dealer_id: int, audit_id: int, *, now: datetime, request_id: str = ""
) -> asyncpg.Record:
    """The auditor arrives on site."""
    current = await lock_audit(tx.connection, dealer_id, audit_id)
    return await _update(tx, current, "start", {"visited_at": now}, request_id)


async def _item(connection: asyncpg.Connection, dealer_id: int, item_id: int) -> asyncpg.Record:
    """An active item of the dealer's manufacturer's checklist."""
    row = await connection.fetchrow(
        "select i.* from audit_checklist_item i where i.id = $2 and i.active"
        " and i.manufacturer_id = (select r.manufacturer_id from dealer d"
        "   join region r on r.id = d.region_id where d.id = $1)",
        dealer_id,
        item_id,
    )
    if row is None:
        raise RuleViolation("itemId", "checklist_item", "Not an item of this dealer's checklist")
    return row


async def score_item(
    tx: ActiveTransaction,
    dealer_id: int,
    audit_id: int,
    item_id: int,
    *,
    points: Decimal,
    note: str = "",
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """Score one item 0..weight (rescoring replaces the earlier points)."""
    connection = tx.connection
    current = await lock_audit(connection, dealer_id, audit_id)
    check_move("score", current["status"])
    item = await _item(connection, dealer_id, item_id)
    if points < 0 or points > item["weight"]:
        raise RuleViolation(
            "points", "points_range", f"Points must lie between 0 and {item['weight']}"
        )
    before = await connection.fetchrow(
        "select points, note from dealer_audit_score"
        " where dealer_id = $1 and audit_id = $2 and item_id = $3",
        dealer_id,
        audit_id,
        item_id,
    )
    row = await connection.fetchrow(
        """
        insert into dealer_audit_score
          (dealer_id, audit_id, item_id, points, note, scored_by, scored_at)
        values ($1, $2, $3, $4, $5, $6, $7)
        on conflict (dealer_id, audit_id, item_id) do update
          set points = excluded.points, note = excluded.note,
              scored_by = excluded.scored_by, scored_at = excluded.scored_at
        returning *
        """,
        dealer_id,
        audit_id,
        item_id,
        points,
        note.strip(),
        tx.scope.user_id,
        now,
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="dealer_audit.score",
        object_type="dealer_audit",
        object_id=audit_id,
        before=dict(before) if before else None,
        after={"item": item["code"], "points": points, "note": note.strip()},
        request_id=request_id,
    )
    return row


async def add_finding(
    tx: ActiveTransaction,
    dealer_id: int,
    audit_id: int,
    *,
    severity: str,
    description: str,
    owner_user_id: int,
    due_on: date,
    item_id: int | None = None,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """A finding (问题) with its owner (责任人), a staff member of the dealer, and its due
    date (整改期限), not in the dealer's past."""
    connection = tx.connection
    current = await lock_audit(connection, dealer_id, audit_id)
    check_move("add_finding", current["status"])
    if severity not in SEVERITIES:
        raise RuleViolation("severity", "finding_severity", "Unknown severity")
    if not description.strip():
        raise RuleViolation("description", "required", "Describe the finding")
    if item_id is not None:
        await _item(connection, dealer_id, item_id)
    if not await connection.fetchval(
        "select exists(select 1 from membership m join staff_user u on u.id = m.user_id"
        " where m.dealer_id = $1 and m.user_id = $2 and u.active)",
        dealer_id,
        owner_user_id,
    ):
        raise RuleViolation("ownerUserId", "owner_not_staff", "The owner must work at the dealer")
    if due_on < await local_today(connection, dealer_id, now):
        raise RuleViolation("dueOn", "due_in_past", "The due date cannot lie in the past")
    row = await connection.fetchrow(
        "insert into dealer_audit_finding (dealer_id, audit_id, item_id, severity, description,"
        " owner_user_id, due_on, created_by, created_at)"
        " values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *",
        dealer_id,
        audit_id,
        item_id,
        severity,
        description.strip(),
        owner_user_id,
        due_on,
        tx.scope.user_id,
        now,
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="dealer_audit_finding.add",
        object_type="dealer_audit_finding",
        object_id=row["id"],
        after={
            "audit_id": audit_id,
            "severity": severity,
            "description": row["description"],
            "owner_user_id": owner_user_id,
            "due_on": due_on,
        },
        request_id=request_id,
    )
    return row


async def submit_audit(
    tx: ActiveTransaction,
    dealer_id: int,
    audit_id: int,
    *,
    summary: str = "",
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """Fix the score: the sum of points over the sum of the weights of every active item
    of the checklist; refused (``unscored_items``) while an active item has no points."""
    connection = tx.connection
    current = await lock_audit(connection, dealer_id, audit_id)
    check_move("submit", current["status"])
    totals = await connection.fetchrow(
        """
        select count(*) filter (where s.item_id is null) as unscored,
               coalesce(sum(s.points), 0) as score, coalesce(sum(i.weight), 0) as max_score
        from audit_checklist_item i
        left join dealer_audit_score s
          on s.item_id = i.id and s.dealer_id = $1 and s.audit_id = $2
        where i.active and i.manufacturer_id = (select r.manufacturer_id from dealer d
          join region r on r.id = d.region_id where d.id = $1)
        """,
        dealer_id,
        audit_id,
    )
    assert totals is not None
    if totals["unscored"]:
        raise RuleViolation(
            "auditId",
            "unscored_items",
            f"{totals['unscored']} checklist items are not scored yet",
            unscored=totals["unscored"],
        )
    changes = {
        "score": totals["score"],
        "max_score": Decimal(totals["max_score"]),
        "summary": summary.strip(),
        "submitted_at": now,
    }
    return await _update(tx, current, "submit", changes, request_id)


async def close_audit(
    tx: ActiveTransaction, dealer_id: int, audit_id: int, *, now: datetime, request_id: str = ""
) -> asyncpg.Record:
    """Close a submitted audit once every finding is verified (``findings_open``)."""
    connection = tx.connection
    current = await lock_audit(connection, dealer_id, audit_id)
    check_move("close", current["status"])
    open_findings: int = await connection.fetchval(
        "select count(*) from dealer_audit_finding"
        " where dealer_id = $1 and audit_id = $2 and status <> 'verified'",
        dealer_id,
        audit_id,
    )
    if open_findings:
        raise RuleViolation(
            "auditId",
            "findings_open",
            f"{open_findings} findings are not verified yet",
            open=open_findings,
        )
    changes = {"closed_at": now, "closed_by": tx.scope.user_id}
    return await _update(tx, current, "close", changes, request_id)


async def cancel_audit(
    tx: ActiveTransaction,
    dealer_id: int,
    audit_id: int,
    *,
    reason: str,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """Call off a planned or running visit, with the reason in the summary."""
    if not reason.strip():
        raise RuleViolation("reason", "required", "Give the reason")
    current = await lock_audit(tx.connection, dealer_id, audit_id)
    changes = {"summary": reason.strip(), "closed_at": now, "closed_by": tx.scope.user_id}
    return await _update(tx, current, "cancel", changes, request_id)
