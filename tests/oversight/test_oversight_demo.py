"""The oversight demo: targets (a few the manufacturer's own), the checklist, a closed and
an open audit at SH01, a bulletin and its recall over demo vehicles of two dealers (one
completed), six months of monthly reports per demo dealer (on time, one late, one missing,
one draft), and a second seed that writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import asyncpg

from tenants.care import demo as care_demo
from tenants.network import demo as network_demo
from tenants.oversight import demo
from tenants.oversight.monthly_report_queries import STATE_SQL
from tenants.parts import demo as parts_demo
from tenants.service import catalog_demo
from tenants.warranty import terms_demo
from tests.conftest import truncate_all

TABLES = (
    "kpi_target", "audit_checklist_item", "dealer_audit", "dealer_audit_score",
    "dealer_audit_finding", "technical_bulletin", "campaign", "campaign_vehicle",
    "dealer_monthly_report",
)  # fmt: skip


async def _fingerprint(db: asyncpg.Connection) -> dict[str, tuple[int, str]]:
    result = {}
    for table in TABLES:
        row = await db.fetchrow(
            f"select count(*) as n, md5(coalesce(string_agg(t.xmin::text || ' ' || t::text,"
            f" E'\\n' order by t::text), '')) as digest from {table} t"
        )
        result[table] = (row["n"], row["digest"])
    return result


async def test_the_oversight_demo_seeds_once(db: asyncpg.Connection) -> None:
    if await db.fetchval("select exists (select 1 from dealer)"):
        await truncate_all(db)
    await network_demo.seed(show_progress=False)
    await catalog_demo.seed()
    await parts_demo.seed()
    await terms_demo.seed()
    await care_demo.seed()
    now = datetime.now(UTC)
    first = await demo.seed(now=now)
    assert first.added > 0
    before = await _fingerprint(db)
    again = await demo.seed(now=now)
    assert (again.added, again.changed) == (0, 0)
    assert await _fingerprint(db) == before

    targets = {r["kpi"]: r["target"] for r in await db.fetch("select kpi, target from kpi_target")}
    assert targets["csi"] == Decimal("88") and targets["revisit_success"] == Decimal("0.8")

    audits = await db.fetch(
        "select a.status, a.score, a.max_score, d.code,"
        " array_agg(f.status order by f.id) as findings"
        " from dealer_audit a join dealer d on d.id = a.dealer_id"
        " join dealer_audit_finding f on f.dealer_id = a.dealer_id and f.audit_id = a.id"
        " group by a.id, d.code order by a.planned_on"
    )
    assert [(a["code"], a["status"], a["findings"]) for a in audits] == [
        ("SH01", "closed", ["verified", "verified"]),
        ("SH01", "submitted", ["responded", "open"]),
    ]
    assert all(0 < a["score"] <= a["max_score"] for a in audits)

    recall = await db.fetch(
        "select d.code, cv.completed_at is not null as done from campaign c"
        " join campaign_vehicle cv on cv.campaign_id = c.id"
        " join vehicle v on v.vin = cv.vin join dealer d on d.id = v.dealer_id"
        " join technical_bulletin b on b.id = c.bulletin_id"
        " where c.code = $1 and c.kind = 'recall' and c.published_at is not null",
        demo.RECALL_CODE,
    )
    assert sorted(r["code"] for r in recall) == ["SH01"] * 3 + ["SH02"] * 3
    assert [r["code"] for r in recall if r["done"]] == ["SH01"]

    states = await db.fetch(
        f"select d.code, r.month, r.status, r.body, {STATE_SQL.replace('$2', '$1')} as state"
        " from dealer_monthly_report r join dealer d on d.id = r.dealer_id"
        " order by d.code, r.month",
        now,
    )
    per_dealer: dict[str, int] = {}
    for r in states:
        per_dealer[r["code"]] = per_dealer.get(r["code"], 0) + 1
    assert set(per_dealer.values()) == {demo.REPORT_MONTHS}
    late = [(r["code"]) for r in states if r["state"] == "late"]
    assert late == ["SH02"]
    assert ("GZ01", "missing") in {(r["code"], r["state"]) for r in states}
    assert sum(r["state"] == "on_time" for r in states) >= len(states) - 3
    assert all('"service"' in r["body"] and '"warranty"' in r["body"] for r in states)
    # the demo's history shows in the bodies
    assert any('"delivered": 0' not in r["body"] for r in states)
