"""Technicians on shift per day: the workshop's capacity. Who may be put on shift is
whoever owns the ``repair_jobs`` duty at the dealer (technicians and team leaders in the
catalog; a dealer's overrides change it), passed in by the caller from the policies."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.service.errors import RuleViolation

SHIFT_DUTY = "repair_jobs"
MAX_HOURS = Decimal(16)


async def set_shift(
    tx: ActiveTransaction,
    dealer_id: int,
    user_id: int,
    work_date: date,
    hours: Decimal,
    team: str,
    *,
    may_work: Callable[[int], bool],
    request_id: str = "",
) -> asyncpg.Record | None:
    """Put a technician on shift for ``hours`` that day (0 takes them off it)."""
    if not Decimal(0) <= hours <= MAX_HOURS:
        raise RuleViolation("hours", "shift_hours", f"hours must be between 0 and {MAX_HOURS}")
    member = await tx.connection.fetchval(
        "select exists (select 1 from membership m join staff_user u on u.id = m.user_id"
        " where m.dealer_id = $1 and m.user_id = $2 and m.active and u.active)",
        dealer_id,
        user_id,
    )
    if not member or not may_work(user_id):
        raise RuleViolation(
            "technicianId",
            "shift_needs_repair_duty",
            "Only workshop staff who do repair jobs go on shift",
        )
    before = await tx.connection.fetchrow(
        "select * from technician_shift where dealer_id = $1 and user_id = $2 and work_date = $3"
        " for update",
        dealer_id,
        user_id,
        work_date,
    )
    row: asyncpg.Record | None
    if hours == 0:
        row = None
        await tx.connection.execute(
            "delete from technician_shift where dealer_id = $1 and user_id = $2 and work_date = $3",
            dealer_id,
            user_id,
            work_date,
        )
    else:
        row = await tx.connection.fetchrow(
            "insert into technician_shift (dealer_id, user_id, work_date, hours, team)"
            " values ($1, $2, $3, $4, $5) on conflict (dealer_id, user_id, work_date)"
            " do update set hours = excluded.hours, team = excluded.team returning *",
            dealer_id,
            user_id,
            work_date,
            hours,
            team.strip(),
        )
    await record(
        dealer_id=dealer_id,
        action="technician_shift.set",
        object_type="technician_shift",
        object_id=f"{user_id}:{work_date.isoformat()}",
        before={"hours": before["hours"], "team": before["team"]} if before else None,
        after={"hours": hours, "team": team.strip()} if row else None,
        request_id=request_id,
    )
    return row


async def shifts(
    connection: asyncpg.Connection, dealer_id: int, start: date, days: int
) -> list[asyncpg.Record]:
    return list(
        await connection.fetch(
            "select * from technician_shift where dealer_id = $1 and work_date >= $2"
            " and work_date < $2 + $3::int order by work_date, team, user_id",
            dealer_id,
            start,
            days,
        )
    )
