"""The regional dashboard and a dealer's drill-down in a real browser, on the demo network.

The KPI facts of the East region's dealers for the last twelve complete months are
written here through the owner connection (what the KPI worker would write, known
figures so the page has something to compare); the East regional manager (English)
opens the dashboard from the navigation, sees exactly the region's dealers with the
API's values, target colours and medians, a 12-month trend and the ranking chart, and
opens a dealer's drill-down whose months match the API; in Chinese the page speaks
the digest's words.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser


def _months_back(first: date, n: int) -> date:
    index = first.year * 12 + first.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


async def _arrange(owner: asyncpg.Connection) -> None:
    dealers = await owner.fetch(
        "select d.id from dealer d join region_assignment a on a.region_id = d.region_id"
        " join staff_user u on u.id = a.user_id where u.username = 'rm.east' order by d.code"
    )
    assert len(dealers) >= 2, "the demo's East region has fewer than two dealers"
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    rows = []
    for n, dealer in enumerate(d["id"] for d in dealers):
        for back in range(12):
            month = _months_back(last, back)
            due = Decimal(20 + n * 3 + back)
            succeeded = due - Decimal(2 + n * 2)
            rows.append((dealer, month, "revisit_success", succeeded / due, succeeded, due))
            rows.append((dealer, month, "revisit_coverage", Decimal(1), due, due))
            rows.append((dealer, month, "csi", Decimal(80 + n), Decimal(80 + n) * 10, Decimal(10)))
            rows.append((dealer, month, "orders_delivered", Decimal(100 + 10 * n), None, None))
    await owner.executemany(
        "insert into dealer_kpi_month (dealer_id, month, kpi, value, numerator, denominator)"
        " values ($1, $2, $3, round($4, 4), $5, $6)"
        " on conflict (dealer_id, month, kpi) do update set value = excluded.value,"
        " numerator = excluded.numerator, denominator = excluded.denominator",
        rows,
    )


async def test_dashboard_and_drilldown_show_what_the_api_computes(
    browser: Browser, owner: asyncpg.Connection
) -> None:
    await _arrange(owner)
    out = browser.run("dashboard", script=FRONTEND / "e2e" / "oversight_dashboard.mjs")
    assert "exactly the region's dealers with the API's values" in out
    assert "target colours as the API says" in out
    assert "12 months of trend and a bar per dealer" in out
    assert "the drill-down's months match the API" in out
    assert "in Chinese: 大区经营看板" in out
