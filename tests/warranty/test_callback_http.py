"""The manufacturer's signed callback (POST /callbacks/warranty/<code>) through the real
app: it verifies the HMAC and the timestamp's freshness, finds the claim by the key it
received among the manufacturer's own dealers, applies the decision line by line once
per external reference, and answers every refusal in JSON with a stable code."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest

from tenants.warranty.connectors.signing import signed_headers
from tests.warranty.delivery_steps import Submitted, delivery_redis, make_http, submitted_claim
from tests.warranty.factories_warranty import WarrantyDesk, make_warranty_desk

__all__ = ["delivery_redis"]
pytestmark = pytest.mark.usefixtures("delivery_redis")

SECRET = "callback-secret"


@pytest.fixture
async def sent(db: asyncpg.Connection, desk: WarrantyDesk) -> Submitted:
    await make_http(db, desk, "http://127.0.0.1:9/unused", SECRET)
    return await submitted_claim(db, desk)


async def _code(db: asyncpg.Connection, desk: WarrantyDesk) -> str:
    code: str = await db.fetchval(
        "select code from manufacturer where id = $1", desk.manufacturer_id
    )
    return code


async def _post(
    client: httpx.AsyncClient,
    code: str,
    body: dict[str, Any],
    *,
    secret: str = SECRET,
    now: float | None = None,
    tamper: bool = False,
) -> httpx.Response:
    raw = json.dumps(body).encode()
    headers = signed_headers(secret, raw, now=now)
    if tamper:
        raw = raw.replace(b"100.00", b"900.00")
    return await client.post(
        f"/callbacks/warranty/{code}",
        content=raw,
        headers={**headers, "Content-Type": "application/json"},
    )


def _partial(sent: Submitted, ref: str = "HX-D-1") -> dict[str, Any]:
    return {
        "externalRef": ref,
        "idempotencyKey": sent.key,
        "decision": "partially_approved",
        "reason": "Labour above the standard time",
        "lines": [
            {"lineId": sent.labour_line_id, "approvedAmount": "100.00", "reason": "0.5 h paid"}
        ],
    }


async def test_a_signed_partial_approval_is_applied_line_by_line_once(
    db: asyncpg.Connection, client: httpx.AsyncClient, desk: WarrantyDesk, sent: Submitted
) -> None:
    code = await _code(db, desk)
    answer = await _post(client, code, _partial(sent))
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "recorded"
    assert answer.json()["claimStatus"] == "partially_approved"
    assert answer.json()["approvedAmount"] == "780.00"

    claim = await db.fetchrow("select * from warranty_claim where id = $1", sent.claim_id)
    assert (claim["status"], claim["approved_amount"]) == ("partially_approved", Decimal("780"))
    assert claim["decision_reason"] == "Labour above the standard time"
    lines = await db.fetch(
        "select id, approved_amount, decision, decision_reason from warranty_claim_line"
        " where claim_id = $1 order by id",
        sent.claim_id,
    )
    assert [(r["approved_amount"], r["decision"], r["decision_reason"]) for r in lines] == [
        (Decimal("100.00"), "reduced", "0.5 h paid"),
        (Decimal("680.00"), "approved", ""),
    ]

    again = await _post(client, code, _partial(sent))
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["decisionId"] == answer.json()["decisionId"]
    decisions = await db.fetch(
        "select source, external_ref, decided_by from warranty_decision where claim_id = $1",
        sent.claim_id,
    )
    assert [(d["source"], d["external_ref"], d["decided_by"]) for d in decisions] == [
        ("callback", "HX-D-1", None)
    ]
    events = await db.fetch(
        "select to_status, actor from warranty_claim_event where claim_id = $1 order by id",
        sent.claim_id,
    )
    assert [(e["to_status"], e["actor"]) for e in events] == [
        ("submitted", ""),
        ("partially_approved", f"callback:{code}"),
    ]


async def test_bad_or_stale_signatures_are_refused_with_401(
    db: asyncpg.Connection, client: httpx.AsyncClient, desk: WarrantyDesk, sent: Submitted
) -> None:
    code = await _code(db, desk)
    for kwargs, reason in (
        ({"secret": "guessed"}, "mismatch"),
        ({"tamper": True}, "mismatch"),
        ({"now": time.time() - 301}, "stale"),
        ({"now": time.time() + 301}, "stale"),
    ):
        answer = await _post(client, code, _partial(sent), **kwargs)
        assert answer.status_code == 401, kwargs
        assert answer.json()["error"]["code"] == "BAD_SIGNATURE"
        assert answer.json()["error"]["reason"] == reason
    unsigned = await client.post(f"/callbacks/warranty/{code}", json=_partial(sent))
    assert unsigned.status_code == 401
    assert unsigned.json()["error"]["reason"] == "missing"
    assert await db.fetchval("select count(*) from warranty_decision") == 0
    status = await db.fetchval("select status from warranty_claim where id = $1", sent.claim_id)
    assert status == "submitted"


async def test_unknown_manufacturers_and_claims_are_404(
    db: asyncpg.Connection, client: httpx.AsyncClient, desk: WarrantyDesk, sent: Submitted
) -> None:
    code = await _code(db, desk)
    unknown = await _post(client, "NO-SUCH-BRAND", _partial(sent))
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "UNKNOWN_MANUFACTURER")
    body = {**_partial(sent), "idempotencyKey": "dealernet:1:claim:999999:submit:1"}
    missing = await _post(client, code, body)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "UNKNOWN_CLAIM")

    # Another manufacturer, with the same secret, cannot answer this one's claims.
    other = await make_warranty_desk(db)
    await make_http(db, other, "http://127.0.0.1:9/unused", SECRET)
    foreign = await _post(client, await _code(db, other), _partial(sent))
    assert (foreign.status_code, foreign.json()["error"]["code"]) == (404, "UNKNOWN_CLAIM")
    assert await db.fetchval("select count(*) from warranty_decision") == 0


async def test_malformed_and_impossible_decisions_are_refused(
    db: asyncpg.Connection, client: httpx.AsyncClient, desk: WarrantyDesk, sent: Submitted
) -> None:
    code = await _code(db, desk)
    raw = b"not json"
    answer = await client.post(
        f"/callbacks/warranty/{code}", content=raw, headers=signed_headers(SECRET, raw)
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "MALFORMED")
    no_ref = {k: v for k, v in _partial(sent).items() if k != "externalRef"}
    answer = await _post(client, code, no_ref)
    assert (answer.status_code, answer.json()["error"]["field"]) == (400, "externalRef")

    too_much = _partial(sent)
    too_much["lines"][0]["approvedAmount"] = "270.01"
    answer = await _post(client, code, too_much)
    assert answer.status_code == 422
    assert answer.json()["error"]["rule"] == "approved_amount_range"
    no_reason = {**_partial(sent, "HX-D-2"), "decision": "rejected", "reason": "", "lines": []}
    answer = await _post(client, code, no_reason)
    assert (answer.status_code, answer.json()["error"]["rule"]) == (422, "reason_required")

    approved = {"externalRef": "HX-D-3", "idempotencyKey": sent.key, "decision": "approved"}
    assert (await _post(client, code, approved)).status_code == 200
    late = {**approved, "externalRef": "HX-D-4", "decision": "rejected", "reason": "late"}
    answer = await _post(client, code, late)
    assert (answer.status_code, answer.json()["error"]["rule"]) == (422, "status_transition")
    claim = await db.fetchrow("select * from warranty_claim where id = $1", sent.claim_id)
    assert (claim["status"], claim["approved_amount"]) == ("approved", Decimal("950.00"))
