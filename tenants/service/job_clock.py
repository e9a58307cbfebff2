"""Job clocks (工时记录): technicians clock on and off the jobs dispatched to them.

Only the technician the line is dispatched to, or a member of its team on shift
that day, clocks on it; a technician has one open clock at a time (the partial
unique index ``job_clock_one_open_idx`` is the rule, its violation the refusal).
Clocking off pauses the job; finishing it closes every open clock on it. When
every approved labour line of the order is done, the order moves
in_progress -> work_done. Clocked hours are always derived from ``job_clock``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.service.board_events import publish_board_change
from tenants.service.dispatch import dealer_today
from tenants.service.orders.errors import OrderNotFound, OrderRuleError
from tenants.service.orders.state_machine import transition

ONE_OPEN_CLOCK_INDEX = "job_clock_one_open_idx"

CLOCKED_HOURS_SQL = (
    "round(coalesce(sum(extract(epoch from coalesce(c.ended_at, now()) - c.started_at)), 0)"
    " / 3600.0, 2)"
)
"""Hours of the clocks ``c`` (an open clock counts up to now)."""


@dataclass(frozen=True)
class JobChange:
    line_id: int
    order_id: int
    job_status: str
    order_status: str


async def _lock_line(tx: ActiveTransaction, dealer_id: int, line_id: int) -> asyncpg.Record:
    row = await tx.connection.fetchrow(
        """
        select l.id, l.repair_order_id, l.kind, l.status, l.job_status,
               l.technician_user_id, l.team, o.status as order_status
          from repair_order_line l
          join repair_order o on o.dealer_id = l.dealer_id and o.id = l.repair_order_id
         where l.dealer_id = $1 and l.id = $2
           for update of l
        """,
        dealer_id,
        line_id,
    )
    if row is None:
        raise OrderNotFound("Repair order line")
    return row


async def _check_assignee(
    tx: ActiveTransaction, dealer_id: int, line: asyncpg.Record, technician_user_id: int
) -> None:
    if line["kind"] != "labour" or line["status"] != "approved":
        raise OrderRuleError(
            "clock_needs_approved_labour",
            "only approved labour lines are worked on",
            field="lineId",
        )
    if line["job_status"] == "pending":
        raise OrderRuleError(
            "clock_needs_dispatch", "the job is not dispatched yet", field="lineId"
        )
    if line["job_status"] == "done":
        raise OrderRuleError("job_done", "the job is done already", field="lineId")
    if line["order_status"] != "in_progress":
        raise OrderRuleError(
            "clock_needs_work_in_progress",
            f"the order is {line['order_status']}; jobs are worked on while it is in progress",
            field="lineId",
        )
    if line["technician_user_id"] is not None:
        if line["technician_user_id"] != technician_user_id:
            raise OrderRuleError(
                "not_assigned_technician",
                "the job is dispatched to another technician",
                field="lineId",
            )
        return
    day = await dealer_today(tx.connection, dealer_id)
    member = await tx.connection.fetchval(
        "select exists (select 1 from technician_shift where dealer_id = $1 and user_id = $2"
        " and work_date = $3 and team = $4)",
        dealer_id,
        technician_user_id,
        day,
        line["team"],
    )
    if not member:
        raise OrderRuleError(
            "not_team_member",
            f"the job is dispatched to team {line['team']!r}, which you are not on today",
            field="lineId",
        )


async def clock_on(
    tx: ActiveTransaction, dealer_id: int, line_id: int, technician_user_id: int
) -> JobChange:
    line = await _lock_line(tx, dealer_id, line_id)
    await _check_assignee(tx, dealer_id, line, technician_user_id)
    connection = tx.connection
    try:
        async with connection.transaction():  # a savepoint: the refusal is ours to word
            clock_id: int = await connection.fetchval(
                "insert into job_clock (dealer_id, line_id, technician_user_id)"
                " values ($1, $2, $3) returning id",
                dealer_id,
                line_id,
                technician_user_id,
            )
    except asyncpg.UniqueViolationError as exc:
        if exc.constraint_name != ONE_OPEN_CLOCK_INDEX:
            raise
        open_on = await connection.fetchrow(
            "select l.id, o.number from job_clock c"
            " join repair_order_line l on l.dealer_id = c.dealer_id and l.id = c.line_id"
            " join repair_order o on o.dealer_id = l.dealer_id and o.id = l.repair_order_id"
            " where c.dealer_id = $1 and c.technician_user_id = $2 and c.ended_at is null",
            dealer_id,
            technician_user_id,
        )
        if open_on is not None and open_on["id"] == line_id:
            message = "you are clocked on this job already"
        else:
            where = f" (order {open_on['number']})" if open_on else ""
            message = f"you are clocked on another job{where}; clock off it first"
        raise OrderRuleError("one_open_clock", message, field="lineId") from exc
    await connection.execute(
        "update repair_order_line set job_status = 'in_progress' where dealer_id = $1 and id = $2",
        dealer_id,
        line_id,
    )
    await record(
        dealer_id=dealer_id,
        action="job_clock.on",
        object_type="job_clock",
        object_id=clock_id,
        after={"line_id": line_id, "technician_user_id": technician_user_id},
    )
    order_id: int = line["repair_order_id"]
    await publish_board_change(dealer_id, order_id)
    return JobChange(line_id, order_id, "in_progress", line["order_status"])


async def _close_clocks(
    tx: ActiveTransaction, dealer_id: int, line_id: int, technician_user_id: int | None
) -> list[int]:
    """End the open clocks on the line (of one technician, or of everyone)."""
    rows = await tx.connection.fetch(
        "update job_clock set ended_at = now() where dealer_id = $1 and line_id = $2"
        " and ended_at is null and ($3::bigint is null or technician_user_id = $3)"
        " returning id",
        dealer_id,
        line_id,
        technician_user_id,
    )
    return [r["id"] for r in rows]


async def clock_off(
    tx: ActiveTransaction, dealer_id: int, line_id: int, technician_user_id: int
) -> JobChange:
    """Stop the technician's clock; the job pauses unless a team mate is still on it."""
    line = await _lock_line(tx, dealer_id, line_id)
    closed = await _close_clocks(tx, dealer_id, line_id, technician_user_id)
    if not closed:
        raise OrderRuleError("not_clocked_on", "you are not clocked on this job", field="lineId")
    still_open = await tx.connection.fetchval(
        "select exists (select 1 from job_clock where dealer_id = $1 and line_id = $2"
        " and ended_at is null)",
        dealer_id,
        line_id,
    )
    job_status = "in_progress" if still_open else "paused"
    await tx.connection.execute(
        "update repair_order_line set job_status = $3 where dealer_id = $1 and id = $2",
        dealer_id,
        line_id,
        job_status,
    )
    await record(
        dealer_id=dealer_id,
        action="job_clock.off",
        object_type="job_clock",
        object_id=closed[0],
        after={"line_id": line_id, "technician_user_id": technician_user_id},
    )
    order_id: int = line["repair_order_id"]
    await publish_board_change(dealer_id, order_id)
    return JobChange(line_id, order_id, job_status, line["order_status"])


