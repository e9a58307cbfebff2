"""GraphQL types of stock counts (盘点): the count with the figures of its lines, and
the lines of the count sheet in bin order."""

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
from api.schema.network import StaffUser, staff_user
from api.schema.parts.counts_loaders import LINE_ORDER, LINE_SQL, count_loaders
from api.schema.relay_conventions import parse_global_id

CENT = Decimal("0.01")


@strawberry.enum(
    description="What a count takes (盘点类型): CYCLE items moved since their last approved"
    " count or since a date (循环盘点); DAILY and MONTHLY items with stock or moved in the"
    " dealer's day or month (日盘, 月盘); QUARTERLY every item, witnessed by finance (季度盘点)."
)
class StockCountKind(Enum):
    CYCLE = "cycle"
    DAILY = "daily"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


@strawberry.enum(
    description="open -> submitted -> approved; a rejected count goes back to open with a"
    " note; an open count can be cancelled."
)
class StockCountStatus(Enum):
    OPEN = "open"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    CANCELLED = "cancelled"


@strawberry.enum(description="Who or what answers for a count difference.")
class CountResponsibility(Enum):
    WAREHOUSE_KEEPER = "warehouse_keeper"
    TECHNICIAN = "technician"
    SUPPLIER = "supplier"
    RECORDING_ERROR = "recording_error"
    THEFT = "theft"
    UNKNOWN = "unknown"


def part_of(row: Any) -> Part:
    """The part of a row that joined ``part`` with ``part_*`` aliases."""
    return Part(
        id=row["part_id"],
        part_number=row["part_number"],
        name=row["part_name"],
        name_zh=row["part_name_zh"],
        unit=row["part_unit"],
        pack_size=row["part_pack_size"],
        list_price=row["part_list_price"],
        part_group=row["part_group"],
    )


def node_keys(node_ids: Iterable[str]) -> list[int]:
    return [int(n) if n.isdigit() else 0 for n in node_ids]


