"""The care demo: follow-up calls on the demo dealers' delivered orders (all inside the
call windows), mostly successful, a few failures and about 2% complaints, one-to-one
service at SH02, today's open queue for cs.sh01, and a second seed that writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from tenants.care import demo
from tenants.care.measures import measures, trailing_months
from tenants.network import demo as network_demo
from tenants.parts import demo as parts_demo
from tenants.service import catalog_demo
from tests.conftest import truncate_all

CARE_TABLES = (
    "care_settings", "revisit", "revisit_attempt", "revisit_survey_answer", "complaint",
    "complaint_action",
)  # fmt: skip


async def _fingerprint(db: asyncpg.Connection) -> dict[str, tuple[int, str]]:
    result = {}
    for table in CARE_TABLES:
        row = await db.fetchrow(
            f"select count(*) as n, md5(coalesce(string_agg(t.xmin::text || ' ' || t::text,"
            f" E'\\n' order by t::text), '')) as digest from {table} t"
        )
        result[table] = (row["n"], row["digest"])
    return result


async def test_the_care_demo_is_realistic_and_seeds_once(db: asyncpg.Connection) -> None:
    if await db.fetchval("select exists (select 1 from dealer)"):
        await truncate_all(db)
    await network_demo.seed(show_progress=False)
    await catalog_demo.seed()
    await parts_demo.seed()
    first = await demo.seed()
    assert first.added > 0
    before = await _fingerprint(db)
    again = await demo.seed()
    assert (again.added, again.changed) == (0, 0)
    assert await _fingerprint(db) == before

    # every delivered order of the last 13 months has its revisit
    missing = await db.fetchval(
        "select count(*) from repair_order ro where ro.status = 'delivered'"
        " and ro.delivered_at >= now() - interval '13 months'"
        " and not exists (select 1 from revisit r where r.repair_order_id = ro.id)"
    )
    assert missing == 0
    # every call inside 9:00-11:30 or 14:00-19:00 local, and never in the future
    outside = await db.fetchval(
        "select count(*) from revisit_attempt a join dealer d on d.id = a.dealer_id"
        " where not (((a.called_at at time zone d.time_zone)::time between '09:00' and '11:30')"
        " or ((a.called_at at time zone d.time_zone)::time between '14:00' and '19:00'))"
        " or a.called_at > now()"
    )
    assert outside == 0
    sh01 = await db.fetchval("select id from dealer where code = 'SH01'")
    today = await db.fetchval(
        "select (now() at time zone time_zone)::date from dealer where id = $1", sh01
    )
    rows = await measures(db, [sh01], trailing_months(today, 6)[:-1], datetime.now(UTC))
    delivered = sum(r.delivered_orders for r in rows)
    succeeded = sum(r.succeeded for r in rows)
    due = sum(r.revisits_due for r in rows)
    assert delivered > 50
    assert 0.8 <= succeeded / due < 1
    assert all(r.csi is not None and r.csi > 50 for r in rows if r.survey_answers)
    complaints = sum(r.complaints for r in rows)
    assert 0 < complaints / delivered < 0.04
    levels = await db.fetch("select distinct level from complaint")
    assert len(levels) >= 3
    closed = await db.fetchval("select count(*) from complaint where status = 'closed'")
    assert closed > 0
    # today's open queue of cs.sh01
    queue = await db.fetchval(
        "select count(*) from revisit r join staff_user u on u.id = r.assignee_user_id"
        " where u.username = 'cs.sh01' and r.status = 'open' and r.due_from <= $1",
        today,
    )
    assert queue > 0
    # SH02 runs one-to-one service: its advisors own the calls
    duties = await db.fetch(
        "select distinct r.duty from revisit r join dealer d on d.id = r.dealer_id"
        " where d.code = 'SH02'"
    )
    assert [r["duty"] for r in duties] == ["customer_group"]
