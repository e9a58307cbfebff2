"""Complaint escalation through a real arq worker on real Redis and PostgreSQL, with the
clock the test sets: overdue tickets go up one level, a second run changes nothing, and
the job is scheduled every five minutes."""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg

from tenants.care import complaints
from tenants.care.complaints import Routing
from tests.care.complaint_arrange import T0, file_complaint, step_as
from tests.care.factories_care import CareDesk, make_care_desk
from tests.workers.burst import run_job
from workers.care_complaints import escalate_overdue_complaints
from workers.settings import WorkerSettings


async def _run_worker(now: datetime) -> int:
    result: int = await run_job("escalate_overdue_complaints", now=now)
    return result


def test_the_job_runs_every_five_minutes() -> None:
    [job] = [c for c in WorkerSettings.cron_jobs if c.coroutine is escalate_overdue_complaints]
    assert job.minute == set(range(1, 60, 5)) and job.hour is None


async def test_the_worker_escalates_overdue_tickets_once(db: asyncpg.Connection) -> None:
    desk: CareDesk = await make_care_desk(db)
    cid = (await file_complaint(desk, level="grievance"))["id"]
    await step_as(
        desk,
        "gm",
        lambda tx: complaints.route(tx, desk.dealer_id, cid, Routing("customer_care"), now=T0),
    )
    assert await _run_worker(T0 + timedelta(hours=23)) == 0
    assert await _run_worker(T0 + timedelta(hours=24)) == 1
    assert await _run_worker(T0 + timedelta(hours=25)) == 0
    row = await db.fetchrow(
        "select escalation_level, escalated_at from complaint where id = $1", cid
    )
    assert (row["escalation_level"], row["escalated_at"]) == (1, T0 + timedelta(hours=24))
    assert (
        await db.fetchval(
            "select count(*) from complaint_action where complaint_id = $1 and kind = 'escalated'",
            cid,
        )
        == 1
    )
