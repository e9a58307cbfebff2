"""Warranty claims in the browser: the claims specialist builds a claim from a repair
order's warranty lines, the check panel blocks until the correction is written, a photo
is attached with the SHA-256 the server keeps, and the claim is submitted; in 中文 the
list and the order page agree.

The demo network has warranty terms but no warranty work in progress: a repair order at
SH01 with a warranty labour and part line (the part issued against a parts request) on
a car sold 400 days ago is arranged here through the owner connection."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser


async def _order_in_work(owner: asyncpg.Connection) -> str:
    dealer = await owner.fetchrow(
        "select d.id, r.manufacturer_id from dealer d join region r on r.id = d.region_id"
        " where d.code = 'SH01'"
    )
    assert dealer is not None, "the demo network has no SH01"
    await owner.execute(
        "insert into warranty_policy (manufacturer_id) values ($1) on conflict do nothing",
        dealer["manufacturer_id"],
    )
    vehicle = await owner.fetchrow(
        "update vehicle set sale_date = current_date - 400 where id = ("
        " select id from vehicle where dealer_id = $1 and model = 'HX Aurora 1.5T'"
        " order by id limit 1) returning id, customer_id",
        dealer["id"],
    )
    operation = await owner.fetchrow(
        "select id, standard_hours from labour_operation where manufacturer_id = $1"
        " and code = 'BELT'",
        dealer["manufacturer_id"],
    )
    part = await owner.fetchrow(
        "select p.id, s.id as stock_item_id from part p join stock_item s"
        " on s.part_id = p.id and s.dealer_id = $2"
        " where p.manufacturer_id = $1 and p.part_number = 'HX1025100'",
        dealer["manufacturer_id"],
        dealer["id"],
    )
    advisor = await owner.fetchval("select id from staff_user where username = 'advisor.sh01'")
    assert vehicle and operation and part and advisor, "the demo catalog changed"
    suffix = uuid.uuid4().hex[:8].upper()
    number = f"E2E-WC-{suffix}"
    order = await owner.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " status, mileage_in, customer_description, created_by)"
        " values ($1, $2, $3, $4, $5, 'in_progress', 30000, 'Squeal from the engine bay', $5)"
        " returning id",
        dealer["id"],
        number,
        vehicle["customer_id"],
        vehicle["id"],
        advisor,
    )
    await owner.execute(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, operation_id, hours,"
        " unit_price, pay_type, status, description)"
        " values ($1, $2, 'labour', $3, $4, 200, 'warranty', 'approved', 'Replace belt')",
        dealer["id"],
        order,
        operation["id"],
        operation["standard_hours"],
    )
    part_line = await owner.fetchval(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, part_id, quantity,"
        " unit_price, pay_type, status, description)"
        " values ($1, $2, 'part', $3, 1, 210, 'warranty', 'approved', 'Serpentine belt')"
        " returning id",
        dealer["id"],
        order,
        part["id"],
    )
    await owner.execute(
        "insert into parts_request (dealer_id, number, repair_order_id, repair_order_line_id,"
        " stock_item_id, quantity, status, warranty, available_at_request, issued_at)"
        " values ($1, $2, $3, $4, $5, 1, 'issued', true, true, now())",
        dealer["id"],
        f"PR-E2E-{suffix}",
        order,
        part_line,
        part["stock_item_id"],
    )
    return number


async def test_build_check_and_submit_a_claim(
    browser: Browser, owner: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DN_CLAIM_ORDER", await _order_in_work(owner))
    out = browser.run("build-check-submit", script=FRONTEND / "e2e" / "warranty_claims.mjs")
    assert "both warranty lines covered and picked" in out
    assert "the check blocks on CORRECTION_MISSING, as the API says" in out
    assert "ready to submit" in out
    assert "as computed here" in out
    assert "the page and the API say submitted" in out
    assert "已提交" in out and "在保" in out
