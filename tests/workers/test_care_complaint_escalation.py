"""Complaint escalation through a real arq worker on real Redis and PostgreSQL, with the
clock the test sets: overdue tickets go up one level, a second run changes nothing, and
the job is scheduled every five minutes."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import asyncpg
from arq import create_pool
from arq.worker import Worker

from tenants.care import complaints
from tenants.care.complaints import Routing
from tests.care.complaint_arrange import T0, file_complaint, step_as
from tests.care.factories_care import CareDesk, make_care_desk
from workers.care_complaints import escalate_overdue_complaints
from workers.redis import redis_settings
from workers.settings import WorkerSettings


async def _run_worker(now: datetime) -> int:
    queue = f"care-test-{uuid.uuid4().hex}"
    redis = await create_pool(redis_settings())
    try:
        job = await redis.enqueue_job("escalate_overdue_complaints", _queue_name=queue)
        assert job is not None
        worker = Worker(
            functions=WorkerSettings.functions,
            redis_pool=redis,
            queue_name=queue,
            burst=True,
            poll_delay=0.01,
            ctx={"clock": lambda: now},
        )
        await worker.main()
        result: int = await job.result(timeout=10)
        return result
    finally:
        await redis.aclose()


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
