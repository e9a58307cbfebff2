"""Reminder generation through a real arq worker on real Redis and PostgreSQL, with a
clock the test sets: each dealer's nightly run happens once its local time is past
03:00 (Shanghai and Los Angeles apart), once per local day however often the cron
ticks or however many workers run it; a dealer's run on demand. Each test uses a
queue of its own: other test sessions share Redis."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
from arq import create_pool
from arq.worker import Worker

from tests.care.factories_care import CareDesk, make_care_desk, make_customer_vehicle
from workers import care_reminders
from workers.redis import redis_settings
from workers.settings import WorkerSettings

# 18:30 UTC on 10 March 2026: 02:30 on the 11th in Shanghai, 11:30 on the 10th in LA.
BEFORE_SHANGHAI = datetime(2026, 3, 10, 18, 30, tzinfo=UTC)
# 19:30 UTC: 03:30 on the 11th in Shanghai.
AFTER_SHANGHAI = datetime(2026, 3, 10, 19, 30, tzinfo=UTC)


async def run_job(now: datetime, function: str, *args: Any) -> Any:
    """The job through a real worker in burst mode, on a queue of its own."""
    queue = f"care-reminders-test:{uuid.uuid4().hex}"
    redis = await create_pool(redis_settings())
    try:
        job = await redis.enqueue_job(function, *args, _queue_name=queue)
        assert job is not None
        worker = Worker(
            functions=WorkerSettings.functions,
            redis_pool=redis,
            queue_name=queue,
            burst=True,
            poll_delay=0.01,
            ctx={"clock": lambda: now},
            handle_signals=False,
        )
        await worker.main()
        return await job.result(timeout=10)
    finally:
        await redis.delete(queue)
        await redis.aclose()


async def nightly_runs(db: asyncpg.Connection, dealer_id: int) -> list[date]:
    rows = await db.fetch(
        "select as_of from care_reminder_run where dealer_id = $1 and trigger = 'nightly'"
        " order by id",
        dealer_id,
    )
    return [r["as_of"] for r in rows]


async def two_desks(db: asyncpg.Connection) -> tuple[CareDesk, CareDesk]:
    shanghai = await make_care_desk(db, time_zone="Asia/Shanghai")
    los_angeles = await make_care_desk(db, time_zone="America/Los_Angeles")
    for desk in (shanghai, los_angeles):
        await make_customer_vehicle(db, desk, insurance_expires_on=date(2026, 3, 20))
    return shanghai, los_angeles


def test_the_cron_ticks_every_quarter_hour_and_at_start() -> None:
    [job] = care_reminders.CRON_JOBS
    assert job.coroutine is care_reminders.care_reminders_nightly
    assert job.minute == {4, 19, 34, 49} and job.hour is None and job.run_at_startup
    assert job in WorkerSettings.cron_jobs
    names = {getattr(f, "__name__", None) for f in WorkerSettings.functions}
    assert {"care_reminders_nightly", "care_reminders_generate"} <= names


async def test_nightly_after_three_in_each_dealers_time_zone(db: asyncpg.Connection) -> None:
    shanghai, los_angeles = await two_desks(db)

    await run_job(BEFORE_SHANGHAI, "care_reminders_nightly")
    assert await nightly_runs(db, shanghai.dealer_id) == []
    assert await nightly_runs(db, los_angeles.dealer_id) == [date(2026, 3, 10)]
    assert (
        await db.fetchval(
            "select count(*) from care_reminder where dealer_id = $1", los_angeles.dealer_id
        )
        == 1
    )

    result = await run_job(AFTER_SHANGHAI, "care_reminders_nightly")
    assert await nightly_runs(db, shanghai.dealer_id) == [date(2026, 3, 11)]
    assert await nightly_runs(db, los_angeles.dealer_id) == [date(2026, 3, 10)]
    # Shanghai, and the other-region dealers of both desks (Shanghai time, no targets).
    assert result == {"generated": 3, "failed": 0}
    assert (
        await db.fetchval(
            "select count(*) from care_reminder where dealer_id = $1", shanghai.dealer_id
        )
        == 1
    )

    # Ticks after a restart, the same night: nothing more.
    assert await run_job(AFTER_SHANGHAI, "care_reminders_nightly") == {
        "generated": 0,
        "failed": 0,
    }
    assert await db.fetchval("select count(*) from care_reminder_run") == 4


async def test_two_workers_at_once_make_one_run_per_dealer(db: asyncpg.Connection) -> None:
    shanghai, los_angeles = await two_desks(db)
    ctx = {"clock": lambda: AFTER_SHANGHAI}
    results = await asyncio.gather(
        care_reminders.care_reminders_nightly(ctx), care_reminders.care_reminders_nightly(ctx)
    )
    assert sum(r["generated"] for r in results) == 4  # both desks and their far dealers
    assert sum(r["failed"] for r in results) == 0
    for desk in (shanghai, los_angeles):
        assert len(await nightly_runs(db, desk.dealer_id)) == 1
        assert (
            await db.fetchval(
                "select count(*) from care_reminder where dealer_id = $1", desk.dealer_id
            )
            == 1
        )


async def test_a_dealers_run_on_demand(db: asyncpg.Connection) -> None:
    shanghai, _ = await two_desks(db)
    result = await run_job(BEFORE_SHANGHAI, "care_reminders_generate", shanghai.dealer_id)
    assert result["inserted"] == 1
    run = await db.fetchrow("select * from care_reminder_run where id = $1", result["run"])
    assert (run["dealer_id"], run["trigger"], run["as_of"]) == (
        shanghai.dealer_id,
        "on_demand",
        date(2026, 3, 11),
    )
    # The nightly run of that day still happens (on demand does not count as nightly).
    assert await nightly_runs(db, shanghai.dealer_id) == []
