"""The care measures on hand-computed data: each figure, period boundaries in the
dealer's local dates (Shanghai, and Berlin across the spring DST change), several
dealers and periods in one statement, and the GraphQL dashboard with its targets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import asyncpg
import httpx

from tenants.care.measures import measures, trailing_months
from tests.api.graphql_client import gql
from tests.care.conftest import SignIn
from tests.care.factories_care import CareDesk, deliver_order, make_care_desk
from tests.care.measures_arrange import complaint, revisit_for

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
NOW = datetime(2026, 4, 10, 4, 0, tzinfo=UTC)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


async def arrange_march(db: asyncpg.Connection, desk: CareDesk) -> None:
    """Shanghai is UTC+8: 2026-02-28 16:30 UTC is 00:30 on 1 March there."""
    # 1: delivered 00:30 on 1 March local; two calls; satisfied; overall 5, advisor 4
    await revisit_for(
        db,
        desk,
        utc(2, 28, 16, 30),
        calls=[(utc(3, 2, 1), "no_answer"), (utc(3, 2, 6, 30), "answered")],
        status="succeeded",
        outcome="satisfied",
        scores={"overall": 5, "advisor": 4},
    )
    # 2: 23:30 on 31 March local, never called; due by 3 April, before NOW's local day
    await revisit_for(db, desk, utc(3, 31, 15, 30))
    # 3: 00:30 on 1 April local: not March
    await revisit_for(db, desk, utc(3, 31, 16, 30), calls=[(utc(4, 1, 2), "busy")])
    # 4: three unanswered calls, failed
    await revisit_for(
        db,
        desk,
        utc(3, 10, 2),
        calls=[
            (utc(3, 11, 1, 30), "no_answer"),
            (utc(3, 11, 6, 30), "no_answer"),
            (utc(3, 12, 10), "no_answer"),
        ],
        status="failed",
        failure_reason="no_answer",
    )
    # 5: answered with a complaint; overall 1, repair quality 2
    await revisit_for(
        db,
        desk,
        utc(3, 12, 2),
        calls=[(utc(3, 13, 2), "answered")],
        status="succeeded",
        outcome="complaint",
        scores={"overall": 1, "repair_quality": 2},
    )
    # 6: a wrong number, back with the advisor
    await revisit_for(
        db,
        desk,
        utc(3, 20, 2),
        calls=[(utc(3, 21, 2), "wrong_number")],
        status="contact_check",
        failure_reason="wrong_number",
    )
    # 7: delivered in February, due by 1 March, succeeded in February (score not March's)
    await revisit_for(
        db,
        desk,
        utc(2, 26, 2),
        calls=[(utc(2, 27, 2), "answered")],
        status="succeeded",
        outcome="satisfied",
        scores={"overall": 1},
        due_days=(1, 3),
    )
    # a delivered order of another dealer counts nowhere here
    await deliver_order(db, desk, utc(3, 15, 2), dealer_id=desk.far_dealer_id)

    # complaints: a severe one closed after 28 h, an open general one, a serious one
    # received at 01:00 on 1 March local and closed in April, a serious one of February
    # closed in March after 48 h, a withdrawn one, a grievance closed after 10 h
    await complaint(
        db,
        desk,
        utc(3, 5, 2),
        level="severe",
        channel="revisit",
        status="closed",
        closed_at=utc(3, 6, 6),
    )
    await complaint(db, desk, utc(3, 15, 2), level="general", status="routed")
    await complaint(
        db, desk, utc(2, 28, 17), level="serious", status="closed", closed_at=utc(4, 2, 2)
    )
    await complaint(
        db, desk, utc(2, 28, 15), level="serious", status="closed", closed_at=utc(3, 2, 15)
    )
    await complaint(db, desk, utc(3, 7, 2), level="grievance", status="withdrawn")
    await complaint(
        db, desk, utc(3, 20, 2), level="grievance", status="closed", closed_at=utc(3, 20, 12)
    )


async def test_each_figure_of_a_month_by_hand(db: asyncpg.Connection, desk: CareDesk) -> None:
    await arrange_march(db, desk)
    [m] = await measures(db, [desk.dealer_id], [MARCH], NOW)
    # delivered in March (local): 1, 2, 4, 5, 6; called: 1, 4, 5, 6; 2 never called
    assert (m.delivered_orders, m.called_orders, m.due_never_called) == (5, 4, 1)
    assert m.coverage == Decimal("0.8000") and m.coverage_met is False
    # due in March: 1 (4 Mar), 4, 5, 6 and 7 (1 Mar); succeeded 1, 5, 7
    assert (m.revisits_due, m.succeeded, m.failed, m.contact_check, m.still_open) == (
        5,
        3,
        1,
        1,
        0,
    )
    assert m.success_rate == Decimal("0.6000") and m.success_met is False
    assert m.attempts_of_succeeded == 4 and m.attempts_per_success == Decimal("1.33")
    assert (m.calls, m.answered_calls) == (7, 2)
    # (100 + 75 + 0 + 25) / 4; February's answer left out
    assert m.survey_answers == 4 and m.csi == Decimal("50.0")
    assert {q.question: (q.answers, q.csi) for q in m.csi_by_question} == {
        "overall": (2, Decimal("50.0")),
        "advisor": (1, Decimal("75.0")),
        "repair_quality": (1, Decimal("25.0")),
    }
    assert (m.complaints, m.major_complaints) == (4, 2)
    assert m.complaints_by_level == {"grievance": 1, "general": 1, "serious": 1, "severe": 1}
    assert m.complaints_by_channel == {"revisit": 1, "phone": 3}
    assert m.major_complaint_rate == Decimal("0.4000") and m.major_complaint_met is False
    # closed in March: 28 h, 48 h, 10 h
    assert m.closed_complaints == 3
    assert (m.close_hours_median, m.close_hours_p90) == (Decimal("28.0"), Decimal("44.0"))


async def test_an_empty_period_measures_nothing_rather_than_zero(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    [m] = await measures(db, [desk.dealer_id], [MARCH], NOW)
    assert (m.coverage, m.success_rate, m.attempts_per_success, m.csi) == (None,) * 4
    assert (m.major_complaint_rate, m.close_hours_median, m.coverage_met) == (None,) * 3


async def test_dealers_and_periods_in_one_statement(db: asyncpg.Connection, desk: CareDesk) -> None:
    await arrange_march(db, desk)
    april = (date(2026, 4, 1), date(2026, 4, 30))
    rows = await measures(db, [desk.dealer_id, desk.far_dealer_id], [MARCH, april], NOW)
    by_key = {(m.dealer_id, m.start): m for m in rows}
    assert len(rows) == 4
    assert by_key[(desk.dealer_id, april[0])].delivered_orders == 1  # order 3
    assert by_key[(desk.dealer_id, april[0])].coverage == Decimal("1.0000")
    assert by_key[(desk.far_dealer_id, MARCH[0])].delivered_orders == 1
    assert by_key[(desk.far_dealer_id, MARCH[0])].called_orders == 0


async def test_local_days_across_the_spring_dst_change(db: asyncpg.Connection) -> None:
    """Berlin moves from UTC+1 to UTC+2 at 02:00 on 29 March 2026: that day runs from
    23:00 UTC on the 28th to 22:00 UTC on the 29th."""
    desk = await make_care_desk(db, time_zone="Europe/Berlin")
    await deliver_order(db, desk, utc(3, 28, 22, 59))  # 23:59 on the 28th (CET)
    await deliver_order(db, desk, utc(3, 28, 23, 0))  # 00:00 on the 29th
    await deliver_order(db, desk, utc(3, 29, 21, 59))  # 23:59 on the 29th (CEST)
    await deliver_order(db, desk, utc(3, 29, 22, 0))  # 00:00 on the 30th
    day = date(2026, 3, 29)
    [m] = await measures(db, [desk.dealer_id], [(day, day)], NOW)
    assert m.delivered_orders == 2
    [before, after] = await measures(
        db, [desk.dealer_id], [(date(2026, 3, 28), date(2026, 3, 28)), (day, day)], NOW
    )
    assert (before.delivered_orders, after.delivered_orders) == (1, 2)


async def test_due_but_never_called_waits_for_the_last_day(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    await revisit_for(db, desk, utc(3, 31, 15, 30))  # due 1-3 April local
    on_due_by = datetime(2026, 4, 3, 4, 0, tzinfo=UTC)
    [m] = await measures(db, [desk.dealer_id], [MARCH], on_due_by)
    assert m.due_never_called == 0
    [m] = await measures(db, [desk.dealer_id], [MARCH], on_due_by + timedelta(days=1))
    assert m.due_never_called == 1


def test_trailing_months_end_with_todays_month() -> None:
    months = trailing_months(date(2026, 3, 15), 3)
    assert months == [
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 31)),
    ]
    assert trailing_months(date(2024, 12, 31), 12)[0] == (date(2024, 1, 1), date(2024, 1, 31))


MEASURES_QUERY = """
query($from: Date!, $to: Date!) {
  careMeasures(from: $from, to: $to) {
    from to deliveredOrders calledOrders dueNeverCalled
    coverage { value target met }
    successRate { value target met }
    attemptsPerSuccess csi csiByQuestion { question answers csi }
    majorComplaintRate { value target met }
    complaintsByLevel { key count } complaintsByChannel { key count }
    closeHoursMedian closeHoursP90
  }
  careMeasureTrend(months: 3) { from to coverage successRate csi majorComplaintRate }
}
"""


async def test_the_dashboard_shows_figures_against_targets(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_desk: CareDesk, sign_in: SignIn
) -> None:
    await arrange_march(db, api_desk)
    variables = {"from": "2026-03-01", "to": "2026-03-31"}
    body = await gql(client, MEASURES_QUERY, variables, await sign_in("cr_manager"))
    assert not body.get("errors"), body
    m = body["data"]["careMeasures"]
    assert (m["deliveredOrders"], m["calledOrders"], m["dueNeverCalled"]) == (5, 4, 1)
    assert m["coverage"] == {"value": "0.8000", "target": "1", "met": False}
    assert m["successRate"] == {"value": "0.6000", "target": "0.8", "met": False}
    assert m["majorComplaintRate"] == {"value": "0.4000", "target": "0.01", "met": False}
    assert m["csi"] == "50.0" and m["attemptsPerSuccess"] == "1.33"
    assert {"key": "severe", "count": 1} in m["complaintsByLevel"]
    assert len(body["data"]["careMeasureTrend"]) == 3


PERIOD_ONLY = """
query($from: Date!, $to: Date!) { careMeasures(from: $from, to: $to) { deliveredOrders } }
"""


async def test_measures_need_revisit_read_and_a_sane_period(
    client: httpx.AsyncClient, api_desk: CareDesk, sign_in: SignIn
) -> None:
    body = await gql(
        client,
        PERIOD_ONLY,
        {"from": "2026-03-01", "to": "2026-03-31"},
        await sign_in("parts"),
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql(
        client,
        PERIOD_ONLY,
        {"from": "2026-03-31", "to": "2026-03-01"},
        await sign_in("cs"),
    )
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "to"}
