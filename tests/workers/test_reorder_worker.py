"""Reorder runs through a real arq worker on real Redis and PostgreSQL: on demand and
nightly, never doubled by a second job, and never lost when the worker is killed in
the middle of a run (the run is recovered and finished by the next worker)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from arq import ArqRedis, create_pool
from arq.worker import Worker

from tenants.database import TenantScope, tenant_transaction
from tenants.parts.reorder import (
    MAX_ATTEMPTS,
    claim_run,
    execute_run,
    recover_runs,
    request_run,
    schedule_nightly_runs,
)
from tenants.parts.reorder_queue import QueuedRun, enqueue_runs
from tests.conftest import ROOT
from tests.parts.factories_parts import PartsShop, book, make_parts_shop
from workers.redis import QUEUE_NAME, redis_settings
from workers.settings import WorkerSettings


@pytest.fixture
async def redis() -> AsyncIterator[ArqRedis]:
    pool = await create_pool(redis_settings())
    await pool.flushdb()
    yield pool
    await pool.aclose()


@pytest.fixture
async def shop(db: asyncpg.Connection) -> PartsShop:
    """The parts shop with a filter issued down to 2 (below its minimum of 5)."""
    shop = await make_parts_shop(db)
    await book(db, shop.dealer_id, shop.items["filter"], "issue", "-8")
    return shop


async def drain(redis: ArqRedis) -> None:
    """Run every queued job in this process, as a worker started in burst mode does."""
    worker = Worker(
        functions=WorkerSettings.functions,
        redis_pool=redis,
        queue_name=QUEUE_NAME,
        burst=True,
        poll_delay=0.01,
        on_startup=WorkerSettings.on_startup,
        on_shutdown=None,
        handle_signals=False,
    )
    await worker.main()


async def request(shop: PartsShop) -> int:
    async with tenant_transaction(TenantScope.of((shop.dealer_id,), shop.users["planner"])) as tx:
        requested = await request_run(tx, shop.dealer_id, trigger="on_demand")
    return requested.run_id


async def test_an_on_demand_run_is_done_by_the_worker(
    db: asyncpg.Connection, redis: ArqRedis, shop: PartsShop
) -> None:
    run_id = await request(shop)
    assert await redis.zcard(QUEUE_NAME) == 1  # queued once the request committed
    again = await request(shop)
    assert again == run_id  # one pending run per dealer
    await drain(redis)
    run = await db.fetchrow("select * from reorder_run where id = $1", run_id)
    assert (run["status"], run["attempts"], run["suggestions"]) == ("done", 1, 1)
    assert run["items_considered"] == 3  # filter, pad, oil; the old pad is replaced
    assert run["started_at"] <= run["finished_at"]
    assert (
        await db.fetchval("select stock_item_id from reorder_suggestion where run_id = $1", run_id)
        == shop.items["filter"]
    )
    actions = [
        r["action"]
        for r in await db.fetch(
            "select action from audit_entry where object_type = 'reorder_run' order by id"
        )
    ]
    assert actions == ["reorder_run.request", "reorder_run.done"]


async def test_a_second_job_for_the_same_run_changes_nothing(
    db: asyncpg.Connection, redis: ArqRedis, shop: PartsShop
) -> None:
    run_id = await request(shop)
    requested_at = await db.fetchval("select requested_at from reorder_run where id = $1", run_id)
    # A duplicate under another job id, as a retry racing the first job would be.
    await enqueue_runs([QueuedRun(run_id, shop.dealer_id, requested_at, attempt=7)])
    await drain(redis)
    assert await db.fetchval("select count(*) from reorder_suggestion") == 1
    assert await db.fetchval("select attempts from reorder_run where id = $1", run_id) == 1
    assert await execute_run(shop.dealer_id, run_id) == "finished"


async def test_a_new_run_supersedes_the_open_suggestions_of_the_last(
    db: asyncpg.Connection, redis: ArqRedis, shop: PartsShop
) -> None:
    first = await request(shop)
    await drain(redis)
    second = await request(shop)
    await drain(redis)
    rows = await db.fetch("select run_id, status from reorder_suggestion order by id")
    assert [(r["run_id"], r["status"]) for r in rows] == [
        (first, "superseded"),
        (second, "open"),
    ]


async def _blocked_worker_backend(db: asyncpg.Connection) -> int | None:
    return await db.fetchval(
        "select pid from pg_stat_activity where wait_event_type = 'Lock'"
        " and query ilike 'delete from reorder_suggestion%'"
    )


async def test_a_worker_killed_mid_run_leaves_no_duplicate_and_no_lost_run(
    db: asyncpg.Connection, redis: ArqRedis, shop: PartsShop, tmp_path: Path
) -> None:
    run_id = await request(shop)
    # Hold the suggestions table so that the worker stops inside its run transaction.
    blocker = await asyncpg.connect(os.environ["DATABASE_URL"])
    blocker_tx = blocker.transaction()
    await blocker_tx.start()
    await blocker.execute("lock table reorder_suggestion in access exclusive mode")
    log = tmp_path / "worker.log"
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        "worker",
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log.open("w"),
        start_new_session=True,
    )
    try:
        for _ in range(1200):
            if await _blocked_worker_backend(db):
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the worker never reached its run:\n" + log.read_text())
        assert await db.fetchval("select status from reorder_run where id = $1", run_id) == (
            "running"
        )
        os.killpg(worker.pid, signal.SIGKILL)  # no shutdown, no cleanup
        await asyncio.wait_for(worker.wait(), 10)
    finally:
        if worker.returncode is None:
            os.killpg(worker.pid, signal.SIGKILL)
        await blocker_tx.rollback()
        await blocker.close()
    # The orphaned backend finds its client gone and rolls back: nothing half-written.
    for _ in range(200):
        if (
            not await _blocked_worker_backend(db)
            and await db.fetchval(
                "select count(*) from pg_locks l join pg_class c on c.oid = l.relation"
                " where c.relname = 'reorder_run' and l.pid <> pg_backend_pid()"
            )
            == 0
        ):
            break
        await asyncio.sleep(0.05)
    assert (
        await db.fetchval("select count(*) from reorder_suggestion where run_id = $1", run_id) == 0
    )
    run = await db.fetchrow("select status, attempts from reorder_run where id = $1", run_id)
    assert (run["status"], run["attempts"]) == ("running", 1)

    await redis.flushdb()  # the killed worker's job is gone with it
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert await recover_runs(later) == [(run_id, shop.dealer_id, 1)]
    await drain(redis)
    run = await db.fetchrow("select status, attempts from reorder_run where id = $1", run_id)
    assert (run["status"], run["attempts"]) == ("done", 2)
    assert (
        await db.fetchval("select count(*) from reorder_suggestion where run_id = $1", run_id) == 1
    )
    assert await recover_runs(later) == []


async def test_a_run_whose_worker_keeps_dying_is_failed(
    db: asyncpg.Connection, redis: ArqRedis, shop: PartsShop
) -> None:
    run_id = await db.fetchval(
        "insert into reorder_run (dealer_id, trigger, status, as_of, started_at, attempts)"
        " values ($1, 'nightly', 'running', current_date, now(), $2) returning id",
        shop.dealer_id,
        MAX_ATTEMPTS,
    )
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert await recover_runs(later) == []
    run = await db.fetchrow("select status, error from reorder_run where id = $1", run_id)
    assert run["status"] == "failed" and "3 times" in run["error"]
    # The dealer may ask again: the failed run no longer blocks a new one.
    assert await request(shop) != run_id


async def test_a_lost_queued_run_is_queued_again(
    db: asyncpg.Connection, redis: ArqRedis, shop: PartsShop
) -> None:
    run_id = await request(shop)
    await redis.flushdb()  # Redis lost the job
    assert await recover_runs() == []  # too early to call it lost
    assert await recover_runs(datetime.now(UTC) + timedelta(minutes=3)) == [
        (run_id, shop.dealer_id, 0)
    ]
    await drain(redis)
    assert await db.fetchval("select status from reorder_run where id = $1", run_id) == "done"


async def test_nightly_runs_start_at_two_in_each_dealers_time_zone(
    db: asyncpg.Connection, redis: ArqRedis, shop: PartsShop
) -> None:
    await db.execute(
        "update dealer set time_zone = 'Europe/Berlin' where id = $1", shop.far_dealer_id
    )
    # 02:30 in Shanghai is 19:30 the evening before in Berlin.
    shanghai_night = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)
    created = await schedule_nightly_runs(shanghai_night)
    assert sorted(d for _, d in created) == sorted([shop.dealer_id, shop.peer_dealer_id])
    assert await schedule_nightly_runs(shanghai_night + timedelta(minutes=30)) == []
    await drain(redis)
    rows = await db.fetch("select dealer_id, status, as_of from reorder_run order by dealer_id")
    assert {(r["status"], str(r["as_of"])) for r in rows} == {("done", "2026-11-25")}
    # Berlin's 02:30 comes seven hours later: its run then, once.
    berlin_night = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)
    assert [d for _, d in await schedule_nightly_runs(berlin_night)] == [shop.far_dealer_id]
    assert await schedule_nightly_runs(berlin_night) == []


async def test_a_job_arriving_after_another_claimed_the_run_leaves_it_alone(
    db: asyncpg.Connection, redis: ArqRedis, shop: PartsShop
) -> None:
    run_id = await request(shop)
    await redis.flushdb()
    assert await claim_run(shop.dealer_id, run_id, 0) is None  # a first worker claimed it ...
    # ... and a duplicate of its job comes before that worker locks the run to compute it.
    assert await execute_run(shop.dealer_id, run_id, 0) == "busy"
    run = await db.fetchrow("select status, attempts from reorder_run where id = $1", run_id)
    assert (run["status"], run["attempts"]) == ("running", 1)
    # The first worker never comes back: the run is recovered as its second attempt.
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert await recover_runs(later) == [(run_id, shop.dealer_id, 1)]
    await drain(redis)
    run = await db.fetchrow("select status, attempts from reorder_run where id = $1", run_id)
    assert (run["status"], run["attempts"]) == ("done", 2)
