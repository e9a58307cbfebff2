"""Transfers (调拨) through GraphQL: requested from a suggestion or by hand, approved by the
giving dealer against its free stock, shipped on the giver's ledger at FIFO cost and
received on the requester's at that cost; every refusal of the state machine, of the
region and of the duties; and the region scoping of offers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import asyncpg
import httpx

from tests.conftest import reload_policies
from tests.factories import make_membership, make_user
from tests.parts.factories_parts import PartsShop, add_stock_item, book
from tests.parts.test_reorder_graphql import arrange, run_now, suggestions
from tests.service_orders.order_steps import gid, ok, pk, refused

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]
D = Decimal

FIELDS = """
  id number status side quantity unitCost partNumber decisionNote actions
  requestingDealer { id code } givingDealer { id code }
  suggestion { id status } requestedBy { displayName } decidedBy { displayName }
"""
REQUEST = f"""
mutation($input: RequestPartsTransferInput!) {{ requestPartsTransfer(input: $input) {{ {FIELDS} }} }}
"""
APPROVE = f"""
mutation($id: ID!, $note: String! = "") {{
  approvePartsTransfer(input: {{id: $id, note: $note}}) {{ {FIELDS} }}
}}
"""
REJECT = f"""
mutation($id: ID!, $note: String! = "") {{
  rejectPartsTransfer(input: {{id: $id, note: $note}}) {{ {FIELDS} }}
}}
"""
SHIP = f"mutation($id: ID!) {{ shipPartsTransfer(id: $id) {{ {FIELDS} }} }}"
RECEIVE = f"mutation($id: ID!) {{ receivePartsTransfer(id: $id) {{ {FIELDS} }} }}"
CANCEL = f"""
mutation($id: ID!, $reason: String!) {{
  cancelPartsTransfer(input: {{id: $id, reason: $reason}}) {{ {FIELDS} }}
}}
"""
LIST = f"""
query($side: TransferSide!) {{
  partsTransfers(side: $side) {{ edges {{ node {{ {FIELDS} }} }} }}
}}
"""
OFFERS = """
query($part: ID!) {
  transferOffers(partId: $part) { dealerId dealerCode partNumber quantity slowMoving }
}
"""


async def listed(client: httpx.AsyncClient, headers: Headers, side: str) -> list[dict[str, Any]]:
    data = await ok(client, LIST, {"side": side}, headers)
    return [e["node"] for e in data["partsTransfers"]["edges"]]


async def request_pads(
    client: httpx.AsyncClient, shop: PartsShop, headers: Headers, qty: str, **extra: Any
) -> dict[str, Any]:
    variables = {
        "sourceDealerId": gid("Dealer", shop.peer_dealer_id),
        "partId": gid("Part", shop.parts["pad"]),
        "quantity": qty,
        **extra,
    }
    transfer: dict[str, Any] = (await ok(client, REQUEST, {"input": variables}, headers))[
        "requestPartsTransfer"
    ]
    return transfer


async def on_hand(db: asyncpg.Connection, item: int) -> Decimal:
    value: Decimal = await db.fetchval("select on_hand from stock_item where id = $1", item)
    return value


async def test_from_suggestion_to_both_ledgers(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, parts_shop: PartsShop
) -> None:
    await arrange(db, parts_shop)
    planner = await sign_in("planner")
    await run_now(client, parts_shop, planner)
    pad = (await suggestions(client, planner, transferAvailable=True))[0]
    offer = pad["transferOffers"][0]
    transfer = (
        await ok(
            client,
            REQUEST,
            {
                "input": {
                    "sourceDealerId": offer["dealerId"],
                    "partId": gid("Part", parts_shop.parts["pad"]),
                    "suggestionId": pad["id"],
                    "quantity": "6",
                }
            },
            planner,
        )
    )["requestPartsTransfer"]
    assert (transfer["status"], transfer["side"], transfer["quantity"]) == (
        "REQUESTED",
        "RECEIVING",
        "6.00",
    )
    assert transfer["suggestion"] == {"id": pad["id"], "status": "TRANSFERRED"}
    assert transfer["number"].endswith("-001") and "-TR-" in transfer["number"]
    assert transfer["actions"] == ["CANCEL"]

    # The giving dealer's parts manager sees it (not the requester's staff) and approves.
    giver = await sign_in("peer_parts_manager")
    (incoming,) = await listed(client, giver, "GIVING")
    assert incoming["id"] == transfer["id"] and incoming["side"] == "GIVING"
    assert incoming["actions"] == ["APPROVE", "REJECT"]
    assert incoming["requestedBy"] is None and incoming["suggestion"] is None
    approved = (await ok(client, APPROVE, {"id": transfer["id"]}, giver))["approvePartsTransfer"]
    assert approved["status"] == "APPROVED" and approved["decidedBy"] is not None
    assert approved["actions"] == []  # shipping is the keeper's

    peer_keeper = await sign_in("peer_keeper")
    (to_ship,) = await listed(client, peer_keeper, "GIVING")
    assert to_ship["actions"] == ["SHIP"]
    shipped = (await ok(client, SHIP, {"id": transfer["id"]}, peer_keeper))["shipPartsTransfer"]
    assert (shipped["status"], shipped["unitCost"]) == ("SHIPPED", "245.00")  # FIFO at the giver
    assert await on_hand(db, parts_shop.peer_items["pad"]) == D(6)

    keeper = await sign_in("keeper")
    (to_receive,) = await listed(client, keeper, "RECEIVING")
    assert to_receive["actions"] == ["RECEIVE"]
    received = (await ok(client, RECEIVE, {"id": transfer["id"]}, keeper))["receivePartsTransfer"]
    assert received["status"] == "RECEIVED"
    assert await on_hand(db, parts_shop.items["pad"]) == D(10)

    moves = await db.fetch(
        "select dealer_id, kind, quantity, unit_cost, document_type from stock_movement"
        " where document_id = $1 and document_type = 'parts_transfer' order by id",
        pk(transfer["id"]),
    )
    assert [tuple(m) for m in moves] == [
        (parts_shop.peer_dealer_id, "transfer_out", D(-6), D(245), "parts_transfer"),
        (parts_shop.dealer_id, "transfer_in", D(6), D(245), "parts_transfer"),
    ]
    lot_cost = await db.fetchval(
        "select l.unit_cost from stock_lot l join stock_movement m on m.id = l.movement_id"
        " where m.kind = 'transfer_in'"
    )
    assert lot_cost == D(245)
    audit = await db.fetch(
        "select dealer_id, action from audit_entry where object_type = 'parts_transfer' order by id"
    )
    assert [(a["dealer_id"], a["action"]) for a in audit] == [
        (parts_shop.dealer_id, "parts_transfer.request"),
        (parts_shop.peer_dealer_id, "parts_transfer.approved"),
        (parts_shop.peer_dealer_id, "parts_transfer.shipped"),
        (parts_shop.dealer_id, "parts_transfer.received"),
    ]


async def test_a_part_never_stocked_gets_an_item_on_receipt(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, parts_shop: PartsShop
) -> None:
    await db.execute(
        "delete from stock_item where id = $1", parts_shop.items["old_pad"]
    )  # no movements
    old_pad = await add_stock_item(db, parts_shop.peer_dealer_id, parts_shop.parts["old_pad"])
    await book(db, parts_shop.peer_dealer_id, old_pad, "receipt", "3", unit_cost="230")
    planner = await sign_in("planner")
    transfer = (
        await ok(
            client,
            REQUEST,
            {
                "input": {
                    "sourceDealerId": gid("Dealer", parts_shop.peer_dealer_id),
                    "partId": gid("Part", parts_shop.parts["old_pad"]),
                    "quantity": "3",
                }
            },
            planner,
        )
    )["requestPartsTransfer"]
    await ok(client, APPROVE, {"id": transfer["id"]}, await sign_in("peer_parts_manager"))
    await ok(client, SHIP, {"id": transfer["id"]}, await sign_in("peer_keeper"))
    await ok(client, RECEIVE, {"id": transfer["id"]}, await sign_in("keeper"))
    item = await db.fetchrow(
        "select id, on_hand from stock_item where dealer_id = $1 and part_id = $2",
        parts_shop.dealer_id,
        parts_shop.parts["old_pad"],
    )
    assert item["on_hand"] == D(3)


async def test_refusals_of_the_state_machine_and_the_giver(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, parts_shop: PartsShop
) -> None:
    planner, giver = await sign_in("planner"), await sign_in("peer_parts_manager")
    peer_keeper, keeper = await sign_in("peer_keeper"), await sign_in("keeper")
    manager = await sign_in("parts_manager")

    # More than the giver's 12 free pads: refused on approval, naming what is missing.
    greedy = await request_pads(client, parts_shop, planner, "13")
    error = await refused(client, APPROVE, {"id": greedy["id"]}, giver)
    assert (error["code"], error["missing"]) == ("INSUFFICIENT_STOCK", "1.00")
    # Rejecting needs a reason; a rejected transfer is final.
    error = await refused(client, REJECT, {"id": greedy["id"]}, giver)
    assert (error["rule"], error["field"]) == ("reason_required", "note")
    rejected = (await ok(client, REJECT, {"id": greedy["id"], "note": "kept for a fleet"}, giver))[
        "rejectPartsTransfer"
    ]
    assert (rejected["status"], rejected["decisionNote"]) == ("REJECTED", "kept for a fleet")
    error = await refused(client, APPROVE, {"id": greedy["id"]}, giver)
    assert (error["code"], error["rule"]) == ("BAD_USER_INPUT", "status_transition")

    transfer = await request_pads(client, parts_shop, planner, "4")
    # Nothing ships or arrives before its step; the requester cannot approve its own.
    error = await refused(client, SHIP, {"id": transfer["id"]}, peer_keeper)
    assert error["rule"] == "status_transition"
    error = await refused(client, RECEIVE, {"id": transfer["id"]}, keeper)
    assert error["rule"] == "status_transition"
    error = await refused(client, APPROVE, {"id": transfer["id"]}, manager)
    assert error["code"] == "NOT_FOUND"
    # The giver's keeper may ship but not approve.
    error = await refused(client, APPROVE, {"id": transfer["id"]}, peer_keeper)
    assert (error["code"], error["permission"]) == ("FORBIDDEN", "parts_transfer:approve")
    await ok(client, APPROVE, {"id": transfer["id"]}, giver)
    # Promised stock is not free: 12 - 4 approved leaves 8 for the next request.
    third = await request_pads(client, parts_shop, planner, "9")
    error = await refused(client, APPROVE, {"id": third["id"]}, giver)
    assert (error["code"], error["available"]) == ("INSUFFICIENT_STOCK", "8.00")
    await ok(client, SHIP, {"id": transfer["id"]}, peer_keeper)
    error = await refused(client, CANCEL, {"id": transfer["id"], "reason": "late"}, planner)
    assert error["rule"] == "status_transition"
    error = await refused(client, SHIP, {"id": transfer["id"]}, peer_keeper)
    assert error["rule"] == "status_transition"
    # The giver cannot receive what it shipped: only the requester's side can.
    error = await refused(client, RECEIVE, {"id": transfer["id"]}, peer_keeper)
    assert error["code"] == "NOT_FOUND"


async def test_the_approver_does_not_ship_it(
    db: asyncpg.Connection,
    app: object,
    client: httpx.AsyncClient,
    sign_in: SignIn,
    parts_shop: PartsShop,
) -> None:
    both = await make_user(db, "peer_manager_and_keeper")
    await make_membership(
        db, parts_shop.peer_dealer_id, both, ["parts_manager", "warehouse_keeper"]
    )
    await reload_policies(app)
    from tests.api.graphql_client import bearer

    person = await bearer(client, "peer_manager_and_keeper")
    transfer = await request_pads(client, parts_shop, await sign_in("planner"), "2")
    await ok(client, APPROVE, {"id": transfer["id"]}, person)
    error = await refused(client, SHIP, {"id": transfer["id"]}, person)
    assert error["code"] == "SEGREGATION_OF_DUTIES"
    await ok(client, SHIP, {"id": transfer["id"]}, await sign_in("peer_keeper"))


async def test_cancel_reopens_the_suggestion(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, parts_shop: PartsShop
) -> None:
    await arrange(db, parts_shop)
    planner = await sign_in("planner")
    await run_now(client, parts_shop, planner)
    pad = (await suggestions(client, planner, transferAvailable=True))[0]
    transfer = await request_pads(client, parts_shop, planner, "2", suggestionId=pad["id"])
    error = await refused(client, CANCEL, {"id": transfer["id"], "reason": " "}, planner)
    assert error["rule"] == "reason_required"
    cancelled = (await ok(client, CANCEL, {"id": transfer["id"], "reason": "ordered"}, planner))[
        "cancelPartsTransfer"
    ]
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["suggestion"]["status"] == "OPEN"


async def test_only_dealers_of_the_same_region(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, parts_shop: PartsShop
) -> None:
    await arrange(db, parts_shop)  # the far dealer (another region) has 20 pads
    planner = await sign_in("planner")
    error = await refused(
        client,
        REQUEST,
        {
            "input": {
                "sourceDealerId": gid("Dealer", parts_shop.far_dealer_id),
                "partId": gid("Part", parts_shop.parts["pad"]),
                "quantity": "2",
            }
        },
        planner,
    )
    assert (error["code"], error["rule"], error["field"]) == (
        "BAD_USER_INPUT",
        "same_region",
        "sourceDealerId",
    )
    error = await refused(
        client,
        REQUEST,
        {
            "input": {
                "sourceDealerId": gid("Dealer", parts_shop.dealer_id),
                "partId": gid("Part", parts_shop.parts["pad"]),
                "quantity": "2",
            }
        },
        planner,
    )
    assert error["rule"] == "other_dealer"
    # Offers: the peer's 6 pads above its max; the old pads it holds long unsold (slow
    # moving) count as pads too; the far dealer never appears.
    old_pad = await add_stock_item(db, parts_shop.peer_dealer_id, parts_shop.parts["old_pad"])
    await book(
        db, parts_shop.peer_dealer_id, old_pad, "receipt", "3", at="2025-01-10T10:00:00+08:00"
    )
    offers = (await ok(client, OFFERS, {"part": gid("Part", parts_shop.parts["pad"])}, planner))[
        "transferOffers"
    ]
    peer = gid("Dealer", parts_shop.peer_dealer_id)
    assert [(o["dealerId"], o["quantity"], o["slowMoving"]) for o in offers] == [
        (peer, "6.00", False),
        (peer, "3.00", True),
    ]
    # Asking with the old number finds the same family.
    offers_old = (
        await ok(client, OFFERS, {"part": gid("Part", parts_shop.parts["old_pad"])}, planner)
    )["transferOffers"]
    assert offers_old == offers
    # Requested quantities are promised: the offer shrinks.
    await request_pads(client, parts_shop, planner, "4")
    offers = (await ok(client, OFFERS, {"part": gid("Part", parts_shop.parts["pad"])}, planner))[
        "transferOffers"
    ]
    assert [o["quantity"] for o in offers] == ["3.00", "2.00"]


async def test_who_may_see_and_ask(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, parts_shop: PartsShop
) -> None:
    technician = await sign_in("technician")
    error = await refused(client, LIST, {"side": "GIVING"}, technician)
    assert (error["code"], error["permission"]) == ("FORBIDDEN", "parts_transfer:read")
    keeper = await sign_in("keeper")
    error = await refused(client, OFFERS, {"part": gid("Part", parts_shop.parts["pad"])}, keeper)
    assert error["permission"] == "parts_transfer:request"
    error = await refused(
        client,
        REQUEST,
        {
            "input": {
                "sourceDealerId": gid("Dealer", parts_shop.peer_dealer_id),
                "partId": gid("Part", parts_shop.parts["pad"]),
                "quantity": "1",
            }
        },
        keeper,
    )
    assert error["permission"] == "parts_transfer:request"
    # The far dealer sees none of the region's transfers.
    await request_pads(client, parts_shop, await sign_in("planner"), "1")
    far = await sign_in("far_parts_manager")
    assert (
        await listed(client, far, "GIVING") == [] and await listed(client, far, "RECEIVING") == []
    )
