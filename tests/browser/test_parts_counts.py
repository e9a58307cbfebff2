"""A stock count with a difference, counted from the keyboard and approved, in a real browser.

Two bins of the demo dealer SH01 are stocked here through the owner connection (the
count only needs items with stock in bins of its own zone); the warehouse keeper counts
them in the page, one short, explains the difference and submits; the parts manager
approves in 中文; the script checks the ledger through the API.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser

COUNTS = FRONTEND / "e2e" / "parts_counts.mjs"
ZONE = "Z-99"
_n = itertools.count(1)


async def _stock_zone(owner: asyncpg.Connection) -> None:
    """Two parts in bins Z-99-1-01 and Z-99-1-02 of SH01, with 5 and 3 on hand."""
    dealer = await owner.fetchrow(
        "select d.id, r.manufacturer_id from dealer d join region r on r.id = d.region_id"
        " where d.code = 'SH01'"
    )
    assert dealer is not None, "the demo network has no SH01"
    for position, on_hand in (("01", "5"), ("02", "3")):
        part = await owner.fetchval(
            "insert into part (manufacturer_id, part_number, name, name_zh, list_price)"
            " values ($1, $2, 'Count test part', '盘点测试件', 20) returning id",
            dealer["manufacturer_id"],
            f"E2E-CNT-{next(_n):04d}-{position}",
        )
        item = await owner.fetchval(
            "insert into stock_item (dealer_id, part_id, bin_location, unit_cost)"
            " values ($1, $2, $3, 12.5) returning id",
            dealer["id"],
            part,
            f"{ZONE}-1-{position}",
        )
        await owner.execute(
            "insert into stock_movement (dealer_id, stock_item_id, kind, quantity, unit_cost,"
            " reason) values ($1, $2, 'receipt', $3, 12.5, 'e2e stock')",
            dealer["id"],
            item,
            Decimal(on_hand),
        )


async def test_keeper_counts_a_difference_and_the_parts_manager_approves(
    browser: Browser, owner: asyncpg.Connection, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _stock_zone(owner)
    monkeypatch.setenv("DN_COUNT_BIN", ZONE)
    out = browser.run("count-with-difference", script=COUNTS)
    assert "lines in bin order: Z-99-1-01, Z-99-1-02" in out
    assert "Z-99-1-01 as booked, Z-99-1-02 one short, highlighted" in out
    assert "difference explained: warehouse keeper" in out
    assert "the parts manager (中文) approved it" in out
    assert "the ledger holds a count adjustment of -1 for Z-99-1-02" in out
