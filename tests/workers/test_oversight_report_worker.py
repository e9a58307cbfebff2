"""The monthly-report drafts through a real arq worker on real Redis and PostgreSQL, with a
clock the test sets: last month's draft on the 1st local day of each dealer, in two time
zones, once per month per dealer however often the job runs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import asyncpg

from tests.factories import make_dealer
from tests.oversight.factories_oversight import make_network
from tests.workers.burst import run_job
from workers.oversight_reports import oversight_monthly_report_drafts
from workers.settings import WorkerSettings

SEP, OCT = date(2026, 9, 1), date(2026, 10, 1)


async def run_worker(now: datetime) -> int:
    result: int = await run_job("oversight_monthly_report_drafts", now=now)
    return result


async def months_of(db: asyncpg.Connection, dealer_id: int) -> list[date]:
    rows = await db.fetch(
        "select month, status from dealer_monthly_report where dealer_id = $1 order by month",
        dealer_id,
    )
    assert all(r["status"] == "draft" for r in rows)
    return [r["month"] for r in rows]


def test_the_job_runs_hourly() -> None:
    [job] = [c for c in WorkerSettings.cron_jobs if c.coroutine is oversight_monthly_report_drafts]
    assert job.minute == {7} and job.hour is None


async def test_drafts_on_the_first_local_day_once_per_month(db: asyncpg.Connection) -> None:
    network = await make_network(db, dealers=1)  # Shanghai, UTC+8
    shanghai = network.dealer_ids[0]
    new_york = await make_dealer(db, network.region_id, "America/New_York")  # UTC-4 in October
    everyone = [shanghai, network.other_dealer_id, network.other_brand_dealer_id]

    # 1 November 01:00 in Shanghai, 31 October 13:00 in New York
    first = datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
    assert await run_worker(first) == 4
    for dealer in everyone:
        assert await months_of(db, dealer) == [OCT]
    assert await months_of(db, new_york) == [SEP]  # its October is not over
    assert await run_worker(first) == 0
    assert await run_worker(datetime(2026, 11, 1, 3, 59, tzinfo=UTC)) == 0

    # 1 November 00:00 in New York
    assert await run_worker(datetime(2026, 11, 1, 4, 0, tzinfo=UTC)) == 1
    assert await months_of(db, new_york) == [SEP, OCT]
    assert await run_worker(datetime(2026, 11, 1, 5, 0, tzinfo=UTC)) == 0
    # all November long, nothing more
    assert await run_worker(datetime(2026, 11, 20, 5, 0, tzinfo=UTC)) == 0
    due = await db.fetchval(
        "select due_on from dealer_monthly_report where dealer_id = $1 and month = $2",
        new_york,
        OCT,
    )
    assert due == date(2026, 11, 5)
