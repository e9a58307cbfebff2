"""Settlement through GraphQL: finance records the remittance, the claims specialist
allocates it by the remittance's claim numbers and the claim turns paid; who may do
what, and no dealer sees or allocates another's money."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.warranty.factories_warranty import WarrantyDesk
from tests.warranty.money_steps import make_claim

SignIn = Callable[[str], Awaitable[dict[str, str]]]

RECORD = """
mutation($ref: String!, $amount: Decimal!, $on: Date!) {
  recordWarrantyPayment(input: {reference: $ref, amount: $amount, paidOn: $on, note: "HX"}) {
    id reference amount allocated unallocated recordedBy { username }
  }
}"""
ALLOCATE = """
mutation($p: ID!, $lines: [AllocationLineInput!]!) {
  allocateWarrantyPayment(input: {paymentId: $p, lines: $lines}) {
    paidClaimIds
    payment { allocated unallocated allocations { claimNumber amount kind } }
  }
}"""
BALANCES = """
query($open: Boolean!) {
  warrantyClaimBalances(onlyOpen: $open) {
    rows { number status approved paid chargedBack kept outstanding chargeBackCandidates }
  }
}"""
PAYMENTS = "{ warrantyPayments { edges { node { reference unallocated } } } }"
MONTHS = """
query($f: Date!, $t: Date!) {
  warrantyMonthlyReconciliation(fromMonth: $f, toMonth: $t) {
    month approvedCount paidAmount outstandingAmount
  }
}"""


async def test_finance_records_claims_specialist_allocates_claim_is_paid(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_desk: WarrantyDesk, sign_in: SignIn
) -> None:
    desk = api_desk
    claim = await make_claim(db, desk, status="approved", approved="950.00")
    cashier, claims = await sign_in("cashier"), await sign_in("claims")
    today = date.today().isoformat()

    body = await gql(
        client, RECORD, {"ref": "HX-2026-11", "amount": "1000.00", "on": today}, claims
    )
    assert body["errors"][0]["extensions"]["permission"] == "settlement:collect"
    body = await gql(
        client, RECORD, {"ref": "HX-2026-11", "amount": "1000.00", "on": today}, cashier
    )
    payment = body["data"]["recordWarrantyPayment"]
    assert (payment["unallocated"], payment["recordedBy"]["username"]) == (
        "1000.00",
        desk.usernames["cashier"],
    )
    lines = [{"claimNumber": claim.number}]
    body = await gql(client, ALLOCATE, {"p": payment["id"], "lines": lines}, cashier)
    assert body["errors"][0]["extensions"]["permission"] == "warranty_claim:submit"
    body = await gql(client, ALLOCATE, {"p": payment["id"], "lines": lines}, claims)
    result = body["data"]["allocateWarrantyPayment"]
    assert result["paidClaimIds"] == [global_id("WarrantyClaim", claim.id)]
    assert result["payment"] == {
        "allocated": "950.00",
        "unallocated": "50.00",
        "allocations": [{"claimNumber": claim.number, "amount": "950.00", "kind": "PAYMENT"}],
    }
    body = await gql(client, BALANCES, {"open": False}, cashier)
    assert body["data"]["warrantyClaimBalances"]["rows"] == [
        {
            "number": claim.number,
            "status": "PAID",
            "approved": "950.00",
            "paid": "950.00",
            "chargedBack": "0.00",
            "kept": "950.00",
            "outstanding": "0.00",
            "chargeBackCandidates": 0,
        }
    ]
    assert (await gql(client, BALANCES, {"open": True}, claims))["data"]["warrantyClaimBalances"][
        "rows"
    ] == []
    body = await gql(client, ALLOCATE, {"p": payment["id"], "lines": lines}, claims)
    assert body["errors"][0]["extensions"]["rule"] == "over_payment"
    body = await gql(client, ALLOCATE, {"p": payment["id"], "lines": [{}]}, claims)
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "lines",
    }
    month = date.today().replace(day=1).isoformat()
    body = await gql(client, MONTHS, {"f": month, "t": month}, claims)
    [row] = body["data"]["warrantyMonthlyReconciliation"]
    assert (row["approvedCount"], row["paidAmount"], row["outstandingAmount"]) == (
        1,
        "950.00",
        "0.00",
    )
    body = await gql(client, MONTHS, {"f": "2020-01-01", "t": month}, claims)
    assert body["errors"][0]["extensions"]["field"] == "fromMonth"


async def test_money_is_read_with_settlement_read_and_stays_in_its_dealer(
    db: asyncpg.Connection, client: httpx.AsyncClient, api_desk: WarrantyDesk, sign_in: SignIn
) -> None:
    desk = api_desk
    claim = await make_claim(db, desk, status="approved", approved="950.00")
    today = date.today().isoformat()
    body = await gql(
        client, RECORD, {"ref": "HX-1", "amount": "500.00", "on": today}, await sign_in("cashier")
    )
    payment = body["data"]["recordWarrantyPayment"]["id"]
    for post in ("technician", "old_parts_keeper"):
        body = await gql(client, PAYMENTS, headers=await sign_in(post))
        assert body["errors"][0]["extensions"]["permission"] == "settlement:read", post
    for post in ("manager", "claims", "regional"):
        body = await gql(client, PAYMENTS, headers=await sign_in(post))
        refs = [e["node"]["reference"] for e in body["data"]["warrantyPayments"]["edges"]]
        assert refs == ["HX-1"], post

    far = await sign_in("far_claims")
    assert (await gql(client, PAYMENTS, headers=far))["data"]["warrantyPayments"]["edges"] == []
    body = await gql(
        client, ALLOCATE, {"p": payment, "lines": [{"claimNumber": claim.number}]}, far
    )
    assert error_codes(body) == ["NOT_FOUND"]
    node = "query($id: ID!) { node(id: $id) { id } }"
    assert (await gql(client, node, {"id": payment}, far))["data"]["node"] is None
    assert await db.fetchval("select count(*) from warranty_payment_allocation") == 0
