"""The regional dashboard (大区经营看板): every dealer of a region on every KPI of the
catalog, against the region's median and the manufacturer's targets, ranked, with the
months' trend; a dealer's drill-down to the numbers behind a figure; the targets.

Region scoping is the tenancy's: a regional manager reads the dealers they hold
``kpi:read`` at through a region (or manufacturer) grant, exactly those and only
reading (``overseen``, as the parts region view); dealer staff read their own dealer's
drill-down but never the region. Figures come from ``dealer_kpi_month`` (kept by the
KPI worker), so a region of hundreds of dealers is a few set queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import strawberry

from api.schema.context import Info
from api.schema.errors import BadUserInput, Forbidden
from api.schema.network import Region
from api.schema.oversight.dashboard_reads import (
    SOURCES,
    latest_complete_month,
    records_behind,
    shift_month,
)
from api.schema.oversight.dashboard_types import (
    DashboardDealerRow,
    DealerKpiCell,
    DealerKpiOverview,
    DealerKpiPoint,
    KpiDrilldown,
    KpiInfo,
    KpiRecord,
    RegionDashboard,
    RegionKpiFigure,
    RegionKpiMonth,
    SetKpiTargetInput,
)
from api.schema.parts.kpis import overseen
from api.schema.relay_conventions import global_id, parse_global_id
from tenants.oversight import kpi_targets
from tenants.oversight.dashboard_sql import DashboardRow, region_dashboard_rows
from tenants.oversight.kpi_catalog import KPI_BY_KEY, KPIS, KpiDefinition

MAX_MONTHS = 24
_NODE_TYPES = {
    "warranty_claim": "WarrantyClaim",
    "revisit": "Revisit",
    "complaint": "Complaint",
    "repair_order": "RepairOrder",
}


def _check_months(months: int) -> None:
    if not 1 <= months <= MAX_MONTHS:
        raise BadUserInput("months", f"months is between 1 and {MAX_MONTHS}")


def _chosen_kpis(keys: list[str] | None) -> list[KpiDefinition]:
    if not keys:
        return list(KPIS)
    unknown = [k for k in keys if k not in KPI_BY_KEY]
    if unknown:
        raise BadUserInput("kpis", f"unknown KPI {', '.join(unknown)}")
    return [KPI_BY_KEY[k] for k in dict.fromkeys(keys)]


def _meets(value: Decimal | None, target: tuple[Decimal | None, str]) -> bool | None:
    goal, direction = target
    if value is None or goal is None:
        return None
    return value >= goal if direction == "at_least" else value <= goal


async def _regions_of(info: Info, dealer_ids: list[int]) -> list[int]:
    async with info.context.read(()) as tx:
        rows = await tx.connection.fetch(
            "select distinct region_id from dealer where id = any($1::bigint[]) order by region_id",
            dealer_ids,
        )
    return [r["region_id"] for r in rows]


async def _overseen_region_dealers(info: Info, region: int) -> list[int]:
    """The dealers of ``region`` the viewer oversees, by code."""
    async with info.context.read(()) as tx:
        rows = await tx.connection.fetch(
            "select id from dealer where region_id = $1 order by code", region
        )
    return overseen(info, [r["id"] for r in rows])


async def _manufacturer_of(info: Info, region: int) -> int:
    async with info.context.read(()) as tx:
        manufacturer: int = await tx.connection.fetchval(
            "select manufacturer_id from region where id = $1", region
        )
    return manufacturer


def _now() -> datetime:
    return datetime.now(UTC)


async def _targets(info: Info, manufacturer: int) -> dict[str, tuple[Decimal | None, str]]:
    async with info.context.read(()) as tx:
        return await kpi_targets.targets_for(tx.connection, manufacturer)


def _region_months(rows: list[DashboardRow], kpi: str, window: list[date]) -> list[RegionKpiMonth]:
    """The region's figures of ``kpi`` per month: any dealer's row of a month carries them."""
    by_month = {r.month: r for r in rows if r.kpi == kpi}
    return [
        RegionKpiMonth(
            month=m,
            median=by_month[m].region_median if m in by_month else None,
            region_value=by_month[m].region_value if m in by_month else None,
            dealers=by_month[m].dealers_with_value if m in by_month else 0,
        )
        for m in window
    ]


def _points(rows: list[DashboardRow], window: list[date]) -> list[DealerKpiPoint]:
    by_month = {r.month: r for r in rows}
    return [
        DealerKpiPoint(
            month=m,
            value=by_month[m].value if m in by_month else None,
            numerator=by_month[m].numerator if m in by_month else None,
            denominator=by_month[m].denominator if m in by_month else None,
        )
        for m in window
    ]


def _cell(
    kpi: KpiDefinition,
    rows: list[DashboardRow],
    shown: date,
    target: tuple[Decimal | None, str],
    series: list[DealerKpiPoint],
) -> DealerKpiCell:
    """A dealer's cell: ranked only where a direction is better (a claim count ranks no
    one first), among the dealers with a value that month."""
    latest = next((r for r in rows if r.month == shown), None)
    ranked = kpi.better != "neither" and latest is not None
    return DealerKpiCell(
        kpi=kpi.key,
        value=latest.value if latest else None,
        numerator=latest.numerator if latest else None,
        denominator=latest.denominator if latest else None,
        rank=latest.rank if latest and ranked else None,
        ranked=latest.dealers_with_value if latest and ranked else 0,
        meets_target=_meets(latest.value if latest else None, target),
        series=series,
    )


def _window(last: date, months: int) -> list[date]:
    return [shift_month(last, n) for n in range(1 - months, 1)]


async def _dashboard_region(info: Info, region_id: strawberry.ID | None) -> int:
    if region_id is not None:
        return parse_global_id(region_id, "Region", "regionId")
    regions = await _regions_of(
        info, overseen(info, sorted(info.context.principal.allowed_dealer_ids))
    )
    if not regions:
        raise Forbidden("kpi", "read")
    if len(regions) > 1:
        raise BadUserInput("regionId", "the viewer oversees several regions: choose one")
    return regions[0]


@strawberry.type
class OversightDashboardQuery:
    @strawberry.field(description="Regions whose dealers the viewer oversees, for the dashboard.")
    async def dashboard_regions(self, info: Info) -> list[Region]:
        region_ids = await _regions_of(
            info, overseen(info, sorted(info.context.principal.allowed_dealer_ids))
        )
        async with info.context.read(()) as tx:
            rows = await tx.connection.fetch(
                "select * from region where id = any($1::bigint[]) order by code", region_ids
            )
        return [Region.from_row(r) for r in rows]

    @strawberry.field(
        description="A region's dealers on the KPIs (all of the catalog unless named) in the"
        " month shown (latest complete month by default), with the region's median and value,"
        " the manufacturer's targets, ranks and the trend of the last `months` months. For the"
        " region's overseers only (kpi:read through a region or manufacturer grant)."
    )
    async def region_dashboard(
        self,
        info: Info,
        region_id: strawberry.ID | None = None,
        months: int = 12,
        kpis: list[str] | None = None,
        month: date | None = None,
        dealer_series: bool = False,
    ) -> RegionDashboard:
        _check_months(months)
        chosen = _chosen_kpis(kpis)
        region = await _dashboard_region(info, region_id)
        dealers = await _overseen_region_dealers(info, region)
        if not dealers:
            raise Forbidden("kpi", "read")
        targets = await _targets(info, await _manufacturer_of(info, region))
        async with info.context.read(tuple(dealers)) as tx:
            shown = (month.replace(day=1) if month else None) or await latest_complete_month(
                tx.connection, dealers, _now()
            )
            window = _window(shown, months)
            rows = await region_dashboard_rows(tx.connection, dealers, window)
        wanted = {k.key for k in chosen}
        by_cell: dict[tuple[int, str], list[DashboardRow]] = defaultdict(list)
        for row in rows:
            if row.kpi in wanted:
                by_cell[(row.dealer_id, row.kpi)].append(row)
        dealer_rows = [
            DashboardDealerRow(
                dealer_id=dealer,
                cells=[
                    _cell(
                        kpi,
                        by_cell.get((dealer, kpi.key), []),
                        shown,
                        targets[kpi.key],
                        _points(by_cell.get((dealer, kpi.key), []), window)
                        if dealer_series
                        else [],
                    )
                    for kpi in chosen
                ],
            )
            for dealer in dealers
        ]
        figures = []
        for kpi in chosen:
            trend = _region_months(rows, kpi.key, window)
            figures.append(
                RegionKpiFigure(
                    kpi=KpiInfo.of(kpi, targets[kpi.key]),
                    median=trend[-1].median,
                    region_value=trend[-1].region_value,
                    dealers=trend[-1].dealers,
                    trend=trend,
                )
            )
        return RegionDashboard(
            region_id=region, month=shown, months=window, kpis=figures, dealers=dealer_rows
        )

    @strawberry.field(
        description="The numbers behind one KPI of one dealer: numerator and denominator per"
        " month, the region's median per month (for the region's overseers), where the figure"
        " comes from and the records of the latest month. kpi:read at the dealer."
    )
    async def dealer_kpi_drilldown(
        self,
        info: Info,
        dealer_id: strawberry.ID,
        kpi: str,
        months: int = 12,
        month: date | None = None,
    ) -> KpiDrilldown:
        definition = _chosen_kpis([kpi])[0]
        view = await _dealer_view(info, dealer_id, months, month, definition.key)
        rows = [r for r in view.rows if r.kpi == definition.key]
        return KpiDrilldown(
            dealer_id=view.dealer,
            kpi=KpiInfo.of(definition, view.targets[definition.key]),
            month=view.shown,
            months=_points([r for r in rows if r.dealer_id == view.dealer], view.window),
            region=_region_months(rows, definition.key, view.window) if view.oversees else [],
            source=SOURCES.get(definition.key, "dealer_kpi_month"),
            records=[
                KpiRecord(
                    kind=r["kind"],
                    id=strawberry.ID(global_id(_NODE_TYPES[r["kind"]], r["id"])),
                    number=r["number"],
                    status=r["status"],
                    at=r["at"],
                    amount=r["amount"],
                    note=r["note"] or "",
                )
                for r in view.records
            ],
        )

    @strawberry.field(
        description="One dealer on every KPI with its months: value, target met, and for the"
        " region's overseers the rank and the region's median. kpi:read at the dealer."
    )
    async def dealer_kpi_overview(
        self,
        info: Info,
        dealer_id: strawberry.ID,
        months: int = 12,
        month: date | None = None,
    ) -> DealerKpiOverview:
        view = await _dealer_view(info, dealer_id, months, month, None)
        mine: dict[str, list[DashboardRow]] = defaultdict(list)
        for row in view.rows:
            if row.dealer_id == view.dealer:
                mine[row.kpi].append(row)
        cells = []
        figures = []
        for kpi in KPIS:
            cell = _cell(
                kpi,
                mine[kpi.key],
                view.shown,
                view.targets[kpi.key],
                _points(mine[kpi.key], view.window),
            )
            trend = _region_months(view.rows if view.oversees else [], kpi.key, view.window)
            if not view.oversees:
                cell.rank, cell.ranked = None, 0
            cells.append(cell)
            figures.append(
                RegionKpiFigure(
                    kpi=KpiInfo.of(kpi, view.targets[kpi.key]),
                    median=trend[-1].median,
                    region_value=trend[-1].region_value,
                    dealers=trend[-1].dealers,
                    trend=trend,
                )
            )
        return DealerKpiOverview(
            dealer_id=view.dealer,
            month=view.shown,
            months=view.window,
            oversees=view.oversees,
            kpis=figures,
            cells=cells,
        )

    @strawberry.field(
        description="The manufacturer's target for every KPI (its own or the catalog's"
        " default), for the manufacturer of the dealers the viewer reads KPIs at."
    )
    async def kpi_targets(self, info: Info) -> list[KpiInfo]:
        dealer = _acting_dealer(info, "kpi", "read")
        manufacturer = await _manufacturer_of(info, (await _regions_of(info, [dealer]))[0])
        targets = await _targets(info, manufacturer)
        return [KpiInfo.of(k, targets[k.key]) for k in KPIS]


@dataclass(frozen=True)
class _DealerView:
    dealer: int
    oversees: bool
    targets: dict[str, tuple[Decimal | None, str]]
    shown: date
    window: list[date]
    rows: list[DashboardRow]
    """The facts of the dealer and, for an overseer, of the region's dealers it oversees."""
    records: list[dict[str, Any]]


