"""The inbox connector: the manufacturer's review inbox inside dealernet.

Receiving a claim stores the manufacturer's copy (``warranty_submission``), unique by
the message's idempotency key: a repeated delivery finds the copy it made before and
succeeds without a second one. The inbox acknowledges receipt by moving the claim from
``submitted`` to ``accepted`` (受理): the dealer then sees that the manufacturer has it,
and the reviewers' decision moves it on from there. A copy that already existed moves
nothing, so a repeat changes nothing at all.

It runs in the worker's transaction, which holds the outbox row locked: receiving and
recording the delivery commit together, so for this connector "received" and
"delivered" cannot disagree even if the worker dies.
"""

from __future__ import annotations

from typing import Any

from tenants.database import ActiveTransaction
from tenants.warranty.claim_status import transition
from tenants.warranty.connectors.message import Message

ACTOR = "connector:inbox"


async def receive(tx: ActiveTransaction, message: Message) -> dict[str, Any]:
    """Take the message into the inbox; the answer is kept on the outbox message."""
    if message.kind == "withdraw":
        withdrawn = await tx.connection.fetchval(
            "with w as (update warranty_submission set status = 'withdrawn'"
            " where dealer_id = $1 and claim_id = $2 and status = 'received' returning 1)"
            " select count(*) from w",
            message.dealer_id,
            message.claim_id,
        )
        return {"withdrawn": withdrawn}
    submission_id: int | None = await tx.connection.fetchval(
        "insert into warranty_submission (dealer_id, claim_id, idempotency_key, payload)"
        " values ($1, $2, $3, $4::jsonb) on conflict (idempotency_key) do nothing returning id",
        message.dealer_id,
        message.claim_id,
        message.idempotency_key,
        message.payload,
    )
    if submission_id is None:
        existing: int = await tx.connection.fetchval(
            "select id from warranty_submission where dealer_id = $1 and idempotency_key = $2",
            message.dealer_id,
            message.idempotency_key,
        )
        return {"submissionId": existing, "duplicate": True}
    status = await tx.connection.fetchval(
        "select status from warranty_claim where dealer_id = $1 and id = $2 for update",
        message.dealer_id,
        message.claim_id,
    )
    if status == "submitted":
        await transition(
            tx,
            message.dealer_id,
            message.claim_id,
            "accepted",
            by_manufacturer=True,
            actor=ACTOR,
            note="Received in the manufacturer's review inbox",
        )
    return {"submissionId": submission_id, "duplicate": False}
