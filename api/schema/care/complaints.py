"""Customer care GraphQL: complaints (投诉) — intake, routing by the general manager, the
plan agreed with the customer, resolution, confirmation and closing, the overdue flags
and escalation queues, and the region's severe tickets (visible the moment they are
received). Every mutation is one transaction with its action log and audit entry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import strawberry
from strawberry import relay

from api.schema.care.complaints_types import (
    Complaint,
    ComplaintDepartment,
    ComplaintLevel,
    ComplaintStatus,
    ComplaintStatusCount,
    OpenComplaintInput,
    RouteComplaintInput,
)
from api.schema.context import Info
from api.schema.errors import NotFound
from api.schema.relay_conventions import (
    connection,
    decode_cursor,
    global_id,
    page_size,
    parse_global_id,
)
from api.schema.warranty.old_parts_access import dealers_with
from tenants.care import complaint_queries, complaints
from tenants.care.complaint_escalation import ESCALATION_DUTIES
from tenants.care.complaint_intake import open_complaint
from tenants.care.complaint_queries import ComplaintFilter
from tenants.care.complaint_states import RESPONSIBLE_MAY, STEPS
from tenants.database import ActiveTransaction

_CLOSED_BIT = 1 << 52
"""Region cursors carry (closed?, id) in one number: open tickets sort first."""


def _now() -> datetime:
    return datetime.now(UTC)


def _complaint_id(value: strawberry.ID) -> int:
    return parse_global_id(value, "Complaint", "complaintId")


def _optional(value: strawberry.ID | None, type_name: str, field: str) -> int | None:
    return parse_global_id(value, type_name, field) if value is not None else None


async def complaints_visible(info: Info, ids: list[int]) -> list[Complaint]:
    """Tickets of the current dealer (complaint:read), and severe tickets of the dealers
    where the viewer holds complaint:read_severe (the region's managers)."""
    principal = info.context.principal
    found: list[Complaint] = []
    current = principal.dealer_id
    if current is not None and info.context.allowed("complaint", "read"):
        async with info.context.read((current,)) as tx:
            rows = await complaint_queries.complaints_by_id(tx.connection, (current,), ids, _now())
        found += [Complaint.from_row(r) for r in rows]
    severe_dealers = tuple(
        d for d in dealers_with(info, "complaint", "read_severe") if d != current
    )
    missing = [i for i in ids if i not in {c.id for c in found}]
    if severe_dealers and missing:
        async with info.context.read(severe_dealers) as tx:
            rows = await complaint_queries.complaints_by_id(
                tx.connection, severe_dealers, missing, _now()
            )
        found += [Complaint.from_row(r) for r in rows if r["level"] == "severe"]
    return found


async def _complaint(info: Info, cid: int) -> Complaint:
    found = await complaints_visible(info, [cid])
    if not found:
        raise NotFound("Complaint")
    return found[0]


async def _viewer_is_responsible(info: Info, dealer: int, cid: int) -> bool:
    async with info.context.read((dealer,)) as tx:
        responsible: int | None = await tx.connection.fetchval(
            "select responsible_user_id from complaint where dealer_id = $1 and id = $2",
            dealer,
            cid,
        )
    return responsible is not None and responsible == info.context.principal.user_id


async def _step(
    info: Info,
    complaint_id: strawberry.ID,
    kind: str,
    call: Callable[[ActiveTransaction, int, int], Awaitable[Any]],
) -> Complaint:
    """One step in one transaction at the current dealer, after its permission check:
    any permission the step names, or (for resolving and notes) being the ticket's
    responsible person; FORBIDDEN names the step's first permission otherwise."""
    cid = _complaint_id(complaint_id)
    dealer = info.context.dealer_id
    permissions = STEPS[kind].permissions
    permission = next(
        (p for p in permissions if info.context.allowed("complaint", p, dealer)), None
    )
    if (
        permission is None
        and kind in RESPONSIBLE_MAY
        and info.context.allowed("complaint", "read", dealer)
        and await _viewer_is_responsible(info, dealer, cid)
    ):
        permission = "read"
    async with info.context.write("complaint", permission or permissions[0]) as tx:
        await call(tx, tx.scope.dealer_ids[0], cid)
    return await _complaint(info, cid)


@strawberry.type(description="A person of the current dealer a complaint can be routed to.")
class ComplaintResponsibleCandidate:
    id: strawberry.ID
    display_name: str
    roles: list[str]


@strawberry.type
class CareComplaintsQuery:
    @strawberry.field(
        description="Staff of the current dealer to route a complaint to (complaint:route)."
    )
    async def complaint_responsible_candidates(
        self, info: Info
    ) -> list[ComplaintResponsibleCandidate]:
        dealer = info.context.require("complaint", "route")
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                "select u.id, u.display_name, m.roles from membership m"
                " join staff_user u on u.id = m.user_id"
                " where m.dealer_id = $1 and u.active order by u.display_name, u.id",
                dealer,
            )
        return [
            ComplaintResponsibleCandidate(
                id=strawberry.ID(global_id("StaffUser", r["id"])),
                display_name=r["display_name"],
                roles=list(r["roles"]),
            )
            for r in rows
        ]

    @strawberry.field(description="The current dealer's complaint tickets, newest first.")
    async def complaints(
        self,
        info: Info,
        status: list[ComplaintStatus] | None = None,
        level: list[ComplaintLevel] | None = None,
        overdue: Annotated[
            bool, strawberry.argument(description="Only tickets past their current deadline.")
        ] = False,
        mine: Annotated[
            bool, strawberry.argument(description="Only tickets the viewer is responsible for.")
        ] = False,
        escalated_to_me: Annotated[
            bool,
            strawberry.argument(
                description="Only tickets escalated to a level whose duty the viewer holds"
                " (front-desk supervisor 1, service manager 2, general manager 3)."
            ),
        ] = False,
        search: Annotated[
            str, strawberry.argument(description="Ticket number, customer, phone, plate or VIN.")
        ] = "",
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[Complaint]:
        dealer = info.context.require("complaint", "read")
        size, before = page_size(first), decode_cursor(after)
        escalated_from: int | None = None
        if escalated_to_me:
            held = [
                level
                for level, duty in ESCALATION_DUTIES.items()
                if info.context.principal.user_id
                in info.context.policies.holders_of_duty(dealer, duty)
            ]
            escalated_from = min(held) if held else 4  # 4: no level, so nothing
        filter = ComplaintFilter(
            statuses=[s.value for s in status or []],
            levels=[lv.value for lv in level or []],
            overdue=overdue,
            responsible_user_id=info.context.principal.user_id if mine else None,
            search=search,
            escalated_from=escalated_from,
        )
        async with info.context.read((dealer,)) as tx:
            rows = await complaint_queries.list_complaints(
                tx.connection, (dealer,), filter, now=_now(), before_id=before, limit=size + 1
            )
        return connection(rows, size, Complaint.from_row, lambda r: r["id"])

    @strawberry.field(description="One ticket with its timeline; None when not visible.")
    async def complaint(self, info: Info, id: strawberry.ID) -> Complaint | None:
        found = await complaints_visible(info, [_complaint_id(id)])
        return found[0] if found else None

    @strawberry.field(description="Tickets per status at the current dealer, with overdue ones.")
    async def complaint_counts(self, info: Info) -> list[ComplaintStatusCount]:
        dealer = info.context.require("complaint", "read")
        async with info.context.read((dealer,)) as tx:
            rows = await complaint_queries.status_counts(tx.connection, dealer, _now())
        return [
            ComplaintStatusCount(
                status=ComplaintStatus(r["status"]), total=r["total"], overdue=r["overdue"]
            )
            for r in rows
        ]

    @strawberry.field(
        description="Severe complaints (强烈投诉) of every dealer where the viewer holds"
        " complaint:read_severe (the region's manager), open first, newest first; read"
        " straight from the tickets, so visible the moment they are received."
    )
    async def region_severe_complaints(
        self,
        info: Info,
        open_only: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[Complaint]:
        size, key = page_size(first), decode_cursor(after)
        dealers = dealers_with(info, "complaint", "read_severe")
        if not dealers:
            return connection([], size, Complaint.from_row, lambda r: r["id"])
        before = (bool(key & _CLOSED_BIT), key & (_CLOSED_BIT - 1)) if key is not None else None
        async with info.context.read(dealers) as tx:
            rows = await complaint_queries.region_severe(
                tx.connection,
                dealers,
                now=_now(),
                open_only=open_only,
                before=before,
                limit=size + 1,
            )
        return connection(
            rows,
            size,
            Complaint.from_row,
            lambda r: r["id"] | (_CLOSED_BIT if r["status"] in ("closed", "withdrawn") else 0),
        )


@strawberry.type
class CareComplaintsMutation:
    @strawberry.mutation(
        description="Record a complaint ticket (工联单); the dealer's rule may route its level"
        " at once, otherwise it waits for the general manager."
    )
    async def open_complaint(self, info: Info, input: OpenComplaintInput) -> Complaint:
        async with info.context.write("complaint", "create") as tx:
            user = tx.scope.user_id
            assert user is not None
            row = await open_complaint(
                tx.connection,
                tx.scope.dealer_ids[0],
                actor_user_id=user,
                customer_id=parse_global_id(input.customer_id, "Customer", "customerId"),
                vehicle_id=_optional(input.vehicle_id, "Vehicle", "vehicleId"),
                repair_order_id=_optional(input.repair_order_id, "RepairOrder", "repairOrderId"),
                revisit_id=None,
                channel=input.channel.value,
                level=input.level.value,
                summary=input.summary,
                detail=input.detail,
                now=_now(),
                request_id=info.context.request_id,
            )
        return await _complaint(info, row["id"])

    @strawberry.mutation(description="Route a received ticket to a department with a deadline.")
    async def route_complaint(self, info: Info, input: RouteComplaintInput) -> Complaint:
        routing = complaints.Routing(
            input.department.value,
            _optional(input.responsible_user_id, "StaffUser", "responsibleUserId"),
            input.due_at,
        )
        return await _step(
            info,
            input.complaint_id,
            "routed",
            lambda tx, d, c: complaints.route(
                tx, d, c, routing, note=input.note, now=_now(), request_id=info.context.request_id
            ),
        )

    @strawberry.mutation(description="Hand a routed ticket to another department or person.")
    async def reroute_complaint(self, info: Info, input: RouteComplaintInput) -> Complaint:
        routing = complaints.Routing(
            input.department.value,
            _optional(input.responsible_user_id, "StaffUser", "responsibleUserId"),
            input.due_at,
        )
        return await _step(
            info,
            input.complaint_id,
            "rerouted",
            lambda tx, d, c: complaints.reroute(
                tx, d, c, routing, note=input.note, now=_now(), request_id=info.context.request_id
            ),
        )

    @strawberry.mutation(description="Move the department's deadline, with the reason.")
    async def change_complaint_deadline(
        self, info: Info, complaint_id: strawberry.ID, due_at: datetime, note: str
    ) -> Complaint:
        return await _step(
            info,
            complaint_id,
            "deadline_changed",
            lambda tx, d, c: complaints.change_deadline(
                tx, d, c, due_at, note=note, now=_now(), request_id=info.context.request_id
            ),
        )

    @strawberry.mutation(description="Withdraw a received ticket entered by mistake.")
    async def withdraw_complaint(
        self, info: Info, complaint_id: strawberry.ID, reason: str
    ) -> Complaint:
        return await _step(
            info,
            complaint_id,
            "withdrawn",
            lambda tx, d, c: complaints.withdraw(
                tx, d, c, reason=reason, now=_now(), request_id=info.context.request_id
            ),
        )

    @strawberry.mutation(
        description="The customer agreed to the resolution plan and to when it will be done."
    )
    async def agree_complaint_resolution(
        self, info: Info, complaint_id: strawberry.ID, resolution: str, agreed_due_at: datetime
    ) -> Complaint:
        return await _step(
            info,
            complaint_id,
            "agreed",
            lambda tx, d, c: complaints.agree(
                tx,
                d,
                c,
                resolution=resolution,
                agreed_due_at=agreed_due_at,
                now=_now(),
                request_id=info.context.request_id,
            ),
        )

    @strawberry.mutation(description="The customer declined the plan: back to the department.")
    async def record_complaint_declined(
        self, info: Info, complaint_id: strawberry.ID, note: str
    ) -> Complaint:
        return await _step(
            info,
            complaint_id,
            "customer_declined",
            lambda tx, d, c: complaints.customer_declines(
                tx, d, c, note=note, now=_now(), request_id=info.context.request_id
            ),
        )

    @strawberry.mutation(
        description="The department did what was agreed (complaint:resolve, or the"
        " responsible person)."
    )
    async def resolve_complaint(
        self, info: Info, complaint_id: strawberry.ID, note: str
    ) -> Complaint:
        return await _step(
            info,
            complaint_id,
            "resolved",
            lambda tx, d, c: complaints.resolve(
                tx, d, c, note=note, now=_now(), request_id=info.context.request_id
            ),
        )

    @strawberry.mutation(description="The customer is not satisfied: back to the department.")
    async def reopen_complaint(
        self,
        info: Info,
        complaint_id: strawberry.ID,
        feedback: str,
        due_at: datetime | None = None,
    ) -> Complaint:
        return await _step(
            info,
            complaint_id,
            "reopened",
            lambda tx, d, c: complaints.reopen(
                tx,
                d,
                c,
                feedback=feedback,
                due_at=due_at,
                now=_now(),
                request_id=info.context.request_id,
            ),
        )

    @strawberry.mutation(
        description="Close after the customer confirmed (the confirmation is required)."
    )
    async def close_complaint(
        self, info: Info, complaint_id: strawberry.ID, confirmation: str
    ) -> Complaint:
        return await _step(
            info,
            complaint_id,
            "closed",
            lambda tx, d, c: complaints.confirm_close(
                tx, d, c, confirmation=confirmation, now=_now(), request_id=info.context.request_id
            ),
        )

    @strawberry.mutation(description="Log a note, or a contact with the customer.")
    async def log_complaint_action(
        self, info: Info, complaint_id: strawberry.ID, note: str, contact: bool = False
    ) -> Complaint:
        kind = "contact" if contact else "note"
        return await _step(
            info,
            complaint_id,
            kind,
            lambda tx, d, c: complaints.log_action(
                tx, d, c, kind=kind, note=note, now=_now(), request_id=info.context.request_id
            ),
        )


__all__ = ["CareComplaintsMutation", "CareComplaintsQuery", "ComplaintDepartment"]
