"""The parts KPI dashboard and the regional view in a real browser, on the demo data.

The parts manager of SH01 (中文) sees cards, aging bars and a 12-month trend that match
what the API answers, changes the period from the keyboard, and is told the region view
is not theirs; the East regional manager (English) sees exactly the region's dealers
against the region's medians and sorts them by turnover.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser


def test_dashboard_and_region_view_show_what_the_api_computes(browser: Browser) -> None:
    out = browser.run("dashboard", script=FRONTEND / "e2e" / "parts_kpis.mjs")
    assert "every card matches the API" in out
    assert "12 months of trend" in out
    assert "the address and every card follow" in out
    assert "the region view tells dealer staff it is for overseers" in out
    assert "the region's medians as the API says" in out
    assert "sorted by turnover, highest first" in out
