"""GraphQL types of the care measures and reports. The definitions live with the SQL in
``tenants.care.measures`` and ``tenants.care.reports``; the descriptions repeat them so
the API states how each figure is computed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON

from api.schema.context import Info
from api.schema.loaders import load_one
from api.schema.network import StaffUser
from tenants.care import measures as m
from tenants.care import reports


@strawberry.type(description="A figure beside its target; met is null when nothing was measured.")
class CareTarget:
    value: Decimal | None = strawberry.field(description="A fraction (0.8 = 80%).")
    target: Decimal
    at_most: bool = strawberry.field(description="True when the figure must stay at or below.")
    met: bool | None


@strawberry.type(description="A count under a key (a complaint level or channel).")
class CareCount:
    key: str
    count: int


@strawberry.type(description="CSI of one survey question.")
class CareQuestionCsi:
    question: str
    answers: int
    csi: Decimal | None


@strawberry.type(
    name="CareMeasures",
    description="Customer-care measures of the current dealer over [from, to] in its own"
    " calendar. Coverage (回访率, target 100%): delivered orders with at least one call /"
    " delivered orders. Success rate (回访成功率, target >= 80%): revisits due in the period"
    " (due_by in it, cancelled left out) that succeeded / revisits due in the period; open"
    " ones count against it. Attempts per success: calls of those succeeded revisits (all"
    " rounds) / succeeded. CSI: mean of (score-1)/4x100 over survey answers of calls in the"
    " period. Major complaint rate (重大投诉率, target <= 1%): serious and severe complaints"
    " received in the period / delivered orders; withdrawn complaints are left out. Time"
    " to close: hours from receipt to closing, complaints closed in the period.",
)
class CareMeasuresType:
    start: date = strawberry.field(name="from")
    end: date = strawberry.field(name="to")
    delivered_orders: int
    called_orders: int
    due_never_called: int = strawberry.field(
        description="Delivered in the period, never called, last day to call already past."
    )
    coverage: CareTarget
    revisits_due: int
    succeeded: int
    failed: int
    contact_check: int = strawberry.field(description="Failed rounds back with the advisor.")
    still_open: int
    success_rate: CareTarget
    attempts_per_success: Decimal | None
    calls: int
    answered_calls: int
    survey_answers: int
    csi: Decimal | None = strawberry.field(description="0 to 100.")
    csi_by_question: list[CareQuestionCsi]
    complaints: int
    major_complaints: int
    major_complaint_rate: CareTarget
    complaints_by_level: list[CareCount]
    complaints_by_channel: list[CareCount]
    closed_complaints: int
    close_hours_median: Decimal | None
    close_hours_p90: Decimal | None

    @classmethod
    def of(cls, x: m.CareMeasures) -> CareMeasuresType:
        return cls(
            start=x.start,
            end=x.end,
            delivered_orders=x.delivered_orders,
            called_orders=x.called_orders,
            due_never_called=x.due_never_called,
            coverage=CareTarget(
                value=x.coverage, target=m.COVERAGE_TARGET, at_most=False, met=x.coverage_met
            ),
            revisits_due=x.revisits_due,
            succeeded=x.succeeded,
            failed=x.failed,
            contact_check=x.contact_check,
            still_open=x.still_open,
            success_rate=CareTarget(
                value=x.success_rate, target=m.SUCCESS_TARGET, at_most=False, met=x.success_met
            ),
            attempts_per_success=x.attempts_per_success,
            calls=x.calls,
            answered_calls=x.answered_calls,
            survey_answers=x.survey_answers,
            csi=x.csi,
            csi_by_question=[
                CareQuestionCsi(question=q.question, answers=q.answers, csi=q.csi)
                for q in x.csi_by_question
            ],
            complaints=x.complaints,
            major_complaints=x.major_complaints,
            major_complaint_rate=CareTarget(
                value=x.major_complaint_rate,
                target=m.MAJOR_COMPLAINT_TARGET,
                at_most=True,
                met=x.major_complaint_met,
            ),
            complaints_by_level=[
                CareCount(key=k, count=v) for k, v in x.complaints_by_level.items()
            ],
            complaints_by_channel=[
                CareCount(key=k, count=v) for k, v in sorted(x.complaints_by_channel.items())
            ],
            closed_complaints=x.closed_complaints,
            close_hours_median=x.close_hours_median,
            close_hours_p90=x.close_hours_p90,
        )


@strawberry.type(description="One month of the trend (definitions as in CareMeasures).")
class CareMeasureMonth:
    start: date = strawberry.field(name="from")
    end: date = strawberry.field(name="to")
    delivered_orders: int
    coverage: Decimal | None
    success_rate: Decimal | None
    csi: Decimal | None
    major_complaint_rate: Decimal | None
    complaints: int

    @classmethod
    def of(cls, x: m.CareMeasures) -> CareMeasureMonth:
        return cls(
            start=x.start,
            end=x.end,
            delivered_orders=x.delivered_orders,
            coverage=x.coverage,
            success_rate=x.success_rate,
            csi=x.csi,
            major_complaint_rate=x.major_complaint_rate,
            complaints=x.complaints,
        )


@strawberry.enum(description="The care reports the front desk owes.")
class CareReportKind(Enum):
    DAILY_PROBLEMS = "daily_problems"
    MONTHLY_REVISITS = "monthly_revisits"
    MONTHLY_COMPLAINTS = "monthly_complaints"


@strawberry.enum
class CareReportStatus(Enum):
    GENERATED = "generated"
    SUBMITTED = "submitted"


def _report_loader(info: Info) -> DataLoader[int, Any]:
    """Reports with their body by id, one query per request."""
    loader: DataLoader[int, Any] | None = info.context.cache.get("care_report")
    if loader is None:

        async def load(keys: list[int]) -> list[Any]:
            async with info.context.read() as tx:
                rows = await reports.get_reports(tx.connection, keys, datetime.now(UTC))
            by_id = {r["id"]: r for r in rows}
            return [by_id.get(k) for k in keys]

        loader = info.context.cache["care_report"] = DataLoader(load_fn=load)
    return loader


@strawberry.type(
    description="A care report generated from the data (daily problem report, 售后跟踪质量月报,"
    " 客户投诉问题解决情况表), submitted once by a person."
)
class CareReport(relay.Node):
    id: relay.NodeID[int]
    kind: CareReportKind
    period_start: date
    period_end: date
    due_on: date = strawberry.field(description="Local date; submitted after it is late.")
    status: CareReportStatus
    generated_at: datetime
    submitted_at: datetime | None
    note: str
    late: bool = strawberry.field(description="Submitted after due_on.")
    overdue: bool = strawberry.field(description="Not submitted and due_on has passed.")
    submitted_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> CareReport:
        return cls(
            id=row["id"],
            kind=CareReportKind(row["kind"]),
            period_start=row["period_start"],
            period_end=row["period_end"],
            due_on=row["due_on"],
            status=CareReportStatus(row["status"]),
            generated_at=row["generated_at"],
            submitted_at=row["submitted_at"],
            note=row["note"],
            late=bool(row["late"]),
            overdue=bool(row["overdue"]),
            submitted_by_id=row["submitted_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[CareReport | None]:
        if not info.context.allowed("report", "read"):
            return [None for _ in node_ids]
        keys = [int(n) if n.isdigit() else 0 for n in node_ids]
        rows = await _report_loader(info).load_many(keys)
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="The report's content as generated (JSON, by kind).")
    async def body(self, info: Info) -> JSON | None:
        row = await _report_loader(info).load(self.id)
        body: JSON | None = row["body"] if row is not None else None
        return body

    @strawberry.field
    async def submitted_by(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.submitted_by_id)

    @strawberry.field(description="The viewer holds the permission that submits this kind.")
    def can_submit(self, info: Info) -> bool:
        return self.status is CareReportStatus.GENERATED and info.context.allowed(
            "report", reports.submit_action(self.kind.value)
        )
