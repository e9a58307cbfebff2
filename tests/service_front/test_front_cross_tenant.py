"""Another dealer's customers, vehicles and appointments are invisible and unusable."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.service_front.appointment_ops import book, booking
from tests.service_front.conftest import at
from tests.service_front.factories_front import FrontDesk, add_shift, make_customer_with_vehicle

SignIn = Callable[[str], Awaitable[dict[str, str]]]
NODE = "query($id: ID!) { node(id: $id) { id } }"


async def test_foreign_records_are_null_and_cannot_be_booked(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    desk: FrontDesk,
    db: asyncpg.Connection,
    work_day: date,
) -> None:
    await add_shift(db, desk.dealer_id, desk.users["technician"], work_day, "8")
    other_customer, other_vehicle = await make_customer_with_vehicle(db, desk.other_dealer_id)
    advisor = await sign_in("advisor")
    body = await book(client, advisor, booking(desk, at(work_day, 9), "diagnosis"))
    appointment = body["data"]["bookAppointment"]["appointment"]["id"]

    other = await sign_in("other_advisor")
    for gid in (
        appointment,
        global_id("Customer", desk.customer_id),
        global_id("Vehicle", desk.vehicle_id),
    ):
        seen = await gql(client, NODE, {"id": gid}, other)
        assert seen["data"]["node"] is None and not seen.get("errors")
    cancel = await gql(
        client,
        'mutation($id: ID!) { cancelAppointment(id: $id, reason: "x") { status } }',
        {"id": appointment},
        other,
    )
    assert error_codes(cancel) == ["NOT_FOUND"]
    # Booking here with the other dealer's customer and vehicle finds nothing.
    foreign = booking(desk, at(work_day, 10), "diagnosis")
    foreign["customerId"] = global_id("Customer", other_customer)
    foreign["vehicleId"] = global_id("Vehicle", other_vehicle)
    assert error_codes(await book(client, advisor, foreign)) == ["NOT_FOUND"]
    listed = await gql(client, "query($d: Date) { appointments(date: $d) { id } }",
                       {"d": work_day.isoformat()}, other)  # fmt: skip
    assert listed["data"]["appointments"] == []
    assert await db.fetchval("select count(*) from appointment") == 1
