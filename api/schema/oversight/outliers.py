"""Outlier flags and quality feedback for the manufacturer's oversight.

``oversightOutliers`` and ``oversightOutlierRecords`` are the regional manager's: the
dealers of a region the viewer oversees (``kpi:read`` through a regional or manufacturer
grant, as ``regionPartsKpis``), never a dealer's own staff, who would otherwise read
their neighbours' figures. ``qualityFeedback`` covers the dealers where the viewer holds
``quality_feedback:read`` through such a grant (a region, or the manufacturer's whole
network for its warranty technicians); dealer staff holding it read their current dealer's
figures only. Everything here reads; the transaction's scope lists exactly those dealers,
so row-level security agrees with the checks.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import strawberry

from api.schema.context import Info
from api.schema.errors import BadUserInput, Forbidden
from api.schema.network import Dealer, Region
from api.schema.oversight.outliers_types import QualityFeedbackType, RecordsType, ReportType
from api.schema.relay_conventions import parse_global_id
from tenants.oversight import outliers, quality_feedback

MAX_DAYS = 366
OVERSIGHT = frozenset({"region", "manufacturer"})
"""Where a grant must come from for a view across dealers."""


def _overseen(info: Info, obj: str, action: str, dealer_ids: list[int]) -> list[int]:
    """The dealers among ``dealer_ids`` where the viewer holds ``obj:action`` as overseer."""
    context = info.context
    subject = context.principal.subject
    return [
        d
        for d in dealer_ids
        if context.allowed(obj, action, d)
        and any(g.source in OVERSIGHT for g in context.policies.roles_of(subject, d))
    ]


async def _dealer_rows(info: Info, dealer_ids: list[int]) -> list[Any]:
    async with info.context.read(()) as tx:
        return list(
            await tx.connection.fetch(
                "select * from dealer where id = any($1::bigint[]) order by code", dealer_ids
            )
        )


def _period(rows: list[Any], start: date | None, end: date | None) -> tuple[date, date]:
    """The given period, checked; else the last six complete months in the first dealer's
    calendar."""
    if start is None or end is None:
        zone = ZoneInfo(rows[0]["time_zone"]) if rows else UTC
        default = outliers.default_period(datetime.now(UTC).astimezone(zone).date())
        start, end = start or default[0], end or default[1]
    if end < start:
        raise BadUserInput("to", "to is before from")
    if (end - start).days >= MAX_DAYS:
        raise BadUserInput("to", f"a period is at most {MAX_DAYS} days")
    return start, end


async def _region(info: Info, region_id: strawberry.ID | None) -> tuple[Region, list[Any]]:
    """The region asked for (else the first the viewer oversees) and its overseen dealers."""
    allowed = sorted(info.context.principal.allowed_dealer_ids)
    mine = _overseen(info, "kpi", "read", allowed)
    async with info.context.read(()) as tx:
        if region_id is not None:
            region = await tx.connection.fetchrow(
                "select * from region where id = $1",
                parse_global_id(region_id, "Region", "regionId"),
            )
        else:
            region = await tx.connection.fetchrow(
                "select r.* from region r where exists (select 1 from dealer d"
                " where d.region_id = r.id and d.id = any($1::bigint[])) order by r.code limit 1",
                mine,
            )
        rows = (
            await tx.connection.fetch(
                "select * from dealer where region_id = $1 and id = any($2::bigint[])"
                " order by code",
                region["id"],
                mine,
            )
            if region is not None
            else []
        )
    if region is None or not rows:
        raise Forbidden("kpi", "read")
    return Region.from_row(region), list(rows)


@strawberry.type
class OversightOutliersQuery:
    @strawberry.field(
        description="Outlier flags of a region's dealers (claims per 100 orders, labour hours"
        " per claim, repeat claims per VIN, old-part return failures) against the region's"
        " median and MAD; the first region the viewer oversees when none is given; the last"
        " six complete months by default. For the region's overseers (kpi:read)."
    )
    async def oversight_outliers(
        self,
        info: Info,
        start: Annotated[date | None, strawberry.argument(name="from")] = None,
        end: Annotated[date | None, strawberry.argument(name="to")] = None,
        region_id: strawberry.ID | None = None,
    ) -> ReportType:
        region, rows = await _region(info, region_id)
        start, end = _period(rows, start, end)
        ids = [r["id"] for r in rows]
        async with info.context.read(tuple(ids)) as tx:
            report = await outliers.outlier_report(
                tx.connection, ids, start, end, datetime.now(UTC)
            )
        return ReportType.of(region, report, {r["id"]: Dealer.from_row(r) for r in rows})

    @strawberry.field(
        description="The records behind one dealer's outlier figures: repeat VINs, the longest"
        " labour lines, failed old-part returns. For the dealer's overseers (kpi:read)."
    )
    async def oversight_outlier_records(
        self,
        info: Info,
        dealer_id: strawberry.ID,
        start: Annotated[date | None, strawberry.argument(name="from")] = None,
        end: Annotated[date | None, strawberry.argument(name="to")] = None,
    ) -> RecordsType:
        dealer = parse_global_id(dealer_id, "Dealer", "dealerId")
        if not _overseen(info, "kpi", "read", [dealer]):
            raise Forbidden("kpi", "read", dealer)
        rows = await _dealer_rows(info, [dealer])
        start, end = _period(rows, start, end)
        async with info.context.read((dealer,)) as tx:
            records = await outliers.outlier_records(
                tx.connection, dealer, start, end, datetime.now(UTC)
            )
        return RecordsType.of(Dealer.from_row(rows[0]), records)

    @strawberry.field(
        description="Failures by part and model (质量信息反馈) from claims and warranty repairs,"
        " over the dealers the viewer oversees (optionally one region), or the current dealer"
        " for its own staff (quality_feedback:read)."
    )
    async def quality_feedback(
        self,
        info: Info,
        start: Annotated[date | None, strawberry.argument(name="from")] = None,
        end: Annotated[date | None, strawberry.argument(name="to")] = None,
        model: str | None = None,
        part_group: str | None = None,
        region_id: strawberry.ID | None = None,
    ) -> QualityFeedbackType:
        context = info.context
        dealers = _overseen(
            info, "quality_feedback", "read", sorted(context.principal.allowed_dealer_ids)
        )
        if not dealers:
            dealers = [context.require("quality_feedback", "read")]
        rows = await _dealer_rows(info, dealers)
        if region_id is not None:
            region = parse_global_id(region_id, "Region", "regionId")
            rows = [r for r in rows if r["region_id"] == region]
            if not rows:
                raise Forbidden("quality_feedback", "read")
        start, end = _period(rows, start, end)
        filters = quality_feedback.Filters(start, end, model or None, part_group or None)
        ids = [r["id"] for r in rows]
        async with context.read(tuple(ids)) as tx:
            result = await quality_feedback.quality_feedback(tx.connection, ids, filters)
        return QualityFeedbackType.of(filters, len(ids), result)


@strawberry.type
class OversightOutliersMutation:
    """Outliers and quality feedback only read: nothing to change here."""
