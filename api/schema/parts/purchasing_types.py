"""GraphQL types of purchasing and receiving: suppliers, parts plans / purchase orders
with their lines and history, receipts with their three inspections, and
transport-damage claims. Kept in one module because they refer to one another
(an order lists its receipts, a receipt names its order)."""

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
from api.schema.network import StaffUser, staff_user
from api.schema.parts.purchasing_access import (
    ORDER_READERS,
    RECEIPT_READERS,
    allows_any,
    approval_limit,
)
from api.schema.parts.purchasing_loaders import purchasing_loaders
from api.schema.personal_data import Kind, personal
from api.schema.relay_conventions import global_id
from tenants.parts.purchase_workflow import approvers, deciders

ZERO = Decimal(0)


def _keys(node_ids: Iterable[str]) -> list[int]:
    return [int(n) if n.isdigit() else 0 for n in node_ids]


async def _part(info: Info, part_id: int) -> Part | None:
    return await load_one(info.context.loaders.part, Part.from_row, part_id)


@strawberry.enum(description="Where a plan / purchase order stands.")
class PurchaseOrderStatus(Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    ORDERED = "ordered"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


@strawberry.enum(description="Regular plan, or emergency order by the fast channel (紧急订货).")
class PurchaseUrgency(Enum):
    REGULAR = "regular"
    EMERGENCY = "emergency"


@strawberry.enum
class PurchaseSource(Enum):
    MANUAL = "manual"
    SHORTAGE = "shortage"
    SUGGESTIONS = "suggestions"


@strawberry.enum
class ReceiptStatus(Enum):
    OPEN = "open"
    POSTED = "posted"
    CANCELLED = "cancelled"


@strawberry.enum(description="The keeper's quality judgement of a counted line.")
class ReceiptQuality(Enum):
    OK = "ok"
    DAMAGED = "damaged"
    WRONG_PART = "wrong_part"
    DEFECTIVE = "defective"


@strawberry.enum
class DamageClaimAgainst(Enum):
    INSURER = "insurer"
    CARRIER = "carrier"


@strawberry.enum
class DamageClaimStatus(Enum):
    OPEN = "open"
    SETTLED = "settled"
    REJECTED = "rejected"


@strawberry.type(description="A supplier besides the manufacturer's parts centre.")
class Supplier(relay.Node):
    id: relay.NodeID[int]
    name: str
    contact: str = personal(Kind.NAME)
    phone: str = personal(Kind.PHONE)
    lead_time_days: int
    active: bool

    @classmethod
    def from_row(cls, row: Any) -> Supplier:
        return cls(
            id=row["id"],
            name=row["name"],
            contact=row["contact"],
            phone=row["phone"],
            lead_time_days=row["lead_time_days"],
            active=row["active"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Supplier | None]:
        if not allows_any(info, ORDER_READERS):
            return [None for _ in node_ids]
        rows = await purchasing_loaders(info).supplier.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]


@strawberry.type(description="One part on a plan / purchase order.")
class PurchaseOrderLine(relay.Node):
    id: relay.NodeID[int]
    quantity: Decimal
    unit_price: Decimal
    received_qty: Decimal
    refused_qty: Decimal = strawberry.field(description="Refused on receipt (still outstanding).")
    closed: bool = strawberry.field(description="Closed short: the rest is no longer expected.")
    close_reason: str
    closed_at: datetime | None
    note: str
    bin_location: str
    on_hand: Decimal = strawberry.field(description="On hand at the dealer now.")
    item_unit_cost: Decimal = strawberry.field(description="The stock item's current cost.")
    order_id: strawberry.Private[int]
    part_id: strawberry.Private[int]
    stock_item_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> PurchaseOrderLine:
        return cls(
            id=row["id"],
            quantity=row["quantity"],
            unit_price=row["unit_price"],
            received_qty=row["received_qty"],
            refused_qty=row["refused_qty"],
            closed=row["closed"],
            close_reason=row["close_reason"],
            closed_at=row["closed_at"],
            note=row["note"],
            bin_location=row["bin_location"],
            on_hand=row["on_hand"],
            item_unit_cost=row["item_unit_cost"],
            order_id=row["purchase_order_id"],
            part_id=row["part_id"],
            stock_item_pk=row["stock_item_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PurchaseOrderLine | None]:
        if not allows_any(info, ORDER_READERS):
            return [None for _ in node_ids]
        rows = await purchasing_loaders(info).order_line.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="Global ID of the dealer's stock item (type StockItem).")
    def stock_item_id(self) -> strawberry.ID:
        return strawberry.ID(global_id("StockItem", self.stock_item_pk))

    @strawberry.field
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))

    @strawberry.field(description="Ordered, not yet received and not closed short.")
    def outstanding_qty(self) -> Decimal:
        return ZERO if self.closed else max(self.quantity - self.received_qty, ZERO)

    @strawberry.field(description="The order's price differs from the stock item's cost.")
    def price_changed(self) -> bool:
        return self.unit_price != self.item_unit_cost

    @strawberry.field
    async def part(self, info: Info) -> Part | None:
        return await _part(info, self.part_id)

    @strawberry.field
    async def order(self, info: Info) -> PurchaseOrder | None:
        row = await purchasing_loaders(info).order.load(self.order_id)
        return PurchaseOrder.from_row(row) if row else None