async def finish_job(
    tx: ActiveTransaction, dealer_id: int, line_id: int, technician_user_id: int
) -> JobChange:
    """Mark the job done; the last job done moves the order to work_done."""
    line = await _lock_line(tx, dealer_id, line_id)
    await _check_assignee(tx, dealer_id, line, technician_user_id)
    await _close_clocks(tx, dealer_id, line_id, None)
    connection = tx.connection
    await connection.execute(
        "update repair_order_line set job_status = 'done', done_at = now()"
        " where dealer_id = $1 and id = $2",
        dealer_id,
        line_id,
    )
    await record(
        dealer_id=dealer_id,
        action="repair_order_line.done",
        object_type="repair_order_line",
        object_id=line_id,
        before={"job_status": line["job_status"]},
        after={"job_status": "done", "technician_user_id": technician_user_id},
    )
    order_id: int = line["repair_order_id"]
    open_jobs = await connection.fetchval(
        "select count(*) from repair_order_line where dealer_id = $1 and repair_order_id = $2"
        " and kind = 'labour' and status = 'approved' and job_status <> 'done'",
        dealer_id,
        order_id,
    )
    order_status: str = line["order_status"]
    if open_jobs == 0:
        moved = await transition(tx, order_id, "work_done", "every job done")
        order_status = moved.to_status
    await publish_board_change(dealer_id, order_id)
    return JobChange(line_id, order_id, "done", order_status)


async def clocked_hours_by_line(
    connection: asyncpg.Connection, dealer_id: int, line_ids: list[int]
) -> dict[int, Decimal]:
    rows = await connection.fetch(
        f"select c.line_id, {CLOCKED_HOURS_SQL} as hours from job_clock c"
        " where c.dealer_id = $1 and c.line_id = any($2::bigint[]) group by c.line_id",
        dealer_id,
        line_ids,
    )
    return {r["line_id"]: r["hours"] for r in rows}
