"""Scrapping after retention, by the real arq worker with a clock the test sets: a
part is scrapped once the dealer's local day is past its retain_until, in every
dealer, never a requested, packed or shipped one; each scrapping leaves its movement
and audit entry."""

from __future__ import annotations

from datetime import UTC, date, datetime

import asyncpg

from tests.warranty.factories_warranty import WarrantyDesk
from tests.workers.burst import run_job
from workers.settings import WorkerSettings
from workers.warranty_old_parts import scrap_old_parts_after_retention

RETAIN_UNTIL = date(2026, 3, 10)
JUST_BEFORE = datetime(2026, 3, 10, 15, 59, tzinfo=UTC)  # 23:59 in Shanghai, still the 10th
JUST_AFTER = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)  # 00:00 on the 11th in Shanghai


async def _part(
    db: asyncpg.Connection, dealer_id: int, part_id: int, status: str, shipment: int | None = None
) -> int:
    return await db.fetchval(
        "insert into old_part (dealer_id, tag, part_id, status, retain_until, shipment_id)"
        " values ($1, 'T-' || gen_random_uuid()::text, $2, $3, $4, $5) returning id",
        dealer_id,
        part_id,
        status,
        RETAIN_UNTIL,
        shipment,
    )


async def _run_worker(now: datetime) -> int:
    result: int = await run_job("scrap_old_parts_after_retention", now=now)
    return result


def test_the_job_runs_hourly() -> None:
    [job] = [c for c in WorkerSettings.cron_jobs if c.coroutine is scrap_old_parts_after_retention]
    assert job.minute == {43} and job.hour is None


async def test_scraps_past_retention_in_local_time_never_requested_or_shipped(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    shipment = await db.fetchval(
        "insert into old_part_shipment (dealer_id, number) values ($1, 'S-1') returning id",
        desk.dealer_id,
    )
    tagged = await _part(db, desk.dealer_id, desk.part_id, "tagged")
    stored = await _part(db, desk.dealer_id, desk.part_id, "stored")
    requested = await _part(db, desk.dealer_id, desk.part_id, "requested")
    packed = await _part(db, desk.dealer_id, desk.part_id, "requested", shipment)
    shipped = await _part(db, desk.dealer_id, desk.part_id, "shipped", shipment)
    elsewhere = await _part(db, desk.far_dealer_id, desk.part_id, "stored")
    later = await db.fetchval(
        "insert into old_part (dealer_id, tag, part_id, status, retain_until)"
        " values ($1, 'T-later', $2, 'stored', $3) returning id",
        desk.dealer_id,
        desk.part_id,
        date(2026, 3, 11),
    )
    everything = [tagged, stored, requested, packed, shipped, elsewhere, later]

    assert await _run_worker(JUST_BEFORE) == 0
    assert await _run_worker(JUST_AFTER) == 3
    rows = await db.fetch(
        "select id, status from old_part where id = any($1::bigint[])", everything
    )
    status = {r["id"]: r["status"] for r in rows}
    assert [status[p] for p in everything] == [
        "scrapped",
        "scrapped",
        "requested",
        "requested",
        "shipped",
        "scrapped",
        "stored",
    ]
    moves = await db.fetch(
        "select old_part_id, from_status, to_status, note, created_by from old_part_movement"
        " order by old_part_id"
    )
    assert [(m["old_part_id"], m["from_status"], m["to_status"]) for m in moves] == [
        (tagged, "tagged", "scrapped"),
        (stored, "stored", "scrapped"),
        (elsewhere, "stored", "scrapped"),
    ]
    assert {m["note"] for m in moves} == {"retention period over"}
    audited = await db.fetch(
        "select dealer_id, object_id from audit_entry where action = 'old_part.scrapped'"
        " order by object_id::bigint"
    )
    assert [(a["dealer_id"], int(a["object_id"])) for a in audited] == [
        (desk.dealer_id, tagged),
        (desk.dealer_id, stored),
        (desk.far_dealer_id, elsewhere),
    ]
    # Run again: nothing more to do.
    assert await scrap_old_parts_after_retention({"clock": lambda: JUST_AFTER}) == 0
