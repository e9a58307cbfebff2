"""The customer's approval: the supervisor above the advisor's limit (segregated), the
signature at the desk, and the one-time link that works without an account."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx

from tests.api.graphql_client import gql
from tests.service_orders.factories_orders import Workshop
from tests.service_orders.order_steps import (
    LINK,
    SIGN,
    SIGNATURE,
    SUPERVISOR,
    SignIn,
    add_line,
    ok,
    open_walk_in,
    order,
    pk,
    refused,
    send,
)

PUBLIC_QUERY = """
query($t: String!) {
  quotationByToken(token: $t) {
    dealerName orderNumber revision status total customerTotal expiresAt
    byPayType { payType amount }
    lines { kind description quantity hours unitPrice amount payType }
  }
}
"""
PUBLIC_APPROVE = """
mutation($t: String!, $sig: String) {
  approveQuotationByToken(token: $t, signature: $sig) { status orderNumber }
}
"""
PUBLIC_DECLINE = "mutation($t: String!) { declineQuotationByToken(token: $t) { status } }"


async def _quoted(
    client: httpx.AsyncClient,
    shop: Workshop,
    headers: dict[str, str],
    hours: str,
    pay_type: str = "CUSTOMER",
    opener: dict[str, str] | None = None,
) -> dict[str, Any]:
    opened = await open_walk_in(client, shop, opener or headers)
    await add_line(
        client, headers, opened["id"], kind="LABOUR", description="Engine overhaul", hours=hours,
        payType=pay_type,
    )  # fmt: skip
    revision = await send(client, headers, opened["id"])
    return {"order": opened, "revision": revision}


async def test_above_the_advisors_limit_a_supervisor_approves_first(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn
) -> None:
    advisor = await sign_in("advisor")
    quoted = await _quoted(client, api_shop, advisor, hours="60")  # 12,000 > 10,000
    rid = quoted["revision"]["id"]
    assert quoted["revision"]["requiresSupervisor"] is True
    early = await refused(client, SIGN, {"id": rid, "sig": SIGNATURE}, advisor)
    assert early["rule"] == "supervisor_approval_required"
    assert (await refused(client, LINK, {"id": rid}, advisor))["rule"] == (
        "supervisor_approval_required"
    )
    front_desk = await refused(client, SUPERVISOR, {"id": rid}, await sign_in("supervisor"))
    assert front_desk == {"code": "FORBIDDEN", "permission": "quotation:approve"}
    approved = await ok(client, SUPERVISOR, {"id": rid}, await sign_in("manager"))
    assert approved["approveQuotationAsSupervisor"]["supervisorApprovedAt"] is not None
    twice = await refused(client, SUPERVISOR, {"id": rid}, await sign_in("gm"))
    assert twice["rule"] == "supervisor_already_approved"
    signed = await ok(client, SIGN, {"id": rid, "sig": SIGNATURE}, advisor)
    assert signed["approveQuotationBySignature"]["order"]["status"] == "APPROVED"
    assert signed["approveQuotationBySignature"]["approvalMethod"] == "SIGNATURE"


async def test_within_the_limit_or_paid_by_warranty_no_supervisor(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    advisor = await sign_in("advisor")
    small = await _quoted(client, api_shop, advisor, hours="50")  # exactly 10,000
    assert small["revision"]["requiresSupervisor"] is False
    not_needed = await refused(
        client, SUPERVISOR, {"id": small["revision"]["id"]}, await sign_in("manager")
    )
    assert not_needed["rule"] == "supervisor_not_needed"
    await db.execute("update repair_order set status = 'cancelled'")
    warranty = await _quoted(client, api_shop, advisor, hours="500", pay_type="WARRANTY")
    assert warranty["revision"]["customerTotal"] == "0.00"
    assert warranty["revision"]["requiresSupervisor"] is False


async def test_the_supervisors_limit_must_cover_it_and_not_their_own(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    manager = await sign_in("manager")
    advisor = await sign_in("advisor")
    # the advisor opens, the manager prepares and sends: 220,000 > the manager's 200,000
    quoted = await _quoted(client, api_shop, manager, hours="1100", opener=advisor)
    rid = quoted["revision"]["id"]
    assert quoted["revision"]["requiresSupervisor"] is True
    own = await refused(client, SUPERVISOR, {"id": rid}, manager)
    assert own["code"] == "SEGREGATION_OF_DUTIES"
    await db.execute("update repair_order set status = 'cancelled'")
    big = await _quoted(client, api_shop, advisor, hours="1100")
    low = await refused(client, SUPERVISOR, {"id": big["revision"]["id"]}, manager)
    assert low == {"code": "FORBIDDEN", "permission": "quotation:approve"}
    await ok(client, SUPERVISOR, {"id": big["revision"]["id"]}, await sign_in("gm"))


async def test_the_approval_link_works_once_without_an_account(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    advisor = await sign_in("advisor")
    quoted = await _quoted(client, api_shop, advisor, hours="2")
    link = (await ok(client, LINK, {"id": quoted["revision"]["id"]}, advisor))["createApprovalLink"]
    token = link["token"]
    assert link["path"] == f"/approve/{token}"
    stored = await db.fetchrow("select token_hash, token_expires_at from order_revision")
    assert stored["token_hash"] is not None and token.encode() not in bytes(stored["token_hash"])
    shown = await gql(client, PUBLIC_QUERY, {"t": token})
    assert not shown.get("errors"), shown
    quotation = shown["data"]["quotationByToken"]
    assert quotation["orderNumber"] == quoted["order"]["number"]
    assert quotation["customerTotal"] == "400.00"
    assert quotation["lines"] == [
        {
            "kind": "LABOUR", "description": "Engine overhaul", "quantity": "1.00",
            "hours": "2.00", "unitPrice": "200.00", "amount": "400.00", "payType": "CUSTOMER",
        }
    ]  # fmt: skip
    wrong = await gql(client, PUBLIC_APPROVE, {"t": token[:-2] + "xx"})
    assert wrong["errors"][0]["extensions"]["rule"] == "link_invalid"
    approved = await gql(client, PUBLIC_APPROVE, {"t": token, "sig": SIGNATURE})
    assert not approved.get("errors"), approved
    assert approved["data"]["approveQuotationByToken"]["status"] == "APPROVED"
    shown_order = await order(client, advisor, quoted["order"]["id"])
    assert shown_order["status"] == "APPROVED"
    assert {line["status"] for line in shown_order["lines"]} == {"APPROVED"}
    reused = await gql(client, PUBLIC_DECLINE, {"t": token})
    assert reused["errors"][0]["extensions"]["rule"] == "link_used"
    method = await db.fetchval("select approval_method from order_revision")
    assert method == "link"
    actors = await db.fetch(
        "select actor_user_id from audit_entry where action = 'quotation.approve'"
    )
    assert [a["actor_user_id"] for a in actors] == [None]


async def test_expired_replaced_and_foreign_links(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    advisor = await sign_in("advisor")
    quoted = await _quoted(client, api_shop, advisor, hours="2")
    rid = quoted["revision"]["id"]
    first = (await ok(client, LINK, {"id": rid}, advisor))["createApprovalLink"]["token"]
    second = (await ok(client, LINK, {"id": rid}, advisor))["createApprovalLink"]["token"]
    replaced = await gql(client, PUBLIC_QUERY, {"t": first})
    assert replaced["errors"][0]["extensions"]["rule"] == "link_invalid"
    await db.execute("update order_revision set token_expires_at = now() - interval '1 minute'")
    expired = await gql(client, PUBLIC_APPROVE, {"t": second})
    assert expired["errors"][0]["extensions"]["rule"] == "link_expired"
    assert await db.fetchval("select status from order_revision") == "pending"
    hours = await db.fetchval(
        "select extract(epoch from token_expires_at - now()) from order_revision"
    )
    assert hours < 0
    foreign = await sign_in("other_advisor")
    for query, variables in (
        (LINK, {"id": rid}),
        (SIGN, {"id": rid, "sig": SIGNATURE}),
        (SUPERVISOR, {"id": rid}),
    ):
        got = await refused(client, query, variables, foreign)
        assert got["code"] in ("NOT_FOUND", "FORBIDDEN"), got
    assert (await refused(client, LINK, {"id": rid}, foreign))["code"] == "NOT_FOUND"
    fresh = (await ok(client, LINK, {"id": rid}, advisor))["createApprovalLink"]
    hours_left = await db.fetchval(
        "select round(extract(epoch from token_expires_at - now()) / 3600) from order_revision"
    )
    assert hours_left == 48
    declined = await gql(client, PUBLIC_DECLINE, {"t": fresh["token"]}, foreign)
    assert declined["data"]["declineQuotationByToken"]["status"] == "DECLINED"
    assert (
        await db.fetchval(
            "select status from repair_order where id = $1", pk(quoted["order"]["id"])
        )
        == "open"
    )


async def test_two_taps_on_the_link_decide_once(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    import asyncio

    from tenants.service.orders.approval import decide_by_token
    from tenants.service.orders.errors import OrderRuleError

    advisor = await sign_in("advisor")
    quoted = await _quoted(client, api_shop, advisor, hours="2")
    token = (await ok(client, LINK, {"id": quoted["revision"]["id"]}, advisor))[
        "createApprovalLink"
    ]["token"]
    results = await asyncio.gather(
        decide_by_token(token, approve=True),
        decide_by_token(token, approve=False),
        return_exceptions=True,
    )
    refusals = [r for r in results if isinstance(r, OrderRuleError)]
    assert len(refusals) == 1 and refusals[0].rule in ("link_used", "revision_decided")
    decided = [r for r in results if not isinstance(r, BaseException)]
    assert len(decided) == 1
    assert (
        await db.fetchval(
            "select count(*) from audit_entry where action like 'quotation.%cline' or action = 'quotation.approve'"
        )
        == 1
    )
