"""Recording follow-up calls: the three-attempt rule at different times of day, the only
reasons a revisit fails, calls outside the windows, callbacks, a driving customer, the
answered outcomes (a complaint opened in the same step) and two people recording at
once. Dealer in Asia/Shanghai (UTC+8): 09:30 local is 01:30 UTC, 15:00 is 07:00 UTC."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest

from tenants.care.revisit_calls import UNREACHED, AttemptInput
from tenants.errors import RuleViolation
from tests.care.factories_care import CareDesk
from tests.care.revisit_arrange import call, make_revisit, revisit_row


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


DELIVERED = utc(2026, 11, 24, 2, 0)  # 10:00 local
DUE_FROM = date(2026, 11, 25)
MORNING = utc(2026, 11, 25, 1, 30)  # 09:30 local, slot 0
AFTERNOON = utc(2026, 11, 25, 7, 0)  # 15:00 local, slot 1
DAY = timedelta(days=1)
NO_ANSWER = AttemptInput(result="no_answer")


async def _revisit(db: asyncpg.Connection, desk: CareDesk, *, round: int = 1) -> int:
    return await make_revisit(db, desk, delivered_at=DELIVERED, due_from=DUE_FROM, round=round)


async def _refused(desk: CareDesk, revisit: int, given: AttemptInput, now: datetime) -> str:
    with pytest.raises(RuleViolation) as refused:
        await call(desk, revisit, given, now)
    return refused.value.rule


async def test_two_unreached_calls_keep_the_revisit_open_in_another_slot(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    revisit = await _revisit(db, desk)
    first = await call(desk, revisit, NO_ANSWER, MORNING)
    assert (first.attempt_no, first.status) == (1, "open")
    assert first.next_call_at == utc(2026, 11, 25, 6, 0)  # 14:00 the same day
    second = await call(desk, revisit, AttemptInput(result="busy"), AFTERNOON)
    assert (second.attempt_no, second.status, second.failure_reason) == (2, "open", None)
    assert second.next_call_at == utc(2026, 11, 26, 1, 0)  # 09:00 the next morning
    row = await revisit_row(db, revisit)
    assert (row["attempts"], row["unreached"], row["status"]) == (2, 2, "open")
    assert row["next_call_at"] == second.next_call_at


async def test_three_unreached_in_one_slot_is_not_a_failure(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    revisit = await _revisit(db, desk)
    for n in range(3):
        got = await call(desk, revisit, NO_ANSWER, MORNING + n * DAY)
    assert (got.status, got.failure_reason) == ("open", None)
    assert got.next_call_at == utc(2026, 11, 27, 6, 0)  # the afternoon, never tried
    fourth = await call(desk, revisit, AttemptInput(result="switched_off"), got.next_call_at)
    assert (fourth.status, fourth.failure_reason) == ("contact_check", "no_answer")
    row = await revisit_row(db, revisit)
    assert (row["attempts"], row["unreached"], row["next_call_at"]) == (4, 4, None)


async def test_three_unreached_across_slots_goes_to_the_advisor(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    revisit = await _revisit(db, desk)
    await call(desk, revisit, NO_ANSWER, MORNING)
    await call(desk, revisit, AttemptInput(result="unreachable"), AFTERNOON)
    third = await call(desk, revisit, AttemptInput(result="rejected_call"), MORNING + DAY)
    assert (third.status, third.failure_reason, third.next_call_at) == (
        "contact_check",
        "no_answer",
        None,
    )
    row = await revisit_row(db, revisit)
    assert (row["status"], row["completed_at"], row["round"]) == ("contact_check", None, 1)


@pytest.mark.parametrize("result", ["wrong_number", "mismatch", "refused"])
async def test_each_failure_reason_fails_the_round_at_once(
    db: asyncpg.Connection, desk: CareDesk, result: str
) -> None:
    revisit = await _revisit(db, desk)
    got = await call(desk, revisit, AttemptInput(result=result), MORNING)
    assert (got.status, got.failure_reason) == ("contact_check", result)


@pytest.mark.parametrize("result", [*UNREACHED, "driving"])
async def test_keep_trying_results_never_fail_the_round(
    db: asyncpg.Connection, desk: CareDesk, result: str
) -> None:
    revisit = await _revisit(db, desk)
    got = await call(desk, revisit, AttemptInput(result=result), MORNING)
    assert (got.status, got.failure_reason) == ("open", None)
    assert got.next_call_at is not None and got.next_call_at > MORNING


async def test_a_failure_in_round_two_closes_the_revisit_as_failed(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    revisit = await _revisit(db, desk, round=2)
    got = await call(desk, revisit, AttemptInput(result="wrong_number"), MORNING)
    assert got.status == "failed"
    row = await revisit_row(db, revisit)
    assert (row["failure_reason"], row["completed_at"]) == ("wrong_number", MORNING)
    assert row["completed_by"] == desk.users["cs"]
    attempt = await db.fetchrow(
        "select round, attempt_no from revisit_attempt where revisit_id = $1", revisit
    )
    assert attempt is not None and tuple(attempt) == (2, 1)


async def test_calls_outside_the_windows_are_refused(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    revisit = await _revisit(db, desk)
    lunch = utc(2026, 11, 25, 4, 0)  # 12:00 local
    assert await _refused(desk, revisit, NO_ANSWER, lunch) == "outside_call_windows"
    evening = utc(2026, 11, 25, 11, 0)  # 19:00 local
    assert await _refused(desk, revisit, NO_ANSWER, evening) == "outside_call_windows"
    assert (
        await db.fetchval("select count(*) from revisit_attempt where revisit_id = $1", revisit)
        == 0
    )


async def test_a_callback_the_customer_asked_for(db: asyncpg.Connection, desk: CareDesk) -> None:
    revisit = await _revisit(db, desk)
    assert (
        await _refused(desk, revisit, AttemptInput(result="call_back_later"), MORNING)
        == "callback_required"
    )
    noon = utc(2026, 11, 25, 4, 0)  # 12:00 local, outside the windows
    got = await call(
        desk, revisit, AttemptInput(result="call_back_later", callback_at=noon), MORNING
    )
    assert (got.status, got.next_call_at) == ("open", utc(2026, 11, 25, 6, 0))
    row = await revisit_row(db, revisit)
    assert (row["callback_requested"], row["unreached"]) == (True, 0)
    # at the time the customer named (±15 min) the call is allowed, not half an hour later
    late = noon + timedelta(minutes=30)
    assert await _refused(desk, revisit, NO_ANSWER, late) == "outside_call_windows"
    done = await call(
        desk,
        revisit,
        AttemptInput(result="answered", outcome="satisfied", survey={"overall": 5}),
        noon + timedelta(minutes=10),
    )
    assert done.status == "succeeded"


async def test_a_callback_inside_a_window_is_kept_to_the_minute(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    revisit = await _revisit(db, desk)
    at_1030 = utc(2026, 11, 25, 2, 30)
    got = await call(
        desk, revisit, AttemptInput(result="call_back_later", callback_at=at_1030), MORNING
    )
    assert got.next_call_at == at_1030
    assert (
        await _refused(
            desk,
            revisit,
            AttemptInput(result="call_back_later", callback_at=MORNING - DAY),
            MORNING,
        )
        == "callback_in_past"
    )


async def test_a_driving_customer_is_not_questioned(db: asyncpg.Connection, desk: CareDesk) -> None:
    revisit = await _revisit(db, desk)
    surveyed = AttemptInput(result="driving", survey={"overall": 5})
    assert await _refused(desk, revisit, surveyed, MORNING) == "driving_no_questions"
    at_1500 = AFTERNOON
    got = await call(desk, revisit, AttemptInput(result="driving", callback_at=at_1500), MORNING)
    assert (got.status, got.next_call_at) == ("open", at_1500)
    row = await revisit_row(db, revisit)
    assert (row["unreached"], row["callback_requested"]) == (0, True)
    assert (
        await db.fetchval(
            "select count(*) from revisit_survey_answer where revisit_id = $1", revisit
        )
        == 0
    )


async def test_satisfied_needs_the_overall_score_and_stores_the_survey(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    revisit = await _revisit(db, desk)
    no_overall = AttemptInput(result="answered", outcome="satisfied", survey={"advisor": 4})
    assert await _refused(desk, revisit, no_overall, MORNING) == "survey_required"
    bad = AttemptInput(result="answered", outcome="satisfied", survey={"overall": 6})
    assert await _refused(desk, revisit, bad, MORNING) == "score_range"
    assert await _refused(desk, revisit, AttemptInput(result="answered"), MORNING) == (
        "outcome_required"
    )
    got = await call(
        desk,
        revisit,
        AttemptInput(
            result="answered",
            outcome="satisfied",
            survey={"overall": 5, "advisor": 4, "recommend": 5},
        ),
        MORNING,
    )
    assert got.status == "succeeded"
    row = await revisit_row(db, revisit)
    assert (row["outcome"], row["completed_at"], row["next_call_at"]) == (
        "satisfied",
        MORNING,
        None,
    )
    answers = await db.fetch(
        "select question, score from revisit_survey_answer where revisit_id = $1 order by id",
        revisit,
    )
    assert [tuple(a) for a in answers] == [("overall", 5), ("advisor", 4), ("recommend", 5)]
    again = AttemptInput(result="answered", outcome="satisfied", survey={"overall": 5})
    assert await _refused(desk, revisit, again, AFTERNOON) == "revisit_not_open"
    audit = await db.fetchval(
        "select count(*) from audit_entry where object_type = 'revisit' and object_id = $1"
        " and action = 'revisit.record_attempt'",
        str(revisit),
    )
    assert audit == 1


async def test_a_question_is_logged(db: asyncpg.Connection, desk: CareDesk) -> None:
    revisit = await _revisit(db, desk)
    blank = AttemptInput(result="answered", outcome="question", question="  ")
    assert await _refused(desk, revisit, blank, MORNING) == "question_required"
    await call(
        desk,
        revisit,
        AttemptInput(result="answered", outcome="question", question="When is the next service?"),
        MORNING,
    )
    attempt = await db.fetchrow("select * from revisit_attempt where revisit_id = $1", revisit)
    assert attempt is not None
    assert (attempt["outcome"], attempt["question"]) == ("question", "When is the next service?")
    assert (await revisit_row(db, revisit))["outcome"] == "question"


async def test_a_complaint_opens_its_ticket_in_the_same_step(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    revisit = await _revisit(db, desk)
    no_summary = AttemptInput(result="answered", outcome="complaint")
    assert await _refused(desk, revisit, no_summary, MORNING) == "complaint_summary_required"
    got = await call(
        desk,
        revisit,
        AttemptInput(
            result="answered",
            outcome="complaint",
            complaint_level="serious",
            complaint_summary="Noise from the front axle again",
            survey={"overall": 2},
        ),
        MORNING,
    )
    assert got.status == "succeeded" and got.complaint_id is not None
    complaint = await db.fetchrow("select * from complaint where id = $1", got.complaint_id)
    assert complaint is not None
    row = await revisit_row(db, revisit)
    assert (complaint["channel"], complaint["level"], complaint["revisit_id"]) == (
        "revisit",
        "serious",
        revisit,
    )
    assert (complaint["customer_id"], complaint["repair_order_id"]) == (
        row["customer_id"],
        row["repair_order_id"],
    )
    assert (row["outcome"], row["complaint_id"]) == ("complaint", got.complaint_id)
    attempt_complaint = await db.fetchval(
        "select complaint_id from revisit_attempt where revisit_id = $1", revisit
    )
    assert attempt_complaint == got.complaint_id
    assert (
        await db.fetchval(
            "select count(*) from complaint_action where complaint_id = $1 and kind = 'received'",
            got.complaint_id,
        )
        == 1
    )


async def test_a_refused_complaint_leaves_nothing_behind(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    revisit = await _revisit(db, desk)
    bad_survey = AttemptInput(
        result="answered",
        outcome="complaint",
        complaint_summary="Scratched door",
        survey={"overall": 0},
    )
    assert await _refused(desk, revisit, bad_survey, MORNING) == "score_range"
    assert await db.fetchval("select count(*) from complaint") == 0
    assert (await revisit_row(db, revisit))["status"] == "open"


async def test_two_simultaneous_calls_are_numbered_apart(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    revisit = await _revisit(db, desk)
    results = await asyncio.gather(
        call(desk, revisit, NO_ANSWER, MORNING, caller="cs"),
        call(desk, revisit, AttemptInput(result="busy"), MORNING, caller="cs2"),
    )
    assert sorted(r.attempt_no for r in results) == [1, 2]
    numbers = await db.fetch(
        "select attempt_no from revisit_attempt where revisit_id = $1 order by attempt_no",
        revisit,
    )
    assert [r["attempt_no"] for r in numbers] == [1, 2]
    row = await revisit_row(db, revisit)
    assert (row["attempts"], row["unreached"]) == (2, 2)
