"""GraphQL types of stock: the stock item (one part at one dealer, its bin, quotas and
balances from the ledger), its movements and its open FIFO lots."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from api.schema.catalog import Part
from api.schema.context import Info
from api.schema.loaders import load_one
from api.schema.network import StaffUser
from api.schema.parts.stock_loaders import stock_loaders
from api.schema.relay_conventions import decode_cursor, encode_cursor, page_size


def _keys(node_ids: Iterable[str]) -> list[int]:
    return [int(n) if n.isdigit() else 0 for n in node_ids]


def stock_readable(info: Info) -> bool:
    return info.context.allowed("parts_stock", "read")


@strawberry.enum(description="What moved stock: the ledger's movement kinds.")
class StockMovementKind(Enum):
    RECEIPT = "receipt"
    ISSUE = "issue"
    RETURN = "return"
    TRANSFER_IN = "transfer_in"
    TRANSFER_OUT = "transfer_out"
    COUNT_ADJUSTMENT = "count_adjustment"
    WRITE_OFF = "write_off"


@strawberry.type(description="One line of the ledger (append-only): who moved how many, why.")
class StockMovement(relay.Node):
    id: relay.NodeID[int]
    kind: StockMovementKind
    quantity: Decimal = strawberry.field(description="Signed: positive into stock.")
    unit_cost: Decimal = strawberry.field(description="Inbound at its cost, outbound at FIFO.")
    reason: str
    document_type: str = strawberry.field(description="The document's table, e.g. parts_request.")
    document_id: int | None
    document_number: str | None
    created_at: datetime
    created_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> StockMovement:
        return cls(
            id=row["id"],
            kind=StockMovementKind(row["kind"]),
            quantity=row["quantity"],
            unit_cost=row["unit_cost"],
            reason=row["reason"],
            document_type=row["document_type"],
            document_id=row["document_id"],
            document_number=row["document_number"],
            created_at=row["created_at"],
            created_by_id=row["created_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[StockMovement | None]:
        if not stock_readable(info):
            return [None for _ in node_ids]
        rows = await stock_loaders(info).movement.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field
    def value(self) -> Decimal:
        return (self.quantity * self.unit_cost).quantize(Decimal("0.01"))

    @strawberry.field(description="Who booked it.")
    async def created_by(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.created_by_id)


@strawberry.type(description="A FIFO layer still on the shelf: what one inbound movement left.")
class StockLot:
    received_at: datetime
    quantity: Decimal
    remaining: Decimal
    unit_cost: Decimal
    kind: StockMovementKind = strawberry.field(description="The movement that brought it in.")

    @strawberry.field
    def value(self) -> Decimal:
        return (self.remaining * self.unit_cost).quantize(Decimal("0.01"))


@strawberry.type(
    description="One part stocked at the current dealer: where it lies (库号-架号-层号-位号),"
    " its quotas (储备上下限) and its balances, always derived from the ledger."
)
class StockItem(relay.Node):
    id: relay.NodeID[int]
    bin_location: str
    zone: str = strawberry.field(description="Storage zone, by vehicle model.")
    min_qty: Decimal
    max_qty: Decimal
    reorder_multiple: Decimal
    lead_time_days: int
    unit_cost: Decimal
    on_hand: Decimal
    reserved: Decimal = strawberry.field(description="Held for appointments and order lines.")
    on_order: Decimal = strawberry.field(
        description="Ordered (approved plans on) and not received."
    )
    last_movement_at: datetime | None
    last_issue_at: datetime | None
    active: bool
    part_id: strawberry.Private[int]
    joined_part: strawberry.Private[Part]

    @classmethod
    def from_row(cls, row: Any) -> StockItem:
        """From a row of ``stock_items.ITEM_SQL``, which joins the part already."""
        return cls(
            id=row["id"],
            bin_location=row["bin_location"],
            zone=row["zone"],
            min_qty=row["min_qty"],
            max_qty=row["max_qty"],
            reorder_multiple=row["reorder_multiple"],
            lead_time_days=row["lead_time_days"],
            unit_cost=row["unit_cost"],
            on_hand=row["on_hand"],
            reserved=row["reserved"],
            on_order=row["on_order"],
            last_movement_at=row["last_movement_at"],
            last_issue_at=row["last_issue_at"],
            active=row["active"],
            part_id=row["part_id"],
            joined_part=Part(
                id=row["part_id"],
                part_number=row["part_number"],
                name=row["part_name"],
                name_zh=row["part_name_zh"],
                unit=row["part_unit"],
                pack_size=row["part_pack_size"],
                list_price=row["part_list_price"],
                part_group=row["part_group"],
                superseded_by_id=row["part_superseded_by"],
            ),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[StockItem | None]:
        if not stock_readable(info):
            return [None for _ in node_ids]
        rows = await stock_loaders(info).item.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="On hand less reserved: what may still be promised.")
    def available(self) -> Decimal:
        return self.on_hand - self.reserved

    @strawberry.field(description="On hand is below the minimum quota.")
    def below_min(self) -> bool:
        return self.on_hand < self.min_qty

    @strawberry.field(description="On hand is above a set maximum quota.")
    def above_max(self) -> bool:
        return self.max_qty > 0 and self.on_hand > self.max_qty

    @strawberry.field(description="Whole days since the last movement; null if it never moved.")
    def no_movement_days(self) -> int | None:
        if self.last_movement_at is None:
            return None
        return max((datetime.now(UTC) - self.last_movement_at).days, 0)

    @strawberry.field
    def part(self) -> Part | None:
        # Joined by the item's own query: no data-loader batch (a second tenant transaction)
        # and no awaited future per item of a list page.
        return self.joined_part

    @strawberry.field(description="Value of what is on the shelf at the lots' FIFO costs.")
    async def stock_value(self, info: Info) -> Decimal:
        lots = await stock_loaders(info).lots.load(self.id)
        return sum((r["remaining"] * r["unit_cost"] for r in lots), Decimal(0)).quantize(
            Decimal("0.01")
        )

    @strawberry.field(description="Open FIFO lots, the next to be issued first.")
    async def lots(self, info: Info) -> list[StockLot]:
        rows = await stock_loaders(info).lots.load(self.id)
        return [
            StockLot(
                received_at=r["received_at"],
                quantity=r["quantity"],
                remaining=r["remaining"],
                unit_cost=r["unit_cost"],
                kind=StockMovementKind(r["kind"]),
            )
            for r in rows
        ]

    @strawberry.field(description="The ledger of this item, newest first.")
    async def movements(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[StockMovement]:
        size = page_size(first)
        rows = await stock_loaders(info).movement_page.load(
            (self.id, decode_cursor(after), size + 1)
        )
        page = rows[:size]
        edges = [
            relay.Edge(node=StockMovement.from_row(r), cursor=encode_cursor(r["id"])) for r in page
        ]
        return relay.Connection(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=len(rows) > size,
                has_previous_page=False,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
