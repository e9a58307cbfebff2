"""Reading orders: the list with status filter and pages, nodes, and another dealer's
orders staying invisible (null nodes, NOT_FOUND for mutations)."""

from __future__ import annotations

import asyncpg
import httpx

from tests.service_orders.factories_orders import Workshop, make_customer
from tests.service_orders.order_steps import (
    ADD_LINE,
    OPEN,
    SignIn,
    approved_order,
    gid,
    ok,
    refused,
)

LIST = """
query($status: [RepairOrderStatus!], $first: Int, $after: String) {
  repairOrders(status: $status, first: $first, after: $after) {
    edges { cursor node { number status } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
NODES = """
query($order: ID!, $line: ID!, $revision: ID!) {
  order: node(id: $order) { id ... on RepairOrder { number } }
  line: node(id: $line) { id }
  revision: node(id: $revision) { id }
}
"""


async def test_list_filters_and_pages(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    advisor = await sign_in("advisor")
    await approved_order(client, api_shop, sign_in)
    numbers = []
    for i in range(3):
        _, vehicle = await make_customer(db, api_shop.dealer_id, f"Queue {i}")
        data = await ok(
            client,
            OPEN,
            {"input": {"vehicleId": gid("Vehicle", vehicle), "mileageIn": 10}},
            advisor,
        )
        numbers.append(data["openRepairOrder"]["number"])
    first = (await ok(client, LIST, {"status": ["OPEN"], "first": 2}, advisor))["repairOrders"]
    assert [e["node"]["number"] for e in first["edges"]] == numbers[::-1][:2]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await ok(
        client,
        LIST,
        {"status": ["OPEN"], "first": 2, "after": first["pageInfo"]["endCursor"]},
        advisor,
    )
    assert [e["node"]["number"] for e in rest["repairOrders"]["edges"]] == numbers[:1]
    approved = await ok(client, LIST, {"status": ["APPROVED"]}, advisor)
    assert [e["node"]["status"] for e in approved["repairOrders"]["edges"]] == ["APPROVED"]
    everything = await ok(client, LIST, {}, advisor)
    assert len(everything["repairOrders"]["edges"]) == 4
    cashier = await ok(client, LIST, {}, await sign_in("cashier"))
    assert len(cashier["repairOrders"]["edges"]) == 4


async def test_another_dealers_order_is_invisible(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn
) -> None:
    placed = await approved_order(client, api_shop, sign_in)
    advisor = await sign_in("advisor")
    shown = await ok(
        client,
        "query($id: ID!) { node(id: $id) { ... on RepairOrder { revisions { id } } } }",
        {"id": placed["id"]},
        advisor,
    )
    ids = {
        "order": placed["id"],
        "line": placed["lines"][0]["id"],
        "revision": shown["node"]["revisions"][0]["id"],
    }
    mine = await ok(client, NODES, ids, advisor)
    assert mine["order"]["number"] == placed["number"]
    assert mine["line"] and mine["revision"]
    foreign = await sign_in("other_advisor")
    theirs = await ok(client, NODES, ids, foreign)
    assert theirs == {"order": None, "line": None, "revision": None}
    listed = await ok(client, LIST, {}, foreign)
    assert listed["repairOrders"]["edges"] == []
    add = await refused(
        client, ADD_LINE,
        {"input": {"orderId": placed["id"], "kind": "LABOUR", "description": "x", "hours": "1"}},
        foreign,
    )  # fmt: skip
    assert add["code"] == "NOT_FOUND"
    signed_out = await refused(client, LIST, {}, {})
    assert signed_out["code"] == "UNAUTHENTICATED"


async def test_what_a_technician_sees_of_an_order(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn
) -> None:
    placed = await approved_order(client, api_shop, sign_in)
    seen = await ok(
        client,
        """query($id: ID!) { node(id: $id) { ... on RepairOrder {
             number customer { name } vehicle { vin } revisions { id } settlement { customerAmount }
             lines { description } } } }""",
        {"id": placed["id"]},
        await sign_in("technician"),
    )
    node = seen["node"]
    assert node["number"] == placed["number"]
    assert node["customer"] is None  # no customer:read
    assert node["vehicle"]["vin"] == placed["vehicle"]["vin"]
    assert node["revisions"] == []  # no quotation:read
    assert len(node["lines"]) == 3
