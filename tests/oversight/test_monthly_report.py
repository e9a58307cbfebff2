"""The monthly report to the manufacturer: its body on hand-computed data (month bounds in
the dealer's time zone), its due date, its states and refusals, and on time / late /
missing / pending judged by each dealer's local date."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from tenants.database import TenantScope, tenant_transaction
from tenants.errors import RuleViolation
from tenants.oversight import monthly_report_queries as queries
from tenants.oversight import monthly_report_states as states
from tenants.oversight.monthly_report import due_on
from tests.factories import make_dealer
from tests.oversight.factories_oversight import Network
from tests.oversight.monthly_report_arrange import claim, delivered_order, headcount

OCT = date(2026, 10, 1)
AFTER_OCT = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def sh(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    """A Shanghai local time (UTC+8, no DST) as UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


async def _generate(dealer: int, month: date, now: datetime) -> Any:
    async with tenant_transaction(TenantScope.of((dealer,)), fresh=True) as tx:
        return await states.generate(tx.connection, dealer, month, now)


async def _arrange_october(db: asyncpg.Connection, network: Network) -> int:
    dealer, advisor = network.dealer_ids[0], network.staff("advisor")
    a = await delivered_order(
        db,
        dealer,
        advisor,
        sh(10, 10),
        [
            ("labour", "customer", "1", "180", "2"),
            ("part", "customer", "2", "50", None),
            ("material", "customer", "1", "20", None),
        ],
    )
    b = await delivered_order(
        db,
        dealer,
        advisor,
        sh(31, 23, 30),
        [("labour", "warranty", "1", "200", "1.5"), ("part", "warranty", "1", "400", None)],
    )
    # 00:10 on 1 October local is still 30 September in UTC: October's
    await delivered_order(
        db, dealer, advisor, sh(1, 0, 10), [("labour", "internal", "1", "180", "0.5")]
    )
    # 00:30 on 1 November local is 31 October in UTC: November's
    late = await delivered_order(
        db, dealer, advisor, sh(1, 0, 30, month=11), [("labour", "customer", "1", "999", "9")]
    )
    # an order not delivered does not count
    await delivered_order(
        db, dealer, advisor, sh(15, 9), [("part", "customer", "1", "777", None)], status="ready"
    )
    await claim(
        db, dealer, b, "700", [("submitted", sh(5, 9)), ("approved", sh(20, 9))], approved="650"
    )
    await claim(db, dealer, b, "300", [("submitted", sh(12, 9)), ("rejected", sh(25, 9))])
    await claim(db, dealer, a, "120", [("submitted", sh(28, 9, month=9)), ("rejected", sh(2, 9))])
    await claim(
        db, dealer, late, "250", [("submitted", sh(30, 9)), ("rejected", sh(1, 0, 30, month=11))]
    )
    await headcount(
        db,
        dealer,
        {
            "service_advisor": 2,
            "information_officer": 1,
            "technical_director": 1,
            "parts_manager": 1,
        },
    )
    return dealer


async def test_the_body_adds_up_the_dealers_local_month(
    db: asyncpg.Connection, network: Network
) -> None:
    dealer = await _arrange_october(db, network)
    row = await _generate(dealer, OCT, AFTER_OCT)
    body = row["body"] if isinstance(row["body"], dict) else json.loads(row["body"])

    assert body["month"] == "2026-10-01" and body["to"] == "2026-10-31"
    assert body["service"]["delivered"] == 3
    assert body["service"]["labour_hours_sold"] == "4.00"
    revenue = body["revenue"]
    assert revenue["by_kind"] == {"labour": "750.00", "part": "500.00", "material": "20.00"}
    assert revenue["by_pay_type"] == {
        "customer": "480.00",
        "warranty": "700.00",
        "insurance": "0.00",
        "internal": "90.00",
    }
    assert revenue["labour_hours_by_pay_type"] == {
        "customer": "2.00",
        "warranty": "1.50",
        "insurance": "0.00",
        "internal": "0.50",
    }
    assert revenue["total"] == "1270.00"
    assert body["parts"]["sales"] == "500.00"
    warranty = body["warranty"]
    assert (warranty["submitted_count"], warranty["submitted_amount"]) == (3, "1250.00")
    assert (warranty["approved_count"], warranty["approved_amount"]) == (1, "650.00")
    assert warranty["rejected_count"] == 2
    assert body["care"]["delivered_orders"] == 3
    assert body["care"]["complaints_by_level"] == {
        k: 0 for k in body["care"]["complaints_by_level"]
    }
    # one advisor, one officer, one director at post; no parts manager (缺编)
    assert body["headcount"]["planned"] == 5 and body["headcount"]["filled"] == 3
    roles = {r["role"]: (r["planned"], r["filled"]) for r in body["headcount"]["roles"]}
    assert roles["service_advisor"] == (2, 1) and roles["parts_manager"] == (1, 0)
    names = {r["role"]: r["name_zh"] for r in body["headcount"]["roles"]}
    assert names["service_advisor"] == "服务顾问"
    assert row["due_on"] == date(2026, 11, 5) and row["status"] == "draft"


def test_due_date_is_the_manufacturers_day_of_the_following_month() -> None:
    assert due_on(date(2026, 10, 1), 5) == date(2026, 11, 5)
    assert due_on(date(2026, 12, 1), 5) == date(2027, 1, 5)
    assert due_on(date(2026, 1, 1), 28) == date(2026, 2, 28)


