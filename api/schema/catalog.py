"""GraphQL types of the manufacturer's catalogs as a dealer sees them: labour operations
with standard hours (标准工时) and parts, with the stock at the current dealer."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from api.schema.context import Info
from api.schema.errors import Forbidden
from api.schema.front_desk_loaders import front_desk_loaders
from api.schema.loaders import load_one
from api.schema.relay_conventions import connection, decode_cursor, page_size

if TYPE_CHECKING:
    from api.schema.parts.stock_types import StockItem

CATALOG_READERS: tuple[tuple[str, str], ...] = (
    ("appointment", "read"),
    ("repair_order", "read"),
    ("quotation", "read"),
    ("parts_catalog", "read"),
    ("parts_stock", "read"),
)
"""Whoever books, receives, quotes or keeps parts may read the catalogs."""


def catalog_readable(info: Info) -> bool:
    return any(info.context.allowed(o, a) for o, a in CATALOG_READERS)


def require_catalog(info: Info) -> int:
    if not catalog_readable(info):
        raise Forbidden("parts_catalog", "read", info.context.dealer_id)
    return info.context.dealer_id


def _node_keys(node_ids: Iterable[str]) -> list[int]:
    return [int(n) if n.isdigit() else 0 for n in node_ids]


@strawberry.enum(description="What kind of work a labour operation is.")
class OperationKind(Enum):
    MAINTENANCE = "maintenance"
    REPAIR = "repair"
    DIAGNOSIS = "diagnosis"
    BODY = "body"
    PAINT = "paint"
    INSPECTION = "inspection"


@strawberry.type(description="Stock of a part at the current dealer, from the ledger.")
class StockAvailability:
    bin_location: str
    on_hand: Decimal
    reserved: Decimal
    min_qty: Decimal
    max_qty: Decimal

    @strawberry.field
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


@strawberry.type
class Part(relay.Node):
    id: relay.NodeID[int]
    part_number: str
    name: str
    name_zh: str
    unit: str
    pack_size: int
    list_price: Decimal
    part_group: str
    superseded_by_id: strawberry.Private[int | None] = None

    @classmethod
    def from_row(cls, row: Any) -> Part:
        return cls(
            id=row["id"],
            part_number=row["part_number"],
            name=row["name"],
            name_zh=row["name_zh"],
            unit=row["unit"],
            pack_size=row["pack_size"],
            list_price=row["list_price"],
            part_group=row["part_group"],
            superseded_by_id=row.get("superseded_by"),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Part | None]:
        if not catalog_readable(info):
            return [None for _ in node_ids]
        rows = await info.context.loaders.part.load_many(_node_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="At the current dealer; null without parts_stock:read.")
    async def stock(self, info: Info) -> StockAvailability | None:
        if not info.context.allowed("parts_stock", "read"):
            return None
        rows = await front_desk_loaders(info).stock_by_part.load(self.id)
        if not rows:
            zero = Decimal(0)
            return StockAvailability(
                bin_location="", on_hand=zero, reserved=zero, min_qty=zero, max_qty=zero
            )
        r = rows[0]
        return StockAvailability(
            bin_location=r["bin_location"],
            on_hand=r["on_hand"],
            reserved=r["reserved"],
            min_qty=r["min_qty"],
            max_qty=r["max_qty"],
        )

    @strawberry.field(description="The number that replaced this one, if it was superseded.")
    async def superseded_by(self, info: Info) -> Part | None:
        return await load_one(info.context.loaders.part, Part.from_row, self.superseded_by_id)

    @strawberry.field(description="The old numbers this one replaced.")
    async def supersedes(self, info: Info) -> list[Part]:
        from api.schema.parts.stock_loaders import stock_loaders

        rows = await stock_loaders(info).supersedes.load(self.id)
        return [Part.from_row(r) for r in rows]

    @strawberry.field(
        description="The number to use today: the end of the supersession chain (A -> B -> C"
        " gives C); null when this part is current."
    )
    async def current_successor(self, info: Info) -> Part | None:
        from api.schema.parts.stock_loaders import stock_loaders

        successor = await stock_loaders(info).successor.load(self.id)
        return await load_one(info.context.loaders.part, Part.from_row, successor)

    @strawberry.field(description="Whether the current dealer stocks this part.")
    async def stocked_here(self, info: Info) -> bool:
        from api.schema.parts.stock_loaders import stock_loaders

        if not catalog_readable(info):
            return False
        return await stock_loaders(info).item_by_part.load(self.id) is not None

    @strawberry.field(
        description="The current dealer's stock item of this part; null when not stocked here"
        " (or without parts_stock:read)."
    )
    async def stock_item(
        self, info: Info
    ) -> Annotated[StockItem, strawberry.lazy("api.schema.parts.stock_types")] | None:
        from api.schema.parts.stock_loaders import stock_loaders
        from api.schema.parts.stock_types import StockItem

        if not info.context.allowed("parts_stock", "read"):
            return None
        row = await stock_loaders(info).item_by_part.load(self.id)
        return StockItem.from_row(row) if row else None


@strawberry.type(description="A part an operation normally needs, and how many.")
class OperationPart:
    quantity: Decimal
    part_id: strawberry.Private[int]

    @strawberry.field
    async def part(self, info: Info) -> Part | None:
        return await load_one(info.context.loaders.part, Part.from_row, self.part_id)


@strawberry.type
class LabourOperation(relay.Node):
    id: relay.NodeID[int]
    code: str
    name: str
    name_zh: str
    kind: OperationKind
    standard_hours: Decimal

    @classmethod
    def from_row(cls, row: Any) -> LabourOperation:
        return cls(
            id=row["id"],
            code=row["code"],
            name=row["name"],
            name_zh=row["name_zh"],
            kind=OperationKind(row["kind"]),
            standard_hours=row["standard_hours"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[LabourOperation | None]:
        if not catalog_readable(info):
            return [None for _ in node_ids]
        rows = await info.context.loaders.labour_operation.load_many(_node_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field
    async def parts(self, info: Info) -> list[OperationPart]:
        rows = await front_desk_loaders(info).parts_by_operation.load(self.id)
        return [OperationPart(quantity=r["quantity"], part_id=r["part_id"]) for r in rows]


_MANUFACTURER_OF_DEALER = (
    "(select r.manufacturer_id from dealer d join region r on r.id = d.region_id where d.id = $1)"
)


@strawberry.type
class CatalogQuery:
    @strawberry.field(
        description="The labour operation catalog of the current dealer's manufacturer,"
        " searched by code or name (English or Chinese)."
    )
    async def labour_operations(
        self,
        info: Info,
        search: str = "",
        kind: OperationKind | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[LabourOperation]:
        dealer = require_catalog(info)
        size, last = page_size(first), decode_cursor(after) or 0
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                f"select * from labour_operation where manufacturer_id = {_MANUFACTURER_OF_DEALER}"
                " and id > $2 and ($3 = '' or code ilike '%' || $3 || '%'"
                "  or name ilike '%' || $3 || '%' or name_zh like '%' || $3 || '%')"
                " and ($4::text is null or kind = $4) order by id limit $5",
                dealer,
                last,
                search.strip(),
                kind.value if kind else None,
                size + 1,
            )
        return connection(rows, size, LabourOperation.from_row, lambda r: r["id"])

    @strawberry.field(
        description="The parts catalog of the current dealer's manufacturer, searched by"
        " part number or name."
    )
    async def parts(
        self,
        info: Info,
        search: str = "",
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[Part]:
        dealer = require_catalog(info)
        size, last = page_size(first), decode_cursor(after) or 0
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                f"select * from part where manufacturer_id = {_MANUFACTURER_OF_DEALER}"
                " and id > $2 and ($3 = '' or part_number ilike '%' || $3 || '%'"
                "  or name ilike '%' || $3 || '%' or name_zh like '%' || $3 || '%')"
                " order by id limit $4",
                dealer,
                last,
                search.strip(),
                size + 1,
            )
        return connection(rows, size, Part.from_row, lambda r: r["id"])
