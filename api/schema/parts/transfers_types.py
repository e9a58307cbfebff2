"""GraphQL type of a transfer (调拨) as either of its two dealers sees it: the other
dealer appears by code and name only, and only the viewer's own staff by name."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from api.schema.catalog import Part
from api.schema.context import Info
from api.schema.loaders import load_one
from api.schema.network import StaffUser
from api.schema.parts.reorder_loaders import reorder_loaders
from api.schema.parts.reorder_types import ReorderSuggestion, plan_readable
from api.schema.relay_conventions import global_id


def _keys(node_ids: Iterable[str]) -> list[int]:
    return [int(n) if n.isdigit() else 0 for n in node_ids]


def transfers_readable(info: Info) -> bool:
    return info.context.allowed("parts_transfer", "read")


@strawberry.enum(
    description="requested -> approved -> shipped -> received; rejected by the giver,"
    " cancelled by the requester before shipping."
)
class TransferStatus(Enum):
    REQUESTED = "requested"
    APPROVED = "approved"
    SHIPPED = "shipped"
    RECEIVED = "received"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


@strawberry.enum(description="The viewer's dealer in a transfer.")
class TransferSide(Enum):
    RECEIVING = "receiving"
    """The dealer that asked for the parts (and receives them)."""
    GIVING = "giving"
    """The dealer asked (it approves and ships)."""


@strawberry.enum(description="A next step the viewer may take now.")
class TransferAction(Enum):
    APPROVE = "approve"
    REJECT = "reject"
    SHIP = "ship"
    RECEIVE = "receive"
    CANCEL = "cancel"


_STEPS: dict[tuple[TransferSide, str], tuple[tuple[TransferAction, str, str], ...]] = {
    (TransferSide.GIVING, "requested"): (
        (TransferAction.APPROVE, "parts_transfer", "approve"),
        (TransferAction.REJECT, "parts_transfer", "approve"),
    ),
    (TransferSide.GIVING, "approved"): ((TransferAction.SHIP, "parts_issue", "issue"),),
    (TransferSide.RECEIVING, "requested"): ((TransferAction.CANCEL, "parts_transfer", "request"),),
    (TransferSide.RECEIVING, "approved"): ((TransferAction.CANCEL, "parts_transfer", "request"),),
    (TransferSide.RECEIVING, "shipped"): ((TransferAction.RECEIVE, "parts_receipt", "create"),),
}
"""Which side takes which step, and the permission it needs."""


@strawberry.type(description="A dealer in a transfer: who it is, nothing of its stock.")
class TransferDealer:
    id: strawberry.ID
    code: str
    name: str
    name_zh: str


@strawberry.type(description="Parts moved from one dealer of a region to another (调拨).")
class PartsTransfer(relay.Node):
    id: relay.NodeID[int]
    number: str
    status: TransferStatus
    side: TransferSide
    quantity: Decimal
    unit_cost: Decimal = strawberry.field(description="FIFO cost at the giver, set on shipping.")
    part_number: str
    note: str
    decision_note: str = strawberry.field(description="Why rejected or cancelled, or a remark.")
    requested_at: datetime
    decided_at: datetime | None
    shipped_at: datetime | None
    received_at: datetime | None
    requesting_dealer: TransferDealer
    giving_dealer: TransferDealer
    part_id: strawberry.Private[int]
    suggestion_id: strawberry.Private[int | None]
    staff: strawberry.Private[dict[str, int | None]]

    @classmethod
    def from_row(cls, row: Any, viewer_dealer_id: int) -> PartsTransfer:
        receiving = row["dealer_id"] == viewer_dealer_id
        return cls(
            id=row["id"],
            number=row["number"],
            status=TransferStatus(row["status"]),
            side=TransferSide.RECEIVING if receiving else TransferSide.GIVING,
            quantity=row["quantity"],
            unit_cost=row["unit_cost"],
            part_number=row["part_number"],
            note=row["note"],
            decision_note=row["decision_note"],
            requested_at=row["requested_at"],
            decided_at=row["decided_at"],
            shipped_at=row["shipped_at"],
            received_at=row["received_at"],
            requesting_dealer=TransferDealer(
                id=strawberry.ID(global_id("Dealer", row["dealer_id"])),
                code=row["dealer_code"],
                name=row["dealer_name"],
                name_zh=row["dealer_name_zh"],
            ),
            giving_dealer=TransferDealer(
                id=strawberry.ID(global_id("Dealer", row["source_dealer_id"])),
                code=row["source_code"],
                name=row["source_name"],
                name_zh=row["source_name_zh"],
            ),
            part_id=row["part_id"],
            suggestion_id=row["suggestion_id"] if receiving else None,
            staff={
                "requested": row["requested_by"],
                "decided": row["decided_by"],
                "shipped": row["shipped_by"],
                "received": row["received_by"],
            },
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PartsTransfer | None]:
        if not transfers_readable(info):
            return [None for _ in node_ids]
        rows = await reorder_loaders(info).transfer.load_many(_keys(node_ids))
        dealer = info.context.dealer_id
        return [cls.from_row(r, dealer) if r else None for r in rows]

    @strawberry.field
    async def part(self, info: Info) -> Part | None:
        return await load_one(info.context.loaders.part, Part.from_row, self.part_id)

    @strawberry.field(description="The suggestion it came from (requesting side only).")
    async def suggestion(self, info: Info) -> ReorderSuggestion | None:
        if not plan_readable(info):
            return None
        return await load_one(
            reorder_loaders(info).suggestion, ReorderSuggestion.from_row, self.suggestion_id
        )

    @strawberry.field(description="Steps the viewer may take now (by status, side, permission).")
    def actions(self, info: Info) -> list[TransferAction]:
        steps = _STEPS.get((self.side, self.status.value), ())
        return [action for action, obj, act in steps if info.context.allowed(obj, act)]

    async def _person(self, info: Info, key: str) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.staff[key])

    @strawberry.field(description="Visible when the person works at the viewer's dealer.")
    async def requested_by(self, info: Info) -> StaffUser | None:
        return await self._person(info, "requested")

    @strawberry.field(description="Visible when the person works at the viewer's dealer.")
    async def decided_by(self, info: Info) -> StaffUser | None:
        return await self._person(info, "decided")

    @strawberry.field(description="Visible when the person works at the viewer's dealer.")
    async def shipped_by(self, info: Info) -> StaffUser | None:
        return await self._person(info, "shipped")

    @strawberry.field(description="Visible when the person works at the viewer's dealer.")
    async def received_by(self, info: Info) -> StaffUser | None:
        return await self._person(info, "received")
