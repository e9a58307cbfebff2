"""Recalls and bulletins in a real browser, on the demo network: the East regional manager
imports a recall's VIN file (a bad line reported by number) and sees SH01's completion;
SH01's advisor, in Chinese, sees the 召回 banner on the order and adds the operation in one
click (a warranty line at standard hours, as the API confirms); SH01's technical director
gives a bulletin to staff and sees who read it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser


def test_a_recall_from_vin_file_to_one_click_in_the_browser(browser: Browser) -> None:
    out = browser.run("campaigns", script=FRONTEND / "e2e" / "oversight_campaigns.mjs")
    assert "1 added, line 3 reported invalid" in out
    assert "per-dealer completion" in out
    assert "warranty line in one click" in out
    assert "who read the bulletin" in out
