"""Capacity arithmetic: shifts minus live appointments minus orders promised that day, per
day in the dealer's time zone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes
from tests.service_front.appointment_ops import book, booking, capacity
from tests.service_front.conftest import at
from tests.service_front.factories_front import FrontDesk, add_shift, make_customer_with_vehicle

SignIn = Callable[[str], Awaitable[dict[str, str]]]
LA = ZoneInfo("America/Los_Angeles")


async def test_free_hours_are_shifts_minus_appointments_minus_promised_orders(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    desk: FrontDesk,
    db: asyncpg.Connection,
    work_day: date,
) -> None:
    advisor = await sign_in("advisor")
    await add_shift(db, desk.dealer_id, desk.users["technician"], work_day, "8")
    await add_shift(db, desk.dealer_id, desk.users["leader"], work_day, "6.5")
    await add_shift(db, desk.dealer_id, desk.users["technician"], work_day + timedelta(1), "8")
    booked = await book(client, advisor, booking(desk, at(work_day, 9), "oil", "brakes",
                                                 waitForParts=True,
                                                 partsExpectedOn=work_day.isoformat()))  # fmt: skip
    assert not booked.get("errors"), booked
    assert booked["data"]["bookAppointment"]["appointment"]["bookedHours"] == "2.50"
    cancelled = await book(client, advisor, booking(desk, at(work_day, 10), "diagnosis"))
    await db.execute(
        "update appointment set status = 'cancelled' where id = $1",
        int(_node_id(cancelled["data"]["bookAppointment"]["appointment"]["id"])),
    )
    # An open order promised at 17:00 local with 3 labour hours (one declined line ignored).
    order = await db.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " promised_at) values ($1, 'RO-1', $2, $3, $4, $5) returning id",
        desk.dealer_id,
        desk.customer_id,
        desk.vehicle_id,
        desk.users["advisor"],
        datetime.fromisoformat(at(work_day, 17)),
    )
    for hours, status in (("2", "approved"), ("1", "proposed"), ("4", "declined")):
        await db.execute(
            "insert into repair_order_line (dealer_id, repair_order_id, kind, hours, unit_price,"
            " status) values ($1, $2, 'labour', $3, 100, $4)",
            desk.dealer_id,
            order,
            Decimal(hours),
            status,
        )
    days = await capacity(client, advisor, work_day.isoformat(), 3)
    assert days[0] == {
        "date": work_day.isoformat(),
        "availableHours": "14.50",
        "appointmentHours": "2.50",
        "orderHours": "3.00",
        "bookedHours": "5.50",
        "freeHours": "9.00",
    }
    assert (days[1]["freeHours"], days[2]["freeHours"]) == ("8.00", "0.00")


async def test_an_appointment_that_became_an_order_counts_once(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    desk: FrontDesk,
    db: asyncpg.Connection,
    work_day: date,
) -> None:
    advisor = await sign_in("advisor")
    await add_shift(db, desk.dealer_id, desk.users["technician"], work_day, "8")
    body = await book(client, advisor, booking(desk, at(work_day, 9), "diagnosis"))
    appointment = int(_node_id(body["data"]["bookAppointment"]["appointment"]["id"]))
    order = await db.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " appointment_id, promised_at) values ($1, 'RO-2', $2, $3, $4, $5, $6) returning id",
        desk.dealer_id,
        desk.customer_id,
        desk.vehicle_id,
        desk.users["advisor"],
        appointment,
        datetime.fromisoformat(at(work_day, 16)),
    )
    await db.execute(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, hours, unit_price)"
        " values ($1, $2, 'labour', 1.5, 100)",
        desk.dealer_id,
        order,
    )
    await db.execute(
        "update appointment set status = 'arrived', repair_order_id = $2 where id = $1",
        appointment,
        order,
    )
    [day] = await capacity(client, advisor, work_day.isoformat())
    assert (day["appointmentHours"], day["orderHours"], day["freeHours"]) == (
        "0.00",
        "1.50",
        "6.50",
    )
    # Until the order has a promised time, the appointment's hours hold the day.
    await db.execute("update repair_order set promised_at = null where id = $1", order)
    [day] = await capacity(client, advisor, work_day.isoformat())
    assert (day["appointmentHours"], day["orderHours"]) == ("1.00", "0.00")


async def test_days_follow_the_dealers_time_zone(
    client: httpx.AsyncClient, sign_in: SignIn, desk: FrontDesk, db: asyncpg.Connection
) -> None:
    """At a Los Angeles dealer, 17:00 local is already the next day in UTC: the booking
    and its hours belong to the local day."""
    advisor = await sign_in("la_advisor")
    day = datetime.now(LA).date() + timedelta(days=3)
    await add_shift(db, desk.la_dealer_id, desk.users["la_technician"], day, "8")
    customer, vehicle = await make_customer_with_vehicle(db, desk.la_dealer_id, "Ann Lee")
    diagnosis = {"kind": "FAULT", "description": "rattle at the back", "hours": "2"}
    starts = datetime(day.year, day.month, day.day, 17, 0, tzinfo=LA)
    assert starts.astimezone(UTC).date() == day + timedelta(days=1)
    body = await book(
        client,
        advisor,
        {
            "customerId": global_id("Customer", customer),
            "vehicleId": global_id("Vehicle", vehicle),
            "startsAt": starts.astimezone(UTC).isoformat(),
            "items": [diagnosis],
        },
    )
    assert not body.get("errors"), body
    assert body["data"]["bookAppointment"]["appointment"]["workDate"] == day.isoformat()
    days = await capacity(client, advisor, day.isoformat(), 2)
    assert [d["appointmentHours"] for d in days] == ["2.00", "0.00"]
    # Before opening in local time, although 16:00 UTC looks like a working hour.
    early = datetime(day.year, day.month, day.day, 7, 0, tzinfo=LA)
    refused = await book(
        client,
        advisor,
        {
            "customerId": global_id("Customer", customer),
            "vehicleId": global_id("Vehicle", vehicle),
            "startsAt": early.astimezone(UTC).isoformat(),
            "items": [diagnosis],
        },
    )
    assert error_codes(refused) == ["BAD_USER_INPUT"]
    assert refused["errors"][0]["extensions"]["rule"] == "opening_hours"


async def test_capacity_needs_appointment_read(
    client: httpx.AsyncClient, sign_in: SignIn, work_day: date
) -> None:
    from tests.api.graphql_client import gql
    from tests.service_front.appointment_ops import CAPACITY

    technician = await sign_in("technician")
    body = await gql(client, CAPACITY, {"from": work_day.isoformat(), "days": 1}, technician)
    assert error_codes(body) == ["FORBIDDEN"]


def _node_id(gid: str) -> str:
    from strawberry import relay

    return relay.GlobalID.from_id(gid).node_id
