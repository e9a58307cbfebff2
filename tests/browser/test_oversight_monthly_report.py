"""Monthly reports to the manufacturer (月报) in a real browser, on the demo network: the
East regional manager sees exactly the region's dealers in the dealers x months grid, each
cell in the state the API gives (SH02's late report among them), and opens a submitted
report read only; SH01's service manager, in Chinese, reviews last month's draft with a
note and submits it, and the page's on time / late agrees with the API."""

from __future__ import annotations

import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser


def test_monthly_reports_from_the_grid_to_submission(browser: Browser) -> None:
    out = browser.run("reports", script=FRONTEND / "e2e" / "oversight_monthly_report.mjs")
    assert "exactly the region's dealers: SH01, SH02, every cell as the API says" in out
    assert "opens a submitted report read only" in out
    assert "in Chinese: reviewed and submitted" in out
