"""Confirmation queue and confirmation, cancellation and no-show (which free parts and
hours); illegal moves name their rule."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tenants.database import TenantScope, tenant_transaction
from tenants.service.appointments import confirmation_queue
from tests.api.graphql_client import error_codes, gql
from tests.service_front.appointment_ops import book, booking, capacity
from tests.service_front.conftest import at
from tests.service_front.factories_front import FrontDesk, add_shift

SignIn = Callable[[str], Awaitable[dict[str, str]]]
SHANGHAI = ZoneInfo("Asia/Shanghai")

QUEUE = """
{ appointmentConfirmationQueue { stage dueAt appointment { id startsAt status } } }
"""
CONFIRM = """
mutation($id: ID!, $stage: ConfirmationStage!) {
  confirmAppointment(id: $id, stage: $stage) { status confirmedDayBeforeAt confirmedHourBeforeAt }
}
"""
CANCEL = """
mutation($id: ID!, $reason: String!) {
  cancelAppointment(id: $id, reason: $reason) { status cancelledReason reservations { status } }
}
"""
NO_SHOW = """
mutation($id: ID!) { markAppointmentNoShow(id: $id) { status reservations { status } } }
"""


async def _insert(
    db: asyncpg.Connection, desk: FrontDesk, starts_at: datetime, status: str = "booked",
    **columns: Any,
) -> int:  # fmt: skip
    local = starts_at.astimezone(SHANGHAI)
    names = ", ".join(columns)
    extra = "".join(f", ${n}" for n in range(7, 7 + len(columns)))
    appointment: int = await db.fetchval(
        f"insert into appointment (dealer_id, customer_id, vehicle_id, starts_at, work_date,"
        f" status{', ' + names if names else ''}) values ($1, $2, $3, $4, $5, $6{extra})"
        " returning id",
        desk.dealer_id,
        desk.customer_id,
        desk.vehicle_id,
        starts_at,
        local.date(),
        status,
        *columns.values(),
    )
    return appointment


async def test_queue_timing_in_the_dealers_time_zone(
    desk: FrontDesk, db: asyncpg.Connection
) -> None:
    # 01:00 on 2 December in Shanghai is still 1 December in UTC.
    now = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    local = lambda d, h, m=0: datetime(2026, 12, d, h, m, tzinfo=SHANGHAI)  # noqa: E731
    due_tomorrow = await _insert(db, desk, local(3, 10))
    today_later = await _insert(db, desk, local(2, 10))
    done_day_before = await _insert(db, desk, local(3, 11), "confirmed",
                                    confirmed_day_before_at=now)  # fmt: skip
    await _insert(db, desk, local(3, 12), "cancelled")
    soon = await _insert(db, desk, now + timedelta(minutes=80))
    not_yet = await _insert(db, desk, now + timedelta(minutes=100))
    confirmed_soon = await _insert(db, desk, now + timedelta(minutes=30), "confirmed",
                                   confirmed_hour_before_at=now)  # fmt: skip
    started = await _insert(db, desk, now - timedelta(minutes=5))
    async with tenant_transaction(TenantScope.of([desk.dealer_id])) as tx:
        rows = await confirmation_queue(tx.connection, desk.dealer_id, now)
    due = [(r["id"], r["stage"]) for r in rows]
    assert (due_tomorrow, "day_before") in due
    assert (soon, "hour_before") in due
    assert len(due) == 2, due
    for absent in (today_later, done_day_before, not_yet, confirmed_soon, started):
        assert absent not in {i for i, _ in due}
    by_id = {r["id"]: r for r in rows}
    assert by_id[soon]["due_at"] == by_id[soon]["starts_at"] - timedelta(hours=1)
    # The day-before call is due from 09:00 the day before, local time.
    assert by_id[due_tomorrow]["due_at"] == local(2, 9)


async def test_queue_belongs_to_the_duty_and_confirming_empties_it(
    client: httpx.AsyncClient, sign_in: SignIn, desk: FrontDesk, db: asyncpg.Connection
) -> None:
    now = datetime.now(UTC)
    tomorrow = now.astimezone(SHANGHAI).date() + timedelta(days=1)
    tomorrow_ten = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 10, tzinfo=SHANGHAI)
    day_before = await _insert(db, desk, tomorrow_ten)
    hour_before = await _insert(db, desk, now + timedelta(minutes=60))
    advisor = await sign_in("advisor")
    body = await gql(client, QUEUE, None, advisor)
    assert not body.get("errors"), body
    due = {
        (e["appointment"]["id"], e["stage"]) for e in body["data"]["appointmentConfirmationQueue"]
    }
    first = global_id("Appointment", day_before)
    second = global_id("Appointment", hour_before)
    assert {(first, "DAY_BEFORE"), (second, "HOUR_BEFORE")} <= due

    # The reception assistant does not hold the appointment_confirmation duty.
    reception = await sign_in("reception")
    denied = await gql(client, QUEUE, None, reception)
    assert error_codes(denied) == ["FORBIDDEN"]
    assert denied["errors"][0]["extensions"]["permission"] == "duty:appointment_confirmation:own"

    confirmed = await gql(client, CONFIRM, {"id": first, "stage": "DAY_BEFORE"}, advisor)
    assert confirmed["data"]["confirmAppointment"]["status"] == "CONFIRMED"
    assert confirmed["data"]["confirmAppointment"]["confirmedDayBeforeAt"]
    twice = await gql(client, CONFIRM, {"id": first, "stage": "DAY_BEFORE"}, advisor)
    assert twice["errors"][0]["extensions"]["rule"] == "confirmation_once"
    await gql(client, CONFIRM, {"id": second, "stage": "HOUR_BEFORE"}, advisor)
    body = await gql(client, QUEUE, None, advisor)
    left = {
        (e["appointment"]["id"], e["stage"]) for e in body["data"]["appointmentConfirmationQueue"]
    }
    assert (first, "DAY_BEFORE") not in left and (second, "HOUR_BEFORE") not in left
    actions = await db.fetch("select action from audit_entry where object_type = 'appointment'")
    assert {r["action"] for r in actions} == {
        "appointment.confirm_day_before",
        "appointment.confirm_hour_before",
    }


async def test_cancel_releases_parts_and_frees_capacity(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    desk: FrontDesk,
    db: asyncpg.Connection,
    work_day: date,
) -> None:
    advisor = await sign_in("advisor")
    await add_shift(db, desk.dealer_id, desk.users["technician"], work_day, "1")
    body = await book(client, advisor, booking(desk, at(work_day, 9), "oil"))
    appointment = body["data"]["bookAppointment"]["appointment"]["id"]
    [day] = await capacity(client, advisor, work_day.isoformat())
    assert day["freeHours"] == "0.00"
    assert error_codes(await book(client, advisor, booking(desk, at(work_day, 10), "oil"))) == [
        "CAPACITY_FULL"
    ]
    no_reason = await gql(client, CANCEL, {"id": appointment, "reason": " "}, advisor)
    assert no_reason["errors"][0]["extensions"]["rule"] == "cancel_needs_reason"
    cancelled = await gql(client, CANCEL, {"id": appointment, "reason": "customer travels"},
                          advisor)  # fmt: skip
    result = cancelled["data"]["cancelAppointment"]
    assert result["status"] == "CANCELLED" and result["cancelledReason"] == "customer travels"
    assert {r["status"] for r in result["reservations"]} == {"RELEASED".lower()}
    assert await db.fetchval("select sum(reserved) from stock_level") == 0
    [day] = await capacity(client, advisor, work_day.isoformat())
    assert day["freeHours"] == "1.00"
    again = await book(client, advisor, booking(desk, at(work_day, 10), "oil"))
    assert not again.get("errors"), again
    # A cancelled appointment stays cancelled.
    confirm = await gql(client, CONFIRM, {"id": appointment, "stage": "DAY_BEFORE"}, advisor)
    assert confirm["errors"][0]["extensions"]["rule"] == "appointment_open"


async def test_no_show_only_after_the_start_and_releases_parts(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    desk: FrontDesk,
    db: asyncpg.Connection,
    work_day: date,
) -> None:
    advisor = await sign_in("advisor")
    await add_shift(db, desk.dealer_id, desk.users["technician"], work_day, "8")
    body = await book(client, advisor, booking(desk, at(work_day, 9), "oil"))
    future = body["data"]["bookAppointment"]["appointment"]["id"]
    early = await gql(client, NO_SHOW, {"id": future}, advisor)
    assert early["errors"][0]["extensions"]["rule"] == "no_show_after_start"

    started = await _insert(db, desk, datetime.now(UTC) - timedelta(hours=2), booked_hours=2)
    await db.execute(
        "insert into stock_reservation (dealer_id, stock_item_id, quantity, appointment_id)"
        " values ($1, $2, 1, $3)",
        desk.dealer_id,
        desk.stock_items["filter"],
        started,
    )
    gone = await gql(client, NO_SHOW, {"id": global_id("Appointment", started)}, advisor)
    assert not gone.get("errors"), gone
    assert gone["data"]["markAppointmentNoShow"]["status"] == "NO_SHOW"
    assert [r["status"] for r in gone["data"]["markAppointmentNoShow"]["reservations"]] == [
        "released"
    ]
    assert await db.fetchval("select status from appointment where id = $1", started) == "no_show"
    # A technician may not mark anything.
    technician = await sign_in("technician")
    assert error_codes(await gql(client, NO_SHOW, {"id": future}, technician)) == ["FORBIDDEN"]


RESCHEDULE = """
mutation($id: ID!, $at: DateTime!) {
  rescheduleAppointment(id: $id, startsAt: $at) { status workDate confirmedDayBeforeAt }
}
"""


async def test_reschedule_checks_the_new_day_and_needs_confirming_again(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    desk: FrontDesk,
    db: asyncpg.Connection,
    work_day: date,
) -> None:
    advisor = await sign_in("advisor")
    await add_shift(db, desk.dealer_id, desk.users["technician"], work_day, "1")
    await add_shift(db, desk.dealer_id, desk.users["technician"], work_day + timedelta(1), "0.5")
    await add_shift(db, desk.dealer_id, desk.users["technician"], work_day + timedelta(2), "1")
    body = await book(client, advisor, booking(desk, at(work_day, 9), "diagnosis"))
    appointment = body["data"]["bookAppointment"]["appointment"]["id"]
    await gql(client, CONFIRM, {"id": appointment, "stage": "DAY_BEFORE"}, advisor)
    # Later the same day: its own hour does not count against itself.
    same_day = await gql(client, RESCHEDULE, {"id": appointment, "at": at(work_day, 15)}, advisor)
    assert not same_day.get("errors"), same_day
    full = await gql(client, RESCHEDULE,
                     {"id": appointment, "at": at(work_day + timedelta(1), 9)}, advisor)  # fmt: skip
    assert error_codes(full) == ["CAPACITY_FULL"]
    assert full["errors"][0]["extensions"]["suggestedDates"] == [
        (work_day + timedelta(2)).isoformat()
    ]
    moved = await gql(client, RESCHEDULE,
                      {"id": appointment, "at": at(work_day + timedelta(2), 9)}, advisor)  # fmt: skip
    result = moved["data"]["rescheduleAppointment"]
    assert result == {
        "status": "BOOKED",
        "workDate": (work_day + timedelta(2)).isoformat(),
        "confirmedDayBeforeAt": None,
    }
    days = await capacity(client, advisor, work_day.isoformat(), 3)
    assert [d["appointmentHours"] for d in days] == ["0.00", "0.00", "1.00"]
