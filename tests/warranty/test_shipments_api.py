"""Old parts through GraphQL, end to end: the claims specialist tags and stores, the
manufacturer's warranty technician asks for the part, the dealer packs and ships it
with a packing list, the manufacturer receives and inspects it, and a part not
confirmed becomes a charge-back candidate. Who may do which step, and no dealer sees
another's parts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.warranty.factories_warranty import WarrantyDesk
from tests.warranty.money_steps import make_claim

SignIn = Callable[[str], Awaitable[dict[str, str]]]

PART_FIELDS = "id tag status location claimNumber vin partNumber mustReturn shipmentNumber"

TAG = f"""
mutation($line: ID!, $location: String!) {{
  tagOldPart(input: {{repairOrderLineId: $line, location: $location}}) {{ {PART_FIELDS} }}
}}"""
AWAITING = (
    f"""{{ oldPartsAwaitingRequest {{ edges {{ node {{ {PART_FIELDS} dealerCode }} }} }} }}"""
)
REQUEST = """
mutation($ids: [ID!]!, $note: String!) {
  requestOldPartReturns(input: {oldPartIds: $ids, note: $note}) { id status }
}"""
CREATE = 'mutation { createOldPartShipment(note: "weekly") { id number status } }'
ADD = """
mutation($s: ID!, $ids: [ID!]!) {
  addOldPartsToShipment(input: {shipmentId: $s, oldPartIds: $ids}) { id partCount }
}"""
SHIP = """
mutation($s: ID!, $carrier: String!, $tracking: String!) {
  shipOldPartShipment(input: {shipmentId: $s, carrier: $carrier, tracking: $tracking}) {
    id status carrier tracking shippedAt requestedByManufacturerAt
    packingList { tag partNumber partName partNameZh claimNumber vin quantity }
  }
}"""
TO_INSPECT = """{ oldPartShipmentsToInspect { edges { node { id number status dealerCode
  parts { id tag status } } } } }"""
RECEIVE = "mutation($s: ID!) { receiveOldPartShipment(shipmentId: $s) { status receivedAt } }"
INSPECT = """
mutation($p: ID!, $r: InspectionResult!, $n: String!) {
  inspectOldPart(input: {oldPartId: $p, result: $r, note: $n}) {
    status inspectionResult inspectionNote movements { fromStatus toStatus }
  }
}"""
CANDIDATES = """{ warrantyChargeBackCandidates { tag claimNumber result note suggestedAmount } }"""


def _rule(body: dict[str, Any]) -> tuple[str, str | None]:
    [error] = body["errors"]
    return error["extensions"]["code"], error["extensions"].get("rule")


async def test_tag_request_pack_ship_inspect_and_charge_back_candidate(
    db: asyncpg.Connection,
    client: httpx.AsyncClient,
    api_desk: WarrantyDesk,
    sign_in: SignIn,
) -> None:
    desk = api_desk
    claim = await make_claim(db, desk, status="approved")
    claims, reviewer = await sign_in("claims"), await sign_in("reviewer")
    line = global_id("RepairOrderLine", desk.part_line_id)

    body = await gql(client, TAG, {"line": line, "location": "OP-A-01"}, claims)
    part = body["data"]["tagOldPart"]
    assert (part["status"], part["location"], part["claimNumber"], part["vin"]) == (
        "STORED",
        "OP-A-01",
        claim.number,
        desk.vin,
    )

    awaiting = (await gql(client, AWAITING, headers=reviewer))["data"]["oldPartsAwaitingRequest"]
    assert [e["node"]["id"] for e in awaiting["edges"]] == [part["id"]]
    body = await gql(client, REQUEST, {"ids": [part["id"]], "note": ""}, reviewer)
    assert body["data"]["requestOldPartReturns"][0]["status"] == "REQUESTED"

    shipment = (await gql(client, CREATE, headers=claims))["data"]["createOldPartShipment"]
    assert shipment["status"] == "PACKING"
    body = await gql(client, ADD, {"s": shipment["id"], "ids": [part["id"]]}, claims)
    assert body["data"]["addOldPartsToShipment"]["partCount"] == 1
    body = await gql(client, SHIP, {"s": shipment["id"], "carrier": " ", "tracking": "1"}, claims)
    assert _rule(body) == ("BAD_USER_INPUT", "carrier_required")
    body = await gql(
        client, SHIP, {"s": shipment["id"], "carrier": "SF Express", "tracking": "SF1234"}, claims
    )
    shipped = body["data"]["shipOldPartShipment"]
    assert shipped["status"] == "SHIPPED" and shipped["requestedByManufacturerAt"] is not None
    [line_of_list] = shipped["packingList"]
    part_number = await db.fetchval("select part_number from part where id = $1", desk.part_id)
    assert line_of_list == {
        "tag": part["tag"],
        "partNumber": part_number,
        "partName": "Water pump",
        "partNameZh": "水泵",
        "claimNumber": claim.number,
        "vin": desk.vin,
        "quantity": "1.00",
    }

    inbox = (await gql(client, TO_INSPECT, headers=reviewer))["data"]["oldPartShipmentsToInspect"]
    [seen] = [e["node"] for e in inbox["edges"]]
    assert (seen["id"], seen["parts"][0]["status"]) == (shipment["id"], "SHIPPED")
    variables = {"p": part["id"], "r": "NOT_CONFIRMED", "n": ""}
    assert _rule(await gql(client, INSPECT, variables, reviewer)) == (
        "BAD_USER_INPUT",
        "shipment_not_received",
    )
    body = await gql(client, RECEIVE, {"s": shipment["id"]}, reviewer)
    assert body["data"]["receiveOldPartShipment"]["status"] == "RECEIVED"
    assert _rule(await gql(client, INSPECT, variables, reviewer)) == (
        "BAD_USER_INPUT",
        "note_required",
    )
    variables["n"] = "no leak found, seal intact"
    inspected = (await gql(client, INSPECT, variables, reviewer))["data"]["inspectOldPart"]
    assert inspected["inspectionResult"] == "NOT_CONFIRMED"
    assert [(m["fromStatus"], m["toStatus"]) for m in inspected["movements"]] == [
        (None, "TAGGED"),
        ("TAGGED", "STORED"),
        ("STORED", "REQUESTED"),
        ("REQUESTED", "SHIPPED"),
        ("SHIPPED", "INSPECTED"),
    ]
    assert _rule(await gql(client, INSPECT, variables, reviewer)) == (
        "BAD_USER_INPUT",
        "status_transition",
    )

    candidates = (await gql(client, CANDIDATES, headers=claims))["data"]
    assert candidates["warrantyChargeBackCandidates"] == [
        {
            "tag": part["tag"],
            "claimNumber": claim.number,
            "result": "NOT_CONFIRMED",
            "note": "no leak found, seal intact",
            "suggestedAmount": "680.00",
        }
    ]


async def test_packing_and_shipping_refusals(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_desk: WarrantyDesk, sign_in: SignIn
) -> None:
    desk = api_desk
    await make_claim(db, desk, status="submitted", approved=None)
    claims = await sign_in("claims")
    tagged = await gql(
        client,
        TAG,
        {"line": global_id("RepairOrderLine", desk.part_line_id), "location": "OP-A-02"},
        claims,
    )
    part = tagged["data"]["tagOldPart"]["id"]
    first = (await gql(client, CREATE, headers=claims))["data"]["createOldPartShipment"]["id"]
    second = (await gql(client, CREATE, headers=claims))["data"]["createOldPartShipment"]["id"]
    assert _rule(await gql(client, ADD, {"s": first, "ids": [part]}, claims)) == (
        "BAD_USER_INPUT",
        "part_not_requested",
    )
    assert _rule(
        await gql(client, SHIP, {"s": first, "carrier": "SF", "tracking": "1"}, claims)
    ) == ("BAD_USER_INPUT", "empty_shipment")
    body = await gql(client, REQUEST, {"ids": [part], "note": ""}, claims)
    assert _rule(body) == ("BAD_USER_INPUT", "request_reference_required")
    body = await gql(client, REQUEST, {"ids": [part], "note": "OEM notice 2026-44"}, claims)
    assert body["data"]["requestOldPartReturns"][0]["status"] == "REQUESTED"
    assert "errors" not in await gql(client, ADD, {"s": first, "ids": [part]}, claims)
    assert _rule(await gql(client, ADD, {"s": second, "ids": [part]}, claims)) == (
        "BAD_USER_INPUT",
        "in_other_shipment",
    )
    remove = """mutation($s: ID!, $p: ID!) {
      removeOldPartFromShipment(input: {shipmentId: $s, oldPartId: $p}) { partCount } }"""
    body = await gql(client, remove, {"s": first, "p": part}, claims)
    assert body["data"]["removeOldPartFromShipment"]["partCount"] == 0
    assert "errors" not in await gql(client, ADD, {"s": second, "ids": [part]}, claims)
    assert "errors" not in await gql(
        client, SHIP, {"s": second, "carrier": "SF", "tracking": "SF9"}, claims
    )
    assert _rule(await gql(client, remove, {"s": second, "p": part}, claims)) == (
        "BAD_USER_INPUT",
        "shipment_not_packing",
    )
    assert _rule(
        await gql(client, SHIP, {"s": second, "carrier": "SF", "tracking": "SF9"}, claims)
    ) == ("BAD_USER_INPUT", "shipment_not_packing")
    # Only a shipped batch can be received, only by the manufacturer.
    reviewer = await sign_in("reviewer")
    assert _rule(await gql(client, RECEIVE, {"s": first}, reviewer)) == (
        "BAD_USER_INPUT",
        "shipment_not_shipped",
    )


async def test_who_may_do_which_step(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_desk: WarrantyDesk, sign_in: SignIn
) -> None:
    desk = api_desk
    await make_claim(db, desk, status="submitted", approved=None)
    line = global_id("RepairOrderLine", desk.part_line_id)
    for post in ("technician", "keeper", "cashier"):
        body = await gql(client, TAG, {"line": line, "location": "X"}, await sign_in(post))
        assert error_codes(body) == ["FORBIDDEN"], post
        assert body["errors"][0]["extensions"]["permission"] == "old_parts:receive"
    keeper = await sign_in("old_parts_keeper")
    part = (await gql(client, TAG, {"line": line, "location": "X"}, keeper))["data"]["tagOldPart"]
    # The keeper reads the store; the warehouse keeper reads it too but cannot change it.
    store = "{ oldParts(status: [STORED]) { edges { node { tag } } } }"
    for post in ("old_parts_keeper", "keeper", "claims", "manager"):
        body = await gql(client, store, headers=await sign_in(post))
        assert [e["node"]["tag"] for e in body["data"]["oldParts"]["edges"]] == [part["tag"]], post
    body = await gql(client, store, headers=await sign_in("regional"))
    assert body["errors"][0]["extensions"]["permission"] == "old_parts:read"
    # Inspection and receiving are the manufacturer's.
    claims = await sign_in("claims")
    body = await gql(client, INSPECT, {"p": part["id"], "r": "CONFIRMED", "n": ""}, claims)
    assert body["errors"][0]["extensions"]["permission"] == "old_parts:inspect"
    # The manufacturer does not tag or ship for the dealer.
    reviewer = await sign_in("reviewer")
    body = await gql(client, CREATE, headers=reviewer)
    assert error_codes(body) == ["FORBIDDEN"]
    # Handing a warranty part to the customer is refused even to the keeper.
    hand_over = """mutation($p: ID!) { handOverOldPart(input: {oldPartId: $p}) { status } }"""
    assert _rule(await gql(client, hand_over, {"p": part["id"]}, keeper)) == (
        "BAD_USER_INPUT",
        "warranty_part_kept",
    )
    body = await gql(client, hand_over, {"p": part["id"]}, claims)
    assert body["errors"][0]["extensions"]["permission"] == "old_parts:release"


async def test_another_dealer_sees_and_touches_nothing(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_desk: WarrantyDesk, sign_in: SignIn
) -> None:
    desk = api_desk
    await make_claim(db, desk, status="submitted", approved=None)
    claims, far = await sign_in("claims"), await sign_in("far_claims")
    line = global_id("RepairOrderLine", desk.part_line_id)
    part = (await gql(client, TAG, {"line": line, "location": "X"}, claims))["data"]["tagOldPart"]
    shipment = (await gql(client, CREATE, headers=claims))["data"]["createOldPartShipment"]

    body = await gql(client, TAG, {"line": line, "location": "X"}, far)
    assert error_codes(body) == ["NOT_FOUND"]
    node = "query($id: ID!) { node(id: $id) { id } }"
    for gid in (part["id"], shipment["id"]):
        assert (await gql(client, node, {"id": gid}, far))["data"]["node"] is None
    store = "{ oldParts { edges { node { id } } } oldPartShipments { edges { node { id } } } }"
    body = await gql(client, store, headers=far)
    assert body["data"] == {"oldParts": {"edges": []}, "oldPartShipments": {"edges": []}}
    move = """mutation($p: ID!) { storeOldPart(input: {oldPartId: $p, location: "Y"}) { id } }"""
    assert error_codes(await gql(client, move, {"p": part["id"]}, far)) == ["NOT_FOUND"]
    own = (await gql(client, CREATE, headers=far))["data"]["createOldPartShipment"]["id"]
    assert error_codes(await gql(client, ADD, {"s": own, "ids": [part["id"]]}, far)) == [
        "NOT_FOUND"
    ]
    assert error_codes(await gql(client, ADD, {"s": shipment["id"], "ids": []}, far)) == [
        "NOT_FOUND"
    ]
    row = await db.fetchrow(
        "select location, shipment_id from old_part where tag = $1", part["tag"]
    )
    assert (row["location"], row["shipment_id"]) == ("X", None)
