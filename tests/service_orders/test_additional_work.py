"""Additional work: reported by the technician, quoted by the advisor, added only with
the customer's approval (moving the promised time); declined work stays on record."""

from __future__ import annotations

import httpx

from tests.service_orders.factories_orders import Workshop
from tests.service_orders.order_steps import (
    DECLINE,
    SIGN,
    SIGNATURE,
    UPDATE_LINE,
    SignIn,
    add_line,
    approved_order,
    gid,
    move,
    ok,
    order,
    refused,
    send,
    sign,
)

REPORT = """
mutation($input: ReportAdditionalFaultInput!) {
  reportAdditionalFault(input: $input) {
    id kind status additional hours amount reportedBy { username } order { status }
  }
}
"""
DECLINED_WORK = """
query { declinedWork(first: 10) { edges { node { description status declinedAt order { number } } } } }
"""


async def test_approved_additional_work_is_added_and_moves_the_promise(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn
) -> None:
    placed = await approved_order(client, api_shop, sign_in)
    oid = placed["id"]
    await move(api_shop, oid, "in_progress")
    technician = await sign_in("technician")
    found = await ok(
        client,
        REPORT,
        {"input": {"orderId": oid, "description": "Front brake pads worn to 2 mm"}},
        technician,
    )
    line = found["reportAdditionalFault"]
    assert (line["status"], line["additional"], line["hours"]) == ("PROPOSED", True, "0.00")
    assert line["reportedBy"]["username"] == api_shop.usernames["technician"]
    assert line["order"]["status"] == "IN_PROGRESS"
    advisor = await sign_in("advisor")
    await ok(client, UPDATE_LINE, {"input": {"lineId": line["id"], "hours": "1.2"}}, advisor)
    pads = await add_line(
        client, advisor, oid, kind="PART", partId=gid("Part", api_shop.part_id), quantity="1"
    )
    assert pads["additional"] is True
    revision = await send(client, advisor, oid, promisedAt="2032-06-01T18:00:00+00:00")
    shown = await order(client, advisor, oid)
    assert shown["status"] == "IN_PROGRESS"  # the work continues unchanged meanwhile
    assert shown["promisedAt"] is None
    assert shown["totals"]["total"] == "1065.00"  # 740 approved + 240 + 85 proposed
    await sign(client, advisor, revision["id"])
    shown = await order(client, advisor, oid)
    assert shown["promisedAt"].startswith("2032-06-01T18:00:00")
    assert {entry["status"] for entry in shown["lines"]} == {"APPROVED"}
    assert shown["status"] == "IN_PROGRESS"


async def test_declined_additional_work_is_kept_as_declined(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn
) -> None:
    placed = await approved_order(client, api_shop, sign_in)
    oid = placed["id"]
    await move(api_shop, oid, "in_progress")
    found = await ok(
        client,
        REPORT,
        {"input": {"orderId": oid, "description": "Rear tyres cracked", "estimatedHours": "0.8"}},
        await sign_in("technician"),
    )
    advisor = await sign_in("advisor")
    revision = await send(client, advisor, oid)
    declined = await ok(client, DECLINE, {"id": revision["id"]}, advisor)
    assert declined["declineQuotation"]["order"]["status"] == "IN_PROGRESS"
    shown = await order(client, advisor, oid)
    statuses = {entry["id"]: entry["status"] for entry in shown["lines"]}
    assert statuses.pop(found["reportAdditionalFault"]["id"]) == "DECLINED"
    assert set(statuses.values()) == {"APPROVED"}
    assert [(r["revision"], r["status"]) for r in shown["revisions"]] == [
        (1, "APPROVED"), (2, "DECLINED"),
    ]  # fmt: skip
    assert shown["totals"]["total"] == "740.00"
    listed = await ok(client, DECLINED_WORK, {}, advisor)
    nodes = [edge["node"] for edge in listed["declinedWork"]["edges"]]
    assert [(n["description"], n["order"]["number"]) for n in nodes] == [
        ("Rear tyres cracked", placed["number"])
    ]
    assert nodes[0]["declinedAt"] is not None


async def test_faults_are_reported_only_during_the_repair(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn
) -> None:
    placed = await approved_order(client, api_shop, sign_in)
    oid = placed["id"]
    await move(api_shop, oid, "in_progress")
    await ok(
        client, REPORT, {"input": {"orderId": oid, "description": "Wipers smear"}},
        await sign_in("technician"),
    )  # fmt: skip
    advisor = await sign_in("advisor")
    pending = await send(client, advisor, oid)
    await move(api_shop, oid, "work_done")
    checking = await refused(
        client, REPORT, {"input": {"orderId": oid, "description": "x"}}, await sign_in("technician")
    )
    assert checking["rule"] == "additional_work_during_repair"
    too_late = await refused(client, SIGN, {"id": pending["id"], "sig": SIGNATURE}, advisor)
    assert too_late["rule"] == "no_new_work_after_work_done"
    declined = await ok(client, DECLINE, {"id": pending["id"]}, advisor)
    assert declined["declineQuotation"]["order"]["status"] == "WORK_DONE"
    await move(api_shop, oid, "ready")
    late = await refused(
        client, REPORT, {"input": {"orderId": oid, "description": "x"}}, await sign_in("technician")
    )
    assert late["rule"] == "additional_work_during_repair"
    cashier = await refused(
        client, REPORT, {"input": {"orderId": oid, "description": "x"}}, await sign_in("cashier")
    )
    assert cashier == {"code": "FORBIDDEN", "permission": "job_clock:record"}