@strawberry.type
class PurchaseOrderEvent:
    from_status: PurchaseOrderStatus | None
    to_status: PurchaseOrderStatus
    note: str
    at: datetime
    actor_id: strawberry.Private[int | None]

    @strawberry.field
    async def actor(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.actor_id)


@strawberry.type(
    description="What the viewer may do with the order now: permissions, segregation of"
    " duties and the viewer's purchase_order_approval limit, so a screen offers only"
    " what the server will accept."
)
class PurchaseOrderActions:
    can_edit: bool
    can_submit: bool
    can_review: bool
    can_approve: bool
    can_reject: bool
    can_order: bool
    can_cancel: bool
    can_receive: bool
    approval_limit: Decimal | None = strawberry.field(
        description="The viewer's purchase_order_approval limit; null: none."
    )
    within_limit: bool | None = strawberry.field(
        description="Whether the order's total is within that limit (null without one)."
    )
    blocked_reason: str | None = strawberry.field(
        description="Why a decision the viewer's role could make is not theirs here:"
        " own_plan, reviewed_it or above_limit."
    )


@strawberry.type(
    description="A parts plan (订货计划) and, once ordered, a purchase order (采购订单)."
)
class PurchaseOrder(relay.Node):
    id: relay.NodeID[int]
    number: str
    status: PurchaseOrderStatus
    urgency: PurchaseUrgency
    source: PurchaseSource
    note: str
    decision_note: str = strawberry.field(description="The last review, approval or rejection.")
    expected_on: date | None
    created_at: datetime
    submitted_at: datetime | None
    reviewed_at: datetime | None
    approved_at: datetime | None
    ordered_at: datetime | None
    rejected_at: datetime | None
    cancelled_at: datetime | None
    closed_at: datetime | None
    supplier_id: strawberry.Private[int | None]
    created_by_id: strawberry.Private[int | None]
    submitted_by_id: strawberry.Private[int | None]
    reviewed_by_id: strawberry.Private[int | None]
    approved_by_id: strawberry.Private[int | None]
    ordered_by_id: strawberry.Private[int | None]
    rejected_by_id: strawberry.Private[int | None]
    cancelled_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> PurchaseOrder:
        return cls(
            id=row["id"],
            number=row["number"],
            status=PurchaseOrderStatus(row["status"]),
            urgency=PurchaseUrgency(row["urgency"]),
            source=PurchaseSource(row["source"]),
            note=row["note"],
            decision_note=row["decision_note"],
            expected_on=row["expected_on"],
            created_at=row["created_at"],
            submitted_at=row["submitted_at"],
            reviewed_at=row["reviewed_at"],
            approved_at=row["approved_at"],
            ordered_at=row["ordered_at"],
            rejected_at=row["rejected_at"],
            cancelled_at=row["cancelled_at"],
            closed_at=row["closed_at"],
            supplier_id=row["supplier_id"],
            created_by_id=row["created_by"],
            submitted_by_id=row["submitted_by"],
            reviewed_by_id=row["reviewed_by"],
            approved_by_id=row["approved_by"],
            ordered_by_id=row["ordered_by"],
            rejected_by_id=row["rejected_by"],
            cancelled_by_id=row["cancelled_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PurchaseOrder | None]:
        if not allows_any(info, ORDER_READERS):
            return [None for _ in node_ids]
        rows = await purchasing_loaders(info).order.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="Null: the manufacturer's parts centre (the default).")
    async def supplier(self, info: Info) -> Supplier | None:
        return await load_one(
            purchasing_loaders(info).supplier, Supplier.from_row, self.supplier_id
        )

    @strawberry.field
    async def lines(self, info: Info) -> list[PurchaseOrderLine]:
        rows = await purchasing_loaders(info).lines_by_order.load(self.id)
        return [PurchaseOrderLine.from_row(r) for r in rows]

    async def _summary(self, info: Info) -> Any:
        rows = await purchasing_loaders(info).summary_by_order.load(self.id)
        return rows[0] if rows else None

    @strawberry.field(description="Sum of quantity x price over the lines.")
    async def total(self, info: Info) -> Decimal:
        summary = await self._summary(info)
        return summary["total"] if summary else Decimal("0.00")

    @strawberry.field
    async def line_count(self, info: Info) -> int:
        summary = await self._summary(info)
        return int(summary["lines"]) if summary else 0

    @strawberry.field(description="Still expected: ordered, not received, not closed short.")
    async def outstanding_qty(self, info: Info) -> Decimal:
        summary = await self._summary(info)
        return summary["outstanding"] if summary else ZERO

    @strawberry.field(description="Deliveries received against it (needs parts_receipt:read).")
    async def receipts(self, info: Info) -> list[PartsReceipt]:
        if not allows_any(info, RECEIPT_READERS):
            return []
        rows = await purchasing_loaders(info).receipts_by_order.load(self.id)
        return [PartsReceipt.from_row(r) for r in rows]

    @strawberry.field(description="Every status change, oldest first.")
    async def history(self, info: Info) -> list[PurchaseOrderEvent]:
        rows = await purchasing_loaders(info).events_by_order.load(self.id)
        return [
            PurchaseOrderEvent(
                from_status=PurchaseOrderStatus(r["from_status"]) if r["from_status"] else None,
                to_status=PurchaseOrderStatus(r["to_status"]),
                note=r["note"],
                at=r["at"],
                actor_id=r["actor_user_id"],
            )
            for r in rows
        ]

    @strawberry.field(description="The planner who drafted it.")
    async def created_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.created_by_id)

    @strawberry.field
    async def submitted_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.submitted_by_id)

    @strawberry.field(description="The parts manager who reviewed it (审核).")
    async def reviewed_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.reviewed_by_id)

    @strawberry.field(description="Who approved it (审批).")
    async def approved_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.approved_by_id)

    @strawberry.field(description="The purchaser who placed it.")
    async def ordered_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.ordered_by_id)

    @strawberry.field(description="Who last rejected it.")
    async def rejected_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.rejected_by_id)

    @strawberry.field
    async def cancelled_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.cancelled_by_id)

    @strawberry.field
    async def viewer_actions(self, info: Info) -> PurchaseOrderActions:
        ctx = info.context
        status = self.status.value
        me = ctx.principal.user_id
        drafter = me is not None and me in (self.created_by_id, self.submitted_by_id)
        drafts = allows_any(info, (("parts_plan", "create"), ("purchase_order", "create")))
        order = {"status": status, "urgency": self.urgency.value}
        may_decide = allows_any(info, deciders(order))
        may_approve = allows_any(info, approvers(order))
        limit = approval_limit(info, ctx.dealer_id)
        summary = await self._summary(info)
        total = summary["total"] if summary else ZERO
        within = None if limit is None else total <= limit
        awaiting_approval = status == "reviewed" or (
            status == "submitted" and self.urgency is PurchaseUrgency.EMERGENCY
        )
        reviewed_it = me is not None and me == self.reviewed_by_id
        can_approve = (
            awaiting_approval and may_approve and not drafter and not reviewed_it and bool(within)
        )
        can_review = (
            status == "submitted"
            and self.urgency is PurchaseUrgency.REGULAR
            and ctx.allowed("parts_plan", "review")
            and not drafter
        )
        rejectors = may_decide or (status == "submitted" and ctx.allowed("parts_plan", "approve"))
        can_reject = status in ("submitted", "reviewed") and rejectors and not drafter
        blocked = None
        could_decide = (awaiting_approval and may_approve) or (
            status == "submitted"
            and self.urgency is PurchaseUrgency.REGULAR
            and ctx.allowed("parts_plan", "review")
        )
        if could_decide:
            if drafter:
                blocked = "own_plan"
            elif awaiting_approval and may_approve and reviewed_it:
                blocked = "reviewed_it"
            elif awaiting_approval and may_approve and not within:
                blocked = "above_limit"
        return PurchaseOrderActions(
            can_edit=status == "draft" and drafts,
            can_submit=status == "draft" and drafts,
            can_review=can_review,
            can_approve=can_approve,
            can_reject=can_reject,
            can_order=status == "approved" and ctx.allowed("purchase_order", "create"),
            can_cancel=status in ("draft", "submitted", "reviewed", "approved", "ordered")
            and drafts,
            can_receive=status in ("ordered", "partially_received")
            and ctx.allowed("parts_receipt", "create"),
            approval_limit=limit,
            within_limit=within,
            blocked_reason=blocked,
        )


