"""Submission: in one transaction the claim becomes submitted and exactly one outbox
message is written for that round; a refused submission (blocking checks, an illegal
move, a failure while writing the message) leaves neither. Every status refusal, the
goodwill determination (service manager, never the preparer) and a resubmission
after the manufacturer returns the claim."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
import httpx

from tenants.database import TenantScope, tenant_transaction
from tenants.warranty.claim_status import transition
from tenants.warranty.outbox import idempotency_key
from tests.api.graphql_client import error_codes, gql
from tests.factories import make_membership, make_user
from tests.warranty.claims_arrange import issue_part
from tests.warranty.claims_steps import (
    ADD_LINES,
    ASSESS,
    CANCEL,
    GOODWILL,
    REMOVE_LINE,
    SUBMIT,
    UPDATE,
    SignIn,
    claim_pk,
    create,
    first_error,
    line_gid,
    standard_input,
)
from tests.warranty.factories_warranty import WarrantyDesk


async def _outbox(db: asyncpg.Connection, claim_id: int) -> list[dict[str, Any]]:
    rows = await db.fetch(
        "select idempotency_key, kind, connector, status, payload from warranty_outbox"
        " where claim_id = $1 order by id",
        claim_id,
    )
    return [{**dict(r), "payload": json.loads(r["payload"])} for r in rows]


async def _ready_claim(
    client: httpx.AsyncClient, sign_in: SignIn, desk: WarrantyDesk, db: asyncpg.Connection
) -> dict[str, Any]:
    await issue_part(db, desk, desk.part_line_id, "1")
    return await create(client, await sign_in("claims"), standard_input(desk))


async def test_submit_moves_the_claim_and_writes_one_message(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    claim = await _ready_claim(client, sign_in, desk, db)
    pk = claim_pk(claim)
    await db.execute(
        "insert into warranty_claim_file (dealer_id, claim_id, file_name, content_type,"
        " size_bytes, sha256, content) values ($1, $2, 'leak.jpg', 'image/jpeg', 3, 'abc123',"
        " '\\xffd8ff')",
        desk.dealer_id,
        pk,
    )
    body = await gql(client, SUBMIT, {"id": claim["id"]}, await sign_in("claims"))
    submitted = body["data"]["submitWarrantyClaim"]
    assert (submitted["status"], submitted["submissionCount"], submitted["editable"]) == (
        "SUBMITTED",
        1,
        False,
    )
    assert [(h["fromStatus"], h["toStatus"]) for h in submitted["history"]] == [
        (None, "DRAFT"),
        ("DRAFT", "SUBMITTED"),
    ]
    (message,) = await _outbox(db, pk)
    assert message["idempotency_key"] == idempotency_key(desk.dealer_id, pk, "submit", 1)
    assert (message["kind"], message["connector"], message["status"]) == (
        "submit",
        "inbox",
        "pending",
    )
    payload = message["payload"]
    assert (payload["claimNumber"], payload["submission"]) == (claim["number"], 1)
    assert (payload["vehicle"]["vin"], payload["mileage"], payload["claimType"]) == (
        desk.vin,
        23000,
        "standard",
    )
    assert (payload["faultCode"], payload["cause"], payload["correction"]) == (
        "WP-LEAK-01",
        "Water pump shaft seal leaks",
        "Replaced the water pump, refilled coolant",
    )
    assert payload["causalPart"]["partGroup"] == "engine"
    (line,) = payload["lines"]
    assert (line["lineId"], line["kind"], line["amount"]) == (
        claim_pk({"id": claim["lines"][0]["id"]}),
        "part",
        "680.00",
    )
    assert payload["files"] == [
        {
            "fileId": payload["files"][0]["fileId"],
            "fileName": "leak.jpg",
            "contentType": "image/jpeg",
            "sizeBytes": 3,
            "sha256": "abc123",
        }
    ]
    assert payload["requestedAmount"] == "680.00"


async def test_a_refused_submission_writes_nothing(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    claims = await sign_in("claims")
    claim = await create(client, claims, standard_input(desk, cause=""))
    body = await gql(client, SUBMIT, {"id": claim["id"]}, claims)
    error = first_error(body)
    assert (error["code"], error["rule"]) == ("BAD_USER_INPUT", "claim_checks")
    assert [e["code"] for e in error["errors"]] == ["CAUSE_MISSING", "PART_NOT_ISSUED"]
    pk = claim_pk(claim)
    assert await _outbox(db, pk) == []
    row = await db.fetchrow("select status, submission_count from warranty_claim where id = $1", pk)
    assert (row["status"], row["submission_count"]) == ("draft", 0)
    assert (
        await db.fetchval("select count(*) from warranty_claim_event where claim_id = $1", pk) == 1
    )


async def test_a_failure_writing_the_message_rolls_the_status_back(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    claim = await _ready_claim(client, sign_in, desk, db)
    pk = claim_pk(claim)
    # A message already holding this round's key: the insert fails inside the submission.
    await db.execute(
        "insert into warranty_outbox (dealer_id, claim_id, kind, idempotency_key, payload,"
        " connector, status) values ($1, $2, 'submit', $3, '{}', 'inbox', 'dead')",
        desk.dealer_id,
        pk,
        idempotency_key(desk.dealer_id, pk, "submit", 1),
    )
    body = await gql(client, SUBMIT, {"id": claim["id"]}, await sign_in("claims"))
    assert error_codes(body) == ["INTERNAL_SERVER_ERROR"]
    row = await db.fetchrow("select status, submission_count from warranty_claim where id = $1", pk)
    assert (row["status"], row["submission_count"]) == ("draft", 0)
    assert (
        await db.fetchval("select count(*) from warranty_claim_event where claim_id = $1", pk) == 1
    )
    assert len(await _outbox(db, pk)) == 1
    assert (
        await db.fetchval(
            "select count(*) from audit_entry where action = 'warranty_claim.submitted'"
        )
        == 0
    )


async def test_every_move_a_submitted_claim_refuses(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    claims = await sign_in("claims")
    claim = await _ready_claim(client, sign_in, desk, db)
    await gql(client, SUBMIT, {"id": claim["id"]}, claims)
    refusals = [
        (SUBMIT, {"id": claim["id"]}, claims, "status_transition"),
        (CANCEL, {"id": claim["id"], "reason": "late"}, claims, "status_transition"),
        (UPDATE, {"input": {"claimId": claim["id"], "cause": "x"}}, claims, "claim_not_editable"),
        (REMOVE_LINE, {"id": claim["lines"][0]["id"]}, claims, "claim_not_editable"),
        (
            ADD_LINES,
            {"id": claim["id"], "lines": [line_gid(desk.labour_line_id)]},
            claims,
            "claim_not_editable",
        ),
        (
            ASSESS,
            {"input": {"lineId": line_gid(desk.part_line_id), "cause": "DEFECT"}},
            claims,
            "claim_not_editable",
        ),
        (
            GOODWILL,
            {"id": claim["id"], "reason": "x"},
            await sign_in("manager"),
            "claim_not_editable",
        ),
    ]
    for document, variables, headers, rule in refusals:
        body = await gql(client, document, variables, headers)
        assert first_error(body)["rule"] == rule, (document, body)
    body = await gql(client, SUBMIT, {"id": claim["id"]}, claims)
    assert (first_error(body)["fromStatus"], first_error(body)["toStatus"]) == (
        "submitted",
        "submitted",
    )
    assert len(await _outbox(db, claim_pk(claim))) == 1


async def test_cancel_needs_a_reason_and_a_cancelled_claim_stays_cancelled(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    desk = api_desk
    claims = await sign_in("claims")
    claim = await create(client, claims, standard_input(desk))
    body = await gql(client, CANCEL, {"id": claim["id"], "reason": "  "}, claims)
    assert first_error(body)["rule"] == "reason_required"
    await gql(client, CANCEL, {"id": claim["id"], "reason": "wrong order"}, claims)
    for document, variables, rule in (
        (SUBMIT, {"id": claim["id"]}, "status_transition"),
        (CANCEL, {"id": claim["id"], "reason": "again"}, "status_transition"),
        (UPDATE, {"input": {"claimId": claim["id"], "cause": "x"}}, "claim_not_editable"),
    ):
        body = await gql(client, document, variables, claims)
        assert first_error(body)["rule"] == rule
    body = await gql(client, SUBMIT, {"id": claim["id"]}, await sign_in("advisor"))
    assert first_error(body) == {"code": "FORBIDDEN", "permission": "warranty_claim:submit"}


async def test_returned_for_correction_then_resubmitted_as_round_two(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    claims = await sign_in("claims")
    claim = await _ready_claim(client, sign_in, desk, db)
    pk = claim_pk(claim)
    await gql(client, SUBMIT, {"id": claim["id"]}, claims)
    async with tenant_transaction(TenantScope.of([desk.dealer_id])) as tx:
        await transition(
            tx, desk.dealer_id, pk, "returned", by_manufacturer=True, actor="inbox", note="photos?"
        )
    body = await gql(
        client,
        UPDATE,
        {"input": {"claimId": claim["id"], "cause": "Seal failed at 23,000 km"}},
        claims,
    )
    assert body["data"]["updateWarrantyClaim"]["editable"] is True
    body = await gql(client, SUBMIT, {"id": claim["id"]}, claims)
    assert body["data"]["submitWarrantyClaim"]["submissionCount"] == 2
    keys = [m["idempotency_key"] for m in await _outbox(db, pk)]
    assert keys == [
        idempotency_key(desk.dealer_id, pk, "submit", 1),
        idempotency_key(desk.dealer_id, pk, "submit", 2),
    ]
    assert (await _outbox(db, pk))[1]["payload"]["cause"] == "Seal failed at 23,000 km"


async def test_goodwill_is_the_service_managers_determination_never_the_preparers(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    api_desk: WarrantyDesk,
    db: asyncpg.Connection,
    app: object,
) -> None:
    from tests.api.graphql_client import bearer
    from tests.conftest import reload_policies

    desk = api_desk
    both = await make_user(db, "w_both_hats")
    await make_membership(
        db, desk.dealer_id, both, ["warranty_claims_specialist", "service_manager"]
    )
    await reload_policies(app)
    dual = await bearer(client, "w_both_hats")
    claim = await create(client, dual, standard_input(desk))
    body = await gql(client, GOODWILL, {"id": claim["id"], "reason": "own claim"}, dual)
    assert error_codes(body) == ["SEGREGATION_OF_DUTIES"]
    body = await gql(client, GOODWILL, {"id": claim["id"], "reason": "x"}, await sign_in("claims"))
    assert first_error(body) == {"code": "FORBIDDEN", "permission": "warranty_claim:determine"}
    manager = await sign_in("manager")
    body = await gql(client, GOODWILL, {"id": claim["id"], "reason": " "}, manager)
    assert first_error(body)["rule"] == "reason_required"
    body = await gql(
        client, GOODWILL, {"id": claim["id"], "reason": "Long-standing customer"}, manager
    )
    decided = body["data"]["determineWarrantyClaimGoodwill"]
    assert (decided["claimType"], decided["goodwillReason"]) == (
        "GOODWILL",
        "Long-standing customer",
    )
    assert decided["goodwillDeterminedBy"]["username"] == desk.usernames["manager"]
    # Choosing another type again drops the determination.
    body = await gql(
        client, UPDATE, {"input": {"claimId": claim["id"], "claimType": "STANDARD"}}, dual
    )
    back = body["data"]["updateWarrantyClaim"]
    assert (back["claimType"], back["goodwillDeterminedBy"], back["goodwillReason"]) == (
        "STANDARD",
        None,
        "",
    )
