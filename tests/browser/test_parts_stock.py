"""The warehouse keeper issues a requested part (发料) in the browser.

The order, the customer's approval, the technician's request and the advisor's
countersignature go through the API; the keeper, in 中文, finds the request in the issue
queue under the Parts group with the car's plate, issues it against the old part, prints
the slip, and sees the stock list and the item's ledger follow.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser


def test_the_keeper_issues_a_requested_part(browser: Browser) -> None:
    out = browser.run("keeper-issues", script=FRONTEND / "e2e" / "parts_stock.mjs")
    assert "waits in the queue at" in out
    assert "issued from the queue; the request left it" in out
    assert "the issue slip carries the plate" in out
    assert "the ledger's newest line is the issue of" in out
    assert "issued by the keeper with the old part scrapped" in out
