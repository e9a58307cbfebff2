"""GraphQL types of warranty terms, line eligibility, 三包预警 and claims (索赔申请)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from api.schema.catalog import LabourOperation, Part
from api.schema.context import Info
from api.schema.customers import Vehicle
from api.schema.loaders import load_one
from api.schema.network import Manufacturer, StaffUser, staff_user
from api.schema.relay_conventions import global_id
from api.schema.repair_order_loaders import order_loaders
from api.schema.repair_orders import RepairOrder, RepairOrderLine
from api.schema.warranty.claims_loaders import claim_loaders
from tenants.database import network_transaction
from tenants.warranty.claim_checks import CheckResult, Issue
from tenants.warranty.claim_status import EDITABLE
from tenants.warranty.eligibility import Eligibility
from tenants.warranty.warnings import WarrantyWarning as WarningRow


def _keys(node_ids: Iterable[str]) -> list[int]:
    return [int(n) if n.isdigit() else 0 for n in node_ids]


@strawberry.enum(description="Why a part failed, as the claims specialist judges it.")
class WarrantyCause(Enum):
    DEFECT = "defect"
    ACCIDENT = "accident"
    MISUSE = "misuse"
    MODIFICATION = "modification"
    LACK_OF_MAINTENANCE = "lack_of_maintenance"
    EXTERNAL_INFLUENCE = "external_influence"


@strawberry.enum
class CampaignKind(Enum):
    RECALL = "recall"
    SERVICE_CAMPAIGN = "service_campaign"


@strawberry.enum
class WarrantyConnector(Enum):
    INBOX = "inbox"
    HTTP = "http"


@strawberry.type(description="A part group's own warranty period (e.g. batteries).")
class WarrantyPartGroupTerm:
    part_group: str
    months: int
    km: int
    must_return: bool = strawberry.field(description="Claimed parts go back to the maker.")


@strawberry.type(description="The manufacturer's warranty policy (质量担保/三包条例).")
class WarrantyPolicy:
    base_months: int
    base_km: int
    first_service_months: int = strawberry.field(description="首保 window from the sale.")
    first_service_km: int
    claim_deadline_days: int = strawberry.field(description="From the repair to submission.")
    old_part_retention_days: int
    repeat_repair_threshold: int = strawberry.field(description="三包预警: repairs of one fault.")
    cumulative_repair_days_threshold: int = strawberry.field(description="三包预警: days in.")
    warning_window_months: int
    duplicate_window_days: int = strawberry.field(
        description="Claims of one VIN and fault code this close are duplicates."
    )
    labour_rate: Decimal
    parts_markup: Decimal = strawberry.field(description="A fraction added to list prices.")
    connector: WarrantyConnector
    excluded_causes: list[WarrantyCause]
    requires_files: bool
    manufacturer_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> WarrantyPolicy:
        return cls(
            base_months=row["base_months"],
            base_km=row["base_km"],
            first_service_months=row["first_service_months"],
            first_service_km=row["first_service_km"],
            claim_deadline_days=row["claim_deadline_days"],
            old_part_retention_days=row["old_part_retention_days"],
            repeat_repair_threshold=row["repeat_repair_threshold"],
            cumulative_repair_days_threshold=row["cumulative_repair_days_threshold"],
            warning_window_months=row["warning_window_months"],
            duplicate_window_days=row["duplicate_window_days"],
            labour_rate=row["labour_rate"],
            parts_markup=row["parts_markup"],
            connector=WarrantyConnector(row["connector"]),
            excluded_causes=[WarrantyCause(c) for c in row["excluded_causes"]],
            requires_files=row["requires_files"],
            manufacturer_id=row["manufacturer_id"],
        )

    @strawberry.field
    async def manufacturer(self, info: Info) -> Manufacturer | None:
        return await load_one(
            info.context.loaders.manufacturer, Manufacturer.from_row, self.manufacturer_id
        )

    @strawberry.field(description="Part groups with their own periods, by name.")
    async def part_group_terms(self) -> list[WarrantyPartGroupTerm]:
        from tenants.warranty.terms import part_group_terms

        async with network_transaction(fresh=True) as tx:
            rows = await part_group_terms(tx.connection, self.manufacturer_id)
        return [
            WarrantyPartGroupTerm(
                part_group=r["part_group"],
                months=r["months"],
                km=r["km"],
                must_return=r["must_return"],
            )
            for r in rows
        ]


@strawberry.type(description="A recall (召回) or service campaign (服务活动).")
class WarrantyCampaign(relay.Node):
    id: relay.NodeID[int]
    code: str
    kind: CampaignKind
    title: str
    title_zh: str
    starts_on: date
    ends_on: date | None
    open: bool
    operation_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> WarrantyCampaign:
        return cls(
            id=row["id"],
            code=row["code"],
            kind=CampaignKind(row["kind"]),
            title=row["title"],
            title_zh=row["title_zh"],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            open=row["status"] == "open",
            operation_id=row["operation_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[WarrantyCampaign | None]:
        if not info.context.allowed("warranty_claim", "read"):
            return [None for _ in node_ids]
        keys = _keys(node_ids)
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                "select c.* from campaign c where c.id = any($1::bigint[])"
                " and c.manufacturer_id in (select r.manufacturer_id from dealer d"
                " join region r on r.id = d.region_id where d.id = any($2::bigint[]))",
                keys,
                sorted(info.context.principal.allowed_dealer_ids),
            )
        found = {r["id"]: r for r in rows}
        return [cls.from_row(found[k]) if k in found else None for k in keys]

    @strawberry.field(description="The operation the campaign pays for.")
    async def operation(self, info: Info) -> LabourOperation | None:
        return await load_one(
            info.context.loaders.labour_operation, LabourOperation.from_row, self.operation_id
        )


@strawberry.enum
class WarrantyEligibilityReason(Enum):
    CAMPAIGN = "CAMPAIGN"
    FIRST_SERVICE = "FIRST_SERVICE"
    WITHIN_BASE_TERMS = "WITHIN_BASE_TERMS"
    WITHIN_PART_GROUP_TERMS = "WITHIN_PART_GROUP_TERMS"
    EXCLUDED_CAUSE = "EXCLUDED_CAUSE"
    EXPIRED_BY_TIME = "EXPIRED_BY_TIME"
    EXPIRED_BY_MILEAGE = "EXPIRED_BY_MILEAGE"
    FIRST_SERVICE_EXPIRED = "FIRST_SERVICE_EXPIRED"
    FIRST_SERVICE_USED = "FIRST_SERVICE_USED"
    SALE_DATE_MISSING = "SALE_DATE_MISSING"
    MILEAGE_MISSING = "MILEAGE_MISSING"
    NO_POLICY = "NO_POLICY"


@strawberry.enum(
    description="Which terms decided: a campaign, the first service, a part group's own"
    " or the base terms."
)
class WarrantyTermSource(Enum):
    CAMPAIGN = "campaign"
    FIRST_SERVICE = "first_service"
    PART_GROUP = "part_group"
    BASE = "base"


@strawberry.type(
    description="Whether a warranty line is covered and why: the reason with the numbers"
    " behind it (months and km against their limits, both limits included)."
)
class WarrantyEligibility:
    covered: bool | None = strawberry.field(description="Null: cannot be decided (see reason).")
    reason: WarrantyEligibilityReason
    term_source: WarrantyTermSource | None
    cause: WarrantyCause | None
    part_group: str | None
    sale_date: date | None
    reference_date: date | None = strawberry.field(description="The day the order was opened.")
    months_since_sale: int | None
    months_limit: int | None
    covered_until: date | None = strawberry.field(description="The last day covered.")
    km: int | None
    km_limit: int | None
    first_service_claim_number: str | None = strawberry.field(
        description="The claim that already used the first service."
    )
    campaign_row: strawberry.Private[Any]
    causal_part_id: strawberry.Private[int | None]
    term_part_id: strawberry.Private[int | None]

    @classmethod
    def of(cls, e: Eligibility) -> WarrantyEligibility:
        return cls(
            covered=e.covered,
            reason=WarrantyEligibilityReason(e.reason),
            term_source=WarrantyTermSource(e.term_source) if e.term_source else None,
            cause=WarrantyCause(e.cause) if e.cause else None,
            part_group=e.part_group,
            sale_date=e.sale_date,
            reference_date=e.reference_date,
            months_since_sale=e.months_since_sale,
            months_limit=e.months_limit,
            covered_until=e.covered_until,
            km=e.km,
            km_limit=e.km_limit,
            first_service_claim_number=e.first_service_claim,
            campaign_row=e.campaign,
            causal_part_id=e.causal_part_id,
            term_part_id=e.term_part_id,
        )

    @strawberry.field
    def campaign(self) -> WarrantyCampaign | None:
        c = self.campaign_row
        if c is None:
            return None
        return WarrantyCampaign(
            id=c.id,
            code=c.code,
            kind=CampaignKind(c.kind),
            title=c.title,
            title_zh=c.title_zh,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            open=True,
            operation_id=c.operation_id,
        )

    @strawberry.field(description="The causal part the claims specialist named.")
    async def causal_part(self, info: Info) -> Part | None:
        return await load_one(info.context.loaders.part, Part.from_row, self.causal_part_id)

    @strawberry.field(description="The part whose group term applied.")
    async def term_part(self, info: Info) -> Part | None:
        return await load_one(info.context.loaders.part, Part.from_row, self.term_part_id)


@strawberry.type(description="The claims specialist's judgement of a warranty line (保内鉴定).")
class WarrantyLineAssessment:
    cause: WarrantyCause
    note: str
    assessed_at: datetime
    causal_part_id: strawberry.Private[int | None]
    assessed_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> WarrantyLineAssessment:
        return cls(
            cause=WarrantyCause(row["cause"]),
            note=row["note"],
            assessed_at=row["assessed_at"],
            causal_part_id=row["causal_part_id"],
            assessed_by_id=row["assessed_by"],
        )

    @strawberry.field
    async def causal_part(self, info: Info) -> Part | None:
        return await load_one(info.context.loaders.part, Part.from_row, self.causal_part_id)

    @strawberry.field
    async def assessed_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.assessed_by_id)


@strawberry.enum
class WarrantyWarningKind(Enum):
    REPEAT_REPAIR = "repeat_repair"
    CUMULATIVE_DAYS = "cumulative_days"


@strawberry.enum
class WarrantyFaultKind(Enum):
    OPERATION = "operation"
    PART_GROUP = "part_group"


@strawberry.type(
    description="三包预警: the same fault repaired again, or many days in the workshop for"
    " warranty repairs, within the policy's window; with the orders behind it."
)
class WarrantyWarning:
    kind: WarrantyWarningKind
    fault_kind: WarrantyFaultKind | None
    part_group: str | None
    count: int = strawberry.field(description="Orders (repeat repair) or days (cumulative).")
    threshold: int
    window_start: date
    operation_id: strawberry.Private[int | None]
    order_ids: strawberry.Private[tuple[int, ...]]

    @classmethod
    def of(cls, w: WarningRow) -> WarrantyWarning:
        return cls(
            kind=WarrantyWarningKind(w.kind),
            fault_kind=WarrantyFaultKind(w.fault_kind) if w.fault_kind else None,
            part_group=w.part_group,
            count=w.count,
            threshold=w.threshold,
            window_start=w.window_start,
            operation_id=w.operation_id,
            order_ids=w.order_ids,
        )

    @strawberry.field
    async def operation(self, info: Info) -> LabourOperation | None:
        return await load_one(
            info.context.loaders.labour_operation, LabourOperation.from_row, self.operation_id
        )

    @strawberry.field(description="The orders behind the warning, oldest first.")
    async def orders(self, info: Info) -> list[RepairOrder]:
        if not info.context.allowed("repair_order", "read"):
            return []
        rows = await order_loaders(info).order.load_many(list(self.order_ids))
        found = [RepairOrder.from_row(r) for r in rows if r is not None]
        return sorted(found, key=lambda o: o.opened_at)


@strawberry.enum
class WarrantyClaimStatus(Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    APPROVED = "approved"
    PARTIALLY_APPROVED = "partially_approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    PAID = "paid"
    CANCELLED = "cancelled"


@strawberry.enum
class WarrantyClaimType(Enum):
    STANDARD = "standard"
    FIRST_SERVICE = "first_service"
    CAMPAIGN = "campaign"
    GOODWILL = "goodwill"


@strawberry.enum
class WarrantyClaimLineKind(Enum):
    LABOUR = "labour"
    PART = "part"
    SUBLET = "sublet"


@strawberry.enum
class WarrantyLineDecision(Enum):
    APPROVED = "approved"
    REDUCED = "reduced"
    REJECTED = "rejected"


@strawberry.enum
class WarrantyDecisionKind(Enum):
    ACCEPTED = "accepted"
    APPROVED = "approved"
    PARTIALLY_APPROVED = "partially_approved"
    REJECTED = "rejected"
    RETURNED = "returned"


@strawberry.enum
class WarrantyClaimIssueCode(Enum):
    NO_LINES = "NO_LINES"
    COMPLAINT_MISSING = "COMPLAINT_MISSING"
    CAUSE_MISSING = "CAUSE_MISSING"
    CORRECTION_MISSING = "CORRECTION_MISSING"
    CAUSAL_PART_MISSING = "CAUSAL_PART_MISSING"
    LINE_WITHDRAWN = "LINE_WITHDRAWN"
    LINE_NOT_WARRANTY = "LINE_NOT_WARRANTY"
    PART_NOT_ISSUED = "PART_NOT_ISSUED"
    HOURS_FAR_ABOVE_STANDARD = "HOURS_FAR_ABOVE_STANDARD"
    HOURS_ABOVE_STANDARD = "HOURS_ABOVE_STANDARD"
    LABOUR_WITHOUT_STANDARD = "LABOUR_WITHOUT_STANDARD"
    DUPLICATE_CLAIM = "DUPLICATE_CLAIM"
    DUPLICATE_CLAIM_ELSEWHERE = "DUPLICATE_CLAIM_ELSEWHERE"
    OUTSIDE_TERMS = "OUTSIDE_TERMS"
    ELIGIBILITY_UNDECIDED = "ELIGIBILITY_UNDECIDED"
    GOODWILL_OUTSIDE_TERMS = "GOODWILL_OUTSIDE_TERMS"
    CLAIM_TYPE_MISMATCH = "CLAIM_TYPE_MISMATCH"
    PAST_DEADLINE = "PAST_DEADLINE"
    DEADLINE_NEAR = "DEADLINE_NEAR"
    REPAIR_NOT_FINISHED = "REPAIR_NOT_FINISHED"
    FILES_REQUIRED = "FILES_REQUIRED"
    NO_FILES = "NO_FILES"


@strawberry.type(description="One result of the checks before submission.")
class WarrantyClaimIssue:
    code: WarrantyClaimIssueCode
    blocking: bool
    message: str = strawberry.field(description="English; screens translate by code and params.")
    claim_line_id: strawberry.ID | None
    params: JSON

    @classmethod
    def of(cls, issue: Issue) -> WarrantyClaimIssue:
        return cls(
            code=WarrantyClaimIssueCode(issue.code),
            blocking=issue.blocking,
            message=issue.message,
            claim_line_id=(
                strawberry.ID(global_id("WarrantyClaimLine", issue.claim_line_id))
                if issue.claim_line_id is not None
                else None
            ),
            params=cast(JSON, issue.params),
        )


@strawberry.type(description="Blocking errors and warnings; ready when there are no errors.")
class WarrantyClaimCheck:
    ready: bool
    errors: list[WarrantyClaimIssue]
    warnings: list[WarrantyClaimIssue]

    @classmethod
    def of(cls, result: CheckResult) -> WarrantyClaimCheck:
        return cls(
            ready=result.ready,
            errors=[WarrantyClaimIssue.of(i) for i in result.errors],
            warnings=[WarrantyClaimIssue.of(i) for i in result.warnings],
        )


@strawberry.type(description="A line of a claim: labour against the standard, or a part.")
class WarrantyClaimLine(relay.Node):
    id: relay.NodeID[int]
    kind: WarrantyClaimLineKind
    description: str
    quantity: Decimal
    hours: Decimal | None
    standard_hours: Decimal | None = strawberry.field(description="From the labour catalog.")
    unit_price: Decimal
    amount: Decimal
    approved_amount: Decimal | None
    decision: WarrantyLineDecision | None = strawberry.field(description="The manufacturer's.")
    decision_reason: str
    claim_id: strawberry.Private[int]
    order_line_id: strawberry.Private[int | None]
    operation_id: strawberry.Private[int | None]
    part_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> WarrantyClaimLine:
        return cls(
            id=row["id"],
            kind=WarrantyClaimLineKind(row["kind"]),
            description=row["description"],
            quantity=row["quantity"],
            hours=row["hours"],
            standard_hours=row["standard_hours"],
            unit_price=row["unit_price"],
            amount=row["amount"],
            approved_amount=row["approved_amount"],
            decision=WarrantyLineDecision(row["decision"]) if row["decision"] else None,
            decision_reason=row["decision_reason"],
            claim_id=row["claim_id"],
            order_line_id=row["repair_order_line_id"],
            operation_id=row["operation_id"],
            part_id=row["part_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[WarrantyClaimLine | None]:
        if not info.context.allowed("warranty_claim", "read"):
            return [None for _ in node_ids]
        keys = _keys(node_ids)
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                "select * from warranty_claim_line where id = any($1::bigint[])", keys
            )
        found = {r["id"]: r for r in rows}
        return [cls.from_row(found[k]) if k in found else None for k in keys]

    @strawberry.field
    async def operation(self, info: Info) -> LabourOperation | None:
        return await load_one(
            info.context.loaders.labour_operation, LabourOperation.from_row, self.operation_id
        )

    @strawberry.field
    async def part(self, info: Info) -> Part | None:
        return await load_one(info.context.loaders.part, Part.from_row, self.part_id)

    @strawberry.field(description="The repair-order line it claims.")
    async def order_line(self, info: Info) -> RepairOrderLine | None:
        if self.order_line_id is None:
            return None
        row = await order_loaders(info).line.load(self.order_line_id)
        return RepairOrderLine.from_row(row) if row else None

    @strawberry.field(description="Coverage of the order line as it stands now.")
    async def eligibility(self, info: Info) -> WarrantyEligibility | None:
        if self.order_line_id is None:
            return None
        found = await claim_loaders(info).eligibility.load(self.order_line_id)
        return WarrantyEligibility.of(found) if found else None


@strawberry.type(description="A photo or document of a claim; download it at `url`.")
class WarrantyClaimFile(relay.Node):
    id: relay.NodeID[int]
    file_name: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime
    uploaded_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> WarrantyClaimFile:
        return cls(
            id=row["id"],
            file_name=row["file_name"],
            content_type=row["content_type"],
            size_bytes=row["size_bytes"],
            sha256=row["sha256"],
            uploaded_at=row["uploaded_at"],
            uploaded_by_id=row["uploaded_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[WarrantyClaimFile | None]:
        if not info.context.allowed("warranty_claim", "read"):
            return [None for _ in node_ids]
        keys = _keys(node_ids)
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                "select id, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at"
                " from warranty_claim_file where id = any($1::bigint[])",
                keys,
            )
        found = {r["id"]: r for r in rows}
        return [cls.from_row(found[k]) if k in found else None for k in keys]

    @strawberry.field(description="GET it with the same credentials (and dealer).")
    def url(self) -> str:
        return f"/api/warranty/claim-files/{self.id}"

    @strawberry.field
    async def uploaded_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.uploaded_by_id)


@strawberry.type(description="One status change of a claim (append-only history).")
class WarrantyClaimEvent:
    from_status: WarrantyClaimStatus | None
    to_status: WarrantyClaimStatus
    note: str
    system_actor: str = strawberry.field(description="A connector or callback, when no person.")
    at: datetime
    actor_id: strawberry.Private[int | None]

    @strawberry.field
    async def actor(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.actor_id)


@strawberry.type(description="An answer of the manufacturer to a submission.")
class WarrantyClaimDecision:
    decision: WarrantyDecisionKind
    approved_amount: Decimal | None
    reason: str
    source: str = strawberry.field(description="inbox or callback")
    decided_at: datetime


@strawberry.type(description="A warranty claim (索赔申请) of one order and fault.")
class WarrantyClaim(relay.Node):
    id: relay.NodeID[int]
    number: str
    status: WarrantyClaimStatus
    claim_type: WarrantyClaimType
    vin: str
    mileage: int
    fault_code: str
    fault_date: date
    complaint: str
    cause: str
    correction: str
    requested_amount: Decimal
    approved_amount: Decimal | None
    paid_amount: Decimal
    decision_reason: str
    submission_count: int
    goodwill_reason: str
    goodwill_determined_at: datetime | None
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    order_id: strawberry.Private[int]
    vehicle_id: strawberry.Private[int]
    campaign_id: strawberry.Private[int | None]
    causal_part_id: strawberry.Private[int | None]
    created_by_id: strawberry.Private[int | None]
    submitted_by_id: strawberry.Private[int | None]
    goodwill_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> WarrantyClaim:
        return cls(
            id=row["id"],
            number=row["number"],
            status=WarrantyClaimStatus(row["status"]),
            claim_type=WarrantyClaimType(row["claim_type"]),
            vin=row["vin"],
            mileage=row["mileage"],
            fault_code=row["fault_code"],
            fault_date=row["fault_date"],
            complaint=row["complaint"],
            cause=row["cause"],
            correction=row["correction"],
            requested_amount=row["requested_amount"],
            approved_amount=row["approved_amount"],
            paid_amount=row["paid_amount"],
            decision_reason=row["decision_reason"],
            submission_count=row["submission_count"],
            goodwill_reason=row["goodwill_reason"],
            goodwill_determined_at=row["goodwill_determined_at"],
            created_at=row["created_at"],
            submitted_at=row["submitted_at"],
            decided_at=row["decided_at"],
            order_id=row["repair_order_id"],
            vehicle_id=row["vehicle_id"],
            campaign_id=row["campaign_id"],
            causal_part_id=row["causal_part_id"],
            created_by_id=row["created_by"],
            submitted_by_id=row["submitted_by"],
            goodwill_by_id=row["goodwill_determined_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[WarrantyClaim | None]:
        if not info.context.allowed("warranty_claim", "read"):
            return [None for _ in node_ids]
        rows = await claim_loaders(info).claim.load_many(_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="Draft or returned for correction: the dealer may edit it.")
    def editable(self) -> bool:
        return self.status.value in EDITABLE

    @strawberry.field
    async def order(self, info: Info) -> RepairOrder | None:
        row = await order_loaders(info).order.load(self.order_id)
        return RepairOrder.from_row(row) if row else None

    @strawberry.field
    async def vehicle(self, info: Info) -> Vehicle | None:
        return await load_one(info.context.loaders.vehicle, Vehicle.from_row, self.vehicle_id)

    @strawberry.field
    async def campaign(self, info: Info) -> WarrantyCampaign | None:
        return await load_one(
            claim_loaders(info).campaign, WarrantyCampaign.from_row, self.campaign_id
        )

    @strawberry.field
    async def causal_part(self, info: Info) -> Part | None:
        return await load_one(info.context.loaders.part, Part.from_row, self.causal_part_id)

    @strawberry.field
    async def lines(self, info: Info) -> list[WarrantyClaimLine]:
        rows = await claim_loaders(info).lines_by_claim.load(self.id)
        return [WarrantyClaimLine.from_row(r) for r in rows]

    @strawberry.field
    async def files(self, info: Info) -> list[WarrantyClaimFile]:
        rows = await claim_loaders(info).files_by_claim.load(self.id)
        return [WarrantyClaimFile.from_row(r) for r in rows]

    @strawberry.field(description="Every status change, oldest first.")
    async def history(self, info: Info) -> list[WarrantyClaimEvent]:
        rows = await claim_loaders(info).events_by_claim.load(self.id)
        return [
            WarrantyClaimEvent(
                from_status=WarrantyClaimStatus(r["from_status"]) if r["from_status"] else None,
                to_status=WarrantyClaimStatus(r["to_status"]),
                note=r["note"],
                system_actor=r["actor"],
                at=r["at"],
                actor_id=r["actor_user_id"],
            )
            for r in rows
        ]

    @strawberry.field(description="The manufacturer's answers, oldest first.")
    async def decisions(self, info: Info) -> list[WarrantyClaimDecision]:
        rows = await claim_loaders(info).decisions_by_claim.load(self.id)
        return [
            WarrantyClaimDecision(
                decision=WarrantyDecisionKind(r["decision"]),
                approved_amount=r["approved_amount"],
                reason=r["reason"],
                source=r["source"],
                decided_at=r["decided_at"],
            )
            for r in rows
        ]

    @strawberry.field(description="Who built it.")
    async def created_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.created_by_id)

    @strawberry.field
    async def submitted_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.submitted_by_id)

    @strawberry.field(description="The service manager who determined goodwill.")
    async def goodwill_determined_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.goodwill_by_id)
