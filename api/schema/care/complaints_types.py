"""GraphQL types of complaints (投诉): the ticket (工联单), its action timeline, counts,
and the inputs of the steps."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader

from api.schema.context import Info
from api.schema.customers import Customer, Vehicle
from api.schema.loaders import load_one
from api.schema.personal_data import Kind, personal
from api.schema.relay_conventions import global_id
from tenants.care import complaint_queries
from tenants.care.complaint_states import RESPONSIBLE_MAY, STEPS, steps_from
from tenants.database import tenant_transaction


@strawberry.enum(description="How the complaint reached the dealer.")
class ComplaintChannel(Enum):
    PHONE = "phone"
    REVISIT = "revisit"
    ON_SITE = "on_site"
    LETTER = "letter"
    EMAIL = "email"
    WEBSITE = "website"
    MEDIA = "media"
    WECHAT = "wechat"
    GOVERNMENT = "government"


@strawberry.enum(description="抱怨, 一般投诉, 中级投诉, 强烈投诉.")
class ComplaintLevel(Enum):
    GRIEVANCE = "grievance"
    GENERAL = "general"
    SERIOUS = "serious"
    SEVERE = "severe"


@strawberry.enum
class ComplaintStatus(Enum):
    RECEIVED = "received"
    ROUTED = "routed"
    AGREED = "agreed"
    RESOLVED = "resolved"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


@strawberry.enum(description="The department a complaint is routed to.")
class ComplaintDepartment(Enum):
    SERVICE = "service"
    WORKSHOP = "workshop"
    PARTS = "parts"
    WARRANTY = "warranty"
    FRONT_DESK = "front_desk"
    CUSTOMER_CARE = "customer_care"
    SALES = "sales"
    FINANCE = "finance"
    MANAGEMENT = "management"


@strawberry.enum(description="What one entry of the complaint's log records.")
class ComplaintActionKind(Enum):
    RECEIVED = "received"
    ROUTED = "routed"
    REROUTED = "rerouted"
    NOTE = "note"
    CONTACT = "contact"
    AGREED = "agreed"
    CUSTOMER_DECLINED = "customer_declined"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    ESCALATED = "escalated"
    DEADLINE_CHANGED = "deadline_changed"


@strawberry.type(description="One entry of the append-only complaint log.")
class ComplaintAction:
    id: strawberry.ID
    kind: ComplaintActionKind
    status_from: ComplaintStatus | None
    status_to: ComplaintStatus | None
    note: str
    due_at: datetime | None
    escalation_level: int | None
    actor_name: str | None = strawberry.field(description="None: the system (rule, timer).")
    at: datetime

    @classmethod
    def from_row(cls, row: Any) -> ComplaintAction:
        return cls(
            id=strawberry.ID(global_id("ComplaintAction", row["id"])),
            kind=ComplaintActionKind(row["kind"]),
            status_from=ComplaintStatus(row["status_from"]) if row["status_from"] else None,
            status_to=ComplaintStatus(row["status_to"]) if row["status_to"] else None,
            note=row["note"],
            due_at=row["due_at"],
            escalation_level=row["escalation_level"],
            actor_name=row["actor_name"],
            at=row["at"],
        )


def _actions_loader(info: Info) -> DataLoader[tuple[int, int], list[Any]]:
    """Timelines of the complaints on a page, in one query per dealer set."""
    loader: DataLoader[tuple[int, int], list[Any]] | None = info.context.cache.get(
        "complaint_actions"
    )
    if loader is None:

        async def load(keys: list[tuple[int, int]]) -> list[list[Any]]:
            dealers = tuple(sorted({d for d, _ in keys}))
            async with tenant_transaction(info.context.scope(dealers), fresh=True) as tx:
                grouped = await complaint_queries.actions_by_complaint(
                    tx.connection, dealers, [c for _, c in keys]
                )
            return [grouped.get(c, []) for _, c in keys]

        loader = info.context.cache["complaint_actions"] = DataLoader(load_fn=load)
    return loader


@strawberry.type(description="A complaint ticket (工联单).")
class Complaint(relay.Node):
    id: relay.NodeID[int]
    number: str
    dealer_code: str
    dealer_name: str
    dealer_name_zh: str
    channel: ComplaintChannel
    level: ComplaintLevel
    status: ComplaintStatus
    summary: str
    detail: str
    department: ComplaintDepartment | None
    responsible_user_id: strawberry.ID | None
    responsible_name: str | None
    customer_name: str = personal(Kind.NAME)
    customer_phone: str = personal(Kind.PHONE)
    vehicle_plate: str | None
    vehicle_vin: str | None
    vehicle_model: str | None
    repair_order_id: strawberry.ID | None
    repair_order_number: str | None
    revisit_id: strawberry.ID | None
    received_at: datetime
    routed_at: datetime | None
    due_at: datetime | None
    resolution: str
    agreed_at: datetime | None
    agreed_due_at: datetime | None
    resolved_at: datetime | None
    confirmed_at: datetime | None
    customer_feedback: str
    escalation_level: int = strawberry.field(
        description="0 none; 1 front-desk supervisor; 2 service manager; 3 general manager."
    )
    escalated_at: datetime | None
    deadline_at: datetime | None = strawberry.field(
        description="When the current step is due (routing within 24 h, the department's"
        " deadline, or the time agreed with the customer); null once resolved."
    )
    overdue: bool
    dealer_pk: strawberry.Private[int]
    customer_pk: strawberry.Private[int]
    vehicle_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> Complaint:
        def gid(type_name: str, pk: int | None) -> strawberry.ID | None:
            return strawberry.ID(global_id(type_name, pk)) if pk is not None else None

        return cls(
            id=row["id"],
            number=row["number"],
            dealer_code=row["dealer_code"],
            dealer_name=row["dealer_name"],
            dealer_name_zh=row["dealer_name_zh"] or row["dealer_name"],
            channel=ComplaintChannel(row["channel"]),
            level=ComplaintLevel(row["level"]),
            status=ComplaintStatus(row["status"]),
            summary=row["summary"],
            detail=row["detail"],
            department=ComplaintDepartment(row["department"]) if row["department"] else None,
            responsible_user_id=gid("StaffUser", row["responsible_user_id"]),
            responsible_name=row["responsible_name"],
            customer_name=row["customer_name"],
            customer_phone=row["customer_phone"],
            vehicle_plate=row["vehicle_plate"],
            vehicle_vin=row["vehicle_vin"],
            vehicle_model=row["vehicle_model"],
            repair_order_id=gid("RepairOrder", row["repair_order_id"]),
            repair_order_number=row["repair_order_number"],
            revisit_id=gid("Revisit", row["revisit_id"]),
            received_at=row["received_at"],
            routed_at=row["routed_at"],
            due_at=row["due_at"],
            resolution=row["resolution"],
            agreed_at=row["agreed_at"],
            agreed_due_at=row["agreed_due_at"],
            resolved_at=row["resolved_at"],
            confirmed_at=row["confirmed_at"],
            customer_feedback=row["customer_feedback"],
            escalation_level=row["escalation_level"],
            escalated_at=row["escalated_at"],
            deadline_at=row["deadline_at"],
            overdue=row["overdue"],
            dealer_pk=row["dealer_id"],
            customer_pk=row["customer_id"],
            vehicle_pk=row["vehicle_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Complaint | None]:
        from api.schema.care.complaints import complaints_visible

        found = {c.id: c for c in await complaints_visible(info, [int(n) for n in node_ids])}
        return [found.get(int(n)) for n in node_ids]

    @strawberry.field(description="The log of every step, oldest first.")
    async def actions(self, info: Info) -> list[ComplaintAction]:
        rows = await _actions_loader(info).load((self.dealer_pk, self.id))
        return [ComplaintAction.from_row(r) for r in rows]

    @strawberry.field(description="The customer's record (at the current dealer, customer:read).")
    async def customer(self, info: Info) -> Customer | None:
        if self.dealer_pk != info.context.principal.dealer_id:
            return None
        if not info.context.allowed("customer", "read"):
            return None
        return await load_one(info.context.loaders.customer, Customer.from_row, self.customer_pk)

    @strawberry.field(description="The vehicle (at the current dealer, vehicle:read).")
    async def vehicle(self, info: Info) -> Vehicle | None:
        if self.dealer_pk != info.context.principal.dealer_id:
            return None
        if not info.context.allowed("vehicle", "read"):
            return None
        return await load_one(info.context.loaders.vehicle, Vehicle.from_row, self.vehicle_pk)

    @strawberry.field(
        description="The steps the viewer may take on this ticket now (the screen's buttons)."
    )
    def viewer_steps(self, info: Info) -> list[ComplaintActionKind]:
        viewer = info.context.principal.user_id
        viewer_dealer = info.context.principal.dealer_id
        responsible = self.responsible_user_id is not None and self.responsible_user_id == (
            global_id("StaffUser", viewer) if viewer is not None else None
        )
        steps: list[ComplaintActionKind] = []
        for kind in steps_from(self.status.value):
            if any(
                info.context.allowed("complaint", p, self.dealer_pk)
                for p in STEPS[kind].permissions
            ) or (kind in RESPONSIBLE_MAY and responsible and self.dealer_pk == viewer_dealer):
                steps.append(ComplaintActionKind(kind))
        return steps


@strawberry.type(description="How many tickets are in a status, and how many are overdue.")
class ComplaintStatusCount:
    status: ComplaintStatus
    total: int
    overdue: int


@strawberry.input
class OpenComplaintInput:
    customer_id: strawberry.ID
    vehicle_id: strawberry.ID | None = None
    repair_order_id: strawberry.ID | None = None
    channel: ComplaintChannel
    level: ComplaintLevel
    summary: str
    detail: str = ""


@strawberry.input
class RouteComplaintInput:
    complaint_id: strawberry.ID
    department: ComplaintDepartment
    responsible_user_id: strawberry.ID | None = None
    due_at: datetime | None = strawberry.field(
        default=None, description="Default: the dealer's hours for the level, from now."
    )
    note: str = ""
