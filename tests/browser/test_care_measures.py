"""The care measures and reports in the browser, on the seeded care demo: the
customer-relations manager (中文) sees last month's figures against their targets as the
API answers them, with a 12-month trend; the front-desk supervisor (English) generates
yesterday's daily problem report, reads it and submits it once."""

from __future__ import annotations

import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser


def test_measures_against_targets_and_a_report_submitted(browser: Browser) -> None:
    out = browser.run("measures-and-reports", script=FRONTEND / "e2e" / "care_measures.mjs")
    assert "12 months of trend" in out
    assert "generated the daily problem report" in out
    assert "submitted once with its note" in out
    assert "the list shows it submitted" in out
