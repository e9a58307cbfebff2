"""GraphQL types of reminder targets: the target with its reasoning (``basis``), the
customer's last call about any target, counts per kind, generation runs and the lapsed
customers' cars. Related rows come through dataloaders, one query per batch."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON

from api.schema.appointments import Appointment, AppointmentItemInput, PartShortage
from api.schema.context import Info
from api.schema.customers import Customer, Vehicle
from api.schema.loaders import load_one
from api.schema.network import StaffUser
from tenants.database import TenantScope, tenant_transaction


@strawberry.enum(description="What the call is about (有效客户, seed 003 预约流程).")
class ReminderKind(Enum):
    MAINTENANCE = "maintenance"
    INSURANCE = "insurance"
    WARRANTY_EXPIRY = "warranty_expiry"
    DECLINED_WORK = "declined_work"
    RECALL = "recall"


@strawberry.enum
class ReminderStatus(Enum):
    OPEN = "open"
    CONTACTED = "contacted"
    BOOKED = "booked"
    DECLINED = "declined"
    DISMISSED = "dismissed"
    EXPIRED = "expired"


@strawberry.enum(
    description="CONTACTED: reached, no booking yet; DECLINED: the customer does not want"
    " it; DISMISSED: not a target after all (a note says why)."
)
class ReminderResult(Enum):
    CONTACTED = "contacted"
    DECLINED = "declined"
    DISMISSED = "dismissed"


def _keys(node_ids: Iterable[str]) -> list[int]:
    return [int(n) if n.isdigit() else 0 for n in node_ids]


class ReminderLoaders:
    """Reminders by id, and the customer's most recent worked reminder (any kind)."""

    def __init__(self, info: Info) -> None:
        self._info = info
        self.reminder = DataLoader[int, Any](load_fn=self._by_id)
        self.last_contact = DataLoader[int, Any](load_fn=self._last_contact)

    def _scope(self) -> TenantScope:
        principal = self._info.context.principal
        dealers = (principal.dealer_id,) if principal.dealer_id is not None else ()
        return TenantScope.of(dealers, principal.user_id)

    async def _by_id(self, keys: list[int]) -> list[Any]:
        async with tenant_transaction(self._scope(), fresh=True) as tx:
            rows = await tx.connection.fetch(
                "select * from care_reminder where id = any($1::bigint[])", keys
            )
        found = {r["id"]: r for r in rows}
        return [found.get(k) for k in keys]

    async def _last_contact(self, keys: list[int]) -> list[Any]:
        async with tenant_transaction(self._scope(), fresh=True) as tx:
            rows = await tx.connection.fetch(
                "select distinct on (customer_id) * from care_reminder"
                " where customer_id = any($1::bigint[]) and contacted_at is not null"
                " order by customer_id, contacted_at desc, id desc",
                keys,
            )
        found = {r["customer_id"]: r for r in rows}
        return [found.get(k) for k in keys]


def reminder_loaders(info: Info) -> ReminderLoaders:
    cache: dict[str, Any] = info.context.cache
    loaders = cache.get("care_reminder_loaders")
    if loaders is None:
        loaders = cache["care_reminder_loaders"] = ReminderLoaders(info)
    assert isinstance(loaders, ReminderLoaders)
    return loaders


@strawberry.type(description="A call about one target: who, when, the result and the note.")
class ReminderContact:
    kind: ReminderKind
    status: ReminderStatus
    at: datetime
    note: str
    user_id: strawberry.Private[int | None]

    @strawberry.field
    async def by(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.user_id)

    @classmethod
    def from_row(cls, row: Any) -> ReminderContact:
        return cls(
            kind=ReminderKind(row["kind"]),
            status=ReminderStatus(row["status"]),
            at=row["contacted_at"],
            note=row["note"],
            user_id=row["contacted_by"],
        )


