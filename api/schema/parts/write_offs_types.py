"""GraphQL types of write-offs (报损): the request, its signatures, who may still sign
in which capacity, and the loss split."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from api.schema.catalog import Part
from api.schema.context import Info
from api.schema.network import StaffUser, staff_user
from api.schema.parts.counts_types import node_keys, part_of
from api.schema.parts.write_offs_loaders import write_off_loaders
from policies.catalog import WRITE_OFF_CAPACITIES
from policies.store import Subject

CENT = Decimal("0.01")


@strawberry.enum
class WriteOffReason(Enum):
    DAMAGED = "damaged"
    DEFECTIVE = "defective"
    OBSOLETE = "obsolete"


@strawberry.enum(
    description="requested -> approved (third approval) -> disposed; requested -> rejected"
    " (any signer refuses) or cancelled."
)
class WriteOffStatus(Enum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    DISPOSED = "disposed"
    CANCELLED = "cancelled"


@strawberry.enum(description="The three capacities in which a write-off is signed (会签).")
class WriteOffCapacity(Enum):
    SERVICE_MANAGER = "service_manager"
    CLAIMS_SUPERVISOR = "claims_supervisor"
    PARTS_MANAGER = "parts_manager"


@strawberry.enum
class WriteOffDecision(Enum):
    APPROVED = "approved"
    REJECTED = "rejected"


@strawberry.enum(description="Who bears a share of a write-off's loss.")
class LossParty(Enum):
    COMPANY = "company"
    SERVICE_MANAGER = "service_manager"
    PARTS_MANAGER = "parts_manager"
    WAREHOUSE_KEEPER = "warehouse_keeper"


@strawberry.type
class WriteOffSignature:
    capacity: WriteOffCapacity
    decision: WriteOffDecision
    note: str
    signed_at: datetime
    signer_id: strawberry.Private[int]

    @strawberry.field
    async def signer(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.signer_id)


@strawberry.type(description="One capacity of the signatures panel.")
class WriteOffCapacitySigning:
    capacity: WriteOffCapacity
    role_key: str = strawberry.field(description="The role that signs in this capacity.")
    signature: WriteOffSignature | None
    eligible: list[StaffUser] = strawberry.field(
        description="Who may still sign in it: holds the role and parts_write_off:approve"
        " here, is not the requester and has not signed in another capacity. Empty once"
        " signed or decided."
    )


@strawberry.type(description="A share of the loss (70% company, 10% each person).")
class WriteOffLossShare:
    party: LossParty
    share: Decimal
    amount: Decimal
    user_id: strawberry.Private[int | None]

    @strawberry.field
    async def person(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.user_id)


@strawberry.type(description="A write-off (报损单) of one part.")
class WriteOff(relay.Node):
    id: relay.NodeID[int]
    number: str
    status: WriteOffStatus
    part: Part
    bin_location: str
    quantity: Decimal
    reason: WriteOffReason
    description: str
    cannot_claim: bool
    cannot_return: bool
    cannot_repair: bool
    human_caused: bool
    unit_cost: Decimal = strawberry.field(
        description="FIFO cost: an estimate while requested, what was booked once approved."
    )
    loss_amount: Decimal | None = strawberry.field(
        description="The booked loss (the FIFO lots taken), once approved."
    )
    requested_at: datetime
    decided_at: datetime | None
    disposable_from: datetime | None = strawberry.field(
        description="Approved write-offs stay in the store until then (retention days)."
    )
    disposed_at: datetime | None
    disposal_note: str
    dealer_id: strawberry.Private[int]
    requested_by_id: strawberry.Private[int | None]
    keeper_id: strawberry.Private[int | None]
    disposed_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> WriteOff:
        decided = row["decided_at"]
        approved = row["status"] in ("approved", "disposed") and decided is not None
        return cls(
            id=row["id"],
            number=row["number"],
            status=WriteOffStatus(row["status"]),
            part=part_of(row),
            bin_location=row["bin_location"],
            quantity=row["quantity"],
            reason=WriteOffReason(row["reason"]),
            description=row["description"],
            cannot_claim=row["cannot_claim"],
            cannot_return=row["cannot_return"],
            cannot_repair=row["cannot_repair"],
            human_caused=row["human_caused"],
            unit_cost=row["unit_cost"],
            loss_amount=row["loss_amount"],
            requested_at=row["requested_at"],
            decided_at=decided,
            disposable_from=decided + timedelta(days=row["retention_days"]) if approved else None,
            disposed_at=row["disposed_at"],
            disposal_note=row["disposal_note"],
            dealer_id=row["dealer_id"],
            requested_by_id=row["requested_by"],
            keeper_id=row["warehouse_keeper_id"],
            disposed_by_id=row["disposed_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[WriteOff | None]:
        if not info.context.allowed("parts_write_off", "read"):
            return [None for _ in node_ids]
        rows = await write_off_loaders(info).write_off.load_many(node_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="The loss when approved, else quantity x estimated cost.")
    def value(self) -> Decimal:
        if self.loss_amount is not None:
            return self.loss_amount
        return (self.quantity * self.unit_cost).quantize(CENT)

    async def _signatures(self, info: Info) -> list[WriteOffSignature]:
        rows = await write_off_loaders(info).signatures.load(self.id)
        return [
            WriteOffSignature(
                capacity=WriteOffCapacity(r["capacity"]),
                decision=WriteOffDecision(r["decision"]),
                note=r["note"],
                signed_at=r["signed_at"],
                signer_id=r["user_id"],
            )
            for r in rows
        ]

    @strawberry.field
    async def signatures(self, info: Info) -> list[WriteOffSignature]:
        return await self._signatures(info)

    @strawberry.field(description="Capacities not signed yet (empty once decided).")
    async def missing_capacities(self, info: Info) -> list[WriteOffCapacity]:
        if self.status != WriteOffStatus.REQUESTED:
            return []
        signed = {s.capacity for s in await self._signatures(info)}
        return [c for c in WriteOffCapacity if c not in signed]

    async def _eligible(self, info: Info, signed: list[WriteOffSignature]) -> dict[str, list[int]]:
        """People per capacity who may still sign this write-off."""
        if self.status != WriteOffStatus.REQUESTED:
            return {}
        holders = await write_off_loaders(info).capacity_holders.load(self.dealer_id)
        policies = info.context.policies
        excluded = {s.signer_id for s in signed} | {self.requested_by_id}
        taken = {s.capacity.value for s in signed}
        eligible: dict[str, list[int]] = {}
        for capacity, role in WRITE_OFF_CAPACITIES.items():
            if capacity in taken:
                continue
            eligible[capacity] = [
                r["user_id"]
                for r in holders
                if r["role"] == role
                and r["user_id"] not in excluded
                and policies.allowed(
                    Subject.user(r["user_id"]), self.dealer_id, "parts_write_off", "approve"
                )
            ]
        return eligible

    @strawberry.field(description="The signatures panel: each capacity, signed or who may sign.")
    async def signing(self, info: Info) -> list[WriteOffCapacitySigning]:
        signed = await self._signatures(info)
        by_capacity = {s.capacity: s for s in signed}
        eligible = await self._eligible(info, signed)
        users = info.context.loaders.user
        panel = []
        for capacity in WriteOffCapacity:
            ids = eligible.get(capacity.value, [])
            people = [p for p in await users.load_many(ids) if p is not None]
            panel.append(
                WriteOffCapacitySigning(
                    capacity=capacity,
                    role_key=WRITE_OFF_CAPACITIES[capacity.value],
                    signature=by_capacity.get(capacity),
                    eligible=[StaffUser.from_row(p) for p in people],
                )
            )
        return panel

    @strawberry.field(description="The capacities in which the viewer may sign it now.")
    async def viewer_capacities(self, info: Info) -> list[WriteOffCapacity]:
        me = info.context.principal.user_id
        if me is None:
            return []
        eligible = await self._eligible(info, await self._signatures(info))
        return [WriteOffCapacity(c) for c, people in eligible.items() if me in people]

    @strawberry.field(description="The loss split, once approved.")
    async def loss_shares(self, info: Info) -> list[WriteOffLossShare]:
        rows = await write_off_loaders(info).loss_shares.load(self.id)
        return [
            WriteOffLossShare(
                party=LossParty(r["party"]),
                share=r["share"],
                amount=r["amount"],
                user_id=r["user_id"],
            )
            for r in rows
        ]

    @strawberry.field
    async def requested_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.requested_by_id)

    @strawberry.field(description="The warehouse keeper named on the request (shares the loss).")
    async def warehouse_keeper(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.keeper_id)

    @strawberry.field
    async def disposed_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.disposed_by_id)
