"""The manufacturer's review inbox through GraphQL: who sees which dealers' claims (the
brand's warranty technician all, the regional manager the region's), the claim as
received with lines, files and history, and the four answers with their amounts, each
recorded and moving the claim as the manufacturer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest

from api.schema.relay_conventions import global_id
from tenants.database import TenantScope, tenant_transaction
from tenants.warranty import delivery
from tenants.warranty.claim_submission import submit_claim
from tests.api.graphql_client import error_codes, gql
from tests.conftest import reload_policies
from tests.warranty.claims_arrange import issue_part
from tests.warranty.delivery_steps import Submitted, delivery_redis, submitted_claim
from tests.warranty.factories_warranty import WarrantyDesk

__all__ = ["delivery_redis"]
pytestmark = pytest.mark.usefixtures("delivery_redis")

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]

INBOX = """
query($status: [SubmissionStatus!], $dealer: ID, $search: String) {
  warrantyReviewInbox(status: $status, dealerId: $dealer, search: $search) {
    edges { node { id status dealer { code } claim { number status } } }
  }
}
"""
DETAIL = """
query($id: ID!) { warrantySubmission(id: $id) {
  id status canDecide idempotencyKey payload receivedAt
  dealer { code }
  claim { id number status requestedAmount approvedAmount decisionReason submissionCount }
  lines { lineId kind itemCode itemName amount approvedAmount decision decisionReason }
  files { fileName contentType sizeBytes dataUrl }
  history { fromStatus toStatus actor actorName note }
  decisions { decision approvedAmount reason source decidedByName lines }
} }
"""
PARTIAL = """
mutation($input: PartiallyApproveClaimInput!) {
  partiallyApproveWarrantyClaim(input: $input) { id status canDecide claim { status approvedAmount } }
}
"""
APPROVE = """
mutation($input: ApproveClaimInput!) {
  approveWarrantyClaim(input: $input) { id status claim { status approvedAmount } }
}
"""
REJECT = """
mutation($input: ReasonedDecisionInput!) {
  rejectWarrantyClaim(input: $input) { id status claim { status approvedAmount decisionReason } }
}
"""
RETURN = """
mutation($input: ReasonedDecisionInput!) {
  returnWarrantyClaim(input: $input) { id status claim { status approvedAmount decisionReason } }
}
"""


async def received(db: asyncpg.Connection, desk: WarrantyDesk, **kwargs: Any) -> Submitted:
    """A claim submitted and delivered into the inbox."""
    sent = await submitted_claim(db, desk, **kwargs)
    dealer = kwargs.get("dealer_id") or desk.dealer_id
    result = await delivery.attempt(dealer, sent.message_id)
    assert result is not None and result.status == "delivered"
    return sent


async def submission_gid(db: asyncpg.Connection, sent: Submitted) -> str:
    pk = await db.fetchval(
        "select id from warranty_submission where idempotency_key = $1", sent.key
    )
    return global_id("WarrantySubmission", pk)


def line_gid(pk: int) -> str:
    return global_id("WarrantyClaimLine", pk)


def _inbox_numbers(body: dict[str, Any]) -> set[tuple[str, str]]:
    assert not body.get("errors"), body
    edges = body["data"]["warrantyReviewInbox"]["edges"]
    return {(e["node"]["dealer"]["code"], e["node"]["claim"]["number"]) for e in edges}


async def test_reviewers_see_the_dealers_they_oversee(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    desk = api_desk
    near = await received(db, desk)
    far = await received(db, desk, dealer_id=desk.far_dealer_id)
    codes = dict(await db.fetch("select id, code from dealer"))
    numbers = dict(await db.fetch("select id, number from warranty_claim"))
    near_row = (codes[desk.dealer_id], numbers[near.claim_id])
    far_row = (codes[desk.far_dealer_id], numbers[far.claim_id])

    technician = await gql(client, INBOX, {}, await sign_in("reviewer"))
    assert _inbox_numbers(technician) == {near_row, far_row}
    regional = await gql(client, INBOX, {}, await sign_in("regional"))
    assert _inbox_numbers(regional) == {near_row}
    only_far = await gql(
        client, INBOX, {"dealer": str(desk.far_dealer_id)}, await sign_in("reviewer")
    )
    assert _inbox_numbers(only_far) == {far_row}
    searched = await gql(
        client, INBOX, {"search": numbers[far.claim_id]}, await sign_in("reviewer")
    )
    assert _inbox_numbers(searched) == {far_row}
    # The regional manager cannot open the other region's claim either.
    hidden = await gql(
        client, DETAIL, {"id": await submission_gid(db, far)}, await sign_in("regional")
    )
    assert hidden["data"]["warrantySubmission"] is None
    # Dealer staff without review rights get no inbox.
    advisor = await gql(client, INBOX, {}, await sign_in("advisor"))
    assert error_codes(advisor) == ["FORBIDDEN"]


async def test_the_received_claim_shows_payload_lines_files_and_history(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    sent = await received(db, api_desk)
    await db.execute(
        "insert into warranty_claim_file (dealer_id, claim_id, file_name, content_type,"
        " size_bytes, sha256, content) values ($1, $2, 'pump.png', 'image/png', 3, 'abc',"
        " '\\x010203')",
        api_desk.dealer_id,
        sent.claim_id,
    )
    body = await gql(
        client, DETAIL, {"id": await submission_gid(db, sent)}, await sign_in("reviewer")
    )
    assert not body.get("errors"), body
    item = body["data"]["warrantySubmission"]
    assert (item["status"], item["canDecide"], item["idempotencyKey"]) == (
        "RECEIVED",
        True,
        sent.key,
    )
    assert item["payload"]["requestedAmount"] == "950.00"
    assert [line["lineId"] for line in item["payload"]["lines"]] == [
        sent.labour_line_id,
        sent.part_line_id,
    ]
    assert item["claim"]["status"] == "accepted"
    assert [(x["lineId"], x["kind"], x["amount"], x["approvedAmount"]) for x in item["lines"]] == [
        (line_gid(sent.labour_line_id), "labour", "270.00", None),
        (line_gid(sent.part_line_id), "part", "680.00", None),
    ]
    assert item["lines"][1]["itemName"] == "Water pump"
    assert item["files"] == [
        {
            "fileName": "pump.png",
            "contentType": "image/png",
            "sizeBytes": 3,
            "dataUrl": "data:image/png;base64,AQID",
        }
    ]
    assert [(h["toStatus"], h["actor"]) for h in item["history"]] == [
        ("submitted", ""),
        ("accepted", "connector:inbox"),
    ]


async def test_a_partial_approval_cuts_lines_and_is_recorded(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    sent = await received(db, api_desk)
    submission = await submission_gid(db, sent)
    headers = await sign_in("regional")
    body = await gql(
        client,
        PARTIAL,
        {
            "input": {
                "submissionId": submission,
                "reason": "Labour above standard; pump price capped",
                "lines": [
                    {
                        "lineId": line_gid(sent.part_line_id),
                        "approvedAmount": "600.00",
                        "reason": "Price list 600",
                    }
                ],
            }
        },
        headers,
    )
    assert not body.get("errors"), body
    answered = body["data"]["partiallyApproveWarrantyClaim"]
    assert (answered["status"], answered["canDecide"]) == ("DECIDED", False)
    assert answered["claim"] == {"status": "partially_approved", "approvedAmount": "870.00"}

    detail = await gql(client, DETAIL, {"id": submission}, headers)
    item = detail["data"]["warrantySubmission"]
    assert [(x["approvedAmount"], x["decision"], x["decisionReason"]) for x in item["lines"]] == [
        ("270.00", "APPROVED", ""),
        ("600.00", "REDUCED", "Price list 600"),
    ]
    [decision] = item["decisions"]
    assert (decision["decision"], decision["approvedAmount"], decision["source"]) == (
        "PARTIALLY_APPROVED",
        "870.00",
        "INBOX",
    )
    assert decision["decidedByName"] is not None
    assert item["history"][-1]["toStatus"] == "partially_approved"
    actor = await db.fetchval(
        "select actor_user_id from warranty_claim_event where claim_id = $1 order by id desc"
        " limit 1",
        sent.claim_id,
    )
    assert actor == api_desk.users["regional"]
    audited = await db.fetchval(
        "select count(*) from audit_entry where action = 'warranty_decision.partially_approved'"
        " and actor_user_id = $1",
        api_desk.users["regional"],
    )
    assert audited == 1

    again = await gql(client, APPROVE, {"input": {"submissionId": submission}}, headers)
    assert error_codes(again) == ["BAD_USER_INPUT"]
    assert again["errors"][0]["extensions"]["rule"] == "submission_answered"


async def test_partial_approvals_are_checked_line_by_line(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    sent = await received(db, api_desk)
    submission = await submission_gid(db, sent)
    headers = await sign_in("reviewer")

    async def refused(lines: list[dict[str, str]]) -> str:
        body = await gql(
            client,
            PARTIAL,
            {"input": {"submissionId": submission, "reason": "r", "lines": lines}},
            headers,
        )
        assert error_codes(body) == ["BAD_USER_INPUT"], body
        rule: str = body["errors"][0]["extensions"]["rule"]
        return rule

    labour = line_gid(sent.labour_line_id)
    assert await refused([{"lineId": labour, "approvedAmount": "300", "reason": "x"}]) == (
        "approved_amount_range"
    )
    assert await refused([{"lineId": labour, "approvedAmount": "-1", "reason": "x"}]) == (
        "approved_amount_range"
    )
    assert await refused([{"lineId": labour, "approvedAmount": "100", "reason": " "}]) == (
        "reason_required"
    )
    assert await refused([{"lineId": labour, "approvedAmount": "270", "reason": "x"}]) == (
        "partial_needs_cut"
    )
    zero = [
        {"lineId": labour, "approvedAmount": "0", "reason": "x"},
        {"lineId": line_gid(sent.part_line_id), "approvedAmount": "0", "reason": "x"},
    ]
    assert await refused(zero) == "partial_needs_amount"
    twice = [{"lineId": labour, "approvedAmount": "1", "reason": "x"}] * 2
    assert await refused(twice) == "line_repeated"
    other = await submitted_claim(db, api_desk)
    foreign = [{"lineId": line_gid(other.labour_line_id), "approvedAmount": "1", "reason": "x"}]
    assert await refused(foreign) == "line_not_on_claim"
    status = await db.fetchval("select status from warranty_claim where id = $1", sent.claim_id)
    assert status == "accepted"
    assert await db.fetchval("select count(*) from warranty_decision") == 0


async def test_reject_needs_a_reason_and_pays_nothing(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    sent = await received(db, api_desk)
    submission = await submission_gid(db, sent)
    headers = await sign_in("reviewer")
    empty = await gql(
        client, REJECT, {"input": {"submissionId": submission, "reason": " "}}, headers
    )
    assert empty["errors"][0]["extensions"]["rule"] == "reason_required"
    body = await gql(
        client,
        REJECT,
        {"input": {"submissionId": submission, "reason": "Damage from an accident"}},
        headers,
    )
    assert not body.get("errors"), body
    assert body["data"]["rejectWarrantyClaim"]["claim"] == {
        "status": "rejected",
        "approvedAmount": "0.00",
        "decisionReason": "Damage from an accident",
    }
    lines = await db.fetch(
        "select approved_amount, decision from warranty_claim_line where claim_id = $1",
        sent.claim_id,
    )
    assert {(r["approved_amount"], r["decision"]) for r in lines} == {(Decimal("0.00"), "rejected")}


async def test_returned_for_correction_then_resubmitted_comes_back_as_a_new_round(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    desk = api_desk
    sent = await received(db, desk)
    headers = await sign_in("reviewer")
    body = await gql(
        client,
        RETURN,
        {
            "input": {
                "submissionId": await submission_gid(db, sent),
                "reason": "Attach a photo of the leaking seal",
            }
        },
        headers,
    )
    assert not body.get("errors"), body
    assert body["data"]["returnWarrantyClaim"]["claim"] == {
        "status": "returned",
        "approvedAmount": None,
        "decisionReason": "Attach a photo of the leaking seal",
    }
    # The dealer corrects and submits again: round 2, its own key and inbox copy (the
    # claim is made good for the claim checks: causal part, order lines, part issued).
    await db.execute("delete from campaign_vehicle where vin = $1", desk.vin)
    await issue_part(db, desk, desk.part_line_id, "1")
    await db.execute(
        "update warranty_claim set causal_part_id = $2 where id = $1", sent.claim_id, desk.part_id
    )
    for claim_line, order_line in (
        (sent.labour_line_id, desk.labour_line_id),
        (sent.part_line_id, desk.part_line_id),
    ):
        await db.execute(
            "update warranty_claim_line set repair_order_line_id = $2 where id = $1",
            claim_line,
            order_line,
        )
    await db.execute(
        "insert into warranty_claim_file (dealer_id, claim_id, file_name, content_type,"
        " size_bytes, sha256, content) values ($1, $2, 'seal.jpg', 'image/jpeg', 1, 'f', '\\x00')",
        desk.dealer_id,
        sent.claim_id,
    )
    async with tenant_transaction(TenantScope.of([desk.dealer_id], desk.users["claims"])) as tx:
        message = await submit_claim(tx, desk.dealer_id, sent.claim_id, note="photo attached")
    result = await delivery.attempt(desk.dealer_id, message)
    assert result is not None and result.status == "delivered"

    inbox = await gql(client, INBOX, {}, headers)
    [edge] = inbox["data"]["warrantyReviewInbox"]["edges"]
    assert edge["node"]["claim"]["status"] == "accepted"
    detail = await gql(client, DETAIL, {"id": edge["node"]["id"]}, headers)
    item = detail["data"]["warrantySubmission"]
    assert item["claim"]["submissionCount"] == 2
    assert item["idempotencyKey"].endswith(":submit:2")
    assert [f["fileName"] for f in item["files"]] == ["seal.jpg"]
    approved = await gql(client, APPROVE, {"input": {"submissionId": edge["node"]["id"]}}, headers)
    assert approved["data"]["approveWarrantyClaim"]["claim"] == {
        "status": "approved",
        "approvedAmount": "950.00",
    }
    decided = await gql(client, INBOX, {"status": ["DECIDED"]}, headers)
    assert len(decided["data"]["warrantyReviewInbox"]["edges"]) == 2


async def test_only_reviewers_of_the_claims_dealer_may_answer(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    near = await received(db, api_desk)
    far = await received(db, api_desk, dealer_id=api_desk.far_dealer_id)
    approve_far = {"input": {"submissionId": await submission_gid(db, far)}}
    regional = await gql(client, APPROVE, approve_far, await sign_in("regional"))
    assert error_codes(regional) == ["NOT_FOUND"]
    approve_near = {"input": {"submissionId": await submission_gid(db, near)}}
    # The claims specialist reads the manufacturer's decisions but cannot make them.
    specialist = await gql(client, APPROVE, approve_near, await sign_in("claims"))
    assert error_codes(specialist) == ["FORBIDDEN"]
    assert specialist["errors"][0]["extensions"]["permission"] == "warranty_review:decide"
    advisor = await gql(client, APPROVE, approve_near, await sign_in("advisor"))
    assert error_codes(advisor) == ["FORBIDDEN"]
    technician = await gql(client, APPROVE, approve_far, await sign_in("reviewer"))
    assert not technician.get("errors"), technician
    assert await db.fetchval("select count(*) from warranty_decision") == 1


async def test_nobody_decides_a_claim_they_submitted(
    db: asyncpg.Connection,
    client: httpx.AsyncClient,
    app: object,
    sign_in: SignIn,
    api_desk: WarrantyDesk,
) -> None:
    # The claims specialist also works for the manufacturer's warranty department (兼职).
    await db.execute(
        "insert into manufacturer_assignment (manufacturer_id, user_id, role)"
        " values ($1, $2, 'manufacturer_warranty_technician')",
        api_desk.manufacturer_id,
        api_desk.users["claims"],
    )
    await reload_policies(app)
    sent = await received(db, api_desk)
    own = await gql(
        client,
        APPROVE,
        {"input": {"submissionId": await submission_gid(db, sent)}},
        await sign_in("claims"),
    )
    assert error_codes(own) == ["SEGREGATION_OF_DUTIES"]
    status = await db.fetchval("select status from warranty_claim where id = $1", sent.claim_id)
    assert status == "accepted"
