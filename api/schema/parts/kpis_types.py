"""GraphQL types of the parts KPIs. Definitions live with the SQL in ``tenants.parts.kpis``;
each figure set of a dealer resolves through a dataloader, so a region of 50 dealers
costs one query per figure set, like a single dealer."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

import strawberry

from api.schema.context import Info
from api.schema.loaders import load_one
from api.schema.network import Dealer, Region
from api.schema.parts.kpis_loaders import kpi_loader
from tenants.parts import kpis


@strawberry.type(
    name="PartsFillRate",
    description="First-pick availability: requests (and repair orders) whose parts were all"
    " on the shelf when asked, cancelled requests left out.",
)
class FillRateType:
    requests: int
    requests_available: int
    fill_rate: Decimal | None = strawberry.field(description="Available requests / requests.")
    orders: int
    orders_available: int
    order_fill_rate: Decimal | None = strawberry.field(
        description="Orders whose requests were all available / orders with requests."
    )


@strawberry.type(
    name="PartsStockValue",
    description="Inventory value at FIFO cost reconstructed from the ledger, and turnover.",
)
class StockValueType:
    inventory_value: Decimal = strawberry.field(description="At the end of the period.")
    average_inventory_value: Decimal = strawberry.field(
        description="Mean of the 13 month marks of the 12 months ending with the period."
    )
    issue_cost_12_months: Decimal = strawberry.field(
        description="Cost of issues minus returns over those 12 months."
    )
    issue_cost: Decimal = strawberry.field(description="Cost of issues minus returns, period.")
    days: int = strawberry.field(description="Days in the period.")
    turnover: Decimal | None = strawberry.field(
        description="12-month issue cost / average inventory value."
    )
    days_of_supply: Decimal | None = strawberry.field(
        description="Inventory value / average daily issue cost of the period."
    )


@strawberry.type(
    name="PartsDeadStock",
    description="Items with stock and no movement in the dealer's dead-stock days (dead) or"
    " slow-moving days (slow, not dead), at the end of the period.",
)
class DeadStockType:
    dead_days: int
    slow_days: int
    stocked_items: int
    stock_value: Decimal
    dead_items: int
    dead_value: Decimal
    slow_items: int
    slow_value: Decimal
    dead_value_share: Decimal | None = strawberry.field(description="Dead value / stock value.")


@strawberry.type(
    name="PartsAgingBand",
    description="Inventory value whose FIFO lots are first_day..last_day days old.",
)
class AgingBandType:
    key: str = strawberry.field(description="0-90, 91-180, 181-365 or over-365.")
    first_day: int
    last_day: int | None
    quantity: Decimal
    value: Decimal


@strawberry.type(
    name="PartsEmergencyOrders",
    description="Purchase-order lines of orders sent in the period, emergency ones apart.",
)
class EmergencyType:
    lines: int
    emergency_lines: int
    value: Decimal
    emergency_value: Decimal
    emergency_share: Decimal | None = strawberry.field(description="By count of lines.")
    emergency_value_share: Decimal | None = strawberry.field(description="By value.")


@strawberry.type(name="PartsKpiMonth", description="One month of the 12 ending with the period.")
class TrendMonthType:
    start: date = strawberry.field(name="from")
    end: date = strawberry.field(name="to")
    issue_cost: Decimal
    inventory_value: Decimal = strawberry.field(description="At the month's end.")
    turnover: Decimal | None = strawberry.field(description="Annualised for the month.")
    requests: int
    fill_rate: Decimal | None


def _convert(cls: type[Any], value: Any) -> Any:
    fields = asdict(value)
    fields.pop("month", None)
    return cls(**fields)


@strawberry.type(
    name="PartsKpis", description="Parts KPIs of one dealer, [from, to] in its own calendar."
)
class PartsKpis:
    dealer_id: strawberry.Private[int]
    start: date = strawberry.field(name="from")
    end: date = strawberry.field(name="to")

    async def _load(self, info: Info, figure_set: str) -> Any:
        return await kpi_loader(info, figure_set, self.start, self.end).load(self.dealer_id)

    @strawberry.field
    async def dealer(self, info: Info) -> Dealer | None:
        return await load_one(info.context.loaders.dealer, Dealer.from_row, self.dealer_id)

    @strawberry.field
    async def fill_rate(self, info: Info) -> FillRateType:
        return _convert(FillRateType, await self._load(info, "fill"))

    @strawberry.field
    async def stock_value(self, info: Info) -> StockValueType:
        return _convert(StockValueType, await self._load(info, "stock"))

    @strawberry.field
    async def dead_stock(self, info: Info) -> DeadStockType:
        return _convert(DeadStockType, await self._load(info, "dead"))

    @strawberry.field
    async def aging(self, info: Info) -> list[AgingBandType]:
        return [_convert(AgingBandType, b) for b in await self._load(info, "aging")]

    @strawberry.field(name="emergencyOrders")
    async def emergency(self, info: Info) -> EmergencyType:
        return _convert(EmergencyType, await self._load(info, "emergency"))

    @strawberry.field(description="The 12 months ending with the period, oldest first.")
    async def trend(self, info: Info) -> list[TrendMonthType]:
        return [_convert(TrendMonthType, m) for m in await self._load(info, "trend")]


@strawberry.type(
    name="PartsRegionSummary",
    description="A region's totals, its pooled ratios (summed numerators over summed"
    " denominators) and the median of its dealers' own figures.",
)
class RegionSummaryType:
    requests: int
    requests_available: int
    fill_rate: Decimal | None
    fill_rate_median: Decimal | None
    orders: int
    orders_available: int
    order_fill_rate: Decimal | None
    order_fill_rate_median: Decimal | None
    inventory_value: Decimal
    inventory_value_median: Decimal | None
    average_inventory_value: Decimal
    issue_cost_12_months: Decimal
    issue_cost: Decimal
    turnover: Decimal | None
    turnover_median: Decimal | None
    days_of_supply: Decimal | None
    days_of_supply_median: Decimal | None
    stocked_items: int
    stock_value: Decimal
    dead_items: int
    dead_value: Decimal
    dead_value_median: Decimal | None
    dead_value_share: Decimal | None
    dead_value_share_median: Decimal | None
    slow_items: int
    slow_value: Decimal
    slow_value_median: Decimal | None
    lines: int
    emergency_lines: int
    value: Decimal
    emergency_value: Decimal
    emergency_share: Decimal | None
    emergency_share_median: Decimal | None
    emergency_value_share: Decimal | None
    emergency_value_share_median: Decimal | None
    aging: list[AgingBandType]

    @classmethod
    def from_summary(cls, summary: kpis.RegionSummary) -> RegionSummaryType:
        # SQL sums counts as numeric; the counts are whole numbers.
        kinds = {f: kind for f, kind in cls.__annotations__.items() if f != "aging"}
        figures: dict[str, Any] = {
            k: int(v) if kinds[k] == "int" else v for k, v in summary.figures.items() if k in kinds
        }
        return cls(**figures, aging=[_convert(AgingBandType, b) for b in summary.aging])


@strawberry.type(
    name="RegionPartsKpis",
    description="Parts KPIs of every dealer of a region the viewer oversees, with the region's"
    " totals and medians.",
)
class RegionPartsKpis:
    region_id: strawberry.Private[int]
    summary: RegionSummaryType
    dealers: list[PartsKpis]
    start: date = strawberry.field(name="from")
    end: date = strawberry.field(name="to")

    @strawberry.field
    async def region(self, info: Info) -> Region | None:
        return await load_one(info.context.loaders.region, Region.from_row, self.region_id)
