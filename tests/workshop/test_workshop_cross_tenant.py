"""Another dealer's workshop is invisible: its board, its jobs and its people."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.workshop.factories_workshop import Workshop, make_board_order, put_on_shift

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]

DISPATCH = """
mutation($line: ID!, $tech: ID) {
  dispatchJob(input: {lineId: $line, technicianId: $tech}) { orderStatus }
}
"""


async def test_boards_and_jobs_stay_with_their_dealer(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    ours = await make_board_order(db, shop)
    theirs = await make_board_order(db, shop, dealer_id=shop.other_dealer_id)
    await put_on_shift(db, shop.dealer_id, shop.users["technician"])
    outsider = await sign_in("other_advisor")

    body = await gql(client, "{ workshopBoard { orders { id } } }", headers=outsider)
    assert body["data"]["workshopBoard"]["orders"] == [{"id": global_id("RepairOrder", theirs.id)}]
    body = await gql(
        client, "{ workshopBoard { orders { id } } }", headers=await sign_in("advisor")
    )
    assert body["data"]["workshopBoard"]["orders"] == [{"id": global_id("RepairOrder", ours.id)}]

    # Our job cannot be dispatched from the other dealer, not even to our own technician.
    body = await gql(
        client,
        DISPATCH,
        {
            "line": global_id("RepairOrderLine", ours.labour[0]),
            "tech": global_id("StaffUser", shop.users["technician"]),
        },
        outsider,
    )
    assert error_codes(body) == ["NOT_FOUND"]
    # Nor does their job go to our technician, who is not their staff.
    await put_on_shift(db, shop.other_dealer_id, shop.users["technician"])
    body = await gql(
        client,
        DISPATCH,
        {
            "line": global_id("RepairOrderLine", theirs.labour[0]),
            "tech": global_id("StaffUser", shop.users["technician"]),
        },
        outsider,
    )
    assert body["errors"][0]["extensions"]["rule"] == "technician_not_staff"

    # Our technician cannot clock on their job (it does not exist for our dealer).
    await db.execute("update repair_order set status = 'in_progress' where id = $1", theirs.id)
    await db.execute(
        "update repair_order_line set job_status = 'dispatched', technician_user_id = $2"
        " where id = $1",
        theirs.labour[0],
        shop.users["technician"],
    )
    body = await gql(
        client,
        "mutation($l: ID!) { clockOnJob(input: {lineId: $l}) { jobStatus } }",
        {"l": global_id("RepairOrderLine", theirs.labour[0])},
        await sign_in("technician"),
    )
    assert error_codes(body) == ["NOT_FOUND"]
    assert await db.fetchval("select count(*) from job_clock") == 0
    assert (
        await db.fetchval("select job_status from repair_order_line where id = $1", ours.labour[0])
        == "pending"
    )
