"""GraphQL types of reorder runs and suggestions: every suggestion carries the numbers
behind it (demand, season, forecast, position, rounding) and the transfer offers found
in the region, so the planner's screen can show why."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from api.schema.catalog import Part
from api.schema.context import Info
from api.schema.loaders import load_one
from api.schema.network import StaffUser
from api.schema.parts.purchasing_loaders import purchasing_loaders
from api.schema.parts.purchasing_types import PurchaseOrder
from api.schema.parts.reorder_loaders import reorder_loaders
from api.schema.parts.stock_loaders import stock_loaders
from api.schema.parts.stock_types import StockItem
from api.schema.relay_conventions import global_id


def plan_readable(info: Info) -> bool:
    return info.context.allowed("parts_plan", "read")


def _keys(node_ids: Iterable[str]) -> list[int]:
    return [int(n) if n.isdigit() else 0 for n in node_ids]


def _dec(value: Any) -> Decimal:
    """A number from the explanation's JSON (decoded with exact decimals)."""
    return Decimal(value) if value is not None else Decimal(0)


def _opt_dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


@strawberry.enum(description="What started a reorder run.")
class ReorderTrigger(Enum):
    NIGHTLY = "nightly"
    ON_DEMAND = "on_demand"


@strawberry.enum(description="queued -> running -> done | failed.")
class ReorderRunStatus(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@strawberry.enum(description="open until the planner decides; superseded by the next run.")
class ReorderSuggestionStatus(Enum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"
    TRANSFERRED = "transferred"
    SUPERSEDED = "superseded"


@strawberry.enum(description="Where a lead time came from.")
class LeadTimeSource(Enum):
    STOCK_ITEM = "stock_item"
    SUPPLIER = "supplier"


@strawberry.type(description="Counts of a run's suggestions by what became of them.")
class ReorderRunSummary:
    open: int
    emergency: int = strawberry.field(description="Open and emergency.")
    transferable: int = strawberry.field(description="Open, with a transfer offer.")
    accepted: int
    dismissed: int
    transferred: int


@strawberry.type(description="One reorder run of the dealer (nightly or on demand).")
class ReorderRun(relay.Node):
    id: relay.NodeID[int]
    trigger: ReorderTrigger
    status: ReorderRunStatus
    as_of: date = strawberry.field(description="The local day the run plans for.")
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    items_considered: int = strawberry.field(description="Current numbers looked at.")
    suggestion_count: int
    attempts: int = strawberry.field(description="Workers that took it up (retries after a crash).")
    error: str
    service_level: Decimal | None = strawberry.field(description="Used by the run.")
    requested_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> ReorderRun:
        parameters: Mapping[str, Any] = row["parameters"] or {}
        return cls(
            id=row["id"],
            trigger=ReorderTrigger(row["trigger"]),
            status=ReorderRunStatus(row["status"]),
            as_of=row["as_of"],
            requested_at=row["requested_at"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            items_considered=row["items_considered"],
            suggestion_count=row["suggestions"],
            attempts=row["attempts"],
            error=row["error"],
            service_level=_opt_dec(parameters.get("service_level")),
            requested_by_id=row["requested_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ReorderRun | None]:
        if not plan_readable(info):
            return [None for _ in node_ids]
        rows = await reorder_loaders(info).run.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="Null for the nightly runs.")
    async def requested_by(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.requested_by_id)

    @strawberry.field
    async def summary(self, info: Info) -> ReorderRunSummary:
        row = await reorder_loaders(info).run_summary.load(self.id)
        if row is None:
            return ReorderRunSummary(
                open=0, emergency=0, transferable=0, accepted=0, dismissed=0, transferred=0
            )
        return ReorderRunSummary(
            open=row["open"],
            emergency=row["emergency"],
            transferable=row["transferable"],
            accepted=row["accepted"],
            dismissed=row["dismissed"],
            transferred=row["transferred"],
        )


@strawberry.type(description="An older number's share: its demand and usable stock.")
class PredecessorDemand:
    part_number: str
    demand: Decimal
    available: Decimal


@strawberry.type(description="Demand (issues minus returns) over the history and the window.")
class DemandExplanation:
    history_days: int
    history_qty: Decimal
    window_days: int
    window_qty: Decimal
    mean_per_day: Decimal = strawberry.field(description="Window demand / window days.")
    sd_per_day: Decimal = strawberry.field(description="Spread of the window's daily demand.")
    first_day: date | None = strawberry.field(description="First day with demand in the history.")
    predecessors: list[PredecessorDemand] = strawberry.field(
        description="Replaced numbers whose demand and stock count for this one."
    )


@strawberry.type(
    description="The coming calendar months last year against that year's average month."
)
class SeasonExplanation:
    applied: bool = strawberry.field(
        description="False without a year of history or with under 12 a year: factor 1."
    )
    from_day: date
    to_day: date = strawberry.field(description="Exclusive.")
    qty: Decimal
    year_from: date
    year_to: date = strawberry.field(description="Exclusive.")
    year_qty: Decimal
    raw: Decimal | None = strawberry.field(description="Before bounding to 0.5 .. 2.")
    factor: Decimal


@strawberry.type(description="From demand to the reorder point and the order-up-to level.")
class ForecastExplanation:
    demand_per_day: Decimal = strawberry.field(description="Mean x seasonal factor.")
    sd_per_day: Decimal
    service_level: Decimal
    z: Decimal = strawberry.field(description="Safety factor of the service level.")
    lead_time_days: int
    lead_time_source: LeadTimeSource
    supplier: str | None = strawberry.field(description="When the lead time is the supplier's.")
    review_period_days: int
    lead_time_demand: Decimal = strawberry.field(description="Demand per day x lead time.")
    safety_stock: Decimal = strawberry.field(description="z x spread x sqrt(lead time).")
    reorder_point: Decimal = strawberry.field(description="Lead-time demand + safety stock.")
    review_period_demand: Decimal
    order_up_to: Decimal = strawberry.field(
        description="max(max quota, reorder point + review-period demand)."
    )


@strawberry.type(description="The inventory position the decision compares with its levels.")
class PositionExplanation:
    on_hand: Decimal
    reserved: Decimal
    appointment_reserved: Decimal
    on_order: Decimal = strawberry.field(description="Approved and ordered, not received.")
    in_plan: Decimal = strawberry.field(description="In plans not yet approved.")
    transfers_in: Decimal = strawberry.field(description="Requested from other dealers.")
    transfers_out: Decimal = strawberry.field(description="Promised to other dealers.")
    predecessor_available: Decimal = strawberry.field(description="Older numbers on the shelf.")
    position: Decimal
    min_qty: Decimal
    max_qty: Decimal
    trigger_level: Decimal = strawberry.field(description="max(reorder point, min quota).")


@strawberry.type(description="From the need to the quantity: multiples and whole packs.")
class OrderExplanation:
    need: Decimal = strawberry.field(description="Order-up-to - position.")
    multiple: Decimal
    pack_size: int
    step: Decimal = strawberry.field(description="Least common multiple of multiple and pack.")
    quantity: Decimal
    emergency: bool
    shortage: Decimal = strawberry.field(
        description="Reserved beyond on hand + on order (appointments wait for it)."
    )


@strawberry.type(description="Another dealer of the region could give this part.")
class TransferOffer:
    dealer_id: strawberry.ID
    dealer_code: str
    dealer_name: str
    dealer_name_zh: str
    part_id: strawberry.ID
    part_number: str
    quantity: Decimal = strawberry.field(description="Transferable: surplus or slow-moving.")
    slow_moving: bool

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TransferOffer:
        return cls(
            dealer_id=strawberry.ID(global_id("Dealer", int(data["dealer_id"]))),
            dealer_code=data["dealer_code"],
            dealer_name=data["dealer_name"],
            dealer_name_zh=data["dealer_name_zh"],
            part_id=strawberry.ID(global_id("Part", int(data["part_id"]))),
            part_number=data["part_number"],
            quantity=_dec(data["quantity"]),
            slow_moving=bool(data["slow_moving"]),
        )


@strawberry.type(description="Every number behind a suggestion.")
class ReorderExplanation:
    demand: DemandExplanation
    season: SeasonExplanation
    forecast: ForecastExplanation
    stock: PositionExplanation
    order: OrderExplanation

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReorderExplanation:
        d, s, f, p, o = (data[k] for k in ("demand", "season", "forecast", "stock", "order"))
        return cls(
            demand=DemandExplanation(
                history_days=int(d["history_days"]),
                history_qty=_dec(d["history_qty"]),
                window_days=int(d["window_days"]),
                window_qty=_dec(d["window_qty"]),
                mean_per_day=_dec(d["mean_per_day"]),
                sd_per_day=_dec(d["sd_per_day"]),
                first_day=_day(d["first_day"]),
                predecessors=[
                    PredecessorDemand(
                        part_number=x["part_number"],
                        demand=_dec(x["demand"]),
                        available=_dec(x["available"]),
                    )
                    for x in d["predecessors"]
                ],
            ),
            season=SeasonExplanation(
                applied=bool(s["applied"]),
                from_day=date.fromisoformat(s["from"]),
                to_day=date.fromisoformat(s["to"]),
                qty=_dec(s["qty"]),
                year_from=date.fromisoformat(s["year_from"]),
                year_to=date.fromisoformat(s["year_to"]),
                year_qty=_dec(s["year_qty"]),
                raw=_opt_dec(s["raw"]),
                factor=_dec(s["factor"]),
            ),
            forecast=ForecastExplanation(
                demand_per_day=_dec(f["demand_per_day"]),
                sd_per_day=_dec(f["sd_per_day"]),
                service_level=_dec(f["service_level"]),
                z=_dec(f["z"]),
                lead_time_days=int(f["lead_time_days"]),
                lead_time_source=LeadTimeSource(f["lead_time_source"]),
                supplier=f["supplier"],
                review_period_days=int(f["review_period_days"]),
                lead_time_demand=_dec(f["lead_time_demand"]),
                safety_stock=_dec(f["safety_stock"]),
                reorder_point=_dec(f["reorder_point"]),
                review_period_demand=_dec(f["review_period_demand"]),
                order_up_to=_dec(f["order_up_to"]),
            ),
            stock=PositionExplanation(
                on_hand=_dec(p["on_hand"]),
                reserved=_dec(p["reserved"]),
                appointment_reserved=_dec(p["appointment_reserved"]),
                on_order=_dec(p["on_order"]),
                in_plan=_dec(p["in_plan"]),
                transfers_in=_dec(p["transfers_in"]),
                transfers_out=_dec(p["transfers_out"]),
                predecessor_available=_dec(p["predecessor_available"]),
                position=_dec(p["position"]),
                min_qty=_dec(p["min_qty"]),
                max_qty=_dec(p["max_qty"]),
                trigger_level=_dec(p["trigger_level"]),
            ),
            order=OrderExplanation(
                need=_dec(o["need"]),
                multiple=_dec(o["multiple"]),
                pack_size=int(o["pack_size"]),
                step=_dec(o["step"]),
                quantity=_dec(o["quantity"]),
                emergency=bool(o["emergency"]),
                shortage=_dec(o["shortage"]),
            ),
        )


@strawberry.type(description="A suggested order of one current part number, and why.")
class ReorderSuggestion(relay.Node):
    id: relay.NodeID[int]
    status: ReorderSuggestionStatus
    emergency: bool = strawberry.field(
        description="Appointments hold more than is on hand and on order: fast channel."
    )
    suggested_qty: Decimal
    edited_qty: Decimal | None
    demand_per_day: Decimal
    demand_sd_per_day: Decimal
    seasonal_factor: Decimal
    lead_time_days: int
    lead_time_demand: Decimal
    safety_stock: Decimal
    reorder_point: Decimal
    order_up_to: Decimal
    on_hand: Decimal
    reserved: Decimal
    on_order: Decimal
    decided_at: datetime | None
    explanation: ReorderExplanation
    transfer_offers: list[TransferOffer] = strawberry.field(
        description="Surplus or slow-moving stock of this part (or an older number) at"
        " other dealers of the region, best first."
    )
    run_id: strawberry.Private[int]
    stock_item_id: strawberry.Private[int]
    part_id: strawberry.Private[int]
    decided_by_id: strawberry.Private[int | None]
    purchase_order_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> ReorderSuggestion:
        explanation: Mapping[str, Any] = json.loads(row["explanation_json"], parse_float=Decimal)
        return cls(
            id=row["id"],
            status=ReorderSuggestionStatus(row["status"]),
            emergency=row["emergency"],
            suggested_qty=row["suggested_qty"],
            edited_qty=row["edited_qty"],
            demand_per_day=row["demand_per_day"],
            demand_sd_per_day=row["demand_sd_per_day"],
            seasonal_factor=row["seasonal_factor"],
            lead_time_days=row["lead_time_days"],
            lead_time_demand=row["lead_time_demand"],
            safety_stock=row["safety_stock"],
            reorder_point=row["reorder_point"],
            order_up_to=row["order_up_to"],
            on_hand=row["on_hand"],
            reserved=row["reserved"],
            on_order=row["on_order"],
            decided_at=row["decided_at"],
            explanation=ReorderExplanation.from_json(explanation),
            transfer_offers=[TransferOffer.from_json(t) for t in explanation.get("transfers", [])],
            run_id=row["run_id"],
            stock_item_id=row["stock_item_id"],
            part_id=row["part_id"],
            decided_by_id=row["decided_by"],
            purchase_order_id=row["purchase_order_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ReorderSuggestion | None]:
        if not plan_readable(info):
            return [None for _ in node_ids]
        rows = await reorder_loaders(info).suggestion.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="What will be ordered: the edited quantity, else the suggested.")
    def quantity(self) -> Decimal:
        return self.edited_qty if self.edited_qty is not None else self.suggested_qty

    @strawberry.field
    async def part(self, info: Info) -> Part | None:
        return await load_one(info.context.loaders.part, Part.from_row, self.part_id)

    @strawberry.field(description="Null without parts_stock:read.")
    async def stock_item(self, info: Info) -> StockItem | None:
        if not info.context.allowed("parts_stock", "read"):
            return None
        return await load_one(stock_loaders(info).item, StockItem.from_row, self.stock_item_id)

    @strawberry.field
    async def run(self, info: Info) -> ReorderRun | None:
        return await load_one(reorder_loaders(info).run, ReorderRun.from_row, self.run_id)

    @strawberry.field
    async def decided_by(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.decided_by_id)

    @strawberry.field(description="The plan it was accepted into.")
    async def purchase_order(self, info: Info) -> PurchaseOrder | None:
        return await load_one(
            purchasing_loaders(info).order, PurchaseOrder.from_row, self.purchase_order_id
        )
