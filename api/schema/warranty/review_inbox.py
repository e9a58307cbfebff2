"""The manufacturer's review inbox: received claims of every dealer the reviewer
oversees, and the four answers (approve, approve line by line, reject, return for
correction). Each answer is one transaction at the claim's dealer, after checking
``warranty_review:decide`` there (a regional manager only in the region's dealers)."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry import relay

from api.schema.context import Info
from api.schema.errors import BadUserInput, Forbidden
from api.schema.network import Dealer
from api.schema.relay_conventions import (
    connection,
    decode_cursor,
    page_size,
    parse_dealer_ref,
    parse_global_id,
)
from api.schema.warranty.review_loaders import review_dealers
from api.schema.warranty.review_types import SubmissionStatus, WarrantySubmission
from tenants.errors import RecordNotFound, RuleViolation
from tenants.warranty.decisions import Decision, DecisionKind, LineDecision, decide

MAX_REASON = 2000


@strawberry.type
class ReviewInboxQuery:
    @strawberry.field(
        description="Claims received from the dealers you review, oldest first: by default"
        " those still waiting for an answer."
    )
    async def warranty_review_inbox(
        self,
        info: Info,
        status: list[SubmissionStatus] | None = None,
        dealer_id: strawberry.ID | None = None,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[WarrantySubmission]:
        dealers = review_dealers(info.context)
        if not dealers:
            raise Forbidden("warranty_review", "read")
        if dealer_id is not None:
            wanted = parse_dealer_ref(str(dealer_id))
            dealers = tuple(d for d in dealers if d == wanted)
        size, last = page_size(first), decode_cursor(after) or 0
        statuses = [s.value for s in status] if status else ["received"]
        term = (search or "").strip()
        if not dealers:
            return connection([], size, WarrantySubmission.from_row, lambda r: r["id"])
        async with info.context.read(dealers) as tx:
            rows = await tx.connection.fetch(
                "select s.* from warranty_submission s"
                " join warranty_claim c on c.dealer_id = s.dealer_id and c.id = s.claim_id"
                " where s.dealer_id = any($1::bigint[]) and s.status = any($2::text[])"
                " and s.id > $3"
                " and ($4 = '' or c.number ilike '%' || $4 || '%' or c.vin ilike '%' || $4 || '%')"
                " order by s.id limit $5",
                list(dealers),
                statuses,
                last,
                term,
                size + 1,
            )
        return connection(rows, size, WarrantySubmission.from_row, lambda r: r["id"])

    @strawberry.field(description="One received claim, if you review its dealer.")
    async def warranty_submission(self, info: Info, id: strawberry.ID) -> WarrantySubmission | None:
        submission_id = parse_global_id(str(id), "WarrantySubmission")
        [found] = await WarrantySubmission.resolve_nodes(info=info, node_ids=[str(submission_id)])
        return found

    @strawberry.field(description="Dealers whose claims you review, by code.")
    async def warranty_review_dealers(self, info: Info) -> list[Dealer]:
        dealers = review_dealers(info.context)
        async with info.context.read(()) as tx:
            rows = await tx.connection.fetch(
                "select * from dealer where id = any($1::bigint[]) order by code", list(dealers)
            )
        return [Dealer.from_row(r) for r in rows]


@strawberry.input(description="A line the partial approval cuts; lines not named are paid in full.")
class LineCutInput:
    line_id: strawberry.ID
    approved_amount: Decimal = strawberry.field(description="0 up to the line's amount.")
    reason: str


@strawberry.input
class ApproveClaimInput:
    submission_id: strawberry.ID
    reason: str = ""


@strawberry.input
class PartiallyApproveClaimInput:
    submission_id: strawberry.ID
    reason: str
    lines: list[LineCutInput]


@strawberry.input(
    description="Reject (拒绝) or return for correction (退回修改): say why / what to fix."
)
class ReasonedDecisionInput:
    submission_id: strawberry.ID
    reason: str


async def _answer(
    info: Info, submission_ref: strawberry.ID, decision: Decision
) -> WarrantySubmission:
    if len(decision.reason) > MAX_REASON:
        raise BadUserInput("reason", f"At most {MAX_REASON} characters")
    submission_id = parse_global_id(str(submission_ref), "WarrantySubmission", "submissionId")
    readable = review_dealers(info.context)
    if not readable:
        raise Forbidden("warranty_review", "decide")
    async with info.context.read(readable) as tx:
        dealer = await tx.connection.fetchval(
            "select dealer_id from warranty_submission where id = $1"
            " and dealer_id = any($2::bigint[])",
            submission_id,
            list(readable),
        )
    if dealer is None:
        raise RecordNotFound("Warranty submission")
    async with info.context.write("warranty_review", "decide", dealer) as tx:
        row = await tx.connection.fetchrow(
            "select * from warranty_submission where dealer_id = $1 and id = $2 for update",
            dealer,
            submission_id,
        )
        assert row is not None
        if row["status"] != "received":
            raise RuleViolation(
                "submissionId",
                "submission_answered",
                f"This copy is {row['status']}; only a received claim can be answered",
            )
        await decide(
            tx,
            dealer,
            row["claim_id"],
            decision,
            source="inbox",
            request_id=info.context.request_id,
        )
        updated = await tx.connection.fetchrow(
            "select * from warranty_submission where dealer_id = $1 and id = $2",
            dealer,
            submission_id,
        )
    return WarrantySubmission.from_row(updated)


def _simple(kind: DecisionKind, reason: str) -> Decision:
    return Decision(kind, reason)


@strawberry.type
class ReviewInboxMutation:
    @strawberry.mutation(description="Approve the claim in full (批准).")
    async def approve_warranty_claim(
        self, info: Info, input: ApproveClaimInput
    ) -> WarrantySubmission:
        return await _answer(info, input.submission_id, _simple("approved", input.reason))

    @strawberry.mutation(
        description="Approve line by line (部分批准): cut the lines named, pay the others in full."
    )
    async def partially_approve_warranty_claim(
        self, info: Info, input: PartiallyApproveClaimInput
    ) -> WarrantySubmission:
        lines = tuple(
            LineDecision(
                parse_global_id(str(line.line_id), "WarrantyClaimLine", "lines"),
                line.approved_amount,
                line.reason,
            )
            for line in input.lines
        )
        return await _answer(
            info, input.submission_id, Decision("partially_approved", input.reason, lines)
        )

    @strawberry.mutation(description="Reject the claim (拒绝) with the reason.")
    async def reject_warranty_claim(
        self, info: Info, input: ReasonedDecisionInput
    ) -> WarrantySubmission:
        return await _answer(info, input.submission_id, _simple("rejected", input.reason))

    @strawberry.mutation(
        description="Return it to the dealer for correction (退回修改), saying what to fix."
    )
    async def return_warranty_claim(
        self, info: Info, input: ReasonedDecisionInput
    ) -> WarrantySubmission:
        return await _answer(info, input.submission_id, _simple("returned", input.reason))
