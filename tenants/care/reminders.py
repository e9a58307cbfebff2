"""Working the reminder list: the result of a call (reached, customer declined, target
dismissed), and booking the appointment the call produced. Booking goes through the
appointment service (``channel='outbound'``) in the caller's transaction, so workshop
capacity and parts are checked as for any booking and a refusal (CAPACITY_FULL,
PARTS_MISSING, ...) leaves the target as it was."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation
from tenants.service.appointments import Booking, BookingRequest, book_appointment

RESULTS = ("contacted", "declined", "dismissed")
WORKABLE = ("open", "contacted")
"""A target is worked while open or after a call that reached the customer."""
NOTE_MAX = 2000


async def locked_reminder(
    tx: ActiveTransaction, dealer_id: int, reminder_id: int
) -> asyncpg.Record:
    row: asyncpg.Record | None = await tx.connection.fetchrow(
        "select * from care_reminder where dealer_id = $1 and id = $2 for update",
        dealer_id,
        reminder_id,
    )
    if row is None:
        raise RecordNotFound("Reminder")
    return row


def _require_workable(row: asyncpg.Record, move: str) -> None:
    if row["status"] not in WORKABLE:
        raise RuleViolation(
            "id",
            "reminder_workable",
            f"Cannot {move} a reminder that is {row['status']}",
            status=row["status"],
        )


async def record_contact(
    tx: ActiveTransaction,
    dealer_id: int,
    reminder_id: int,
    result: str,
    note: str,
    now: datetime,
    *,
    request_id: str = "",
) -> asyncpg.Record:
    """The call's result: ``contacted`` (reached, no booking yet), ``declined`` (the
    customer does not want it), ``dismissed`` (not a target after all; say why)."""
    if result not in RESULTS:
        raise RuleViolation("result", "reminder_result", f"result is one of {RESULTS}")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise RuleViolation("note", "note_length", f"At most {NOTE_MAX} characters")
    if result == "dismissed" and not note:
        raise RuleViolation("note", "dismiss_needs_note", "Say why the target is dismissed")
    before = await locked_reminder(tx, dealer_id, reminder_id)
    _require_workable(before, "record a call on")
    row = await tx.connection.fetchrow(
        "update care_reminder set status = $3, note = $4, contacted_by = $5, contacted_at = $6"
        " where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        reminder_id,
        result,
        note,
        tx.scope.user_id,
        now,
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action=f"care_reminder.{result}",
        object_type="care_reminder",
        object_id=reminder_id,
        before={"status": before["status"]},
        after={"status": result, "note": note},
        request_id=request_id,
    )
    return row


async def book_from_reminder(
    tx: ActiveTransaction,
    dealer_id: int,
    reminder_id: int,
    request: BookingRequest,
    now: datetime,
    *,
    note: str = "",
    request_id: str = "",
) -> tuple[asyncpg.Record, Booking]:
    """Book the target's customer and car (outbound channel) and mark it booked with
    the appointment; booking refusals pass through and nothing changes."""
    before = await locked_reminder(tx, dealer_id, reminder_id)
    _require_workable(before, "book from")
    booking = await book_appointment(
        tx,
        dealer_id,
        replace(
            request,
            customer_id=before["customer_id"],
            vehicle_id=before["vehicle_id"],
            channel="outbound",
        ),
        now=now,
        request_id=request_id,
    )
    appointment_id = booking.appointment["id"]
    row = await tx.connection.fetchrow(
        "update care_reminder set status = 'booked', appointment_id = $3, contacted_by = $4,"
        " contacted_at = $5, note = case when $6 = '' then note else $6 end"
        " where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        reminder_id,
        appointment_id,
        tx.scope.user_id,
        now,
        note.strip(),
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="care_reminder.book",
        object_type="care_reminder",
        object_id=reminder_id,
        before={"status": before["status"]},
        after={"status": "booked", "appointment_id": appointment_id},
        request_id=request_id,
    )
    return row, booking
