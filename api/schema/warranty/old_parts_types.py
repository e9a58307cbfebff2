"""GraphQL types of the old-parts store (旧件): the part with its card and ledger, the
shipment back to the manufacturer with its packing list (装箱单), the lines waiting
for a tag and the per-claim reconciliation."""

from __future__ import annotations

from collections.abc import Iterable
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
from api.schema.relay_conventions import global_id
from api.schema.warranty.old_parts_loaders import old_part_loaders

CLAIM_TYPE = "WarrantyClaim"
CLAIM_LINE_TYPE = "WarrantyClaimLine"


def _keys(node_ids: Iterable[str]) -> list[int]:
    return [int(n) if n.isdigit() else 0 for n in node_ids]


def _claim_id(pk: int | None) -> strawberry.ID | None:
    return strawberry.ID(global_id(CLAIM_TYPE, pk)) if pk is not None else None


@strawberry.enum(description="Where an old part is in its life (travels one way only).")
class OldPartStatus(Enum):
    TAGGED = "tagged"
    STORED = "stored"
    REQUESTED = "requested"
    SHIPPED = "shipped"
    INSPECTED = "inspected"
    SCRAPPED = "scrapped"
    HANDED_OVER = "handed_over"


@strawberry.enum(description="The manufacturer's ruling on a returned part (鉴定).")
class InspectionResult(Enum):
    CONFIRMED = "confirmed"
    NOT_CONFIRMED = "not_confirmed"
    NOT_RECEIVED = "not_received"


@strawberry.enum
class ShipmentStatus(Enum):
    PACKING = "packing"
    SHIPPED = "shipped"
    RECEIVED = "received"


@strawberry.type(description="One line of the old part's ledger: a status change.")
class OldPartMovement:
    from_status: OldPartStatus | None
    to_status: OldPartStatus
    note: str
    at: datetime
    by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> OldPartMovement:
        return cls(
            from_status=OldPartStatus(row["from_status"]) if row["from_status"] else None,
            to_status=OldPartStatus(row["to_status"]),
            note=row["note"],
            at=row["created_at"],
            by_id=row["created_by"],
        )

    @strawberry.field(description="Null for the retention job.")
    async def by(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.by_id)


