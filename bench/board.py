"""The workshop board's document and the benchmark database of the read path.

``prepare`` recreates ``<db>_bench`` from the real migrations and arranges the busy
dealer of ``bench.arrange`` (the board), 300 stocked parts at each of its two dealers
(the stock list, ``bench.stock_data``) and PostGraphile's computed columns
(``bench.postgraphile_schema``); ``bench.read_path`` loads it.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

import asyncpg

from bench import postgraphile_schema, stock_data
from bench.arrange import Arranged, arrange
from bench.database import bench_url, migrate, recreate

STOCK_ITEMS = 300
"""Stocked parts per dealer: six pages of the stock list."""

BOARD_QUERY = """
query Board { workshopBoard { orders {
  id number status promisedAt late waitingForParts customerName
  vehicle { plate model } advisor { id displayName } bay { code name }
  jobs { id description hours jobStatus team technician { id displayName }
         clockedHours clockedOn }
} } }
"""


def comparable(body: dict[str, Any]) -> Any:
    """The board without what moves with the clock (hours of clocks still running)."""
    orders = deepcopy(body["data"]["workshopBoard"]["orders"])
    for order in orders:
        for job in order["jobs"]:
            if job["clockedOn"]:
                job["clockedHours"] = "running"
    return orders


async def prepare() -> tuple[str, Arranged]:
    url = bench_url()
    await recreate(url)
    migrate(url)
    connection = await asyncpg.connect(url)
    try:
        arranged = await arrange(connection)
        manufacturer, dealers = await connection.fetchrow(
            "select region.manufacturer_id, array_agg(dealer.id order by dealer.id)"
            " from dealer join region on region.id = dealer.region_id"
            " group by region.manufacturer_id"
        )
        await stock_data.stock(connection, manufacturer, dealers, STOCK_ITEMS)
        await postgraphile_schema.install(connection)
        await connection.execute("analyze")
    finally:
        await connection.close()
    return url, arranged
