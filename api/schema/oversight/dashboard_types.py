"""GraphQL types of the regional dashboard: the KPI catalog with the manufacturer's
targets, a region's figures per KPI and month (median, region value), every dealer's
cells (value, rank, target met) and a dealer's drill-down (the counts behind a figure
and the records behind its latest month)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from api.schema.context import Info
from api.schema.loaders import load_one
from api.schema.network import Dealer, Region
from tenants.oversight.kpi_catalog import KpiDefinition


@strawberry.type(description="A KPI of the catalog with the manufacturer's target for it.")
class KpiInfo:
    key: str
    domain: str
    unit: str = strawberry.field(description="count, hours, ratio, money, score or days.")
    better: str = strawberry.field(description="higher, lower or neither.")
    label: str
    label_zh: str
    target: Decimal | None = strawberry.field(
        description="The manufacturer's target, or the catalog default; null: none stated."
    )
    direction: str = strawberry.field(description="at_least or at_most: how a target is met.")
    default_target: Decimal | None

    @classmethod
    def of(cls, kpi: KpiDefinition, target: tuple[Decimal | None, str]) -> KpiInfo:
        return cls(
            key=kpi.key,
            domain=kpi.domain,
            unit=kpi.unit,
            better=kpi.better,
            label=kpi.label,
            label_zh=kpi.label_zh,
            target=target[0],
            direction=target[1],
            default_target=kpi.default_target,
        )


@strawberry.type(description="A region's figure for one KPI in one month.")
class RegionKpiMonth:
    month: date
    median: Decimal | None = strawberry.field(description="Median over the reporting dealers.")
    region_value: Decimal | None = strawberry.field(
        description="The region as one dealer: a ratio of sums for ratios, a sum for counts."
    )
    dealers: int = strawberry.field(description="Dealers with a value that month.")


@strawberry.type(description="A region's figures for one KPI: the month shown and the trend.")
class RegionKpiFigure:
    kpi: KpiInfo
    median: Decimal | None
    region_value: Decimal | None
    dealers: int
    trend: list[RegionKpiMonth] = strawberry.field(description="Every month of the window.")


@strawberry.type(description="One month of a dealer's KPI.")
class DealerKpiPoint:
    month: date
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None


@strawberry.type(description="A dealer's figure for one KPI in the month shown.")
class DealerKpiCell:
    kpi: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    rank: int | None = strawberry.field(
        description="1 = best of the region (direction-aware); null when neither is better"
        " or the dealer has no value."
    )
    ranked: int = strawberry.field(description="Dealers ranked for this KPI that month.")
    meets_target: bool | None = strawberry.field(
        description="Against the manufacturer's target; null without target or value."
    )
    series: list[DealerKpiPoint] = strawberry.field(
        description="The dealer's months of the window; empty unless dealerSeries is asked."
    )


@strawberry.type(description="A dealer's row of the regional dashboard.")
class DashboardDealerRow:
    dealer_id: strawberry.Private[int]
    cells: list[DealerKpiCell]

    @strawberry.field
    async def dealer(self, info: Info) -> Dealer | None:
        return await load_one(info.context.loaders.dealer, Dealer.from_row, self.dealer_id)


@strawberry.type(description="The regional dashboard: a region's dealers against each other.")
class RegionDashboard:
    region_id: strawberry.Private[int]
    month: date = strawberry.field(description="The month shown (latest complete by default).")
    months: list[date] = strawberry.field(description="The window, oldest first.")
    kpis: list[RegionKpiFigure]
    dealers: list[DashboardDealerRow]

    @strawberry.field
    async def region(self, info: Info) -> Region | None:
        return await load_one(info.context.loaders.region, Region.from_row, self.region_id)


@strawberry.type(description="A record behind a figure of the latest month, to open.")
class KpiRecord:
    kind: str = strawberry.field(
        description="warranty_claim, revisit, complaint or repair_order: which page opens it."
    )
    id: strawberry.ID = strawberry.field(description="The record's global id.")
    number: str
    status: str
    at: datetime | None
    amount: Decimal | None
    note: str


@strawberry.type(description="The numbers behind one KPI of one dealer.")
class KpiDrilldown:
    dealer_id: strawberry.Private[int]
    kpi: KpiInfo
    month: date = strawberry.field(description="The latest month of the window.")
    months: list[DealerKpiPoint] = strawberry.field(description="Oldest first.")
    region: list[RegionKpiMonth] = strawberry.field(
        description="The region's median and value per month; empty for a viewer who does not"
        " oversee the region."
    )
    source: str = strawberry.field(description="The tables the figure is computed from.")
    records: list[KpiRecord] = strawberry.field(
        description="The records behind the latest month (at most 50), where there are any."
    )

    @strawberry.field
    async def dealer(self, info: Info) -> Dealer | None:
        return await load_one(info.context.loaders.dealer, Dealer.from_row, self.dealer_id)


@strawberry.type(description="One dealer on every KPI of the catalog, with its months.")
class DealerKpiOverview:
    dealer_id: strawberry.Private[int]
    month: date
    months: list[date]
    oversees: bool = strawberry.field(
        description="Whether the viewer oversees the dealer's region: ranks and medians then."
    )
    kpis: list[RegionKpiFigure] = strawberry.field(
        description="The targets, and the region's figures for an overseer (null otherwise)."
    )
    cells: list[DealerKpiCell] = strawberry.field(description="In the catalog's order.")

    @strawberry.field
    async def dealer(self, info: Info) -> Dealer | None:
        return await load_one(info.context.loaders.dealer, Dealer.from_row, self.dealer_id)


@strawberry.input(description="The manufacturer's target for one KPI; null target: default.")
class SetKpiTargetInput:
    kpi: str
    target: Decimal | None
    direction: str | None = None
