"""The parts demo: a realistic catalog and two years of history whose balances, lots and
FIFO allocations agree with the ledger for every demo item, open work in every state,
living KPIs, and a second seed that writes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import asyncpg
import pytest

from tenants.network import demo as network_demo
from tenants.parts import demo, kpis
from tenants.parts.demo_history import ForeignKeyViolation, verify_foreign_keys
from tenants.service import catalog_demo
from tenants.service.plates import validate_plate
from tenants.service.vin import validate_vin
from tests.conftest import truncate_all
from tests.parts.factories_parts import PartsShop

PARTS_TABLES = (
    "part", "supplier", "stock_item", "stock_movement", "stock_lot", "stock_lot_allocation",
    "parts_settings", "purchase_order", "purchase_order_line", "parts_receipt",
    "parts_receipt_line", "parts_request", "repair_order", "repair_order_line", "customer",
    "vehicle", "stock_count", "stock_count_line", "write_off", "write_off_signature",
    "parts_transfer",
)  # fmt: skip

CONSISTENCY = """
select s.id, s.on_hand, coalesce(m.quantity, 0) as ledger, coalesce(l.remaining, 0) as lots,
       s.last_movement_at = m.last_at as last_movement_ok
  from stock_item s
  left join (select stock_item_id, sum(quantity) as quantity, max(created_at) as last_at
               from stock_movement group by stock_item_id) m on m.stock_item_id = s.id
  left join (select stock_item_id, sum(remaining) as remaining from stock_lot
              group by stock_item_id) l on l.stock_item_id = s.id
"""


@pytest.fixture
async def seeded(db: asyncpg.Connection) -> asyncpg.Connection:
    if await db.fetchval("select exists (select 1 from dealer)"):
        await truncate_all(db)
    await network_demo.seed(show_progress=False)
    await catalog_demo.seed()
    return db


async def _fingerprint(db: asyncpg.Connection) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row with its xmin: any rewrite would show."""
    result = {}
    for table in PARTS_TABLES:
        row = await db.fetchrow(
            f"select count(*) as n, md5(coalesce(string_agg(t.xmin::text || ' ' || t::text,"
            f" E'\\n' order by t::text), '')) as digest from {table} t"
        )
        result[table] = (row["n"], row["digest"])
    return result


