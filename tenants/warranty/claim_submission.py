"""Submitting a claim to the manufacturer: in the caller's one transaction the claim is
locked, checked, moved to ``submitted`` (history and audit by the status machine) and
its message written to the outbox for that submission round. A refusal (a blocking
check or an illegal move) raises before anything is written, and the transaction rolls
back as a whole: a claim is never submitted without its message, nor a message written
for a claim that was not submitted."""

from __future__ import annotations

from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound
from tenants.warranty import outbox
from tenants.warranty.claim_checks import CheckResult, check_claim
from tenants.warranty.claim_payload import build_payload
from tenants.warranty.claim_status import transition
from tenants.warranty.errors import ClaimChecksFailed


async def submit_claim(
    tx: ActiveTransaction, dealer_id: int, claim_id: int, *, note: str = "", request_id: str = ""
) -> int:
    """Submit (or resubmit after a return); returns the outbox message's id."""
    connection = tx.connection
    status = await connection.fetchval(
        "select status from warranty_claim where dealer_id = $1 and id = $2 for update",
        dealer_id,
        claim_id,
    )
    if status is None:
        raise RecordNotFound("Warranty claim")
    if status in ("draft", "returned"):
        result: CheckResult = await check_claim(connection, dealer_id, claim_id)
        if not result.ready:
            raise ClaimChecksFailed([issue.as_extension() for issue in result.errors])
    # Any other status is refused by the status machine with status_transition.
    await transition(tx, dealer_id, claim_id, "submitted", note=note.strip(), request_id=request_id)
    round_: int = await connection.fetchval(
        "select submission_count from warranty_claim where dealer_id = $1 and id = $2",
        dealer_id,
        claim_id,
    )
    payload = await build_payload(connection, dealer_id, claim_id)
    return await outbox.enqueue(tx, dealer_id, claim_id, "submit", payload, round_=round_)
