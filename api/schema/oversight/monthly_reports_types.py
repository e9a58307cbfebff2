"""GraphQL types of the monthly report to the manufacturer (月报) and of the region's
dealers x months grid. Who sees what: the dealer's own staff (``report:read`` through
their membership) see every report of their dealer; the region's overseers
(``report:read`` through a regional or manufacturer assignment) see only submitted
reports, read only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON

from api.schema.context import Info
from api.schema.loaders import load_one
from api.schema.network import StaffUser
from tenants.oversight import monthly_report_queries as queries
from tenants.oversight.monthly_report_states import steps_from

OVERSIGHT = frozenset({"region", "manufacturer"})


def access(info: Info, dealer_id: int) -> str | None:
    """``own`` (the dealer's staff), ``overseer`` (region or manufacturer) or None."""
    context = info.context
    if not context.allowed("report", "read", dealer_id):
        return None
    sources = {g.source for g in context.policies.roles_of(context.principal.subject, dealer_id)}
    return "own" if sources - OVERSIGHT else "overseer"


def readable_dealers(info: Info) -> tuple[int, ...]:
    principal = info.context.principal
    return tuple(d for d in sorted(principal.allowed_dealer_ids) if access(info, d) is not None)


def visible(info: Info, row: Any) -> bool:
    """Overseers read submitted reports only; a draft is the dealer's business."""
    if row is None:
        return False
    seen = access(info, row["dealer_id"])
    return seen == "own" or (seen == "overseer" and row["status"] == "submitted")


def _loader(info: Info) -> DataLoader[int, Any]:
    """Reports by id in one query per request, within the dealers the viewer reads."""
    loader: DataLoader[int, Any] | None = info.context.cache.get("monthly_report")
    if loader is None:

        async def load(keys: list[int]) -> list[Any]:
            dealers = readable_dealers(info)
            if not dealers:
                return [None for _ in keys]
            async with info.context.read(dealers) as tx:
                rows = await queries.get_reports(tx.connection, keys, datetime.now(UTC))
            by_id = {r["id"]: r for r in rows if visible(info, r)}
            return [by_id.get(k) for k in keys]

        loader = info.context.cache["monthly_report"] = DataLoader(load_fn=load)
    return loader


async def load_report(info: Info, report_id: int) -> DealerMonthlyReport | None:
    row = await _loader(info).load(report_id)
    return DealerMonthlyReport.from_row(row) if row is not None else None


@strawberry.enum(description="Where a month's report stands against its due date.")
class MonthlyReportState(Enum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    PENDING = "pending"


@strawberry.enum
class MonthlyReportStatus(Enum):
    DRAFT = "draft"
    REVIEWED = "reviewed"
    SUBMITTED = "submitted"


@strawberry.type(description="A month of a report's key figures, for the page's charts.")
class MonthlyReportTrendPoint:
    month: date
    delivered: int | None
    labour_hours_sold: str | None
    revenue: str | None
    csi: str | None
    fill_rate: str | None
    claims_submitted: int | None


def _trend_point(month: date, body: Any) -> MonthlyReportTrendPoint:
    def dig(*path: str) -> Any:
        value = body
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    return MonthlyReportTrendPoint(
        month=month,
        delivered=dig("service", "delivered"),
        labour_hours_sold=dig("service", "labour_hours_sold"),
        revenue=dig("revenue", "total"),
        csi=dig("care", "csi"),
        fill_rate=dig("parts", "fill_rate"),
        claims_submitted=dig("warranty", "submitted_count"),
    )


@strawberry.type(
    description="A dealer's monthly operating report to the manufacturer (月报), generated"
    " from the data, reviewed and submitted by the information officer; frozen once"
    " submitted."
)
class DealerMonthlyReport(relay.Node):
    id: relay.NodeID[int]
    dealer_id: strawberry.Private[int]
    dealer_code: str
    dealer_name: str
    month: date
    due_on: date = strawberry.field(description="The dealer's local date it is due by.")
    status: MonthlyReportStatus
    state: MonthlyReportState
    note: str
    generated_at: datetime
    reviewed_at: datetime | None
    submitted_at: datetime | None
    reviewed_by_id: strawberry.Private[int | None]
    submitted_by_id: strawberry.Private[int | None]
    body_value: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> DealerMonthlyReport:
        return cls(
            id=row["id"],
            dealer_id=row["dealer_id"],
            dealer_code=row["dealer_code"],
            dealer_name=row["dealer_name"],
            month=row["month"],
            due_on=row["due_on"],
            status=MonthlyReportStatus(row["status"]),
            state=MonthlyReportState(row["state"]),
            note=row["note"],
            generated_at=row["generated_at"],
            reviewed_at=row["reviewed_at"],
            submitted_at=row["submitted_at"],
            reviewed_by_id=row["reviewed_by"],
            submitted_by_id=row["submitted_by"],
            body_value=row["body"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[DealerMonthlyReport | None]:
        keys = [int(n) if n.isdigit() else 0 for n in node_ids]
        rows = await _loader(info).load_many(keys)
        return [cls.from_row(r) if r is not None else None for r in rows]

    @strawberry.field(
        description="The figures as generated (JSON: service, revenue, care,"
        " parts, warranty, headcount)."
    )
    def body(self) -> JSON:
        body: JSON = self.body_value
        return body

    @strawberry.field(description="Submitted after its due date (the dealer's local date).")
    def late(self) -> bool:
        return self.state is MonthlyReportState.LATE

    @strawberry.field
    async def reviewed_by(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.reviewed_by_id)

    @strawberry.field
    async def submitted_by(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.submitted_by_id)

    @strawberry.field(
        description="Moves the viewer may make now: regenerate, review, submit"
        " (report:submit_monthly at the dealer, its own staff only)."
    )
    def allowed_steps(self, info: Info) -> list[str]:
        if access(info, self.dealer_id) != "own" or not info.context.allowed(
            "report", "submit_monthly", self.dealer_id
        ):
            return []
        return steps_from(self.status.value)

    @strawberry.field(description="The dealer's visible reports up to this month, oldest first.")
    async def trend(self, info: Info, months: int = 6) -> list[MonthlyReportTrendPoint]:
        months = max(1, min(months, 24))
        async with info.context.read((self.dealer_id,)) as tx:
            rows = await queries.previous_bodies(tx.connection, self.dealer_id, self.month, months)
        own = access(info, self.dealer_id) == "own"
        points = []
        for r in rows:
            if own or r["month"] == self.month or r["status"] == "submitted":
                points.append(_trend_point(r["month"], r["body"]))
        return points


@strawberry.type(description="One dealer's month in the region's grid.")
class MonthlyReportCell:
    month: date
    due_on: date
    state: MonthlyReportState
    status: MonthlyReportStatus | None
    submitted_at: datetime | None
    report_id: strawberry.Private[int | None]

    @strawberry.field(description="The submitted report, to open read only; null otherwise.")
    def report(self) -> relay.GlobalID | None:
        if self.report_id is None or self.status is not MonthlyReportStatus.SUBMITTED:
            return None
        return relay.GlobalID("DealerMonthlyReport", str(self.report_id))


@strawberry.type
class MonthlyReportStateCounts:
    on_time: int
    late: int
    missing: int
    pending: int

    @classmethod
    def of(cls, cells: Iterable[MonthlyReportCell]) -> MonthlyReportStateCounts:
        states = [c.state for c in cells]
        return cls(
            on_time=states.count(MonthlyReportState.ON_TIME),
            late=states.count(MonthlyReportState.LATE),
            missing=states.count(MonthlyReportState.MISSING),
            pending=states.count(MonthlyReportState.PENDING),
        )


@strawberry.type
class MonthlyReportDealerRow:
    dealer_code: str
    dealer_name: str
    dealer_pk: strawberry.Private[int]
    cells: list[MonthlyReportCell]
    counts: MonthlyReportStateCounts

    @strawberry.field
    def dealer_id(self) -> relay.GlobalID:
        return relay.GlobalID("Dealer", str(self.dealer_pk))


@strawberry.type(description="The region's dealers x months: on time, late, missing, pending.")
class RegionMonthlyReports:
    months: list[date]
    dealers: list[MonthlyReportDealerRow]
    counts: MonthlyReportStateCounts


def region_grid(cells: list[queries.GridCell], months: list[date]) -> RegionMonthlyReports:
    rows: dict[int, MonthlyReportDealerRow] = {}
    for c in cells:
        row = rows.get(c.dealer_id)
        if row is None:
            row = rows[c.dealer_id] = MonthlyReportDealerRow(
                dealer_code=c.dealer_code,
                dealer_name=c.dealer_name,
                dealer_pk=c.dealer_id,
                cells=[],
                counts=MonthlyReportStateCounts(on_time=0, late=0, missing=0, pending=0),
            )
        row.cells.append(
            MonthlyReportCell(
                month=c.month,
                due_on=c.due_on,
                state=MonthlyReportState(c.state),
                status=MonthlyReportStatus(c.status) if c.status else None,
                submitted_at=c.submitted_at,
                report_id=c.report_id,
            )
        )
    for row in rows.values():
        row.counts = MonthlyReportStateCounts.of(row.cells)
    return RegionMonthlyReports(
        months=months,
        dealers=list(rows.values()),
        counts=MonthlyReportStateCounts.of(c for r in rows.values() for c in r.cells),
    )


def last_months(today: date, count: int) -> list[date]:
    """The ``count`` months before today's, oldest first."""
    months: list[date] = []
    first = today.replace(day=1)
    for _ in range(count):
        first = (first.replace(day=1) - _ONE_DAY).replace(day=1)
        months.append(first)
    return list(reversed(months))


_ONE_DAY = datetime(2000, 1, 2) - datetime(2000, 1, 1)
