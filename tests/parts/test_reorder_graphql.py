"""The planner's review through GraphQL: run on demand, list with the numbers behind each
suggestion and the region's transfer offers, edit, dismiss, accept into an emergency and
a regular plan; who may do which, and that another dealer sees none of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx

from tenants.parts.reorder import execute_run
from tests.parts.factories_parts import PartsShop, add_stock_item, book
from tests.parts.reorder_steps import reserve
from tests.service_orders.order_steps import gid, ok, pk, refused

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]

REQUEST = "mutation { requestReorderRun { id status trigger requestedBy { displayName } } }"
RUNS = """
query {
  pendingReorderRun { id status }
  latestReorderRun { id status itemsConsidered suggestionCount attempts serviceLevel
                     summary { open emergency transferable accepted dismissed } }
  reorderRuns(first: 5) { edges { node { id status } } }
}
"""
SUGGESTIONS = """
query($filter: ReorderSuggestionFilter) {
  reorderSuggestions(filter: $filter) { edges { node {
    id status emergency suggestedQty editedQty quantity reorderPoint orderUpTo onHand reserved
    part { partNumber } stockItem { binLocation }
    explanation {
      demand { windowQty meanPerDay predecessors { partNumber } }
      season { applied factor }
      forecast { z serviceLevel leadTimeDays leadTimeSource safetyStock reorderPoint orderUpTo }
      stock { onHand reserved appointmentReserved position triggerLevel }
      order { need step quantity emergency shortage }
    }
    transferOffers { dealerId dealerCode dealerName partNumber quantity slowMoving }
  } } }
}
"""
EDIT = """
mutation($id: ID!, $q: Decimal!) {
  editReorderSuggestion(input: {id: $id, quantity: $q}) { id editedQty quantity }
}
"""
DISMISS = """
mutation($ids: [ID!]!) {
  dismissReorderSuggestions(input: {ids: $ids, reason: "stocked elsewhere"}) { id status }
}
"""
ACCEPT = """
mutation($ids: [ID!]!) {
  acceptReorderSuggestions(ids: $ids) {
    purchaseOrders { number status urgency source lines { quantity } }
    suggestions { id status purchaseOrder { number } decidedBy { displayName } }
  }
}
"""


async def run_now(client: httpx.AsyncClient, shop: PartsShop, headers: Headers) -> dict[str, Any]:
    """Request a run and do the worker's job for it here."""
    run = (await ok(client, REQUEST, {}, headers))["requestReorderRun"]
    assert await execute_run(shop.dealer_id, pk(run["id"])) == "done"
    return dict(run)


async def arrange(db: asyncpg.Connection, shop: PartsShop) -> None:
    """Filter issued down to 2 (min 5); pads held for an appointment beyond stock; the
    peer (same region) has 6 pads above its max, the far dealer (another region) 20."""
    await book(db, shop.dealer_id, shop.items["filter"], "issue", "-8")
    await reserve(db, shop, shop.items["pad"], "5", appointment=True)
    far_pad = await add_stock_item(db, shop.far_dealer_id, shop.parts["pad"], max_qty="0")
    await book(db, shop.far_dealer_id, far_pad, "receipt", "20", unit_cost="240")


async def suggestions(
    client: httpx.AsyncClient, headers: Headers, **filter: Any
) -> list[dict[str, Any]]:
    data = await ok(client, SUGGESTIONS, {"filter": filter or None}, headers)
    return [e["node"] for e in data["reorderSuggestions"]["edges"]]


