"""The revisit generator through a real arq worker on real Redis and PostgreSQL: the cron
job runs at start-up on the worker's clock; a worker killed half-way through a run (one
dealer committed, the next in flight) leaves no duplicate and loses nothing once the next
run comes. Each test uses a queue of its own: other test sessions share Redis."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from arq import ArqRedis, create_pool
from arq.worker import Worker

from tests.care.factories_care import CareDesk, deliver_order, make_care_desk
from tests.care.generation_arrange import local, revisits
from tests.conftest import ROOT
from workers import care_revisits
from workers.redis import redis_settings
from workers.settings import WorkerSettings


@pytest.fixture
async def redis() -> AsyncIterator[ArqRedis]:
    pool = await create_pool(redis_settings())
    yield pool
    await pool.aclose()


@pytest.fixture
async def desk(db: asyncpg.Connection) -> CareDesk:
    return await make_care_desk(db)


def _queue() -> str:
    return f"care-test-{uuid.uuid4().hex}"


async def run_generator(redis: ArqRedis, queue: str, now: datetime | None = None) -> None:
    """A worker in this process, in burst mode, with the revisit cron due at start-up; it
    runs that one job (cron results are not kept: the database tells what it did)."""

    async def startup(ctx: dict[str, Any]) -> None:
        if now is not None:
            ctx["clock"] = lambda: now

    worker = Worker(
        functions=care_revisits.FUNCTIONS,
        cron_jobs=[replace(job, next_run=None) for job in care_revisits.CRON_JOBS],
        redis_pool=redis,
        queue_name=queue,
        burst=True,
        poll_delay=0.01,
        on_startup=startup,
        handle_signals=False,
    )
    await worker.main()
    await redis.delete(queue)
    assert (worker.jobs_complete, worker.jobs_failed, worker.jobs_retried) == (1, 0, 0)


def test_the_worker_runs_the_generator_every_ten_minutes_and_at_start() -> None:
    [job] = care_revisits.CRON_JOBS
    assert job.run_at_startup and job.coroutine is care_revisits.generate_revisits_job
    assert job.minute == set(range(4, 60, 10))
    names = {getattr(f, "name", getattr(f, "__name__", None)) for f in WorkerSettings.functions}
    assert "generate_revisits_job" in names
    assert job in WorkerSettings.cron_jobs


async def test_the_cron_job_generates_on_the_workers_clock(
    db: asyncpg.Connection, redis: ArqRedis, desk: CareDesk
) -> None:
    now = local(desk.time_zone, 2026, 9, 2, 9, 0)
    orders = [await deliver_order(db, desk, now - timedelta(hours=h)) for h in (2, 3, 4)]
    await deliver_order(db, desk, now + timedelta(hours=1))  # after the worker's clock
    await run_generator(redis, _queue(), now)
    assert sorted(r["repair_order_id"] for r in await revisits(db, desk.dealer_id)) == orders
    await run_generator(redis, _queue(), now + timedelta(minutes=10))
    assert len(await revisits(db, desk.dealer_id)) == 3


async def test_the_job_says_how_many_it_created(db: asyncpg.Connection, desk: CareDesk) -> None:
    now = local(desk.time_zone, 2026, 9, 2, 9, 0)
    for hours in (2, 3):
        await deliver_order(db, desk, now - timedelta(hours=hours))
    assert await care_revisits.generate_revisits_job({"clock": lambda: now}) == 2
    assert await care_revisits.generate_revisits_job({"clock": lambda: now}) == 0


async def _blocked_generator(db: asyncpg.Connection) -> int | None:
    return await db.fetchval(
        "select pid from pg_stat_activity where wait_event_type = 'Lock'"
        " and query like '/* care: revisit generation */%'"
    )


async def test_a_worker_killed_mid_run_leaves_no_duplicate_and_no_lost_revisit(
    db: asyncpg.Connection, redis: ArqRedis, desk: CareDesk, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    mine = [await deliver_order(db, desk, now - timedelta(hours=h)) for h in (1, 2, 3)]
    far = [
        await deliver_order(db, desk, now - timedelta(hours=h), dealer_id=desk.far_dealer_id)
        for h in (1, 2)
    ]
    assert desk.dealer_id < desk.far_dealer_id  # the run does the desk's dealer first
    # Someone else's transaction holds one of the far dealer's orders (an uncommitted
    # revisit), so the worker stops inside the far dealer's transaction.
    blocker = await asyncpg.connect(os.environ["DATABASE_URL"])
    blocker_tx = blocker.transaction()
    await blocker_tx.start()
    await blocker.execute(
        "insert into revisit (dealer_id, repair_order_id, customer_id, vehicle_id, duty,"
        " delivered_at, due_from, due_by) select dealer_id, id, customer_id, vehicle_id,"
        " 'revisit_calls', delivered_at, current_date, current_date from repair_order"
        " where id = $1",
        far[0],
    )
    log = tmp_path / "worker.log"
    queue = _queue()
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.workers.care_revisit_worker_process",
        cwd=ROOT,
        env={**os.environ, "CARE_TEST_QUEUE": queue},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log.open("w"),
        start_new_session=True,
    )
    try:
        for _ in range(1200):
            if await _blocked_generator(db):
                break
            await asyncio.sleep(0.05)
        else:
            activity = await db.fetch(
                "select state, wait_event_type, wait_event, left(query, 60) as q"
                " from pg_stat_activity where datname = current_database()"
            )
            pytest.fail(f"the worker never reached the far dealer: {activity}\n{log.read_text()}")
        # Half-way: the first dealer's revisits are committed, the far dealer's are not.
        assert sorted(r["repair_order_id"] for r in await revisits(db, desk.dealer_id)) == mine
        os.killpg(worker.pid, signal.SIGKILL)  # no shutdown, no cleanup
        await asyncio.wait_for(worker.wait(), 10)
    finally:
        if worker.returncode is None:
            os.killpg(worker.pid, signal.SIGKILL)
        await blocker_tx.rollback()
        await blocker.close()
        await redis.delete(queue)  # the dead worker's job: arq would retry it, harmlessly
    for _ in range(1200):  # the orphaned backend finds its client gone and rolls back
        if not await db.fetchval(
            "select count(*) from pg_stat_activity where query like '/* care: revisit generation */%'"
            " and pid <> pg_backend_pid() and state <> 'idle'"
        ):
            break
        await asyncio.sleep(0.05)
    assert await revisits(db, desk.far_dealer_id) == []

    # The next run (the cron's next tick) does what is left, and only that.
    await run_generator(redis, _queue())
    assert sorted(r["repair_order_id"] for r in await revisits(db, desk.dealer_id)) == mine
    assert sorted(r["repair_order_id"] for r in await revisits(db, desk.far_dealer_id)) == far
    assert await db.fetchval("select count(*) from revisit") == len(mine) + len(far)
    generated = await db.fetchval(
        "select count(*) from audit_entry where action = 'revisit.generated'"
    )
    assert generated == len(mine) + len(far)
