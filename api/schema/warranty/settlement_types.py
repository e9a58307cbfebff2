"""GraphQL types of warranty money: payments with their allocations, each claim's
balance, charge-back candidates from inspection and the monthly reconciliation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader

from api.schema.context import Info
from api.schema.loaders import load_one
from api.schema.network import StaffUser
from api.schema.relay_conventions import global_id
from api.schema.warranty.old_parts_access import dealers_with
from api.schema.warranty.old_parts_types import CLAIM_TYPE, InspectionResult
from tenants.database import TenantScope, tenant_transaction

if TYPE_CHECKING:
    import asyncpg


def _claim_gid(pk: int) -> strawberry.ID:
    return strawberry.ID(global_id(CLAIM_TYPE, pk))


@strawberry.enum
class AllocationKind(Enum):
    PAYMENT = "payment"
    CHARGE_BACK = "charge_back"


@strawberry.enum(description="Statuses of claims money is allocated to.")
class SettledClaimStatus(Enum):
    APPROVED = "approved"
    PARTIALLY_APPROVED = "partially_approved"
    PAID = "paid"


@strawberry.type(description="Part of a payment given to one claim; charge-backs negative.")
class WarrantyAllocation:
    id: strawberry.ID
    claim_id: strawberry.ID
    claim_number: str
    amount: Decimal
    kind: AllocationKind
    note: str
    old_part_tag: str | None = strawberry.field(description="The part a charge-back is for.")
    created_at: datetime


_ALLOCATIONS_SQL = """
select a.*, c.number as claim_number, op.tag as old_part_tag
  from warranty_payment_allocation a
  join warranty_claim c on c.dealer_id = a.dealer_id and c.id = a.claim_id
  left join old_part op on op.dealer_id = a.dealer_id and op.id = a.old_part_id
 where a.dealer_id = any($1::bigint[]) and a.payment_id = any($2::bigint[])
 order by a.id
"""


def _allocations_loader(info: Info) -> DataLoader[int, list[Any]]:
    loader: DataLoader[int, list[Any]] | None = info.context.cache.get("warranty_allocations")
    if loader is not None:
        return loader

    async def load(keys: list[int]) -> list[list[Any]]:
        dealers = dealers_with(info, "settlement", "read")
        groups: dict[int, list[asyncpg.Record]] = defaultdict(list)
        if dealers:
            scope = TenantScope.of(dealers, info.context.principal.user_id)
            async with tenant_transaction(scope, fresh=True) as tx:
                for row in await tx.connection.fetch(_ALLOCATIONS_SQL, list(dealers), keys):
                    groups[row["payment_id"]].append(row)
        return [groups.get(k, []) for k in keys]

    loader = info.context.cache["warranty_allocations"] = DataLoader(load_fn=load)
    return loader


PAYMENT_SELECT = """
select p.*, coalesce((select sum(a.amount) from warranty_payment_allocation a
                       where a.dealer_id = p.dealer_id and a.payment_id = p.id), 0)::numeric(14, 2)
         as allocated
  from warranty_payment p