@strawberry.type(description="A claimed (or customer's) old part on the old-parts ledger.")
class OldPart(relay.Node):
    id: relay.NodeID[int]
    tag: str = strawberry.field(description="The label number printed on the part.")
    status: OldPartStatus
    quantity: Decimal
    must_return: bool = strawberry.field(description="The manufacturer wants it back.")
    location: str
    retain_until: date | None
    retention_over: bool = strawberry.field(
        description="Past retain_until in the dealer's time zone: scrapped unless requested."
    )
    tagged_at: datetime
    inspection_result: InspectionResult | None
    inspection_note: str
    inspected_at: datetime | None
    claim_id: strawberry.ID | None = strawberry.field(description="The WarrantyClaim global ID.")
    claim_number: str | None
    vin: str | None
    part_number: str
    part_name: str
    part_name_zh: str
    order_number: str | None = strawberry.field(description="The repair order it came from.")
    shipment_number: str | None
    dealer_code: str
    part_id: strawberry.Private[int]
    shipment_id: strawberry.Private[int | None]
    tagged_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> OldPart:
        return cls(
            id=row["id"],
            tag=row["tag"],
            status=OldPartStatus(row["status"]),
            quantity=row["quantity"],
            must_return=row["must_return"],
            location=row["location"],
            retain_until=row["retain_until"],
            retention_over=bool(row["retention_over"]),
            tagged_at=row["tagged_at"],
            inspection_result=(
                InspectionResult(row["inspection_result"]) if row["inspection_result"] else None
            ),
            inspection_note=row["inspection_note"],
            inspected_at=row["inspected_at"],
            claim_id=_claim_id(row["effective_claim_id"]),
            claim_number=row["claim_number"],
            vin=row["vin"],
            part_number=row["part_number"],
            part_name=row["part_name"],
            part_name_zh=row["part_name_zh"],
            order_number=row["order_number"],
            shipment_number=row["shipment_number"],
            dealer_code=row["dealer_code"],
            part_id=row["part_id"],
            shipment_id=row["shipment_id"],
            tagged_by_id=row["tagged_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[OldPart | None]:
        rows = await old_part_loaders(info).part.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field
    async def part(self, info: Info) -> Part | None:
        return await load_one(info.context.loaders.part, Part.from_row, self.part_id)

    @strawberry.field
    async def shipment(self, info: Info) -> OldPartShipment | None:
        return await load_one(
            old_part_loaders(info).shipment, OldPartShipment.from_row, self.shipment_id
        )

    @strawberry.field
    async def tagged_by(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.tagged_by_id)

    @strawberry.field(description="Every status change, oldest first (append-only).")
    async def movements(self, info: Info) -> list[OldPartMovement]:
        rows = await old_part_loaders(info).movements_by_part.load(self.id)
        return [OldPartMovement.from_row(r) for r in rows]


@strawberry.type(description="A line of the packing list (装箱单).")
class PackingListLine:
    tag: str
    part_number: str
    part_name: str
    part_name_zh: str
    claim_number: str | None
    vin: str | None
    quantity: Decimal
    inspection_result: InspectionResult | None


@strawberry.type(description="A batch of requested old parts going back to the manufacturer.")
class OldPartShipment(relay.Node):
    id: relay.NodeID[int]
    number: str
    status: ShipmentStatus
    carrier: str
    tracking: str
    note: str
    created_at: datetime
    shipped_at: datetime | None
    received_at: datetime | None
    requested_by_manufacturer_at: datetime | None = strawberry.field(
        description="When the manufacturer first asked for a part in it."
    )
    part_count: int
    dealer_code: str
    dealer_name: str
    dealer_name_zh: str
    shipped_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> OldPartShipment:
        return cls(
            id=row["id"],
            number=row["number"],
            status=ShipmentStatus(row["status"]),
            carrier=row["carrier"],
            tracking=row["tracking"],
            note=row["note"],
            created_at=row["created_at"],
            shipped_at=row["shipped_at"],
            received_at=row["received_at"],
            requested_by_manufacturer_at=row["requested_by_manufacturer_at"],
            part_count=row["part_count"],
            dealer_code=row["dealer_code"],
            dealer_name=row["dealer_name"],
            dealer_name_zh=row["dealer_name_zh"],
            shipped_by_id=row["shipped_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[OldPartShipment | None]:
        rows = await old_part_loaders(info).shipment.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="The parts in it, in tag order.")
    async def parts(self, info: Info) -> list[OldPart]:
        rows = await old_part_loaders(info).parts_by_shipment.load(self.id)
        return [OldPart.from_row(r) for r in rows]

    @strawberry.field(description="The packing list (装箱单) to print and put in the box.")
    async def packing_list(self, info: Info) -> list[PackingListLine]:
        rows = await old_part_loaders(info).parts_by_shipment.load(self.id)
        return [
            PackingListLine(
                tag=r["tag"],
                part_number=r["part_number"],
                part_name=r["part_name"],
                part_name_zh=r["part_name_zh"],
                claim_number=r["claim_number"],
                vin=r["vin"],
                quantity=r["quantity"],
                inspection_result=(
                    InspectionResult(r["inspection_result"]) if r["inspection_result"] else None
                ),
            )
            for r in rows
        ]

    @strawberry.field
    async def shipped_by(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.shipped_by_id)


@strawberry.type(description="A warranty part line whose replaced parts are not all tagged.")
class OldPartToTag:
    repair_order_line_id: strawberry.ID | None = strawberry.field(
        description="The RepairOrderLine global ID (tag from it)."
    )
    claim_line_id: strawberry.ID | None = strawberry.field(
        description="The WarrantyClaimLine global ID (tag from it when no order line)."
    )
    claim_id: strawberry.ID | None
    claim_number: str | None
    order_number: str | None
    vin: str
    part_number: str
    part_name: str
    part_name_zh: str
    quantity: Decimal
    tagged: Decimal

    @classmethod
    def from_row(cls, row: Any) -> OldPartToTag:
        return cls(
            repair_order_line_id=(
                strawberry.ID(global_id("RepairOrderLine", row["order_line_id"]))
                if row["order_line_id"] is not None
                else None
            ),
            claim_line_id=(
                strawberry.ID(global_id(CLAIM_LINE_TYPE, row["claim_line_id"]))
                if row["claim_line_id"] is not None
                else None
            ),
            claim_id=_claim_id(row["claim_id"]),
            claim_number=row["claim_number"],
            order_number=row["order_number"],
            vin=row["vin"],
            part_number=row["part_number"],
            part_name=row["part_name"],
            part_name_zh=row["part_name_zh"],
            quantity=row["quantity"],
            tagged=row["tagged"],
        )


@strawberry.type(
    description="One claim's old parts reconciled (账、卡、物一致): claimed, tagged and where"
    " the tagged parts are; a null claim gathers parts on no claim."
)
class OldPartLedgerRow:
    claim_id: strawberry.ID | None
    claim_number: str | None
    vin: str | None
    claimed: Decimal = strawberry.field(description="Parts the claim says were replaced.")
    tagged: Decimal
    in_store: Decimal = strawberry.field(description="Tagged, stored or requested.")
    requested: Decimal
    shipped: Decimal = strawberry.field(description="Shipped or inspected.")
    confirmed: Decimal
    not_confirmed: Decimal = strawberry.field(description="Not confirmed or not received.")
    scrapped: Decimal
    handed_over: Decimal
    cards_off_ledger: int = strawberry.field(
        description="Parts whose status differs from their last movement (should be 0)."
    )
    agrees: bool = strawberry.field(
        description="Every claimed part is tagged and every card agrees with the ledger."
    )

    @classmethod
    def from_row(cls, row: Any) -> OldPartLedgerRow:
        return cls(
            claim_id=_claim_id(row["claim_id"]),
            claim_number=row["claim_number"],
            vin=row["vin"],
            claimed=row["claimed"],
            tagged=row["tagged"],
            in_store=row["in_store"],
            requested=row["requested"],
            shipped=row["shipped"],
            confirmed=row["confirmed"],
            not_confirmed=row["not_confirmed"],
            scrapped=row["scrapped"],
            handed_over=row["handed_over"],
            cards_off_ledger=row["cards_off_ledger"],
            agrees=row["agrees"],
        )