@strawberry.type(description="A transport-damage claim (运输损坏索赔) to an insurer or carrier.")
class TransportDamageClaim(relay.Node):
    id: relay.NodeID[int]
    against: DamageClaimAgainst
    party: str
    quantity: Decimal
    amount: Decimal
    description: str
    status: DamageClaimStatus
    settled_amount: Decimal | None
    decision_note: str
    created_at: datetime
    closed_at: datetime | None
    receipt_line_id: strawberry.Private[int]
    created_by_id: strawberry.Private[int | None]
    closed_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> TransportDamageClaim:
        return cls(
            id=row["id"],
            against=DamageClaimAgainst(row["against"]),
            party=row["party"],
            quantity=row["quantity"],
            amount=row["amount"],
            description=row["description"],
            status=DamageClaimStatus(row["status"]),
            settled_amount=row["settled_amount"],
            decision_note=row["decision_note"],
            created_at=row["created_at"],
            closed_at=row["closed_at"],
            receipt_line_id=row["receipt_line_id"],
            created_by_id=row["created_by"],
            closed_by_id=row["closed_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[TransportDamageClaim | None]:
        if not allows_any(info, RECEIPT_READERS):
            return [None for _ in node_ids]
        rows = await purchasing_loaders(info).claim.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field
    async def receipt_line(self, info: Info) -> PartsReceiptLine | None:
        row = await purchasing_loaders(info).receipt_line.load(self.receipt_line_id)
        return PartsReceiptLine.from_row(row) if row else None

    @strawberry.field
    async def created_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.created_by_id)

    @strawberry.field(description="Who recorded the settlement or rejection.")
    async def closed_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.closed_by_id)


