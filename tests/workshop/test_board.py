"""The workshop board: every open order of the dealer with its vehicle, customer,
advisor, bay, jobs and the late / waiting-for-parts flags, in one query."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.workshop.factories_workshop import (
    Workshop,
    dealer_today,
    make_bay,
    make_board_order,
    reserve,
)

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]

BOARD = """
{ workshopBoard { orders {
    id number status promisedAt late waitingForParts reworkCount customerName
    vehicle { id plate model } advisor { id username } bay { code name }
    jobs { id description hours approved jobStatus team technician { username } clockedHours }
} } }
"""


def flags(orders: list[dict]) -> dict[str, tuple[bool, bool]]:
    return {o["number"]: (o["late"], o["waitingForParts"]) for o in orders}


async def number(db: asyncpg.Connection, order_id: int) -> str:
    value: str = await db.fetchval("select number from repair_order where id = $1", order_id)
    return value


async def test_board_shows_open_orders_with_their_jobs(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    bay = await make_bay(db, shop.dealer_id, "Q1")
    promised = datetime(2031, 5, 1, 9, 30, tzinfo=UTC)
    running = await make_board_order(
        db, shop, "in_progress", labour_hours=["1.5", "0.75"], bay_id=bay, promised_at=promised
    )
    await db.execute(
        "update repair_order_line set job_status = 'dispatched', technician_user_id = $2"
        " where id = $1",
        running.labour[0],
        shop.users["technician"],
    )
    quoted = await make_board_order(db, shop, "awaiting_approval", line_status="proposed")
    ready = await make_board_order(db, shop, "ready")
    await make_board_order(db, shop, "delivered")
    await make_board_order(db, shop, "cancelled")
    await make_board_order(db, shop, dealer_id=shop.other_dealer_id)

    body = await gql(client, BOARD, headers=await sign_in("technician"))
    assert not body.get("errors"), body
    orders = body["data"]["workshopBoard"]["orders"]
    assert [o["id"] for o in orders] == [
        global_id("RepairOrder", pk) for pk in (running.id, quoted.id, ready.id)
    ]
    first = orders[0]
    assert first["status"] == "IN_PROGRESS"
    assert first["promisedAt"] == "2031-05-01T09:30:00+00:00"
    assert first["customerName"] == "Wang Lei"
    assert first["vehicle"]["model"] == "Passat"
    assert first["vehicle"]["id"] == global_id("Vehicle", shop.vehicle_id)
    assert first["advisor"] == {
        "id": global_id("StaffUser", shop.users["advisor"]),
        "username": shop.usernames["advisor"],
    }
    assert first["bay"] == {"code": "Q1", "name": "Bay Q1"}
    assert first["jobs"] == [
        {
            "id": global_id("RepairOrderLine", running.labour[0]),
            "description": "Labour",
            "hours": "1.50",
            "approved": True,
            "jobStatus": "DISPATCHED",
            "team": "",
            "technician": {"username": shop.usernames["technician"]},
            "clockedHours": "0.00",
        },
        {
            "id": global_id("RepairOrderLine", running.labour[1]),
            "description": "Labour",
            "hours": "0.75",
            "approved": True,
            "jobStatus": "PENDING",
            "team": "",
            "technician": None,
            "clockedHours": "0.00",
        },
    ]
    assert orders[1]["jobs"][0]["approved"] is False
    assert orders[2]["bay"] is None


async def test_late_means_promised_time_passed_and_not_ready(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    past = datetime.now(UTC) - timedelta(hours=1)
    future = datetime.now(UTC) + timedelta(hours=1)
    late = await make_board_order(db, shop, "in_progress", promised_at=past)
    on_time = await make_board_order(db, shop, "in_progress", promised_at=future)
    done_late = await make_board_order(db, shop, "work_done", promised_at=past)
    ready = await make_board_order(db, shop, "ready", promised_at=past)
    no_promise = await make_board_order(db, shop, "open")
    body = await gql(client, BOARD, headers=await sign_in("advisor"))
    assert not body.get("errors"), body
    got = flags(body["data"]["workshopBoard"]["orders"])
    assert got == {
        await number(db, late.id): (True, False),
        await number(db, on_time.id): (False, False),
        await number(db, done_late.id): (True, False),
        await number(db, ready.id): (False, False),
        await number(db, no_promise.id): (False, False),
    }


async def test_waiting_for_parts(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    covered = await make_board_order(db, shop, labour_hours=[], parts=[Decimal(2)])
    await reserve(db, shop, covered.parts[0], Decimal(2))
    short = await make_board_order(db, shop, labour_hours=[], parts=[Decimal(3)])
    await reserve(db, shop, short.parts[0], Decimal(1))
    unreserved = await make_board_order(db, shop, labour_hours=[], parts=[Decimal(1)])
    issued = await make_board_order(db, shop, labour_hours=[], parts=[Decimal(1)])
    reservation = await reserve(db, shop, issued.parts[0], Decimal(1))
    await db.execute("update stock_reservation set status = 'issued' where id = $1", reservation)
    no_parts = await make_board_order(db, shop)

    today = await dealer_today(db, shop.dealer_id)
    appointments = []
    for expected in (today + timedelta(days=2), today):
        appointments.append(
            await db.fetchval(
                "insert into appointment (dealer_id, customer_id, vehicle_id, starts_at,"
                " work_date, status, parts_expected_on) values ($1, $2, $3, now(), $4,"
                " 'arrived', $5) returning id",
                shop.dealer_id,
                shop.customer_id,
                shop.vehicle_id,
                today,
                expected,
            )
        )
    parts_later = await make_board_order(db, shop, appointment_id=appointments[0])
    parts_today = await make_board_order(db, shop, appointment_id=appointments[1])

    body = await gql(client, BOARD, headers=await sign_in("advisor"))
    assert not body.get("errors"), body
    waiting = {n: w for n, (_late, w) in flags(body["data"]["workshopBoard"]["orders"]).items()}
    assert waiting == {
        await number(db, covered.id): False,
        await number(db, short.id): True,
        await number(db, unreserved.id): True,
        await number(db, issued.id): False,
        await number(db, no_parts.id): False,
        await number(db, parts_later.id): True,
        await number(db, parts_today.id): False,
    }

    # Held stock that left the shelf (on hand below what is reserved) is not available.
    await db.execute(
        "insert into stock_movement (dealer_id, stock_item_id, kind, quantity)"
        " values ($1, $2, 'write_off', -19)",
        shop.dealer_id,
        shop.stock_item_id,
    )
    body = await gql(client, BOARD, headers=await sign_in("advisor"))
    assert flags(body["data"]["workshopBoard"]["orders"])[await number(db, covered.id)] == (
        False,
        True,
    )


async def test_board_needs_workshop_board_read(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    await make_board_order(db, shop)
    body = await gql(client, BOARD, headers=await sign_in("cashier"))
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["permission"] == "workshop_board:read"


async def test_board_is_one_query_whatever_the_number_of_orders(
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    shop: Workshop,
    sign_in: SignIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No N+1: the statements a board request runs do not grow with the orders."""
    headers = await sign_in("advisor")
    sent: list[str] = []
    execute = asyncpg.connection.Connection._execute

    async def counting(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        sent.append(query)
        return await execute(self, query, *args, **kwargs)

    async def statements() -> int:
        # Signing in touches staff_user, whose NOTIFY makes the policy store reload
        # (debounced) a moment later; let it finish so only the board's statements count.
        await asyncio.sleep(0.5)
        sent.clear()
        monkeypatch.setattr(asyncpg.connection.Connection, "_execute", counting)
        try:
            body = await gql(client, BOARD, headers=headers)
        finally:
            monkeypatch.setattr(asyncpg.connection.Connection, "_execute", execute)
        assert not body.get("errors"), body
        assert len(body["data"]["workshopBoard"]["orders"]) >= 2
        return len(sent)

    for _ in range(2):
        await make_board_order(db, shop, "in_progress", labour_hours=["1", "2"], parts=[1])
    few = await statements()
    for _ in range(10):
        await make_board_order(db, shop, "in_progress", labour_hours=["1", "2"], parts=[1])
    many = await statements()
    assert many == few
    assert sum("from repair_order o" in q for q in sent) == 1


async def test_one_order_for_patching_the_board(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    query = "query($id: ID!) { workshopBoardOrder(id: $id) { id status jobs { hours } } }"
    running = await make_board_order(db, shop, "in_progress")
    delivered = await make_board_order(db, shop, "delivered")
    theirs = await make_board_order(db, shop, dealer_id=shop.other_dealer_id)
    headers = await sign_in("technician")

    body = await gql(client, query, {"id": global_id("RepairOrder", running.id)}, headers)
    assert body["data"]["workshopBoardOrder"] == {
        "id": global_id("RepairOrder", running.id),
        "status": "IN_PROGRESS",
        "jobs": [{"hours": "1.50"}],
    }
    for gone in (delivered.id, theirs.id):
        body = await gql(client, query, {"id": global_id("RepairOrder", gone)}, headers)
        assert body["data"] == {"workshopBoardOrder": None}
        assert "errors" not in body
    body = await gql(client, query, {"id": global_id("StaffUser", 1)}, headers)
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}
