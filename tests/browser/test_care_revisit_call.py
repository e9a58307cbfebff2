"""A follow-up call (回访) in the browser, by keyboard alone: the customer-service
specialist of SH01 (中文) finds the arranged revisit in the queue with j and Enter,
records an answered, satisfied call with its survey by number keys, and the API has
what the page showed.

The demo network has no revisits: one is arranged here through the owner connection
(an order of an SH01 customer delivered two days ago, assigned to cs.sh01), and SH01's
call windows are set to the whole day so the check holds at any hour of the real clock
the live server runs on."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from api.schema.relay_conventions import global_id
from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser

CALLER = "cs.sh01"


async def _arranged_revisit(owner: asyncpg.Connection) -> tuple[str, str]:
    dealer = await owner.fetchrow("select id, time_zone from dealer where code = 'SH01'")
    assert dealer is not None, "the demo network has no SH01"
    caller = await owner.fetchval("select id from staff_user where username = $1", CALLER)
    advisor = await owner.fetchval("select id from staff_user where username = 'advisor.sh01'")
    vehicle = await owner.fetchrow(
        "select id, customer_id from vehicle where dealer_id = $1 order by id limit 1", dealer["id"]
    )
    assert caller is not None and advisor is not None and vehicle is not None
    await owner.execute(
        "insert into care_settings (dealer_id, call_windows) values ($1, $2::jsonb)"
        " on conflict (dealer_id) do update set call_windows = excluded.call_windows",
        dealer["id"],
        json.dumps([{"from": "00:00", "to": "23:59:59"}]),
    )
    delivered = datetime.now(UTC) - timedelta(days=2)
    number = f"E2E-RV-{uuid.uuid4().hex[:8].upper()}"
    order = await owner.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " delivering_advisor_user_id, status, mileage_in, opened_at, work_done_at, settled_at,"
        " delivered_at, created_by) values ($1, $2, $3, $4, $5, $5, 'delivered', 15000,"
        " $6::timestamptz - interval '6 hours', $6::timestamptz - interval '2 hours',"
        " $6::timestamptz - interval '30 minutes', $6, $5) returning id",
        dealer["id"],
        number,
        vehicle["customer_id"],
        vehicle["id"],
        advisor,
        delivered,
    )
    await owner.execute(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, hours, unit_price,"
        " pay_type, status, description, job_status, done_at) values ($1, $2, 'labour', 1.5,"
        " 200, 'customer', 'approved', '10,000 km service', 'done', $3)",
        dealer["id"],
        order,
        delivered,
    )
    today = datetime.now(ZoneInfo(dealer["time_zone"])).date()
    revisit = await owner.fetchval(
        "insert into revisit (dealer_id, repair_order_id, customer_id, vehicle_id,"
        " advisor_user_id, assignee_user_id, duty, delivered_at, due_from, due_by)"
        " values ($1, $2, $3, $4, $5, $6, 'revisit_calls', $7, $8, $9) returning id",
        dealer["id"],
        order,
        vehicle["customer_id"],
        vehicle["id"],
        advisor,
        caller,
        delivered,
        today - timedelta(days=1),
        today + timedelta(days=1),
    )
    return global_id("Revisit", revisit), number


async def test_a_call_worked_with_the_keyboard_only(
    browser: Browser, owner: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    revisit, order = await _arranged_revisit(owner)
    monkeypatch.setenv("DN_REVISIT_ID", revisit)
    monkeypatch.setenv("DN_REVISIT_ORDER", order)
    out = browser.run("keyboard-call", script=FRONTEND / "e2e" / "care_revisits.mjs")
    assert f"selected {order} with j" in out
    assert "the page says 回访成功" in out
    assert "the API agrees: succeeded, satisfied, survey 545345, note logged" in out
    assert "went back to the queue" in out
