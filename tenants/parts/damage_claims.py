"""Transport-damage claims (运输损坏索赔): parts refused on receipt as damaged in transit
are claimed from the insurer or the carrier, never written into stock. A claim is
recorded from a posted receipt line, for at most the damaged quantity not yet claimed,
then settled (with the amount paid) or rejected."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.parts.errors import RecordNotFound, RuleViolation

AGAINST: frozenset[str] = frozenset({"insurer", "carrier"})


@dataclass(frozen=True)
class ClaimInput:
    receipt_line_id: int
    against: str
    party: str
    quantity: Decimal
    amount: Decimal
    description: str


async def record_claim(
    tx: ActiveTransaction, dealer_id: int, claim: ClaimInput, *, request_id: str = ""
) -> int:
    if claim.against not in AGAINST:
        raise RuleViolation(
            "against", "unknown_party", "A claim goes to the insurer or the carrier"
        )
    if not claim.party.strip():
        raise RuleViolation("party", "required", "Name the insurer or carrier")
    if not claim.description.strip():
        raise RuleViolation("description", "required", "Describe the damage")
    if claim.quantity <= 0:
        raise RuleViolation("quantity", "positive", "A claim is for a positive quantity")
    if claim.amount < 0:
        raise RuleViolation("amount", "not_negative", "A claimed amount cannot be negative")
    line = await tx.connection.fetchrow(
        "select rl.*, r.status as receipt_status, r.number as receipt_number"
        " from parts_receipt_line rl join parts_receipt r"
        " on r.dealer_id = rl.dealer_id and r.id = rl.receipt_id"
        " where rl.dealer_id = $1 and rl.id = $2 for update of rl",
        dealer_id,
        claim.receipt_line_id,
    )
    if line is None:
        raise RecordNotFound("Receipt line")
    if line["receipt_status"] != "posted":
        raise RuleViolation(
            "receiptLineId",
            "receipt_not_posted",
            f"{line['receipt_number']} is {line['receipt_status']}: claims follow a posted receipt",
        )
    if line["quality"] != "damaged" or line["refused_qty"] <= 0:
        raise RuleViolation(
            "receiptLineId",
            "not_damaged",
            "Only parts refused as damaged in transport are claimed from an insurer or carrier",
        )
    claimed: Decimal = await tx.connection.fetchval(
        "select coalesce(sum(quantity), 0) from transport_damage_claim"
        " where dealer_id = $1 and receipt_line_id = $2 and status <> 'rejected'",
        dealer_id,
        claim.receipt_line_id,
    )
    claimable = line["refused_qty"] - claimed
    if claim.quantity > claimable:
        raise RuleViolation(
            "quantity",
            "claim_exceeds_damaged",
            f"{claim.quantity} is more than the {claimable} damaged parts not yet claimed",
            claimable=str(claimable),
        )
    claim_id: int = await tx.connection.fetchval(
        "insert into transport_damage_claim (dealer_id, receipt_line_id, against, party,"
        " quantity, amount, description, created_by) values ($1, $2, $3, $4, $5, $6, $7, $8)"
        " returning id",
        dealer_id,
        claim.receipt_line_id,
        claim.against,
        claim.party.strip(),
        claim.quantity,
        claim.amount,
        claim.description.strip(),
        tx.scope.user_id,
    )
    await record(
        dealer_id=dealer_id,
        action="transport_damage_claim.create",
        object_type="transport_damage_claim",
        object_id=claim_id,
        after={"receipt": line["receipt_number"], "against": claim.against,
               "party": claim.party.strip(), "quantity": claim.quantity, "amount": claim.amount},
        request_id=request_id,
    )  # fmt: skip
    return claim_id


async def _lock_open(
    connection: asyncpg.Connection, dealer_id: int, claim_id: int
) -> asyncpg.Record:
    row = await connection.fetchrow(
        "select * from transport_damage_claim where dealer_id = $1 and id = $2 for update",
        dealer_id,
        claim_id,
    )
    if row is None:
        raise RecordNotFound("Transport damage claim")
    if row["status"] != "open":
        raise RuleViolation(
            "claimId",
            "status_transition",
            f"The claim is {row['status']}: it is decided already",
            fromStatus=row["status"],
        )
    return row


async def settle_claim(
    tx: ActiveTransaction,
    dealer_id: int,
    claim_id: int,
    amount: Decimal,
    note: str = "",
    *,
    request_id: str = "",
) -> None:
    """The insurer or carrier paid ``amount`` (may differ from what was claimed)."""
    if amount < 0:
        raise RuleViolation("amount", "not_negative", "A settled amount cannot be negative")
    before = await _lock_open(tx.connection, dealer_id, claim_id)
    await tx.connection.execute(
        "update transport_damage_claim set status = 'settled', settled_amount = $3,"
        " decision_note = $4, closed_by = $5, closed_at = now() where dealer_id = $1 and id = $2",
        dealer_id,
        claim_id,
        amount,
        note.strip(),
        tx.scope.user_id,
    )
    await record(
        dealer_id=dealer_id,
        action="transport_damage_claim.settle",
        object_type="transport_damage_claim",
        object_id=claim_id,
        before={"status": "open", "amount": before["amount"]},
        after={"status": "settled", "settled_amount": amount, "note": note.strip()},
        request_id=request_id,
    )


async def reject_claim(
    tx: ActiveTransaction, dealer_id: int, claim_id: int, reason: str, *, request_id: str = ""
) -> None:
    """The insurer or carrier refused to pay; the parts may be claimed again elsewhere."""
    if not reason.strip():
        raise RuleViolation("reason", "reason_required", "Say why the claim was rejected")
    await _lock_open(tx.connection, dealer_id, claim_id)
    await tx.connection.execute(
        "update transport_damage_claim set status = 'rejected', decision_note = $3,"
        " closed_by = $4, closed_at = now() where dealer_id = $1 and id = $2",
        dealer_id,
        claim_id,
        reason.strip(),
        tx.scope.user_id,
    )
    await record(
        dealer_id=dealer_id,
        action="transport_damage_claim.reject",
        object_type="transport_damage_claim",
        object_id=claim_id,
        before={"status": "open"},
        after={"status": "rejected", "reason": reason.strip()},
        request_id=request_id,
    )
