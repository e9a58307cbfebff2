"""Issuing against repair-order lines, the way the store works: the technician requests, the
advisor countersigns, a warranty line also gets the claims specialist's signature, the
keeper issues FIFO against the old part handed back; unused parts come back at the
issue's cost. Every step is audited."""

from __future__ import annotations

from decimal import Decimal

import asyncpg
import httpx

from tests.parts.factories_parts import PartsShop, book
from tests.parts.stock_steps import (
    CANCEL,
    ISSUE,
    QUEUE,
    REFUSE,
    RETURN,
    SLIP,
    SignIn,
    add_part_line,
    countersign,
    gid,
    issue,
    ok,
    pk,
    refused,
    request_parts,
    signed_request,
    warranty_sign,
)


async def test_a_customer_line_is_requested_countersigned_and_issued_fifo(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    await book(db, shop.dealer_id, shop.items["filter"], "receipt", "5", unit_cost="58")
    technician, advisor, keeper = (
        await sign_in("technician"),
        await sign_in("advisor"),
        await sign_in("keeper"),
    )
    plate = await db.fetchval("select plate from vehicle where id = $1", shop.vehicle_id)
    order_number = await db.fetchval("select number from repair_order where id = $1", shop.order_id)

    requested = await request_parts(client, technician, shop.customer_line_id)
    assert requested["status"] == "REQUESTED"
    assert requested["number"].endswith("-001") and "-PR-" in requested["number"]
    assert Decimal(requested["quantity"]) == 1  # what the line needs
    assert requested["availableAtRequest"] and not requested["warranty"]
    assert requested["missingSignatures"] == ["COUNTERSIGN"]
    assert (requested["orderNumber"], requested["plate"]) == (order_number, plate)
    assert requested["requestedBy"] == {"username": shop.usernames["technician"]}
    assert (await ok(client, QUEUE, {}, keeper))["issueQueue"]["edges"] == []

    signed = await countersign(client, advisor, requested["id"])
    assert signed["status"] == "SIGNED" and signed["missingSignatures"] == []
    assert signed["countersignedBy"] == {"username": shop.usernames["advisor"]}
    queue = (await ok(client, QUEUE, {}, keeper))["issueQueue"]["edges"]
    assert [e["node"]["id"] for e in queue] == [requested["id"]]
    assert queue[0]["node"]["binLocation"] == "A-01-1-01"

    issued = await issue(client, keeper, requested["id"], "HAND_OVER")
    assert issued["status"] == "ISSUED"
    assert (issued["oldPart"], issued["oldPartReturned"]) == ("HAND_OVER", True)
    assert issued["issuedBy"] == {"username": shop.usernames["keeper"]}
    assert Decimal(issued["issueUnitCost"]) == 50  # the oldest lot first
    movement = await db.fetchrow(
        "select m.* from stock_movement m join parts_request r on r.issue_movement_id = m.id"
        " where r.id = $1",
        pk(requested["id"]),
    )
    assert (movement["kind"], movement["quantity"], movement["document_type"]) == (
        "issue",
        Decimal(-1),
        "parts_request",
    )
    assert movement["document_id"] == pk(requested["id"])
    assert movement["created_by"] == shop.users["keeper"]
    assert movement["reason"] == f"{order_number} {plate}"
    assert await db.fetchval(
        "select on_hand from stock_item where id = $1", shop.items["filter"]
    ) == Decimal(14)
    assert (await ok(client, QUEUE, {}, keeper))["issueQueue"]["edges"] == []

    slip = (await ok(client, SLIP, {"id": requested["id"]}, keeper))["partsIssueSlip"]
    assert (slip["plate"], slip["orderNumber"], slip["binLocation"]) == (
        plate,
        order_number,
        "A-01-1-01",
    )
    assert slip["requestedBy"] and slip["countersignedBy"] and slip["issuedBy"]
    assert (Decimal(slip["unitCost"]), Decimal(slip["amount"])) == (50, 50)
    assert slip["warrantySignedBy"] is None

    actions = [
        r["action"]
        for r in await db.fetch(
            "select action from audit_entry where object_type = 'parts_request'"
            " and object_id = $1 order by id",
            str(pk(requested["id"])),
        )
    ]
    assert actions == [
        "parts_request.request",
        "parts_request.countersign",
        "parts_request.issue",
    ]


async def test_a_warranty_line_needs_the_claims_signature_before_issue(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    keeper = await sign_in("keeper")
    requested = await request_parts(client, await sign_in("technician"), shop.warranty_line_id)
    assert requested["warranty"]
    assert requested["missingSignatures"] == ["COUNTERSIGN", "WARRANTY"]

    countersigned = await countersign(client, await sign_in("advisor"), requested["id"])
    assert countersigned["status"] == "REQUESTED"
    assert countersigned["missingSignatures"] == ["WARRANTY"]
    early = await refused(
        client, ISSUE, {"input": {"requestId": requested["id"], "oldPart": "KEEP_FOR_WARRANTY"}},
        keeper,
    )  # fmt: skip
    assert (early["code"], early["rule"]) == ("BAD_USER_INPUT", "warranty_signature_required")
    assert (await ok(client, QUEUE, {}, keeper))["issueQueue"]["edges"] == []

    signed = await warranty_sign(client, await sign_in("claims"), requested["id"])
    assert signed["status"] == "SIGNED"
    assert signed["warrantySignedBy"] == {"username": shop.usernames["claims"]}
    for wrong in ("HAND_OVER", "SCRAP", "NONE"):
        kept = await refused(
            client, ISSUE, {"input": {"requestId": requested["id"], "oldPart": wrong}}, keeper
        )
        assert kept["rule"] == "warranty_parts_kept"
    issued = await issue(client, keeper, requested["id"], "KEEP_FOR_WARRANTY")
    assert issued["status"] == "ISSUED" and issued["oldPart"] == "KEEP_FOR_WARRANTY"
    slip = (await ok(client, SLIP, {"id": requested["id"]}, keeper))["partsIssueSlip"]
    assert slip["warranty"] and slip["warrantySignedBy"]
    assert await db.fetchval(
        "select on_hand from stock_item where id = $1", shop.items["pad"]
    ) == Decimal(3)


async def test_the_claims_specialist_may_sign_first(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    shop = api_parts_shop
    requested = await request_parts(client, await sign_in("technician"), shop.warranty_line_id)
    first = await warranty_sign(client, await sign_in("claims"), requested["id"])
    assert first["status"] == "REQUESTED" and first["missingSignatures"] == ["COUNTERSIGN"]
    second = await countersign(client, await sign_in("advisor"), requested["id"])
    assert second["status"] == "SIGNED"


async def test_issuing_takes_the_lines_own_reservation_and_leaves_others_held(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    """Parts pre-picked for this line are its own to take; parts held for another job are
    not the keeper's to give."""
    shop = api_parts_shop
    keeper = await sign_in("keeper")
    line = await add_part_line(db, shop, "oil", "4")
    own = await db.fetchval(
        "insert into stock_reservation (dealer_id, stock_item_id, quantity,"
        " repair_order_line_id) values ($1, $2, 6, $3) returning id",
        shop.dealer_id,
        shop.items["oil"],
        line,
    )
    await db.execute(
        "insert into stock_reservation (dealer_id, stock_item_id, quantity) values ($1, $2, 30)",
        shop.dealer_id,
        shop.items["oil"],
    )  # 40 on hand, 36 reserved: 4 free, plus this line's own 6
    request = await signed_request(client, sign_in, line)
    assert request["availableAtRequest"]
    await issue(client, keeper, request["id"], "NONE")
    reservations = await db.fetch(
        "select quantity, status from stock_reservation where repair_order_line_id = $1"
        " order by id",
        line,
    )
    # The pre-picked 6 are split: 4 issued, 2 still held for the line.
    assert [(r["quantity"], r["status"]) for r in reservations] == [
        (Decimal(2), "active"),
        (Decimal(4), "issued"),
    ]
    assert (await db.fetchrow("select * from stock_reservation where id = $1", own))[
        "status"
    ] == "active"


async def test_a_shortage_is_recorded_at_request_and_refuses_the_issue(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    keeper = await sign_in("keeper")
    await db.execute(
        "insert into stock_reservation (dealer_id, stock_item_id, quantity) values ($1, $2, 10)",
        shop.dealer_id,
        shop.items["filter"],
    )  # every filter is held for an appointment
    request = await signed_request(client, sign_in, shop.customer_line_id)
    assert not request["availableAtRequest"]  # a first-pick miss
    short = await refused(
        client, ISSUE, {"input": {"requestId": request["id"], "oldPart": "HAND_OVER"}}, keeper
    )
    assert short["code"] == "INSUFFICIENT_STOCK"
    assert (short["partNumber"], Decimal(short["missing"])) == (request["partNumber"], 1)
    assert (await ok(client, QUEUE, {}, keeper))["issueQueue"]["edges"][0]["node"][
        "status"
    ] == "SIGNED"
    # The parts arrive: now it goes.
    await book(db, shop.dealer_id, shop.items["filter"], "receipt", "1", unit_cost="55")
    issued = await issue(client, keeper, request["id"], "HAND_OVER")
    assert issued["status"] == "ISSUED"


async def test_unused_parts_come_back_at_the_issues_cost(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    keeper = await sign_in("keeper")
    await book(db, shop.dealer_id, shop.items["oil"], "receipt", "10", unit_cost="40")
    line = await add_part_line(db, shop, "oil", "4")
    request = await signed_request(client, sign_in, line)
    issued = await issue(client, keeper, request["id"], "NONE")
    assert (issued["oldPart"], issued["oldPartReturned"]) == ("NONE", False)
    assert Decimal(issued["issueUnitCost"]) == 35

    back = await ok(client, RETURN, {"input": {"requestId": request["id"], "quantity": "1",
                                               "reason": "only 3 L needed"}}, keeper)  # fmt: skip
    partly = back["returnIssuedParts"]
    assert (partly["status"], Decimal(partly["returnedQty"])) == ("ISSUED", 1)
    movement = await db.fetchrow(
        "select * from stock_movement where kind = 'return' and document_id = $1",
        pk(request["id"]),
    )
    assert (movement["quantity"], movement["unit_cost"], movement["reason"]) == (
        Decimal(1),
        Decimal(35),
        "only 3 L needed",
    )
    too_many = await refused(client, RETURN, {"input": {"requestId": request["id"],
                                                        "quantity": "4", "reason": "x"}},
                             keeper)  # fmt: skip
    assert too_many["rule"] == "return_exceeds_issued"
    no_reason = await refused(client, RETURN, {"input": {"requestId": request["id"],
                                                         "quantity": "1", "reason": " "}},
                              keeper)  # fmt: skip
    assert no_reason["rule"] == "reason_required"
    rest = await ok(client, RETURN, {"input": {"requestId": request["id"], "quantity": "3",
                                               "reason": "job cancelled"}}, keeper)  # fmt: skip
    assert rest["returnIssuedParts"]["status"] == "RETURNED"
    again = await refused(client, RETURN, {"input": {"requestId": request["id"], "quantity": "1",
                                                     "reason": "x"}}, keeper)  # fmt: skip
    assert again["rule"] == "status_transition"
    assert await db.fetchval(
        "select on_hand from stock_item where id = $1", shop.items["oil"]
    ) == Decimal(50)
    # The returned lot carries the issue's cost; the newer 40 lot still goes after it.
    lots = await db.fetch(
        "select remaining, unit_cost from stock_lot where stock_item_id = $1 and remaining > 0"
        " order by received_at, id",
        shop.items["oil"],
    )
    assert [(r["remaining"], r["unit_cost"]) for r in lots] == [
        (Decimal(36), Decimal(35)),
        (Decimal(10), Decimal(40)),
        (Decimal(1), Decimal(35)),
        (Decimal(3), Decimal(35)),
    ]


async def test_cancel_and_refuse_need_a_reason_and_free_the_line(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    technician, keeper = await sign_in("technician"), await sign_in("keeper")
    first = await request_parts(client, technician, shop.customer_line_id)
    no_reason = await refused(client, CANCEL, {"input": {"requestId": first["id"],
                                                             "reason": ""}}, technician)  # fmt: skip
    assert no_reason["rule"] == "reason_required"
    cancelled = await ok(client, CANCEL, {"input": {"requestId": first["id"],
                                                        "reason": "wrong part ordered"}},
                         technician)  # fmt: skip
    closed = cancelled["cancelPartsRequest"]
    assert (closed["status"], closed["reason"]) == ("CANCELLED", "wrong part ordered")
    assert closed["closedBy"] == {"username": shop.usernames["technician"]}

    second = await signed_request(client, sign_in, shop.customer_line_id)  # the line is free again
    refused_by_keeper = await ok(client, REFUSE, {"input": {"requestId": second["id"],
                                                                "reason": "damaged box"}},
                                 keeper)  # fmt: skip
    assert refused_by_keeper["refusePartsRequest"]["status"] == "REFUSED"
    late = await refused(client, CANCEL, {"input": {"requestId": second["id"],
                                                        "reason": "too late"}},
                         technician)  # fmt: skip
    assert late["rule"] == "status_transition"
    assert [
        r["action"]
        for r in await db.fetch(
            "select action from audit_entry where action in"
            " ('parts_request.cancel', 'parts_request.refuse') order by id"
        )
    ] == ["parts_request.cancel", "parts_request.refuse"]


async def test_requests_show_on_the_order_lines(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    shop = api_parts_shop
    advisor = await sign_in("advisor")
    request = await signed_request(client, sign_in, shop.customer_line_id)
    query = """
    query($id: ID!) { node(id: $id) { ... on RepairOrder { lines {
      id kind partsRequests { id status number requestedBy { username } } } } } }
    """
    data = await ok(client, query, {"id": gid("RepairOrder", shop.order_id)}, advisor)
    lines = {line["id"]: line for line in data["node"]["lines"]}
    customer = lines[gid("RepairOrderLine", shop.customer_line_id)]
    assert [r["id"] for r in customer["partsRequests"]] == [request["id"]]
    assert lines[gid("RepairOrderLine", shop.warranty_line_id)]["partsRequests"] == []


async def test_a_superseded_number_is_issued_under_its_successor_once_used_up(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    technician = await sign_in("technician")
    numbers = {
        key: await db.fetchval("select part_number from part where id = $1", shop.parts[key])
        for key in ("pad", "old_pad")
    }
    # The old number has no stock: the request draws the new number from its bin.
    line = await add_part_line(db, shop, "old_pad", "1")
    request = await request_parts(client, technician, line)
    assert (request["partNumber"], request["binLocation"]) == (numbers["pad"], "A-02-3-04")
    assert request["availableAtRequest"]
    # While old stock lasts, it goes first.
    await book(db, shop.dealer_id, shop.items["old_pad"], "receipt", "1", unit_cost="240")
    older = await request_parts(client, technician, await add_part_line(db, shop, "old_pad", "1"))
    assert (older["partNumber"], older["binLocation"]) == (numbers["old_pad"], "A-02-3-05")
