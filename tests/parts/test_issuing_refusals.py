"""Every refusal of issuing: no request but for an approved part line of an order in work,
never more than the line needs, no issue before the paperwork (no "white slips"), three
different people (requester, countersigner, keeper), the permissions of each step, the
state machine, and another dealer's requests out of reach."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from tests.api.graphql_client import bearer
from tests.conftest import reload_policies
from tests.factories import make_membership, make_user
from tests.parts.factories_parts import PartsShop
from tests.parts.stock_steps import (
    CANCEL,
    COUNTERSIGN,
    ISSUE,
    REFUSE,
    REQUEST,
    REQUEST_NODE,
    RETURN,
    SLIP,
    WARRANTY_SIGN,
    SignIn,
    add_part_line,
    countersign,
    gid,
    ok,
    refused,
    request_parts,
    signed_request,
)


def _line(line_id: int, quantity: str | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {"lineId": gid("RepairOrderLine", line_id)}
    if quantity is not None:
        fields["quantity"] = quantity
    return {"input": fields}


def _issue(request_id: str, old_part: str = "HAND_OVER") -> dict[str, Any]:
    return {"input": {"requestId": request_id, "oldPart": old_part}}


async def test_requests_only_for_approved_part_lines_of_orders_in_work(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    technician = await sign_in("technician")
    labour = await add_part_line(db, shop, "filter", "1", kind="labour")
    proposed = await add_part_line(db, shop, "filter", "1", status="proposed")
    declined = await add_part_line(db, shop, "filter", "1", status="declined")
    for line, rule in (
        (labour, "line_not_part"),
        (proposed, "line_not_approved"),
        (declined, "line_not_approved"),
    ):
        refusal = await refused(client, REQUEST, _line(line), technician)
        assert (refusal["code"], refusal["rule"], refusal["field"]) == (
            "BAD_USER_INPUT",
            rule,
            "lineId",
        )
    for status in ("open", "awaiting_approval", "work_done", "ready", "settled"):
        await db.execute("update repair_order set status = $2 where id = $1", shop.order_id, status)
        refusal = await refused(client, REQUEST, _line(shop.customer_line_id), technician)
        assert refusal["rule"] == "order_not_in_work", status
    await db.execute("update repair_order set status = 'approved' where id = $1", shop.order_id)
    assert (await request_parts(client, technician, shop.customer_line_id))["status"] == "REQUESTED"
    assert await db.fetchval("select count(*) from parts_request") == 1


async def test_never_more_than_the_line_needs(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    technician, keeper = await sign_in("technician"), await sign_in("keeper")
    line = await add_part_line(db, shop, "oil", "5")
    for quantity, rule in (("6", "exceeds_line_quantity"), ("0", "positive"), ("-1", "positive")):
        refusal = await refused(client, REQUEST, _line(line, quantity), technician)
        assert refusal["rule"] == rule, quantity
    first = await request_parts(client, technician, line, "3")
    over = await refused(client, REQUEST, _line(line, "3"), technician)
    assert (over["rule"], over["alreadyRequested"]) == ("exceeds_line_quantity", "3.00")
    rest = await request_parts(client, technician, line)  # defaults to what is left
    assert rest["quantity"] == "2.00"
    nothing_left = await refused(client, REQUEST, _line(line), technician)
    assert nothing_left["rule"] == "exceeds_line_quantity"
    # What comes back unused may be drawn again.
    await countersign(client, await sign_in("advisor"), first["id"])
    await ok(client, ISSUE, _issue(first["id"], "NONE"), keeper)
    await ok(client, RETURN, {"input": {"requestId": first["id"], "quantity": "1",
                                        "reason": "spare"}}, keeper)  # fmt: skip
    again = await request_parts(client, technician, line)
    assert again["quantity"] == "1.00"


async def test_no_issue_before_the_paperwork(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    keeper = await sign_in("keeper")
    request = await request_parts(client, await sign_in("technician"), shop.customer_line_id)
    white_slip = await refused(client, ISSUE, _issue(request["id"]), keeper)
    assert (white_slip["code"], white_slip["rule"]) == (
        "BAD_USER_INPUT",
        "countersignature_required",
    )
    assert await db.fetchval("select count(*) from stock_movement where kind = 'issue'") == 0
    # An ID of anything but a request is no request.
    not_a_request = await refused(
        client, ISSUE, _issue(gid("RepairOrderLine", shop.customer_line_id)), keeper
    )
    assert (not_a_request["code"], not_a_request["field"]) == ("BAD_USER_INPUT", "requestId")


async def test_the_state_machine_refuses_illegal_moves(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    shop = api_parts_shop
    keeper, advisor, claims = (
        await sign_in("keeper"),
        await sign_in("advisor"),
        await sign_in("claims"),
    )
    request = await signed_request(client, sign_in, shop.customer_line_id)
    twice = await refused(client, COUNTERSIGN, {"id": request["id"]}, advisor)
    assert twice["rule"] == "status_transition"
    not_warranty = await refused(client, WARRANTY_SIGN, {"id": request["id"]}, claims)
    assert not_warranty["rule"] == "not_warranty"
    no_return = await refused(client, RETURN, {"input": {"requestId": request["id"],
                                                         "quantity": "1", "reason": "x"}},
                              keeper)  # fmt: skip
    assert no_return["rule"] == "status_transition"
    kept = await refused(client, ISSUE, _issue(request["id"], "KEEP_FOR_WARRANTY"), keeper)
    assert kept["rule"] == "only_warranty_parts_kept"
    await ok(client, ISSUE, _issue(request["id"]), keeper)
    for document, variables, who in (
        (ISSUE, _issue(request["id"]), keeper),
        (COUNTERSIGN, {"id": request["id"]}, advisor),
        (CANCEL, {"input": {"requestId": request["id"], "reason": "x"}}, advisor),
        (REFUSE, {"input": {"requestId": request["id"], "reason": "x"}}, keeper),
    ):
        refusal = await refused(client, document, variables, who)
        assert (refusal["rule"], refusal["fromStatus"]) == ("status_transition", "issued")

    warranty = await request_parts(client, await sign_in("technician"), shop.warranty_line_id)
    await countersign(client, advisor, warranty["id"])
    twice_countersigned = await refused(client, COUNTERSIGN, {"id": warranty["id"]}, advisor)
    assert twice_countersigned["rule"] == "already_countersigned"


async def test_three_different_people_sign(
    app: object,
    client: httpx.AsyncClient,
    api_parts_shop: PartsShop,
    sign_in: SignIn,
    db: asyncpg.Connection,
) -> None:
    """Requester, countersigner and keeper are three people, whatever roles one holds (兼职)."""
    shop = api_parts_shop
    advisor = await sign_in("advisor")
    own = await request_parts(client, advisor, shop.customer_line_id)
    self_signed = await refused(client, COUNTERSIGN, {"id": own["id"]}, advisor)
    assert self_signed["code"] == "SEGREGATION_OF_DUTIES"
    await ok(client, CANCEL, {"input": {"requestId": own["id"], "reason": "mine"}}, advisor)

    # A keeper who is also an advisor countersigns, then may not issue what he signed.
    both = await make_user(db, "keeper_and_advisor")
    await make_membership(db, shop.dealer_id, both, ["warehouse_keeper", "service_advisor"])
    await reload_policies(app)
    double = await bearer(client, "keeper_and_advisor")
    request = await request_parts(client, await sign_in("technician"), shop.customer_line_id)
    await countersign(client, double, request["id"])
    own_signature = await refused(client, ISSUE, _issue(request["id"]), double)
    assert own_signature["code"] == "SEGREGATION_OF_DUTIES"
    issued = await ok(client, ISSUE, _issue(request["id"]), await sign_in("keeper"))
    assert issued["issuePartsRequest"]["status"] == "ISSUED"

    # The warranty signer is not the countersigner either.
    claims_and_advisor = await make_user(db, "claims_and_advisor")
    await make_membership(
        db, shop.dealer_id, claims_and_advisor, ["warranty_claims_specialist", "service_advisor"]
    )
    await reload_policies(app)
    dual = await bearer(client, "claims_and_advisor")
    warranty = await request_parts(client, await sign_in("technician"), shop.warranty_line_id)
    await countersign(client, dual, warranty["id"])
    second_signature = await refused(client, WARRANTY_SIGN, {"id": warranty["id"]}, dual)
    assert second_signature["code"] == "SEGREGATION_OF_DUTIES"


@pytest.mark.parametrize(
    ("post", "step", "permission"),
    [
        ("keeper", "request", "parts_issue:request"),
        ("claims", "request", "parts_issue:request"),
        ("technician", "countersign", "parts_issue:countersign"),
        ("keeper", "countersign", "parts_issue:countersign"),
        ("advisor", "warranty_sign", "parts_issue:warranty_sign"),
        ("advisor", "issue", "parts_issue:issue"),
        ("technician", "issue", "parts_issue:issue"),
        ("parts_manager", "issue", "parts_issue:issue"),
        ("technician", "refuse", "parts_issue:issue"),
        ("keeper", "cancel", "parts_issue:request"),
        ("planner", "slip", "parts_issue:read"),
    ],
)
async def test_each_step_needs_its_permission(
    client: httpx.AsyncClient,
    api_parts_shop: PartsShop,
    sign_in: SignIn,
    post: str,
    step: str,
    permission: str,
) -> None:
    shop = api_parts_shop
    request = await request_parts(client, await sign_in("advisor"), shop.warranty_line_id)
    rid = request["id"]
    document, variables = {
        "request": (REQUEST, _line(shop.customer_line_id)),
        "countersign": (COUNTERSIGN, {"id": rid}),
        "warranty_sign": (WARRANTY_SIGN, {"id": rid}),
        "issue": (ISSUE, _issue(rid, "KEEP_FOR_WARRANTY")),
        "refuse": (REFUSE, {"input": {"requestId": rid, "reason": "no"}}),
        "cancel": (CANCEL, {"input": {"requestId": rid, "reason": "no"}}),
        "slip": (SLIP, {"id": rid}),
    }[step]
    denied = await refused(client, document, variables, await sign_in(post))
    assert (denied["code"], denied["permission"]) == ("FORBIDDEN", permission)


async def test_another_dealers_requests_are_out_of_reach(
    app: object,
    client: httpx.AsyncClient,
    api_parts_shop: PartsShop,
    sign_in: SignIn,
    db: asyncpg.Connection,
) -> None:
    shop = api_parts_shop
    request = await signed_request(client, sign_in, shop.customer_line_id)
    peer_keeper = await sign_in("peer_keeper")
    hidden = await refused(client, ISSUE, _issue(request["id"]), peer_keeper)
    assert hidden["code"] == "NOT_FOUND"
    assert (await ok(client, REQUEST_NODE, {"id": request["id"]}, peer_keeper))["node"] is None
    assert (await ok(client, SLIP, {"id": request["id"]}, peer_keeper))["partsIssueSlip"] is None
    queue = await ok(client, "{ issueQueue { edges { node { id } } } }", {}, peer_keeper)
    assert queue["issueQueue"]["edges"] == []
    # Nor can another dealer's technician request against our order's line.
    peer_technician = await make_user(db, "peer_technician")
    await make_membership(db, shop.peer_dealer_id, peer_technician, ["technician"])
    await reload_policies(app)
    no_line = await refused(
        client, REQUEST, _line(shop.customer_line_id), await bearer(client, "peer_technician")
    )
    assert no_line["code"] == "NOT_FOUND"
    assert await db.fetchval("select status from parts_request") == "signed"
