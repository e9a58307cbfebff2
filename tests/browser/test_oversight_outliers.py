"""Outlier flags and quality feedback in a real browser, on the demo network.

The demo network has no claims; here SH01 and SH02 (East region) and GZ01 (South) get
delivered orders and claims in the last complete month through the owner connection:
SH01 claims three VINs twice each (repeat claims) on water pumps of the Huaxing S7, one
old part failed inspection; SH02 two claims; GZ01 claims on the Huaxing X5. The East
regional manager (English) sees exactly SH01 and SH02 with the API's figures and opens
SH01's explanation with its repeat VINs; in Chinese, the quality feedback shows the S7
failures as the API says, never GZ01's X5, and filters by model; SH01's service manager
has no outlier view and reads quality feedback of SH01 only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from tests.browser.conftest import FRONTEND, Browser
from tests.oversight.outliers_arrange import Shop, claim, delivered_orders, old_part, part, vin

pytestmark = pytest.mark.browser


async def _shop(owner: asyncpg.Connection, code: str) -> Shop:
    row = await owner.fetchrow(
        "select d.id, r.manufacturer_id from dealer d join region r on r.id = d.region_id"
        " where d.code = $1",
        code,
    )
    assert row is not None, f"the demo network has no {code}"
    customer = await owner.fetchval(
        "select id from customer where dealer_id = $1 order by id limit 1", row["id"]
    )
    advisor = await owner.fetchval(
        "select id from staff_user where username = $1", f"advisor.{code.lower()}"
    )
    assert customer is not None and advisor is not None
    return Shop(row["id"], customer, advisor, row["manufacturer_id"])


async def _arrange(owner: asyncpg.Connection) -> None:
    first = datetime.now(UTC).date().replace(day=1)
    mid = (first - timedelta(days=1)).replace(day=12)
    at = f"{mid.isoformat()}T10:00:00+08:00"
    sh01, sh02, gz01 = [await _shop(owner, c) for c in ("SH01", "SH02", "GZ01")]
    pump = await part(owner, sh01, "engine", "E2E water pump")
    for s in (sh01, sh02, gz01):
        await delivered_orders(owner, s, 20, at)
    for n in range(3):
        a = await claim(owner, sh01, vin(880_100 + n), fault=mid.isoformat(), causal_part=pump,
                        model="Huaxing S7", hours="2.5")  # fmt: skip
        await claim(owner, sh01, vin(880_100 + n), fault=(mid + timedelta(days=5)).isoformat(),
                    causal_part=pump, model="Huaxing S7", hours="2.5")  # fmt: skip
        if n == 0:
            await old_part(owner, sh01, a, pump, status="inspected", result="not_confirmed")
    for n in range(2):
        await claim(owner, sh02, vin(880_200 + n), fault=mid.isoformat(), causal_part=pump,
                    model="Huaxing S7")  # fmt: skip
    for n in range(5):
        await claim(owner, gz01, vin(880_300 + n), fault=mid.isoformat(), causal_part=pump,
                    model="Huaxing X5")  # fmt: skip


async def test_outliers_and_quality_feedback_show_what_the_api_computes(
    browser: Browser, owner: asyncpg.Connection
) -> None:
    await _arrange(owner)
    out = browser.run("outliers", script=FRONTEND / "e2e" / "oversight_outliers.mjs")
    assert "exactly the region's dealers with the API's figures" in out
    assert "SH01's explanation lists its repeat VINs" in out
    assert "the S7 failures as the API says" in out
    assert "filtered by model" in out
    assert "dealer staff see no outliers and their own dealer's quality feedback" in out
