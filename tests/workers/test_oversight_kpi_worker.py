"""The KPI-facts refresh through a real arq worker on real Redis and PostgreSQL: the cron
job runs hourly at minute 7 and at start-up on the worker's clock, refreshing every
dealer's current and previous local month; the backfill job fills N months for the
dealers it is given. Each test uses a queue of its own: other test sessions share Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import pytest
from arq import ArqRedis, create_pool
from arq.worker import Worker

from tenants.oversight.kpi_catalog import KPIS
from tests.oversight.factories_oversight import Network, make_network
from tests.oversight.kpi_arrange import JUNE, arrange_history
from workers import oversight_kpis
from workers.redis import redis_settings
from workers.settings import WorkerSettings

# 00:30 on 1 July in Shanghai (the network's time zone), still 30 June in UTC.
NOW = datetime(2025, 6, 30, 16, 30, tzinfo=UTC)


@pytest.fixture
async def redis() -> AsyncIterator[ArqRedis]:
    pool = await create_pool(redis_settings())
    yield pool
    await pool.aclose()


@pytest.fixture
async def network(db: asyncpg.Connection) -> Network:
    return await make_network(db, dealers=2)


def _queue() -> str:
    return f"oversight-kpi-test-{uuid.uuid4().hex}"


async def run_worker(redis: ArqRedis, queue: str, *, cron: bool, jobs: int) -> None:
    """A worker in this process, in burst mode, on the test's clock."""

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["clock"] = lambda: NOW

    worker = Worker(
        functions=oversight_kpis.FUNCTIONS,
        cron_jobs=[replace(j, next_run=None) for j in oversight_kpis.CRON_JOBS] if cron else [],
        redis_pool=redis,
        queue_name=queue,
        burst=True,
        poll_delay=0.01,
        on_startup=startup,
        handle_signals=False,
    )
    await worker.main()
    await redis.delete(queue)
    assert (worker.jobs_complete, worker.jobs_failed, worker.jobs_retried) == (jobs, 0, 0)


def test_the_refresh_runs_hourly_at_minute_7_and_at_start() -> None:
    [job] = oversight_kpis.CRON_JOBS
    assert job.run_at_startup and job.coroutine is oversight_kpis.refresh_kpis_job
    assert job.minute == {7}
    names = {getattr(f, "name", getattr(f, "__name__", None)) for f in WorkerSettings.functions}
    assert {"refresh_kpis_job", "refresh_kpis_backfill_job"} <= names
    assert job in WorkerSettings.cron_jobs


async def test_the_cron_job_refreshes_every_dealer_on_the_workers_clock(
    db: asyncpg.Connection, network: Network, redis: ArqRedis
) -> None:
    await arrange_history(db, network)
    await run_worker(redis, _queue(), cron=True, jobs=1)
    rows = await db.fetch(
        "select dealer_id, month, count(*) as n from dealer_kpi_month"
        " group by dealer_id, month order by dealer_id, month"
    )
    dealers = await db.fetchval("select count(*) from dealer")
    # Every dealer, its local June and July (NOW is already July in Shanghai).
    assert len(rows) == 2 * dealers
    assert {r["month"] for r in rows} == {JUNE, date(2025, 7, 1)}
    assert all(r["n"] == len(KPIS) for r in rows)
    orders = await db.fetchval(
        "select value from dealer_kpi_month where dealer_id = $1 and month = $2"
        " and kpi = 'orders_delivered'",
        network.dealer_ids[0],
        JUNE,
    )
    assert orders == 3


async def test_the_backfill_job_fills_the_months_asked_for(
    db: asyncpg.Connection, network: Network, redis: ArqRedis
) -> None:
    queue = _queue()
    dealer = network.dealer_ids[1]
    await redis.enqueue_job("refresh_kpis_backfill_job", [dealer], 6, _queue_name=queue)
    await run_worker(redis, queue, cron=False, jobs=1)
    months = await db.fetch("select distinct dealer_id, month from dealer_kpi_month order by month")
    assert {m["dealer_id"] for m in months} == {dealer}
    assert months[0]["month"] == date(2025, 2, 1)
    assert len(months) == 6