@strawberry.type(description="One part of a delivery: shipped, counted, accepted, refused.")
class PartsReceiptLine(relay.Node):
    id: relay.NodeID[int]
    shipped_qty: Decimal = strawberry.field(description="What the shipping list says.")
    counted_qty: Decimal | None = strawberry.field(description="Null until the keeper counted.")
    accepted_qty: Decimal
    refused_qty: Decimal
    quality: ReceiptQuality
    unit_cost: Decimal = strawberry.field(description="The purchase order's price.")
    note: str
    counted_at: datetime | None
    over_delivery_accepted: bool
    bin_location: str
    ordered_qty: Decimal
    outstanding_qty: Decimal = strawberry.field(
        description="Still expected on the order line (before this receipt is posted)."
    )
    claimed_qty: Decimal = strawberry.field(description="Damaged parts already claimed.")
    receipt_id: strawberry.Private[int]
    order_line_id: strawberry.Private[int]
    part_id: strawberry.Private[int]
    counted_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> PartsReceiptLine:
        outstanding = (
            ZERO
            if row["order_line_closed"]
            else max(row["ordered_qty"] - row["order_received_qty"], ZERO)
        )
        return cls(
            id=row["id"],
            shipped_qty=row["shipped_qty"],
            counted_qty=row["counted_qty"] if row["counted_at"] else None,
            accepted_qty=row["accepted_qty"],
            refused_qty=row["refused_qty"],
            quality=ReceiptQuality(row["quality"]),
            unit_cost=row["unit_cost"],
            note=row["note"],
            counted_at=row["counted_at"],
            over_delivery_accepted=row["over_delivery_accepted"],
            bin_location=row["bin_location"],
            ordered_qty=row["ordered_qty"],
            outstanding_qty=outstanding,
            claimed_qty=row["claimed_qty"],
            receipt_id=row["receipt_id"],
            order_line_id=row["purchase_order_line_id"],
            part_id=row["part_id"],
            counted_by_id=row["counted_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PartsReceiptLine | None]:
        if not allows_any(info, RECEIPT_READERS):
            return [None for _ in node_ids]
        rows = await purchasing_loaders(info).receipt_line.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="Refused as damaged and not yet claimed.")
    def claimable_qty(self) -> Decimal:
        if self.quality is not ReceiptQuality.DAMAGED:
            return ZERO
        return max(self.refused_qty - self.claimed_qty, ZERO)

    @strawberry.field
    async def part(self, info: Info) -> Part | None:
        return await _part(info, self.part_id)

    @strawberry.field
    async def order_line(self, info: Info) -> PurchaseOrderLine | None:
        if not allows_any(info, ORDER_READERS):
            return None
        row = await purchasing_loaders(info).order_line.load(self.order_line_id)
        return PurchaseOrderLine.from_row(row) if row else None

    @strawberry.field
    async def receipt(self, info: Info) -> PartsReceipt | None:
        row = await purchasing_loaders(info).receipt.load(self.receipt_id)
        return PartsReceipt.from_row(row) if row else None

    @strawberry.field
    async def counted_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.counted_by_id)

    @strawberry.field
    async def claims(self, info: Info) -> list[TransportDamageClaim]:
        rows = await purchasing_loaders(info).claims_by_receipt_line.load(self.id)
        return [TransportDamageClaim.from_row(r) for r in rows]


