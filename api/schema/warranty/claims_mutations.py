"""Mutations of warranty claims, each one transaction with its audit entries: build a
claim from an order's warranty lines, edit it while a draft or returned, judge a line,
determine goodwill, submit (status and outbox message together), cancel."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from api.schema.context import Info
from api.schema.relay_conventions import parse_global_id
from api.schema.repair_order_loaders import order_loaders
from api.schema.repair_orders import RepairOrderLine
from api.schema.warranty.claims_types import WarrantyCause, WarrantyClaim, WarrantyClaimType
from tenants.warranty import claim_files, claim_submission, claims


def _claim_id(value: strawberry.ID, field: str = "claimId") -> int:
    return parse_global_id(value, "WarrantyClaim", field)


def _optional(value: strawberry.ID | None, type_name: str, field: str) -> int | None:
    return parse_global_id(value, type_name, field) if value is not None else None


async def _claim(info: Info, claim_id: int) -> WarrantyClaim:
    async with info.context.read() as tx:
        row = await tx.connection.fetchrow(
            "select * from warranty_claim where dealer_id = $1 and id = $2",
            info.context.dealer_id,
            claim_id,
        )
    assert row is not None
    return WarrantyClaim.from_row(row)


@strawberry.input(description="A claim of one order and fault, from its warranty lines.")
class CreateWarrantyClaimInput:
    order_id: strawberry.ID
    line_ids: list[strawberry.ID]
    fault_code: str = strawberry.field(description="The manufacturer's fault (damage) code.")
    claim_type: WarrantyClaimType = WarrantyClaimType.STANDARD
    campaign_id: strawberry.ID | None = strawberry.field(
        default=None, description="The recall or campaign of a CAMPAIGN claim."
    )
    fault_date: date | None = strawberry.field(
        default=None, description="Defaults to the day the order was opened."
    )
    complaint: str | None = strawberry.field(
        default=None, description="Defaults to the customer's description on the order."
    )
    cause: str = ""
    correction: str = ""
    causal_part_id: strawberry.ID | None = None


@strawberry.input(description="Change what is given; null fields stay as they are.")
class UpdateWarrantyClaimInput:
    claim_id: strawberry.ID
    fault_code: str | None = None
    fault_date: date | None = None
    complaint: str | None = None
    cause: str | None = None
    correction: str | None = None
    causal_part_id: strawberry.ID | None = None
    clear_causal_part: bool = False
    claim_type: WarrantyClaimType | None = strawberry.field(
        default=None, description="Not GOODWILL: that is the service manager's determination."
    )
    campaign_id: strawberry.ID | None = None


@strawberry.input(description="Claim fewer hours or parts than the order line carries.")
class UpdateWarrantyClaimLineInput:
    claim_line_id: strawberry.ID
    hours: Decimal | None = None
    quantity: Decimal | None = None


@strawberry.input(description="The claims specialist's judgement of a warranty line.")
class AssessWarrantyLineInput:
    line_id: strawberry.ID
    cause: WarrantyCause
    causal_part_id: strawberry.ID | None = None
    note: str = ""


@strawberry.type
class WarrantyClaimMutation:
    @strawberry.mutation(description="Build a draft claim from an order's warranty lines.")
    async def create_warranty_claim(
        self, info: Info, input: CreateWarrantyClaimInput
    ) -> WarrantyClaim:
        new = claims.NewClaim(
            order_id=parse_global_id(input.order_id, "RepairOrder", "orderId"),
            line_ids=tuple(
                parse_global_id(i, "RepairOrderLine", "lineIds") for i in input.line_ids
            ),
            fault_code=input.fault_code,
            claim_type=input.claim_type.value,
            campaign_id=_optional(input.campaign_id, "WarrantyCampaign", "campaignId"),
            fault_date=input.fault_date,
            complaint=input.complaint,
            cause=input.cause,
            correction=input.correction,
            causal_part_id=_optional(input.causal_part_id, "Part", "causalPartId"),
        )
        async with info.context.write("warranty_claim", "create") as tx:
            claim_id = await claims.create_claim(
                tx, tx.scope.dealer_ids[0], new, request_id=info.context.request_id
            )
        return await _claim(info, claim_id)

    @strawberry.mutation(description="Change a draft or returned claim.")
    async def update_warranty_claim(
        self, info: Info, input: UpdateWarrantyClaimInput
    ) -> WarrantyClaim:
        claim_id = _claim_id(input.claim_id)
        changes = claims.ClaimChanges(
            fault_code=input.fault_code,
            fault_date=input.fault_date,
            complaint=input.complaint,
            cause=input.cause,
            correction=input.correction,
            causal_part_id=_optional(input.causal_part_id, "Part", "causalPartId"),
            clear_causal_part=input.clear_causal_part,
            claim_type=input.claim_type.value if input.claim_type is not None else None,
            campaign_id=_optional(input.campaign_id, "WarrantyCampaign", "campaignId"),
        )
        async with info.context.write("warranty_claim", "create") as tx:
            await claims.update_claim(
                tx, tx.scope.dealer_ids[0], claim_id, changes, request_id=info.context.request_id
            )
        return await _claim(info, claim_id)

    @strawberry.mutation(description="Add more of the order's warranty lines to the claim.")
    async def add_warranty_claim_lines(
        self, info: Info, claim_id: strawberry.ID, line_ids: list[strawberry.ID]
    ) -> WarrantyClaim:
        cid = _claim_id(claim_id)
        lines = tuple(parse_global_id(i, "RepairOrderLine", "lineIds") for i in line_ids)
        async with info.context.write("warranty_claim", "create") as tx:
            await claims.add_lines(
                tx, tx.scope.dealer_ids[0], cid, lines, request_id=info.context.request_id
            )
        return await _claim(info, cid)

    @strawberry.mutation(description="Take a line out of a draft or returned claim.")
    async def remove_warranty_claim_line(
        self, info: Info, claim_line_id: strawberry.ID
    ) -> WarrantyClaim:
        line = parse_global_id(claim_line_id, "WarrantyClaimLine", "claimLineId")
        async with info.context.write("warranty_claim", "create") as tx:
            cid = await claims.remove_line(
                tx, tx.scope.dealer_ids[0], line, request_id=info.context.request_id
            )
        return await _claim(info, cid)

    @strawberry.mutation(description="Claim fewer hours or parts on a line.")
    async def update_warranty_claim_line(
        self, info: Info, input: UpdateWarrantyClaimLineInput
    ) -> WarrantyClaim:
        line = parse_global_id(input.claim_line_id, "WarrantyClaimLine", "claimLineId")
        async with info.context.write("warranty_claim", "create") as tx:
            cid = await claims.update_line(
                tx,
                tx.scope.dealer_ids[0],
                line,
                hours=input.hours,
                quantity=input.quantity,
                request_id=info.context.request_id,
            )
        return await _claim(info, cid)

    @strawberry.mutation(
        description="Remove a file from a draft or returned claim (upload: POST the file to"
        " /api/warranty/claims/<claimId>/files)."
    )
    async def remove_warranty_claim_file(self, info: Info, file_id: strawberry.ID) -> WarrantyClaim:
        fid = parse_global_id(file_id, "WarrantyClaimFile", "fileId")
        async with info.context.write("warranty_claim", "create") as tx:
            cid = await claim_files.remove_file(
                tx, tx.scope.dealer_ids[0], fid, request_id=info.context.request_id
            )
        return await _claim(info, cid)

    @strawberry.mutation(
        description="The service manager's final determination: claim the event as goodwill"
        " (善意索赔) although it is outside the terms; not by the claim's preparer."
    )
    async def determine_warranty_claim_goodwill(
        self, info: Info, claim_id: strawberry.ID, reason: str
    ) -> WarrantyClaim:
        cid = _claim_id(claim_id)
        async with info.context.write("warranty_claim", "determine") as tx:
            await claims.determine_goodwill(
                tx, tx.scope.dealer_ids[0], cid, reason, request_id=info.context.request_id
            )
        return await _claim(info, cid)

    @strawberry.mutation(
        description="Submit (again after a return): refused with the blocking check results"
        " in extensions.errors; in one transaction the claim becomes submitted and its"
        " message for the manufacturer is written."
    )
    async def submit_warranty_claim(
        self, info: Info, claim_id: strawberry.ID, note: str = ""
    ) -> WarrantyClaim:
        cid = _claim_id(claim_id)
        async with info.context.write("warranty_claim", "submit") as tx:
            await claim_submission.submit_claim(
                tx, tx.scope.dealer_ids[0], cid, note=note, request_id=info.context.request_id
            )
        return await _claim(info, cid)

    @strawberry.mutation(description="Withdraw a draft or returned claim for good.")
    async def cancel_warranty_claim(
        self, info: Info, claim_id: strawberry.ID, reason: str
    ) -> WarrantyClaim:
        cid = _claim_id(claim_id)
        async with info.context.write("warranty_claim", "create") as tx:
            await claims.cancel_claim(
                tx, tx.scope.dealer_ids[0], cid, reason, request_id=info.context.request_id
            )
        return await _claim(info, cid)

    @strawberry.mutation(
        description="Judge a warranty line (保内鉴定): its cause and causal part, which its"
        " eligibility follows."
    )
    async def assess_warranty_line(
        self, info: Info, input: AssessWarrantyLineInput
    ) -> RepairOrderLine:
        line_id = parse_global_id(input.line_id, "RepairOrderLine", "lineId")
        async with info.context.write("warranty_claim", "create") as tx:
            await claims.assess_line(
                tx,
                tx.scope.dealer_ids[0],
                line_id,
                cause=input.cause.value,
                causal_part_id=_optional(input.causal_part_id, "Part", "causalPartId"),
                note=input.note,
                request_id=info.context.request_id,
            )
        row = await order_loaders(info).line.load(line_id)
        assert row is not None
        return RepairOrderLine.from_row(row)
