"""Working the reminder list through GraphQL: generate, list with the reasons and
counts, record call results (the state machine refuses illegal moves with stable rules),
book from a target (the appointment flow with channel OUTBOUND; a capacity refusal
passes through and leaves the target open), permissions, and tenant isolation."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.care.conftest import SignIn
from tests.care.factories_care import CareDesk, make_customer_vehicle
from tests.care.reminder_arrange import add_shift

GENERATE = "mutation { generateReminderTargets { asOf trigger inserted refreshed expired } }"
LIST = """
query($kind: ReminderKind, $status: ReminderStatus, $first: Int, $after: String) {
  reminderTargets(kind: $kind, status: $status, first: $first, after: $after) {
    edges { cursor node { id kind status dueOn basis note
      customer { name } vehicle { plate }
      lastContact { status note by { username } }
      appointment { id channel } } }
    pageInfo { hasNextPage endCursor }
  }
  reminderTargetCounts { kind count }
}
"""
CONTACT = """
mutation($id: ID!, $result: ReminderResult!, $note: String!) {
  recordReminderContact(id: $id, result: $result, note: $note) { id status note }
}
"""
BOOK = """
mutation($id: ID!, $input: BookFromReminderInput!) {
  bookFromReminder(id: $id, input: $input) {
    reminder { id status appointment { id } }
    appointment { id channel customerRequest customer { name } }
  }
}
"""
LAPSED = "query { lapsedVehicles { items { monthsAway vehicle { plate } } hasNextPage } }"


def local_today(desk: CareDesk) -> date:
    return datetime.now(ZoneInfo(desk.time_zone)).date()


async def arrange_targets(db: asyncpg.Connection, desk: CareDesk, n: int) -> list[int]:
    """``n`` cars whose insurance expires in 5, 6, ... days."""
    today = local_today(desk)
    cars = []
    for i in range(n):
        _, car = await make_customer_vehicle(
            db, desk, insurance_expires_on=today + timedelta(days=5 + i)
        )
        cars.append(car)
    return cars


async def listed(
    client: httpx.AsyncClient, headers: dict[str, str], **variables: Any
) -> dict[str, Any]:
    body = await gql(client, LIST, variables, headers)
    assert not body.get("errors"), body
    data: dict[str, Any] = body["data"]
    return data


def booking_input(desk: CareDesk, day: date) -> dict[str, Any]:
    starts = datetime.combine(day, datetime.min.time(), ZoneInfo(desk.time_zone)).replace(hour=10)
    return {
        "startsAt": starts.isoformat(),
        "items": [{"kind": "FAULT", "description": "Insurance inspection", "hours": "1.0"}],
        "customerRequest": "Renew insurance, check tyres",
        "note": "books for Friday",
    }


async def test_generate_list_and_count_in_due_order(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_desk: CareDesk, sign_in: SignIn
) -> None:
    await arrange_targets(db, api_desk, 3)
    cs = await sign_in("cs")
    body = await gql(client, GENERATE, headers=cs)
    assert body["data"]["generateReminderTargets"] == {
        "asOf": local_today(api_desk).isoformat(),
        "trigger": "on_demand",
        "inserted": 3,
        "refreshed": 0,
        "expired": 0,
    }
    first = await listed(client, cs, kind="INSURANCE", first=2)
    page = first["reminderTargets"]
    dues = [e["node"]["dueOn"] for e in page["edges"]]
    assert dues == sorted(dues) and len(dues) == 2
    assert page["pageInfo"]["hasNextPage"]
    node = page["edges"][0]["node"]
    assert node["basis"] == {"expires_on": dues[0]}
    assert node["customer"]["name"].startswith("Customer")
    rest = await listed(client, cs, kind="INSURANCE", after=page["pageInfo"]["endCursor"])
    assert len(rest["reminderTargets"]["edges"]) == 1
    counts = {c["kind"]: c["count"] for c in first["reminderTargetCounts"]}
    assert counts == {
        "MAINTENANCE": 0, "INSURANCE": 3, "WARRANTY_EXPIRY": 0, "DECLINED_WORK": 0, "RECALL": 0
    }  # fmt: skip


async def test_call_results_and_the_state_machine(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_desk: CareDesk, sign_in: SignIn
) -> None:
    await arrange_targets(db, api_desk, 2)
    cs = await sign_in("cs")
    await gql(client, GENERATE, headers=cs)
    ids = [e["node"]["id"] for e in (await listed(client, cs))["reminderTargets"]["edges"]]

    body = await gql(client, CONTACT, {"id": ids[0], "result": "DISMISSED", "note": " "}, cs)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["rule"] == "dismiss_needs_note"

    body = await gql(client, CONTACT, {"id": ids[0], "result": "CONTACTED", "note": "busy"}, cs)
    assert body["data"]["recordReminderContact"]["status"] == "CONTACTED"
    body = await gql(client, CONTACT, {"id": ids[0], "result": "DECLINED", "note": "sold"}, cs)
    assert body["data"]["recordReminderContact"]["status"] == "DECLINED"
    body = await gql(client, CONTACT, {"id": ids[0], "result": "CONTACTED", "note": ""}, cs)
    assert body["errors"][0]["extensions"]["rule"] == "reminder_workable"
    assert body["errors"][0]["extensions"]["status"] == "declined"

    data = await listed(client, cs, status="DECLINED")
    [edge] = data["reminderTargets"]["edges"]
    assert edge["node"]["lastContact"] == {
        "status": "DECLINED",
        "note": "sold",
        "by": {"username": api_desk.usernames["cs"]},
    }
    actions = [
        r["action"]
        for r in await db.fetch(
            "select action from audit_entry where object_type = 'care_reminder' order by id"
        )
    ]
    assert actions == ["care_reminder.contacted", "care_reminder.declined"]


async def test_booking_from_a_target_feeds_the_appointment_flow(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_desk: CareDesk, sign_in: SignIn
) -> None:
    [car] = await arrange_targets(db, api_desk, 1)
    cs = await sign_in("cs")
    await gql(client, GENERATE, headers=cs)
    [edge] = (await listed(client, cs))["reminderTargets"]["edges"]
    day = local_today(api_desk) + timedelta(days=2)

    # No technician on shift that day: the booking is refused as any booking would be.
    body = await gql(
        client, BOOK, {"id": edge["node"]["id"], "input": booking_input(api_desk, day)}, cs
    )
    assert error_codes(body) == ["CAPACITY_FULL"]
    assert "suggestedDates" in body["errors"][0]["extensions"]
    row = await db.fetchrow("select status, appointment_id from care_reminder")
    assert (row["status"], row["appointment_id"]) == ("open", None)
    assert await db.fetchval("select count(*) from appointment") == 0

    await add_shift(db, api_desk, day, "8")
    body = await gql(
        client, BOOK, {"id": edge["node"]["id"], "input": booking_input(api_desk, day)}, cs
    )
    assert not body.get("errors"), body
    booked = body["data"]["bookFromReminder"]
    assert booked["appointment"]["channel"] == "OUTBOUND"
    assert booked["appointment"]["customerRequest"] == "Renew insurance, check tyres"
    assert booked["reminder"]["status"] == "BOOKED"
    assert booked["reminder"]["appointment"]["id"] == booked["appointment"]["id"]
    appointment = await db.fetchrow("select * from appointment")
    assert (appointment["vehicle_id"], appointment["work_date"]) == (car, day)
    assert appointment["created_by"] == api_desk.users["cs"]
    row = await db.fetchrow("select status, appointment_id, note from care_reminder")
    assert tuple(row) == ("booked", appointment["id"], "books for Friday")
    actions = {
        r["action"] for r in await db.fetch("select action from audit_entry where request_id <> ''")
    }
    assert {"appointment.book", "care_reminder.book"} <= actions

    # Booked is final: neither booked again nor given another result.
    body = await gql(
        client, BOOK, {"id": edge["node"]["id"], "input": booking_input(api_desk, day)}, cs
    )
    assert body["errors"][0]["extensions"]["rule"] == "reminder_workable"
    assert await db.fetchval("select count(*) from appointment") == 1


async def test_permissions(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_desk: CareDesk, sign_in: SignIn
) -> None:
    await arrange_targets(db, api_desk, 1)
    assert error_codes(await gql(client, GENERATE, headers=await sign_in("workshop"))) == [
        "FORBIDDEN"
    ]
    assert error_codes(await gql(client, LIST, headers=await sign_in("workshop"))) == ["FORBIDDEN"]
    info = await sign_in("info")  # reminder: read create, but books no appointments
    await gql(client, GENERATE, headers=info)
    [edge] = (await listed(client, info))["reminderTargets"]["edges"]
    day = local_today(api_desk) + timedelta(days=2)
    await add_shift(db, api_desk, day, "8")
    body = await gql(
        client, BOOK, {"id": edge["node"]["id"], "input": booking_input(api_desk, day)}, info
    )
    assert error_codes(body) == ["FORBIDDEN"]
    manager = await sign_in("manager")  # reminder: read only
    body = await gql(client, CONTACT, {"id": edge["node"]["id"], "result": "CONTACTED",
                                       "note": ""}, manager)  # fmt: skip
    assert error_codes(body) == ["FORBIDDEN"]
    assert (await db.fetchval("select status from care_reminder")) == "open"

    # The lapsed list belongs to the lapsed_customer_analysis duty (front-desk supervisor).
    customer, _ = await make_customer_vehicle(db, api_desk)
    await db.execute("update customer set created_at = '2020-01-01' where id = $1", customer)
    body = await gql(client, LAPSED, headers=await sign_in("front_desk"))
    assert not body.get("errors"), body
    assert [i["monthsAway"] >= 18 for i in body["data"]["lapsedVehicles"]["items"]] == [True]
    assert error_codes(await gql(client, LAPSED, headers=await sign_in("cs"))) == ["FORBIDDEN"]


async def test_tenant_isolation(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_desk: CareDesk, sign_in: SignIn
) -> None:
    await arrange_targets(db, api_desk, 1)
    await gql(client, GENERATE, headers=await sign_in("cs"))
    target = await db.fetchval("select id from care_reminder")
    far = await sign_in("far_cs")
    far_run = await gql(client, GENERATE, headers=far)
    assert far_run["data"]["generateReminderTargets"]["inserted"] == 0
    assert (await listed(client, far))["reminderTargets"]["edges"] == []
    gid = global_id("ReminderTarget", target)
    body = await gql(client, CONTACT, {"id": gid, "result": "CONTACTED", "note": ""}, far)
    assert error_codes(body) == ["NOT_FOUND"]
    body = await gql(client, "query($id: ID!) { node(id: $id) { id } }", {"id": gid}, far)
    assert body["data"]["node"] is None
    assert (await db.fetchval("select status from care_reminder where id = $1", target)) == "open"
    assert (
        await db.fetchval(
            "select count(*) from care_reminder_run where dealer_id = $1", api_desk.far_dealer_id
        )
        == 1
    )
