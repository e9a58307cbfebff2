"""Warranty fields of other areas' types, resolved here so that ``repair_orders`` and
``customers`` only name them: a warranty line's eligibility, judgement and live claim;
a vehicle's 三包预警 and open recalls. All through batch loaders (no N+1)."""

from __future__ import annotations

from api.schema.context import Info
from api.schema.warranty.claims_loaders import claim_loaders
from api.schema.warranty.claims_types import (
    WarrantyCampaign,
    WarrantyClaim,
    WarrantyEligibility,
    WarrantyLineAssessment,
    WarrantyWarning,
)


async def line_eligibility(info: Info, line_id: int, pay_type: str) -> WarrantyEligibility | None:
    if pay_type != "warranty":
        return None
    found = await claim_loaders(info).eligibility.load(line_id)
    return WarrantyEligibility.of(found) if found is not None else None


async def line_assessment(info: Info, line_id: int, pay_type: str) -> WarrantyLineAssessment | None:
    if pay_type != "warranty":
        return None
    rows = await claim_loaders(info).assessment_by_line.load(line_id)
    return WarrantyLineAssessment.from_row(rows[0]) if rows else None


async def line_claim(info: Info, line_id: int, pay_type: str) -> WarrantyClaim | None:
    if pay_type != "warranty" or not info.context.allowed("warranty_claim", "read"):
        return None
    rows = await claim_loaders(info).live_claim_by_order_line.load(line_id)
    return WarrantyClaim.from_row(rows[0]) if rows else None


async def vehicle_warnings(info: Info, vehicle_id: int) -> list[WarrantyWarning]:
    found = await claim_loaders(info).warnings.load(vehicle_id)
    return [WarrantyWarning.of(w) for w in found or []]


async def vehicle_campaigns(info: Info, vehicle_id: int) -> list[WarrantyCampaign]:
    rows = await claim_loaders(info).open_campaigns_by_vehicle.load(vehicle_id)
    return [WarrantyCampaign.from_row(r) for r in rows]
