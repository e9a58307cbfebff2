"""Customer-care GraphQL: the measures dashboard (revisit:read) and the care reports
(report:read; submitting needs report:submit_daily or report:submit_monthly by kind).
Definitions of the figures are in ``tenants.care.measures``; the reports are generated
by ``tenants.care.reports`` (the worker, or a person on demand)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

import strawberry
from strawberry import relay

from api.schema.care.measures_types import (
    CareMeasureMonth,
    CareMeasuresType,
    CareReport,
    CareReportKind,
)
from api.schema.context import Info
from api.schema.errors import BadUserInput, NotFound
from api.schema.relay_conventions import connection, decode_cursor, page_size, parse_global_id
from tenants.care import measures as m
from tenants.care import reports

MAX_DAYS = 366
MAX_MONTHS = 24
REPORT_TYPE = "CareReport"


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise BadUserInput("to", "to is before from")
    if (end - start).days >= MAX_DAYS:
        raise BadUserInput("to", f"a period is at most {MAX_DAYS} days")


async def _report(info: Info, report_id: int) -> CareReport:
    async with info.context.read() as tx:
        rows = await reports.get_reports(tx.connection, [report_id], datetime.now(UTC))
    if not rows:
        raise NotFound("Care report")
    return CareReport.from_row(rows[0])


@strawberry.type
class CareMeasuresQuery:
    @strawberry.field(
        description="The current dealer's care measures over [from, to] (its local dates),"
        " with targets: coverage 100%, success rate >= 80% (succeeded / revisits due in the"
        " period), major complaint rate <= 1% (revisit:read)."
    )
    async def care_measures(
        self,
        info: Info,
        start: Annotated[date, strawberry.argument(name="from")],
        end: Annotated[date, strawberry.argument(name="to")],
    ) -> CareMeasuresType:
        dealer = info.context.require("revisit", "read")
        _check_period(start, end)
        async with info.context.read() as tx:
            [figures] = await m.measures(tx.connection, [dealer], [(start, end)], datetime.now(UTC))
        return CareMeasuresType.of(figures)

    @strawberry.field(
        description="The last `months` calendar months (ending with the dealer's current"
        " month), oldest first (revisit:read)."
    )
    async def care_measure_trend(self, info: Info, months: int = 12) -> list[CareMeasureMonth]:
        dealer = info.context.require("revisit", "read")
        if not 1 <= months <= MAX_MONTHS:
            raise BadUserInput("months", f"months must be between 1 and {MAX_MONTHS}")
        now = datetime.now(UTC)
        async with info.context.read() as tx:
            today = await reports.local_today(tx.connection, dealer, now)
            rows = await m.measures(tx.connection, [dealer], m.trailing_months(today, months), now)
        return [CareMeasureMonth.of(r) for r in rows]

    @strawberry.field(description="The current dealer's care reports, newest period first.")
    async def care_reports(
        self,
        info: Info,
        kind: CareReportKind | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[CareReport]:
        dealer = info.context.require("report", "read")
        size = page_size(first)
        async with info.context.read() as tx:
            rows = await reports.list_reports(
                tx.connection,
                dealer,
                kind.value if kind else None,
                datetime.now(UTC),
                decode_cursor(after),
                size + 1,
            )
        return connection(rows, size, CareReport.from_row, lambda r: r["id"])

    @strawberry.field(description="One care report with its body (report:read).")
    async def care_report(self, info: Info, id: strawberry.ID) -> CareReport | None:
        info.context.require("report", "read")
        try:
            return await _report(info, parse_global_id(id, REPORT_TYPE))
        except NotFound:
            return None


@strawberry.type
class CareMeasuresMutation:
    @strawberry.mutation(
        description="Submit a report once (report:submit_daily for the daily problem report,"
        " report:submit_monthly for the monthly ones); after its due date it stays marked late."
    )
    async def submit_care_report(self, info: Info, id: strawberry.ID, note: str = "") -> CareReport:
        report_id = parse_global_id(id, REPORT_TYPE)
        info.context.require("report", "read")
        current = await _report(info, report_id)
        action = reports.submit_action(current.kind.value)
        async with info.context.write("report", action) as tx:
            await reports.submit(
                tx.connection,
                info.context.dealer_id,
                report_id,
                info.context.principal.user_id,
                note,
                datetime.now(UTC),
                request_id=info.context.request_id,
            )
        return await _report(info, report_id)

    @strawberry.mutation(
        description="Generate a report now from the data: `period` is any local date in the"
        " period (the day, or a day of the month). Replaces a report not yet submitted; a"
        " submitted one is refused (rule already_submitted), as is a period not begun."
    )
    async def generate_care_report(
        self, info: Info, kind: CareReportKind, period: date
    ) -> CareReport:
        action = reports.submit_action(kind.value)
        async with info.context.write("report", action) as tx:
            report_id = await reports.generate_on_demand(
                tx.connection,
                info.context.dealer_id,
                kind.value,
                period,
                datetime.now(UTC),
                request_id=info.context.request_id,
            )
        return await _report(info, report_id)
