"""The manufacturer's answer to a claim, from its reviewers in the inbox or from its own
system through the signed callback: approve, approve line by line (部分批准), reject,
return for correction (退回修改), or only acknowledge receipt (accepted).

Every answer is recorded (``warranty_decision``, with the lines as decided), moves the
claim through the status machine as the manufacturer (``by_manufacturer=True``), sets
the approved amounts per line and in total, and closes the inbox copy it answers. An
answer carrying an external reference (the manufacturer's own ID of its decision) is
applied once: the same reference again changes nothing and reports the first.

Amounts: approving pays every line in full; a partial approval names the lines it cuts
(amount between 0 and the line's amount, with a reason) and pays the others in full;
rejecting pays nothing; returning clears earlier line decisions, since the dealer will
change the claim and submit it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from policies.segregation import ensure_not_requester
from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation
from tenants.partners import domain_events
from tenants.warranty.claim_status import transition

DecisionKind = Literal["accepted", "approved", "partially_approved", "rejected", "returned"]
DECISIONS: tuple[str, ...] = ("accepted", "approved", "partially_approved", "rejected", "returned")
NEEDS_REASON = frozenset({"partially_approved", "rejected", "returned"})
CENT = Decimal("0.01")


@dataclass(frozen=True)
class LineDecision:
    line_id: int
    approved_amount: Decimal
    reason: str = ""


@dataclass(frozen=True)
class Decision:
    kind: DecisionKind
    reason: str = ""
    lines: tuple[LineDecision, ...] = ()


@dataclass(frozen=True)
class Recorded:
    decision_id: int
    claim_id: int
    claim_status: str
    approved_amount: Decimal | None
    duplicate: bool = False
    """The same external reference was answered before; nothing changed now."""


async def decide(
    tx: ActiveTransaction,
    dealer_id: int,
    claim_id: int,
    decision: Decision,
    *,
    source: Literal["inbox", "callback"],
    external_ref: str | None = None,
    actor: str = "",
    request_id: str = "",
) -> Recorded:
    """Apply the manufacturer's answer in the caller's transaction, or refuse it."""
    if decision.kind not in DECISIONS:
        raise RuleViolation("decision", "decision_kind", f"Unknown decision {decision.kind!r}")
    reason = decision.reason.strip()
    if decision.kind in NEEDS_REASON and not reason:
        raise RuleViolation("reason", "reason_required", f"A {decision.kind} claim needs a reason")
    claim = await tx.connection.fetchrow(
        "select id, number, status, requested_amount, created_by, submitted_by from warranty_claim"
        " where dealer_id = $1 and id = $2 for update",
        dealer_id,
        claim_id,
    )
    if claim is None:
        raise RecordNotFound("Warranty claim")
    if tx.scope.user_id is not None:
        # A claim is prepared by the dealer and decided by the manufacturer (职责分离).
        ensure_not_requester(tx.scope.user_id, claim["submitted_by"], "warranty claim decision")
        ensure_not_requester(tx.scope.user_id, claim["created_by"], "warranty claim decision")
    submission_id: int | None = await tx.connection.fetchval(
        "select id from warranty_submission where dealer_id = $1 and claim_id = $2"
        " order by id desc limit 1",
        dealer_id,
        claim_id,
    )
    if external_ref is not None:
        earlier = await tx.connection.fetchrow(
            "select id, approved_amount from warranty_decision"
            " where dealer_id = $1 and external_ref = $2",
            dealer_id,
            external_ref,
        )
        if earlier is not None:
            return Recorded(
                earlier["id"], claim_id, claim["status"], earlier["approved_amount"], True
            )

    lines = await _decided_lines(tx, dealer_id, claim_id, decision)
    approved_total = _total(decision.kind, lines)
    if decision.kind == "accepted":
        # Acknowledging receipt twice is harmless; after a decision it is out of order.
        if claim["status"] != "accepted":
            await transition(
                tx,
                dealer_id,
                claim_id,
                "accepted",
                by_manufacturer=True,
                actor=actor,
                note=reason,
                request_id=request_id,
            )
    else:
        await transition(
            tx,
            dealer_id,
            claim_id,
            decision.kind,
            by_manufacturer=True,
            actor=actor,
            note=reason,
            request_id=request_id,
        )
        await _apply_lines(tx, dealer_id, claim_id, decision.kind, lines)
        await tx.connection.execute(
            "update warranty_claim set approved_amount = $3, decision_reason = $4"
            " where dealer_id = $1 and id = $2",
            dealer_id,
            claim_id,
            approved_total,
            reason,
        )
        if submission_id is not None:
            await tx.connection.execute(
                "update warranty_submission set status = 'decided'"
                " where dealer_id = $1 and claim_id = $2 and status = 'received'",
                dealer_id,
                claim_id,
            )
    decision_id: int = await tx.connection.fetchval(
        "insert into warranty_decision (dealer_id, claim_id, submission_id, decision,"
        " approved_amount, reason, lines, decided_by, source, external_ref)"
        " values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10) returning id",
        dealer_id,
        claim_id,
        submission_id,
        decision.kind,
        approved_total,
        reason,
        [_line_json(line) for line in lines],
        tx.scope.user_id,
        source,
        external_ref,
    )
    await record(
        dealer_id=dealer_id,
        action=f"warranty_decision.{decision.kind}",
        object_type="warranty_claim",
        object_id=claim_id,
        before={"status": claim["status"]},
        after={
            "decision": decision.kind,
            "approvedAmount": approved_total,
            "reason": reason,
            "source": source,
            "externalRef": external_ref,
            "lines": [_line_json(line) for line in lines],
        },
        request_id=request_id,
    )
    status: str = await tx.connection.fetchval(
        "select status from warranty_claim where dealer_id = $1 and id = $2", dealer_id, claim_id
    )
    if decision.kind != "accepted":  # receipt only: nothing is decided yet
        await domain_events.warranty_claim_decided(
            tx, dealer_id, claim_id, claim["number"], decision.kind, status, approved_total
        )
    return Recorded(decision_id, claim_id, status, approved_total)


@dataclass(frozen=True)
class _Line:
    id: int
    amount: Decimal
    approved: Decimal | None
    decision: str | None
    reason: str


async def _decided_lines(
    tx: ActiveTransaction, dealer_id: int, claim_id: int, decision: Decision
) -> list[_Line]:
    """Every line of the claim with what this answer does to it; refuses lines not on
    the claim, repeats, amounts outside 0..amount and cuts without a reason."""
    rows = await tx.connection.fetch(
        "select id, amount from warranty_claim_line where dealer_id = $1 and claim_id = $2"
        " order by id",
        dealer_id,
        claim_id,
    )
    amounts = {r["id"]: r["amount"] for r in rows}
    given: dict[int, LineDecision] = {}
    if decision.lines and decision.kind != "partially_approved":
        raise RuleViolation(
            "lines", "lines_only_when_partial", "Line amounts belong to a partial approval"
        )
    for line in decision.lines:
        if line.line_id not in amounts:
            raise RuleViolation(
                "lines", "line_not_on_claim", f"Line {line.line_id} is not on this claim"
            )
        if line.line_id in given:
            raise RuleViolation("lines", "line_repeated", f"Line {line.line_id} is given twice")
        amount = line.approved_amount
        if amount != amount.quantize(CENT) or not Decimal(0) <= amount <= amounts[line.line_id]:
            raise RuleViolation(
                "lines",
                "approved_amount_range",
                f"Line {line.line_id}: approved amount must be 0..{amounts[line.line_id]} in cents",
                lineId=line.line_id,
            )
        if amount < amounts[line.line_id] and not line.reason.strip():
            raise RuleViolation(
                "lines",
                "reason_required",
                f"Line {line.line_id}: a cut needs a reason",
                lineId=line.line_id,
            )
        given[line.line_id] = line
    result: list[_Line] = []
    for line_id, amount in amounts.items():
        if decision.kind == "approved":
            result.append(_Line(line_id, amount, amount, "approved", ""))
        elif decision.kind == "rejected":
            result.append(_Line(line_id, amount, Decimal(0), "rejected", decision.reason.strip()))
        elif decision.kind == "partially_approved":
            cut = given.get(line_id)
            approved = cut.approved_amount if cut else amount
            kind = "rejected" if approved == 0 else "reduced"
            kind = "approved" if approved == amount else kind
            result.append(_Line(line_id, amount, approved, kind, cut.reason.strip() if cut else ""))
        else:  # returned, accepted: no amounts yet
            result.append(_Line(line_id, amount, None, None, ""))
    if decision.kind == "partially_approved":
        total = sum((line.approved or Decimal(0) for line in result), Decimal(0))
        requested = sum((line.amount for line in result), Decimal(0))
        if not given or total >= requested:
            raise RuleViolation(
                "lines",
                "partial_needs_cut",
                "A partial approval cuts at least one line; approve the claim otherwise",
            )
        if total == 0:
            raise RuleViolation(
                "lines", "partial_needs_amount", "Nothing approved: reject the claim instead"
            )
    return result


def _total(kind: str, lines: list[_Line]) -> Decimal | None:
    if kind in ("approved", "partially_approved", "rejected"):
        return sum((line.approved or Decimal(0) for line in lines), Decimal(0))
    return None


async def _apply_lines(
    tx: ActiveTransaction, dealer_id: int, claim_id: int, kind: str, lines: list[_Line]
) -> None:
    """One statement for all lines (unnest), not one per line."""
    if not lines:
        return
    await tx.connection.execute(
        "update warranty_claim_line l set approved_amount = d.approved,"
        " decision = d.decision, decision_reason = d.reason"
        " from unnest($3::bigint[], $4::numeric[], $5::text[], $6::text[])"
        "   as d(id, approved, decision, reason)"
        " where l.dealer_id = $1 and l.claim_id = $2 and l.id = d.id",
        dealer_id,
        claim_id,
        [line.id for line in lines],
        [line.approved for line in lines],
        [line.decision for line in lines],
        [line.reason for line in lines],
    )


def _line_json(line: _Line) -> dict[str, Any]:
    return {
        "lineId": line.id,
        "amount": str(line.amount),
        "approvedAmount": None if line.approved is None else str(line.approved),
        "decision": line.decision,
        "reason": line.reason,
    }
