"""GraphQL types of issuing: the parts request (领料单) with its signatures, and the issue
slip (出库单) as printed. A request carries its order number, plate, line, part and bin
itself, so the keeper (who does not read repair orders) sees what the slip shows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from api.schema.catalog import Part
from api.schema.context import Info
from api.schema.loaders import load_one
from api.schema.network import StaffUser, staff_user
from api.schema.parts.stock_loaders import stock_loaders
from api.schema.parts.stock_types import StockItem
from tenants.parts.issuing import SIGNATURES

if TYPE_CHECKING:
    from api.schema.repair_orders import RepairOrder, RepairOrderLine


def _keys(node_ids: Iterable[str]) -> list[int]:
    return [int(n) if n.isdigit() else 0 for n in node_ids]


def requests_readable(info: Info) -> bool:
    return info.context.allowed("parts_issue", "read")


@strawberry.enum
class PartsRequestStatus(Enum):
    REQUESTED = "requested"
    SIGNED = "signed"
    ISSUED = "issued"
    RETURNED = "returned"
    REFUSED = "refused"
    CANCELLED = "cancelled"


@strawberry.enum(
    description="What became of the old part when the new one was issued: kept for the"
    " warranty claim, handed to the customer, scrapped, or none (nothing replaced, e.g. oil)."
)
class IssueOldPart(Enum):
    KEEP_FOR_WARRANTY = "keep_for_warranty"
    HAND_OVER = "hand_over"
    SCRAP = "scrap"
    NONE = "none"


@strawberry.enum(description="A signature a parts request needs before issue.")
class RequestSignature(Enum):
    COUNTERSIGN = "countersign"
    WARRANTY = "warranty"


@strawberry.type(description="A parts request (领料单) for one repair-order line.")
class PartsRequest(relay.Node):
    id: relay.NodeID[int]
    number: str
    status: PartsRequestStatus
    quantity: Decimal
    returned_qty: Decimal
    warranty: bool = strawberry.field(
        description="For a warranty line: the claims specialist signs."
    )
    available_at_request: bool = strawberry.field(
        description="The part was available for the line when requested (first-pick fill rate)."
    )
    requested_at: datetime
    countersigned_at: datetime | None
    warranty_signed_at: datetime | None
    issued_at: datetime | None
    closed_at: datetime | None
    reason: str = strawberry.field(description="Why it was cancelled or refused.")
    old_part_returned: bool | None
    old_part: IssueOldPart | None
    order_number: str
    plate: str
    vehicle_model: str
    line_description: str
    bin_location: str
    part_number: str
    part_name: str
    part_name_zh: str
    unit: str
    issue_unit_cost: Decimal | None = strawberry.field(description="FIFO cost of the issue.")
    order_id: strawberry.Private[int]
    line_id: strawberry.Private[int]
    stock_item_id: strawberry.Private[int]
    part_id: strawberry.Private[int]
    countersigned_by_id: strawberry.Private[int | None]
    warranty_signed_by_id: strawberry.Private[int | None]
    requested_by_id: strawberry.Private[int | None]
    issued_by_id: strawberry.Private[int | None]
    closed_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> PartsRequest:
        return cls(
            id=row["id"],
            number=row["number"],
            status=PartsRequestStatus(row["status"]),
            quantity=row["quantity"],
            returned_qty=row["returned_qty"],
            warranty=row["warranty"],
            available_at_request=row["available_at_request"],
            requested_at=row["requested_at"],
            countersigned_at=row["countersigned_at"],
            warranty_signed_at=row["warranty_signed_at"],
            issued_at=row["issued_at"],
            closed_at=row["closed_at"],
            reason=row["refusal_reason"],
            old_part_returned=row["old_part_returned"],
            old_part=IssueOldPart(row["old_part_disposition"])
            if row["old_part_disposition"]
            else None,
            order_number=row["order_number"],
            plate=row["plate"],
            vehicle_model=row["model"],
            line_description=row["line_description"],
            bin_location=row["bin_location"],
            part_number=row["part_number"],
            part_name=row["part_name"],
            part_name_zh=row["part_name_zh"],
            unit=row["unit"],
            issue_unit_cost=row["issue_unit_cost"],
            order_id=row["repair_order_id"],
            line_id=row["repair_order_line_id"],
            stock_item_id=row["stock_item_id"],
            part_id=row["part_id"],
            requested_by_id=row["requested_by"],
            countersigned_by_id=row["countersigned_by"],
            warranty_signed_by_id=row["warranty_signed_by"],
            issued_by_id=row["issued_by"],
            closed_by_id=row["closed_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PartsRequest | None]:
        if not requests_readable(info):
            return [None for _ in node_ids]
        rows = await stock_loaders(info).request.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="Signatures still missing before the keeper may issue.")
    def missing_signatures(self) -> list[RequestSignature]:
        if self.status is not PartsRequestStatus.REQUESTED:
            return []
        needed = SIGNATURES if self.warranty else frozenset({"countersign"})
        given = {
            "countersign": self.countersigned_at is not None,
            "warranty": self.warranty_signed_at is not None,
        }
        return [RequestSignature(s) for s in sorted(needed) if not given[s]]

    @strawberry.field(description="The technician who asked for the part.")
    async def requested_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.requested_by_id)

    @strawberry.field(description="The advisor who countersigned.")
    async def countersigned_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.countersigned_by_id)

    @strawberry.field(description="The claims specialist who signed a warranty request.")
    async def warranty_signed_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.warranty_signed_by_id)

    @strawberry.field(description="The keeper who issued.")
    async def issued_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.issued_by_id)

    @strawberry.field(description="Who cancelled or refused it.")
    async def closed_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.closed_by_id)

    @strawberry.field
    async def part(self, info: Info) -> Part | None:
        return await load_one(info.context.loaders.part, Part.from_row, self.part_id)

    @strawberry.field(description="Null without parts_stock:read.")
    async def stock_item(self, info: Info) -> StockItem | None:
        if not info.context.allowed("parts_stock", "read"):
            return None
        row = await stock_loaders(info).item.load(self.stock_item_id)
        return StockItem.from_row(row) if row else None

    @strawberry.field(description="Null without repair_order:read.")
    async def order(
        self, info: Info
    ) -> Annotated[RepairOrder, strawberry.lazy("api.schema.repair_orders")] | None:
        from api.schema.repair_order_loaders import order_loaders
        from api.schema.repair_orders import RepairOrder

        if not info.context.allowed("repair_order", "read"):
            return None
        row = await order_loaders(info).order.load(self.order_id)
        return RepairOrder.from_row(row) if row else None

    @strawberry.field(description="Null without repair_order:read.")
    async def line(
        self, info: Info
    ) -> Annotated[RepairOrderLine, strawberry.lazy("api.schema.repair_orders")] | None:
        from api.schema.repair_order_loaders import order_loaders
        from api.schema.repair_orders import RepairOrderLine

        if not info.context.allowed("repair_order", "read"):
            return None
        row = await order_loaders(info).line.load(self.line_id)
        return RepairOrderLine.from_row(row) if row else None


@strawberry.type(description="The issue slip (出库单) as printed: plate, part, bin, signatures.")
class IssueSlip:
    number: str
    status: PartsRequestStatus
    dealer_code: str
    dealer_name: str
    dealer_name_zh: str
    order_number: str
    plate: str
    vin: str
    vehicle_model: str
    line_description: str
    warranty: bool
    part_number: str
    part_name: str
    part_name_zh: str
    unit: str
    bin_location: str
    quantity: Decimal
    returned_qty: Decimal
    unit_cost: Decimal | None
    old_part: IssueOldPart | None
    requested_by: str | None
    requested_at: datetime
    countersigned_by: str | None
    countersigned_at: datetime | None
    warranty_signed_by: str | None
    warranty_signed_at: datetime | None
    issued_by: str | None
    issued_at: datetime | None

    @classmethod
    def from_row(cls, row: Any) -> IssueSlip:
        return cls(
            number=row["number"],
            status=PartsRequestStatus(row["status"]),
            dealer_code=row["dealer_code"],
            dealer_name=row["dealer_name"],
            dealer_name_zh=row["dealer_name_zh"],
            order_number=row["order_number"],
            plate=row["plate"],
            vin=row["vin"],
            vehicle_model=row["model"],
            line_description=row["line_description"],
            warranty=row["warranty"],
            part_number=row["part_number"],
            part_name=row["part_name"],
            part_name_zh=row["part_name_zh"],
            unit=row["unit"],
            bin_location=row["bin_location"],
            quantity=row["quantity"],
            returned_qty=row["returned_qty"],
            unit_cost=row["unit_cost"],
            old_part=IssueOldPart(row["old_part_disposition"])
            if row["old_part_disposition"]
            else None,
            requested_by=row["requested_by"],
            requested_at=row["requested_at"],
            countersigned_by=row["countersigned_by"],
            countersigned_at=row["countersigned_at"],
            warranty_signed_by=row["warranty_signed_by"],
            warranty_signed_at=row["warranty_signed_at"],
            issued_by=row["issued_by"],
            issued_at=row["issued_at"],
        )

    @strawberry.field
    def amount(self) -> Decimal | None:
        if self.unit_cost is None:
            return None
        return ((self.quantity - self.returned_qty) * self.unit_cost).quantize(Decimal("0.01"))