async def test_due_day_comes_from_the_manufacturer(
    db: asyncpg.Connection, network: Network
) -> None:
    await db.execute(
        "update manufacturer set monthly_report_due_day = 10 where id = $1",
        network.manufacturer_id,
    )
    row = await _generate(network.dealer_ids[1], OCT, AFTER_OCT)
    assert row["due_on"] == date(2026, 11, 10)


async def test_states_and_refusals(db: asyncpg.Connection, network: Network) -> None:
    dealer, info = network.dealer_ids[0], network.staff("info")
    scope = TenantScope.of((dealer,), info)
    with pytest.raises(RuleViolation) as refused:
        await _generate(dealer, date(2026, 11, 1), AFTER_OCT)
    assert refused.value.rule == "month_not_over"

    row = await _generate(dealer, OCT, AFTER_OCT)
    assert await _generate(dealer, OCT, AFTER_OCT) is None  # once per month
    rid = row["id"]

    async def move(step: str, **kw: Any) -> Any:
        async with tenant_transaction(scope, fresh=True) as tx:
            c = tx.connection
            if step == "review":
                return await states.review(c, dealer, rid, info, kw.get("note", ""), AFTER_OCT)
            if step == "regenerate":
                return await states.regenerate(c, dealer, rid, AFTER_OCT + timedelta(hours=1))
            return await states.submit(c, dealer, rid, info, AFTER_OCT)

    with pytest.raises(RuleViolation) as refused:
        await move("submit")  # a draft is reviewed first
    assert refused.value.rule == "monthly_report_transition"

    reviewed = await move("review", note="  checked against the DMS  ")
    assert (reviewed["status"], reviewed["note"], reviewed["reviewed_by"]) == (
        "reviewed",
        "checked against the DMS",
        info,
    )
    regenerated = await move("regenerate")
    assert regenerated["status"] == "draft" and regenerated["reviewed_by"] is None
    assert regenerated["generated_at"] == AFTER_OCT + timedelta(hours=1)

    await move("review")
    submitted = await move("submit")
    assert submitted["status"] == "submitted" and submitted["submitted_by"] == info
    for step in ("submit", "review", "regenerate"):
        with pytest.raises(RuleViolation) as refused:
            await move(step)
        assert refused.value.rule == "monthly_report_transition"
    body_before = submitted["body"]
    after = await db.fetchrow("select * from dealer_monthly_report where id = $1", rid)
    assert json.loads(after["body"]) == body_before and after["status"] == "submitted"
    actions = await db.fetch(
        "select action from audit_entry where object_type = 'dealer_monthly_report'"
        " and object_id = $1 order by id",
        str(rid),
    )
    assert [a["action"] for a in actions] == [
        "monthly_report.generated",
        "monthly_report.reviewed",
        "monthly_report.regenerated",
        "monthly_report.reviewed",
        "monthly_report.submitted",
    ]


async def _submit_at(dealer: int, user: int, month: date, at: datetime) -> None:
    row = await _generate(dealer, month, AFTER_OCT.replace(month=12))
    async with tenant_transaction(TenantScope.of((dealer,), user), fresh=True) as tx:
        await states.review(tx.connection, dealer, row["id"], user, "", at)
        await states.submit(tx.connection, dealer, row["id"], user, at)


async def test_on_time_late_missing_pending_by_local_date(
    db: asyncpg.Connection, network: Network
) -> None:
    shanghai, info = network.dealer_ids[0], network.staff("info")
    los_angeles = await make_dealer(db, network.region_id, "America/Los_Angeles")
    # due 5 November: 23:59 local is on time, 00:01 the next local day is late
    await _submit_at(shanghai, info, OCT, sh(5, 23, 59, month=11))
    await _submit_at(shanghai, info, date(2026, 9, 1), sh(6, 0, 1, month=10))

    def grid_at(now: datetime) -> Any:
        async def run() -> dict[tuple[int, date], str]:
            async with tenant_transaction(
                TenantScope.of((shanghai, los_angeles)), fresh=True
            ) as tx:
                cells = await queries.region_grid(
                    tx.connection, [shanghai, los_angeles], date(2026, 9, 1), OCT, now
                )
            return {(c.dealer_id, c.month): c.state for c in cells}

        return run()

    # 6 November 00:30 in Shanghai is 5 November 08:30 in Los Angeles
    cells = await grid_at(sh(6, 0, 30, month=11))
    assert cells[(shanghai, OCT)] == "on_time"
    assert cells[(shanghai, date(2026, 9, 1))] == "late"
    assert cells[(los_angeles, date(2026, 9, 1))] == "missing"
    assert cells[(los_angeles, OCT)] == "pending"  # still 5 November there
    # once 5 November is over in Los Angeles, its October report is missing
    cells = await grid_at(datetime(2026, 11, 6, 8, 1, tzinfo=UTC))
    assert cells[(los_angeles, OCT)] == "missing"
    # a drafted but unsubmitted report is missing just the same after its due date
    await _generate(los_angeles, OCT, AFTER_OCT)
    assert (await grid_at(datetime(2026, 11, 6, 8, 1, tzinfo=UTC)))[(los_angeles, OCT)] == (
        "missing"
    )