@strawberry.type(description="One item on the count sheet.")
class StockCountLine(relay.Node):
    id: relay.NodeID[int]
    bin_location: str
    part: Part
    expected_qty: Decimal = strawberry.field(
        description="The ledger's on-hand when the line was counted; before that, the on-hand now."
    )
    counted_qty: Decimal | None
    counted_at: datetime | None
    cause: str
    responsibility: CountResponsibility | None
    adjustment_qty: Decimal | None = strawberry.field(
        description="What the approval booked (count_adjustment), signed."
    )
    adjustment_unit_cost: Decimal | None
    item_cost: strawberry.Private[Decimal]
    count_id: strawberry.Private[int]
    counted_by_id: strawberry.Private[int | None]
    responsible_user_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> StockCountLine:
        return cls(
            id=row["id"],
            bin_location=row["bin_location"],
            part=part_of(row),
            expected_qty=row["book_qty"],
            counted_qty=row["counted_qty"],
            counted_at=row["counted_at"],
            cause=row["cause"],
            responsibility=CountResponsibility(row["responsibility"])
            if row["responsibility"]
            else None,
            adjustment_qty=row["adjustment_qty"],
            adjustment_unit_cost=row["adjustment_unit_cost"],
            item_cost=row["item_cost"],
            count_id=row["stock_count_id"],
            counted_by_id=row["counted_by"],
            responsible_user_id=row["responsible_user_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[StockCountLine | None]:
        if not info.context.allowed("parts_count", "read"):
            return [None for _ in node_ids]
        rows = await count_loaders(info).line.load_many(node_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="Counted minus expected; null until counted.")
    def difference(self) -> Decimal | None:
        if self.counted_qty is None:
            return None
        return self.counted_qty - self.expected_qty

    @strawberry.field(
        description="The difference's value: booked when approved, else at the item's cost."
    )
    def difference_value(self) -> Decimal | None:
        if self.adjustment_qty is not None and self.adjustment_unit_cost is not None:
            return (self.adjustment_qty * self.adjustment_unit_cost).quantize(CENT)
        difference = self.difference()
        return None if difference is None else (difference * self.item_cost).quantize(CENT)

    @strawberry.field(description="A counted line whose difference has no cause yet.")
    def needs_explanation(self) -> bool:
        difference = self.difference()
        return bool(difference) and (not self.cause or self.responsibility is None)

    @strawberry.field
    async def counted_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.counted_by_id)

    @strawberry.field(description="The person responsible, when a person is.")
    async def responsible_person(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.responsible_user_id)


@strawberry.type(description="A stock count (盘点单) with the figures of its lines.")
class StockCount(relay.Node):
    id: relay.NodeID[int]
    number: str
    kind: StockCountKind
    status: StockCountStatus
    scope_note: str
    since: datetime | None = strawberry.field(
        description="A cycle count's start: items moved since then."
    )
    bin_prefix: str = strawberry.field(description="Only bins starting so, e.g. A-02.")
    skipped_items: int = strawberry.field(
        description="Items of the selection left out: another unfinished count has them."
    )
    finance_witness: str
    decision_note: str = strawberry.field(
        description="The approver's note; on an open count, why it was sent back."
    )
    returned_count: int = strawberry.field(description="How often it was sent back.")
    created_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    cancelled_at: datetime | None
    line_count: int
    counted_count: int
    difference_count: int
    unexplained_count: int = strawberry.field(
        description="Differences still without a cause and responsibility."
    )
    difference_value: Decimal = strawberry.field(
        description="Net value of the differences: booked when approved, else at item cost."
    )
    created_by_id: strawberry.Private[int | None]
    submitted_by_id: strawberry.Private[int | None]
    approved_by_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> StockCount:
        return cls(
            id=row["id"],
            number=row["number"],
            kind=StockCountKind(row["kind"]),
            status=StockCountStatus(row["status"]),
            scope_note=row["scope_note"],
            since=row["since"],
            bin_prefix=row["bin_prefix"],
            skipped_items=row["skipped_items"],
            finance_witness=row["finance_witness"],
            decision_note=row["decision_note"],
            returned_count=row["returned_count"],
            created_at=row["created_at"],
            submitted_at=row["submitted_at"],
            approved_at=row["approved_at"],
            cancelled_at=row["cancelled_at"],
            line_count=row["line_count"],
            counted_count=row["counted_count"],
            difference_count=row["difference_count"],
            unexplained_count=row["unexplained_count"],
            difference_value=Decimal(row["difference_value"]).quantize(CENT),
            created_by_id=row["created_by"],
            submitted_by_id=row["submitted_by"],
            approved_by_id=row["approved_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[StockCount | None]:
        if not info.context.allowed("parts_count", "read"):
            return [None for _ in node_ids]
        rows = await count_loaders(info).count.load_many(node_keys(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="The count sheet in bin order (warehouse-shelf-level-position).")
    async def lines(
        self,
        info: Info,
        differences_only: bool = False,
        uncounted_only: bool = False,
        ids: list[strawberry.ID] | None = strawberry.UNSET,
    ) -> list[StockCountLine]:
        """``ids`` picks lines (e.g. those a mutation just changed) without sending the
        whole sheet again."""
        if ids:
            keys = [parse_global_id(i, "StockCountLine", "ids") for i in ids]
            async with info.context.read() as tx:
                rows = await tx.connection.fetch(
                    LINE_SQL
                    + " where l.stock_count_id = $1 and l.id = any($2::bigint[])"
                    + LINE_ORDER,
                    self.id,
                    keys,
                )
        else:
            rows = await count_loaders(info).lines_by_count.load(self.id)
        lines = [StockCountLine.from_row(r) for r in rows]
        if differences_only:
            lines = [line for line in lines if line.difference()]
        if uncounted_only:
            lines = [line for line in lines if line.counted_qty is None]
        return lines

    @strawberry.field(description="Everyone who counted a line of it.")
    async def counters(self, info: Info) -> list[StaffUser]:
        rows = await count_loaders(info).lines_by_count.load(self.id)
        ids = sorted({r["counted_by"] for r in rows if r["counted_by"] is not None})
        people = await info.context.loaders.user.load_many(ids)
        return [StaffUser.from_row(p) for p in people if p is not None]

    @strawberry.field(
        description="Whether the viewer may approve or reject it now: it is submitted, they"
        " hold parts_count:approve and neither counted nor submitted it."
    )
    async def viewer_may_decide(self, info: Info) -> bool:
        if self.status != StockCountStatus.SUBMITTED:
            return False
        if not info.context.allowed("parts_count", "approve"):
            return False
        me = info.context.principal.user_id
        if me is None or me == self.submitted_by_id:
            return False
        rows = await count_loaders(info).lines_by_count.load(self.id)
        return all(r["counted_by"] != me for r in rows)

    @strawberry.field
    async def created_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.created_by_id)

    @strawberry.field
    async def submitted_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.submitted_by_id)

    @strawberry.field
    async def approved_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.approved_by_id)


@strawberry.type(description="A member of the dealer's staff, to name as responsible.")
class CountStaffMember:
    person: StaffUser
    role_keys: list[str]
