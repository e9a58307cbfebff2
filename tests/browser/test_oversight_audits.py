"""Dealer audits in a real browser, on the demo network: the East regional manager
plans and scores a visit to SH01, records a finding and submits (the page shows the
API's score and a bar per section); SH01's service manager, in Chinese, reads it
without point inputs and answers the finding; the regional manager verifies and
closes it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser


def test_an_audit_from_plan_to_close_in_the_browser(browser: Browser) -> None:
    out = browser.run("audits", script=FRONTEND / "e2e" / "oversight_audits.mjs")
    assert "exactly the region's dealers: SH01, SH02" in out
    assert "submitted: the page shows the API's score" in out
    assert "answers the finding (整改)" in out
    assert "verified and closed as the API says" in out
