"""The monthly report's life (月报): draft -> reviewed -> submitted.

- ``generate``: the first draft of a month (the worker on the 1st local day, or the
  information officer earlier); generating again (``regenerate``) picks up late data,
  allowed until the report is submitted, and sends a reviewed report back to draft:
  its figures changed, so its review no longer holds.
- ``review``: the information officer checks the figures and may add a note.
- ``submit``: once, from reviewed; the report is frozen from then on; it is late when
  its local submission date is after ``due_on``.

Every move writes one audit entry in the caller's transaction; illegal moves are
refused with the rule ``monthly_report_transition``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg

from tenants.audit.recorder import record
from tenants.errors import RecordNotFound, RuleViolation
from tenants.oversight.monthly_report import body_json, due_on, report_body


@dataclass(frozen=True)
class Step:
    sources: frozenset[str]
    target: str


STEPS: dict[str, Step] = {
    "regenerate": Step(frozenset({"draft", "reviewed"}), "draft"),
    "review": Step(frozenset({"draft", "reviewed"}), "reviewed"),
    "submit": Step(frozenset({"reviewed"}), "submitted"),
}

PAST = {"regenerate": "regenerated", "review": "reviewed", "submit": "submitted"}


def check_move(step: str, current: str) -> str:
    """The status after ``step`` from ``current``, or the refusal."""
    found = STEPS[step]
    if current not in found.sources:
        raise RuleViolation(
            "status",
            "monthly_report_transition",
            f"A {current} monthly report cannot be {PAST[step]}",
            fromStatus=current,
            step=step,
        )
    return found.target


def steps_from(current: str) -> list[str]:
    return [name for name, s in STEPS.items() if current in s.sources]


async def local_today(connection: asyncpg.Connection, dealer_id: int, now: datetime) -> date:
    today: date | None = await connection.fetchval(
        "select ($2::timestamptz at time zone time_zone)::date from dealer where id = $1",
        dealer_id,
        now,
    )
    if today is None:
        raise RecordNotFound(f"Dealer {dealer_id}")
    return today


async def due_day(connection: asyncpg.Connection, dealer_id: int) -> int:
    day: int = await connection.fetchval(
        "select m.monthly_report_due_day from dealer d join region r on r.id = d.region_id"
        " join manufacturer m on m.id = r.manufacturer_id where d.id = $1",
        dealer_id,
    )
    return day


_INSERT_SQL = """
insert into dealer_monthly_report (dealer_id, month, due_on, status, body, generated_at)
values ($1, $2, $3, 'draft', $4::jsonb, $5)
on conflict (dealer_id, month) do nothing
returning *
"""


async def generate(
    connection: asyncpg.Connection,
    dealer_id: int,
    month: date,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record | None:
    """The month's first draft; ``None`` when the month has a report already (the caller
    regenerates it instead). Refuses a month that has not ended in the dealer's time zone."""
    month = month.replace(day=1)
    today = await local_today(connection, dealer_id, now)
    if month >= today.replace(day=1):
        raise RuleViolation("month", "month_not_over", "The month is not over yet")
    body = await report_body(connection, dealer_id, month, now)
    due = due_on(month, await due_day(connection, dealer_id))
    row = await connection.fetchrow(_INSERT_SQL, dealer_id, month, due, body_json(body), now)
    if row is None:
        return None
    await record(
        dealer_id=dealer_id,
        action="monthly_report.generated",
        object_type="dealer_monthly_report",
        object_id=row["id"],
        after={"month": month.isoformat(), "due_on": due.isoformat()},
        request_id=request_id,
    )
    return row


async def _current(connection: asyncpg.Connection, dealer_id: int, report_id: int) -> Any:
    row = await connection.fetchrow(
        "select * from dealer_monthly_report where dealer_id = $1 and id = $2 for update",
        dealer_id,
        report_id,
    )
    if row is None:
        raise RecordNotFound(f"Monthly report {report_id}")
    return row


async def regenerate(
    connection: asyncpg.Connection,
    dealer_id: int,
    report_id: int,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """New figures from today's data; back to draft (the old review no longer holds)."""
    current = await _current(connection, dealer_id, report_id)
    check_move("regenerate", current["status"])
    body = await report_body(connection, dealer_id, current["month"], now)
    row = await connection.fetchrow(
        "update dealer_monthly_report set body = $3::jsonb, generated_at = $4, status = 'draft',"
        " reviewed_by = null, reviewed_at = null where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        report_id,
        body_json(body),
        now,
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="monthly_report.regenerated",
        object_type="dealer_monthly_report",
        object_id=report_id,
        before={"status": current["status"], "generated_at": current["generated_at"]},
        after={"status": "draft", "generated_at": now},
        request_id=request_id,
    )
    return row


async def review(
    connection: asyncpg.Connection,
    dealer_id: int,
    report_id: int,
    user_id: int | None,
    note: str,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    current = await _current(connection, dealer_id, report_id)
    check_move("review", current["status"])
    row = await connection.fetchrow(
        "update dealer_monthly_report set status = 'reviewed', reviewed_by = $3,"
        " reviewed_at = $4, note = $5 where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        report_id,
        user_id,
        now,
        note.strip(),
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="monthly_report.reviewed",
        object_type="dealer_monthly_report",
        object_id=report_id,
        before={"status": current["status"], "note": current["note"]},
        after={"status": "reviewed", "note": note.strip()},
        request_id=request_id,
    )
    return row


async def submit(
    connection: asyncpg.Connection,
    dealer_id: int,
    report_id: int,
    user_id: int | None,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """Once; late when the dealer's local date of ``now`` is after ``due_on``."""
    current = await _current(connection, dealer_id, report_id)
    check_move("submit", current["status"])
    row = await connection.fetchrow(
        "update dealer_monthly_report set status = 'submitted', submitted_by = $3,"
        " submitted_at = $4 where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        report_id,
        user_id,
        now,
    )
    assert row is not None
    late = await local_today(connection, dealer_id, now) > current["due_on"]
    await record(
        dealer_id=dealer_id,
        action="monthly_report.submitted",
        object_type="dealer_monthly_report",
        object_id=report_id,
        before={"status": current["status"]},
        after={"status": "submitted", "late": late},
        request_id=request_id,
    )
    return row
