"""GraphQL types of dealer audits (巡查考核): the visit with its score, the checklist by
section with points, findings (整改) with owner, due date and overdue flag, the
manufacturer's checklist, and the region's summary per dealer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader

from api.schema.context import Info
from api.schema.relay_conventions import global_id
from tenants.database import tenant_transaction
from tenants.oversight import audit_queries
from tenants.oversight.audit_checklist import SECTIONS


@strawberry.enum
class DealerAuditStatus(Enum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    CLOSED = "closed"
    CANCELLED = "cancelled"


@strawberry.enum
class AuditSection(Enum):
    PROCESS = "process"
    WORKPLACE_5S = "workplace_5s"
    RECORDS = "records"
    FACILITIES = "facilities"
    PEOPLE = "people"
    CUSTOMER_CARE = "customer_care"
    PARTS = "parts"
    WARRANTY = "warranty"


@strawberry.enum
class FindingSeverity(Enum):
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


@strawberry.enum
class FindingStatus(Enum):
    OPEN = "open"
    RESPONDED = "responded"
    VERIFIED = "verified"


def percent(points: Decimal | None, weight: Decimal | int | None) -> float | None:
    """Points as a percentage of the weight, one decimal; None when nothing to weigh."""
    if points is None or not weight:
        return None
    return round(float(Decimal(points) * 100 / Decimal(weight)), 1)


@strawberry.type(description="One item of the manufacturer's audit standard.")
class AuditChecklistItem:
    id: strawberry.ID
    code: str
    section: AuditSection
    text: str
    text_zh: str
    weight: int

    @classmethod
    def from_row(cls, row: Any) -> AuditChecklistItem:
        return cls(
            id=strawberry.ID(global_id("AuditChecklistItem", row["id"])),
            code=row["code"],
            section=AuditSection(row["section"]),
            text=row["text"],
            text_zh=row["text_zh"] or row["text"],
            weight=row["weight"],
        )


@strawberry.type(description="An item as scored in one audit; points null until scored.")
class AuditItemScore:
    item: AuditChecklistItem
    points: Decimal | None
    note: str


@strawberry.type(description="A section's points against its weights (scored items only count).")
class AuditSectionScore:
    section: AuditSection
    points: Decimal
    weight: int
    percent: float | None
    items: list[AuditItemScore]


@strawberry.type(description="A finding (问题) with its owner (责任人) and due date (整改期限).")
class AuditFinding:
    id: strawberry.ID
    severity: FindingSeverity
    description: str
    item_code: str | None
    owner_id: strawberry.ID | None
    owner_name: str | None
    due_on: date
    status: FindingStatus
    response: str
    responded_at: datetime | None
    review_note: str = strawberry.field(description="The auditor's note when sent back.")
    verified_at: datetime | None
    overdue: bool = strawberry.field(
        description="Not verified and due before the dealer's local today."
    )

    @classmethod
    def from_row(cls, row: Any) -> AuditFinding:
        owner = row["owner_user_id"]
        return cls(
            id=strawberry.ID(global_id("AuditFinding", row["id"])),
            severity=FindingSeverity(row["severity"]),
            description=row["description"],
            item_code=row["item_code"],
            owner_id=strawberry.ID(global_id("StaffUser", owner)) if owner else None,
            owner_name=row["owner_name"],
            due_on=row["due_on"],
            status=FindingStatus(row["status"]),
            response=row["response"],
            responded_at=row["responded_at"],
            review_note=row["review_note"],
            verified_at=row["verified_at"],
            overdue=row["overdue"],
        )


def _loader(info: Info, name: str, fetch: Any) -> DataLoader[tuple[int, int], list[Any]]:
    """A per-request loader of rows per audit, one query per batch of audits."""
    key = f"dealer_audit_{name}"
    loader: DataLoader[tuple[int, int], list[Any]] | None = info.context.cache.get(key)
    if loader is None:

        async def load(keys: list[tuple[int, int]]) -> list[list[Any]]:
            dealers = tuple(sorted({d for d, _ in keys}))
            async with tenant_transaction(info.context.scope(dealers), fresh=True) as tx:
                grouped: dict[int, list[Any]] = await fetch(tx.connection, keys)
            return [grouped.get(a, []) for _, a in keys]

        loader = info.context.cache[key] = DataLoader(load_fn=load)
    return loader


async def _fetch_findings(connection: Any, keys: list[tuple[int, int]]) -> dict[int, list[Any]]:
    from api.schema.oversight.audits import now

    rows = await audit_queries.findings(
        connection, sorted({d for d, _ in keys}), [a for _, a in keys], now()
    )
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row["audit_id"], []).append(row)
    return grouped


@strawberry.type(description="What the viewer may do with an audit now.")
class DealerAuditActions:
    start: bool
    score: bool
    submit: bool
    close: bool
    cancel: bool
    respond: bool = strawberry.field(description="Answer its open findings.")
    verify: bool = strawberry.field(description="Verify or send back responded findings.")


@strawberry.type(description="An audit visit (巡查) at a dealer.")
class DealerAudit(relay.Node):
    id: relay.NodeID[int]
    number: str
    dealer_id: strawberry.ID
    dealer_code: str
    dealer_name: str
    dealer_name_zh: str
    auditor_name: str
    status: DealerAuditStatus
    planned_on: date
    visited_at: datetime | None
    submitted_at: datetime | None
    closed_at: datetime | None
    score: Decimal | None
    max_score: Decimal | None
    score_percent: float | None
    summary: str
    findings_count: int
    open_findings: int
    overdue_findings: int
    dealer_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> DealerAudit:
        return cls(
            id=row["id"],
            number=row["number"],
            dealer_id=strawberry.ID(global_id("Dealer", row["dealer_id"])),
            dealer_code=row["dealer_code"],
            dealer_name=row["dealer_name"],
            dealer_name_zh=row["dealer_name_zh"] or row["dealer_name"],
            auditor_name=row["auditor_name"],
            status=DealerAuditStatus(row["status"]),
            planned_on=row["planned_on"],
            visited_at=row["visited_at"],
            submitted_at=row["submitted_at"],
            closed_at=row["closed_at"],
            score=row["score"],
            max_score=row["max_score"],
            score_percent=percent(row["score"], row["max_score"]),
            summary=row["summary"],
            findings_count=row["findings"],
            open_findings=row["open_findings"],
            overdue_findings=row["overdue_findings"],
            dealer_pk=row["dealer_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[DealerAudit | None]:
        from api.schema.oversight.audits import audits_visible

        found = {a.id: a for a in await audits_visible(info, [int(n) for n in node_ids])}
        return [found.get(int(n)) for n in node_ids]

    @strawberry.field(description="The checklist by section, in the standard's order.")
    async def sections(self, info: Info) -> list[AuditSectionScore]:
        rows = await _loader(info, "items", audit_queries.audit_items).load(
            (self.dealer_pk, self.id)
        )
        result = []
        for section in SECTIONS:
            mine = [r for r in rows if r["section"] == section]
            if not mine:
                continue
            scored = [r for r in mine if r["points"] is not None]
            points = sum((r["points"] for r in scored), Decimal(0))
            weight = sum(r["weight"] for r in scored)
            result.append(
                AuditSectionScore(
                    section=AuditSection(section),
                    points=points,
                    weight=weight,
                    percent=percent(points, weight),
                    items=[
                        AuditItemScore(
                            item=AuditChecklistItem.from_row(r), points=r["points"], note=r["note"]
                        )
                        for r in mine
                    ],
                )
            )
        return result

    @strawberry.field(description="Findings, oldest first.")
    async def findings(self, info: Info) -> list[AuditFinding]:
        rows = await _loader(info, "findings", _fetch_findings).load((self.dealer_pk, self.id))
        return [AuditFinding.from_row(r) for r in rows]

    @strawberry.field(description="The steps the viewer may take now.")
    def viewer_can(self, info: Info) -> DealerAuditActions:
        create = info.context.allowed("dealer_audit", "create", self.dealer_pk)
        respond = info.context.allowed("dealer_audit", "respond", self.dealer_pk)
        status = self.status
        return DealerAuditActions(
            start=create and status == DealerAuditStatus.PLANNED,
            score=create and status == DealerAuditStatus.IN_PROGRESS,
            submit=create and status == DealerAuditStatus.IN_PROGRESS,
            close=create and status == DealerAuditStatus.SUBMITTED and self.open_findings == 0,
            cancel=create and status in (DealerAuditStatus.PLANNED, DealerAuditStatus.IN_PROGRESS),
            respond=respond and status == DealerAuditStatus.SUBMITTED,
            verify=create and status == DealerAuditStatus.SUBMITTED,
        )


@strawberry.type(description="A dealer of the region with its audit standing.")
class DealerAuditSummary:
    dealer_id: strawberry.ID
    dealer_code: str
    dealer_name: str
    dealer_name_zh: str
    last_audit_id: strawberry.ID | None
    last_number: str | None
    last_submitted_at: datetime | None
    last_score: Decimal | None
    last_max_score: Decimal | None
    last_percent: float | None
    next_planned_on: date | None
    open_findings: int
    overdue_findings: int

    @classmethod
    def from_row(cls, row: Any) -> DealerAuditSummary:
        last = row["last_audit_id"]
        return cls(
            dealer_id=strawberry.ID(global_id("Dealer", row["dealer_id"])),
            dealer_code=row["dealer_code"],
            dealer_name=row["dealer_name"],
            dealer_name_zh=row["dealer_name_zh"] or row["dealer_name"],
            last_audit_id=strawberry.ID(global_id("DealerAudit", last)) if last else None,
            last_number=row["last_number"],
            last_submitted_at=row["last_submitted_at"],
            last_score=row["last_score"],
            last_max_score=row["last_max_score"],
            last_percent=percent(row["last_score"], row["last_max_score"]),
            next_planned_on=row["next_planned_on"],
            open_findings=row["open_findings"],
            overdue_findings=row["overdue_findings"],
        )


@strawberry.type(description="A staff member of a dealer who can own a finding.")
class AuditOwnerCandidate:
    id: strawberry.ID
    display_name: str
    roles: list[str]


@strawberry.input
class AddAuditFindingInput:
    audit_id: strawberry.ID
    severity: FindingSeverity
    description: str
    owner_id: strawberry.ID
    due_on: date
    item_id: strawberry.ID | None = None