async def _dealer_view(
    info: Info, dealer_id: strawberry.ID, months: int, month: date | None, records_of: str | None
) -> _DealerView:
    """A dealer's facts with its region's (kpi:read at the dealer; the region's figures
    only for those who oversee it) and the records behind ``records_of``."""
    _check_months(months)
    dealer = parse_global_id(dealer_id, "Dealer", "dealerId")
    info.context.require("kpi", "read", dealer)
    oversees = bool(overseen(info, [dealer]))
    region = (await _regions_of(info, [dealer]))[0]
    peers = await _overseen_region_dealers(info, region) if oversees else [dealer]
    targets = await _targets(info, await _manufacturer_of(info, region))
    async with info.context.read(tuple(peers)) as tx:
        shown = (month.replace(day=1) if month else None) or await latest_complete_month(
            tx.connection, [dealer], _now()
        )
        window = _window(shown, months)
        rows = await region_dashboard_rows(tx.connection, peers, window)
        records = (
            await records_behind(tx.connection, dealer, records_of, shown) if records_of else []
        )
    return _DealerView(dealer, oversees, targets, shown, window, rows, records)


def _acting_dealer(info: Info, obj: str, action: str) -> int:
    """The current dealer when the permission holds there, else the first dealer of the
    viewer's grants where it does (region staff act without choosing a dealer)."""
    context = info.context
    principal = context.principal
    if principal.dealer_id is not None and context.allowed(obj, action, principal.dealer_id):
        return principal.dealer_id
    for dealer in sorted(principal.allowed_dealer_ids):
        if context.allowed(obj, action, dealer):
            return dealer
    raise Forbidden(obj, action)


@strawberry.type
class OversightDashboardMutation:
    @strawberry.mutation(
        description="Set the manufacturer's target for one KPI (null target: back to the"
        " catalog's default). kpi_target:manage; audited."
    )
    async def set_kpi_target(self, info: Info, input: SetKpiTargetInput) -> KpiInfo:
        dealer = _acting_dealer(info, "kpi_target", "manage")
        definition = _chosen_kpis([input.kpi])[0]
        manufacturer = await _manufacturer_of(info, (await _regions_of(info, [dealer]))[0])
        async with info.context.write("kpi_target", "manage", dealer) as tx:
            after = await kpi_targets.set_target(
                tx,
                dealer,
                manufacturer,
                definition.key,
                input.target,
                input.direction,
                request_id=info.context.request_id,
            )
        return KpiInfo.of(definition, after)
