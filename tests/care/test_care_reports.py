"""The care reports: what the daily problem report and the two monthly reports contain
(generated from the data), regeneration of an unsubmitted report only, and the submit
rules through GraphQL (once, the late flag, who may submit which kind)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import httpx

from tenants.care import reports
from tenants.database import TenantScope, tenant_transaction
from tenants.errors import RuleViolation
from tests.api.graphql_client import gql
from tests.care.conftest import SignIn
from tests.care.factories_care import CareDesk
from tests.care.measures_arrange import complaint, revisit_for
from tests.care.test_care_measures import arrange_march, utc

DAY = date(2026, 3, 13)  # Shanghai; 12 March 16:00 UTC to 13 March 16:00 UTC
AFTER_DAY = datetime(2026, 3, 13, 12, 0, tzinfo=UTC)  # 20:00 local


async def _body(db: asyncpg.Connection, desk: CareDesk, kind: str, period: date) -> Any:
    raw = await db.fetchval(
        "select body from care_report where dealer_id = $1 and kind = $2 and period_start = $3",
        desk.dealer_id,
        kind,
        period,
    )
    return json.loads(raw) if isinstance(raw, str) else raw


async def _generate(desk: CareDesk, kind: str, day: date, now: datetime) -> int:
    async with tenant_transaction(TenantScope.of((desk.dealer_id,)), fresh=True) as tx:
        return await reports.generate_on_demand(tx.connection, desk.dealer_id, kind, day, now)


async def test_the_daily_problem_report_lists_the_days_problems(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    # a question answered on the day, with a score of 2
    await revisit_for(
        db,
        desk,
        utc(3, 11, 2),
        calls=[(utc(3, 13, 2), "answered")],
        status="succeeded",
        outcome="question",
        question="When is the next service?",
        scores={"overall": 2, "advisor": 5},
    )
    # a revisit whose third unanswered call was on the day: failed
    await revisit_for(
        db,
        desk,
        utc(3, 10, 2),
        calls=[
            (utc(3, 11, 2), "no_answer"),
            (utc(3, 12, 7), "no_answer"),
            (utc(3, 13, 1), "no_answer"),
        ],
        status="contact_check",
        failure_reason="no_answer",
    )
    # the day before (23:30 local on the 12th) and the day after (00:30 on the 14th)
    await revisit_for(
        db,
        desk,
        utc(3, 10, 2),
        calls=[(utc(3, 12, 15, 30), "answered")],
        status="succeeded",
        outcome="question",
    )
    await revisit_for(
        db,
        desk,
        utc(3, 10, 2),
        calls=[(utc(3, 13, 16, 30), "answered")],
        status="succeeded",
        outcome="complaint",
        scores={"overall": 1},
    )
    new = await complaint(db, desk, utc(3, 13, 3), level="serious")
    overdue = await complaint(
        db, desk, utc(3, 10, 3), level="general", status="routed", due_at=utc(3, 13, 10)
    )
    await complaint(
        db, desk, utc(3, 10, 3), level="general", status="routed", due_at=utc(3, 13, 17)
    )
    await _generate(desk, "daily_problems", DAY, AFTER_DAY)
    body = await _body(db, desk, "daily_problems", DAY)
    assert body["day"] == "2026-03-13"
    [call] = body["calls_with_problems"]
    assert (call["outcome"], call["question"]) == ("question", "When is the next service?")
    assert call["advisor"] and call["order_number"].startswith("C-")
    [failed] = body["failed_revisits"]
    assert (failed["status"], failed["failure_reason"], failed["attempts"]) == (
        "contact_check",
        "no_answer",
        3,
    )
    assert [c["complaint_id"] for c in body["new_complaints"]] == [new]
    assert [c["complaint_id"] for c in body["overdue_complaints"]] == [overdue]
    assert [(s["question"], s["score"]) for s in body["low_scores"]] == [("overall", 2)]
    assert body["counts"]["calls_with_problems"] == 1
    row = await db.fetchrow("select * from care_report where kind = 'daily_problems'")
    assert (row["period_start"], row["period_end"], row["due_on"]) == (
        DAY,
        DAY,
        date(2026, 3, 14),
    )
    audit = await db.fetchval(
        "select count(*) from audit_entry where action = 'care_report.generated'"
    )
    assert audit == 1


async def test_the_monthly_reports_carry_the_months_figures_and_tickets(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    await arrange_march(db, desk)
    # a ticket of February still open at the end of March is carried over
    carried = await complaint(db, desk, utc(2, 10, 2), level="general", status="routed")
    april = datetime(2026, 4, 2, 4, 0, tzinfo=UTC)
    await _generate(desk, "monthly_revisits", date(2026, 3, 20), april)
    await _generate(desk, "monthly_complaints", date(2026, 3, 20), april)
    revisits = await _body(db, desk, "monthly_revisits", date(2026, 3, 1))
    assert revisits["month"] == "2026-03"
    assert revisits["measures"]["coverage"] == "0.8000"
    assert revisits["measures"]["success_rate"] == "0.6000"
    assert revisits["by_category"] == {"question": 0, "complaint": 1, "low_score": 1, "failed": 2}
    assert {(r["failure_reason"], r["status"]) for r in revisits["failed_revisits"]} == {
        ("no_answer", "failed"),
        ("wrong_number", "contact_check"),
    }
    [advisor] = revisits["by_advisor"]
    assert (advisor["complaints"], advisor["failed"]) == (1, 2)
    complaints = await _body(db, desk, "monthly_complaints", date(2026, 3, 1))
    # received in March (not withdrawn): 4, plus the withdrawn one listed; carried: 1
    assert complaints["received"] == 5 and complaints["carried_over"] == 1
    by_id = {c["complaint_id"]: c for c in complaints["complaints"]}
    assert by_id[carried]["carried_over"] and by_id[carried]["still_open"]
    closed = [c for c in complaints["complaints"] if c["hours_to_close"] is not None]
    assert sorted(float(c["hours_to_close"]) for c in closed) == [10.0, 28.0]
    # closed in April: still open at the end of March
    assert complaints["still_open"] == 3
    due = await db.fetchval("select due_on from care_report where kind = 'monthly_complaints'")
    assert due == date(2026, 4, 3)


async def test_regenerating_replaces_only_an_unsubmitted_report(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    first = await _generate(desk, "daily_problems", DAY, AFTER_DAY)
    await complaint(db, desk, utc(3, 13, 3), level="serious")
    again = await _generate(desk, "daily_problems", DAY, AFTER_DAY)
    assert again == first
    assert len((await _body(db, desk, "daily_problems", DAY))["new_complaints"]) == 1
    await db.execute("update care_report set status = 'submitted' where id = $1", first)
    try:
        await _generate(desk, "daily_problems", DAY, AFTER_DAY)
    except RuleViolation as refused:
        assert refused.rule == "already_submitted"
    else:
        raise AssertionError("replaced a submitted report")
    try:
        await _generate(desk, "daily_problems", date(2026, 3, 14), AFTER_DAY)
    except RuleViolation as refused:
        assert refused.rule == "period_not_begun"
    else:
        raise AssertionError("generated a report of a day not begun")


REPORTS = """
query($kind: CareReportKind) {
  careReports(kind: $kind, first: 10) {
    edges { node { id kind periodStart dueOn status late overdue canSubmit } }
  }
}
"""
GENERATE = """
mutation($kind: CareReportKind!, $period: Date!) {
  generateCareReport(kind: $kind, period: $period) { id kind status periodStart dueOn }
}
"""
SUBMIT = """
mutation($id: ID!, $note: String!) {
  submitCareReport(id: $id, note: $note) {
    id status late note submittedBy { displayName } body
  }
}
"""


async def test_submit_once_late_flag_and_permissions(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_desk: CareDesk, sign_in: SignIn
) -> None:
    front_desk = await sign_in("front_desk")
    body = await gql(
        client, GENERATE, {"kind": "DAILY_PROBLEMS", "period": "2026-03-13"}, front_desk
    )
    assert not body.get("errors"), body
    daily = body["data"]["generateCareReport"]
    assert (daily["status"], daily["dueOn"]) == ("GENERATED", "2026-03-14")
    # the CR manager may submit monthly reports, not the daily one
    body = await gql(client, SUBMIT, {"id": daily["id"], "note": "x"}, await sign_in("cr_manager"))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql(
        client, GENERATE, {"kind": "DAILY_PROBLEMS", "period": "2026-03-13"}, await sign_in("cs")
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # listed as overdue (the 14th is long past), submitted late, once
    listed = await gql(client, REPORTS, {"kind": "DAILY_PROBLEMS"}, front_desk)
    [edge] = listed["data"]["careReports"]["edges"]
    assert (edge["node"]["overdue"], edge["node"]["canSubmit"]) == (True, True)
    body = await gql(client, SUBMIT, {"id": daily["id"], "note": " checked "}, front_desk)
    assert not body.get("errors"), body
    submitted = body["data"]["submitCareReport"]
    assert (submitted["status"], submitted["late"], submitted["note"]) == (
        "SUBMITTED",
        True,
        "checked",
    )
    assert submitted["submittedBy"]["displayName"]
    assert submitted["body"]["day"] == "2026-03-13"
    body = await gql(client, SUBMIT, {"id": daily["id"], "note": "again"}, front_desk)
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "id",
        "rule": "already_submitted",
    }
    body = await gql(
        client, GENERATE, {"kind": "DAILY_PROBLEMS", "period": "2026-03-13"}, front_desk
    )
    assert body["errors"][0]["extensions"]["rule"] == "already_submitted"
    # a month report generated today is not late when submitted by its due date
    today = datetime.now(UTC).date()
    body = await gql(
        client,
        GENERATE,
        {"kind": "MONTHLY_COMPLAINTS", "period": today.isoformat()},
        await sign_in("cr_manager"),
    )
    monthly = body["data"]["generateCareReport"]
    body = await gql(client, SUBMIT, {"id": monthly["id"], "note": ""}, await sign_in("cr_manager"))
    assert body["data"]["submitCareReport"]["late"] is False
    actions = [
        r["action"]
        for r in await db.fetch(
            "select action from audit_entry where object_type = 'care_report' order by id"
        )
    ]
    assert actions == [
        "care_report.generated",
        "care_report.submitted",
        "care_report.generated",
        "care_report.submitted",
    ]
    # another dealer's staff sees none of them
    body = await gql(client, REPORTS, {"kind": None}, await sign_in("far_cs"))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
