"""GraphQL types of the follow-up calls (回访): the revisit as the call screen shows it
(order, customer, car, the work done, the calls so far, the survey), its attempts, and
the queue with the call-window state the screen needs to offer or withhold a call."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from api.schema.care.revisits_loaders import revisit_loaders
from api.schema.care.settings_types import CareCallWindow
from api.schema.context import Info
from api.schema.network import StaffUser, staff_user
from api.schema.personal_data import Kind, personal
from api.schema.relay_conventions import global_id

COMPLAINT_TYPE = "Complaint"


def _gid(type_name: str, pk: int | None) -> strawberry.ID | None:
    return strawberry.ID(global_id(type_name, pk)) if pk is not None else None


@strawberry.enum(description="Where a revisit stands.")
class RevisitStatus(Enum):
    OPEN = "open"
    CONTACT_CHECK = "contact_check"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


@strawberry.enum(description="What happened on one call.")
class RevisitCallResult(Enum):
    ANSWERED = "answered"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    UNREACHABLE = "unreachable"
    SWITCHED_OFF = "switched_off"
    REJECTED_CALL = "rejected_call"
    NOT_PRESENT = "not_present"
    CALL_BACK_LATER = "call_back_later"
    DRIVING = "driving"
    WRONG_NUMBER = "wrong_number"
    MISMATCH = "mismatch"
    REFUSED = "refused"


@strawberry.enum(description="How an answered call ended.")
class RevisitOutcome(Enum):
    SATISFIED = "satisfied"
    QUESTION = "question"
    COMPLAINT = "complaint"


@strawberry.enum(description="Why a round failed (the only reasons the digest allows).")
class RevisitFailureReason(Enum):
    WRONG_NUMBER = "wrong_number"
    MISMATCH = "mismatch"
    REFUSED = "refused"
    NO_ANSWER = "no_answer"


@strawberry.enum(description="The short survey of an answered call, scored 1-5.")
class RevisitSurveyQuestion(Enum):
    OVERALL = "overall"
    REPAIR_QUALITY = "repair_quality"
    ADVISOR = "advisor"
    TIMELINESS = "timeliness"
    CLEANLINESS = "cleanliness"
    RECOMMEND = "recommend"


@strawberry.type(description="One line of the work done on the order.")
class RevisitWorkLine:
    kind: str = strawberry.field(description="labour, part or material.")
    description: str
    hours: Decimal | None
    quantity: Decimal
    pay_type: str


@strawberry.type(description="A survey answer of the revisit.")
class RevisitSurveyAnswer:
    question: RevisitSurveyQuestion
    score: int


@strawberry.type(description="One call of a revisit (append-only).")
class RevisitAttempt:
    attempt_no: int
    round: int
    called_at: datetime
    phone: str = personal(Kind.PHONE)
    result: RevisitCallResult
    outcome: RevisitOutcome | None
    question: str
    note: str
    callback_at: datetime | None
    caller_name: str
    complaint_id: strawberry.ID | None = strawberry.field(description="The Complaint global ID.")
    complaint_number: str | None

    @classmethod
    def from_row(cls, row: Any) -> RevisitAttempt:
        return cls(
            attempt_no=row["attempt_no"],
            round=row["round"],
            called_at=row["called_at"],
            phone=row["phone"],
            result=RevisitCallResult(row["result"]),
            outcome=RevisitOutcome(row["outcome"]) if row["outcome"] else None,
            question=row["question"],
            note=row["note"],
            callback_at=row["callback_at"],
            caller_name=row["caller_name"] or "",
            complaint_id=_gid(COMPLAINT_TYPE, row["complaint_id"]),
            complaint_number=row["complaint_number"],
        )


def _keys(node_ids: Iterable[str]) -> list[int]:
    return [int(n) if n.isdigit() else 0 for n in node_ids]


@strawberry.type(description="A follow-up call task (回访) of one delivered repair order.")
class Revisit(relay.Node):
    id: relay.NodeID[int]
    status: RevisitStatus
    round: int = strawberry.field(description="1, then +1 after each contact check.")
    attempts: int
    unreached: int = strawberry.field(description="Unreached calls of the current round.")
    due_from: date
    due_by: date
    overdue: bool = strawberry.field(description="Open past due_by (dealer's local date).")
    delivered_at: datetime
    next_call_at: datetime | None
    callback_requested: bool
    outcome: RevisitOutcome | None
    failure_reason: RevisitFailureReason | None
    order_number: str
    repair_order_id: strawberry.ID
    customer_id: strawberry.ID
    customer_name: str = personal(Kind.NAME)
    customer_phone: str = personal(Kind.PHONE)
    customer_alt_phone: str = personal(Kind.PHONE)
    vehicle_id: strawberry.ID
    plate: str
    model: str
    vin: str
    advisor_name: str | None
    assignee_name: str | None
    contact_note: str = personal(Kind.OTHER)
    contact_checked_at: datetime | None
    completed_at: datetime | None
    complaint_id: strawberry.ID | None = strawberry.field(description="The Complaint global ID.")
    pk: strawberry.Private[int]
    order_pk: strawberry.Private[int]
    complaint_pk: strawberry.Private[int | None]
    advisor_id: strawberry.Private[int | None]
    assignee_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> Revisit:
        return cls(
            id=row["id"],
            status=RevisitStatus(row["status"]),
            round=row["round"],
            attempts=row["attempts"],
            unreached=row["unreached"],
            due_from=row["due_from"],
            due_by=row["due_by"],
            overdue=bool(row["overdue"]) and row["status"] == "open",
            delivered_at=row["delivered_at"],
            next_call_at=row["next_call_at"],
            callback_requested=row["callback_requested"],
            outcome=RevisitOutcome(row["outcome"]) if row["outcome"] else None,
            failure_reason=(
                RevisitFailureReason(row["failure_reason"]) if row["failure_reason"] else None
            ),
            order_number=row["order_number"],
            repair_order_id=strawberry.ID(global_id("RepairOrder", row["repair_order_id"])),
            customer_id=strawberry.ID(global_id("Customer", row["customer_id"])),
            customer_name=row["customer_name"],
            customer_phone=row["customer_phone"],
            customer_alt_phone=row["customer_alt_phone"],
            vehicle_id=strawberry.ID(global_id("Vehicle", row["vehicle_id"])),
            plate=row["plate"],
            model=row["model"],
            vin=row["vin"],
            advisor_name=row["advisor_name"],
            assignee_name=row["assignee_name"],
            contact_note=row["contact_note"],
            contact_checked_at=row["contact_checked_at"],
            completed_at=row["completed_at"],
            complaint_id=_gid(COMPLAINT_TYPE, row["complaint_id"]),
            pk=row["id"],
            order_pk=row["repair_order_id"],
            complaint_pk=row["complaint_id"],
            advisor_id=row["advisor_user_id"],
            assignee_id=row["assignee_user_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Revisit | None]:
        rows = await revisit_loaders(info).revisit.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field
    async def advisor(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.advisor_id)

    @strawberry.field
    async def assignee(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.assignee_id)

    @strawberry.field(description="The order lines the customer agreed to.")
    async def work_done(self, info: Info) -> list[RevisitWorkLine]:
        rows = await revisit_loaders(info).work_done.load(self.order_pk)
        return [
            RevisitWorkLine(
                kind=r["kind"],
                description=r["description"],
                hours=r["hours"],
                quantity=r["quantity"],
                pay_type=r["pay_type"],
            )
            for r in rows
        ]

    @strawberry.field(description="Every call, oldest first.")
    async def attempt_log(self, info: Info) -> list[RevisitAttempt]:
        rows = await revisit_loaders(info).attempts.load(self.pk)
        return [RevisitAttempt.from_row(r) for r in rows]

    @strawberry.field(description="The survey of the answered call.")
    async def survey(self, info: Info) -> list[RevisitSurveyAnswer]:
        rows = await revisit_loaders(info).survey.load(self.pk)
        return [
            RevisitSurveyAnswer(question=RevisitSurveyQuestion(r["question"]), score=r["score"])
            for r in rows
        ]

    @strawberry.field(description="The number of the complaint the call opened.")
    async def complaint_number(self, info: Info) -> str | None:
        if self.complaint_pk is None:
            return None
        row = await revisit_loaders(info).complaint.load(self.complaint_pk)
        return row["number"] if row else None


@strawberry.type(description="The follow-up call queue with the call-window state.")
class RevisitQueue:
    items: list[Revisit] = strawberry.field(
        description="Callable now: overdue first, then by due day and next call time."
    )
    callable_now: bool = strawberry.field(description="Inside one of the dealer's call windows.")
    next_window_starts_at: datetime = strawberry.field(
        description="When the next call window opens (after the current one, if inside)."
    )
    time_zone: str
    call_windows: list[CareCallWindow]
    due_now: int
    overdue: int
    waiting: int = strawberry.field(description="Due, but called back or retried later.")
    contact_checks: int
