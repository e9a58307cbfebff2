"""The service demo data: usable catalogs, stock and shifts at every demo dealer, valid
VINs, and a second run that writes nothing."""

from __future__ import annotations

import asyncpg
import pytest

from tenants.network import demo
from tenants.service import catalog_demo
from tenants.service.plates import validate_plate
from tenants.service.vin import validate_vin
from tests.conftest import truncate_all


@pytest.fixture
async def seeded(db: asyncpg.Connection) -> asyncpg.Connection:
    if await db.fetchval("select exists (select 1 from dealer)"):
        await truncate_all(db)
    await demo.seed(show_progress=False)
    return db


async def test_demo_data_is_complete_and_idempotent(seeded: asyncpg.Connection) -> None:
    db = seeded
    first = await catalog_demo.seed()
    assert first.added > 100
    counts = {
        t: await db.fetchval(f"select count(*) from {t}")
        for t in (
            "labour_operation", "part", "operation_part", "stock_item", "stock_movement", "bay",
            "technician_shift", "customer", "vehicle", "mileage_reading", "appointment",
            "appointment_item", "stock_reservation", "service_settings",
        )
    }  # fmt: skip
    assert counts["labour_operation"] >= 25 and counts["part"] >= 40
    assert counts["stock_item"] == 4 * counts["part"]
    assert counts["appointment"] == 4 * len(catalog_demo.APPOINTMENTS)
    again = await catalog_demo.seed()
    assert (again.added, again.changed) == (0, 0)
    for table, n in counts.items():
        assert await db.fetchval(f"select count(*) from {table}") == n, table

    assert await db.fetchval("select vin_check_digit from manufacturer where code = 'HX'")
    for row in await db.fetch("select vin, plate from vehicle"):
        assert validate_vin(row["vin"], uses_check_digit=True) == row["vin"]
        assert validate_plate(row["plate"]) == row["plate"]
    # Two technicians and two team leaders (one is the technical director) per dealer.
    per_dealer = await db.fetch(
        "select d.code, count(distinct s.work_date) as days, count(distinct s.user_id) as people"
        " from dealer d join technician_shift s on s.dealer_id = d.id group by d.code"
    )
    assert {r["code"]: (r["days"], r["people"]) for r in per_dealer} == {
        code: (catalog_demo.SHIFT_DAYS, 4) for code in ("GZ01", "SH01", "SH02", "SZ01")
    }
    # Opening stock is in the ledger; SH01 deliberately has no front brake discs.
    discs = await db.fetchval(
        "select l.on_hand from stock_level l join stock_item s on s.id = l.stock_item_id"
        " join part p on p.id = s.part_id join dealer d on d.id = s.dealer_id"
        " where d.code = 'SH01' and p.part_number = 'HX3501075'"
    )
    assert discs == 0
    assert (
        await db.fetchval(
            "select count(*) from stock_item where bin_location !~ '^W1-[A-F]-[0-9]{2}-[0-9]{2}$'"
        )
        == 0
    )