@strawberry.type(description="A goods receipt (入库验收单): one delivery against an order.")
class PartsReceipt(relay.Node):
    id: relay.NodeID[int]
    number: str
    status: ReceiptStatus
    delivery_note: str
    note: str
    received_at: datetime = strawberry.field(description="When the delivery was opened.")
    shipping_list_checked_at: datetime | None
    posted_at: datetime | None
    shelved_at: datetime | None
    cancelled_at: datetime | None
    order_id: strawberry.Private[int]
    received_by_id: strawberry.Private[int | None]
    checked_by_id: strawberry.Private[int | None]
    posted_by_id: strawberry.Private[int | None]
    shelved_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> PartsReceipt:
        return cls(
            id=row["id"],
            number=row["number"],
            status=ReceiptStatus(row["status"]),
            delivery_note=row["delivery_note"],
            note=row["note"],
            received_at=row["received_at"],
            shipping_list_checked_at=row["shipping_list_checked_at"],
            posted_at=row["posted_at"],
            shelved_at=row["shelved_at"],
            cancelled_at=row["cancelled_at"],
            order_id=row["purchase_order_id"],
            received_by_id=row["received_by"],
            checked_by_id=row["shipping_list_checked_by"],
            posted_by_id=row["posted_by"],
            shelved_by_id=row["shelved_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PartsReceipt | None]:
        if not allows_any(info, RECEIPT_READERS):
            return [None for _ in node_ids]
        rows = await purchasing_loaders(info).receipt.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field
    async def purchase_order(self, info: Info) -> PurchaseOrder | None:
        row = await purchasing_loaders(info).order.load(self.order_id)
        return PurchaseOrder.from_row(row) if row else None

    @strawberry.field
    async def lines(self, info: Info) -> list[PartsReceiptLine]:
        rows = await purchasing_loaders(info).lines_by_receipt.load(self.id)
        return [PartsReceiptLine.from_row(r) for r in rows]

    @strawberry.field(description="Who opened it when the delivery arrived.")
    async def received_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.received_by_id)

    @strawberry.field(description="First inspection: the purchaser, against the shipping list.")
    async def shipping_list_checked_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.checked_by_id)

    @strawberry.field
    async def posted_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.posted_by_id)

    @strawberry.field(description="Third inspection: shelving confirmed.")
    async def shelved_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.shelved_by_id)


@strawberry.type(description="A part to order now, with the numbers behind the quantity.")
class PurchaseShortage:
    quantity: Decimal = strawberry.field(
        description="Up to the maximum, rounded up to the reorder multiple."
    )
    urgency: PurchaseUrgency = strawberry.field(
        description="Emergency when reservations exceed what is on hand and coming."
    )
    min_qty: Decimal
    max_qty: Decimal
    reorder_multiple: Decimal
    on_hand: Decimal
    reserved: Decimal
    on_order: Decimal
    planned: Decimal = strawberry.field(description="On plans not yet approved.")
    position: Decimal = strawberry.field(
        description="on hand - reserved + on order + planned (with superseded numbers)."
    )
    part_id: strawberry.Private[int]
    stock_item_pk: strawberry.Private[int | None]
    supplier_id: strawberry.Private[int | None]
    replaces_ids: strawberry.Private[tuple[int, ...]]

    @strawberry.field
    async def part(self, info: Info) -> Part | None:
        return await _part(info, self.part_id)

    @strawberry.field(description="Null: the manufacturer's parts centre.")
    async def supplier(self, info: Info) -> Supplier | None:
        return await load_one(
            purchasing_loaders(info).supplier, Supplier.from_row, self.supplier_id
        )

    @strawberry.field(description="Superseded numbers counted in this one.")
    async def replaces(self, info: Info) -> list[Part]:
        rows = await info.context.loaders.part.load_many(list(self.replaces_ids))
        return [Part.from_row(r) for r in rows if r]
