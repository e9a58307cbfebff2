"""Old parts and warranty money in the browser: the claims specialist tags a claimed
part into the store, the manufacturer (中文) asks for it, the dealer ships it with a
packing list that matches the API and the manufacturer's inspection makes it a
charge-back candidate; finance records a remittance and the claims specialist's
allocation makes the claim paid.

The demo network has no claims; an approved claim of a warranty part line on a new
repair order at SH01 is arranged here through the owner connection."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser


async def _approved_claim(owner: asyncpg.Connection) -> str:
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
        "select id, customer_id, vin from vehicle where dealer_id = $1 order by id limit 1",
        dealer["id"],
    )
    part = await owner.fetchval(
        "select id from part where manufacturer_id = $1 order by id limit 1",
        dealer["manufacturer_id"],
    )
    advisor = await owner.fetchval("select id from staff_user where username = 'advisor.sh01'")
    assert vehicle is not None and part is not None and advisor is not None
    suffix = uuid.uuid4().hex[:8].upper()
    order = await owner.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " status, mileage_in, created_by) values ($1, $2, $3, $4, $5, 'in_progress', 12000, $5)"
        " returning id",
        dealer["id"],
        f"E2E-{suffix}",
        vehicle["customer_id"],
        vehicle["id"],
        advisor,
    )
    line = await owner.fetchval(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, part_id, quantity,"
        " unit_price, pay_type, status, description)"
        " values ($1, $2, 'part', $3, 1, 680, 'warranty', 'approved', 'warranty part')"
        " returning id",
        dealer["id"],
        order,
        part,
    )
    number = f"WC-E2E-{suffix}"
    claim = await owner.fetchval(
        "insert into warranty_claim (dealer_id, number, repair_order_id, vehicle_id, vin,"
        " mileage, claim_type, fault_date, status, requested_amount, approved_amount,"
        " submission_count, submitted_at, decided_at) values ($1, $2, $3, $4, $5, 12000,"
        " 'standard', current_date, 'approved', 680, 680, 1, now(), now()) returning id",
        dealer["id"],
        number,
        order,
        vehicle["id"],
        vehicle["vin"],
    )
    await owner.execute(
        "insert into warranty_claim_line (dealer_id, claim_id, repair_order_line_id, kind,"
        " part_id, quantity, unit_price, amount, approved_amount)"
        " values ($1, $2, $3, 'part', $4, 1, 680, 680, 680)",
        dealer["id"],
        claim,
        line,
        part,
    )
    return number


async def test_tag_request_ship_with_packing_list_and_inspect(
    browser: Browser, owner: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DN_OLD_PART_CLAIM", await _approved_claim(owner))
    out = browser.run("tag-ship-inspect", script=FRONTEND / "e2e" / "warranty_old_parts.mjs")
    assert "the store lists it as stored" in out
    assert "asked for the part back" in out
    assert "as the API says" in out
    assert "鉴定不属实" in out
    assert "is now a charge-back candidate" in out


async def test_cashier_records_claims_specialist_allocates_claim_is_paid(
    browser: Browser, owner: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DN_OLD_PART_CLAIM", await _approved_claim(owner))
    out = browser.run("record-payment", script=FRONTEND / "e2e" / "warranty_old_parts.mjs")
    assert "allocating is not offered to finance" in out
    assert "paid 680.00, 320.00 left over" in out
