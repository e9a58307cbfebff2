"""The demo's warranty terms: seeded once with the network and the service demo, never
overwriting what the manufacturer changed, and the demo shows every kind of answer."""

from __future__ import annotations

import asyncpg

from tenants.network import demo
from tenants.service import catalog_demo
from tenants.warranty import terms_demo


async def test_seeding_twice_adds_nothing_and_keeps_the_manufacturers_changes(
    db: asyncpg.Connection,
) -> None:
    await demo.seed(show_progress=False)
    await catalog_demo.seed()
    first = await terms_demo.seed()
    assert first.added > 0 and first.changed > 0
    await db.execute("update warranty_policy set base_months = 48")
    again = await terms_demo.seed()
    assert (again.added, again.changed) == (0, 0)
    assert await db.fetchval("select base_months from warranty_policy") == 48
    assert await db.fetchval("select count(*) from vehicle where sale_date is null") == 0
    recall = await db.fetch(
        "select c.code, count(cv.vin) as vins from campaign c join campaign_vehicle cv"
        " on cv.campaign_id = c.id join labour_operation o on o.id = c.operation_id"
        " group by c.code order by c.code"
    )
    assert [r["code"] for r in recall] == ["RC-2026-01", "SC-2026-02"]
    per_model = {
        m: sum(c[2] == m for c in catalog_demo.CUSTOMERS)
        for _, _, _, _, _, m in terms_demo.CAMPAIGNS
    }
    assert [r["vins"] for r in recall] == [
        per_model[c[5]] * len(demo.DEMO_DEALERS) for c in terms_demo.CAMPAIGNS
    ]
