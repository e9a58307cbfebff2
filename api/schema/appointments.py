"""GraphQL of appointments (预约): booking against workshop capacity and parts, the day's
list, the workshop's free hours, the confirmation queue, pre-picking, and the moves
confirm / cancel / no-show."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry import relay

from api.schema.catalog import LabourOperation, Part
from api.schema.context import Info
from api.schema.customers import Customer, Vehicle
from api.schema.errors import BadUserInput, Forbidden
from api.schema.front_desk_loaders import front_desk_loaders
from api.schema.loaders import load_one
from api.schema.network import StaffUser
from api.schema.relay_conventions import global_id, parse_global_id
from policies.catalog import DUTY_ACTION, duty_object
from policies.store import Subject
from tenants.parts import reservations as reservation_service
from tenants.service import appointments as appointment_service
from tenants.service import capacity as capacity_service
from tenants.service import shifts as shift_service

CONFIRMATION_DUTY = "appointment_confirmation"
MAX_CAPACITY_DAYS = 62


def _keys(node_ids: Iterable[str]) -> list[int]:
    return [int(n) if n.isdigit() else 0 for n in node_ids]


@strawberry.enum
class AppointmentStatus(Enum):
    BOOKED = "booked"
    CONFIRMED = "confirmed"
    ARRIVED = "arrived"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


@strawberry.enum
class AppointmentChannel(Enum):
    PHONE = "phone"
    WALK_IN = "walk_in"
    ONLINE = "online"
    OUTBOUND = "outbound"
    WECHAT = "wechat"


@strawberry.enum
class AppointmentItemKind(Enum):
    MAINTENANCE = "maintenance"
    FAULT = "fault"
    CAMPAIGN = "campaign"


@strawberry.enum(
    description="DAY_BEFORE: with workshop, parts and claims before closing the day before;"
    " HOUR_BEFORE: with the customer one hour before."
)
class ConfirmationStage(Enum):
    DAY_BEFORE = "day_before"
    HOUR_BEFORE = "hour_before"


@strawberry.type
class AppointmentItem(relay.Node):
    id: relay.NodeID[int]
    kind: AppointmentItemKind
    description: str
    standard_hours: Decimal
    operation_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> AppointmentItem:
        return cls(
            id=row["id"],
            kind=AppointmentItemKind(row["kind"]),
            description=row["description"],
            standard_hours=row["standard_hours"],
            operation_id=row["operation_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[AppointmentItem | None]:
        if not info.context.allowed("appointment", "read"):
            return [None for _ in node_ids]
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                "select * from appointment_item where id = any($1::bigint[])", _keys(node_ids)
            )
        found = {r["id"]: r for r in rows}
        return [cls.from_row(found[k]) if k in found else None for k in _keys(node_ids)]

    @strawberry.field
    async def operation(self, info: Info) -> LabourOperation | None:
        return await load_one(
            info.context.loaders.labour_operation, LabourOperation.from_row, self.operation_id
        )


@strawberry.type(description="A workshop bay (工位).")
class Bay:
    code: str
    name: str
    kind: str
    active: bool

    @classmethod
    def from_row(cls, row: Any) -> Bay:
        return cls(code=row["code"], name=row["name"], kind=row["kind"], active=row["active"])


@strawberry.type(description="A technician on shift: the day's capacity in hours.")
class TechnicianShift:
    date: date
    hours: Decimal
    team: str
    user_id: strawberry.Private[int]

    @strawberry.field
    async def technician(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.user_id)

    @classmethod
    def from_row(cls, row: Any) -> TechnicianShift:
        return cls(
            date=row["work_date"], hours=row["hours"], team=row["team"], user_id=row["user_id"]
        )


@strawberry.input
class SetTechnicianShiftInput:
    technician_id: strawberry.ID
    date: date
    hours: Decimal = strawberry.field(description="0 takes the technician off shift.")
    team: str = ""


@strawberry.type(description="Parts held for an appointment, to be pre-picked.")
class PartReservation:
    id: strawberry.ID
    quantity: Decimal
    picked: bool
    status: str
    bin_location: str
    part_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> PartReservation:
        return cls(
            id=strawberry.ID(global_id("PartReservation", row["id"])),
            quantity=row["quantity"],
            picked=row["picked"],
            status=row["status"],
            bin_location=row["bin_location"],
            part_id=row["part_id"],
        )

    @strawberry.field
    async def part(self, info: Info) -> Part | None:
        return await load_one(info.context.loaders.part, Part.from_row, self.part_id)


@strawberry.type
class Appointment(relay.Node):
    id: relay.NodeID[int]
    starts_at: datetime
    work_date: date
    status: AppointmentStatus
    channel: AppointmentChannel
    booked_hours: Decimal
    customer_request: str
    estimate: Decimal | None
    parts_expected_on: date | None
    confirmed_day_before_at: datetime | None
    confirmed_hour_before_at: datetime | None
    cancelled_reason: str | None
    created_at: datetime
    customer_id: strawberry.Private[int]
    vehicle_id: strawberry.Private[int]
    advisor_user_id: strawberry.Private[int | None]
    repair_order_id: strawberry.Private[int | None]
    bay_id: strawberry.Private[int | None]
    technician_user_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> Appointment:
        return cls(
            id=row["id"],
            starts_at=row["starts_at"],
            work_date=row["work_date"],
            status=AppointmentStatus(row["status"]),
            channel=AppointmentChannel(row["channel"]),
            booked_hours=row["booked_hours"],
            customer_request=row["customer_request"],
            estimate=row["estimate"],
            parts_expected_on=row["parts_expected_on"],
            confirmed_day_before_at=row["confirmed_day_before_at"],
            confirmed_hour_before_at=row["confirmed_hour_before_at"],
            cancelled_reason=row["cancelled_reason"],
            created_at=row["created_at"],
            customer_id=row["customer_id"],
            vehicle_id=row["vehicle_id"],
            advisor_user_id=row["advisor_user_id"],
            repair_order_id=row["repair_order_id"],
            bay_id=row["bay_id"],
            technician_user_id=row["technician_user_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Appointment | None]:
        if not info.context.allowed("appointment", "read"):
            return [None for _ in node_ids]
        rows = await info.context.loaders.appointment.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="Null without customer:read.")
    async def customer(self, info: Info) -> Customer | None:
        if not info.context.allowed("customer", "read"):
            return None
        return await load_one(info.context.loaders.customer, Customer.from_row, self.customer_id)

    @strawberry.field(description="Null without vehicle:read.")
    async def vehicle(self, info: Info) -> Vehicle | None:
        if not info.context.allowed("vehicle", "read"):
            return None
        return await load_one(info.context.loaders.vehicle, Vehicle.from_row, self.vehicle_id)

    @strawberry.field
    async def advisor(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.advisor_user_id)

    @strawberry.field(description="The bay the workshop pre-assigned.")
    async def bay(self, info: Info) -> Bay | None:
        if self.bay_id is None:
            return None
        rows = await front_desk_loaders(info).bay.load(self.bay_id)
        return Bay.from_row(rows[0]) if rows else None

    @strawberry.field(description="The technician the workshop pre-assigned.")
    async def technician(self, info: Info) -> StaffUser | None:
        return await load_one(
            info.context.loaders.user, StaffUser.from_row, self.technician_user_id
        )

    @strawberry.field
    async def items(self, info: Info) -> list[AppointmentItem]:
        rows = await front_desk_loaders(info).items_by_appointment.load(self.id)
        return [AppointmentItem.from_row(r) for r in rows]

    @strawberry.field(description="Parts held for this appointment (all states).")
    async def reservations(self, info: Info) -> list[PartReservation]:
        rows = await front_desk_loaders(info).reservations_by_appointment.load(self.id)
        return [PartReservation.from_row(r) for r in rows]

    @strawberry.field(
        name="repairOrderId", description="The RepairOrder opened from this appointment, if any."
    )
    def repair_order_ref(self) -> strawberry.ID | None:
        if self.repair_order_id is None:
            return None
        return strawberry.ID(global_id("RepairOrder", self.repair_order_id))


@strawberry.type(description="One day of the workshop, in hours (dealer's time zone).")
class DayCapacity:
    date: date
    available_hours: Decimal
    appointment_hours: Decimal
    order_hours: Decimal

    @strawberry.field(description="Appointments plus open repair orders promised that day.")
    def booked_hours(self) -> Decimal:
        return self.appointment_hours + self.order_hours

    @strawberry.field
    def free_hours(self) -> Decimal:
        return self.available_hours - self.appointment_hours - self.order_hours

    @classmethod
    def of(cls, day: capacity_service.DayCapacity) -> DayCapacity:
        return cls(
            date=day.day,
            available_hours=day.available_hours,
            appointment_hours=day.appointment_hours,
            order_hours=day.order_hours,
        )


@strawberry.type(description="An appointment due for confirmation, and which one.")
class ConfirmationDue:
    stage: ConfirmationStage
    due_at: datetime
    appointment: Appointment


@strawberry.type(description="A line of the day's pre-picking list for the appointment shelf.")
class PrePickLine:
    reservation: PartReservation
    part_number: str
    part_name: str
    part_name_zh: str
    unit: str
    on_hand: Decimal
    starts_at: datetime
    parts_expected_on: date | None
    plate: str = strawberry.field(description="For the picking slip (领料单 carries the plate).")
    appointment_id: strawberry.Private[int]

    @strawberry.field(description="Null without appointment:read.")
    async def appointment(self, info: Info) -> Appointment | None:
        if not info.context.allowed("appointment", "read"):
            return None
        return await load_one(
            info.context.loaders.appointment, Appointment.from_row, self.appointment_id
        )


@strawberry.type(description="A part short for a booking that waits for it.")
class PartShortage:
    part_number: str
    needed: Decimal
    available: Decimal
    missing: Decimal


@strawberry.type
class BookAppointmentPayload:
    appointment: Appointment
    shortages: list[PartShortage] = strawberry.field(
        description="Parts the appointment waits for (booked with waitForParts)."
    )


@strawberry.input
class AppointmentItemInput:
    kind: AppointmentItemKind
    operation_id: strawberry.ID | None = strawberry.field(
        default=None, description="A LabourOperation; required for MAINTENANCE."
    )
    description: str = strawberry.field(
        default="", description="The fault in the customer's words (required without operation)."
    )
    hours: Decimal | None = strawberry.field(
        default=None, description="Hours to hold for a fault without an operation (default 1)."
    )


@strawberry.input
class BookAppointmentInput:
    customer_id: strawberry.ID
    vehicle_id: strawberry.ID
    starts_at: datetime = strawberry.field(
        description="With an offset; without one it is the dealer's local time."
    )
    items: list[AppointmentItemInput]
    channel: AppointmentChannel = AppointmentChannel.PHONE
    customer_request: str = ""
    wait_for_parts: bool = strawberry.field(
        default=False, description="Book although parts are missing, waiting for them."
    )
    parts_expected_on: date | None = strawberry.field(
        default=None, description="When missing parts arrive; required with waitForParts."
    )
    mileage_km: int | None = None
    advisor_id: strawberry.ID | None = None


@strawberry.type
class AppointmentsQuery:
    @strawberry.field(description="The appointments of one day (default today), by start time.")
    async def appointments(
        self,
        info: Info,
        date: date | None = None,
        statuses: list[AppointmentStatus] | None = None,
    ) -> list[Appointment]:
        dealer = info.context.require("appointment", "read")
        async with info.context.read() as tx:
            day = date or await capacity_service.dealer_today(tx.connection, dealer)
            rows = await appointment_service.appointments_of_day(
                tx.connection, dealer, day, [s.value for s in statuses] if statuses else None
            )
        return [Appointment.from_row(r) for r in rows]

    @strawberry.field(
        description="Free workshop hours per day: technicians on shift minus booked hours."
    )
    async def workshop_capacity(
        self,
        info: Info,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        days: int = 7,
    ) -> list[DayCapacity]:
        dealer = info.context.require("appointment", "read")
        if not 1 <= days <= MAX_CAPACITY_DAYS:
            raise BadUserInput("days", f"days must be between 1 and {MAX_CAPACITY_DAYS}")
        async with info.context.read() as tx:
            start = from_ or await capacity_service.dealer_today(tx.connection, dealer)
            result = await capacity_service.capacity(tx.connection, dealer, start, days)
        return [DayCapacity.of(d) for d in result]

    @strawberry.field(description="Technicians on shift per day (the workshop's capacity).")
    async def technician_shifts(
        self,
        info: Info,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        days: int = 7,
    ) -> list[TechnicianShift]:
        dealer = info.context.dealer_id
        if not (
            info.context.allowed("appointment", "read")
            or info.context.allowed("workshop_board", "read")
        ):
            raise Forbidden("workshop_board", "read", dealer)
        if not 1 <= days <= MAX_CAPACITY_DAYS:
            raise BadUserInput("days", f"days must be between 1 and {MAX_CAPACITY_DAYS}")
        async with info.context.read() as tx:
            start = from_ or await capacity_service.dealer_today(tx.connection, dealer)
            rows = await shift_service.shifts(tx.connection, dealer, start, days)
        return [TechnicianShift.from_row(r) for r in rows]

    @strawberry.field(description="The dealer's bays.")
    async def bays(self, info: Info) -> list[Bay]:
        dealer = info.context.dealer_id
        if not (
            info.context.allowed("appointment", "read")
            or info.context.allowed("workshop_board", "read")
        ):
            raise Forbidden("workshop_board", "read", dealer)
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                "select * from bay where dealer_id = $1 order by code", dealer
            )
        return [Bay.from_row(r) for r in rows]

    @strawberry.field(
        description="Confirmations due now for holders of the appointment_confirmation duty:"
        " tomorrow's appointments (day before) and those starting within 90 minutes."
    )
    async def appointment_confirmation_queue(self, info: Info) -> list[ConfirmationDue]:
        dealer = info.context.dealer_id
        obj = duty_object(CONFIRMATION_DUTY)
        if not info.context.allowed(obj, DUTY_ACTION):
            raise Forbidden(obj, DUTY_ACTION, dealer)
        async with info.context.read() as tx:
            rows = await appointment_service.confirmation_queue(tx.connection, dealer)
        return [
            ConfirmationDue(
                stage=ConfirmationStage(r["stage"]),
                due_at=r["due_at"],
                appointment=Appointment.from_row(r),
            )
            for r in rows
        ]

    @strawberry.field(description="Parts to pre-pick for a day's appointments, in bin order.")
    async def pre_pick_list(self, info: Info, date: date | None = None) -> list[PrePickLine]:
        dealer = info.context.require("parts_stock", "read")
        async with info.context.read() as tx:
            day = date or await capacity_service.dealer_today(tx.connection, dealer)
            rows = await reservation_service.pre_pick_list(tx.connection, dealer, day)
        return [
            PrePickLine(
                reservation=PartReservation.from_row(r),
                part_number=r["part_number"],
                part_name=r["name"],
                part_name_zh=r["name_zh"],
                unit=r["unit"],
                on_hand=r["on_hand"],
                starts_at=r["starts_at"],
                parts_expected_on=r["parts_expected_on"],
                plate=r["plate"],
                appointment_id=r["appointment_id"],
            )
            for r in rows
        ]


def _appointment_id(value: str) -> int:
    return parse_global_id(value, "Appointment")


@strawberry.type
class AppointmentsMutation:
    @strawberry.mutation(
        description="Book an appointment. Refused with CAPACITY_FULL (extensions.suggestedDates)"
        " when the day is full, PARTS_MISSING (extensions.missing) when parts are short and"
        " waitForParts is not set."
    )
    async def book_appointment(
        self, info: Info, input: BookAppointmentInput
    ) -> BookAppointmentPayload:
        items = [
            appointment_service.ItemRequest(
                kind=item.kind.value,
                operation_id=(
                    parse_global_id(item.operation_id, "LabourOperation", f"items.{n}.operationId")
                    if item.operation_id
                    else None
                ),
                description=item.description,
                hours=item.hours,
            )
            for n, item in enumerate(input.items)
        ]
        request = appointment_service.BookingRequest(
            customer_id=parse_global_id(input.customer_id, "Customer", "customerId"),
            vehicle_id=parse_global_id(input.vehicle_id, "Vehicle", "vehicleId"),
            starts_at=input.starts_at,
            items=items,
            channel=input.channel.value,
            customer_request=input.customer_request,
            wait_for_parts=input.wait_for_parts,
            parts_expected_on=input.parts_expected_on,
            mileage_km=input.mileage_km,
            advisor_user_id=(
                parse_global_id(input.advisor_id, "StaffUser", "advisorId")
                if input.advisor_id
                else None
            ),
        )
        async with info.context.write("appointment", "create") as tx:
            booking = await appointment_service.book_appointment(
                tx, tx.scope.dealer_ids[0], request, request_id=info.context.request_id
            )
        return BookAppointmentPayload(
            appointment=Appointment.from_row(booking.appointment),
            shortages=[
                PartShortage(
                    part_number=s.part_number,
                    needed=s.needed,
                    available=max(s.available, Decimal(0)),
                    missing=s.missing,
                )
                for s in booking.shortages
            ],
        )

    @strawberry.mutation(description="Record the day-before or hour-before confirmation.")
    async def confirm_appointment(
        self, info: Info, id: strawberry.ID, stage: ConfirmationStage
    ) -> Appointment:
        appointment_id = _appointment_id(id)
        async with info.context.write("appointment", "confirm") as tx:
            row = await appointment_service.confirm_appointment(
                tx, tx.scope.dealer_ids[0], appointment_id, stage.value, info.context.request_id
            )
        return Appointment.from_row(row)

    @strawberry.mutation(
        description="Move to another time; the new day's capacity is checked (CAPACITY_FULL"
        " with suggestedDates), the parts stay reserved and it needs confirming again."
    )
    async def reschedule_appointment(
        self, info: Info, id: strawberry.ID, starts_at: datetime
    ) -> Appointment:
        appointment_id = _appointment_id(id)
        async with info.context.write("appointment", "update") as tx:
            row = await appointment_service.reschedule_appointment(
                tx,
                tx.scope.dealer_ids[0],
                appointment_id,
                starts_at,
                request_id=info.context.request_id,
            )
        return Appointment.from_row(row)

    @strawberry.mutation(
        description="Put a technician on shift for a day (hours 0 takes them off); only staff"
        " owning the repair_jobs duty go on shift."
    )
    async def set_technician_shift(
        self, info: Info, input: SetTechnicianShiftInput
    ) -> TechnicianShift | None:
        user_id = parse_global_id(input.technician_id, "StaffUser", "technicianId")
        context = info.context
        async with context.write("workshop_board", "update") as tx:
            dealer = tx.scope.dealer_ids[0]
            duty = duty_object(shift_service.SHIFT_DUTY)
            row = await shift_service.set_shift(
                tx,
                dealer,
                user_id,
                input.date,
                input.hours,
                input.team,
                may_work=lambda uid: context.policies.allowed(
                    Subject.user(uid), dealer, duty, DUTY_ACTION
                ),
                request_id=context.request_id,
            )
        return TechnicianShift.from_row(row) if row else None

    @strawberry.mutation(
        description="Pre-assign a bay and a technician on shift that day (null clears)."
    )
    async def preassign_appointment(
        self,
        info: Info,
        id: strawberry.ID,
        bay_code: str | None = None,
        technician_id: strawberry.ID | None = None,
    ) -> Appointment:
        appointment_id = _appointment_id(id)
        technician = (
            parse_global_id(technician_id, "StaffUser", "technicianId") if technician_id else None
        )
        async with info.context.write("workshop_board", "update") as tx:
            row = await appointment_service.preassign(
                tx,
                tx.scope.dealer_ids[0],
                appointment_id,
                bay_code=bay_code,
                technician_user_id=technician,
                request_id=info.context.request_id,
            )
        return Appointment.from_row(row)

    @strawberry.mutation(description="Cancel with a reason; releases its parts and hours.")
    async def cancel_appointment(self, info: Info, id: strawberry.ID, reason: str) -> Appointment:
        appointment_id = _appointment_id(id)
        async with info.context.write("appointment", "cancel") as tx:
            row = await appointment_service.cancel_appointment(
                tx, tx.scope.dealer_ids[0], appointment_id, reason, info.context.request_id
            )
        return Appointment.from_row(row)

    @strawberry.mutation(
        description="The customer did not come (after the start time); releases parts and hours."
    )
    async def mark_appointment_no_show(self, info: Info, id: strawberry.ID) -> Appointment:
        appointment_id = _appointment_id(id)
        async with info.context.write("appointment", "update") as tx:
            row = await appointment_service.mark_no_show(
                tx, tx.scope.dealer_ids[0], appointment_id, request_id=info.context.request_id
            )
        return Appointment.from_row(row)

    @strawberry.mutation(description="Mark a reservation as pre-picked onto the appointment shelf.")
    async def mark_parts_picked(
        self, info: Info, reservation_id: strawberry.ID, picked: bool = True
    ) -> PartReservation:
        reservation = parse_global_id(reservation_id, "PartReservation", "reservationId")
        async with info.context.write("parts_issue", "issue") as tx:
            dealer = tx.scope.dealer_ids[0]
            await reservation_service.mark_picked(
                tx, dealer, reservation, picked, info.context.request_id
            )
            row = await tx.connection.fetchrow(
                "select r.*, s.part_id, s.bin_location from stock_reservation r"
                " join stock_item s on s.dealer_id = r.dealer_id and s.id = r.stock_item_id"
                " where r.dealer_id = $1 and r.id = $2",
                dealer,
                reservation,
            )
        return PartReservation.from_row(row)