"""


@strawberry.type(description="Money from the manufacturer (a remittance; negative: a debit note).")
class WarrantyPayment(relay.Node):
    id: relay.NodeID[int]
    reference: str
    paid_on: date
    amount: Decimal
    note: str
    recorded_at: datetime
    allocated: Decimal = strawberry.field(description="Net of charge-backs.")
    unallocated: Decimal = strawberry.field(
        description="Not yet given to claims; left over after allocation: flag it."
    )
    recorded_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> WarrantyPayment:
        return cls(
            id=row["id"],
            reference=row["reference"],
            paid_on=row["paid_on"],
            amount=row["amount"],
            note=row["note"],
            recorded_at=row["recorded_at"],
            allocated=row["allocated"],
            unallocated=row["amount"] - row["allocated"],
            recorded_by_id=row["recorded_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[WarrantyPayment | None]:
        dealers = dealers_with(info, "settlement", "read")
        keys = [int(n) if n.isdigit() else 0 for n in node_ids]
        if not dealers:
            return [None for _ in keys]
        async with info.context.read(dealers) as tx:
            rows = await tx.connection.fetch(
                PAYMENT_SELECT + " where p.dealer_id = any($1::bigint[]) and p.id = any($2)",
                list(dealers),
                keys,
            )
        found = {r["id"]: cls.from_row(r) for r in rows}
        return [found.get(k) for k in keys]

    @strawberry.field
    async def recorded_by(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.recorded_by_id)

    @strawberry.field
    async def allocations(self, info: Info) -> list[WarrantyAllocation]:
        rows = await _allocations_loader(info).load(self.id)
        return [
            WarrantyAllocation(
                id=strawberry.ID(global_id("WarrantyAllocation", r["id"])),
                claim_id=_claim_gid(r["claim_id"]),
                claim_number=r["claim_number"],
                amount=r["amount"],
                kind=AllocationKind(r["kind"]),
                note=r["note"],
                old_part_tag=r["old_part_tag"],
                created_at=r["created_at"],
            )
            for r in rows
        ]


@strawberry.type(description="A part found wanting at inspection, not yet charged back.")
class ChargeBackCandidate:
    old_part_id: strawberry.ID
    tag: str
    claim_id: strawberry.ID
    claim_number: str
    part_number: str
    part_name: str
    part_name_zh: str
    quantity: Decimal
    result: InspectionResult
    note: str
    inspected_at: datetime | None
    suggested_amount: Decimal | None = strawberry.field(
        description="The part's share of its claim line."
    )

    @classmethod
    def from_row(cls, row: Any) -> ChargeBackCandidate:
        return cls(
            old_part_id=strawberry.ID(global_id("OldPart", row["old_part_id"])),
            tag=row["tag"],
            claim_id=_claim_gid(row["claim_id"]),
            claim_number=row["claim_number"],
            part_number=row["part_number"],
            part_name=row["part_name"],
            part_name_zh=row["part_name_zh"],
            quantity=row["quantity"],
            result=InspectionResult(row["inspection_result"]),
            note=row["inspection_note"],
            inspected_at=row["inspected_at"],
            suggested_amount=row["suggested"],
        )


@strawberry.type(description="One approved claim's money: approved vs paid vs charged back.")
class WarrantyClaimBalance:
    claim_id: strawberry.ID
    number: str
    status: SettledClaimStatus
    vin: str
    requested: Decimal
    approved: Decimal
    paid: Decimal = strawberry.field(description="Payments allocated to it.")
    charged_back: Decimal
    kept: Decimal = strawberry.field(description="Paid minus charged back: what the dealer keeps.")
    outstanding: Decimal = strawberry.field(description="Approved minus paid.")
    charge_back_candidates: int = strawberry.field(
        description="Parts found wanting at inspection whose charge-back is not recorded."
    )
    candidate_amount: Decimal
    decided_at: datetime | None

    @classmethod
    def from_row(cls, row: Any) -> WarrantyClaimBalance:
        return cls(
            claim_id=_claim_gid(row["id"]),
            number=row["number"],
            status=SettledClaimStatus(row["status"]),
            vin=row["vin"],
            requested=row["requested_amount"],
            approved=row["approved"],
            paid=row["paid"],
            charged_back=row["charged_back"],
            kept=row["kept"],
            outstanding=row["outstanding"],
            charge_back_candidates=row["candidate_count"],
            candidate_amount=row["candidate_amount"],
            decided_at=row["decided_at"],
        )


@strawberry.type(description="A month of warranty money in the dealer's time zone.")
class WarrantyMonth:
    month: date = strawberry.field(description="The month's first day.")
    submitted_count: int
    submitted_amount: Decimal = strawberry.field(description="Requested on first submission.")
    approved_count: int
    approved_amount: Decimal
    paid_amount: Decimal
    charged_back_amount: Decimal
    received_amount: Decimal = strawberry.field(description="Payments recorded (net).")
    outstanding_amount: Decimal = strawberry.field(
        description="Approved minus paid, all claims, at the month's end."
    )

    @classmethod
    def from_row(cls, row: Any) -> WarrantyMonth:
        return cls(
            month=row["month"],
            submitted_count=row["submitted_count"],
            submitted_amount=row["submitted_amount"],
            approved_count=row["approved_count"],
            approved_amount=row["approved_amount"],
            paid_amount=row["paid_amount"],
            charged_back_amount=row["charged_back_amount"],
            received_amount=row["received_amount"],
            outstanding_amount=row["outstanding_amount"],
        )
