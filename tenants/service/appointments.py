"""Appointments (预约): booking against the day's workshop capacity and the parts stock,
reservations for pre-picking, the confirmation queue (the day before and one hour
before), confirmation, cancellation and no-show. Cancelled and no-show appointments
release their parts and no longer count against capacity."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.partners import domain_events
from tenants.parts.reservations import (
    PartNeed,
    Shortage,
    lock_and_check,
    parts_for_operations,
    release_for_appointment,
    reserve_for_appointment,
)
from tenants.service.capacity import day_capacity, dealer_today, lock_day, suggest_dates
from tenants.service.errors import CapacityFull, PartsMissing, RecordNotFound, RuleViolation
from tenants.service.mileage import record_mileage
from tenants.service.vehicles import get_vehicle

ITEM_KINDS = ("maintenance", "fault", "campaign")
CHANNELS = ("phone", "walk_in", "online", "outbound", "wechat")
FAULT_HOURS = Decimal("1.00")
"""Hours booked for a described fault without a catalog operation: a diagnosis slot."""
HOUR_BEFORE_WINDOW = timedelta(minutes=90)
"""Appointments starting this soon appear in the hour-before confirmation queue."""
PAST_GRACE = timedelta(minutes=15)
OPEN_STATUSES = ("booked", "confirmed")
DEFAULT_OPENS = time(8, 30)
DEFAULT_CLOSES = time(18, 0)
DEFAULT_LABOUR_RATE = Decimal("180")

Stage = Literal["day_before", "hour_before"]


@dataclass(frozen=True)
class ItemRequest:
    kind: str
    operation_id: int | None = None
    description: str = ""
    hours: Decimal | None = None
    """For a fault without an operation: the hours to hold (default ``FAULT_HOURS``)."""


@dataclass(frozen=True)
class BookingRequest:
    customer_id: int
    vehicle_id: int
    starts_at: datetime
    items: list[ItemRequest]
    channel: str = "phone"
    customer_request: str = ""
    wait_for_parts: bool = False
    parts_expected_on: date | None = None
    mileage_km: int | None = None
    advisor_user_id: int | None = None


@dataclass(frozen=True)
class Booking:
    appointment: asyncpg.Record
    shortages: list[Shortage] = field(default_factory=list)
    reservation_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Dealer:
    time_zone: ZoneInfo
    manufacturer_id: int
    opens_at: time
    closes_at: time
    labour_rate: Decimal


async def _dealer(connection: asyncpg.Connection, dealer_id: int) -> _Dealer:
    row = await connection.fetchrow(
        """
        select d.time_zone, r.manufacturer_id, s.opens_at, s.closes_at, s.labour_rate
          from dealer d join region r on r.id = d.region_id
          left join service_settings s on s.dealer_id = d.id
         where d.id = $1
        """,
        dealer_id,
    )
    if row is None:
        raise RecordNotFound("Dealer")
    return _Dealer(
        ZoneInfo(row["time_zone"]),
        row["manufacturer_id"],
        row["opens_at"] or DEFAULT_OPENS,
        row["closes_at"] or DEFAULT_CLOSES,
        row["labour_rate"] if row["labour_rate"] is not None else DEFAULT_LABOUR_RATE,
    )


def local_start(starts_at: datetime, zone: ZoneInfo) -> datetime:
    """The start in the dealer's zone; a time without offset is the dealer's local time."""
    if starts_at.tzinfo is None:
        return starts_at.replace(tzinfo=zone)
    return starts_at.astimezone(zone)


@dataclass(frozen=True)
class _PlannedItem:
    kind: str
    operation_id: int | None
    description: str
    hours: Decimal


async def _plan_items(
    connection: asyncpg.Connection, manufacturer_id: int, items: list[ItemRequest]
) -> list[_PlannedItem]:
    if not items:
        raise RuleViolation("items", "items_required", "Book at least one item")
    operation_ids = {i.operation_id for i in items if i.operation_id is not None}
    rows = await connection.fetch(
        "select id, name, standard_hours from labour_operation"
        " where id = any($1::bigint[]) and manufacturer_id = $2",
        list(operation_ids),
        manufacturer_id,
    )
    operations = {r["id"]: r for r in rows}
    planned: list[_PlannedItem] = []
    for n, item in enumerate(items):
        if item.kind not in ITEM_KINDS:
            raise RuleViolation(f"items.{n}.kind", "item_kind", f"kind is one of {ITEM_KINDS}")
        description = item.description.strip()
        if item.operation_id is not None:
            operation = operations.get(item.operation_id)
            if operation is None:
                raise RuleViolation(
                    f"items.{n}.operationId",
                    "operation_in_catalog",
                    "Not an operation of this dealer's manufacturer catalog",
                )
            planned.append(
                _PlannedItem(
                    item.kind,
                    item.operation_id,
                    description or operation["name"],
                    operation["standard_hours"],
                )
            )
            continue
        if item.kind == "maintenance":
            raise RuleViolation(
                f"items.{n}.operationId",
                "maintenance_needs_operation",
                "A maintenance item names its operation from the catalog",
            )
        if not description:
            raise RuleViolation(
                f"items.{n}.description",
                "fault_needs_description",
                "Describe the fault in the customer's words",
            )
        hours = item.hours if item.hours is not None else FAULT_HOURS
        if not Decimal(0) < hours <= Decimal(99):
            raise RuleViolation(f"items.{n}.hours", "item_hours", "hours must be above 0")
        planned.append(_PlannedItem(item.kind, None, description, hours))
    return planned


async def _estimate(
    connection: asyncpg.Connection, hours: Decimal, rate: Decimal, needs: list[PartNeed]
) -> Decimal:
    parts_total: Decimal = await connection.fetchval(
        "select coalesce(sum(p.list_price * n.q), 0) from part p"
        " join unnest($1::bigint[], $2::numeric[]) as n(id, q) on n.id = p.id",
        [n.part_id for n in needs],
        [n.quantity for n in needs],
    )
    return (hours * rate + parts_total).quantize(Decimal("0.01"))


def _check_start(dealer: _Dealer, starts_at: datetime, current: datetime) -> datetime:
    """The start in local time, if it is not past and within opening hours."""
    local = local_start(starts_at, dealer.time_zone)
    if local < current - PAST_GRACE:
        raise RuleViolation("startsAt", "appointment_in_past", "The time has already passed")
    if not dealer.opens_at <= local.time() < dealer.closes_at:
        raise RuleViolation(
            "startsAt",
            "opening_hours",
            f"The workshop is open {dealer.opens_at:%H:%M}-{dealer.closes_at:%H:%M}"
            f" ({dealer.time_zone.key})",
        )
    return local


async def _check_capacity(
    connection: asyncpg.Connection, dealer_id: int, work_date: date, hours: Decimal
) -> None:
    """``CapacityFull`` with the next days that have room; call under ``lock_day``."""
    day = await day_capacity(connection, dealer_id, work_date)
    if day.free_hours < hours:
        suggested = await suggest_dates(connection, dealer_id, work_date, hours)
        raise CapacityFull(
            f"{work_date} is full: {day.free_hours} of {day.available_hours} hours free,"
            f" {hours} needed",
            needed=str(hours),
            free=str(day.free_hours),
            suggested_dates=[d.isoformat() for d in suggested],
        )


async def book_appointment(
    tx: ActiveTransaction,
    dealer_id: int,
    request: BookingRequest,
    *,
    now: datetime | None = None,
    request_id: str = "",
) -> Booking:
    """Book in the caller's transaction. Refuses with ``CapacityFull`` (with suggested
    dates) when the day lacks the hours, with ``PartsMissing`` when parts are short
    unless the caller waits for them with an expected date."""
    connection = tx.connection
    dealer = await _dealer(connection, dealer_id)
    vehicle = await get_vehicle(connection, dealer_id, request.vehicle_id)
    if vehicle["customer_id"] != request.customer_id:
        raise RuleViolation(
            "vehicleId", "vehicle_of_customer", "The vehicle belongs to another customer"
        )
    if request.channel not in CHANNELS:
        raise RuleViolation("channel", "appointment_channel", f"channel is one of {CHANNELS}")
    current = now or datetime.now(dealer.time_zone)
    local = _check_start(dealer, request.starts_at, current)
    work_date = local.date()
    items = await _plan_items(connection, dealer.manufacturer_id, request.items)
    hours = sum((i.hours for i in items), Decimal(0))

    await lock_day(connection, dealer_id, work_date)
    await _check_capacity(connection, dealer_id, work_date, hours)

    counts = Counter(i.operation_id for i in items if i.operation_id is not None)
    needs = await parts_for_operations(connection, counts)
    stock_items, shortages = await lock_and_check(connection, dealer_id, needs)
    expected_on: date | None = None
    if shortages:
        if not request.wait_for_parts:
            raise PartsMissing(
                [
                    {
                        "partNumber": s.part_number,
                        "needed": str(s.needed),
                        "available": str(max(s.available, Decimal(0))),
                        "missing": str(s.missing),
                    }
                    for s in shortages
                ]
            )
        expected_on = request.parts_expected_on
        if expected_on is None:
            raise RuleViolation(
                "partsExpectedOn",
                "parts_expected_date_required",
                "Waiting for parts needs the date they are expected",
            )
        if expected_on < current.date() or expected_on > work_date:
            raise RuleViolation(
                "partsExpectedOn",
                "parts_expected_before_appointment",
                "The parts must be expected between today and the appointment day",
            )

    estimate = await _estimate(connection, hours, dealer.labour_rate, needs)
    row = await connection.fetchrow(
        """
        insert into appointment (dealer_id, customer_id, vehicle_id, advisor_user_id, starts_at,
                                 work_date, channel, booked_hours, customer_request, estimate,
                                 parts_expected_on, created_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning *
        """,
        dealer_id,
        request.customer_id,
        request.vehicle_id,
        request.advisor_user_id or tx.scope.user_id,
        local,
        work_date,
        request.channel,
        hours,
        request.customer_request.strip(),
        estimate,
        expected_on,
        tx.scope.user_id,
    )
    assert row is not None
    await connection.execute(
        "insert into appointment_item (dealer_id, appointment_id, kind, operation_id,"
        " description, standard_hours)"
        " select $1, $2, k, o, d, h"
        " from unnest($3::text[], $4::bigint[], $5::text[], $6::numeric[]) as i(k, o, d, h)",
        dealer_id,
        row["id"],
        [i.kind for i in items],
        [i.operation_id for i in items],
        [i.description for i in items],
        [i.hours for i in items],
    )
    reservations = await reserve_for_appointment(tx, dealer_id, row["id"], needs, stock_items)
    if request.mileage_km is not None:
        await record_mileage(
            tx, dealer_id, request.vehicle_id, request.mileage_km, "appointment",
            request_id=request_id,
        )  # fmt: skip
    await record(
        dealer_id=dealer_id,
        action="appointment.book",
        object_type="appointment",
        object_id=row["id"],
        after={
            **dict(row),
            "items": [i.__dict__ for i in items],
            "reserved": {n.part_number: n.quantity for n in needs},
            "short": [s.part_number for s in shortages],
        },
        request_id=request_id,
    )
    await domain_events.appointment_booked(tx, dealer_id, row)
    return Booking(row, shortages, reservations)


async def _locked(tx: ActiveTransaction, dealer_id: int, appointment_id: int) -> asyncpg.Record:
    row = await tx.connection.fetchrow(
        "select * from appointment where dealer_id = $1 and id = $2 for update",
        dealer_id,
        appointment_id,
    )
    if row is None:
        raise RecordNotFound("Appointment")
    return row


def _require_open(row: asyncpg.Record, move: str) -> None:
    if row["status"] not in OPEN_STATUSES:
        raise RuleViolation(
            "id",
            "appointment_open",
            f"Cannot {move} an appointment that is {row['status']}",
            status=row["status"],
        )


async def confirm_appointment(
    tx: ActiveTransaction,
    dealer_id: int,
    appointment_id: int,
    stage: Stage,
    request_id: str = "",
) -> asyncpg.Record:
    """Record the day-before (with workshop, parts and claims) or hour-before (with the
    customer) confirmation; the appointment becomes confirmed."""
    before = await _locked(tx, dealer_id, appointment_id)
    _require_open(before, "confirm")
    column = "confirmed_day_before" if stage == "day_before" else "confirmed_hour_before"
    if before[f"{column}_at"] is not None:
        raise RuleViolation(
            "stage", "confirmation_once", f"The {stage.replace('_', '-')} confirmation is done"
        )
    row = await tx.connection.fetchrow(
        f"update appointment set status = 'confirmed', {column}_at = now(), {column}_by = $3"
        " where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        appointment_id,
        tx.scope.user_id,
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action=f"appointment.confirm_{stage}",
        object_type="appointment",
        object_id=appointment_id,
        before={"status": before["status"]},
        after={"status": "confirmed", "stage": stage},
        request_id=request_id,
    )
    return row


async def reschedule_appointment(
    tx: ActiveTransaction,
    dealer_id: int,
    appointment_id: int,
    starts_at: datetime,
    *,
    now: datetime | None = None,
    request_id: str = "",
) -> asyncpg.Record:
    """Move to another time (the dealer cannot keep it, or the customer asks): the new
    day's capacity is checked without the appointment's own hours, its parts stay
    reserved, and it needs confirming again."""
    connection = tx.connection
    dealer = await _dealer(connection, dealer_id)
    before = await _locked(tx, dealer_id, appointment_id)
    _require_open(before, "reschedule")
    local = _check_start(dealer, starts_at, now or datetime.now(dealer.time_zone))
    work_date = local.date()
    expected = before["parts_expected_on"]
    if expected is not None and expected > work_date:
        raise RuleViolation(
            "startsAt",
            "parts_expected_before_appointment",
            f"The parts are expected on {expected}, after the new day",
        )
    await lock_day(connection, dealer_id, work_date)
    own = before["booked_hours"] if before["work_date"] == work_date else Decimal(0)
    await _check_capacity(connection, dealer_id, work_date, before["booked_hours"] - own)
    row = await connection.fetchrow(
        "update appointment set starts_at = $3, work_date = $4, status = 'booked',"
        " confirmed_day_before_at = null, confirmed_day_before_by = null,"
        " confirmed_hour_before_at = null, confirmed_hour_before_by = null"
        " where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        appointment_id,
        local,
        work_date,
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="appointment.reschedule",
        object_type="appointment",
        object_id=appointment_id,
        before={"starts_at": before["starts_at"], "status": before["status"]},
        after={"starts_at": row["starts_at"], "status": row["status"]},
        request_id=request_id,
    )
    return row


async def preassign(
    tx: ActiveTransaction,
    dealer_id: int,
    appointment_id: int,
    *,
    bay_code: str | None,
    technician_user_id: int | None,
    request_id: str = "",
) -> asyncpg.Record:
    """The workshop pre-assigns a bay and a technician on shift that day (None clears)."""
    before = await _locked(tx, dealer_id, appointment_id)
    _require_open(before, "pre-assign")
    bay_id = None
    if bay_code:
        bay_id = await tx.connection.fetchval(
            "select id from bay where dealer_id = $1 and code = $2 and active",
            dealer_id,
            bay_code.strip().upper(),
        )
        if bay_id is None:
            raise RuleViolation("bayCode", "bay_exists", f"No active bay {bay_code!r}")
    if technician_user_id is not None:
        on_shift = await tx.connection.fetchval(
            "select exists (select 1 from technician_shift"
            " where dealer_id = $1 and user_id = $2 and work_date = $3)",
            dealer_id,
            technician_user_id,
            before["work_date"],
        )
        if not on_shift:
            raise RuleViolation(
                "technicianId",
                "technician_on_shift",
                f"The technician is not on shift on {before['work_date']}",
            )
    row = await tx.connection.fetchrow(
        "update appointment set bay_id = $3, technician_user_id = $4"
        " where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        appointment_id,
        bay_id,
        technician_user_id,
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="appointment.preassign",
        object_type="appointment",
        object_id=appointment_id,
        before={"bay_id": before["bay_id"], "technician_user_id": before["technician_user_id"]},
        after={"bay_id": bay_id, "technician_user_id": technician_user_id},
        request_id=request_id,
    )
    return row


async def cancel_appointment(
    tx: ActiveTransaction,
    dealer_id: int,
    appointment_id: int,
    reason: str,
    request_id: str = "",
) -> asyncpg.Record:
    """Cancel with a reason; the parts are released and the hours freed."""
    reason = reason.strip()
    if not reason:
        raise RuleViolation("reason", "cancel_needs_reason", "Say why it is cancelled")
    before = await _locked(tx, dealer_id, appointment_id)
    _require_open(before, "cancel")
    return await _close(tx, dealer_id, before, "cancelled", reason, request_id)


async def mark_no_show(
    tx: ActiveTransaction,
    dealer_id: int,
    appointment_id: int,
    *,
    now: datetime | None = None,
    request_id: str = "",
) -> asyncpg.Record:
    """The customer did not come: only once the start time has passed."""
    before = await _locked(tx, dealer_id, appointment_id)
    _require_open(before, "mark as no-show")
    current = now or datetime.now(before["starts_at"].tzinfo)
    if before["starts_at"] > current:
        raise RuleViolation(
            "id", "no_show_after_start", "A customer is a no-show only after the start time"
        )
    return await _close(tx, dealer_id, before, "no_show", None, request_id)


async def _close(
    tx: ActiveTransaction,
    dealer_id: int,
    before: asyncpg.Record,
    status: str,
    reason: str | None,
    request_id: str,
) -> asyncpg.Record:
    row = await tx.connection.fetchrow(
        "update appointment set status = $3, cancelled_reason = coalesce($4, cancelled_reason)"
        " where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        before["id"],
        status,
        reason,
    )
    assert row is not None
    released = await release_for_appointment(tx, dealer_id, before["id"])
    await record(
        dealer_id=dealer_id,
        action="appointment.cancel" if status == "cancelled" else "appointment.no_show",
        object_type="appointment",
        object_id=before["id"],
        before={"status": before["status"]},
        after={"status": status, "reason": reason, "released_reservations": released},
        request_id=request_id,
    )
    return row


CONFIRMATION_QUEUE_SQL = """
with d as (select time_zone, (coalesce($2::timestamptz, now()) at time zone time_zone)::date
                  as today from dealer where id = $1),
     due as (
       select a.id, 'day_before' as stage,
              greatest(coalesce($2::timestamptz, now()),
                       ((a.work_date - 1)::timestamp + time '09:00') at time zone d.time_zone)
                as due_at
         from appointment a, d
        where a.dealer_id = $1 and a.status = any($3::text[])
          and a.work_date = d.today + 1 and a.confirmed_day_before_at is null
       union all
       select a.id, 'hour_before', a.starts_at - interval '1 hour'
         from appointment a
        where a.dealer_id = $1 and a.status = any($3::text[])
          and a.starts_at > coalesce($2::timestamptz, now())
          and a.starts_at <= coalesce($2::timestamptz, now()) + $4::interval
          and a.confirmed_hour_before_at is null
     )
select a.*, due.stage, due.due_at from due
  join appointment a on a.dealer_id = $1 and a.id = due.id
 order by a.starts_at, due.stage
"""


async def confirmation_queue(
    connection: asyncpg.Connection, dealer_id: int, now: datetime | None = None
) -> list[asyncpg.Record]:
    """Due confirmations: tomorrow's appointments (dealer's time zone) not yet confirmed the
    day before, and those starting within 90 minutes not yet confirmed the hour before."""
    return list(
        await connection.fetch(
            CONFIRMATION_QUEUE_SQL, dealer_id, now, list(OPEN_STATUSES), HOUR_BEFORE_WINDOW
        )
    )


async def appointments_of_day(
    connection: asyncpg.Connection, dealer_id: int, day: date, statuses: list[str] | None = None
) -> list[asyncpg.Record]:
    return list(
        await connection.fetch(
            "select * from appointment where dealer_id = $1 and work_date = $2"
            " and ($3::text[] is null or status = any($3::text[])) order by starts_at, id",
            dealer_id,
            day,
            statuses,
        )
    )


__all__ = [
    "Booking",
    "BookingRequest",
    "ItemRequest",
    "book_appointment",
    "cancel_appointment",
    "confirm_appointment",
    "confirmation_queue",
    "dealer_today",
    "mark_no_show",
    "reschedule_appointment",
]
