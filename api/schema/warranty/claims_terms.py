"""GraphQL of the manufacturer's warranty terms: dealers read them (with the recalls and
campaigns of a VIN); the manufacturer's own warranty staff keep them. A regional
manager may decide claims but does not set the manufacturer's terms."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from api.schema.context import Info
from api.schema.errors import ApiError, Forbidden
from api.schema.warranty.claims_types import WarrantyCampaign, WarrantyCause, WarrantyPolicy
from tenants.database import ActiveTransaction, tenant_transaction
from tenants.warranty import terms


class ManufacturerStaffOnly(ApiError):
    code = "FORBIDDEN"

    def __init__(self) -> None:
        super().__init__(
            "Only the manufacturer's warranty staff keep its warranty terms",
            permission="warranty_review:decide",
            rule="manufacturer_staff_only",
        )


def _require_terms_reader(info: Info) -> int:
    dealer = info.context.dealer_id
    if info.context.allowed("warranty_claim", "read") or info.context.allowed(
        "warranty_review", "read"
    ):
        return dealer
    raise Forbidden("warranty_claim", "read", dealer)


def _require_terms_keeper(info: Info) -> int:
    """warranty_review:decide through a manufacturer assignment; returns the dealer the
    person works in (where the change is audited)."""
    dealer = info.context.require("warranty_review", "decide")
    grants = info.context.policies.roles_of(info.context.principal.subject, dealer)
    if not any(g.source == "manufacturer" for g in grants):
        raise ManufacturerStaffOnly()
    return dealer


async def _ensure_policy(tx: ActiveTransaction, dealer: int, manufacturer: int) -> None:
    """Part-group terms belong to a policy: made with its defaults on first use."""
    if await terms.policy(tx.connection, manufacturer) is None:
        await terms.update_policy(tx, dealer, manufacturer, terms.PolicyChanges())


async def _policy(info: Info, manufacturer_id: int) -> WarrantyPolicy:
    async with info.context.read() as tx:
        row = await terms.policy(tx.connection, manufacturer_id)
    assert row is not None
    return WarrantyPolicy.from_row(row)


@strawberry.input(description="Change what is given; null fields stay as they are.")
class UpdateWarrantyPolicyInput:
    base_months: int | None = None
    base_km: int | None = None
    first_service_months: int | None = None
    first_service_km: int | None = None
    claim_deadline_days: int | None = None
    old_part_retention_days: int | None = None
    repeat_repair_threshold: int | None = None
    cumulative_repair_days_threshold: int | None = None
    warning_window_months: int | None = None
    duplicate_window_days: int | None = None
    labour_rate: Decimal | None = None
    parts_markup: Decimal | None = None
    excluded_causes: list[WarrantyCause] | None = None
    requires_files: bool | None = None


@strawberry.input
class SetWarrantyPartGroupTermInput:
    part_group: str
    months: int = strawberry.field(description="0: the group is not covered.")
    km: int
    must_return: bool = True


@strawberry.type
class WarrantyTermsQuery:
    @strawberry.field(
        description="The warranty policy of the current dealer's manufacturer; null when it"
        " has none (then no line can be judged)."
    )
    async def warranty_terms(self, info: Info) -> WarrantyPolicy | None:
        dealer = _require_terms_reader(info)
        async with info.context.read() as tx:
            manufacturer = await terms.manufacturer_of(tx.connection, dealer)
            row = await terms.policy(tx.connection, manufacturer)
        return WarrantyPolicy.from_row(row) if row is not None else None

    @strawberry.field(
        description="Recalls and service campaigns naming the VIN, running ones first."
    )
    async def warranty_campaigns_for_vin(self, info: Info, vin: str) -> list[WarrantyCampaign]:
        dealer = _require_terms_reader(info)
        async with info.context.read() as tx:
            manufacturer = await terms.manufacturer_of(tx.connection, dealer)
            rows = await terms.campaigns_for_vin(tx.connection, manufacturer, vin)
        return [WarrantyCampaign.from_row(r) for r in rows]


@strawberry.type
class WarrantyTermsMutation:
    @strawberry.mutation(description="Manufacturer warranty staff: change the policy.")
    async def update_warranty_policy(
        self, info: Info, input: UpdateWarrantyPolicyInput
    ) -> WarrantyPolicy:
        dealer = _require_terms_keeper(info)
        changes = terms.PolicyChanges(
            base_months=input.base_months,
            base_km=input.base_km,
            first_service_months=input.first_service_months,
            first_service_km=input.first_service_km,
            claim_deadline_days=input.claim_deadline_days,
            old_part_retention_days=input.old_part_retention_days,
            repeat_repair_threshold=input.repeat_repair_threshold,
            cumulative_repair_days_threshold=input.cumulative_repair_days_threshold,
            warning_window_months=input.warning_window_months,
            duplicate_window_days=input.duplicate_window_days,
            labour_rate=input.labour_rate,
            parts_markup=input.parts_markup,
            excluded_causes=(
                tuple(c.value for c in input.excluded_causes)
                if input.excluded_causes is not None
                else None
            ),
            requires_files=input.requires_files,
        )
        async with tenant_transaction(info.context.scope((dealer,))) as tx:
            manufacturer = await terms.manufacturer_of(tx.connection, dealer)
            await terms.update_policy(
                tx, dealer, manufacturer, changes, request_id=info.context.request_id
            )
        return await _policy(info, manufacturer)

    @strawberry.mutation(description="Manufacturer warranty staff: a part group's own period.")
    async def set_warranty_part_group_term(
        self, info: Info, input: SetWarrantyPartGroupTermInput
    ) -> WarrantyPolicy:
        dealer = _require_terms_keeper(info)
        async with tenant_transaction(info.context.scope((dealer,))) as tx:
            manufacturer = await terms.manufacturer_of(tx.connection, dealer)
            await _ensure_policy(tx, dealer, manufacturer)
            await terms.set_part_group_term(
                tx,
                dealer,
                manufacturer,
                part_group=input.part_group,
                months=input.months,
                km=input.km,
                must_return=input.must_return,
                request_id=info.context.request_id,
            )
        return await _policy(info, manufacturer)

    @strawberry.mutation(
        description="Manufacturer warranty staff: the group falls back to the base terms."
    )
    async def remove_warranty_part_group_term(self, info: Info, part_group: str) -> WarrantyPolicy:
        dealer = _require_terms_keeper(info)
        async with tenant_transaction(info.context.scope((dealer,))) as tx:
            manufacturer = await terms.manufacturer_of(tx.connection, dealer)
            await _ensure_policy(tx, dealer, manufacturer)
            await terms.remove_part_group_term(
                tx, dealer, manufacturer, part_group, request_id=info.context.request_id
            )
        return await _policy(info, manufacturer)
