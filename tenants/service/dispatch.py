"""Dispatch (派工): approved labour lines go to a technician on shift, or to a team.

The workshop supervisor's queue is every approved labour line not yet dispatched.
A technician must be staff of the dealer, on shift that day (``technician_shift``)
and allowed to record job clocks there (the role catalog decides who works on
jobs, not a role name); a team must have someone on shift. Moving a line that is
already dispatched is a reassignment (``dispatch:reassign``, checked by the
caller); a line someone is clocked on, or that is done, cannot move. The first
line dispatched starts the work: the order moves approved -> in_progress. After a
failed quality check, finished jobs to redo are reopened (``reopen_job``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.service.board_events import publish_board_change
from tenants.service.orders.errors import OrderNotFound, OrderRuleError
from tenants.service.orders.state_machine import transition

DISPATCHABLE_ORDER = ("approved", "in_progress")
"""Order statuses in which lines are dispatched (rework returns to in_progress)."""


class ReassignNotAllowed(Exception):
    """The line is dispatched already and the caller may not reassign (``dispatch:reassign``)."""


@dataclass(frozen=True)
class DispatchResult:
    line_id: int
    order_id: int
    reassigned: bool
    order_status: str


@dataclass(frozen=True)
class QueueLine:
    line_id: int
    order_id: int
    order_number: str
    order_status: str
    description: str
    operation_code: str | None
    hours: Decimal
    promised_at: datetime | None
    plate: str
    model: str
    bay_code: str | None


@dataclass(frozen=True)
class ShiftTechnician:
    user_id: int
    display_name: str
    username: str
    active: bool
    team: str
    shift_hours: Decimal
    assigned_hours: Decimal
    """Standard hours of the open jobs dispatched to them by name."""


async def dealer_today(connection: asyncpg.Connection, dealer_id: int) -> date:
    """The dealer's calendar day now: shifts are kept in the dealer's local dates."""
    day: date = await connection.fetchval(
        "select (now() at time zone time_zone)::date from dealer where id = $1", dealer_id
    )
    return day


async def dispatch_queue(connection: asyncpg.Connection, dealer_id: int) -> list[QueueLine]:
    """Approved labour lines of approved or running orders that nobody works on yet."""
    rows = await connection.fetch(
        """
        select l.id as line_id, o.id as order_id, o.number, o.status as order_status,
               l.description, op.code as operation_code, l.hours, o.promised_at,
               v.plate, v.model, b.code as bay_code
          from repair_order_line l
          join repair_order o on o.dealer_id = l.dealer_id and o.id = l.repair_order_id
          join vehicle v on v.dealer_id = o.dealer_id and v.id = o.vehicle_id
          left join labour_operation op on op.id = l.operation_id
          left join bay b on b.dealer_id = o.dealer_id and b.id = o.bay_id
         where l.dealer_id = $1 and l.kind = 'labour' and l.status = 'approved'
           and l.job_status = 'pending' and o.status = any($2::text[])
         order by o.promised_at nulls last, o.id, l.id
        """,
        dealer_id,
        list(DISPATCHABLE_ORDER),
    )
    return [
        QueueLine(
            r["line_id"],
            r["order_id"],
            r["number"],
            r["order_status"],
            r["description"],
            r["operation_code"],
            r["hours"],
            r["promised_at"],
            r["plate"],
            r["model"],
            r["bay_code"],
        )
        for r in rows
    ]


async def technicians_on_shift(
    connection: asyncpg.Connection, dealer_id: int, work_date: date
) -> list[ShiftTechnician]:
    rows = await connection.fetch(
        """
        select s.user_id, u.display_name, u.username, u.active, s.team, s.hours,
               coalesce((select sum(l.hours) from repair_order_line l
                          where l.dealer_id = s.dealer_id and l.technician_user_id = s.user_id
                            and l.job_status in ('dispatched', 'in_progress', 'paused')), 0)
                 as assigned
          from technician_shift s join staff_user u on u.id = s.user_id
         where s.dealer_id = $1 and s.work_date = $2
         order by s.team, u.display_name
        """,
        dealer_id,
        work_date,
    )
    return [
        ShiftTechnician(
            r["user_id"],
            r["display_name"],
            r["username"],
            r["active"],
            r["team"],
            r["hours"],
            r["assigned"],
        )
        for r in rows
    ]


async def _check_technician(
    connection: asyncpg.Connection,
    dealer_id: int,
    user_id: int,
    work_date: date,
    may_work: Callable[[int], bool],
) -> None:
    staff = await connection.fetchval(
        "select exists (select 1 from membership m join staff_user u on u.id = m.user_id"
        " where m.dealer_id = $1 and m.user_id = $2 and m.active and u.active)",
        dealer_id,
        user_id,
    )
    if not staff or not may_work(user_id):
        raise OrderRuleError(
            "technician_not_staff",
            "the technician is not workshop staff of this dealer",
            field="technicianId",
        )
    on_shift = await connection.fetchval(
        "select exists (select 1 from technician_shift"
        " where dealer_id = $1 and user_id = $2 and work_date = $3)",
        dealer_id,
        user_id,
        work_date,
    )
    if not on_shift:
        raise OrderRuleError(
            "technician_not_on_shift",
            f"the technician is not on shift on {work_date.isoformat()}",
            field="technicianId",
        )


async def dispatch_line(
    tx: ActiveTransaction,
    dealer_id: int,
    line_id: int,
    *,
    technician_user_id: int | None = None,
    team: str | None = None,
    may_reassign: bool,
    may_work: Callable[[int], bool],
) -> DispatchResult:
    """Give the line to a technician or a team, or raise; ``may_work(user_id)`` tells
    whether the policies let that person record job clocks at the dealer."""
    team = (team or "").strip()
    if (technician_user_id is None) == (not team):
        raise OrderRuleError(
            "dispatch_to_one", "dispatch to a technician or to a team", field="technicianId"
        )
    connection = tx.connection
    line = await connection.fetchrow(
        """
        select l.id, l.repair_order_id, l.kind, l.status, l.job_status,
               l.technician_user_id, l.team, o.status as order_status
          from repair_order_line l
          join repair_order o on o.dealer_id = l.dealer_id and o.id = l.repair_order_id
         where l.dealer_id = $1 and l.id = $2
           for update of l, o
        """,
        dealer_id,
        line_id,
    )
    if line is None:
        raise OrderNotFound("Repair order line")
    if line["kind"] != "labour" or line["status"] != "approved":
        raise OrderRuleError(
            "dispatch_needs_approved_labour",
            "only labour lines the customer approved are dispatched",
            field="lineId",
        )
    if line["order_status"] not in DISPATCHABLE_ORDER:
        raise OrderRuleError(
            "dispatch_needs_approved_order",
            f"the order is {line['order_status']}; jobs are dispatched once it is approved",
            field="lineId",
        )
    job_status: str = line["job_status"]
    if job_status == "done":
        raise OrderRuleError("job_done", "the job is done already", field="lineId")
    if job_status == "in_progress":
        raise OrderRuleError(
            "job_clocked_on",
            "someone is clocked on this job; they clock off before it moves",
            field="lineId",
        )
    reassigned = job_status != "pending"
    if reassigned and not may_reassign:
        raise ReassignNotAllowed()

    work_date = await dealer_today(connection, dealer_id)
    if technician_user_id is not None:
        await _check_technician(connection, dealer_id, technician_user_id, work_date, may_work)
    else:
        team_on_shift = await connection.fetchval(
            "select exists (select 1 from technician_shift"
            " where dealer_id = $1 and team = $2 and work_date = $3)",
            dealer_id,
            team,
            work_date,
        )
        if not team_on_shift:
            raise OrderRuleError(
                "team_not_on_shift",
                f"nobody of team {team!r} is on shift on {work_date.isoformat()}",
                field="team",
            )

    await connection.execute(
        "update repair_order_line set technician_user_id = $3, team = $4,"
        " job_status = 'dispatched', dispatched_at = now(), dispatched_by = $5"
        " where dealer_id = $1 and id = $2",
        dealer_id,
        line_id,
        technician_user_id,
        team,
        tx.scope.user_id,
    )
    order_id: int = line["repair_order_id"]
    order_status: str = line["order_status"]
    if order_status == "approved":
        moved = await transition(tx, order_id, "in_progress", "first job dispatched")
        order_status = moved.to_status
    await record(
        dealer_id=dealer_id,
        action="repair_order_line.reassign" if reassigned else "repair_order_line.dispatch",
        object_type="repair_order_line",
        object_id=line_id,
        before={"technician_user_id": line["technician_user_id"], "team": line["team"]}
        if reassigned
        else None,
        after={"technician_user_id": technician_user_id, "team": team},
    )
    await publish_board_change(dealer_id, order_id)
    return DispatchResult(line_id, order_id, reassigned, order_status)


async def reopen_job(tx: ActiveTransaction, dealer_id: int, line_id: int) -> DispatchResult:
    """Send a finished job back to its technician or team for rework.

    A failed quality check returns the order to in_progress with its jobs done; the
    jobs to redo are reopened here (dispatched again to whoever did them), clocked
    and finished as before, and the last one finished makes the order work_done again.
    """
    connection = tx.connection
    line = await connection.fetchrow(
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
    if line is None:
        raise OrderNotFound("Repair order line")
    if line["kind"] != "labour" or line["status"] != "approved" or line["job_status"] != "done":
        raise OrderRuleError(
            "reopen_needs_done_job", "only a finished job is reopened", field="lineId"
        )
    if line["order_status"] != "in_progress":
        raise OrderRuleError(
            "reopen_needs_rework",
            f"the order is {line['order_status']}; jobs are reopened after a failed check",
            field="lineId",
        )
    await connection.execute(
        "update repair_order_line set job_status = 'dispatched', done_at = null,"
        " dispatched_at = now(), dispatched_by = $3 where dealer_id = $1 and id = $2",
        dealer_id,
        line_id,
        tx.scope.user_id,
    )
    order_id: int = line["repair_order_id"]
    await record(
        dealer_id=dealer_id,
        action="repair_order_line.reopen",
        object_type="repair_order_line",
        object_id=line_id,
        before={"job_status": "done"},
        after={
            "job_status": "dispatched",
            "technician_user_id": line["technician_user_id"],
            "team": line["team"],
        },
    )
    await publish_board_change(dealer_id, order_id)
    return DispatchResult(line_id, order_id, False, line["order_status"])
