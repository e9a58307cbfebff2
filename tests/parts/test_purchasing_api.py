"""Purchasing through GraphQL: a plan from shortages to shelved parts by the posts the
domain names (planner, parts manager, service manager, purchaser, keeper); every
resolver's permission; another dealer's plans, receipts and suppliers invisible and
untouchable; segregation answered as SEGREGATION_OF_DUTIES."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from decimal import Decimal

import asyncpg
import httpx

from tests.parts.factories_parts import PartsShop, book
from tests.parts.purchasing_steps import (
    APPROVE,
    CHECK,
    COUNT,
    OPEN_RECEIPT,
    ORDER,
    ORDERED,
    ORDERS,
    POST,
    REJECT,
    REVIEW,
    SHELVE,
    SUBMIT,
)
from tests.service_orders.order_steps import gid, ok, refused

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]
TOMORROW = (date.today() + timedelta(days=3)).isoformat()

SHORTAGES = """
query { purchaseShortages { quantity urgency position minQty maxQty part { partNumber } } }
"""
FROM_SHORTAGES = "mutation { createPlanFromShortages { id number status urgency lineCount } }"
SUPPLIERS = "query($all: Boolean!) { suppliers(includeInactive: $all) { id name active } }"
CREATE_SUPPLIER = """
mutation($input: SupplierInput!) { createSupplier(input: $input) { id name leadTimeDays active } }
"""
DEACTIVATE = """
mutation($id: ID!) { setSupplierActive(supplierId: $id, active: false) { id active } }
"""
RECEIPTS = "query { partsReceipts(first: 10) { edges { node { id number status } } } }"
CLAIMS = """
query { transportDamageClaims(status: [OPEN]) { edges { node { id quantity party } } } }
"""
CLAIM = """
mutation($input: RecordDamageClaimInput!) {
  recordDamageClaim(input: $input) { id status quantity receiptLine { claimableQty } }
}
"""


async def test_a_shortage_plan_goes_to_shelved_parts(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    shop = api_parts_shop
    await book(db, shop.dealer_id, shop.items["filter"], "issue", "-7")  # 3 left, min 5
    planner = await sign_in("planner")
    shortages = (await ok(client, SHORTAGES, {}, planner))["purchaseShortages"]
    assert [(s["quantity"], s["urgency"], s["position"]) for s in shortages] == [
        ("20.00", "REGULAR", "3.00")
    ]
    [plan] = (await ok(client, FROM_SHORTAGES, {}, planner))["createPlanFromShortages"]
    assert (plan["status"], plan["lineCount"]) == ("DRAFT", 1)
    await ok(client, SUBMIT, {"id": plan["id"]}, planner)
    await ok(client, REVIEW, {"id": plan["id"]}, await sign_in("parts_manager"))
    await ok(client, APPROVE, {"id": plan["id"]}, await sign_in("manager"))
    placed = await ok(
        client, ORDERED, {"input": {"orderId": plan["id"], "expectedOn": TOMORROW}}, planner
    )
    assert placed["markPurchaseOrderOrdered"]["status"] == "ORDERED"
    history = placed["markPurchaseOrderOrdered"]["history"]
    assert [h["toStatus"] for h in history] == ["SUBMITTED", "REVIEWED", "APPROVED", "ORDERED"]

    keeper = await sign_in("keeper")
    opened = await ok(
        client, OPEN_RECEIPT, {"input": {"purchaseOrderId": plan["id"], "deliveryNote": "SL-77"}},
        keeper,
    )  # fmt: skip
    receipt = opened["openReceipt"]
    [line] = receipt["lines"]
    assert (line["shippedQty"], line["countedQty"], line["unitCost"]) == ("20.00", None, "50.00")
    # The keeper is not the purchaser: the shipping list check is the planner's.
    error = await refused(client, CHECK, {"input": {"receiptId": receipt["id"]}}, keeper)
    assert (error["code"], error["permission"]) == ("FORBIDDEN", "purchase_order:create")
    checked = await ok(
        client,
        CHECK,
        {
            "input": {
                "receiptId": receipt["id"],
                "lines": [{"lineId": line["id"], "shippedQty": "20"}],
            }
        },
        planner,
    )
    assert (
        checked["checkShippingList"]["shippingListCheckedBy"]["username"]
        == (shop.usernames["planner"])
    )
    counted = await ok(
        client,
        COUNT,
        {
            "input": {
                "lineId": line["id"],
                "countedQty": "20",
                "refusedQty": "2",
                "quality": "DAMAGED",
            }
        },
        keeper,
    )
    [line] = counted["countReceiptLine"]["lines"]
    assert (line["acceptedQty"], line["refusedQty"], line["quality"]) == (
        "18.00",
        "2.00",
        "DAMAGED",
    )
    posted = (await ok(client, POST, {"id": receipt["id"]}, keeper))["postReceipt"]
    assert posted["status"] == "POSTED"
    assert posted["purchaseOrder"]["status"] == "PARTIALLY_RECEIVED"
    assert posted["lines"][0]["claimableQty"] == "2.00"
    shelved = (await ok(client, SHELVE, {"id": receipt["id"]}, keeper))["confirmShelving"]
    assert shelved["shelvedBy"]["username"] == shop.usernames["keeper"]
    assert await db.fetchval(
        "select on_hand from stock_item where id = $1", shop.items["filter"]
    ) == Decimal(21)

    claim = await ok(
        client,
        CLAIM,
        {"input": {"receiptLineId": line["id"], "against": "CARRIER", "party": "SF Express",
                   "quantity": "2", "amount": "100", "description": "two boxes crushed"}},
        keeper,
    )  # fmt: skip
    assert claim["recordDamageClaim"]["receiptLine"]["claimableQty"] == "0.00"
    open_claims = (await ok(client, CLAIMS, {}, keeper))["transportDamageClaims"]["edges"]
    assert [c["node"]["party"] for c in open_claims] == ["SF Express"]
    order = (await ok(client, ORDER, {"id": plan["id"]}, planner))["node"]
    assert order["lines"][0]["outstandingQty"] == "2.00"
    assert order["viewerActions"]["canReceive"] is False, "the planner does not receive"


async def test_each_step_needs_its_permission(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    shop = api_parts_shop
    technician = await sign_in("technician")
    for query, variables in ((ORDERS, {}), (RECEIPTS, {}), (SUPPLIERS, {"all": False})):
        error = await refused(client, query, variables, technician)
        assert error["code"] == "FORBIDDEN"
    keeper = await sign_in("keeper")
    error = await refused(client, FROM_SHORTAGES, {}, keeper)
    assert (error["code"], error["permission"]) == ("FORBIDDEN", "parts_plan:create")
    error = await refused(client, CREATE_SUPPLIER, {"input": {"name": "Keeper's friend"}}, keeper)
    assert error["permission"] == "purchase_order:create"
    # The keeper reads orders (purchase_order:read) to receive them; the GM reads plans.
    assert (await ok(client, ORDERS, {}, keeper))["purchaseOrders"]["edges"] == []
    assert (await ok(client, ORDERS, {}, await sign_in("gm")))["purchaseOrders"]["edges"] == []
    error = await refused(client, RECEIPTS, {}, await sign_in("gm"))
    assert (error["code"], error["permission"]) == ("FORBIDDEN", "parts_receipt:read")

    planner = await sign_in("planner")
    supplier = (
        await ok(client, CREATE_SUPPLIER, {"input": {"name": "Bosch Service Parts"}}, planner)
    )["createSupplier"]
    error = await refused(
        client, CREATE_SUPPLIER, {"input": {"name": "bosch service parts"}}, planner
    )
    assert (error["code"], error["rule"]) == ("BAD_USER_INPUT", "unique")
    preferred = await ok(
        client,
        "mutation($input: SetPreferredSupplierInput!) { setPreferredSupplier(input: $input) }",
        {"input": {"partIds": [gid("Part", shop.parts["oil"])], "supplierId": supplier["id"]}},
        planner,
    )
    assert preferred["setPreferredSupplier"] == 1
    oil_supplier = "select supplier_id from stock_item where id = $1"
    assert await db.fetchval(oil_supplier, shop.items["oil"]) is not None
    await ok(client, DEACTIVATE, {"id": supplier["id"]}, planner)
    assert await db.fetchval(oil_supplier, shop.items["oil"]) is None
    assert (await ok(client, SUPPLIERS, {"all": False}, planner))["suppliers"] == []
    listed = (await ok(client, SUPPLIERS, {"all": True}, planner))["suppliers"]
    assert [(s["name"], s["active"]) for s in listed] == [("Bosch Service Parts", False)]
    error = await refused(
        client,
        """mutation($input: CreatePurchaseOrderInput!) { createPurchaseOrder(input: $input) { id } }""",
        {"input": {"supplierId": supplier["id"],
                   "lines": [{"partId": gid("Part", shop.parts["oil"]), "quantity": "12"}]}},
        planner,
    )  # fmt: skip
    assert error["code"] == "NOT_FOUND", "an inactive supplier takes no new orders"


async def test_own_plan_is_not_reviewed_by_its_drafter_through_the_api(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    shop = api_parts_shop
    parts_manager = await sign_in("parts_manager")
    created = await ok(
        client,
        """mutation($input: CreatePurchaseOrderInput!) { createPurchaseOrder(input: $input) { id } }""",
        {"input": {"lines": [{"partId": gid("Part", shop.parts["pad"]), "quantity": "2"}]}},
        parts_manager,
    )
    order_id = created["createPurchaseOrder"]["id"]
    await ok(client, SUBMIT, {"id": order_id}, parts_manager)
    actions = (await ok(client, ORDER, {"id": order_id}, parts_manager))["node"]["viewerActions"]
    assert (actions["canReview"], actions["blockedReason"]) == (False, "own_plan")
    error = await refused(client, REVIEW, {"id": order_id}, parts_manager)
    assert error["code"] == "SEGREGATION_OF_DUTIES"
    error = await refused(
        client, REJECT, {"input": {"orderId": order_id, "reason": "mine"}}, parts_manager
    )
    assert error["code"] == "SEGREGATION_OF_DUTIES"
    # An illegal move through the API names the rule.
    error = await refused(client, APPROVE, {"id": order_id}, await sign_in("manager"))
    assert (error["code"], error["rule"]) == ("BAD_USER_INPUT", "status_transition")


async def test_another_dealers_purchasing_is_invisible_and_untouchable(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    shop = api_parts_shop
    await book(db, shop.dealer_id, shop.items["filter"], "issue", "-7")
    planner = await sign_in("planner")
    [plan] = (await ok(client, FROM_SHORTAGES, {}, planner))["createPlanFromShortages"]
    await ok(client, CREATE_SUPPLIER, {"input": {"name": "Our supplier"}}, planner)
    await ok(client, SUBMIT, {"id": plan["id"]}, planner)

    peer = await sign_in("peer_parts_manager")
    assert (await ok(client, ORDER, {"id": plan["id"]}, peer))["node"] is None
    assert (await ok(client, ORDERS, {}, peer))["purchaseOrders"]["edges"] == []
    assert (await ok(client, SUPPLIERS, {"all": True}, peer))["suppliers"] == []
    error = await refused(client, REVIEW, {"id": plan["id"]}, peer)
    assert error["code"] == "NOT_FOUND"
    error = await refused(
        client,
        OPEN_RECEIPT,
        {"input": {"purchaseOrderId": plan["id"]}},
        await sign_in("peer_keeper"),
    )
    assert error["code"] == "NOT_FOUND"
    # Their shortages are of their own stock (their filter: min 2, max 6, none on hand).
    theirs = (await ok(client, SHORTAGES, {}, peer))["purchaseShortages"]
    assert [(s["quantity"], s["minQty"], s["position"]) for s in theirs] == [
        ("6.00", "2.00", "0.00")
    ]
    # The regional manager reads the dealer's plans (oversight) but decides nothing.
    regional = {**await sign_in("regional"), "X-Dealer-Id": str(shop.dealer_id)}
    seen = (await ok(client, ORDERS, {}, regional))["purchaseOrders"]["edges"]
    assert [(o["node"]["id"], o["node"]["status"]) for o in seen] == [(plan["id"], "SUBMITTED")]
    error = await refused(client, REVIEW, {"id": plan["id"]}, regional)
    assert (error["code"], error["permission"]) == ("FORBIDDEN", "parts_plan:review")
