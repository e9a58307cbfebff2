"""Huaxing's warranty terms for the demo network (dealernet seed): its policy, part-group
periods, a recall and a service campaign naming demo VINs, and sale dates for the demo
vehicles (the year after their model year, so the demo shows covered, expired and
recall cases side by side).

Idempotent and never overwriting: what the manufacturer's staff changed through the
app stays; a second run adds nothing."""

from __future__ import annotations

from datetime import date

import asyncpg

from tenants.network.demo import DEMO_DEALERS, MANUFACTURER, Counts
from tenants.service.catalog_demo import CUSTOMERS, demo_vin

# (part group, months, km, must return)
PART_GROUP_TERMS: tuple[tuple[str, int, int, bool], ...] = (
    ("electrical", 24, 50000, True),
    ("brakes", 6, 10000, False),
    ("wipers", 3, 5000, False),
    ("tyres", 12, 20000, False),
    ("ev", 96, 160000, True),
)

# (code, kind, title, title_zh, operation code, model of the affected VINs)
CAMPAIGNS: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "RC-2026-01",
        "recall",
        "Front shock absorber mounting",
        "前减震器安装座召回",
        "SHOCK-F",
        "HX Terra 2.0T",
    ),
    (
        "SC-2026-02",
        "service_campaign",
        "High-voltage connector seal check",
        "高压接插件密封检查服务活动",
        "HV-CHK",
        "HX Vista EV",
    ),
)


def _vins(model: str | None = None) -> list[str]:
    return [
        demo_vin(index, n, c[2], c[3])
        for index, _ in enumerate(DEMO_DEALERS)
        for n, c in enumerate(CUSTOMERS)
        if model is None or c[2] == model
    ]


def _sale_dates() -> tuple[list[str], list[date]]:
    pairs = [
        (demo_vin(index, n, c[2], c[3]), date(c[3] + 1, 3, 15))
        for index, _ in enumerate(DEMO_DEALERS)
        for n, c in enumerate(CUSTOMERS)
    ]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _count(status: str) -> int:
    return int(status.split()[-1])


async def seed_terms_demo(connection: asyncpg.Connection) -> Counts:
    """Write on ``connection`` (an owner connection) in the caller's transaction."""
    manufacturer = await connection.fetchval(
        "select id from manufacturer where code = $1", MANUFACTURER.code
    )
    if manufacturer is None:
        return Counts()
    written = Counts()
    written.added += _count(
        await connection.execute(
            "insert into warranty_policy (manufacturer_id, base_months, base_km,"
            " first_service_months, first_service_km, claim_deadline_days, labour_rate,"
            " parts_markup) values ($1, 36, 100000, 6, 7500, 30, 160, 0.10)"
            " on conflict (manufacturer_id) do nothing",
            manufacturer,
        )
    )
    written.added += _count(
        await connection.execute(
            "insert into warranty_part_group_term (manufacturer_id, part_group, months, km,"
            " must_return) select $1, g, m, k, r"
            " from unnest($2::text[], $3::int[], $4::int[], $5::bool[]) as t(g, m, k, r)"
            " on conflict (manufacturer_id, part_group) do nothing",
            manufacturer,
            [t[0] for t in PART_GROUP_TERMS],
            [t[1] for t in PART_GROUP_TERMS],
            [t[2] for t in PART_GROUP_TERMS],
            [t[3] for t in PART_GROUP_TERMS],
        )
    )
    for code, kind, title, title_zh, operation, model in CAMPAIGNS:
        campaign = await connection.fetchval(
            """
            with made as (
              insert into campaign (manufacturer_id, code, kind, title, title_zh, operation_id,
                                    starts_on)
              select $1, $2, $3, $4, $5, o.id, date '2026-01-01'
                from labour_operation o where o.manufacturer_id = $1 and o.code = $6
              on conflict (manufacturer_id, code) do nothing
              returning id
            )
            select id from made
            union all
            select id from campaign where manufacturer_id = $1 and code = $2
            """,
            manufacturer,
            code,
            kind,
            title,
            title_zh,
            operation,
        )
        if campaign is None:
            continue
        written.added += _count(
            await connection.execute(
                "insert into campaign_vehicle (campaign_id, vin) select $1, unnest($2::text[])"
                " on conflict do nothing",
                campaign,
                _vins(model),
            )
        )
    vins, sold = _sale_dates()
    await connection.execute(
        "select set_config('app.dealer_ids', $1, true)",
        "{"
        + ",".join(
            str(r["id"])
            for r in await connection.fetch(
                "select id from dealer where code = any($1::text[])", [d.code for d in DEMO_DEALERS]
            )
        )
        + "}",
    )
    written.changed += _count(
        await connection.execute(
            "update vehicle v set sale_date = s.sold"
            " from unnest($1::text[], $2::date[]) as s(vin, sold)"
            " where v.vin = s.vin and v.sale_date is null",
            vins,
            sold,
        )
    )
    return written


async def seed(url: str | None = None) -> Counts:
    """The warranty terms demo in its own owner transaction (``dealernet seed``)."""
    from tenants.network.demo import connect_owner

    connection = await connect_owner(url)
    try:
        async with connection.transaction():
            return await seed_terms_demo(connection)
    finally:
        await connection.close()