@strawberry.type(description="An effective target of an outbound call (有效预约客户).")
class ReminderTarget(relay.Node):
    id: relay.NodeID[int]
    kind: ReminderKind
    status: ReminderStatus
    due_on: date
    basis: JSON = strawberry.field(
        description="Why it is due: the rule and numbers (maintenance: date_rule, date_due,"
        " km_rule, target_km, km_per_day, km_due, by; insurance: expires_on; warranty:"
        " sale_date, base_months, base_km, estimated_km; declined work: order_number,"
        " description; recall: campaign_code, title, title_zh, ends_on)."
    )
    source_key: str
    note: str
    contacted_at: datetime | None
    generated_at: datetime
    customer_id: strawberry.Private[int]
    vehicle_id: strawberry.Private[int]
    contacted_by: strawberry.Private[int | None]
    appointment_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> ReminderTarget:
        return cls(
            id=row["id"],
            kind=ReminderKind(row["kind"]),
            status=ReminderStatus(row["status"]),
            due_on=row["due_on"],
            basis=row["basis"],
            source_key=row["source_key"],
            note=row["note"],
            contacted_at=row["contacted_at"],
            generated_at=row["generated_at"],
            customer_id=row["customer_id"],
            vehicle_id=row["vehicle_id"],
            contacted_by=row["contacted_by"],
            appointment_id=row["appointment_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ReminderTarget | None]:
        if not info.context.allowed("reminder", "read"):
            return [None for _ in node_ids]
        rows = await reminder_loaders(info).reminder.load_many(_keys(node_ids))
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

    @strawberry.field(description="Who recorded the last call about this target.")
    async def contacted_by_user(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.contacted_by)

    @strawberry.field(description="The appointment booked from this target; null without"
                      " appointment:read.")  # fmt: skip
    async def appointment(self, info: Info) -> Appointment | None:
        if not info.context.allowed("appointment", "read"):
            return None
        return await load_one(
            info.context.loaders.appointment, Appointment.from_row, self.appointment_id
        )

    @strawberry.field(
        description="The customer's most recent call about any target (this one or another)."
    )
    async def last_contact(self, info: Info) -> ReminderContact | None:
        row = await reminder_loaders(info).last_contact.load(self.customer_id)
        return ReminderContact.from_row(row) if row is not None else None


@strawberry.type
class ReminderKindCount:
    kind: ReminderKind
    count: int


@strawberry.type(description="One generation of the dealer's targets (nightly or on demand).")
class ReminderRun:
    as_of: date
    trigger: str
    inserted: int
    refreshed: int
    expired: int
    generated_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> ReminderRun:
        return cls(
            as_of=row["as_of"],
            trigger=row["trigger"],
            inserted=row["inserted"],
            refreshed=row["refreshed"],
            expired=row["expired"],
            generated_at=row["generated_at"],
        )


@strawberry.type(
    description="A car of a customer not back for the dealer's lost_after_months (失联久未回厂):"
    " not a target; listed for the front-desk supervisor's 到期未来厂 analysis."
)
class LapsedVehicle:
    last_visit_on: date | None = strawberry.field(description="The last delivered order.")
    seen_on: date = strawberry.field(
        description="The last visit, else the sale date, else when the customer was recorded."
    )
    months_away: int
    last_order_number: str | None
    last_km: int | None
    customer_id: strawberry.Private[int]
    vehicle_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> LapsedVehicle:
        return cls(
            last_visit_on=row["last_visit_on"],
            seen_on=row["seen_on"],
            months_away=row["months_away"],
            last_order_number=row["last_order_number"],
            last_km=row["last_km"],
            customer_id=row["customer_id"],
            vehicle_id=row["vehicle_id"],
        )

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


@strawberry.type
class LapsedVehiclePage:
    lost_after_months: int = strawberry.field(
        description="The dealer's rule: not back for this many months counts as lapsed."
    )
    items: list[LapsedVehicle]
    end_cursor: str | None
    has_next_page: bool


@strawberry.input(description="The appointment a reminder call produced; customer and car"
                  " are the target's, the channel is OUTBOUND.")  # fmt: skip
class BookFromReminderInput:
    starts_at: datetime = strawberry.field(
        description="With an offset; without one it is the dealer's local time."
    )
    items: list[AppointmentItemInput]
    customer_request: str = ""
    wait_for_parts: bool = strawberry.field(
        default=False, description="Book although parts are missing, waiting for them."
    )
    parts_expected_on: date | None = None
    mileage_km: int | None = None
    advisor_id: strawberry.ID | None = None
    note: str = strawberry.field(default="", description="Kept on the reminder.")


@strawberry.type
class BookFromReminderPayload:
    reminder: ReminderTarget
    appointment: Appointment
    shortages: list[PartShortage]
