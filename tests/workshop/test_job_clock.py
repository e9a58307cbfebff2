"""Job clocks: only the assigned technician (or a team member on shift) clocks on; one
open clock per technician; clocking off pauses; the last job done makes the order
work_done; clocked hours come from the clocks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.workshop.factories_workshop import (
    Order,
    Workshop,
    make_board_order,
    put_on_shift,
)

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]

PAYLOAD = "lineId jobStatus orderStatus order { status jobs { jobStatus clockedOn } }"
CLOCK_ON = f"mutation($l: ID!) {{ clockOnJob(input: {{lineId: $l}}) {{ {PAYLOAD} }} }}"
CLOCK_OFF = f"mutation($l: ID!) {{ clockOffJob(input: {{lineId: $l}}) {{ {PAYLOAD} }} }}"
FINISH = f"mutation($l: ID!) {{ finishJob(input: {{lineId: $l}}) {{ {PAYLOAD} }} }}"


def line(pk: int) -> str:
    return global_id("RepairOrderLine", pk)


def rule(body: dict) -> str | None:
    return body["errors"][0]["extensions"].get("rule") if body.get("errors") else None


async def dispatched(
    db: asyncpg.Connection,
    shop: Workshop,
    *,
    to: str | None = "technician",
    team: str = "",
    labour_hours: list[str] | None = None,
) -> Order:
    """An order in progress whose labour lines are dispatched (past the API)."""
    order = await make_board_order(db, shop, "in_progress", labour_hours=labour_hours)
    await db.execute(
        "update repair_order_line set job_status = 'dispatched', technician_user_id = $2,"
        " team = $3 where repair_order_id = $1 and kind = 'labour'",
        order.id,
        shop.users[to] if to else None,
        team,
    )
    return order


async def test_clock_on_off_and_pause(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    order = await dispatched(db, shop)
    tech = await sign_in("technician")
    body = await gql(client, CLOCK_ON, {"l": line(order.labour[0])}, tech)
    assert not body.get("errors"), body
    assert body["data"]["clockOnJob"]["jobStatus"] == "IN_PROGRESS"
    assert body["data"]["clockOnJob"]["order"]["jobs"][0]["clockedOn"] is True
    assert (
        await db.fetchval(
            "select count(*) from job_clock where line_id = $1 and ended_at is null",
            order.labour[0],
        )
        == 1
    )

    body = await gql(client, CLOCK_OFF, {"l": line(order.labour[0])}, tech)
    assert not body.get("errors"), body
    assert body["data"]["clockOffJob"]["jobStatus"] == "PAUSED"
    assert body["data"]["clockOffJob"]["order"]["jobs"][0]["clockedOn"] is False
    assert (
        await db.fetchval(
            "select count(*) from job_clock where line_id = $1 and ended_at is not null",
            order.labour[0],
        )
        == 1
    )
    assert rule(await gql(client, CLOCK_OFF, {"l": line(order.labour[0])}, tech)) == (
        "not_clocked_on"
    )
    actions = [
        r["action"]
        for r in await db.fetch(
            "select action from audit_entry where action like 'job_clock.%' order by id"
        )
    ]
    assert actions == ["job_clock.on", "job_clock.off"]


async def test_one_open_clock_per_technician(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    first = await dispatched(db, shop)
    second = await dispatched(db, shop)
    tech = await sign_in("technician")
    assert not (await gql(client, CLOCK_ON, {"l": line(first.labour[0])}, tech)).get("errors")

    body = await gql(client, CLOCK_ON, {"l": line(second.labour[0])}, tech)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert rule(body) == "one_open_clock"
    assert "clock off" in body["errors"][0]["message"]
    assert (
        await db.fetchval(
            "select job_status from repair_order_line where id = $1", second.labour[0]
        )
        == "dispatched"
    )
    body = await gql(client, CLOCK_ON, {"l": line(first.labour[0])}, tech)
    assert rule(body) == "one_open_clock"
    assert "already" in body["errors"][0]["message"]

    assert not (await gql(client, CLOCK_OFF, {"l": line(first.labour[0])}, tech)).get("errors")
    assert not (await gql(client, CLOCK_ON, {"l": line(second.labour[0])}, tech)).get("errors")


async def test_only_the_assigned_technician_or_team_member_clocks(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    mine = await dispatched(db, shop, to="technician")
    body = await gql(client, CLOCK_ON, {"l": line(mine.labour[0])}, await sign_in("technician2"))
    assert rule(body) == "not_assigned_technician"

    team_job = await dispatched(db, shop, to=None, team="A")
    await put_on_shift(db, shop.dealer_id, shop.users["technician"], team="A")
    await put_on_shift(db, shop.dealer_id, shop.users["technician2"], team="B")
    body = await gql(
        client, CLOCK_ON, {"l": line(team_job.labour[0])}, await sign_in("technician2")
    )
    assert rule(body) == "not_team_member"
    body = await gql(client, CLOCK_ON, {"l": line(team_job.labour[0])}, await sign_in("technician"))
    assert not body.get("errors"), body

    undispatched = await make_board_order(db, shop, "in_progress")
    body = await gql(
        client, CLOCK_ON, {"l": line(undispatched.labour[0])}, await sign_in("technician2")
    )
    assert rule(body) == "clock_needs_dispatch"

    # The cashier has no job_clock:record in the catalog.
    body = await gql(client, CLOCK_ON, {"l": line(mine.labour[0])}, await sign_in("cashier"))
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["permission"] == "job_clock:record"


async def test_last_job_done_moves_the_order_to_work_done(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    order = await dispatched(db, shop, labour_hours=["1", "2"])
    # A declined line is no job and does not hold the order back.
    await db.execute(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, hours, unit_price,"
        " status) values ($1, $2, 'labour', 1, 200, 'declined')",
        shop.dealer_id,
        order.id,
    )
    tech = await sign_in("technician")
    assert not (await gql(client, CLOCK_ON, {"l": line(order.labour[0])}, tech)).get("errors")
    body = await gql(client, FINISH, {"l": line(order.labour[0])}, tech)
    assert not body.get("errors"), body
    assert body["data"]["finishJob"]["jobStatus"] == "DONE"
    assert body["data"]["finishJob"]["orderStatus"] == "IN_PROGRESS"
    assert (
        await db.fetchval(
            "select count(*) from job_clock where line_id = $1 and ended_at is null",
            order.labour[0],
        )
        == 0
    )
    assert rule(await gql(client, CLOCK_ON, {"l": line(order.labour[0])}, tech)) == "job_done"

    body = await gql(client, FINISH, {"l": line(order.labour[1])}, tech)
    assert not body.get("errors"), body
    assert body["data"]["finishJob"]["orderStatus"] == "WORK_DONE"
    row = await db.fetchrow("select status, work_done_at from repair_order where id = $1", order.id)
    assert row["status"] == "work_done" and row["work_done_at"] is not None
    assert (
        await db.fetchval(
            "select count(*) from order_event where repair_order_id = $1 and to_status = 'work_done'",
            order.id,
        )
        == 1
    )
    # Nothing is clocked on an order that is no longer in progress.
    await db.execute(
        "update repair_order_line set job_status = 'paused' where id = $1", order.labour[1]
    )
    assert rule(await gql(client, CLOCK_ON, {"l": line(order.labour[1])}, tech)) == (
        "clock_needs_work_in_progress"
    )


async def test_clocked_hours_per_line_and_technician(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    order = await dispatched(db, shop, to=None, team="A")
    for post in ("technician", "technician2"):
        await put_on_shift(db, shop.dealer_id, shop.users[post], team="A", hours=8)
    await db.execute(
        "insert into job_clock (dealer_id, line_id, technician_user_id, started_at, ended_at)"
        " values ($1, $2, $3, now() - interval '3 hours', now() - interval '90 minutes'),"
        "        ($1, $2, $4, now() - interval '2 hours', now() - interval '1 hour')",
        shop.dealer_id,
        order.labour[0],
        shop.users["technician"],
        shop.users["technician2"],
    )
    body = await gql(
        client,
        "{ workshopBoard { orders { jobs { clockedHours clockedOn } }"
        "  technicians { technician { username } clockedHoursToday shiftHours clockedOnJobId } } }",
        headers=await sign_in("technician"),
    )
    assert not body.get("errors"), body
    board = body["data"]["workshopBoard"]
    assert board["orders"][0]["jobs"] == [{"clockedHours": "2.50", "clockedOn": False}]
    hours = {t["technician"]["username"]: t["clockedHoursToday"] for t in board["technicians"]}
    # Clocks that started before the dealer's midnight count for the day before.
    today_start = await db.fetchval(
        "select (date_trunc('day', now() at time zone time_zone) at time zone time_zone)"
        " < now() - interval '3 hours' from dealer where id = $1",
        shop.dealer_id,
    )
    if today_start:
        assert hours == {
            shop.usernames["technician"]: "1.50",
            shop.usernames["technician2"]: "1.00",
        }


REOPEN = f"mutation($l: ID!) {{ reopenJob(input: {{lineId: $l}}) {{ {PAYLOAD} }} }}"


async def test_rework_reopens_a_job_and_finishing_it_again_ends_the_work(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    order = await dispatched(db, shop, labour_hours=["1", "2"])
    tech = await sign_in("technician")
    leader = await sign_in("leader")
    for line_id in order.labour:
        assert not (await gql(client, FINISH, {"l": line(line_id)}, tech)).get("errors")
    assert rule(await gql(client, REOPEN, {"l": line(order.labour[0])}, leader)) == (
        "reopen_needs_rework"
    )
    # A failed check sends the order back to in_progress (past the API here).
    await db.execute(
        "update repair_order set status = 'in_progress', rework_count = 1 where id = $1",
        order.id,
    )
    body = await gql(client, REOPEN, {"l": line(order.labour[0])}, tech)
    assert body["errors"][0]["extensions"]["permission"] == "dispatch:assign"
    body = await gql(client, REOPEN, {"l": line(order.labour[0])}, leader)
    assert not body.get("errors"), body
    assert [j["jobStatus"] for j in body["data"]["reopenJob"]["order"]["jobs"]] == [
        "DISPATCHED",
        "DONE",
    ]
    assert rule(await gql(client, REOPEN, {"l": line(order.labour[0])}, leader)) == (
        "reopen_needs_done_job"
    )
    assert not (await gql(client, CLOCK_ON, {"l": line(order.labour[0])}, tech)).get("errors")
    body = await gql(client, FINISH, {"l": line(order.labour[0])}, tech)
    assert body["data"]["finishJob"]["orderStatus"] == "WORK_DONE"
