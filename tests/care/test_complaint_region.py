"""The region's severe complaints: the regional manager sees the severe tickets of the
region's dealers the moment they are received (open first, newest first), never the
other region's nor the non-severe ones, and may not act on them; staff of another
dealer see nothing."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.care.complaint_arrange import T0, file_complaint
from tests.care.conftest import SignIn
from tests.care.factories_care import CareDesk

REGION = """
query($open: Boolean!, $first: Int, $after: String) {
  regionSevereComplaints(openOnly: $open, first: $first, after: $after) {
    edges { node { number level status dealerCode customerName escalationLevel } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def _far_severe(db: asyncpg.Connection, desk: CareDesk) -> None:
    await db.execute(
        "insert into complaint (dealer_id, number, customer_id, channel, level, summary,"
        " escalation_level) values ($1, 'TS-FAR-1', $2, 'media', 'severe', 'Far away', 2)",
        desk.far_dealer_id,
        desk.far_customer_id,
    )


async def test_the_regional_manager_sees_severe_tickets_of_the_region_only(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_desk: CareDesk, sign_in: SignIn
) -> None:
    desk = api_desk
    old = await file_complaint(desk, level="severe", now=T0)
    await db.execute("update complaint set status = 'withdrawn' where id = $1", old["id"])
    severe = await file_complaint(desk, level="severe", now=T0 + timedelta(hours=1))
    newer = await file_complaint(desk, level="severe", now=T0 + timedelta(hours=2))
    await file_complaint(desk, level="serious")
    await _far_severe(db, desk)
    regional = await sign_in("regional")
    body = await gql(client, REGION, {"open": False, "first": 2}, regional)
    assert not body.get("errors"), body
    page = body["data"]["regionSevereComplaints"]
    assert [e["node"]["number"] for e in page["edges"]] == [newer["number"], severe["number"]]
    assert page["edges"][0]["node"]["escalationLevel"] == 2
    assert page["pageInfo"]["hasNextPage"]
    rest = await gql(
        client,
        REGION,
        {"open": False, "first": 2, "after": page["pageInfo"]["endCursor"]},
        regional,
    )
    assert [e["node"]["number"] for e in rest["data"]["regionSevereComplaints"]["edges"]] == [
        old["number"]
    ]
    only_open = await gql(client, REGION, {"open": True, "first": 10}, regional)
    assert len(only_open["data"]["regionSevereComplaints"]["edges"]) == 2

    one = await gql(
        client,
        "query($id: ID!) { complaint(id: $id) { number viewerSteps } }",
        {"id": global_id("Complaint", severe["id"])},
        regional,
    )
    assert one["data"]["complaint"] == {"number": severe["number"], "viewerSteps": []}


async def test_dealer_staff_and_other_dealers_see_no_region_view(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_desk: CareDesk, sign_in: SignIn
) -> None:
    desk = api_desk
    severe = await file_complaint(desk, level="severe")
    for post in ("gm", "cs", "far_cs"):
        body = await gql(client, REGION, {"open": False, "first": 10}, await sign_in(post))
        assert body["data"]["regionSevereComplaints"]["edges"] == [], post
    far = await gql(
        client,
        "query($id: ID!) { complaint(id: $id) { number } }",
        {"id": global_id("Complaint", severe["id"])},
        await sign_in("far_cs"),
    )
    assert far["data"]["complaint"] is None


async def test_the_regional_manager_cannot_act(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_desk: CareDesk, sign_in: SignIn
) -> None:
    desk = api_desk
    severe = await file_complaint(desk, level="severe")
    body = await gql(
        client,
        'mutation($id: ID!) { withdrawComplaint(complaintId: $id, reason: "x") { status } }',
        {"id": global_id("Complaint", severe["id"])},
        await sign_in("regional"),
    )
    assert error_codes(body) in (["FORBIDDEN"], ["DEALER_REQUIRED"])
