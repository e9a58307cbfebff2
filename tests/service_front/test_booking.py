"""Booking: capacity refusals with suggested dates, parts checks, waiting for parts,
reservations and the pre-picking list, and who may book."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import asyncpg
import httpx

from tests.api.graphql_client import error_codes, gql
from tests.service_front.appointment_ops import book, booking
from tests.service_front.conftest import at
from tests.service_front.factories_front import FrontDesk, add_shift

SignIn = Callable[[str], Awaitable[dict[str, str]]]

PRE_PICK = """
query($d: Date) {
  prePickList(date: $d) {
    partNumber onHand plate reservation { id quantity picked binLocation }
    appointment { id vehicle { plate } }
  }
}
"""
PICK = """
mutation($id: ID!) { markPartsPicked(reservationId: $id) { id picked } }
"""


async def test_full_day_is_refused_with_the_next_days_that_have_room(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    desk: FrontDesk,
    db: asyncpg.Connection,
    work_day: date,
) -> None:
    advisor = await sign_in("advisor")
    tech = desk.users["technician"]
    await add_shift(db, desk.dealer_id, tech, work_day, "1.5")
    await add_shift(db, desk.dealer_id, tech, work_day + timedelta(1), "1")
    await add_shift(db, desk.dealer_id, tech, work_day + timedelta(2), "2")
    await add_shift(db, desk.dealer_id, tech, work_day + timedelta(5), "8")
    first = await book(client, advisor, booking(desk, at(work_day, 9), "oil"))
    assert not first.get("errors"), first
    full = await book(client, advisor, booking(desk, at(work_day, 14), "oil"))
    assert error_codes(full) == ["CAPACITY_FULL"], full
    ext = full["errors"][0]["extensions"]
    assert ext["suggestedDates"] == [
        (work_day + timedelta(1)).isoformat(),
        (work_day + timedelta(2)).isoformat(),
        (work_day + timedelta(5)).isoformat(),
    ]
    assert (ext["neededHours"], ext["freeHours"], ext["field"]) == ("1.00", "0.50", "startsAt")
    assert await db.fetchval("select count(*) from appointment") == 1
    # A day without any technician on shift has no capacity at all.
    empty = await book(client, advisor, booking(desk, at(work_day + timedelta(3), 9), "oil"))
    assert error_codes(empty) == ["CAPACITY_FULL"]


async def test_missing_parts_are_listed_or_waited_for(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    desk: FrontDesk,
    db: asyncpg.Connection,
    work_day: date,
) -> None:
    advisor = await sign_in("advisor")
    await add_shift(db, desk.dealer_id, desk.users["technician"], work_day, "8")
    refused = await book(client, advisor, booking(desk, at(work_day, 9), "brakes"))
    assert error_codes(refused) == ["PARTS_MISSING"]
    [missing] = refused["errors"][0]["extensions"]["missing"]
    assert missing["partNumber"].startswith("HX-PADS") and missing["missing"] == "1.00"
    assert await db.fetchval("select count(*) from appointment") == 0

    no_date = await book(client, advisor, booking(desk, at(work_day, 9), "brakes",
                                                  waitForParts=True))  # fmt: skip
    assert no_date["errors"][0]["extensions"]["rule"] == "parts_expected_date_required"
    too_late = await book(client, advisor, booking(
        desk, at(work_day, 9), "brakes", waitForParts=True,
        partsExpectedOn=(work_day + timedelta(1)).isoformat()))  # fmt: skip
    assert too_late["errors"][0]["extensions"]["rule"] == "parts_expected_before_appointment"

    waiting = await book(client, advisor, booking(
        desk, at(work_day, 9), "brakes", waitForParts=True,
        partsExpectedOn=work_day.isoformat()))  # fmt: skip
    assert not waiting.get("errors"), waiting
    payload = waiting["data"]["bookAppointment"]
    assert payload["appointment"]["partsExpectedOn"] == work_day.isoformat()
    assert [s["missing"] for s in payload["shortages"]] == ["1.00"]
    # The shortfall is reserved too: available goes below zero for the parts planner.
    reserved = await db.fetchval(
        "select on_hand - reserved from stock_level where stock_item_id = $1",
        desk.stock_items["pads"],
    )
    assert reserved == -1


async def test_booking_reserves_parts_for_pre_picking(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    desk: FrontDesk,
    db: asyncpg.Connection,
    work_day: date,
) -> None:
    advisor = await sign_in("advisor")
    await add_shift(db, desk.dealer_id, desk.users["technician"], work_day, "8")
    body = await book(client, advisor, booking(desk, at(work_day, 9), "oil", mileageKm=30000,
                                               customerRequest="5000 km service"))  # fmt: skip
    assert not body.get("errors"), body
    appointment = body["data"]["bookAppointment"]["appointment"]
    # 1.0 h x 180 (default rate) + filter 85 + 4 x oil 68.
    assert appointment["estimate"] == "537.00"
    assert appointment["items"] == [
        {
            "kind": "MAINTENANCE",
            "description": "oil operation",
            "standardHours": "1.00",
            "operation": {"code": appointment["items"][0]["operation"]["code"]},
        }
    ]
    quantities = sorted(r["quantity"] for r in appointment["reservations"])
    assert quantities == ["1.00", "4.00"]
    assert await db.fetchval("select km from mileage_reading") == 30000

    # The second oil service takes the last filter; a third finds none.
    second = await book(client, advisor, booking(desk, at(work_day, 10), "oil"))
    assert not second.get("errors"), second
    third = await book(client, advisor, booking(desk, at(work_day, 11), "oil"))
    assert error_codes(third) == ["PARTS_MISSING"]

    warehouse = await sign_in("warehouse")
    picklist = await gql(client, PRE_PICK, {"d": work_day.isoformat()}, warehouse)
    assert not picklist.get("errors"), picklist
    lines = picklist["data"]["prePickList"]
    assert len(lines) == 4 and not any(line["reservation"]["picked"] for line in lines)
    # The store sees the plate for the slip, but not the appointment (no appointment:read).
    assert {line["plate"] for line in lines} == {"沪A12345"}
    assert {line["appointment"] is None for line in lines} == {True}
    assert [line["reservation"]["binLocation"] for line in lines] == sorted(
        line["reservation"]["binLocation"] for line in lines
    )
    picked = await gql(client, PICK, {"id": lines[0]["reservation"]["id"]}, warehouse)
    assert picked["data"]["markPartsPicked"]["picked"] is True
    # Picking is the store's job: the advisor may read the list but not pick.
    denied = await gql(client, PICK, {"id": lines[1]["reservation"]["id"]}, advisor)
    assert error_codes(denied) == ["FORBIDDEN"]
    technician = await sign_in("technician")
    assert error_codes(await gql(client, PRE_PICK, {"d": None}, technician)) == ["FORBIDDEN"]


async def test_who_may_book(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    desk: FrontDesk,
    db: asyncpg.Connection,
    work_day: date,
) -> None:
    await add_shift(db, desk.dealer_id, desk.users["technician"], work_day, "8")
    technician = await sign_in("technician")
    denied = await book(client, technician, booking(desk, at(work_day, 9), "diagnosis"))
    assert error_codes(denied) == ["FORBIDDEN"]
    assert denied["errors"][0]["extensions"]["permission"] == "appointment:create"
    cs = await sign_in("cs")
    allowed = await book(client, cs, booking(desk, at(work_day, 9), "diagnosis"))
    assert not allowed.get("errors"), allowed


async def test_bad_bookings_name_their_rule(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    desk: FrontDesk,
    db: asyncpg.Connection,
    work_day: date,
) -> None:
    advisor = await sign_in("advisor")
    await add_shift(db, desk.dealer_id, desk.users["technician"], work_day, "8")
    past = await book(client, advisor, booking(desk, at(work_day - timedelta(days=10), 9), "oil"))
    assert past["errors"][0]["extensions"]["rule"] == "appointment_in_past"
    night = await book(client, advisor, booking(desk, at(work_day, 20), "oil"))
    assert night["errors"][0]["extensions"]["rule"] == "opening_hours"
    empty = await book(client, advisor, booking(desk, at(work_day, 9)))
    assert empty["errors"][0]["extensions"]["rule"] == "items_required"
    vague = booking(desk, at(work_day, 9))
    vague["items"] = [{"kind": "FAULT"}]
    assert (await book(client, advisor, vague))["errors"][0]["extensions"][
        "rule"
    ] == "fault_needs_description"
    described = booking(desk, at(work_day, 9))
    described["items"] = [{"kind": "FAULT", "description": "异响 noise when braking"}]
    ok = await book(client, advisor, described)
    assert ok["data"]["bookAppointment"]["appointment"]["bookedHours"] == "1.00"
