"""Manufacturer-oversight GraphQL: the dealer's monthly operating report to the
manufacturer (月报). The dealer's staff list their reports (``report:read``); the
information officer (``report:submit_monthly``) generates, regenerates, reviews and
submits them; the region's overseers see each dealer's last months as on time / late /
missing / pending and open submitted reports read only. Figures: ``tenants.oversight
.monthly_report``; states: ``monthly_report_states``; reading: ``monthly_report_queries``."""

from __future__ import annotations

from datetime import UTC, date, datetime

import strawberry

from api.schema.context import Info
from api.schema.errors import Forbidden, NotFound
from api.schema.network import Region
from api.schema.oversight.monthly_reports_types import (
    DealerMonthlyReport,
    RegionMonthlyReports,
    access,
    last_months,
    load_report,
    region_grid,
)
from api.schema.relay_conventions import parse_global_id
from tenants.errors import RuleViolation
from tenants.oversight import monthly_report_queries as queries
from tenants.oversight import monthly_report_states as states

REPORT_TYPE = "DealerMonthlyReport"
MAX_MONTHS = 24


def _now() -> datetime:
    return datetime.now(UTC)


def _overseen(info: Info, dealer_ids: list[int]) -> list[int]:
    return [d for d in dealer_ids if access(info, d) == "overseer"]


async def _regions(info: Info) -> list[Region]:
    dealers = _overseen(info, sorted(info.context.principal.allowed_dealer_ids))
    async with info.context.read(()) as tx:
        rows = await tx.connection.fetch(
            "select r.* from region r where exists (select 1 from dealer d"
            " where d.region_id = r.id and d.id = any($1::bigint[])) order by r.code",
            dealers,
        )
    return [Region.from_row(r) for r in rows]


async def _report(info: Info, report_id: int) -> DealerMonthlyReport:
    found = await load_report(info, report_id)
    if found is None:
        raise NotFound("Monthly report")
    return found


async def _own_report(info: Info, id: strawberry.ID) -> tuple[int, int]:
    """(dealer, report) of a report of the current dealer the viewer may work on."""
    report_id = parse_global_id(id, REPORT_TYPE)
    dealer = info.context.require("report", "submit_monthly")
    if access(info, dealer) != "own":
        raise Forbidden("report", "submit_monthly", dealer)
    report = await load_report(info, report_id)
    if report is None or report.dealer_id != dealer:
        raise NotFound("Monthly report")
    return dealer, report_id


@strawberry.type
class OversightMonthlyReportsQuery:
    @strawberry.field(
        description="The current dealer's monthly reports to the manufacturer, newest month"
        " first, with due dates and state (report:read, the dealer's own staff)."
    )
    async def monthly_reports(self, info: Info, limit: int = 24) -> list[DealerMonthlyReport]:
        dealer = info.context.require("report", "read")
        if access(info, dealer) != "own":
            raise Forbidden("report", "read", dealer)
        async with info.context.read((dealer,)) as tx:
            rows = await queries.list_reports(tx.connection, dealer, _now(), max(1, min(limit, 60)))
        return [DealerMonthlyReport.from_row(r) for r in rows]

    @strawberry.field(
        description="One monthly report with its body: the dealer's staff see their own,"
        " the region's overseers submitted ones only. Null when hidden."
    )
    async def monthly_report(self, info: Info, id: strawberry.ID) -> DealerMonthlyReport | None:
        return await load_report(info, parse_global_id(id, REPORT_TYPE))

    @strawberry.field(description="Regions whose dealers' monthly reports the viewer oversees.")
    async def monthly_report_regions(self, info: Info) -> list[Region]:
        return await _regions(info)

    @strawberry.field(
        description="The region's dealers x the last `months` months (before the current"
        " one): on time, late, missing (past due and not submitted) or pending, judged by"
        " each dealer's local date. For the region's overseers (report:read through the"
        " region); the first overseen region when none is given."
    )
    async def region_monthly_reports(
        self, info: Info, region_id: strawberry.ID | None = None, months: int = 12
    ) -> RegionMonthlyReports:
        if region_id is not None:
            region = parse_global_id(region_id, "Region", "regionId")
        else:
            regions = await _regions(info)
            if not regions:
                raise Forbidden("report", "read")
            region = regions[0].id
        async with info.context.read(()) as tx:
            rows = await tx.connection.fetch(
                "select id from dealer where region_id = $1 order by code", region
            )
        dealers = _overseen(info, [r["id"] for r in rows])
        if not dealers:
            raise Forbidden("report", "read")
        now = _now()
        span = last_months(now.date(), max(1, min(months, MAX_MONTHS)))
        async with info.context.read(tuple(dealers)) as tx:
            cells = await queries.region_grid(tx.connection, dealers, span[0], span[-1], now)
        return region_grid(cells, span)


@strawberry.type
class OversightMonthlyReportsMutation:
    @strawberry.mutation(
        description="Generate the current dealer's report of a month now (any date of the"
        " month; report:submit_monthly). Refused for a month not over (rule month_not_over)"
        " or already generated (rule already_generated: regenerate it instead)."
    )
    async def generate_monthly_report(self, info: Info, month: date) -> DealerMonthlyReport:
        dealer = info.context.require("report", "submit_monthly")
        if access(info, dealer) != "own":
            raise Forbidden("report", "submit_monthly", dealer)
        async with info.context.write("report", "submit_monthly") as tx:
            row = await states.generate(
                tx.connection, dealer, month, _now(), request_id=info.context.request_id
            )
        if row is None:
            raise RuleViolation(
                "month", "already_generated", "This month's report exists: regenerate it"
            )
        return await _report(info, row["id"])

    @strawberry.mutation(
        description="Recompute a report not yet submitted from today's data; a reviewed"
        " report goes back to draft (rule monthly_report_transition once submitted)."
    )
    async def regenerate_monthly_report(self, info: Info, id: strawberry.ID) -> DealerMonthlyReport:
        dealer, report_id = await _own_report(info, id)
        async with info.context.write("report", "submit_monthly") as tx:
            await states.regenerate(
                tx.connection, dealer, report_id, _now(), request_id=info.context.request_id
            )
        info.context.cache.pop("monthly_report", None)
        return await _report(info, report_id)

    @strawberry.mutation(description="Mark the figures checked, with an optional note.")
    async def review_monthly_report(
        self, info: Info, id: strawberry.ID, note: str = ""
    ) -> DealerMonthlyReport:
        dealer, report_id = await _own_report(info, id)
        async with info.context.write("report", "submit_monthly") as tx:
            await states.review(
                tx.connection,
                dealer,
                report_id,
                info.context.principal.user_id,
                note,
                _now(),
                request_id=info.context.request_id,
            )
        info.context.cache.pop("monthly_report", None)
        return await _report(info, report_id)

    @strawberry.mutation(
        description="Submit a reviewed report to the manufacturer, once; it is frozen and,"
        " after its due date, stays marked late."
    )
    async def submit_monthly_report(self, info: Info, id: strawberry.ID) -> DealerMonthlyReport:
        dealer, report_id = await _own_report(info, id)
        async with info.context.write("report", "submit_monthly") as tx:
            await states.submit(
                tx.connection,
                dealer,
                report_id,
                info.context.principal.user_id,
                _now(),
                request_id=info.context.request_id,
            )
        info.context.cache.pop("monthly_report", None)
        return await _report(info, report_id)
