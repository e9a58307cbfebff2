"""Stock counts: cycle, daily, monthly and quarterly; differences with cause and responsibility,
approved before they adjust stock."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry import relay

from api.schema.context import Info
from api.schema.network import StaffUser
from api.schema.parts.counts_loaders import COUNT_SQL
from api.schema.parts.counts_types import (
    CountResponsibility,
    CountStaffMember,
    StockCount,
    StockCountKind,
    StockCountStatus,
)
from api.schema.relay_conventions import connection, decode_cursor, page_size, parse_global_id
from tenants.parts import count_review, counts

COUNT_TYPE = "StockCount"
LINE_TYPE = "StockCountLine"


def _count_id(value: strawberry.ID) -> int:
    return parse_global_id(value, COUNT_TYPE, "countId")


async def _count(info: Info, dealer_id: int, count_id: int) -> StockCount:
    """The count as it is after the mutation committed."""
    async with info.context.read((dealer_id,)) as tx:
        row = await tx.connection.fetchrow(
            COUNT_SQL + " where c.dealer_id = $1 and c.id = $2", dealer_id, count_id
        )
    assert row is not None
    return StockCount.from_row(row)


@strawberry.input
class CreateStockCountInput:
    kind: StockCountKind
    since: datetime | None = strawberry.field(
        default=None,
        description="Cycle counts only: items moved since then (default: since each item's"
        " last approved count).",
    )
    bin_prefix: str = strawberry.field(
        default="", description="Cycle and daily counts: only bins starting so, e.g. A-02."
    )
    scope_note: str = ""


@strawberry.input
class CountedQuantityInput:
    line_id: strawberry.ID
    counted_qty: Decimal


@strawberry.input(description="Counted quantities; entering a line again recounts it.")
class RecordCountedQuantitiesInput:
    count_id: strawberry.ID
    entries: list[CountedQuantityInput]


@strawberry.input
class CountDifferenceInput:
    line_id: strawberry.ID
    cause: str
    responsibility: CountResponsibility
    responsible_person_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Required when a warehouse keeper or technician is responsible; not"
        " given for supplier or unknown.",
    )


@strawberry.input
class ExplainCountDifferencesInput:
    count_id: strawberry.ID
    lines: list[CountDifferenceInput]


@strawberry.input
class SubmitStockCountInput:
    count_id: strawberry.ID
    finance_witness: str | None = strawberry.field(
        default=None, description="Required for a quarterly count: who from finance witnessed."
    )


@strawberry.input
class DecideStockCountInput:
    count_id: strawberry.ID
    note: str = ""


@strawberry.type
class CountsQuery:
    @strawberry.field(description="Counts of the current dealer, newest first (parts_count:read).")
    async def stock_counts(
        self,
        info: Info,
        status: list[StockCountStatus] | None = None,
        kind: StockCountKind | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[StockCount]:
        dealer = info.context.require("parts_count", "read")
        size, before = page_size(first), decode_cursor(after)
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                COUNT_SQL + " where c.dealer_id = $1"
                " and ($2::text[] is null or c.status = any($2::text[]))"
                " and ($3::text is null or c.kind = $3)"
                " and ($4::bigint is null or c.id < $4) order by c.id desc limit $5",
                dealer,
                [s.value for s in status] if status else None,
                kind.value if kind else None,
                before,
                size + 1,
            )
        return connection(rows, size, StockCount.from_row, lambda r: r["id"])

    @strawberry.field(
        description="Active staff of the current dealer, to name who is responsible for a"
        " difference (parts_count:record)."
    )
    async def stock_count_staff(self, info: Info) -> list[CountStaffMember]:
        dealer = info.context.require("parts_count", "record")
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                "select u.id, u.username, u.display_name, u.active, m.roles"
                " from membership m join staff_user u on u.id = m.user_id"
                " where m.dealer_id = $1 and m.active and u.active order by u.display_name, u.id",
                dealer,
            )
        return [
            CountStaffMember(person=StaffUser.from_row(r), role_keys=list(r["roles"])) for r in rows
        ]


@strawberry.type
class CountsMutation:
    @strawberry.mutation(
        description="Open a count with its lines in bin order (parts_count:record). Items in"
        " another unfinished count are left out of cycle and daily counts; monthly and"
        " quarterly counts wait until no other count is unfinished."
    )
    async def create_stock_count(self, info: Info, input: CreateStockCountInput) -> StockCount:
        async with info.context.write("parts_count", "record") as tx:
            dealer = tx.scope.dealer_ids[0]
            created = await counts.create_count(
                tx,
                dealer,
                input.kind.value,
                since=input.since,
                bin_prefix=input.bin_prefix,
                scope_note=input.scope_note,
                request_id=info.context.request_id,
            )
        return await _count(info, dealer, created.id)

    @strawberry.mutation(
        description="Record counted quantities of an open count (parts_count:record); each"
        " line's expected quantity becomes the ledger's on-hand at this moment."
    )
    async def record_counted_quantities(
        self, info: Info, input: RecordCountedQuantitiesInput
    ) -> StockCount:
        count_id = _count_id(input.count_id)
        entries = [
            counts.CountedEntry(parse_global_id(e.line_id, LINE_TYPE, "lineId"), e.counted_qty)
            for e in input.entries
        ]
        async with info.context.write("parts_count", "record") as tx:
            dealer = tx.scope.dealer_ids[0]
            await counts.record_counted(
                tx, dealer, count_id, entries, request_id=info.context.request_id
            )
        return await _count(info, dealer, count_id)

    @strawberry.mutation(
        description="Give differences their cause and responsibility (parts_count:record)."
    )
    async def explain_count_differences(
        self, info: Info, input: ExplainCountDifferencesInput
    ) -> StockCount:
        count_id = _count_id(input.count_id)
        explanations = [
            counts.Explanation(
                parse_global_id(line.line_id, LINE_TYPE, "lineId"),
                line.cause,
                line.responsibility.value,
                parse_global_id(line.responsible_person_id, "StaffUser", "responsiblePersonId")
                if line.responsible_person_id
                else None,
            )
            for line in input.lines
        ]
        async with info.context.write("parts_count", "record") as tx:
            dealer = tx.scope.dealer_ids[0]
            await counts.explain_differences(
                tx, dealer, count_id, explanations, request_id=info.context.request_id
            )
        return await _count(info, dealer, count_id)

    @strawberry.mutation(
        description="Submit a fully counted count whose differences are explained"
        " (parts_count:record)."
    )
    async def submit_stock_count(self, info: Info, input: SubmitStockCountInput) -> StockCount:
        count_id = _count_id(input.count_id)
        async with info.context.write("parts_count", "record") as tx:
            dealer = tx.scope.dealer_ids[0]
            await count_review.submit_count(
                tx,
                dealer,
                count_id,
                finance_witness=input.finance_witness,
                request_id=info.context.request_id,
            )
        return await _count(info, dealer, count_id)

    @strawberry.mutation(
        description="Approve a submitted count: its differences are booked as count"
        " adjustments (parts_count:approve; not by whoever counted or submitted it)."
    )
    async def approve_stock_count(self, info: Info, input: DecideStockCountInput) -> StockCount:
        count_id = _count_id(input.count_id)
        async with info.context.write("parts_count", "approve") as tx:
            dealer = tx.scope.dealer_ids[0]
            await count_review.approve_count(
                tx, dealer, count_id, note=input.note, request_id=info.context.request_id
            )
        return await _count(info, dealer, count_id)

    @strawberry.mutation(
        description="Send a submitted count back to the counters with a note (parts_count:approve)."
    )
    async def reject_stock_count(self, info: Info, input: DecideStockCountInput) -> StockCount:
        count_id = _count_id(input.count_id)
        async with info.context.write("parts_count", "approve") as tx:
            dealer = tx.scope.dealer_ids[0]
            await count_review.reject_count(
                tx, dealer, count_id, note=input.note, request_id=info.context.request_id
            )
        return await _count(info, dealer, count_id)

    @strawberry.mutation(description="Cancel an open count (parts_count:record).")
    async def cancel_stock_count(self, info: Info, input: DecideStockCountInput) -> StockCount:
        count_id = _count_id(input.count_id)
        async with info.context.write("parts_count", "record") as tx:
            dealer = tx.scope.dealer_ids[0]
            await count_review.cancel_count(
                tx, dealer, count_id, note=input.note, request_id=info.context.request_id
            )
        return await _count(info, dealer, count_id)
