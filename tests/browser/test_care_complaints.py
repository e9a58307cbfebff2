"""Complaints in the browser: customer service (English) records a severe ticket for a
customer picked with the keyboard, the general manager (中文) routes it to the workshop
from the buttons the page offers, and the region's manager finds it at once on the
region's severe list, read only; the API agrees at every step.

The demo network has no complaints; a customer with one car is arranged at SH01 through
the owner connection."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser


async def _arranged_customer(owner: asyncpg.Connection) -> str:
    dealer = await owner.fetchval("select id from dealer where code = 'SH01'")
    assert dealer is not None, "the demo network has no SH01"
    suffix = uuid.uuid4().hex[:8].upper()
    name = f"E2E Complainant {suffix}"
    customer = await owner.fetchval(
        "insert into customer (dealer_id, name, phone) values ($1, $2, $3) returning id",
        dealer,
        name,
        f"1390{int(suffix, 16) % 10_000_000:07d}",
    )
    await owner.execute(
        "insert into vehicle (dealer_id, customer_id, vin, plate, model)"
        " values ($1, $2, $3, $4, 'Magotan')",
        dealer,
        customer,
        f"LSVCP{uuid.uuid4().hex[:12].upper()}",
        f"沪F{suffix[:5]}",
    )
    return name


async def test_intake_routing_and_the_region_view(
    browser: Browser, owner: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DN_COMPLAINT_CUSTOMER", await _arranged_customer(owner))
    out = browser.run("intake-route-region", script=FRONTEND / "e2e" / "care_complaints.mjs")
    assert "already with the service manager, as the API says" in out
    assert "the API has it routed to WORKSHOP" in out
    assert "on 大区强烈投诉, read only" in out
