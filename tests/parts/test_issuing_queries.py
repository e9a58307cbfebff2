"""Reading requests: the keeper's queue of signed requests in bin order with keyset pages,
requests per order and status newest first, a request by its ID, and the issue slip."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx

from tests.parts.factories_parts import PartsShop
from tests.parts.stock_steps import (
    QUEUE,
    REQUEST_NODE,
    REQUESTS,
    SLIP,
    SignIn,
    add_part_line,
    gid,
    issue,
    ok,
    request_parts,
    signed_request,
)


def _nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


async def test_the_queue_walks_the_store_in_bin_order(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    keeper = await sign_in("keeper")
    oil = await signed_request(client, sign_in, await add_part_line(db, shop, "oil", "4"))
    filt = await signed_request(client, sign_in, shop.customer_line_id)
    await request_parts(client, await sign_in("technician"), shop.warranty_line_id)  # unsigned
    second_oil = await signed_request(client, sign_in, await add_part_line(db, shop, "oil", "1"))

    page = (await ok(client, QUEUE, {"first": 2}, keeper))["issueQueue"]
    rest = (await ok(client, QUEUE, {"after": page["pageInfo"]["endCursor"]}, keeper))["issueQueue"]
    queued = _nodes(page) + _nodes(rest)
    assert [n["id"] for n in queued] == [filt["id"], oil["id"], second_oil["id"]]
    assert [n["binLocation"] for n in queued] == ["A-01-1-01", "B-01-1-01", "B-01-1-01"]
    assert page["pageInfo"]["hasNextPage"] and not rest["pageInfo"]["hasNextPage"]
    plate = await db.fetchval("select plate from vehicle where id = $1", shop.vehicle_id)
    assert {n["plate"] for n in queued} == {plate}
    assert {n["requestedBy"]["username"] for n in queued} == {shop.usernames["technician"]}
    assert queued[0]["lineDescription"] == "filter"


async def test_requests_by_order_and_status_newest_first(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    advisor = await sign_in("advisor")
    first = await signed_request(client, sign_in, shop.customer_line_id)
    second = await request_parts(client, await sign_in("technician"), shop.warranty_line_id)
    await issue(client, await sign_in("keeper"), first["id"], "SCRAP")
    order = gid("RepairOrder", shop.order_id)

    everything = (await ok(client, REQUESTS, {"orderId": order, "first": 1}, advisor))[
        "partsRequests"
    ]
    older = (
        await ok(
            client,
            REQUESTS,
            {"orderId": order, "after": everything["pageInfo"]["endCursor"]},
            advisor,
        )
    )["partsRequests"]
    assert [n["id"] for n in _nodes(everything) + _nodes(older)] == [second["id"], first["id"]]
    issued = (await ok(client, REQUESTS, {"status": ["ISSUED"]}, advisor))["partsRequests"]
    assert [n["id"] for n in _nodes(issued)] == [first["id"]]
    other_order = await db.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " status, created_by) values ($1, 'T-OTHER', $2, $3, $4, 'in_progress', $4) returning id",
        shop.dealer_id,
        shop.customer_id,
        shop.vehicle_id,
        shop.users["advisor"],
    )
    none = (await ok(client, REQUESTS, {"orderId": gid("RepairOrder", other_order)}, advisor))[
        "partsRequests"
    ]
    assert none["edges"] == []


async def test_a_request_by_id_and_its_printable_slip(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    keeper = await sign_in("keeper")
    request = await signed_request(client, sign_in, shop.customer_line_id)
    await issue(client, keeper, request["id"], "HAND_OVER")
    node = (await ok(client, REQUEST_NODE, {"id": request["id"]}, keeper))["node"]
    assert (node["number"], node["status"], node["oldPart"]) == (
        request["number"],
        "ISSUED",
        "HAND_OVER",
    )
    slip = (await ok(client, SLIP, {"id": request["id"]}, keeper))["partsIssueSlip"]
    vehicle = await db.fetchrow("select * from vehicle where id = $1", shop.vehicle_id)
    dealer = await db.fetchrow("select * from dealer where id = $1", shop.dealer_id)
    part = await db.fetchrow("select * from part where id = $1", shop.parts["filter"])
    assert slip == {
        "number": request["number"],
        "status": "ISSUED",
        "dealerCode": dealer["code"],
        "dealerName": dealer["name"],
        "orderNumber": request["orderNumber"],
        "plate": vehicle["plate"],
        "vin": vehicle["vin"],
        "vehicleModel": "Passat",
        "lineDescription": "filter",
        "warranty": False,
        "partNumber": part["part_number"],
        "partName": "Oil filter",
        "partNameZh": "Oil filter件",
        "unit": "pc",
        "binLocation": "A-01-1-01",
        "quantity": "1.00",
        "returnedQty": "0.00",
        "unitCost": "50.00",
        "amount": "50.00",
        "oldPart": "HAND_OVER",
        "requestedBy": slip["requestedBy"],
        "requestedAt": slip["requestedAt"],
        "countersignedBy": slip["countersignedBy"],
        "countersignedAt": slip["countersignedAt"],
        "warrantySignedBy": None,
        "warrantySignedAt": None,
        "issuedBy": slip["issuedBy"],
        "issuedAt": slip["issuedAt"],
    }
    names = {
        r["id"]: r["display_name"]
        for r in await db.fetch("select id, display_name from staff_user")
    }
    assert (slip["requestedBy"], slip["countersignedBy"], slip["issuedBy"]) == (
        names[shop.users["technician"]],
        names[shop.users["advisor"]],
        names[shop.users["keeper"]],
    )
    assert slip["requestedAt"] <= slip["countersignedAt"] <= slip["issuedAt"]
