"""Quotation lines, totals by pay type, revisions, and the immutability of approved work."""

from __future__ import annotations

import json

import asyncpg
import httpx

from tests.api.graphql_client import gql
from tests.service_orders.factories_orders import Workshop
from tests.service_orders.order_steps import (
    DECLINE,
    REMOVE_LINE,
    SEND,
    UPDATE_LINE,
    SignIn,
    add_line,
    approved_order,
    gid,
    ok,
    open_walk_in,
    order,
    pk,
    refused,
    send,
    sign,
)

ADD = """
mutation($input: AddQuotationLineInput!) { addQuotationLine(input: $input) { id } }
"""


async def test_lines_are_priced_from_the_catalogs(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    advisor = await sign_in("advisor")
    opened = await open_walk_in(client, api_shop, advisor)
    oid = opened["id"]
    labour = await add_line(
        client,
        advisor,
        oid,
        kind="LABOUR",
        operationId=gid("LabourOperation", api_shop.operation_id),
    )
    assert (labour["description"], labour["hours"], labour["unitPrice"], labour["amount"]) == (
        "Oil service", "1.50", "200.00", "300.00",
    )  # fmt: skip
    free = await add_line(
        client, advisor, oid, kind="LABOUR", description="Diagnose rattle", hours="0.5",
        payType="INTERNAL",
    )  # fmt: skip
    assert free["amount"] == "100.00"
    part = await add_line(
        client, advisor, oid, kind="PART", partId=gid("Part", api_shop.part_id), quantity="2",
        payType="INSURANCE",
    )  # fmt: skip
    assert (part["description"], part["unitPrice"], part["amount"]) == (
        "Oil filter", "85.00", "170.00",
    )  # fmt: skip
    await add_line(client, advisor, oid, kind="MATERIAL", description="Cleaner", unitPrice="12.5")
    shown = await order(client, advisor, oid)
    totals = shown["totals"]
    assert (totals["labour"], totals["parts"], totals["materials"], totals["total"]) == (
        "400.00", "170.00", "12.50", "582.50",
    )  # fmt: skip
    assert {p["payType"]: p["amount"] for p in totals["byPayType"]} == {
        "CUSTOMER": "312.50", "WARRANTY": "0.00", "INSURANCE": "170.00", "INTERNAL": "100.00",
    }  # fmt: skip
    assert totals["customerShare"] == "312.50"
    refusals = [
        ({"kind": "LABOUR", "description": "no hours"}, "labour_needs_hours"),
        ({"kind": "MATERIAL", "description": "rags"}, "material_needs_price"),
        ({"kind": "PART"}, "part_needs_part"),
        (
            {"kind": "MATERIAL", "description": "x", "unitPrice": "1", "quantity": "0"},
            "quantity_positive",
        ),
    ]
    for fields, rule in refusals:
        got = await refused(client, ADD, {"input": {"orderId": oid, **fields}}, advisor)
        assert got["rule"] == rule, fields
    other_make = await db.fetchval(
        "insert into manufacturer (code, name, name_zh) values ('OTHER', 'Other', '其他') returning id"
    )
    foreign_part = await db.fetchval(
        "insert into part (manufacturer_id, part_number, name, list_price) values ($1, 'X1', 'X', 1)"
        " returning id",
        other_make,
    )
    got = await refused(
        client,
        ADD,
        {"input": {"orderId": oid, "kind": "PART", "partId": gid("Part", foreign_part)}},
        advisor,
    )
    assert got["code"] == "NOT_FOUND"
    technician = await refused(
        client, ADD, {"input": {"orderId": oid, "kind": "LABOUR", "description": "x", "hours": "1"}},
        await sign_in("technician"),
    )  # fmt: skip
    assert technician == {"code": "FORBIDDEN", "permission": "quotation:create"}


async def test_sending_freezes_the_quoted_lines(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn
) -> None:
    advisor = await sign_in("advisor")
    opened = await open_walk_in(client, api_shop, advisor)
    oid = opened["id"]
    nothing = await refused(client, SEND, {"input": {"orderId": oid}}, advisor)
    assert nothing["rule"] == "nothing_to_quote"
    line = await add_line(client, advisor, oid, kind="LABOUR", description="Brakes", hours="2")
    revision = await send(client, advisor, oid, promisedAt="2030-01-01T17:00:00+08:00")
    assert (revision["revision"], revision["status"], revision["customerTotal"]) == (
        1, "PENDING", "400.00",
    )  # fmt: skip
    assert (await order(client, advisor, oid))["status"] == "AWAITING_APPROVAL"
    frozen = await refused(
        client, UPDATE_LINE, {"input": {"lineId": line["id"], "hours": "3"}}, advisor
    )
    assert frozen["rule"] == "line_in_pending_quotation"
    assert (await refused(client, REMOVE_LINE, {"id": line["id"]}, advisor))["rule"] == (
        "line_in_pending_quotation"
    )
    past = await refused(
        client, SEND, {"input": {"orderId": oid, "promisedAt": "2001-01-01T00:00:00Z"}}, advisor
    )
    assert past["rule"] == "promised_in_past"


async def test_a_declined_first_quotation_reopens_the_order(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn
) -> None:
    advisor = await sign_in("advisor")
    opened = await open_walk_in(client, api_shop, advisor)
    line = await add_line(
        client, advisor, opened["id"], kind="LABOUR", description="Brakes", hours="2"
    )
    revision = await send(client, advisor, opened["id"])
    declined = await ok(client, DECLINE, {"id": revision["id"]}, advisor)
    assert declined["declineQuotation"]["status"] == "DECLINED"
    assert declined["declineQuotation"]["order"]["status"] == "OPEN"
    shown = await order(client, advisor, opened["id"])
    assert [entry["status"] for entry in shown["lines"]] == ["DECLINED"]
    decided = await refused(client, DECLINE, {"id": revision["id"]}, advisor)
    assert decided["rule"] == "revision_decided"
    again = await refused(
        client, UPDATE_LINE, {"input": {"lineId": line["id"], "hours": "1"}}, advisor
    )
    assert again["rule"] == "line_closed"


async def test_approved_work_is_never_edited_a_change_is_a_new_revision(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    advisor = await sign_in("advisor")
    placed = await approved_order(client, api_shop, sign_in)
    oid = placed["id"]
    approved_line = placed["lines"][0]
    assert approved_line["status"] == "APPROVED"
    edit = await refused(
        client, UPDATE_LINE, {"input": {"lineId": approved_line["id"], "hours": "9"}}, advisor
    )
    assert edit["rule"] == "approved_line_immutable"
    remove = await refused(client, REMOVE_LINE, {"id": approved_line["id"]}, advisor)
    assert remove["rule"] == "approved_line_immutable"
    before = await db.fetchval(
        "select lines from order_revision where repair_order_id = $1 and revision = 1", pk(oid)
    )
    extra = await add_line(
        client, advisor, oid, kind="LABOUR", description="Replace wiper blades", hours="0.2"
    )
    assert extra["additional"] is True and extra["status"] == "PROPOSED"
    revision = await send(client, advisor, oid, promisedAt="2031-02-03T10:00:00+00:00")
    assert revision["revision"] == 2
    assert [line["alreadyApproved"] for line in revision["lines"]] == [True, True, True, False]
    shown = await order(client, advisor, oid)
    assert [(r["revision"], r["status"]) for r in shown["revisions"]] == [
        (1, "APPROVED"), (2, "PENDING"),
    ]  # fmt: skip
    assert shown["status"] == "APPROVED"
    await sign(client, advisor, revision["id"])
    shown = await order(client, advisor, oid)
    assert [(r["revision"], r["status"]) for r in shown["revisions"]] == [
        (1, "SUPERSEDED"), (2, "APPROVED"),
    ]  # fmt: skip
    assert shown["approvedRevision"] == 2
    assert shown["promisedAt"].startswith("2031-02-03T10:00:00")
    after = await db.fetchval(
        "select lines from order_revision where repair_order_id = $1 and revision = 1", pk(oid)
    )
    assert json.loads(after) == json.loads(before)
    body = await gql(
        client,
        'mutation($id: ID!) { approveQuotationBySignature(revisionId: $id, signature: "M1 1") { id } }',
        {"id": revision["id"]},
        advisor,
    )
    assert body["errors"][0]["extensions"]["rule"] == "revision_decided"
