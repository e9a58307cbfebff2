"""Follow-up calls (回访) through GraphQL: the call queue with the dealer's call-window
state, one revisit as the call screen shows it, recording a call (a complaint opened
in the same transaction), and the advisor's contact checks of failed rounds.

The API passes the real time to the services; the services take ``now`` so tests and
workers can pass their own clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry

from api.schema.care.revisits_types import (
    Revisit,
    RevisitAttempt,
    RevisitCallResult,
    RevisitOutcome,
    RevisitQueue,
    RevisitSurveyQuestion,
)
from api.schema.care.settings_types import REVISIT_TYPE, CareCallWindow
from api.schema.context import Info
from api.schema.errors import NotFound
from api.schema.relay_conventions import page_size, parse_global_id
from tenants.care import revisit_queue
from tenants.care.call_windows import in_window, next_window_start
from tenants.care.revisit_calls import AttemptInput, record_attempt
from tenants.care.revisit_contact import ContactCheckInput, check_contact
from tenants.care.settings import load_rules


def _now() -> datetime:
    return datetime.now(UTC)


def _revisit_id(value: strawberry.ID) -> int:
    return parse_global_id(value, REVISIT_TYPE, "revisitId")


async def _fresh(info: Info, dealer: int, revisit_id: int) -> Revisit:
    async with info.context.read((dealer,)) as tx:
        rows = await revisit_queue.revisits_by_id(tx.connection, dealer, [revisit_id], now=_now())
    if not rows:
        raise NotFound(f"Revisit {revisit_id}")
    return Revisit.from_row(rows[0])


@strawberry.input
class RevisitQueueFilter:
    mine: bool = strawberry.field(
        default=False, description="Only revisits assigned to the viewer; all otherwise."
    )


@strawberry.input(description="One survey answer: a score from 1 to 5.")
class RevisitSurveyAnswerInput:
    question: RevisitSurveyQuestion
    score: int


@strawberry.input(description="One call: its result and, when answered, outcome and survey.")
class RecordRevisitAttemptInput:
    revisit_id: strawberry.ID
    result: RevisitCallResult
    outcome: RevisitOutcome | None = strawberry.field(
        default=None, description="Required when answered, absent otherwise."
    )
    question: str = strawberry.field(default="", description="Required for outcome QUESTION.")
    note: str = ""
    phone: str = strawberry.field(
        default="", description="The number dialled; default the record's."
    )
    callback_at: datetime | None = strawberry.field(
        default=None, description="Required for CALL_BACK_LATER; offered for DRIVING."
    )
    survey: list[RevisitSurveyAnswerInput] = strawberry.field(
        default_factory=list, description="Only when answered; OVERALL required when satisfied."
    )
    complaint_level: str = strawberry.field(
        default="general", description="grievance, general, serious or severe."
    )
    complaint_summary: str = strawberry.field(
        default="", description="Required for outcome COMPLAINT: the ticket opens with it."
    )
    complaint_detail: str = ""


@strawberry.type
class RecordRevisitAttemptPayload:
    revisit: Revisit
    attempt: RevisitAttempt


@strawberry.input(
    description="The advisor's check of a failed round: corrected numbers and a note (called"
    " again in a new round), or confirmUnreachable (the revisit fails)."
)
class CheckRevisitContactInput:
    revisit_id: strawberry.ID
    phone: str | None = None
    alt_phone: str | None = strawberry.field(default=None, description="Blank clears it.")
    note: str = ""
    confirm_unreachable: bool = False


@strawberry.type
class CareRevisitsQuery:
    @strawberry.field(
        description="Revisits callable now at the current dealer, with the call-window state"
        " and the head counts."
    )
    async def revisit_queue(
        self,
        info: Info,
        filter: RevisitQueueFilter | None = None,
        first: Annotated[int | None, strawberry.argument(description="At most 100.")] = None,
    ) -> RevisitQueue:
        dealer = info.context.require("revisit", "read")
        mine = info.context.principal.user_id if filter is not None and filter.mine else None
        now = _now()
        async with info.context.read((dealer,)) as tx:
            rules = await load_rules(tx.connection, dealer)
            rows = await revisit_queue.revisit_queue(
                tx.connection, dealer, now=now, assignee_user_id=mine, limit=page_size(first)
            )
            counts = await revisit_queue.queue_counts(
                tx.connection, dealer, now=now, assignee_user_id=mine, advisor_user_id=mine
            )
        return RevisitQueue(
            items=[Revisit.from_row(r) for r in rows],
            callable_now=in_window(rules, now),
            next_window_starts_at=next_window_start(rules, now),
            time_zone=rules.time_zone.key,
            call_windows=[
                CareCallWindow(starts=w.starts.strftime("%H:%M"), ends=w.ends.strftime("%H:%M"))
                for w in rules.call_windows
            ],
            due_now=counts.due_now,
            overdue=counts.overdue,
            waiting=counts.waiting,
            contact_checks=counts.contact_checks,
        )

    @strawberry.field(description="One revisit of the current dealer, as the call screen shows it.")
    async def revisit(self, info: Info, id: strawberry.ID) -> Revisit | None:
        dealer = info.context.require("revisit", "read")
        revisit_id = _revisit_id(id)
        async with info.context.read((dealer,)) as tx:
            rows = await revisit_queue.revisits_by_id(
                tx.connection, dealer, [revisit_id], now=_now()
            )
        return Revisit.from_row(rows[0]) if rows else None

    @strawberry.field(
        description="Failed rounds waiting for the advisor's contact check; mine (default):"
        " the viewer's customers."
    )
    async def revisit_contact_checks(
        self, info: Info, mine: bool = True, first: int | None = None
    ) -> list[Revisit]:
        dealer = info.context.require("revisit", "check_contact")
        advisor = info.context.principal.user_id if mine else None
        if advisor is None and not info.context.allowed("revisit", "assign", dealer):
            advisor = info.context.principal.user_id  # advisors see their own only
        async with info.context.read((dealer,)) as tx:
            rows = await revisit_queue.contact_checks(
                tx.connection, dealer, now=_now(), advisor_user_id=advisor, limit=page_size(first)
            )
        return [Revisit.from_row(r) for r in rows]


@strawberry.type
class CareRevisitsMutation:
    @strawberry.mutation(
        description="Record one call of a revisit; only inside the call windows (or at the"
        " callback time the customer asked for). A complaint outcome opens the ticket."
    )
    async def record_revisit_attempt(
        self, info: Info, input: RecordRevisitAttemptInput
    ) -> RecordRevisitAttemptPayload:
        revisit_id = _revisit_id(input.revisit_id)
        given = AttemptInput(
            result=input.result.value,
            outcome=input.outcome.value if input.outcome else None,
            question=input.question,
            note=input.note,
            phone=input.phone,
            callback_at=input.callback_at,
            survey={a.question.value: a.score for a in input.survey},
            complaint_level=input.complaint_level,
            complaint_summary=input.complaint_summary,
            complaint_detail=input.complaint_detail,
        )
        user = info.context.principal.user_id
        assert user is not None
        async with info.context.write("revisit", "record") as tx:
            dealer = tx.scope.dealer_ids[0]
            recorded = await record_attempt(
                tx,
                dealer,
                revisit_id,
                given,
                caller_user_id=user,
                now=_now(),
                request_id=info.context.request_id,
            )
        revisit = await _fresh(info, dealer, revisit_id)
        async with info.context.read((dealer,)) as tx:
            attempts = await revisit_queue.attempts_of(tx.connection, dealer, [revisit_id])
        [attempt] = [a for a in attempts if a["id"] == recorded.attempt_id]
        return RecordRevisitAttemptPayload(
            revisit=revisit, attempt=RevisitAttempt.from_row(attempt)
        )

    @strawberry.mutation(
        description="The advisor's contact check of a failed round: corrected numbers start a"
        " new round at the next call window; confirmUnreachable fails the revisit."
    )
    async def check_revisit_contact(self, info: Info, input: CheckRevisitContactInput) -> Revisit:
        revisit_id = _revisit_id(input.revisit_id)
        user = info.context.principal.user_id
        assert user is not None
        async with info.context.write("revisit", "check_contact") as tx:
            dealer = tx.scope.dealer_ids[0]
            await check_contact(
                tx,
                dealer,
                revisit_id,
                ContactCheckInput(
                    phone=input.phone,
                    alt_phone=input.alt_phone,
                    note=input.note,
                    confirm_unreachable=input.confirm_unreachable,
                ),
                actor_user_id=user,
                any_revisit=info.context.allowed("revisit", "assign", dealer),
                now=_now(),
                request_id=info.context.request_id,
            )
        return await _fresh(info, dealer, revisit_id)
