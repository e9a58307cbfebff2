"""Dispatch: who may dispatch, to whom (on shift, staff who work jobs), reassignment,
the supervisor's queue, and the order starting with its first dispatched job."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import timedelta

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.workshop.factories_workshop import (
    Workshop,
    dealer_today,
    make_board_order,
    put_on_shift,
)

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]

DISPATCH = """
mutation($line: ID!, $tech: ID, $team: String) {
  dispatchJob(input: {lineId: $line, technicianId: $tech, team: $team}) {
    lineId orderId jobStatus orderStatus reassigned
    order { status jobs { id jobStatus team technician { id username } } }
  }
}
"""

QUEUE = """
{ dispatchQueue { workDate lines { id orderNumber orderStatus hours plate }
                  technicians { technician { username } team shiftHours assignedHours } } }
"""


def line(pk: int) -> str:
    return global_id("RepairOrderLine", pk)


def user(pk: int) -> str:
    return global_id("StaffUser", pk)


def rule(body: dict) -> str | None:
    return body["errors"][0]["extensions"].get("rule") if body.get("errors") else None


async def test_first_dispatch_starts_the_work(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    order = await make_board_order(db, shop, labour_hours=["1.5", "2"])
    await put_on_shift(db, shop.dealer_id, shop.users["technician"])
    body = await gql(
        client,
        DISPATCH,
        {"line": line(order.labour[0]), "tech": user(shop.users["technician"])},
        await sign_in("leader"),
    )
    assert not body.get("errors"), body
    payload = body["data"]["dispatchJob"]
    assert payload["jobStatus"] == "DISPATCHED"
    assert payload["orderStatus"] == "IN_PROGRESS"
    assert payload["reassigned"] is False
    jobs = payload["order"]["jobs"]
    assert [j["jobStatus"] for j in jobs] == ["DISPATCHED", "PENDING"]
    assert jobs[0]["technician"]["username"] == shop.usernames["technician"]

    row = await db.fetchrow("select status from repair_order where id = $1", order.id)
    assert row["status"] == "in_progress"
    events = await db.fetch(
        "select from_status, to_status from order_event where repair_order_id = $1", order.id
    )
    assert [(e["from_status"], e["to_status"]) for e in events] == [("approved", "in_progress")]
    audit = await db.fetchval(
        "select count(*) from audit_entry where action = 'repair_order_line.dispatch'"
        " and object_id = $1",
        str(order.labour[0]),
    )
    assert audit == 1

    # The second line does not move the order again.
    body = await gql(
        client,
        DISPATCH,
        {"line": line(order.labour[1]), "tech": user(shop.users["technician"])},
        await sign_in("leader"),
    )
    assert not body.get("errors"), body
    assert (
        await db.fetchval("select count(*) from order_event where repair_order_id = $1", order.id)
        == 1
    )


async def test_technician_must_be_on_shift_today(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    order = await make_board_order(db, shop)
    yesterday = await dealer_today(db, shop.dealer_id) - timedelta(days=1)
    await put_on_shift(db, shop.dealer_id, shop.users["technician"], day=yesterday)
    body = await gql(
        client,
        DISPATCH,
        {"line": line(order.labour[0]), "tech": user(shop.users["technician"])},
        await sign_in("advisor"),
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert rule(body) == "technician_not_on_shift"
    assert body["errors"][0]["extensions"]["field"] == "technicianId"
    assert (
        await db.fetchval("select job_status from repair_order_line where id = $1", order.labour[0])
        == "pending"
    )
    assert await db.fetchval("select status from repair_order where id = $1", order.id) == (
        "approved"
    )


async def test_only_workshop_staff_of_the_dealer_take_jobs(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    order = await make_board_order(db, shop)
    # The other dealer's advisor, even on a shift row here, is not our staff; the cashier
    # is staff but the catalog gives cashiers no job clock.
    for post in ("other_advisor", "cashier"):
        await put_on_shift(db, shop.dealer_id, shop.users[post])
        body = await gql(
            client,
            DISPATCH,
            {"line": line(order.labour[0]), "tech": user(shop.users[post])},
            await sign_in("advisor"),
        )
        assert rule(body) == "technician_not_staff", (post, body)


async def test_dispatch_needs_the_permission(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    order = await make_board_order(db, shop)
    await put_on_shift(db, shop.dealer_id, shop.users["technician"])
    body = await gql(
        client,
        DISPATCH,
        {"line": line(order.labour[0]), "tech": user(shop.users["technician"])},
        await sign_in("technician"),
    )
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["permission"] == "dispatch:assign"


async def test_reassigning_needs_dispatch_reassign(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    order = await make_board_order(db, shop)
    for post in ("technician", "technician2"):
        await put_on_shift(db, shop.dealer_id, shop.users[post])
    first = {"line": line(order.labour[0]), "tech": user(shop.users["technician"])}
    assert not (await gql(client, DISPATCH, first, await sign_in("advisor"))).get("errors")

    again = {"line": line(order.labour[0]), "tech": user(shop.users["technician2"])}
    body = await gql(client, DISPATCH, again, await sign_in("advisor"))
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["permission"] == "dispatch:reassign"

    body = await gql(client, DISPATCH, again, await sign_in("wsup"))
    assert not body.get("errors"), body
    assert body["data"]["dispatchJob"]["reassigned"] is True
    assert (
        await db.fetchval(
            "select technician_user_id from repair_order_line where id = $1", order.labour[0]
        )
        == shop.users["technician2"]
    )
    entry = await db.fetchrow(
        "select before, after from audit_entry where action = 'repair_order_line.reassign'"
    )
    assert json.loads(entry["before"])["technician_user_id"] == shop.users["technician"]
    assert json.loads(entry["after"])["technician_user_id"] == shop.users["technician2"]


async def test_dispatch_to_a_team_on_shift(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    order = await make_board_order(db, shop)
    body = await gql(
        client, DISPATCH, {"line": line(order.labour[0]), "team": "A"}, await sign_in("leader")
    )
    assert rule(body) == "team_not_on_shift"
    await put_on_shift(db, shop.dealer_id, shop.users["technician"], team="A")
    body = await gql(
        client, DISPATCH, {"line": line(order.labour[0]), "team": "A"}, await sign_in("leader")
    )
    assert not body.get("errors"), body
    job = body["data"]["dispatchJob"]["order"]["jobs"][0]
    assert job["team"] == "A" and job["technician"] is None

    both = {"line": line(order.labour[0]), "team": "A", "tech": user(shop.users["technician"])}
    assert rule(await gql(client, DISPATCH, both, await sign_in("wsup"))) == "dispatch_to_one"


async def test_only_approved_labour_of_approved_orders_is_dispatched(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    await put_on_shift(db, shop.dealer_id, shop.users["technician"])
    tech = user(shop.users["technician"])
    quoted = await make_board_order(db, shop, "awaiting_approval", line_status="proposed")
    body = await gql(
        client, DISPATCH, {"line": line(quoted.labour[0]), "tech": tech}, await sign_in("leader")
    )
    assert rule(body) == "dispatch_needs_approved_labour"

    open_order = await make_board_order(db, shop, "open")
    body = await gql(
        client,
        DISPATCH,
        {"line": line(open_order.labour[0]), "tech": tech},
        await sign_in("leader"),
    )
    assert rule(body) == "dispatch_needs_approved_order"

    with_part = await make_board_order(db, shop, labour_hours=[], parts=[1])
    body = await gql(
        client, DISPATCH, {"line": line(with_part.parts[0]), "tech": tech}, await sign_in("leader")
    )
    assert rule(body) == "dispatch_needs_approved_labour"

    body = await gql(
        client, DISPATCH, {"line": line(999999), "tech": tech}, await sign_in("leader")
    )
    assert error_codes(body) == ["NOT_FOUND"]


async def test_supervisor_queue_lists_undispatched_approved_jobs(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    waiting = await make_board_order(db, shop, labour_hours=["1.5", "2"])
    await make_board_order(db, shop, "awaiting_approval", line_status="proposed")
    await make_board_order(db, shop, dealer_id=shop.other_dealer_id)
    await put_on_shift(db, shop.dealer_id, shop.users["technician"], team="A")
    await db.execute(
        "update repair_order_line set job_status = 'dispatched', technician_user_id = $2"
        " where id = $1",
        waiting.labour[1],
        shop.users["technician"],
    )
    body = await gql(client, QUEUE, headers=await sign_in("wsup"))
    assert not body.get("errors"), body
    queue = body["data"]["dispatchQueue"]
    assert [q["id"] for q in queue["lines"]] == [line(waiting.labour[0])]
    assert queue["lines"][0]["hours"] == "1.50"
    assert queue["technicians"] == [
        {
            "technician": {"username": shop.usernames["technician"]},
            "team": "A",
            "shiftHours": "8.00",
            "assignedHours": "2.00",
        }
    ]
    assert error_codes(await gql(client, QUEUE, headers=await sign_in("cashier"))) == ["FORBIDDEN"]
