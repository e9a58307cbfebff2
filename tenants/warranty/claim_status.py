"""The claim's status machine: which moves exist, who makes them (the dealer's claims
specialist or the manufacturer), and the append-only history every move leaves."""

from __future__ import annotations

from typing import Literal

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation

ClaimStatus = Literal[
    "draft",
    "submitted",
    "accepted",
    "approved",
    "partially_approved",
    "rejected",
    "returned",
    "paid",
    "cancelled",
]

DEALER_MOVES: dict[str, frozenset[str]] = {
    "draft": frozenset({"submitted", "cancelled"}),
    "returned": frozenset({"submitted", "cancelled"}),
    "approved": frozenset({"paid"}),
    "partially_approved": frozenset({"paid"}),
}
"""Moves the dealer makes: submit (again after a return for correction), cancel, and
paid once the money is reconciled."""

MANUFACTURER_MOVES: dict[str, frozenset[str]] = {
    "submitted": frozenset({"accepted", "approved", "partially_approved", "rejected", "returned"}),
    "accepted": frozenset({"approved", "partially_approved", "rejected", "returned"}),
}
"""Moves only the manufacturer's answer makes (its inbox reviewers or its callback)."""

EDITABLE: frozenset[str] = frozenset({"draft", "returned"})
"""Statuses in which the dealer may change the claim's content."""


def allowed_moves(status: str, *, by_manufacturer: bool) -> frozenset[str]:
    moves = MANUFACTURER_MOVES if by_manufacturer else DEALER_MOVES
    return moves.get(status, frozenset())


async def transition(
    tx: ActiveTransaction,
    dealer_id: int,
    claim_id: int,
    to_status: ClaimStatus,
    *,
    by_manufacturer: bool = False,
    actor: str = "",
    note: str = "",
    request_id: str = "",
) -> str:
    """Move the claim (locked) to ``to_status`` or refuse; returns the old status.
    ``actor`` names a system actor (connector, callback) when no user acts."""
    current: str | None = await tx.connection.fetchval(
        "select status from warranty_claim where dealer_id = $1 and id = $2 for update",
        dealer_id,
        claim_id,
    )
    if current is None:
        raise RecordNotFound("Warranty claim")
    if to_status not in allowed_moves(current, by_manufacturer=by_manufacturer):
        raise RuleViolation(
            "status",
            "status_transition",
            f"A {current} claim cannot become {to_status}",
            fromStatus=current,
            toStatus=to_status,
        )
    await tx.connection.execute(
        """
        update warranty_claim
           set status = $3,
               submitted_at = case when $3 = 'submitted' then now() else submitted_at end,
               submitted_by = case when $3 = 'submitted' then $4 else submitted_by end,
               submission_count = submission_count + (case when $3 = 'submitted' then 1 else 0 end),
               decided_at = case when $5 then now() else decided_at end
         where dealer_id = $1 and id = $2
        """,
        dealer_id,
        claim_id,
        to_status,
        tx.scope.user_id,
        by_manufacturer,
    )
    await tx.connection.execute(
        "insert into warranty_claim_event (dealer_id, claim_id, from_status, to_status,"
        " actor_user_id, actor, note) values ($1, $2, $3, $4, $5, $6, $7)",
        dealer_id,
        claim_id,
        current,
        to_status,
        tx.scope.user_id,
        actor,
        note,
    )
    await record(
        dealer_id=dealer_id,
        action=f"warranty_claim.{to_status}",
        object_type="warranty_claim",
        object_id=claim_id,
        before={"status": current},
        after={"status": to_status, "note": note, "actor": actor},
        request_id=request_id,
    )
    return current
