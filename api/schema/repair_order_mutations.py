"""Mutations of the repair order, one per step of the process; each is one transaction
with its audit entries, guarded by the catalog's permissions (never role names)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from api.schema.context import Info
from api.schema.relay_conventions import parse_global_id
from api.schema.repair_orders import (
    CheckStage,
    LineKind,
    OldPartDisposition,
    PaymentMethod,
    PayType,
    QualityCheck,
    QuotationRevision,
    RepairOrder,
    RepairOrderLine,
    Settlement,
    Walkaround,
)
from policies.store import Subject
from tenants.service.customers import CustomerFields
from tenants.service.orders import (
    additional_work,
    approval,
    cancellation,
    delivery,
    quality,
    quotation,
    reception,
    settlement,
    walkaround,
)
from tenants.service.vehicles import VehicleFields


def _order_id(value: strawberry.ID, field: str = "orderId") -> int:
    return parse_global_id(value, "RepairOrder", field)


def _line_id(value: strawberry.ID, field: str = "lineId") -> int:
    return parse_global_id(value, "RepairOrderLine", field)


def _revision_id(value: strawberry.ID, field: str = "revisionId") -> int:
    return parse_global_id(value, "QuotationRevision", field)


async def _order(info: Info, order_id: int) -> RepairOrder:
    async with info.context.read() as tx:
        row = await tx.connection.fetchrow("select * from repair_order where id = $1", order_id)
    assert row is not None
    return RepairOrder.from_row(row)


@strawberry.input(description="A first-visit customer; found by phone when already on record.")
class WalkInCustomerInput:
    name: str
    phone: str
    email: str | None = None


@strawberry.input(description="A first-visit vehicle; found by VIN when already on record.")
class WalkInVehicleInput:
    vin: str
    plate: str = ""
    model: str = ""
    model_year: int | None = None
    colour: str = ""


@strawberry.input(
    description="From an appointment (appointmentId), a known vehicle (vehicleId), or a"
    " first visit (customer + vehicle)."
)
class OpenRepairOrderInput:
    mileage_in: int
    appointment_id: strawberry.ID | None = None
    vehicle_id: strawberry.ID | None = None
    customer: WalkInCustomerInput | None = None
    vehicle: WalkInVehicleInput | None = None
    customer_description: str = ""


@strawberry.input(description="Change what is given; null fields are left as they are.")
class RecordDiagnosisInput:
    order_id: strawberry.ID
    diagnosis: str | None = None
    customer_description: str | None = None


@strawberry.input
class WalkaroundCheckInput:
    item: str = strawberry.field(
        description="hood, plate_vin, fluids, body, spare_wheel, fuel_level, odometer,"
        " interior, electrics or valuables"
    )
    ok: bool
    note: str = ""


@strawberry.input
class DamageMarkInput:
    zone: str = strawberry.field(description="A body panel, e.g. leftFrontDoor.")
    kind: str = strawberry.field(description="scratch, dent, crack, chip or missing")
    note: str = ""
    x: float | None = None
    y: float | None = None


@strawberry.input
class RecordWalkaroundInput:
    order_id: strawberry.ID
    checklist: list[WalkaroundCheckInput]
    damage_marks: list[DamageMarkInput] = strawberry.field(default_factory=list)
    valuables: str = ""
    fuel_level: int = strawberry.field(description="In eighths of a tank, 0 to 8.")
    odometer_km: int


@strawberry.input
class AddQuotationLineInput:
    order_id: strawberry.ID
    kind: LineKind
    pay_type: PayType = PayType.CUSTOMER
    operation_id: strawberry.ID | None = strawberry.field(
        default=None, description="A labour operation: its standard hours x the labour rate."
    )
    part_id: strawberry.ID | None = None
    description: str = ""
    quantity: Decimal = Decimal(1)
    hours: Decimal | None = None
    unit_price: Decimal | None = strawberry.field(
        default=None, description="Defaults to the labour rate or the part's list price."
    )


@strawberry.input(description="Change a proposed line; only the fields given.")
class UpdateQuotationLineInput:
    line_id: strawberry.ID
    pay_type: PayType | None = None
    description: str | None = None
    quantity: Decimal | None = None
    hours: Decimal | None = None
    unit_price: Decimal | None = None


@strawberry.input
class SendQuotationInput:
    order_id: strawberry.ID
    promised_at: datetime | None = None


@strawberry.type
class ApprovalLink:
    token: str = strawberry.field(description="Shown once; only its hash is stored.")
    path: str = strawberry.field(description="The customer's page, e.g. /approve/<token>.")
    expires_at: datetime
    revision: QuotationRevision


@strawberry.input
class ReportAdditionalFaultInput:
    order_id: strawberry.ID
    description: str
    estimated_hours: Decimal | None = None


@strawberry.input
class RecordQualityCheckInput:
    order_id: strawberry.ID
    stage: CheckStage
    passed: bool
    notes: str = ""


@strawberry.input
class RecordPaymentInput:
    order_id: strawberry.ID
    amount: Decimal
    method: PaymentMethod


@strawberry.input
class OldPartInput:
    line_id: strawberry.ID
    disposition: OldPartDisposition


@strawberry.input
class DeliverVehicleInput:
    order_id: strawberry.ID
    mileage_out: int
    next_service_date: date | None = None
    next_service_km: int | None = None
    old_parts: list[OldPartInput] = strawberry.field(default_factory=list)


@strawberry.input
class ReassignDeliveringAdvisorInput:
    order_id: strawberry.ID
    advisor_id: strawberry.ID


@strawberry.input
class CancelRepairOrderInput:
    order_id: strawberry.ID
    reason: str


@strawberry.type
class RepairOrdersMutation:
    @strawberry.mutation(description="Reception: open an order (first visit creates the records).")
    async def open_repair_order(self, info: Info, input: OpenRepairOrderInput) -> RepairOrder:
        request_id = info.context.request_id
        walk_in_new = input.customer is not None or input.vehicle is not None
        if walk_in_new:
            info.context.require("customer", "create")
            info.context.require("vehicle", "create")
        async with info.context.write("repair_order", "create") as tx:
            dealer = tx.scope.dealer_ids[0]
            if input.appointment_id is not None:
                opened = await reception.open_from_appointment(
                    tx,
                    dealer,
                    parse_global_id(input.appointment_id, "Appointment", "appointmentId"),
                    mileage_in=input.mileage_in,
                    description=input.customer_description,
                    request_id=request_id,
                )
            else:
                opened = await reception.open_walk_in(
                    tx,
                    dealer,
                    mileage_in=input.mileage_in,
                    vehicle_id=(
                        parse_global_id(input.vehicle_id, "Vehicle", "vehicleId")
                        if input.vehicle_id is not None
                        else None
                    ),
                    customer=(
                        CustomerFields(
                            name=input.customer.name,
                            phone=input.customer.phone,
                            email=input.customer.email,
                            advisor_user_id=tx.scope.user_id,
                        )
                        if input.customer is not None
                        else None
                    ),
                    vehicle=(
                        VehicleFields(
                            vin=input.vehicle.vin,
                            plate=input.vehicle.plate,
                            model=input.vehicle.model,
                            model_year=input.vehicle.model_year,
                            colour=input.vehicle.colour,
                        )
                        if input.vehicle is not None
                        else None
                    ),
                    description=input.customer_description,
                    request_id=request_id,
                )
        return await _order(info, opened.order_id)

    @strawberry.mutation(description="Inspection and diagnosis: the fault as found and as told.")
    async def record_diagnosis(self, info: Info, input: RecordDiagnosisInput) -> RepairOrder:
        order_id = _order_id(input.order_id)
        async with info.context.write("repair_order", "update") as tx:
            await reception.record_diagnosis(
                tx,
                order_id,
                diagnosis=input.diagnosis,
                customer_description=input.customer_description,
                request_id=info.context.request_id,
            )
        return await _order(info, order_id)

    @strawberry.mutation(description="Record the walk-around checklist and damage marks.")
    async def record_walkaround(self, info: Info, input: RecordWalkaroundInput) -> Walkaround:
        order_id = _order_id(input.order_id)
        async with info.context.write("repair_order", "update") as tx:
            row = await walkaround.record_walkaround(
                tx,
                order_id,
                checklist=[walkaround.CheckItem(c.item, c.ok, c.note) for c in input.checklist],
                damage_marks=[
                    walkaround.DamageMark(m.zone, m.kind, m.note, m.x, m.y)
                    for m in input.damage_marks
                ],
                valuables=input.valuables,
                fuel_level=input.fuel_level,
                odometer_km=input.odometer_km,
                request_id=info.context.request_id,
            )
        return Walkaround.from_row(row)

    @strawberry.mutation(description="The customer saw the walk-around and signed it.")
    async def sign_walkaround(
        self,
        info: Info,
        order_id: strawberry.ID,
        signature: str,
    ) -> Walkaround:
        oid = _order_id(order_id)
        async with info.context.write("repair_order", "update") as tx:
            row = await walkaround.sign_walkaround(tx, oid, signature, info.context.request_id)
        return Walkaround.from_row(row)

    @strawberry.mutation(
        description="Propose a labour, part or material line; after approval it is"
        " additional work (needs repair_order:add_items too)."
    )
    async def add_quotation_line(self, info: Info, input: AddQuotationLineInput) -> RepairOrderLine:
        order_id = _order_id(input.order_id)
        line = quotation.LineInput(
            kind=input.kind.value,
            pay_type=input.pay_type.value,
            operation_id=(
                parse_global_id(input.operation_id, "LabourOperation", "operationId")
                if input.operation_id is not None
                else None
            ),
            part_id=(
                parse_global_id(input.part_id, "Part", "partId")
                if input.part_id is not None
                else None
            ),
            description=input.description,
            quantity=input.quantity,
            hours=input.hours,
            unit_price=input.unit_price,
        )
        async with info.context.write("quotation", "create") as tx:
            order = await quotation.lock_order(tx.connection, order_id)
            if order["status"] in quotation.APPROVED_STATUSES:
                info.context.require("repair_order", "add_items")
            row = await quotation.add_line(tx, order_id, line, request_id=info.context.request_id)
        return RepairOrderLine.from_row(row)

    @strawberry.mutation(description="Change a proposed line; approved lines never change.")
    async def update_quotation_line(
        self, info: Info, input: UpdateQuotationLineInput
    ) -> RepairOrderLine:
        changes = {
            "pay_type": input.pay_type.value if input.pay_type else None,
            "description": input.description,
            "quantity": input.quantity,
            "hours": input.hours,
            "unit_price": input.unit_price,
        }
        async with info.context.write("quotation", "create") as tx:
            row = await quotation.update_line(
                tx, _line_id(input.line_id), changes, info.context.request_id
            )
        return RepairOrderLine.from_row(row)

    @strawberry.mutation(description="Withdraw a proposed line (kept as cancelled).")
    async def remove_quotation_line(self, info: Info, line_id: strawberry.ID) -> RepairOrderLine:
        async with info.context.write("quotation", "create") as tx:
            row = await quotation.remove_line(tx, _line_id(line_id), info.context.request_id)
        return RepairOrderLine.from_row(row)

    @strawberry.mutation(
        description="Send the lines to the customer as a new revision; above the sender's"
        " quotation_approval limit a supervisor approves first."
    )
    async def send_quotation(self, info: Info, input: SendQuotationInput) -> QuotationRevision:
        order_id = _order_id(input.order_id)
        async with info.context.write("quotation", "create") as tx:
            limit = info.context.policies.authority_limit(
                info.context.principal.subject, tx.scope.dealer_ids[0], "quotation_approval"
            )
            row = await quotation.send_quotation(
                tx,
                order_id,
                promised_at=input.promised_at,
                authority_limit=limit.amount if limit else None,
                request_id=info.context.request_id,
            )
        return QuotationRevision.from_row(row)

    @strawberry.mutation(
        description="A supervisor whose limit covers the customer total approves a quotation"
        " above the advisor's limit (not the one who prepared it)."
    )
    async def approve_quotation_as_supervisor(
        self, info: Info, revision_id: strawberry.ID
    ) -> QuotationRevision:
        rid = _revision_id(revision_id)
        async with info.context.write("quotation", "approve") as tx:
            limit = info.context.policies.authority_limit(
                info.context.principal.subject, tx.scope.dealer_ids[0], "quotation_approval"
            )
            row = await approval.approve_as_supervisor(
                tx, rid, limit.amount if limit else None, info.context.request_id
            )
        return QuotationRevision.from_row(row)

    @strawberry.mutation(description="The customer approved at the desk and signed.")
    async def approve_quotation_by_signature(
        self, info: Info, revision_id: strawberry.ID, signature: str
    ) -> QuotationRevision:
        rid = _revision_id(revision_id)
        async with info.context.write("quotation", "create") as tx:
            row = await approval.decide(
                tx,
                rid,
                approve=True,
                method="signature",
                signature=signature,
                request_id=info.context.request_id,
            )
        return QuotationRevision.from_row(row)

    @strawberry.mutation(description="The customer declined at the desk: the lines are declined.")
    async def decline_quotation(
        self, info: Info, revision_id: strawberry.ID, signature: str | None = None
    ) -> QuotationRevision:
        rid = _revision_id(revision_id)
        async with info.context.write("quotation", "create") as tx:
            row = await approval.decide(
                tx,
                rid,
                approve=False,
                method="signature",
                signature=signature,
                request_id=info.context.request_id,
            )
        return QuotationRevision.from_row(row)

    @strawberry.mutation(
        description="A one-time link for the customer's phone; an earlier link stops working."
    )
    async def create_approval_link(self, info: Info, revision_id: strawberry.ID) -> ApprovalLink:
        rid = _revision_id(revision_id)
        async with info.context.write("quotation", "create") as tx:
            link = await approval.create_approval_link(tx, rid, info.context.request_id)
            row = await approval.lock_revision(tx.connection, rid)
        return ApprovalLink(
            token=link.token,
            path=f"/approve/{link.token}",
            expires_at=link.expires_at,
            revision=QuotationRevision.from_row(row),
        )

    @strawberry.mutation(
        description="A technician reports a fault found during the repair (追加项目)."
    )
    async def report_additional_fault(
        self, info: Info, input: ReportAdditionalFaultInput
    ) -> RepairOrderLine:
        async with info.context.write("job_clock", "record") as tx:
            row = await additional_work.report_additional_fault(
                tx,
                _order_id(input.order_id),
                input.description,
                estimated_hours=input.estimated_hours,
                request_id=info.context.request_id,
            )
        return RepairOrderLine.from_row(row)

    @strawberry.mutation(
        description="Self, team or final check; a failure (needs quality_check:send_to_rework)"
        " sends the order back to rework."
    )
    async def record_quality_check(
        self, info: Info, input: RecordQualityCheckInput
    ) -> QualityCheck:
        stage = input.stage.value
        if not input.passed:
            info.context.require("quality_check", "send_to_rework")
        async with info.context.write("quality_check", quality.PERMISSION_OF_STAGE[stage]) as tx:
            row = await quality.record_check(
                tx,
                _order_id(input.order_id),
                stage,
                passed=input.passed,
                notes=input.notes,
                request_id=info.context.request_id,
            )
        return QualityCheck.from_row(row)

    @strawberry.mutation(description="Invoice the approved lines once the order is ready.")
    async def create_settlement(self, info: Info, order_id: strawberry.ID) -> Settlement:
        async with info.context.write("settlement", "create") as tx:
            row = await settlement.create_settlement(
                tx, _order_id(order_id), info.context.request_id
            )
        return Settlement.from_row(row)

    @strawberry.mutation(description="The cashier records the customer's payment: settled.")
    async def record_payment(self, info: Info, input: RecordPaymentInput) -> Settlement:
        async with info.context.write("settlement", "collect") as tx:
            row = await settlement.record_payment(
                tx,
                _order_id(input.order_id),
                amount=input.amount,
                method=input.method.value,
                request_id=info.context.request_id,
            )
        return Settlement.from_row(row)

    @strawberry.mutation(
        description="A front-desk supervisor (duty daily_tracking) names another advisor to"
        " deliver the car."
    )
    async def reassign_delivering_advisor(
        self, info: Info, input: ReassignDeliveringAdvisorInput
    ) -> RepairOrder:
        order_id = _order_id(input.order_id)
        advisor = parse_global_id(input.advisor_id, "StaffUser", "advisorId")
        info.context.require("duty:daily_tracking", "own")
        async with info.context.write("repair_order", "update") as tx:
            dealer = tx.scope.dealer_ids[0]
            may_deliver = info.context.policies.allowed(
                Subject.user(advisor), dealer, "repair_order", "deliver"
            )
            await delivery.reassign_delivering_advisor(
                tx, order_id, advisor, may_deliver=may_deliver, request_id=info.context.request_id
            )
        return await _order(info, order_id)

    @strawberry.mutation(
        description="Hand the car back: next service, mileage out, each old part's fate."
    )
    async def deliver_vehicle(self, info: Info, input: DeliverVehicleInput) -> RepairOrder:
        order_id = _order_id(input.order_id)
        if any(p.disposition is OldPartDisposition.HAND_OVER for p in input.old_parts):
            info.context.require("old_parts", "release")
        async with info.context.write("repair_order", "deliver") as tx:
            await delivery.deliver(
                tx,
                order_id,
                mileage_out=input.mileage_out,
                next_service_date=input.next_service_date,
                next_service_km=input.next_service_km,
                old_parts=[
                    delivery.OldPart(_line_id(p.line_id, "oldParts"), p.disposition.value)
                    for p in input.old_parts
                ],
                request_id=info.context.request_id,
            )
        return await _order(info, order_id)

    @strawberry.mutation(description="Cancel an order before work starts.")
    async def cancel_repair_order(self, info: Info, input: CancelRepairOrderInput) -> RepairOrder:
        order_id = _order_id(input.order_id)
        async with info.context.write("repair_order", "update") as tx:
            await cancellation.cancel_order(tx, order_id, input.reason, info.context.request_id)
        return await _order(info, order_id)