async def test_planner_runs_reviews_and_accepts_into_plans(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, parts_shop: PartsShop
) -> None:
    await arrange(db, parts_shop)
    planner = await sign_in("planner")
    run = (await ok(client, REQUEST, {}, planner))["requestReorderRun"]
    assert run["status"] == "QUEUED" and run["trigger"] == "ON_DEMAND"
    again = (await ok(client, REQUEST, {}, planner))["requestReorderRun"]
    assert again["id"] == run["id"]  # one pending run per dealer
    runs = await ok(client, RUNS, {}, planner)
    assert runs["pendingReorderRun"]["id"] == run["id"] and runs["latestReorderRun"] is None
    assert await execute_run(parts_shop.dealer_id, pk(run["id"])) == "done"
    runs = await ok(client, RUNS, {}, planner)
    assert runs["pendingReorderRun"] is None
    latest = runs["latestReorderRun"]
    assert (latest["status"], latest["itemsConsidered"], latest["suggestionCount"]) == (
        "DONE",
        3,
        2,
    )
    assert latest["serviceLevel"] == "0.95"
    assert latest["summary"] == {
        "open": 2,
        "emergency": 1,
        "transferable": 1,
        "accepted": 0,
        "dismissed": 0,
    }

    pad, filter_ = await suggestions(client, planner)  # emergencies first
    assert pad["emergency"] and not filter_["emergency"]
    # Pads: 4 on hand, 5 held for an appointment: 1 short; position -1, max 8: 9 -> 10.
    assert pad["explanation"]["stock"]["appointmentReserved"] == "5.00"
    assert pad["explanation"]["order"]["shortage"] == "1.00"
    assert pad["suggestedQty"] == "10.00" and pad["quantity"] == "10.00"
    assert pad["stockItem"]["binLocation"] == "A-02-3-04"
    # The peer's 6 pads above its max are offered; the far dealer's 20 are not.
    assert [(o["dealerId"], o["quantity"], o["slowMoving"]) for o in pad["transferOffers"]] == [
        (gid("Dealer", parts_shop.peer_dealer_id), "6.00", False)
    ]
    # Filter: 2 on hand, min 5, no demand: up to max 20 is 18, multiples of 5: 20.
    assert filter_["explanation"]["stock"]["triggerLevel"] == "5.00"
    assert filter_["explanation"]["forecast"]["z"] == "1.6449"
    assert filter_["explanation"]["forecast"]["leadTimeSource"] == "STOCK_ITEM"
    assert filter_["suggestedQty"] == "20.00" and filter_["transferOffers"] == []
    assert [s["id"] for s in await suggestions(client, planner, emergencyOnly=True)] == [pad["id"]]
    assert [s["id"] for s in await suggestions(client, planner, transferAvailable=True)] == [
        pad["id"]
    ]
    assert [s["id"] for s in await suggestions(client, planner, search="filter")] == [filter_["id"]]

    # Pads come in sets of 2: 3 is refused, 12 taken.
    error = await refused(client, EDIT, {"id": pad["id"], "q": "3"}, planner)
    assert (error["code"], error["rule"], error["field"]) == (
        "BAD_USER_INPUT",
        "pack_size",
        "quantity",
    )
    edited = (await ok(client, EDIT, {"id": pad["id"], "q": "12"}, planner))[
        "editReorderSuggestion"
    ]
    assert (edited["editedQty"], edited["quantity"]) == ("12.00", "12.00")

    accepted = (await ok(client, ACCEPT, {"ids": [pad["id"], filter_["id"]]}, planner))[
        "acceptReorderSuggestions"
    ]
    orders = {o["urgency"]: o for o in accepted["purchaseOrders"]}
    assert set(orders) == {"EMERGENCY", "REGULAR"}
    assert orders["EMERGENCY"]["lines"] == [{"quantity": "12.00"}]
    assert orders["REGULAR"]["lines"] == [{"quantity": "20.00"}]
    assert {o["status"] for o in orders.values()} == {"DRAFT"}
    assert {o["source"] for o in orders.values()} == {"SUGGESTIONS"}
    by_id = {s["id"]: s for s in accepted["suggestions"]}
    assert by_id[pad["id"]]["purchaseOrder"]["number"] == orders["EMERGENCY"]["number"]
    assert {s["status"] for s in by_id.values()} == {"ACCEPTED"}
    assert by_id[pad["id"]]["decidedBy"] is not None

    error = await refused(client, ACCEPT, {"ids": [pad["id"]]}, planner)
    assert (error["code"], error["rule"]) == ("BAD_USER_INPUT", "suggestion_status")
    actions = {
        r["action"]
        for r in await db.fetch(
            "select action from audit_entry where dealer_id = $1", parts_shop.dealer_id
        )
    }
    assert {
        "reorder_run.request",
        "reorder_run.done",
        "reorder_suggestion.edit",
        "reorder_suggestion.accept",
        "purchase_order.create",
    } <= actions

    # The next run plans with the drafts: they count in the position, nothing new to order
    # for the filter (2 + 20 = 22 > 5) nor the pads (4 - 5 + 12 = 11 > 2).
    await run_now(client, parts_shop, planner)
    assert await suggestions(client, planner) == []


