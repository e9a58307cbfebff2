"""Claim delivery and review in the browser, with the real worker running: the claims
specialist sends a dead claim message again from the delivery panel and watches it
arrive; the manufacturer's warranty technician (中文) finds the claims in 索赔审核 and
approves one line by line, and the API agrees with what the pages showed.

The demo network has no claims: two submitted claims of SH01 are arranged here through
the owner connection, one with its outbox message waiting (the worker's sweep delivers
it as it starts), one whose message is dead after every retry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
import pytest

from tests.browser.conftest import FRONTEND, ROOT, Browser

pytestmark = pytest.mark.browser


async def _submitted_claim(owner: asyncpg.Connection, *, dead: bool) -> str:
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
    claims = await owner.fetchval("select id from staff_user where username = 'claims.sh01'")
    assert vehicle is not None and part is not None and claims is not None
    suffix = uuid.uuid4().hex[:8].upper()
    order = await owner.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " status, mileage_in, created_by) values ($1, $2, $3, $4, $5, 'work_done', 15000, $5)"
        " returning id",
        dealer["id"],
        f"E2E-R-{suffix}",
        vehicle["customer_id"],
        vehicle["id"],
        claims,
    )
    number = f"WC-R-{suffix}"
    claim = await owner.fetchval(
        "insert into warranty_claim (dealer_id, number, repair_order_id, vehicle_id, vin,"
        " mileage, claim_type, fault_date, fault_code, complaint, cause, correction, status,"
        " requested_amount, submission_count, submitted_at, submitted_by, created_by)"
        " values ($1, $2, $3, $4, $5, 15000, 'standard', current_date, 'P0128',"
        " 'Coolant leak', 'Pump seal failed', 'Replaced water pump', 'submitted', 950, 1,"
        " now(), $6, $6) returning id",
        dealer["id"],
        number,
        order,
        vehicle["id"],
        vehicle["vin"],
        claims,
    )
    await owner.execute(
        "insert into warranty_claim_line (dealer_id, claim_id, kind, description, hours,"
        " standard_hours, unit_price, amount) values ($1, $2, 'labour', 'Replace water pump',"
        " 1.5, 1.5, 180, 270)",
        dealer["id"],
        claim,
    )
    await owner.execute(
        "insert into warranty_claim_line (dealer_id, claim_id, kind, part_id, description,"
        " quantity, unit_price, amount) values ($1, $2, 'part', $3, 'Water pump', 1, 680, 680)",
        dealer["id"],
        claim,
        part,
    )
    await owner.execute(
        "insert into warranty_claim_event (dealer_id, claim_id, from_status, to_status,"
        " actor_user_id) values ($1, $2, 'draft', 'submitted', $3)",
        dealer["id"],
        claim,
        claims,
    )
    await owner.execute(
        "insert into warranty_outbox (dealer_id, claim_id, kind, idempotency_key, payload,"
        " connector, status, attempts, last_error)"
        " values ($1, $2, 'submit', $3, $4::jsonb, 'inbox', $5, $6, $7)",
        dealer["id"],
        claim,
        f"dealernet:{dealer['id']}:claim:{claim}:submit:1",
        json.dumps({"claimNumber": number, "requestedAmount": "950.00"}),
        "dead" if dead else "pending",
        10 if dead else 0,
        "Gave up after 10 attempts; last: HTTP 503: maintenance" if dead else "",
    )
    return number


@contextmanager
def running_worker() -> Iterator[None]:
    """The real arq worker (``dealernet worker``) on the live server's database and Redis;
    its sweep as it starts finds the message waiting in the outbox."""
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "worker"],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


async def test_retry_a_dead_delivery_and_approve_line_by_line(
    browser: Browser,
    owner: asyncpg.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waiting = await _submitted_claim(owner, dead=False)
    dead = await _submitted_claim(owner, dead=True)
    monkeypatch.setenv("DN_REVIEW_CLAIMS", json.dumps({"waiting": waiting, "dead": dead}))
    with running_worker():
        out = browser.run("retry-and-review", script=FRONTEND / "e2e" / "warranty_review.mjs")
    assert "sent again" in out
    assert "delivered by the worker" in out
    assert "索赔审核 lists both claims" in out
    assert "部分批准" in out
    assert "what the API says" in out
    status = await owner.fetchval("select status from warranty_claim where number = $1", waiting)
    assert status == "partially_approved"
