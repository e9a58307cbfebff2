"""GraphQL types of the manufacturer's review: the received copy of a claim
(``WarrantySubmission``) with the claim's lines, files, history and decisions as the
reviewer sees them, across every dealer the reviewer oversees."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from api.schema.context import Info
from api.schema.loaders import load_one
from api.schema.network import Dealer
from api.schema.relay_conventions import global_id
from api.schema.warranty.review_loaders import review_dealers, review_loaders


@strawberry.enum(description="The manufacturer's copy: waiting for review, or answered.")
class SubmissionStatus(Enum):
    RECEIVED = "received"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


@strawberry.enum(
    description="What the manufacturer answered (受理, 批准, 部分批准, 拒绝, 退回修改)."
)
class ManufacturerDecisionKind(Enum):
    ACCEPTED = "accepted"
    APPROVED = "approved"
    PARTIALLY_APPROVED = "partially_approved"
    REJECTED = "rejected"
    RETURNED = "returned"


@strawberry.enum
class LineDecisionKind(Enum):
    APPROVED = "approved"
    REDUCED = "reduced"
    REJECTED = "rejected"


@strawberry.enum
class DecisionSource(Enum):
    INBOX = "inbox"
    CALLBACK = "callback"


@strawberry.type(description="A claim line with what was asked and what the manufacturer paid.")
class ReviewLine:
    line_id: strawberry.ID = strawberry.field(description="A WarrantyClaimLine global ID.")
    kind: str
    description: str
    item_code: str
    item_name: str
    item_name_zh: str
    quantity: Decimal
    hours: Decimal | None
    standard_hours: Decimal | None
    unit_price: Decimal
    amount: Decimal
    approved_amount: Decimal | None
    decision: LineDecisionKind | None
    decision_reason: str

    @classmethod
    def from_row(cls, row: Any) -> ReviewLine:
        return cls(
            line_id=strawberry.ID(global_id("WarrantyClaimLine", row["id"])),
            kind=row["kind"],
            description=row["description"],
            item_code=row["operation_code"] or row["part_number"] or "",
            item_name=row["item_name"],
            item_name_zh=row["item_name_zh"],
            quantity=row["quantity"],
            hours=row["hours"],
            standard_hours=row["standard_hours"],
            unit_price=row["unit_price"],
            amount=row["amount"],
            approved_amount=row["approved_amount"],
            decision=LineDecisionKind(row["decision"]) if row["decision"] else None,
            decision_reason=row["decision_reason"],
        )


@strawberry.type(description="A photo or document of the claim (content on request).")
class ReviewFile:
    id: strawberry.ID
    file_name: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime
    file_id: strawberry.Private[int]

    @strawberry.field(description="The content as a data: URL (ask only when showing it).")
    async def data_url(self, info: Info) -> str | None:
        row = await review_loaders(info).file_content.load(self.file_id)
        if row is None:
            return None
        encoded = base64.b64encode(row["content"]).decode()
        return f"data:{row['content_type']};base64,{encoded}"


@strawberry.type(description="One move of the claim's status, by whom.")
class ReviewEvent:
    from_status: str | None
    to_status: str
    actor: str = strawberry.field(description="A system actor (connector, callback), if any.")
    actor_name: str | None
    note: str
    at: datetime


@strawberry.type(description="An answer of the manufacturer, as recorded.")
class ManufacturerDecision:
    decision: ManufacturerDecisionKind
    approved_amount: Decimal | None
    reason: str
    lines: JSON
    source: DecisionSource
    external_ref: str | None
    decided_by_name: str | None
    decided_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> ManufacturerDecision:
        return cls(
            decision=ManufacturerDecisionKind(row["decision"]),
            approved_amount=row["approved_amount"],
            reason=row["reason"],
            lines=row["lines"],
            source=DecisionSource(row["source"]),
            external_ref=row["external_ref"],
            decided_by_name=row["decided_by_name"],
            decided_at=row["decided_at"],
        )


@strawberry.type(description="The claim as it stands now (the dealer's record of it).")
class ReviewClaim:
    id: strawberry.ID = strawberry.field(description="A WarrantyClaim global ID.")
    number: str
    claim_type: str
    status: str
    vin: str
    mileage: int
    fault_code: str
    fault_date: date
    complaint: str
    cause: str
    correction: str
    requested_amount: Decimal
    approved_amount: Decimal | None
    decision_reason: str
    submission_count: int
    submitted_at: datetime | None

    @classmethod
    def from_row(cls, row: Any) -> ReviewClaim:
        return cls(
            id=strawberry.ID(global_id("WarrantyClaim", row["id"])),
            number=row["number"],
            claim_type=row["claim_type"],
            status=row["status"],
            vin=row["vin"],
            mileage=row["mileage"],
            fault_code=row["fault_code"],
            fault_date=row["fault_date"],
            complaint=row["complaint"],
            cause=row["cause"],
            correction=row["correction"],
            requested_amount=row["requested_amount"],
            approved_amount=row["approved_amount"],
            decision_reason=row["decision_reason"],
            submission_count=row["submission_count"],
            submitted_at=row["submitted_at"],
        )


@strawberry.type(
    description="A claim as the manufacturer received it (one per submission round), in the"
    " review inbox of its warranty technicians and of the region's managers."
)
class WarrantySubmission(relay.Node):
    id: relay.NodeID[int]
    idempotency_key: str
    payload: JSON = strawberry.field(description="What was sent, as received.")
    received_at: datetime
    status: SubmissionStatus
    dealer_id: strawberry.Private[int]
    claim_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> WarrantySubmission:
        return cls(
            id=row["id"],
            idempotency_key=row["idempotency_key"],
            payload=row["payload"],
            received_at=row["received_at"],
            status=SubmissionStatus(row["status"]),
            dealer_id=row["dealer_id"],
            claim_id=row["claim_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[WarrantySubmission | None]:
        keys = [int(n) if n.isdigit() else 0 for n in node_ids]
        dealers = review_dealers(info.context)
        if not dealers:
            return [None for _ in keys]
        async with info.context.read(dealers) as tx:
            rows = await tx.connection.fetch(
                "select * from warranty_submission where id = any($1::bigint[])"
                " and dealer_id = any($2::bigint[])",
                keys,
                list(dealers),
            )
        found = {r["id"]: r for r in rows}
        return [cls.from_row(found[k]) if k in found else None for k in keys]

    @strawberry.field
    async def dealer(self, info: Info) -> Dealer | None:
        return await load_one(info.context.loaders.dealer, Dealer.from_row, self.dealer_id)

    @strawberry.field
    async def claim(self, info: Info) -> ReviewClaim | None:
        row = await review_loaders(info).claim.load(self.claim_id)
        return ReviewClaim.from_row(row) if row else None

    @strawberry.field
    async def lines(self, info: Info) -> list[ReviewLine]:
        rows = await review_loaders(info).lines_by_claim.load(self.claim_id)
        return [ReviewLine.from_row(r) for r in rows]

    @strawberry.field
    async def files(self, info: Info) -> list[ReviewFile]:
        rows = await review_loaders(info).files_by_claim.load(self.claim_id)
        return [
            ReviewFile(
                id=strawberry.ID(global_id("WarrantyClaimFile", r["id"])),
                file_name=r["file_name"],
                content_type=r["content_type"],
                size_bytes=r["size_bytes"],
                sha256=r["sha256"],
                uploaded_at=r["uploaded_at"],
                file_id=r["id"],
            )
            for r in rows
        ]

    @strawberry.field(description="Every status change of the claim, oldest first.")
    async def history(self, info: Info) -> list[ReviewEvent]:
        rows = await review_loaders(info).events_by_claim.load(self.claim_id)
        return [
            ReviewEvent(
                from_status=r["from_status"],
                to_status=r["to_status"],
                actor=r["actor"],
                actor_name=r["actor_name"],
                note=r["note"],
                at=r["at"],
            )
            for r in rows
        ]

    @strawberry.field(description="The manufacturer's answers to this claim, oldest first.")
    async def decisions(self, info: Info) -> list[ManufacturerDecision]:
        rows = await review_loaders(info).decisions_by_claim.load(self.claim_id)
        return [ManufacturerDecision.from_row(r) for r in rows]

    @strawberry.field(description="Whether the viewer may answer it now.")
    def can_decide(self, info: Info) -> bool:
        return self.status is SubmissionStatus.RECEIVED and info.context.allowed(
            "warranty_review", "decide", self.dealer_id
        )