async def test_demo_history_agrees_with_the_ledger_and_seeds_once(
    seeded: asyncpg.Connection,
) -> None:
    db = seeded
    first = await demo.seed()
    assert first.movements > 10_000 and first.written.added > first.movements

    # Catalog: hundreds of parts, Chinese names, replaced numbers pointing at successors.
    assert await db.fetchval("select count(*) from part") >= 300
    assert await db.fetchval("select count(*) from part where name_zh !~ '[一-龥]'") == 0
    assert await db.fetchval("select count(*) from part where superseded_by is not null") >= 10
    # Stock items: a bin of warehouse-shelf-level-position each, one part per bin.
    bins = await db.fetchrow(
        "select count(*) filter (where bin_location !~ '^[A-Z0-9]+-[A-Z0-9]+-[A-Z0-9]+-[A-Z0-9]+$')"
        " as malformed, count(*) - count(distinct (dealer_id, bin_location)) as shared,"
        " count(*) filter (where max_qty < min_qty) as inverted,"
        " count(distinct lead_time_days) as lead_times, count(distinct reorder_multiple) as multiples"
        " from stock_item"
    )
    assert (bins["malformed"], bins["shared"], bins["inverted"]) == (0, 0, 0)
    assert bins["lead_times"] >= 3 and bins["multiples"] >= 3

    # The ledger keeps itself: balance = movements = lots, and every outbound movement
    # took exactly its quantity from lots, oldest first.
    rows = await db.fetch(CONSISTENCY)
    assert len(rows) >= 4 * 200
    wrong = [dict(r) for r in rows if not (r["on_hand"] == r["ledger"] == r["lots"])]
    assert wrong == []
    assert all(r["last_movement_ok"] for r in rows if r["ledger"] or r["lots"])
    assert (
        await db.fetchval(
            "select count(*) from stock_movement m left join (select movement_id,"
            " sum(quantity) as q from stock_lot_allocation group by movement_id) a"
            " on a.movement_id = m.id where m.quantity < 0 and coalesce(a.q, 0) <> -m.quantity"
        )
        == 0
    )
    assert (
        await db.fetchval(
            "select count(*) from stock_lot l left join (select lot_id, sum(quantity) as q"
            " from stock_lot_allocation group by lot_id) a on a.lot_id = l.id"
            " where l.remaining <> l.quantity - coalesce(a.q, 0)"
        )
        == 0
    )
    fifo_broken = await db.fetchval(
        "select count(*) from (select remaining, quantity, bool_or(remaining > 0) over ("
        " partition by stock_item_id order by received_at, id rows between unbounded preceding"
        " and 1 preceding) as older_left from stock_lot) x where older_left and remaining < quantity"
    )
    assert fifo_broken == 0
    # The service demo's deliberate shortage stays: SH01 has no front brake discs.
    assert (
        await db.fetchval(
            "select s.on_hand from stock_item s join part p on p.id = s.part_id"
            " join dealer d on d.id = s.dealer_id where d.code = 'SH01' and p.part_number = 'HX3501075'"
        )
        == 0
    )
    # Documents name their movements: every issued request and posted receipt line.
    assert (
        await db.fetchval(
            "select count(*) from parts_request r join stock_movement m on m.id = r.issue_movement_id"
            " where r.status in ('issued', 'returned') and (m.kind <> 'issue' or -m.quantity <> r.quantity"
            "  or m.document_type <> 'parts_request' or m.document_id <> r.id)"
        )
        == 0
    )
    assert (
        await db.fetchval(
            "select count(*) from parts_receipt_line l join stock_movement m on m.id = l.movement_id"
            " where m.quantity <> l.accepted_qty or m.document_id <> l.receipt_id"
        )
        == 0
    )

    # Open work in every state at every demo dealer, and transfers within each region.
    states = await db.fetch(
        "select d.code, array_agg(distinct o.status) as statuses from purchase_order o"
        " join dealer d on d.id = o.dealer_id group by d.code"
    )
    assert {r["code"] for r in states} == {"SH01", "SH02", "GZ01", "SZ01"}
    for row in states:
        assert set(row["statuses"]) >= {
            "draft", "submitted", "approved", "ordered", "partially_received", "received"
        }, row  # fmt: skip
    requests = {r["status"] for r in await db.fetch("select distinct status from parts_request")}
    assert requests >= {"requested", "signed", "issued", "returned"}
    assert await db.fetchval("select count(*) from stock_count where status = 'open'") == 4
    awaiting = await db.fetch(
        "select w.id, count(s.id) as signed from write_off w left join write_off_signature s"
        " on s.write_off_id = w.id where w.status = 'requested' group by w.id"
    )
    assert len(awaiting) == 4 and all(r["signed"] == 1 for r in awaiting)
    transfers = await db.fetch(
        "select a.code as wanting, b.code as giving, a.region_id = b.region_id as same_region"
        " from parts_transfer t join dealer a on a.id = t.dealer_id"
        " join dealer b on b.id = t.source_dealer_id where t.status = 'requested'"
    )
    assert transfers and all(r["same_region"] for r in transfers)
    for row in await db.fetch("select vin, plate from vehicle"):
        assert validate_vin(row["vin"], uses_check_digit=True) == row["vin"]
        assert validate_plate(row["plate"]) == row["plate"]

    # Living KPIs for last month: something to measure for every figure.
    today = await db.fetchval("select (now() at time zone 'Asia/Shanghai')::date")
    end = today.replace(day=1) - timedelta(days=1)
    dealers = [r["id"] for r in await db.fetch("select id from dealer order by code")]
    for figures in await kpis.dealer_kpis(db, dealers, end.replace(day=1), end):
        assert figures.fill.fill_rate is not None and figures.fill.fill_rate > Decimal("0.8")
        assert figures.stock.turnover is not None and figures.stock.turnover > 1
        assert figures.stock.days_of_supply is not None
        assert figures.dead.dead_items > 0 and figures.dead.slow_items > 0
        assert all(band.value > 0 for band in figures.aging)
        assert figures.emergency.lines > 0
    months = (await kpis.trends(db, dealers[:1], date(end.year, end.month, 1), end))[dealers[0]]
    assert all(m.issue_cost > 0 for m in months)

    # Seeding again writes nothing at all.
    before = await _fingerprint(db)
    again = await demo.seed()
    assert (again.written.added, again.written.changed, again.movements) == (0, 0, 0)
    assert (await catalog_demo.seed()).added == 0
    assert await _fingerprint(db) == before


async def test_a_bulk_load_past_the_foreign_keys_is_checked_before_commit(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    """The history loads past the row triggers, so it checks the keys itself: a row
    pointing at nothing is found and refused."""

    class Undo(Exception):
        """Leaves the transaction by rolling it back."""

    with pytest.raises(Undo):
        async with db.transaction():
            await verify_foreign_keys(db, ["stock_lot_allocation"])  # nothing written yet
            await db.execute("set local session_replication_role = replica")
            await db.execute(
                "insert into stock_lot_allocation (dealer_id, movement_id, lot_id, quantity,"
                " unit_cost) values ($1, -1, -1, 1, 1)",
                parts_shop.dealer_id,
            )
            await db.execute("set local session_replication_role = origin")
            with pytest.raises(ForeignKeyViolation, match="stock_lot_allocation"):
                await verify_foreign_keys(db, ["stock_lot_allocation"])
            raise Undo
    assert await db.fetchval("select count(*) from stock_lot_allocation where lot_id = -1") == 0
