"""GraphQL of customers and vehicles: records per dealer, search, mileage history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from api.schema.context import Info
from api.schema.front_desk_loaders import front_desk_loaders
from api.schema.loaders import load_one
from api.schema.network import StaffUser
from api.schema.personal_data import Kind, personal, reveals_personal_data
from api.schema.relay_conventions import connection, decode_cursor, page_size, parse_global_id
from tenants.service import customers as customer_service
from tenants.service import mileage as mileage_service
from tenants.service import vehicles as vehicle_service
from tenants.service.plates import display_plate, is_new_energy

if TYPE_CHECKING:
    from api.schema.appointments import Appointment
    from api.schema.oversight.campaigns_types import VehicleCampaign
    from api.schema.warranty.claims_types import WarrantyCampaign, WarrantyWarning

_WARRANTY_TYPES = "api.schema.warranty.claims_types"


def _keys(node_ids: Iterable[str]) -> list[int]:
    return [int(n) if n.isdigit() else 0 for n in node_ids]


def _changes(input: Any, names: dict[str, str]) -> dict[str, Any]:
    """Fields the client set (UNSET ones are left alone), by service column name."""
    out: dict[str, Any] = {}
    for attr, column in names.items():
        value = getattr(input, attr)
        if value is not strawberry.UNSET:
            out[column] = value
    return out


@strawberry.enum
class CustomerKind(Enum):
    PERSON = "person"
    COMPANY = "company"


@strawberry.enum(description="Where an odometer reading comes from.")
class MileageSource(Enum):
    APPOINTMENT = "appointment"
    RECEPTION = "reception"
    DELIVERY = "delivery"
    CORRECTION = "correction"
    IMPORT = "import"


@strawberry.type(description="One odometer reading; lower than the last only as a correction.")
class MileageReading:
    km: int
    source: MileageSource
    correction_reason: str | None
    recorded_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> MileageReading:
        return cls(
            km=row["km"],
            source=MileageSource(row["source"]),
            correction_reason=row["correction_reason"],
            recorded_at=row["recorded_at"],
        )


@strawberry.type
class Customer(relay.Node):
    id: relay.NodeID[int]
    kind: CustomerKind
    name: str = personal(Kind.NAME)
    phone: str = personal(Kind.PHONE)
    email: str | None = personal(Kind.EMAIL)
    address: str = personal(Kind.OTHER)
    wechat: str = personal(Kind.OTHER)
    lost: bool
    notes: str
    created_at: datetime
    advisor_user_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> Customer:
        return cls(
            id=row["id"],
            kind=CustomerKind(row["kind"]),
            name=row["name"],
            phone=row["phone"],
            email=row["email"],
            address=row["address"],
            wechat=row["wechat"],
            lost=row["lost"],
            notes=row["notes"],
            created_at=row["created_at"],
            advisor_user_id=row["advisor_user_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Customer | None]:
        if not info.context.allowed("customer", "read"):
            return [None for _ in node_ids]
        rows = await info.context.loaders.customer.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="The customer's vehicles (needs vehicle:read).")
    async def vehicles(self, info: Info) -> list[Vehicle]:
        if not info.context.allowed("vehicle", "read"):
            return []
        rows = await front_desk_loaders(info).vehicles_by_customer.load(self.id)
        return [Vehicle.from_row(r) for r in rows]

    @strawberry.field(description="The advisor who owns this customer (一对一).")
    async def advisor(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.advisor_user_id)


@strawberry.type
class Vehicle(relay.Node):
    id: relay.NodeID[int]
    vin: str
    plate: str
    model: str
    model_year: int | None
    colour: str
    sale_date: date | None
    created_at: datetime
    customer_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> Vehicle:
        return cls(
            id=row["id"],
            vin=row["vin"],
            plate=row["plate"],
            model=row["model"],
            model_year=row["model_year"],
            colour=row["colour"],
            sale_date=row["sale_date"],
            created_at=row["created_at"],
            customer_id=row["customer_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Vehicle | None]:
        if not info.context.allowed("vehicle", "read"):
            return [None for _ in node_ids]
        rows = await info.context.loaders.vehicle.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="The plate as painted, e.g. 沪A·12345.")
    def plate_display(self) -> str:
        return display_plate(self.plate)

    @strawberry.field(description="A green new-energy plate (新能源).")
    def new_energy_plate(self) -> bool:
        return is_new_energy(self.plate)

    @strawberry.field(description="The owner (needs customer:read).")
    async def customer(self, info: Info) -> Customer | None:
        if not info.context.allowed("customer", "read"):
            return None
        return await load_one(info.context.loaders.customer, Customer.from_row, self.customer_id)

    @strawberry.field(description="The latest odometer reading in km.")
    async def mileage(self, info: Info) -> int | None:
        rows = await front_desk_loaders(info).mileage_by_vehicle.load(self.id)
        return rows[0]["km"] if rows else None

    @strawberry.field(description="Odometer readings, newest first.")
    async def mileage_history(self, info: Info) -> list[MileageReading]:
        rows = await front_desk_loaders(info).mileage_by_vehicle.load(self.id)
        return [MileageReading.from_row(r) for r in rows]

    @strawberry.field(description="Appointments of this vehicle, newest first.")
    async def appointments(
        self, info: Info
    ) -> list[Annotated[Appointment, strawberry.lazy("api.schema.appointments")]]:
        from api.schema.appointments import Appointment

        if not info.context.allowed("appointment", "read"):
            return []
        rows = await front_desk_loaders(info).appointments_by_vehicle.load(self.id)
        return [Appointment.from_row(r) for r in rows]

    @strawberry.field(
        description="三包预警: repeated repairs of one fault, many days in the workshop."
    )
    async def warranty_warnings(
        self, info: Info
    ) -> list[Annotated[WarrantyWarning, strawberry.lazy(_WARRANTY_TYPES)]]:
        from api.schema.warranty.claims_fields import vehicle_warnings

        return await vehicle_warnings(info, self.id)

    @strawberry.field(description="Recalls (召回) and service campaigns open for this VIN.")
    async def open_warranty_campaigns(
        self, info: Info
    ) -> list[Annotated[WarrantyCampaign, strawberry.lazy(_WARRANTY_TYPES)]]:
        from api.schema.warranty.claims_fields import vehicle_campaigns

        return await vehicle_campaigns(info, self.id)

    @strawberry.field(
        description="Open recalls and service campaigns on this VIN: the reception banner"
        " (one click adds the operation: addCampaignOperation)."
    )
    async def open_campaigns(
        self, info: Info
    ) -> list[Annotated[VehicleCampaign, strawberry.lazy("api.schema.oversight.campaigns_types")]]:
        from api.schema.oversight.vehicle_campaigns import open_campaigns

        return await open_campaigns(info, self.vin)


@strawberry.type
class CustomersQuery:
    @strawberry.field(
        description="Customers of the current dealer, searched by name, phone, plate or VIN"
        " (by plate or VIN only for a key that sees personal data masked)."
    )
    async def customers(
        self, info: Info, search: str = "", first: int | None = None, after: str | None = None
    ) -> relay.Connection[Customer]:
        dealer = info.context.require("customer", "read")
        size, last = page_size(first), decode_cursor(after) or 0
        async with info.context.read() as tx:
            rows = await customer_service.search_customers(
                tx.connection,
                dealer,
                search,
                after=last,
                limit=size + 1,
                by_personal_data=reveals_personal_data(info.context),
            )
        return connection(rows, size, Customer.from_row, lambda r: r["id"])

    @strawberry.field(
        description="Vehicles of the current dealer, searched by plate, VIN, owner name or phone"
        " (by plate or VIN only for a key that sees personal data masked)."
    )
    async def vehicles(
        self, info: Info, search: str = "", first: int | None = None, after: str | None = None
    ) -> relay.Connection[Vehicle]:
        dealer = info.context.require("vehicle", "read")
        size, last = page_size(first), decode_cursor(after) or 0
        async with info.context.read() as tx:
            rows = await vehicle_service.search_vehicles(
                tx.connection,
                dealer,
                search,
                after=last,
                limit=size + 1,
                by_personal_data=reveals_personal_data(info.context),
            )
        return connection(rows, size, Vehicle.from_row, lambda r: r["id"])


@strawberry.input
class CreateCustomerInput:
    name: str
    phone: str
    kind: CustomerKind = CustomerKind.PERSON
    email: str | None = None
    address: str = ""
    wechat: str = ""
    notes: str = ""
    advisor_id: strawberry.ID | None = None


@strawberry.input
class UpdateCustomerInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    kind: CustomerKind | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    wechat: str | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET
    lost: bool | None = strawberry.UNSET
    advisor_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input
class CreateVehicleInput:
    customer_id: strawberry.ID
    vin: str
    plate: str = ""
    model: str = ""
    model_year: int | None = None
    colour: str = ""
    sale_date: date | None = None
    mileage_km: int | None = strawberry.field(
        default=None, description="A first odometer reading (source IMPORT)."
    )


@strawberry.input
class UpdateVehicleInput:
    id: strawberry.ID
    vin: str | None = strawberry.UNSET
    plate: str | None = strawberry.UNSET
    model: str | None = strawberry.UNSET
    model_year: int | None = strawberry.UNSET
    colour: str | None = strawberry.UNSET
    sale_date: date | None = strawberry.UNSET
    customer_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="A new owner among this dealer's customers."
    )


@strawberry.input
class RecordMileageInput:
    vehicle_id: strawberry.ID
    km: int
    source: MileageSource = MileageSource.RECEPTION
    correction_reason: str | None = strawberry.field(
        default=None, description="Required with source CORRECTION (a lower reading)."
    )


def _advisor(value: Any) -> int | None:
    if value is None or value is strawberry.UNSET:
        return None
    return parse_global_id(str(value), "StaffUser", "advisorId")


@strawberry.type
class CustomersMutation:
    @strawberry.mutation(description="Create a customer record at the current dealer.")
    async def create_customer(self, info: Info, input: CreateCustomerInput) -> Customer:
        fields = customer_service.CustomerFields(
            name=input.name,
            phone=input.phone,
            kind=input.kind.value,
            email=input.email,
            address=input.address,
            wechat=input.wechat,
            notes=input.notes,
            advisor_user_id=_advisor(input.advisor_id),
        )
        async with info.context.write("customer", "create") as tx:
            row = await customer_service.create_customer(
                tx, tx.scope.dealer_ids[0], fields, info.context.request_id
            )
        return Customer.from_row(row)

    @strawberry.mutation(description="Change a customer's record; only the fields given.")
    async def update_customer(self, info: Info, input: UpdateCustomerInput) -> Customer:
        customer_id = parse_global_id(input.id, "Customer")
        changes = _changes(
            input,
            {
                "name": "name",
                "phone": "phone",
                "email": "email",
                "address": "address",
                "wechat": "wechat",
                "notes": "notes",
                "lost": "lost",
            },
        )
        if input.kind is not strawberry.UNSET and input.kind is not None:
            changes["kind"] = input.kind.value
        if input.advisor_id is not strawberry.UNSET:
            changes["advisor_user_id"] = _advisor(input.advisor_id)
        async with info.context.write("customer", "update") as tx:
            row = await customer_service.update_customer(
                tx, tx.scope.dealer_ids[0], customer_id, changes, info.context.request_id
            )
        return Customer.from_row(row)

    @strawberry.mutation(description="Add a vehicle to a customer (VIN validated).")
    async def create_vehicle(self, info: Info, input: CreateVehicleInput) -> Vehicle:
        customer_id = parse_global_id(input.customer_id, "Customer", "customerId")
        fields = vehicle_service.VehicleFields(
            vin=input.vin,
            plate=input.plate,
            model=input.model,
            model_year=input.model_year,
            colour=input.colour,
            sale_date=input.sale_date,
        )
        async with info.context.write("vehicle", "create") as tx:
            dealer = tx.scope.dealer_ids[0]
            row = await vehicle_service.create_vehicle(
                tx, dealer, customer_id, fields, info.context.request_id
            )
            if input.mileage_km is not None:
                await mileage_service.record_mileage(
                    tx, dealer, row["id"], input.mileage_km, "import",
                    request_id=info.context.request_id,
                )  # fmt: skip
        return Vehicle.from_row(row)

    @strawberry.mutation(description="Change a vehicle's record; only the fields given.")
    async def update_vehicle(self, info: Info, input: UpdateVehicleInput) -> Vehicle:
        vehicle_id = parse_global_id(input.id, "Vehicle")
        changes = _changes(
            input,
            {
                "vin": "vin",
                "plate": "plate",
                "model": "model",
                "model_year": "model_year",
                "colour": "colour",
                "sale_date": "sale_date",
            },
        )
        if input.customer_id is not strawberry.UNSET and input.customer_id is not None:
            changes["customer_id"] = parse_global_id(input.customer_id, "Customer", "customerId")
        async with info.context.write("vehicle", "update") as tx:
            row = await vehicle_service.update_vehicle(
                tx, tx.scope.dealer_ids[0], vehicle_id, changes, info.context.request_id
            )
        return Vehicle.from_row(row)

    @strawberry.mutation(
        description="Record an odometer reading; a lower one than the last is refused"
        " (rule mileage_never_decreases) unless it is a CORRECTION with a reason."
    )
    async def record_mileage(self, info: Info, input: RecordMileageInput) -> Vehicle:
        vehicle_id = parse_global_id(input.vehicle_id, "Vehicle", "vehicleId")
        async with info.context.write("vehicle", "update") as tx:
            dealer = tx.scope.dealer_ids[0]
            await mileage_service.record_mileage(
                tx,
                dealer,
                vehicle_id,
                input.km,
                input.source.value,
                correction_reason=input.correction_reason,
                request_id=info.context.request_id,
            )
            row = await vehicle_service.get_vehicle(tx.connection, dealer, vehicle_id)
        return Vehicle.from_row(row)
