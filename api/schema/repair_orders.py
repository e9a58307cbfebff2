"""GraphQL of the repair order (维修工单): the order with its lines, quotation revisions,
walk-around, quality checks, settlement and history; queries. Mutations are in
``repair_order_mutations``, the customer's public approval link in ``approval_link``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from api.schema.appointments import Appointment
from api.schema.catalog import LabourOperation, Part
from api.schema.context import Info
from api.schema.customers import Customer, Vehicle
from api.schema.loaders import load_one
from api.schema.network import StaffUser, staff_user
from api.schema.personal_data import Kind, personal
from api.schema.relay_conventions import decode_cursor, encode_cursor, page_size
from api.schema.repair_order_loaders import order_loaders
from tenants.service.orders.pricing import PAY_TYPES, Totals, cents
from tenants.service.plates import normalise_plate
from tenants.service.vin import normalise_vin

if TYPE_CHECKING:
    from api.schema.parts.issuing_types import PartsRequest
    from api.schema.warranty.claims_types import (
        WarrantyClaim,
        WarrantyEligibility,
        WarrantyLineAssessment,
    )

_WARRANTY_TYPES = "api.schema.warranty.claims_types"


def _keys(node_ids: Iterable[str]) -> list[int]:
    return [int(n) if n.isdigit() else 0 for n in node_ids]


@strawberry.enum
class RepairOrderStatus(Enum):
    OPEN = "open"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    IN_PROGRESS = "in_progress"
    WORK_DONE = "work_done"
    READY = "ready"
    SETTLED = "settled"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


@strawberry.enum
class LineKind(Enum):
    LABOUR = "labour"
    PART = "part"
    MATERIAL = "material"


@strawberry.enum(description="Who pays a line.")
class PayType(Enum):
    CUSTOMER = "customer"
    WARRANTY = "warranty"
    INSURANCE = "insurance"
    INTERNAL = "internal"


@strawberry.enum
class LineStatus(Enum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"


@strawberry.enum
class JobStatus(Enum):
    PENDING = "pending"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    DONE = "done"


@strawberry.enum
class RevisionStatus(Enum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    SUPERSEDED = "superseded"


@strawberry.enum
class ApprovalMethod(Enum):
    SIGNATURE = "signature"
    LINK = "link"


@strawberry.enum(description="Self (自检), team (互检) or final (总检) check.")
class CheckStage(Enum):
    SELF = "self"
    TEAM = "team"
    FINAL = "final"


@strawberry.enum
class OldPartDisposition(Enum):
    KEEP_FOR_WARRANTY = "keep_for_warranty"
    HAND_OVER = "hand_over"
    SCRAP = "scrap"


@strawberry.enum
class PaymentMethod(Enum):
    CASH = "cash"
    CARD = "card"
    WECHAT = "wechat"
    ALIPAY = "alipay"
    TRANSFER = "transfer"
    INSURER = "insurer"
    NONE = "none"


@strawberry.type
class PayTypeAmount:
    pay_type: PayType
    amount: Decimal


def _by_pay_type(amounts: dict[str, Any]) -> list[PayTypeAmount]:
    return [PayTypeAmount(pay_type=PayType(p), amount=cents(amounts.get(p, 0))) for p in PAY_TYPES]


@strawberry.type(
    description="Amounts of an order's lines: by kind, by pay type, the customer's share."
)
class OrderTotals:
    total: Decimal
    labour: Decimal
    parts: Decimal
    materials: Decimal
    by_pay_type: list[PayTypeAmount]
    customer_share: Decimal = strawberry.field(description="What the customer pays himself.")

    @classmethod
    def of(cls, totals: Totals) -> OrderTotals:
        return cls(
            total=totals.total,
            labour=totals.labour,
            parts=totals.parts,
            materials=totals.materials,
            by_pay_type=_by_pay_type(totals.by_pay_type),
            customer_share=totals.customer_share,
        )


@strawberry.type
class RepairOrderLine(relay.Node):
    id: relay.NodeID[int]
    kind: LineKind
    description: str
    quantity: Decimal
    hours: Decimal | None
    unit_price: Decimal
    amount: Decimal
    pay_type: PayType
    status: LineStatus
    revision_added: int
    additional: bool = strawberry.field(description="Found during the repair (追加项目).")
    job_status: JobStatus
    team: str
    old_part_disposition: OldPartDisposition | None
    declined_at: datetime | None
    created_at: datetime
    order_id: strawberry.Private[int]
    operation_id: strawberry.Private[int | None]
    part_id: strawberry.Private[int | None]
    reported_by_id: strawberry.Private[int | None]
    technician_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> RepairOrderLine:
        hours = row["hours"]
        amount = row["quantity"] * row["unit_price"] * (hours if hours is not None else 1)
        return cls(
            id=row["id"],
            kind=LineKind(row["kind"]),
            description=row["description"],
            quantity=row["quantity"],
            hours=hours,
            unit_price=row["unit_price"],
            amount=amount.quantize(Decimal("0.01")),
            pay_type=PayType(row["pay_type"]),
            status=LineStatus(row["status"]),
            revision_added=row["revision_added"],
            additional=row["additional"],
            job_status=JobStatus(row["job_status"]),
            team=row["team"],
            old_part_disposition=(
                OldPartDisposition(row["old_part_disposition"])
                if row["old_part_disposition"]
                else None
            ),
            declined_at=row["declined_at"],
            created_at=row["created_at"],
            order_id=row["repair_order_id"],
            operation_id=row["operation_id"],
            part_id=row["part_id"],
            reported_by_id=row["reported_by"],
            technician_id=row["technician_user_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[RepairOrderLine | None]:
        if not info.context.allowed("repair_order", "read"):
            return [None for _ in node_ids]
        rows = await order_loaders(info).line.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field
    async def order(self, info: Info) -> RepairOrder | None:
        row = await order_loaders(info).order.load(self.order_id)
        return RepairOrder.from_row(row) if row else None

    @strawberry.field
    async def operation(self, info: Info) -> LabourOperation | None:
        return await load_one(
            info.context.loaders.labour_operation, LabourOperation.from_row, self.operation_id
        )

    @strawberry.field
    async def part(self, info: Info) -> Part | None:
        return await load_one(info.context.loaders.part, Part.from_row, self.part_id)

    @strawberry.field(description="The technician who reported this additional fault.")
    async def reported_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.reported_by_id)

    @strawberry.field
    async def technician(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.technician_id)

    @strawberry.field(
        description="Parts requests (领料单) of a part line; empty without parts_issue:read."
    )
    async def parts_requests(
        self, info: Info
    ) -> list[Annotated[PartsRequest, strawberry.lazy("api.schema.parts.issuing_types")]]:
        from api.schema.parts.issuing_types import PartsRequest
        from api.schema.parts.stock_loaders import stock_loaders

        if self.kind is not LineKind.PART or not info.context.allowed("parts_issue", "read"):
            return []
        rows = await stock_loaders(info).requests_by_line.load(self.id)
        return [PartsRequest.from_row(r) for r in rows]

    @strawberry.field(description="A warranty line: covered or not, and why (else null).")
    async def warranty_eligibility(
        self, info: Info
    ) -> Annotated[WarrantyEligibility, strawberry.lazy(_WARRANTY_TYPES)] | None:
        from api.schema.warranty.claims_fields import line_eligibility

        return await line_eligibility(info, self.id, self.pay_type.value)

    @strawberry.field(description="The claims specialist's judgement of a warranty line.")
    async def warranty_assessment(
        self, info: Info
    ) -> Annotated[WarrantyLineAssessment, strawberry.lazy(_WARRANTY_TYPES)] | None:
        from api.schema.warranty.claims_fields import line_assessment

        return await line_assessment(info, self.id, self.pay_type.value)

    @strawberry.field(description="The live claim holding this line (needs warranty_claim:read).")
    async def warranty_claim(
        self, info: Info
    ) -> Annotated[WarrantyClaim, strawberry.lazy(_WARRANTY_TYPES)] | None:
        from api.schema.warranty.claims_fields import line_claim

        return await line_claim(info, self.id, self.pay_type.value)


@strawberry.type(description="A line as the customer saw it in a quotation revision.")
class RevisionLine:
    line_id: strawberry.ID
    kind: LineKind
    description: str
    operation_code: str | None
    part_number: str | None
    quantity: Decimal
    hours: Decimal | None
    unit_price: Decimal
    amount: Decimal
    pay_type: PayType
    additional: bool
    already_approved: bool = strawberry.field(description="Approved in an earlier revision.")

    @classmethod
    def from_json(cls, line: dict[str, Any]) -> RevisionLine:
        from api.schema.relay_conventions import global_id

        return cls(
            line_id=strawberry.ID(global_id("RepairOrderLine", int(line["id"]))),
            kind=LineKind(line["kind"]),
            description=line["description"],
            operation_code=line.get("operationCode"),
            part_number=line.get("partNumber"),
            quantity=cents(line["quantity"]),
            hours=cents(line["hours"]) if line.get("hours") is not None else None,
            unit_price=cents(line["unitPrice"]),
            amount=cents(line["amount"]),
            pay_type=PayType(line["payType"]),
            additional=bool(line.get("additional")),
            already_approved=line.get("status") == "approved",
        )


@strawberry.type(description="A quotation the customer is asked to approve (报价单修订).")
class QuotationRevision(relay.Node):
    id: relay.NodeID[int]
    revision: int
    status: RevisionStatus
    total: Decimal
    customer_total: Decimal
    promised_at: datetime | None
    requires_supervisor: bool = strawberry.field(
        description="Above the preparer's authority limit: a supervisor approves first."
    )
    supervisor_approved_at: datetime | None
    approval_method: ApprovalMethod | None
    decided_at: datetime | None
    created_at: datetime
    link_expires_at: datetime | None
    signed: bool
    lines: list[RevisionLine]
    order_id: strawberry.Private[int]
    created_by_id: strawberry.Private[int | None]
    supervisor_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> QuotationRevision:
        return cls(
            id=row["id"],
            revision=row["revision"],
            status=RevisionStatus(row["status"]),
            total=row["total"],
            customer_total=row["customer_total"],
            promised_at=row["promised_at"],
            requires_supervisor=row["requires_supervisor"],
            supervisor_approved_at=row["supervisor_approved_at"],
            approval_method=(
                ApprovalMethod(row["approval_method"]) if row["approval_method"] else None
            ),
            decided_at=row["decided_at"],
            created_at=row["created_at"],
            link_expires_at=row["token_expires_at"] if row["token_hash"] else None,
            signed=row["signature"] is not None,
            lines=[RevisionLine.from_json(line) for line in row["lines"]],
            order_id=row["repair_order_id"],
            created_by_id=row["created_by"],
            supervisor_id=row["supervisor_approved_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[QuotationRevision | None]:
        if not info.context.allowed("quotation", "read"):
            return [None for _ in node_ids]
        rows = await order_loaders(info).revision.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field
    async def order(self, info: Info) -> RepairOrder | None:
        row = await order_loaders(info).order.load(self.order_id)
        return RepairOrder.from_row(row) if row else None

    @strawberry.field(description="Who prepared and sent it.")
    async def prepared_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.created_by_id)

    @strawberry.field
    async def supervisor(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.supervisor_id)


@strawberry.type
class WalkaroundCheck:
    item: str
    ok: bool
    note: str


@strawberry.type
class DamageMark:
    zone: str
    kind: str
    note: str
    x: float | None
    y: float | None


@strawberry.type(description="The walk-around with the customer (环车检查).")
class Walkaround:
    checklist: list[WalkaroundCheck]
    damage_marks: list[DamageMark]
    valuables: str
    fuel_level: int | None = strawberry.field(description="In eighths of a tank.")
    odometer_km: int | None
    signed: bool
    signature: str | None = personal(Kind.OTHER)
    shown_to_customer_at: datetime | None
    recorded_at: datetime
    recorded_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> Walkaround:
        from tenants.service.orders.walkaround import CHECK_ITEMS

        checklist = row["checklist"]
        return cls(
            checklist=[
                WalkaroundCheck(item=item, ok=checklist[item]["ok"], note=checklist[item]["note"])
                for item in CHECK_ITEMS
                if item in checklist
            ],
            damage_marks=[
                DamageMark(
                    zone=m["zone"], kind=m["kind"], note=m["note"], x=m.get("x"), y=m.get("y")
                )
                for m in row["damage_marks"]
            ],
            valuables=row["valuables"],
            fuel_level=row["fuel_level"],
            odometer_km=row["odometer_km"],
            signed=row["customer_signature"] is not None,
            signature=row["customer_signature"],
            shown_to_customer_at=row["shown_to_customer_at"],
            recorded_at=row["recorded_at"],
            recorded_by_id=row["recorded_by"],
        )

    @strawberry.field
    async def recorded_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.recorded_by_id)


@strawberry.type
class QualityCheck:
    stage: CheckStage
    round: int = strawberry.field(description="0 for the first round, +1 after each rework.")
    passed: bool
    notes: str
    checked_at: datetime
    checked_by_id: strawberry.Private[int]
    order_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> QualityCheck:
        return cls(
            stage=CheckStage(row["stage"]),
            round=row["round"],
            passed=row["passed"],
            notes=row["notes"],
            checked_at=row["checked_at"],
            checked_by_id=row["checked_by"],
            order_id=row["repair_order_id"],
        )

    @strawberry.field
    async def checked_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.checked_by_id)

    @strawberry.field
    async def order(self, info: Info) -> RepairOrder | None:
        row = await order_loaders(info).order.load(self.order_id)
        return RepairOrder.from_row(row) if row else None


@strawberry.type(description="The invoice (结算单) by kind and pay type, and its payment.")
class Settlement:
    labour_total: Decimal
    parts_total: Decimal
    materials_total: Decimal
    by_pay_type: list[PayTypeAmount]
    customer_amount: Decimal
    paid_amount: Decimal | None
    payment_method: PaymentMethod | None
    paid_at: datetime | None
    created_at: datetime
    order_id: strawberry.Private[int]
    cashier_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> Settlement:
        return cls(
            labour_total=row["labour_total"],
            parts_total=row["parts_total"],
            materials_total=row["materials_total"],
            by_pay_type=_by_pay_type(row["by_pay_type"]),
            customer_amount=row["customer_amount"],
            paid_amount=row["paid_amount"],
            payment_method=PaymentMethod(row["payment_method"]) if row["payment_method"] else None,
            paid_at=row["paid_at"],
            created_at=row["created_at"],
            order_id=row["repair_order_id"],
            cashier_id=row["cashier_user_id"],
        )

    @strawberry.field
    async def total(self) -> Decimal:
        return self.labour_total + self.parts_total + self.materials_total

    @strawberry.field
    async def cashier(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.cashier_id)

    @strawberry.field
    async def order(self, info: Info) -> RepairOrder | None:
        row = await order_loaders(info).order.load(self.order_id)
        return RepairOrder.from_row(row) if row else None


@strawberry.type(description="One status change of an order.")
class OrderEvent:
    from_status: RepairOrderStatus | None
    to_status: RepairOrderStatus
    note: str
    at: datetime
    actor_id: strawberry.Private[int | None]

    @strawberry.field
    async def actor(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.actor_id)


@strawberry.type(description="A repair order (维修工单) from reception to delivery.")
class RepairOrder(relay.Node):
    id: relay.NodeID[int]
    number: str
    status: RepairOrderStatus
    revision: int
    approved_revision: int | None
    mileage_in: int | None
    customer_description: str
    diagnosis: str
    promised_at: datetime | None
    rework_count: int
    next_service_date: date | None
    next_service_km: int | None
    opened_at: datetime
    approved_at: datetime | None
    work_done_at: datetime | None
    ready_at: datetime | None
    settled_at: datetime | None
    delivered_at: datetime | None
    cancelled_at: datetime | None
    customer_id: strawberry.Private[int]
    vehicle_id: strawberry.Private[int]
    appointment_id: strawberry.Private[int | None]
    advisor_id: strawberry.Private[int]
    delivering_advisor_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> RepairOrder:
        return cls(
            id=row["id"],
            number=row["number"],
            status=RepairOrderStatus(row["status"]),
            revision=row["revision"],
            approved_revision=row["approved_revision"],
            mileage_in=row["mileage_in"],
            customer_description=row["customer_description"],
            diagnosis=row["diagnosis"],
            promised_at=row["promised_at"],
            rework_count=row["rework_count"],
            next_service_date=row["next_service_date"],
            next_service_km=row["next_service_km"],
            opened_at=row["opened_at"],
            approved_at=row["approved_at"],
            work_done_at=row["work_done_at"],
            ready_at=row["ready_at"],
            settled_at=row["settled_at"],
            delivered_at=row["delivered_at"],
            cancelled_at=row["cancelled_at"],
            customer_id=row["customer_id"],
            vehicle_id=row["vehicle_id"],
            appointment_id=row["appointment_id"],
            advisor_id=row["advisor_user_id"],
            delivering_advisor_id=row["delivering_advisor_user_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[RepairOrder | None]:
        if not info.context.allowed("repair_order", "read"):
            return [None for _ in node_ids]
        rows = await order_loaders(info).order.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="Null without customer:read.")
    async def customer(self, info: Info) -> Customer | None:
        if not info.context.allowed("customer", "read"):
            return None
        return await load_one(info.context.loaders.customer, Customer.from_row, self.customer_id)

    @strawberry.field
    async def vehicle(self, info: Info) -> Vehicle | None:
        if not info.context.allowed("vehicle", "read"):
            return None
        return await load_one(info.context.loaders.vehicle, Vehicle.from_row, self.vehicle_id)

    @strawberry.field(description="The appointment it was opened from, if any.")
    async def appointment(self, info: Info) -> Appointment | None:
        if self.appointment_id is None or not info.context.allowed("appointment", "read"):
            return None
        return await load_one(
            info.context.loaders.appointment, Appointment.from_row, self.appointment_id
        )

    @strawberry.field(description="The receiving advisor.")
    async def advisor(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.advisor_id)

    @strawberry.field(description="Who delivers the car: the receiving advisor unless reassigned.")
    async def delivering_advisor(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.delivering_advisor_id or self.advisor_id)

    @strawberry.field(description="Lines, all or of the given statuses.")
    async def lines(
        self, info: Info, status: list[LineStatus] | None = None
    ) -> list[RepairOrderLine]:
        rows = await order_loaders(info).lines_by_order.load(self.id)
        wanted = {s.value for s in status} if status else None
        return [
            RepairOrderLine.from_row(r) for r in rows if wanted is None or r["status"] in wanted
        ]

    @strawberry.field(description="Quotation revisions, oldest first (needs quotation:read).")
    async def revisions(self, info: Info) -> list[QuotationRevision]:
        if not info.context.allowed("quotation", "read"):
            return []
        rows = await order_loaders(info).revisions_by_order.load(self.id)
        return [QuotationRevision.from_row(r) for r in rows]

    @strawberry.field(description="The revision awaiting a decision, if any.")
    async def pending_revision(self, info: Info) -> QuotationRevision | None:
        if not info.context.allowed("quotation", "read"):
            return None
        rows = await order_loaders(info).revisions_by_order.load(self.id)
        pending = [r for r in rows if r["status"] == "pending"]
        return QuotationRevision.from_row(pending[-1]) if pending else None

    @strawberry.field
    async def walkaround(self, info: Info) -> Walkaround | None:
        rows = await order_loaders(info).walkaround_by_order.load(self.id)
        return Walkaround.from_row(rows[0]) if rows else None

    @strawberry.field(description="Quality checks of every round.")
    async def quality_checks(self, info: Info) -> list[QualityCheck]:
        rows = await order_loaders(info).checks_by_order.load(self.id)
        return [QualityCheck.from_row(r) for r in rows]

    @strawberry.field(description="Null before settlement or without settlement:read.")
    async def settlement(self, info: Info) -> Settlement | None:
        if not info.context.allowed("settlement", "read"):
            return None
        rows = await order_loaders(info).settlement_by_order.load(self.id)
        return Settlement.from_row(rows[0]) if rows else None

    @strawberry.field(description="Every status change, oldest first.")
    async def history(self, info: Info) -> list[OrderEvent]:
        rows = await order_loaders(info).events_by_order.load(self.id)
        return [
            OrderEvent(
                from_status=RepairOrderStatus(r["from_status"]) if r["from_status"] else None,
                to_status=RepairOrderStatus(r["to_status"]),
                note=r["note"],
                at=r["at"],
                actor_id=r["actor_user_id"],
            )
            for r in rows
        ]

    @strawberry.field(description="Totals of the proposed and approved lines.")
    async def totals(self, info: Info) -> OrderTotals:
        return OrderTotals.of(await order_loaders(info).live_totals.load(self.id))

    @strawberry.field(description="Totals of the approved lines (what will be invoiced).")
    async def approved_totals(self, info: Info) -> OrderTotals:
        return OrderTotals.of(await order_loaders(info).approved_totals.load(self.id))


def _descending(rows: list[Any], size: int, make: Any) -> relay.Connection[Any]:
    page = rows[:size]
    edges = [relay.Edge(node=make(r), cursor=encode_cursor(r["id"])) for r in page]
    return relay.Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=len(rows) > size,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


@strawberry.type
class RepairOrdersQuery:
    @strawberry.field(
        description="Orders of the current dealer, newest first; `vehicle` narrows them to"
        " one vehicle by its plate or VIN (separators and case ignored), as an insurer"
        " following a repair knows it."
    )
    async def repair_orders(
        self,
        info: Info,
        status: list[RepairOrderStatus] | None = None,
        first: int | None = None,
        after: str | None = None,
        vehicle: str | None = None,
    ) -> relay.Connection[RepairOrder]:
        dealer = info.context.require("repair_order", "read")
        size = page_size(first)
        before = decode_cursor(after)
        statuses = [s.value for s in status] if status else None
        plate = normalise_plate(vehicle) if vehicle is not None else None
        vin = normalise_vin(vehicle) if vehicle is not None else None
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                "select * from repair_order o where dealer_id = $1"
                " and ($2::text[] is null or status = any($2::text[]))"
                " and ($3::bigint is null or id < $3)"
                " and ($5::text is null or exists (select from vehicle v"
                "      where v.dealer_id = o.dealer_id and v.id = o.vehicle_id"
                "        and ((v.plate <> '' and v.plate = $5) or v.vin = $6)))"
                " order by id desc limit $4",
                dealer,
                statuses,
                before,
                size + 1,
                plate,
                vin,
            )
        return _descending(list(rows), size, RepairOrder.from_row)

    @strawberry.field(description="An order by its number, e.g. SH01-20261125-007.")
    async def repair_order_by_number(self, info: Info, number: str) -> RepairOrder | None:
        dealer = info.context.require("repair_order", "read")
        async with info.context.read((dealer,)) as tx:
            row = await tx.connection.fetchrow(
                "select * from repair_order where dealer_id = $1 and number = $2",
                dealer,
                number.strip(),
            )
        return RepairOrder.from_row(row) if row else None

    @strawberry.field(
        description="Work customers declined (拒修项目), newest first: customer care's reminders."
    )
    async def declined_work(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[RepairOrderLine]:
        dealer = info.context.require("repair_order", "read")
        size = page_size(first)
        before = decode_cursor(after)
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                "select * from repair_order_line where dealer_id = $1 and status = 'declined'"
                " and ($2::bigint is null or id < $2) order by id desc limit $3",
                dealer,
                before,
                size + 1,
            )
        return _descending(list(rows), size, RepairOrderLine.from_row)
