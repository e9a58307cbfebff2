"""Technician shifts make the capacity; the workshop pre-assigns a bay and a technician
on shift to an appointment."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.service_front.appointment_ops import book, booking, capacity
from tests.service_front.conftest import at
from tests.service_front.factories_front import FrontDesk, add_shift

SignIn = Callable[[str], Awaitable[dict[str, str]]]

SET_SHIFT = """
mutation($input: SetTechnicianShiftInput!) {
  setTechnicianShift(input: $input) { date hours team technician { username } }
}
"""
SHIFTS = """
query($from: Date) { technicianShifts(from: $from, days: 1) { hours technician { username } } }
"""
PREASSIGN = """
mutation($id: ID!, $bay: String, $tech: ID) {
  preassignAppointment(id: $id, bayCode: $bay, technicianId: $tech) {
    bay { code name } technician { username }
  }
}
"""


async def test_shifts_set_the_capacity_and_only_repair_staff_go_on_shift(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    desk: FrontDesk,
    db: asyncpg.Connection,
    work_day: date,
) -> None:
    workshop = await sign_in("workshop")
    technician = global_id("StaffUser", desk.users["technician"])
    body = await gql(client, SET_SHIFT, {"input": {"technicianId": technician,
                     "date": work_day.isoformat(), "hours": "8", "team": "team 1"}},
                     workshop)  # fmt: skip
    assert body["data"]["setTechnicianShift"] == {
        "date": work_day.isoformat(),
        "hours": "8.00",
        "team": "team 1",
        "technician": {"username": desk.usernames["technician"]},
    }
    advisor = await sign_in("advisor")
    [day] = await capacity(client, advisor, work_day.isoformat())
    assert day["availableHours"] == "8.00"
    listed = await gql(client, SHIFTS, {"from": work_day.isoformat()}, advisor)
    assert listed["data"]["technicianShifts"] == [
        {"hours": "8.00", "technician": {"username": desk.usernames["technician"]}}
    ]
    off = await gql(client, SET_SHIFT, {"input": {"technicianId": technician,
                    "date": work_day.isoformat(), "hours": "0"}}, workshop)  # fmt: skip
    assert off["data"]["setTechnicianShift"] is None
    [day] = await capacity(client, advisor, work_day.isoformat())
    assert day["availableHours"] == "0.00"

    not_repair = await gql(client, SET_SHIFT, {"input": {
        "technicianId": global_id("StaffUser", desk.users["advisor"]),
        "date": work_day.isoformat(), "hours": "8"}}, workshop)  # fmt: skip
    assert not_repair["errors"][0]["extensions"]["rule"] == "shift_needs_repair_duty"
    denied = await gql(client, SET_SHIFT, {"input": {"technicianId": technician,
                       "date": work_day.isoformat(), "hours": "8"}}, advisor)  # fmt: skip
    assert error_codes(denied) == ["FORBIDDEN"]
    assert (
        await db.fetchval("select count(*) from audit_entry where action = 'technician_shift.set'")
        == 2
    )


async def test_preassign_bay_and_technician_on_shift(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    desk: FrontDesk,
    db: asyncpg.Connection,
    work_day: date,
) -> None:
    await add_shift(db, desk.dealer_id, desk.users["technician"], work_day, "8")
    await db.execute(
        "insert into bay (dealer_id, code, name) values ($1, 'M1', 'Mechanical bay 1')",
        desk.dealer_id,
    )
    advisor = await sign_in("advisor")
    body = await book(client, advisor, booking(desk, at(work_day, 9), "diagnosis"))
    appointment = body["data"]["bookAppointment"]["appointment"]["id"]
    workshop = await sign_in("workshop")
    off_shift = await gql(client, PREASSIGN, {"id": appointment, "bay": "m1",
                          "tech": global_id("StaffUser", desk.users["leader"])},
                          workshop)  # fmt: skip
    assert off_shift["errors"][0]["extensions"]["rule"] == "technician_on_shift"
    no_bay = await gql(client, PREASSIGN, {"id": appointment, "bay": "X9"}, workshop)
    assert no_bay["errors"][0]["extensions"]["rule"] == "bay_exists"
    done = await gql(client, PREASSIGN, {"id": appointment, "bay": "m1",
                     "tech": global_id("StaffUser", desk.users["technician"])},
                     workshop)  # fmt: skip
    assert done["data"]["preassignAppointment"] == {
        "bay": {"code": "M1", "name": "Mechanical bay 1"},
        "technician": {"username": desk.usernames["technician"]},
    }
    assert error_codes(await gql(client, PREASSIGN, {"id": appointment}, advisor)) == ["FORBIDDEN"]
