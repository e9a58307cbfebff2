"""Stock items of the current dealer: catalog search with supersessions, bin and quota settings,
the ledger and FIFO lots behind each balance."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry import relay

from api.schema.catalog import Part
from api.schema.context import Info
from api.schema.parts.stock_cursors import decode_key, keyed_connection
from api.schema.parts.stock_types import StockItem
from api.schema.relay_conventions import page_size, parse_global_id
from tenants.parts import catalog, stock_items


def _item_id(value: strawberry.ID) -> int:
    return parse_global_id(value, "StockItem", "stockItemId")


@strawberry.input(description="Start stocking a catalog part here; quotas are set separately.")
class StartStockingInput:
    part_id: strawberry.ID
    bin_location: str | None = strawberry.field(
        default=None,
        description="库号-架号-层号-位号, e.g. A-01-3-04; null: not shelved yet (or, when the"
        " part was stocked before, where it lay then).",
    )
    zone: str | None = None
    unit_cost: Decimal | None = None


@strawberry.input(description="Where the part lies and what it costs; null leaves a value as is.")
class UpdateStockItemSettingsInput:
    stock_item_id: strawberry.ID
    bin_location: str | None = None
    zone: str | None = None
    unit_cost: Decimal | None = None


@strawberry.input(description="储备上下限 and ordering parameters (the parts manager's quotas).")
class SetStockQuotaInput:
    stock_item_id: strawberry.ID
    min_qty: Decimal
    max_qty: Decimal
    reorder_multiple: Decimal = Decimal(1)
    lead_time_days: int = 7


@strawberry.type
class StockQuery:
    @strawberry.field(
        description="Stock items of the current dealer in bin order, searched by part number,"
        " name or bin; belowMin keeps those whose on-hand is under the minimum."
    )
    async def stock_items(
        self,
        info: Info,
        search: str = "",
        zone: str | None = None,
        below_min: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[StockItem]:
        dealer = info.context.require("parts_stock", "read")
        size, key = page_size(first), decode_key(after)
        async with info.context.read((dealer,)) as tx:
            rows = await stock_items.list_items(
                tx.connection,
                dealer,
                search=search,
                zone=zone or None,
                below_min=below_min,
                after=key,
                limit=size + 1,
            )
        return keyed_connection(
            rows, size, StockItem.from_row, lambda r: (r["bin_location"], r["id"])
        )

    @strawberry.field(description="The storage zones in use at the current dealer.")
    async def stock_zones(self, info: Info) -> list[str]:
        dealer = info.context.require("parts_stock", "read")
        async with info.context.read((dealer,)) as tx:
            return await stock_items.zones(tx.connection, dealer)

    @strawberry.field(
        description="The manufacturer's whole parts catalog by part number, searched by number"
        " or English/Chinese name; stocked narrows to parts stocked here (true) or not (false)."
    )
    async def parts_catalog(
        self,
        info: Info,
        search: str = "",
        stocked: bool | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[Part]:
        dealer = info.context.require("parts_catalog", "read")
        size, key = page_size(first), decode_key(after)
        async with info.context.read((dealer,)) as tx:
            rows = await catalog.search_catalog(
                tx.connection, dealer, search, stocked=stocked, after=key, limit=size + 1
            )
        return keyed_connection(rows, size, Part.from_row, lambda r: (r["part_number"], r["id"]))


@strawberry.type
class StockMutation:
    @strawberry.mutation(description="Stock a catalog part here (parts_catalog:update).")
    async def start_stocking(self, info: Info, input: StartStockingInput) -> StockItem:
        part_id = parse_global_id(input.part_id, "Part", "partId")
        settings = stock_items.Settings(input.bin_location, input.zone, input.unit_cost)
        async with info.context.write("parts_catalog", "update") as tx:
            row = await stock_items.start_stocking(
                tx,
                info.context.dealer_id,
                part_id,
                settings,
                request_id=info.context.request_id,
            )
        return StockItem.from_row(row)

    @strawberry.mutation(description="Bin, zone and cost of a stock item (parts_catalog:update).")
    async def update_stock_item_settings(
        self, info: Info, input: UpdateStockItemSettingsInput
    ) -> StockItem:
        item_id = _item_id(input.stock_item_id)
        settings = stock_items.Settings(input.bin_location, input.zone, input.unit_cost)
        async with info.context.write("parts_catalog", "update") as tx:
            row = await stock_items.update_settings(
                tx, info.context.dealer_id, item_id, settings, request_id=info.context.request_id
            )
        return StockItem.from_row(row)

    @strawberry.mutation(
        description="Min/max (储备上下限), reorder multiple and lead time (parts_stock:set_quota)."
    )
    async def set_stock_quota(self, info: Info, input: SetStockQuotaInput) -> StockItem:
        item_id = _item_id(input.stock_item_id)
        quota = stock_items.Quota(
            input.min_qty, input.max_qty, input.reorder_multiple, input.lead_time_days
        )
        async with info.context.write("parts_stock", "set_quota") as tx:
            row = await stock_items.set_quota(
                tx, info.context.dealer_id, item_id, quota, request_id=info.context.request_id
            )
        return StockItem.from_row(row)
