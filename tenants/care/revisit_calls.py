"""Recording a follow-up call (回访) and what it does to the revisit.

The digest's rules, as the manufacturer audits them:

- calls are made inside the dealer's call windows, except a callback at the time the
  customer asked for (±15 minutes);
- busy, no answer, unreachable, switched off, rejected, not present (占线、无法接通、无人接听、
  关机、拒接、客户不在旁) are *unreached*: try again at another time of day; the customer
  asking to be called later (另约时间) or driving (no questions while driving) are reached
  but not surveyed: call back;
- the revisit fails only for a wrong number, a number that does not match the record,
  the customer refusing, or ``min_attempts`` unreached calls in a round that span at least
  two times of day (three calls all in the morning are not "different times");
- a failure in the first round goes back to the advisor to check the contact data
  (``contact_check``); a failure after that closes the revisit as failed;
- an answered call ends the revisit: satisfied (with the survey), a question answered
  (logged), or a complaint, whose ticket is opened in the same transaction.

The revisit row is locked for the whole call, so two people recording at once queue up
instead of numbering two attempts alike or losing a counter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import asyncpg

from tenants.audit.recorder import record
from tenants.care.call_windows import in_window, next_attempt_at, slot_of
from tenants.care.complaint_intake import open_complaint
from tenants.care.settings import COMPLAINT_LEVELS, CareRules, load_rules
from tenants.care.survey import validate_answers
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation

UNREACHED = ("busy", "no_answer", "unreachable", "switched_off", "rejected_call", "not_present")
CALL_BACK = ("call_back_later", "driving")
FAILING = ("wrong_number", "mismatch", "refused")
RESULTS = ("answered", *UNREACHED, *CALL_BACK, *FAILING)
OUTCOMES = ("satisfied", "question", "complaint")
CALLBACK_TOLERANCE = timedelta(minutes=15)


@dataclass(frozen=True)
class AttemptInput:
    result: str
    outcome: str | None = None
    question: str = ""
    note: str = ""
    phone: str = ""
    callback_at: datetime | None = None
    survey: Mapping[str, int] = field(default_factory=dict)
    complaint_level: str = "general"
    complaint_summary: str = ""
    complaint_detail: str = ""


@dataclass(frozen=True)
class AttemptRecorded:
    attempt_id: int
    attempt_no: int
    status: str
    next_call_at: datetime | None
    failure_reason: str | None
    complaint_id: int | None


_LOCK_SQL = """
select r.*, c.phone as customer_phone
  from revisit r join customer c on c.dealer_id = r.dealer_id and c.id = r.customer_id
 where r.dealer_id = $1 and r.id = $2
   for update of r
