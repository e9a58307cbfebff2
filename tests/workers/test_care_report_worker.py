"""The care reports through a real arq worker on real Redis and PostgreSQL, with a clock
the test sets: the daily problem report of each dealer after its evening window closes
(19:30 local) in two time zones, the monthly reports on the 1st local, each once per
period however often the job runs, and an early copy made by hand replaced after close."""

from __future__ import annotations

from datetime import UTC, date, datetime

import asyncpg

from tenants.care import reports
from tenants.database import TenantScope, tenant_transaction
from tests.care.factories_care import CareDesk, make_care_desk
from tests.workers.burst import run_job
from workers.care_reports import care_report_schedule
from workers.settings import WorkerSettings


async def run_worker(now: datetime) -> int:
    result: int = await run_job("care_report_schedule", now=now)
    return result


async def reports_of(db: asyncpg.Connection, desk: CareDesk) -> set[tuple[str, date]]:
    rows = await db.fetch(
        "select kind, period_start from care_report where dealer_id = $1", desk.dealer_id
    )
    return {(r["kind"], r["period_start"]) for r in rows}


def test_the_job_runs_on_the_hour_and_half_hour() -> None:
    [job] = [c for c in WorkerSettings.cron_jobs if c.coroutine is care_report_schedule]
    assert job.minute == {1, 31} and job.hour is None


async def test_daily_and_monthly_reports_at_each_dealers_local_time(
    db: asyncpg.Connection,
) -> None:
    shanghai = await make_care_desk(db)  # UTC+8
    berlin = await make_care_desk(db, time_zone="Europe/Berlin")  # UTC+1 in March
    feb = date(2026, 2, 1)
    monthly = {("monthly_revisits", feb), ("monthly_complaints", feb)}

    # 19:00 in Shanghai, 12:00 in Berlin: yesterday's daily and February's reports
    await run_worker(datetime(2026, 3, 13, 11, 0, tzinfo=UTC))
    assert await reports_of(db, shanghai) == monthly | {("daily_problems", date(2026, 3, 12))}
    assert await reports_of(db, berlin) == monthly | {("daily_problems", date(2026, 3, 12))}

    # 19:31 in Shanghai: its 13 March report; Berlin's evening has not come
    at_1931 = datetime(2026, 3, 13, 11, 31, tzinfo=UTC)
    assert await run_worker(at_1931) == 3  # and the two far dealers, Shanghai too
    assert ("daily_problems", date(2026, 3, 13)) in await reports_of(db, shanghai)
    assert ("daily_problems", date(2026, 3, 13)) not in await reports_of(db, berlin)
    # however often it runs, once per period
    assert await run_worker(at_1931) == 0
    assert await run_worker(datetime(2026, 3, 13, 12, 1, tzinfo=UTC)) == 0

    # 19:31 in Berlin
    assert await run_worker(datetime(2026, 3, 13, 18, 31, tzinfo=UTC)) == 1
    assert ("daily_problems", date(2026, 3, 13)) in await reports_of(db, berlin)

    # 00:31 on 1 April in Shanghai (16:31 UTC): March's two reports and 31 March's
    # daily one for Shanghai only; Berlin's month turns at 22:00 UTC (CEST since 29 March)
    march = date(2026, 3, 1)
    first_april_shanghai = datetime(2026, 3, 31, 16, 31, tzinfo=UTC)
    await run_worker(first_april_shanghai)
    assert ("monthly_revisits", march) in await reports_of(db, shanghai)
    assert ("monthly_revisits", march) not in await reports_of(db, berlin)
    await run_worker(datetime(2026, 3, 31, 22, 1, tzinfo=UTC))
    assert {("monthly_revisits", march), ("monthly_complaints", march)} <= await reports_of(
        db, berlin
    )
    counts = await db.fetch(
        "select dealer_id, kind, period_start, count(*) from care_report"
        " group by 1, 2, 3 having count(*) > 1"
    )
    assert counts == []
    row = await db.fetchrow(
        "select due_on, generated_at from care_report where dealer_id = $1"
        " and kind = 'monthly_complaints' and period_start = $2",
        shanghai.dealer_id,
        march,
    )
    assert row["due_on"] == date(2026, 4, 3)
    assert row["generated_at"] == first_april_shanghai


async def test_an_early_copy_is_replaced_after_close_a_submitted_one_never(
    db: asyncpg.Connection,
) -> None:
    desk = await make_care_desk(db)
    day = date(2026, 3, 13)
    early = datetime(2026, 3, 13, 10, 0, tzinfo=UTC)  # 18:00 local, windows still open
    async with tenant_transaction(TenantScope.of((desk.dealer_id,)), fresh=True) as tx:
        report_id = await reports.generate_on_demand(
            tx.connection, desk.dealer_id, "daily_problems", day, early
        )
    after_close = datetime(2026, 3, 13, 11, 31, tzinfo=UTC)
    await run_worker(after_close)
    row = await db.fetchrow("select id, generated_at from care_report where id = $1", report_id)
    assert row["generated_at"] == after_close
    # the next day's early copy, submitted before close, stays as submitted
    next_day = date(2026, 3, 14)
    early_next = datetime(2026, 3, 14, 10, 0, tzinfo=UTC)
    async with tenant_transaction(TenantScope.of((desk.dealer_id,)), fresh=True) as tx:
        submitted = await reports.generate_on_demand(
            tx.connection, desk.dealer_id, "daily_problems", next_day, early_next
        )
        await reports.submit(
            tx.connection, desk.dealer_id, submitted, desk.users["front_desk"], "", early_next
        )
    await run_worker(datetime(2026, 3, 14, 11, 31, tzinfo=UTC))
    row = await db.fetchrow("select status, generated_at from care_report where id = $1", submitted)
    assert (row["status"], row["generated_at"]) == ("submitted", early_next)


async def test_the_cutoff_follows_the_dealers_last_call_window(db: asyncpg.Connection) -> None:
    desk = await make_care_desk(db)
    await db.execute(
        "insert into care_settings (dealer_id, call_windows) values ($1, $2::jsonb)",
        desk.dealer_id,
        '[{"from": "09:00", "to": "11:30"}, {"from": "13:00", "to": "17:00"}]',
    )
    await run_worker(datetime(2026, 3, 13, 9, 31, tzinfo=UTC))  # 17:31 local
    assert ("daily_problems", date(2026, 3, 13)) in await reports_of(db, desk)
