"""Parts measures per dealer and per region: fill rate, turnover, days of supply, dead stock,
aging, emergency order share (definitions in ``tenants.parts.kpis``).

``partsKpis`` is the current dealer's dashboard (``kpi:read`` there). ``regionPartsKpis``
is the regional manager's view: a region's dealers side by side with the region's
totals and medians. It is for those who oversee the region, i.e. hold ``kpi:read``
at its dealers through a regional or manufacturer assignment; dealer staff, even one
working for every dealer of a region, read only their own dealers' dashboards.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from api.schema.context import Info
from api.schema.errors import BadUserInput, Forbidden
from api.schema.network import Region
from api.schema.parts.kpis_types import PartsKpis, RegionPartsKpis, RegionSummaryType
from api.schema.relay_conventions import parse_global_id
from tenants.parts import kpis

MAX_DAYS = 366
OVERSIGHT = frozenset({"region", "manufacturer"})
"""Where a grant must come from for the regional view."""


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise BadUserInput("to", "to is before from")
    if (end - start).days >= MAX_DAYS:
        raise BadUserInput("to", f"a period is at most {MAX_DAYS} days")


def overseen(info: Info, dealer_ids: list[int]) -> list[int]:
    """The dealers among ``dealer_ids`` whose KPIs the viewer reads as their overseer."""
    context = info.context
    principal = context.principal
    return [
        d
        for d in dealer_ids
        if context.allowed("kpi", "read", d)
        and any(g.source in OVERSIGHT for g in context.policies.roles_of(principal.subject, d))
    ]


async def _region_dealers(info: Info, region_id: int) -> list[int]:
    async with info.context.read(()) as tx:
        rows = await tx.connection.fetch(
            "select id from dealer where region_id = $1 order by code", region_id
        )
    return [r["id"] for r in rows]


async def _overseen_regions(info: Info) -> list[Any]:
    """Regions with a dealer the viewer oversees."""
    dealers = overseen(info, sorted(info.context.principal.allowed_dealer_ids))
    async with info.context.read(()) as tx:
        return list(
            await tx.connection.fetch(
                "select r.* from region r where exists (select 1 from dealer d"
                " where d.region_id = r.id and d.id = any($1::bigint[])) order by r.code",
                dealers,
            )
        )


@strawberry.type
class KpisQuery:
    @strawberry.field(description="The current dealer's parts KPIs (kpi:read).")
    def parts_kpis(
        self,
        info: Info,
        start: Annotated[date, strawberry.argument(name="from")],
        end: Annotated[date, strawberry.argument(name="to")],
    ) -> PartsKpis:
        dealer = info.context.require("kpi", "read")
        _check_period(start, end)
        return PartsKpis(dealer_id=dealer, start=start, end=end)

    @strawberry.field(
        description="Regions whose dealers the viewer oversees (regional and manufacturer staff)."
    )
    async def parts_kpi_regions(self, info: Info) -> list[Region]:
        return [Region.from_row(r) for r in await _overseen_regions(info)]

    @strawberry.field(
        description="Parts KPIs of a region's dealers with the region's totals and medians;"
        " the region of the current dealer when none is given. For its overseers only."
    )
    async def region_parts_kpis(
        self,
        info: Info,
        start: Annotated[date, strawberry.argument(name="from")],
        end: Annotated[date, strawberry.argument(name="to")],
        region_id: strawberry.ID | None = None,
    ) -> RegionPartsKpis:
        _check_period(start, end)
        if region_id is not None:
            region = parse_global_id(region_id, "Region", "regionId")
        else:
            row = await info.context.loaders.dealer.load(info.context.dealer_id)
            if row is None:
                raise Forbidden("kpi", "read")
            region = row["region_id"]
        dealers = overseen(info, await _region_dealers(info, region))
        if not dealers:
            raise Forbidden("kpi", "read")
        async with info.context.read(tuple(dealers)) as tx:
            summary = await kpis.region_summary(tx.connection, dealers, start, end)
        return RegionPartsKpis(
            region_id=region,
            summary=RegionSummaryType.from_summary(summary),
            dealers=[PartsKpis(dealer_id=d, start=start, end=end) for d in dealers],
            start=start,
            end=end,
        )


@strawberry.type
class KpisMutation:
    pass