"""


def check_input(given: AttemptInput, now: datetime) -> dict[str, int]:
    """Refuses a call record that contradicts itself; the survey answers in order."""
    if given.result not in RESULTS:
        raise RuleViolation("result", "attempt_result", f"Unknown call result {given.result!r}")
    answered = given.result == "answered"
    if answered and given.outcome not in OUTCOMES:
        raise RuleViolation("outcome", "outcome_required", "An answered call needs its outcome")
    if not answered and given.outcome is not None:
        raise RuleViolation(
            "outcome", "outcome_only_when_answered", "Only an answered call has an outcome"
        )
    if given.outcome == "question" and not given.question.strip():
        raise RuleViolation("question", "question_required", "Log the customer's question")
    if given.outcome == "complaint":
        if given.complaint_level not in COMPLAINT_LEVELS:
            raise RuleViolation("complaintLevel", "complaint_level", "Unknown complaint level")
        if not given.complaint_summary.strip():
            raise RuleViolation(
                "complaintSummary", "complaint_summary_required", "Say what the complaint is"
            )
    if given.result == "driving" and given.survey:
        raise RuleViolation(
            "survey", "driving_no_questions", "A customer who is driving is not questioned"
        )
    if given.survey and not answered:
        raise RuleViolation(
            "survey", "survey_only_when_answered", "Only an answered call has a survey"
        )
    if given.result == "call_back_later" and given.callback_at is None:
        raise RuleViolation("callbackAt", "callback_required", "When should we call back?")
    if given.callback_at is not None:
        if given.result not in CALL_BACK:
            raise RuleViolation(
                "callbackAt", "callback_not_expected", "Only a callback request has a time"
            )
        if given.callback_at.tzinfo is None or given.callback_at <= now:
            raise RuleViolation("callbackAt", "callback_in_past", "A callback lies ahead")
    return validate_answers(given.survey, outcome=given.outcome) if answered else {}


def may_call_now(
    rules: CareRules, revisit: asyncpg.Record, asked_at: datetime | None, now: datetime
) -> bool:
    """Inside a call window, or at a callback the customer asked for (±15 minutes of the
    time they named, ``asked_at``, or of the call it was moved to)."""
    if in_window(rules, now):
        return True
    if not revisit["callback_requested"]:
        return False
    return any(
        at is not None and abs(now - at) <= CALLBACK_TOLERANCE
        for at in (asked_at, revisit["next_call_at"])
    )


def _distinct_times(rules: CareRules, instants: list[datetime]) -> int:
    """Times of day the calls were made in; a callback outside the windows is one of its own."""
    return len({slot_of(rules, at) for at in instants})


async def record_attempt(
    tx: ActiveTransaction,
    dealer_id: int,
    revisit_id: int,
    given: AttemptInput,
    *,
    caller_user_id: int,
    now: datetime,
    request_id: str = "",
) -> AttemptRecorded:
    """Append the call to the revisit's log and move the revisit on, in the caller's
    transaction (one per mutation)."""
    answers = check_input(given, now)
    connection = tx.connection
    revisit = await connection.fetchrow(_LOCK_SQL, dealer_id, revisit_id)
    if revisit is None:
        raise RecordNotFound(f"Revisit {revisit_id}")
    if revisit["status"] != "open":
        raise RuleViolation(
            "revisitId",
            "revisit_not_open",
            f"Revisit {revisit_id} is {revisit['status']}",
            status=revisit["status"],
        )
    rules = await load_rules(connection, dealer_id)
    asked_at: datetime | None = await connection.fetchval(
        "select callback_at from revisit_attempt where dealer_id = $1 and revisit_id = $2"
        " order by attempt_no desc limit 1",
        dealer_id,
        revisit_id,
    )
    if not may_call_now(rules, revisit, asked_at, now):
        raise RuleViolation(
            "calledAt", "outside_call_windows", "Calls are made only inside the call windows"
        )
    unreached_at: list[datetime] = [
        r["called_at"]
        for r in await connection.fetch(
            "select called_at from revisit_attempt where dealer_id = $1 and revisit_id = $2"
            " and round = $3 and result = any($4::text[]) order by attempt_no",
            dealer_id,
            revisit_id,
            revisit["round"],
            list(UNREACHED),
        )
    ]

    status, next_call, reason, callback = "open", None, None, False
    unreached = revisit["unreached"]
    outcome = given.outcome
    if given.result == "answered":
        status = "succeeded"
    elif given.result in FAILING:
        reason = given.result
    elif given.result in UNREACHED:
        unreached += 1
        unreached_at.append(now)
        if unreached >= rules.min_attempts and _distinct_times(rules, unreached_at) >= 2:
            reason = "no_answer"
        else:
            next_call = next_attempt_at(rules, unreached_at, now, due_from=revisit["due_from"])
    else:  # call back: asked for a time, or driving
        callback = given.callback_at is not None
        next_call = next_attempt_at(
            rules, unreached_at, now, callback_at=given.callback_at, due_from=revisit["due_from"]
        )
    if reason is not None:
        status = "contact_check" if revisit["round"] == 1 else "failed"
    done = status in ("succeeded", "failed")

    complaint_id: int | None = None
    if outcome == "complaint":
        complaint = await open_complaint(
            connection,
            dealer_id,
            actor_user_id=caller_user_id,
            customer_id=revisit["customer_id"],
            vehicle_id=revisit["vehicle_id"],
            repair_order_id=revisit["repair_order_id"],
            revisit_id=revisit_id,
            channel="revisit",
            level=given.complaint_level,
            summary=given.complaint_summary,
            detail=given.complaint_detail,
            now=now,
        )
        complaint_id = complaint["id"]

    attempt_no = revisit["attempts"] + 1
    attempt_id: int = await connection.fetchval(
        """
        insert into revisit_attempt (dealer_id, revisit_id, round, attempt_no, called_at,
          caller_user_id, phone, result, outcome, question, note, callback_at, complaint_id)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        returning id
        """,
        dealer_id,
        revisit_id,
        revisit["round"],
        attempt_no,
        now,
        caller_user_id,
        given.phone.strip() or revisit["customer_phone"],
        given.result,
        outcome,
        given.question.strip(),
        given.note.strip(),
        given.callback_at,
        complaint_id,
    )
    if answers:
        await connection.execute(
            "insert into revisit_survey_answer (dealer_id, revisit_id, attempt_id, question,"
            " score) select $1, $2, $3, q, s"
            " from unnest($4::text[], $5::smallint[]) as a(q, s)",
            dealer_id,
            revisit_id,
            attempt_id,
            list(answers),
            list(answers.values()),
        )
    await connection.execute(
        """
        update revisit set attempts = $3, unreached = $4, status = $5, outcome = $6,
          failure_reason = $7, next_call_at = $8, callback_requested = $9,
          complaint_id = coalesce($10, complaint_id),
          completed_by = case when $11 then $12::bigint end,
          completed_at = case when $11 then $13::timestamptz end
         where dealer_id = $1 and id = $2
        """,
        dealer_id,
        revisit_id,
        attempt_no,
        unreached,
        status,
        outcome,
        reason,
        next_call,
        callback,
        complaint_id,
        done,
        caller_user_id,
        now,
    )
    await record(
        dealer_id=dealer_id,
        action="revisit.record_attempt",
        object_type="revisit",
        object_id=revisit_id,
        before={
            "status": revisit["status"],
            "attempts": revisit["attempts"],
            "unreached": revisit["unreached"],
            "next_call_at": revisit["next_call_at"],
        },
        after={
            "attempt_no": attempt_no,
            "result": given.result,
            "outcome": outcome,
            "status": status,
            "failure_reason": reason,
            "next_call_at": next_call,
            "complaint_id": complaint_id,
            "survey": answers,
        },
        request_id=request_id,
    )
    return AttemptRecorded(attempt_id, attempt_no, status, next_call, reason, complaint_id)
