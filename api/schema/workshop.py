"""GraphQL of the workshop: the live board (看板), dispatch and job clocks.

``workshopBoard`` is one SQL round trip (``tenants.service.board``) turned into plain
objects whose fields need no resolvers; ``workshopBoardChanged`` tells watching
boards which order changed, after the change committed.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry

from api.schema.context import Info
from api.schema.errors import Forbidden, Unauthenticated
from api.schema.network import StaffUser
from api.schema.personal_data import Kind, personal
from api.schema.relay_conventions import global_id, parse_global_id
from api.schema.repair_orders import JobStatus, RepairOrderStatus
from policies.store import Subject
from tenants.access import sessions
from tenants.service import board as board_service
from tenants.service import dispatch as dispatch_service
from tenants.service import job_clock as clock_service
from tenants.service.board_events import board_changes

ORDER_TYPE = "RepairOrder"
LINE_TYPE = "RepairOrderLine"
SESSION_RECHECK_SECONDS = 30.0


def _staff(user_id: int, display_name: str, username: str, active: bool) -> StaffUser:
    return StaffUser(id=user_id, username=username, display_name=display_name, active=active)


@strawberry.type(description="A job on the board: a quoted or approved labour line.")
class WorkshopJob:
    id: strawberry.ID = strawberry.field(description="The RepairOrderLine global ID.")
    description: str
    operation_code: str | None
    hours: Decimal = strawberry.field(description="Standard hours (标准工时) of the job.")
    approved: bool
    additional: bool
    job_status: JobStatus
    team: str
    technician: StaffUser | None
    clocked_hours: Decimal = strawberry.field(description="Hours clocked on it so far.")
    clocked_on: bool = strawberry.field(description="Someone is clocked on it now.")

    @classmethod
    def from_json(cls, job: dict[str, Any]) -> WorkshopJob:
        technician_id = job["technician_user_id"]
        return cls(
            id=strawberry.ID(global_id(LINE_TYPE, job["id"])),
            description=job["description"],
            operation_code=job["operation_code"],
            hours=Decimal(job["hours"]),
            approved=job["status"] == "approved",
            additional=job["additional"],
            job_status=JobStatus(job["job_status"]),
            team=job["team"],
            technician=_staff(
                technician_id,
                job["technician_name"],
                job["technician_username"],
                job["technician_active"],
            )
            if technician_id is not None
            else None,
            clocked_hours=Decimal(job["clocked_hours"]),
            clocked_on=job["clocked_on"],
        )


@strawberry.type
class BoardVehicle:
    id: strawberry.ID = strawberry.field(description="The Vehicle global ID.")
    plate: str
    model: str


@strawberry.type
class BoardBay:
    code: str
    name: str


@strawberry.type(description="An open order on the workshop board.")
class BoardOrder:
    id: strawberry.ID = strawberry.field(description="The RepairOrder global ID.")
    number: str
    status: RepairOrderStatus
    promised_at: datetime | None
    opened_at: datetime
    late: bool = strawberry.field(description="The promised time passed and it is not ready.")
    waiting_for_parts: bool = strawberry.field(
        description="An approved part is not fully reserved or on hand, or expected later."
    )
    rework_count: int
    vehicle: BoardVehicle
    customer_name: str = personal(Kind.NAME)
    advisor: StaffUser
    bay: BoardBay | None
    jobs: list[WorkshopJob]

    @classmethod
    def from_row(cls, row: Any) -> BoardOrder:
        return cls(
            id=strawberry.ID(global_id(ORDER_TYPE, row["id"])),
            number=row["number"],
            status=RepairOrderStatus(row["status"]),
            promised_at=row["promised_at"],
            opened_at=row["opened_at"],
            late=row["late"],
            waiting_for_parts=row["waiting_for_parts"],
            rework_count=row["rework_count"],
            vehicle=BoardVehicle(
                id=strawberry.ID(global_id("Vehicle", row["vehicle_id"])),
                plate=row["plate"],
                model=row["model"],
            ),
            customer_name=row["customer_name"],
            advisor=_staff(
                row["advisor_user_id"],
                row["advisor_name"],
                row["advisor_username"],
                row["advisor_active"],
            ),
            bay=BoardBay(code=row["bay_code"], name=row["bay_name"])
            if row["bay_id"] is not None
            else None,
            jobs=[WorkshopJob.from_json(job) for job in row["jobs"]],
        )


@strawberry.type(description="A technician on shift today, for the board's per-technician view.")
class BoardTechnician:
    technician: StaffUser
    team: str
    shift_hours: Decimal
    clocked_hours_today: Decimal
    clocked_on_job_id: strawberry.ID | None = strawberry.field(
        description="The RepairOrderLine the technician is clocked on now."
    )


@strawberry.type(description="The workshop board (维修管理看板) of the current dealer.")
class WorkshopBoard:
    dealer_id: strawberry.Private[int]
    orders: list[BoardOrder] = strawberry.field(
        description="Every order not delivered or cancelled, by promised time; group by "
        "status, bay or technician on the client."
    )

    @strawberry.field(description="Technicians on shift today (an extra query when asked).")
    async def technicians(self, info: Info) -> list[BoardTechnician]:
        async with info.context.read((self.dealer_id,)) as tx:
            rows = await board_service.technicians_today(tx.connection, self.dealer_id)
        return [
            BoardTechnician(
                technician=_staff(r["user_id"], r["display_name"], r["username"], r["active"]),
                team=r["team"],
                shift_hours=r["shift_hours"],
                clocked_hours_today=r["clocked_hours"],
                clocked_on_job_id=strawberry.ID(global_id(LINE_TYPE, r["clocked_on_line_id"]))
                if r["clocked_on_line_id"] is not None
                else None,
            )
            for r in rows
        ]


@strawberry.type
class DispatchQueueLine:
    id: strawberry.ID = strawberry.field(description="The RepairOrderLine global ID.")
    order_id: strawberry.ID
    order_number: str
    order_status: RepairOrderStatus
    description: str
    operation_code: str | None
    hours: Decimal
    promised_at: datetime | None
    plate: str
    model: str
    bay_code: str | None


@strawberry.type
class TechnicianLoad:
    technician: StaffUser
    team: str
    shift_hours: Decimal
    assigned_hours: Decimal = strawberry.field(
        description="Standard hours of the open jobs dispatched to them by name."
    )


@strawberry.type(description="The workshop supervisor's queue (派工): jobs to dispatch today.")
class DispatchQueue:
    work_date: date
    lines: list[DispatchQueueLine]
    technicians: list[TechnicianLoad]


@strawberry.type
class JobPayload:
    line_id: strawberry.ID
    order_id: strawberry.ID
    job_status: JobStatus
    order_status: RepairOrderStatus
    reassigned: bool = False
    order_pk: strawberry.Private[int]
    dealer_id: strawberry.Private[int]

    @strawberry.field(description="The order as the board shows it now.")
    async def order(self, info: Info) -> BoardOrder | None:
        async with info.context.read((self.dealer_id,)) as tx:
            rows = await board_service.board_rows(tx.connection, self.dealer_id, self.order_pk)
        return BoardOrder.from_row(rows[0]) if rows else None


@strawberry.input
class DispatchJobInput:
    line_id: strawberry.ID
    technician_id: strawberry.ID | None = None
    team: str | None = strawberry.field(
        default=None, description="A team on shift today, instead of a technician."
    )


@strawberry.input
class JobClockInput:
    line_id: strawberry.ID


@strawberry.type(description="A change of one of the dealer's orders, after it committed.")
class BoardChangeEvent:
    order_id: strawberry.ID
    status: RepairOrderStatus
    at: datetime


@strawberry.type
class WorkshopQuery:
    @strawberry.field(description="Every open order of the current dealer (workshop_board:read).")
    async def workshop_board(self, info: Info) -> WorkshopBoard:
        dealer = info.context.require("workshop_board", "read")
        async with info.context.read((dealer,)) as tx:
            rows = await board_service.board_rows(tx.connection, dealer)
        return WorkshopBoard(dealer_id=dealer, orders=[BoardOrder.from_row(r) for r in rows])

    @strawberry.field(
        description="One order as the board shows it; null once it is delivered, cancelled "
        "or not yours. Patch the board with it on each workshopBoardChanged event."
    )
    async def workshop_board_order(self, info: Info, id: strawberry.ID) -> BoardOrder | None:
        dealer = info.context.require("workshop_board", "read")
        order_id = parse_global_id(id, ORDER_TYPE)
        async with info.context.read((dealer,)) as tx:
            rows = await board_service.board_rows(tx.connection, dealer, order_id)
        return BoardOrder.from_row(rows[0]) if rows else None

    @strawberry.field(description="Approved jobs not yet dispatched, and who is on shift.")
    async def dispatch_queue(self, info: Info) -> DispatchQueue:
        dealer = info.context.require("dispatch", "read")
        async with info.context.read((dealer,)) as tx:
            day = await dispatch_service.dealer_today(tx.connection, dealer)
            lines = await dispatch_service.dispatch_queue(tx.connection, dealer)
            technicians = await dispatch_service.technicians_on_shift(tx.connection, dealer, day)
        return DispatchQueue(
            work_date=day,
            lines=[
                DispatchQueueLine(
                    id=strawberry.ID(global_id(LINE_TYPE, q.line_id)),
                    order_id=strawberry.ID(global_id(ORDER_TYPE, q.order_id)),
                    order_number=q.order_number,
                    order_status=RepairOrderStatus(q.order_status),
                    description=q.description,
                    operation_code=q.operation_code,
                    hours=q.hours,
                    promised_at=q.promised_at,
                    plate=q.plate,
                    model=q.model,
                    bay_code=q.bay_code,
                )
                for q in lines
            ],
            technicians=[
                TechnicianLoad(
                    technician=_staff(t.user_id, t.display_name, t.username, t.active),
                    team=t.team,
                    shift_hours=t.shift_hours,
                    assigned_hours=t.assigned_hours,
                )
                for t in technicians
            ],
        )


def _payload(dealer_id: int, change: clock_service.JobChange) -> JobPayload:
    return JobPayload(
        line_id=strawberry.ID(global_id(LINE_TYPE, change.line_id)),
        order_id=strawberry.ID(global_id(ORDER_TYPE, change.order_id)),
        job_status=JobStatus(change.job_status),
        order_status=RepairOrderStatus(change.order_status),
        order_pk=change.order_id,
        dealer_id=dealer_id,
    )


def _technician(info: Info) -> int:
    """Job clocks are personal: only a signed-in person clocks, for themself."""
    user_id = info.context.principal.user_id
    if user_id is None:
        raise Forbidden("job_clock", "record")
    return user_id


@strawberry.type
class WorkshopMutation:
    @strawberry.mutation(
        description="Dispatch an approved job to a technician on shift or a team "
        "(dispatch:assign; moving a dispatched job needs dispatch:reassign)."
    )
    async def dispatch_job(self, info: Info, input: DispatchJobInput) -> JobPayload:
        line_id = parse_global_id(input.line_id, LINE_TYPE, "lineId")
        technician = (
            parse_global_id(input.technician_id, "StaffUser", "technicianId")
            if input.technician_id
            else None
        )
        context = info.context
        may_reassign = context.allowed("dispatch", "reassign")
        async with context.write("dispatch", "assign") as tx:
            dealer = tx.scope.dealer_ids[0]

            def may_work(user_id: int) -> bool:
                return context.policies.allowed(
                    Subject.user(user_id), dealer, "job_clock", "record"
                )

            try:
                result = await dispatch_service.dispatch_line(
                    tx,
                    dealer,
                    line_id,
                    technician_user_id=technician,
                    team=input.team,
                    may_reassign=may_reassign,
                    may_work=may_work,
                )
            except dispatch_service.ReassignNotAllowed as exc:
                raise Forbidden("dispatch", "reassign", dealer) from exc
        payload = _payload(
            dealer,
            clock_service.JobChange(line_id, result.order_id, "dispatched", result.order_status),
        )
        payload.reassigned = result.reassigned
        return payload

    @strawberry.mutation(
        description="Send a finished job back to its technician or team after a failed "
        "quality check (dispatch:assign)."
    )
    async def reopen_job(self, info: Info, input: JobClockInput) -> JobPayload:
        line_id = parse_global_id(input.line_id, LINE_TYPE, "lineId")
        async with info.context.write("dispatch", "assign") as tx:
            dealer = tx.scope.dealer_ids[0]
            result = await dispatch_service.reopen_job(tx, dealer, line_id)
        return _payload(
            dealer,
            clock_service.JobChange(line_id, result.order_id, "dispatched", result.order_status),
        )

    @strawberry.mutation(description="Clock on a job dispatched to you or your team.")
    async def clock_on_job(self, info: Info, input: JobClockInput) -> JobPayload:
        line_id = parse_global_id(input.line_id, LINE_TYPE, "lineId")
        technician = _technician(info)
        async with info.context.write("job_clock", "record") as tx:
            dealer = tx.scope.dealer_ids[0]
            change = await clock_service.clock_on(tx, dealer, line_id, technician)
        return _payload(dealer, change)

    @strawberry.mutation(description="Clock off a job (it pauses unless a team mate is on it).")
    async def clock_off_job(self, info: Info, input: JobClockInput) -> JobPayload:
        line_id = parse_global_id(input.line_id, LINE_TYPE, "lineId")
        technician = _technician(info)
        async with info.context.write("job_clock", "record") as tx:
            dealer = tx.scope.dealer_ids[0]
            change = await clock_service.clock_off(tx, dealer, line_id, technician)
        return _payload(dealer, change)

    @strawberry.mutation(
        description="Mark a job done; the order's last job done makes it work_done."
    )
    async def finish_job(self, info: Info, input: JobClockInput) -> JobPayload:
        line_id = parse_global_id(input.line_id, LINE_TYPE, "lineId")
        technician = _technician(info)
        async with info.context.write("job_clock", "record") as tx:
            dealer = tx.scope.dealer_ids[0]
            change = await clock_service.finish_job(tx, dealer, line_id, technician)
        return _payload(dealer, change)


@strawberry.type
class WorkshopSubscription:
    @strawberry.subscription(
        description="Each change of an order of the current dealer, once committed "
        "(workshop_board:read); refetch or patch the board on each event."
    )
    async def workshop_board_changed(self, info: Info) -> AsyncGenerator[BoardChangeEvent, None]:
        dealer = info.context.require("workshop_board", "read")
        token = info.context.auth.presented_session_token
        checked = time.monotonic()
        async for change in board_changes(dealer):
            # A socket outlives the request that opened it: a session signed out or
            # expired since then stops hearing (checked at most every SESSION_RECHECK).
            if token and time.monotonic() - checked >= SESSION_RECHECK_SECONDS:
                if await sessions.resolve(token) is None:
                    raise Unauthenticated("Session expired or signed out")
                checked = time.monotonic()
            yield BoardChangeEvent(
                order_id=strawberry.ID(global_id(ORDER_TYPE, change.order_id)),
                status=RepairOrderStatus(change.status),
                at=change.at,
            )
