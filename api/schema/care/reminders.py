"""Customer care GraphQL: reminders and outbound appointment targets (有效预约客户群).
The list to call, by kind, with why each is due; the call's result; booking the
appointment the call produced (the appointment service, channel OUTBOUND, in the same
transaction); generating the list now; and the lapsed customers' cars for the
front-desk supervisor (duty lapsed_customer_analysis)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import strawberry
from strawberry import relay

from api.schema.appointments import Appointment, PartShortage
from api.schema.care.reminders_types import (
    BookFromReminderInput,
    BookFromReminderPayload,
    LapsedVehicle,
    LapsedVehiclePage,
    ReminderKind,
    ReminderKindCount,
    ReminderResult,
    ReminderRun,
    ReminderStatus,
    ReminderTarget,
)
from api.schema.context import Info
from api.schema.errors import Forbidden
from api.schema.relay_conventions import (
    connection,
    decode_cursor,
    encode_cursor,
    page_size,
    parse_global_id,
)
from policies.catalog import DUTY_ACTION, duty_object
from tenants.care import reminder_targets
from tenants.care import reminders as reminder_service
from tenants.care.settings import load_rules
from tenants.service import appointments as appointment_service

LAPSED_DUTY = "lapsed_customer_analysis"

_TARGETS_SQL = """
select r.* from care_reminder r
 where r.dealer_id = $1
   and ($2::text is null or r.kind = $2)
   and ($3::text is null or r.status = $3)
   and ($4::bigint is null or (r.due_on, r.id) > (
         select c.due_on, c.id from care_reminder c where c.dealer_id = $1 and c.id = $4))
 order by r.due_on, r.id
 limit $5
"""


def _reminder_id(value: str) -> int:
    return parse_global_id(value, "ReminderTarget")


@strawberry.type
class CareRemindersQuery:
    @strawberry.field(
        description="Targets to call, earliest due first (default: open ones of every kind)."
    )
    async def reminder_targets(
        self,
        info: Info,
        kind: ReminderKind | None = None,
        status: ReminderStatus | None = ReminderStatus.OPEN,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[ReminderTarget]:
        dealer = info.context.require("reminder", "read")
        size = page_size(first)
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                _TARGETS_SQL,
                dealer,
                kind.value if kind else None,
                status.value if status else None,
                decode_cursor(after),
                size + 1,
            )
        return connection(rows, size, ReminderTarget.from_row, lambda r: r["id"])

    @strawberry.field(description="How many targets of each kind are in a status (default open).")
    async def reminder_target_counts(
        self, info: Info, status: ReminderStatus = ReminderStatus.OPEN
    ) -> list[ReminderKindCount]:
        dealer = info.context.require("reminder", "read")
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                "select kind, count(*)::integer as n from care_reminder"
                " where dealer_id = $1 and status = $2 group by kind",
                dealer,
                status.value,
            )
        counts = {r["kind"]: r["n"] for r in rows}
        return [ReminderKindCount(kind=k, count=counts.get(k.value, 0)) for k in ReminderKind]

    @strawberry.field(description="The last generation of the list, if any.")
    async def reminder_last_run(self, info: Info) -> ReminderRun | None:
        dealer = info.context.require("reminder", "read")
        async with info.context.read() as tx:
            row = await reminder_targets.last_run(tx.connection, dealer)
        return ReminderRun.from_row(row) if row else None

    @strawberry.field(
        description="Cars of customers not back for lost_after_months (not targets), for the"
        " holders of the lapsed_customer_analysis duty."
    )
    async def lapsed_vehicles(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> LapsedVehiclePage:
        dealer = info.context.require("reminder", "read")
        obj = duty_object(LAPSED_DUTY)
        if not info.context.allowed(obj, DUTY_ACTION):
            raise Forbidden(obj, DUTY_ACTION, dealer)
        size = page_size(first)
        async with info.context.read() as tx:
            rows = await reminder_targets.lapsed_vehicles(
                tx.connection, dealer, datetime.now(UTC), decode_cursor(after) or 0, size + 1
            )
            rules = await load_rules(tx.connection, dealer)
        page = rows[:size]
        return LapsedVehiclePage(
            lost_after_months=rules.lost_after_months,
            items=[LapsedVehicle.from_row(r) for r in page],
            end_cursor=encode_cursor(page[-1]["vehicle_id"]) if page else None,
            has_next_page=len(rows) > size,
        )


@strawberry.type
class CareRemindersMutation:
    @strawberry.mutation(
        description="Record a call's result. Refused (rule reminder_workable) unless the"
        " target is open or contacted; DISMISSED needs a note (dismiss_needs_note)."
    )
    async def record_reminder_contact(
        self, info: Info, id: strawberry.ID, result: ReminderResult, note: str = ""
    ) -> ReminderTarget:
        reminder_id = _reminder_id(id)
        async with info.context.write("reminder", "create") as tx:
            row = await reminder_service.record_contact(
                tx,
                tx.scope.dealer_ids[0],
                reminder_id,
                result.value,
                note,
                datetime.now(UTC),
                request_id=info.context.request_id,
            )
        return ReminderTarget.from_row(row)

    @strawberry.mutation(
        description="Book the appointment the call produced (channel OUTBOUND) and mark the"
        " target booked, in one transaction. Needs reminder:create and appointment:create."
        " Booking refusals (CAPACITY_FULL, PARTS_MISSING, ...) pass through unchanged and"
        " leave the target as it was."
    )
    async def book_from_reminder(
        self, info: Info, id: strawberry.ID, input: BookFromReminderInput
    ) -> BookFromReminderPayload:
        reminder_id = _reminder_id(id)
        info.context.require("appointment", "create")
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
            customer_id=0,  # the target's, filled by the service
            vehicle_id=0,
            starts_at=input.starts_at,
            items=items,
            channel="outbound",
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
        async with info.context.write("reminder", "create") as tx:
            row, booking = await reminder_service.book_from_reminder(
                tx,
                tx.scope.dealer_ids[0],
                reminder_id,
                request,
                datetime.now(UTC),
                note=input.note,
                request_id=info.context.request_id,
            )
        return BookFromReminderPayload(
            reminder=ReminderTarget.from_row(row),
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

    @strawberry.mutation(
        description="Generate the dealer's targets now (the nightly run does it at 03:00"
        " local time): new targets, refreshed reasons, and open ones no longer due expired."
    )
    async def generate_reminder_targets(self, info: Info) -> ReminderRun:
        async with info.context.write("reminder", "create") as tx:
            dealer = tx.scope.dealer_ids[0]
            generation = await reminder_targets.generate_targets(
                tx, dealer, datetime.now(UTC), request_id=info.context.request_id
            )
            assert generation is not None
            row = await tx.connection.fetchrow(
                "select * from care_reminder_run where dealer_id = $1 and id = $2",
                dealer,
                generation.run_id,
            )
        return ReminderRun.from_row(row)