async def test_dismissed_suggestions_are_final(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, parts_shop: PartsShop
) -> None:
    await arrange(db, parts_shop)
    planner = await sign_in("planner")
    await run_now(client, parts_shop, planner)
    pad, filter_ = await suggestions(client, planner)
    dismissed = (await ok(client, DISMISS, {"ids": [filter_["id"]]}, planner))[
        "dismissReorderSuggestions"
    ]
    assert dismissed == [{"id": filter_["id"], "status": "DISMISSED"}]
    error = await refused(client, EDIT, {"id": filter_["id"], "q": "5"}, planner)
    assert error["rule"] == "suggestion_status"
    assert [s["id"] for s in await suggestions(client, planner, statuses=["OPEN"])] == [pad["id"]]


async def test_who_may_run_read_and_decide(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, parts_shop: PartsShop
) -> None:
    await arrange(db, parts_shop)
    await run_now(client, parts_shop, await sign_in("parts_manager"))
    keeper, manager = await sign_in("keeper"), await sign_in("manager")
    # The keeper has no parts_plan at all.
    error = await refused(client, REQUEST, {}, keeper)
    assert (error["code"], error["permission"]) == ("FORBIDDEN", "parts_plan:create")
    error = await refused(client, SUGGESTIONS, {}, keeper)
    assert (error["code"], error["permission"]) == ("FORBIDDEN", "parts_plan:read")
    # The service manager reads plans but drafts none.
    listed = await suggestions(client, manager)
    assert len(listed) == 2
    error = await refused(client, ACCEPT, {"ids": [listed[0]["id"]]}, manager)
    assert (error["code"], error["permission"]) == ("FORBIDDEN", "parts_plan:create")
    error = await refused(client, DISMISS, {"ids": [listed[0]["id"]]}, manager)
    assert error["permission"] == "parts_plan:create"


async def test_another_dealer_sees_nothing_of_the_run(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, parts_shop: PartsShop
) -> None:
    await arrange(db, parts_shop)
    await run_now(client, parts_shop, await sign_in("planner"))
    pad_id = await db.fetchval("select id from reorder_suggestion where emergency")
    own = await ok(
        client,
        "query($id: ID!) { node(id: $id) { ... on ReorderSuggestion { id emergency run { status } } } }",
        {"id": gid("ReorderSuggestion", pad_id)},
        await sign_in("planner"),
    )
    assert own["node"] == {
        "id": gid("ReorderSuggestion", pad_id),
        "emergency": True,
        "run": {"status": "DONE"},
    }
    peer = await sign_in("peer_planner")
    assert await suggestions(client, peer) == []
    runs = await ok(client, RUNS, {}, peer)
    assert runs["latestReorderRun"] is None and runs["reorderRuns"]["edges"] == []
    node = await ok(
        client,
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": gid("ReorderSuggestion", pad_id)},
        peer,
    )
    assert node["node"] is None
    error = await refused(client, EDIT, {"id": gid("ReorderSuggestion", pad_id), "q": "2"}, peer)
    assert error["code"] == "NOT_FOUND"
