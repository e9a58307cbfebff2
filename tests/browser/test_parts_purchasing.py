"""A parts plan is approved by the service manager and then received, in the browser.

The planner drafts and submits the plan; the parts manager's review and the purchaser's
order and shipping-list check go through the API; the service manager, in 中文, approves
within the approval limit shown and opens the printable plan form (three copies); the
warehouse keeper receives the delivery, counts, posts and confirms shelving; the order is
received and the stock grew by the delivery.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser


def test_a_plan_approved_by_the_service_manager_is_received(browser: Browser) -> None:
    out = browser.run(
        "plan-approved-and-received", script=FRONTEND / "e2e" / "parts_purchasing.mjs"
    )
    assert "it waits for the parts manager’s review" in out
    assert "sees their approval limit" in out
    assert "three copies: planner, purchaser, finance" in out
    assert "posting waits for the shipping list check" in out
    assert "all three inspections done" in out
    assert "the order is received and" in out
