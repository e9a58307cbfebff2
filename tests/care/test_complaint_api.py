"""Complaints through GraphQL: the whole way from intake to closing by the posts of the
digest, the buttons each viewer gets, permissions (FORBIDDEN naming the permission),
refused moves (BAD_USER_INPUT with the rule), the list's filters and counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.care.conftest import SignIn
from tests.care.factories_care import CareDesk

FIELDS = """
  id number status level channel department responsibleName customerName vehiclePlate
  dueAt agreedDueAt deadlineAt overdue escalationLevel viewerSteps
  actions { kind statusTo note actorName }
"""
OPEN = f"""
mutation($input: OpenComplaintInput!) {{ openComplaint(input: $input) {{ {FIELDS} }} }}
"""
ROUTE = f"""
mutation($input: RouteComplaintInput!) {{ routeComplaint(input: $input) {{ {FIELDS} }} }}
"""
AGREE = f"""
mutation($id: ID!, $r: String!, $at: DateTime!) {{
  agreeComplaintResolution(complaintId: $id, resolution: $r, agreedDueAt: $at) {{ {FIELDS} }}
}}
"""
RESOLVE = f"""
mutation($id: ID!, $n: String!) {{ resolveComplaint(complaintId: $id, note: $n) {{ {FIELDS} }} }}
"""
CLOSE = f"""
mutation($id: ID!, $c: String!) {{
  closeComplaint(complaintId: $id, confirmation: $c) {{ {FIELDS} }}
}}
"""
ONE = f"query($id: ID!) {{ complaint(id: $id) {{ {FIELDS} }} }}"
LIST = """
query($status: [ComplaintStatus!], $overdue: Boolean!, $mine: Boolean!, $search: String!,
      $esc: Boolean!) {
  complaints(status: $status, overdue: $overdue, mine: $mine, search: $search,
             escalatedToMe: $esc) { edges { node { number status } } }
  complaintCounts { status total overdue }
}
"""


async def _open(
    client: httpx.AsyncClient, desk: CareDesk, headers: dict[str, str], level: str = "GENERAL"
) -> dict[str, Any]:
    body = await gql(
        client,
        OPEN,
        {
            "input": {
                "customerId": global_id("Customer", desk.customer_id),
                "vehicleId": global_id("Vehicle", desk.vehicle_id),
                "channel": "PHONE",
                "level": level,
                "summary": "Rattle from the dashboard",
            }
        },
        headers,
    )
    assert not body.get("errors"), body
    ticket: dict[str, Any] = body["data"]["openComplaint"]
    return ticket


async def test_from_intake_to_closing(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_desk: CareDesk, sign_in: SignIn
) -> None:
    desk = api_desk
    cs, gm, workshop = await sign_in("cs"), await sign_in("gm"), await sign_in("workshop")
    ticket = await _open(client, desk, cs)
    assert (ticket["status"], ticket["overdue"], ticket["vehiclePlate"]) == (
        "RECEIVED",
        False,
        await db.fetchval("select plate from vehicle where id = $1", desk.vehicle_id),
    )
    assert ticket["number"].startswith("TS-")
    assert ticket["viewerSteps"] == ["CONTACT", "NOTE"]  # the CS may not route
    as_gm = await gql(client, ONE, {"id": ticket["id"]}, gm)
    assert as_gm["data"]["complaint"]["viewerSteps"] == ["ROUTED", "WITHDRAWN", "CONTACT", "NOTE"]

    routed = await gql(
        client,
        ROUTE,
        {
            "input": {
                "complaintId": ticket["id"],
                "department": "WORKSHOP",
                "responsibleUserId": global_id("StaffUser", desk.users["workshop"]),
            }
        },
        gm,
    )
    assert not routed.get("errors"), routed
    node = routed["data"]["routeComplaint"]
    assert (node["status"], node["department"]) == ("ROUTED", "WORKSHOP")
    assert node["responsibleName"] and node["dueAt"]

    when = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    agreed = await gql(client, AGREE, {"id": ticket["id"], "r": "Refit the panel", "at": when}, cs)
    assert agreed["data"]["agreeComplaintResolution"]["status"] == "AGREED"
    mine = await gql(client, ONE, {"id": ticket["id"]}, workshop)
    assert "RESOLVED" in mine["data"]["complaint"]["viewerSteps"]
    resolved = await gql(client, RESOLVE, {"id": ticket["id"], "n": "Panel refitted"}, workshop)
    assert resolved["data"]["resolveComplaint"]["status"] == "RESOLVED"
    closed = await gql(client, CLOSE, {"id": ticket["id"], "c": "Customer: quiet now"}, cs)
    final = closed["data"]["closeComplaint"]
    assert final["status"] == "CLOSED" and final["viewerSteps"] == []
    assert [a["kind"] for a in final["actions"]] == [
        "RECEIVED",
        "ROUTED",
        "AGREED",
        "RESOLVED",
        "CLOSED",
    ]
    assert final["actions"][1]["actorName"] is not None


async def test_permissions_and_refusals(
    client: httpx.AsyncClient, api_desk: CareDesk, sign_in: SignIn
) -> None:
    desk = api_desk
    cs, advisor, tech = await sign_in("cs"), await sign_in("advisor"), await sign_in("technician")
    ticket = await _open(client, desk, cs)
    denied = await gql(
        client, ROUTE, {"input": {"complaintId": ticket["id"], "department": "SERVICE"}}, advisor
    )
    assert error_codes(denied) == ["FORBIDDEN"]
    assert denied["errors"][0]["extensions"]["permission"] == "complaint:route"
    refused = await gql(client, CLOSE, {"id": ticket["id"], "c": "ok"}, cs)
    assert error_codes(refused) == ["BAD_USER_INPUT"]
    assert refused["errors"][0]["extensions"]["rule"] == "complaint_transition"
    not_staff = await gql(client, RESOLVE, {"id": ticket["id"], "n": "x"}, advisor)
    assert error_codes(not_staff) == ["FORBIDDEN"]
    hidden = await gql(client, ONE, {"id": ticket["id"]}, tech)
    assert hidden["data"]["complaint"] is None or error_codes(hidden) == ["FORBIDDEN"]


async def test_list_filters_and_counts(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_desk: CareDesk, sign_in: SignIn
) -> None:
    desk = api_desk
    cs, gm, front = await sign_in("cs"), await sign_in("gm"), await sign_in("front_desk")
    first = await _open(client, desk, cs)
    second = await _open(client, desk, cs)
    await gql(
        client,
        ROUTE,
        {
            "input": {
                "complaintId": second["id"],
                "department": "FRONT_DESK",
                "responsibleUserId": global_id("StaffUser", desk.users["front_desk"]),
            }
        },
        gm,
    )
    # The first waited for routing for more than a day: overdue and escalated to level 1.
    await db.execute(
        "update complaint set received_at = received_at - interval '25 hours',"
        " escalation_level = 1 where number = $1",
        first["number"],
    )

    async def numbers(headers: dict[str, str], **kw: Any) -> list[str]:
        args = {"status": None, "overdue": False, "mine": False, "search": "", "esc": False, **kw}
        body = await gql(client, LIST, args, headers)
        assert not body.get("errors"), body
        return [e["node"]["number"] for e in body["data"]["complaints"]["edges"]]

    assert await numbers(cs) == [second["number"], first["number"]]
    assert await numbers(cs, overdue=True) == [first["number"]]
    assert await numbers(cs, status=["ROUTED"]) == [second["number"]]
    assert await numbers(front, mine=True) == [second["number"]]
    assert await numbers(front, esc=True) == [first["number"]]  # duty escalated_complaints
    assert await numbers(gm, esc=True) == []  # level 3 only
    assert await numbers(cs, search=first["number"]) == [first["number"]]
    body = await gql(
        client,
        LIST,
        {"status": None, "overdue": False, "mine": False, "search": "", "esc": False},
        cs,
    )
    counts = {c["status"]: (c["total"], c["overdue"]) for c in body["data"]["complaintCounts"]}
    assert counts == {"RECEIVED": (1, 1), "ROUTED": (1, 0)}
