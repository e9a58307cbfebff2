"""Reorder suggestions: runs (nightly or on demand), each suggestion with the numbers behind it,
edited and accepted into a purchase order."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry import relay

from api.schema.context import Info
from api.schema.parts.purchasing_types import PurchaseOrder
from api.schema.parts.reorder_loaders import SUGGESTION_SQL
from api.schema.parts.reorder_types import (
    ReorderRun,
    ReorderSuggestion,
    ReorderSuggestionStatus,
)
from api.schema.relay_conventions import connection, decode_cursor, page_size, parse_global_id
from tenants.parts import reorder, reorder_review


def _suggestion_ids(values: list[strawberry.ID], field: str = "ids") -> list[int]:
    return [parse_global_id(v, "ReorderSuggestion", field) for v in values]


async def _suggestions(info: Info, ids: list[int]) -> list[ReorderSuggestion]:
    async with info.context.read() as tx:
        rows = await tx.connection.fetch(
            SUGGESTION_SQL + " where s.dealer_id = $1 and s.id = any($2::bigint[]) order by s.id",
            tx.scope.dealer_ids[0],
            ids,
        )
    return [ReorderSuggestion.from_row(r) for r in rows]


async def _run(info: Info, run_id: int) -> ReorderRun:
    async with info.context.read() as tx:
        row = await tx.connection.fetchrow(
            "select * from reorder_run where dealer_id = $1 and id = $2",
            tx.scope.dealer_ids[0],
            run_id,
        )
    assert row is not None
    return ReorderRun.from_row(row)


@strawberry.input(description="Which suggestions to list; all of the run when nothing is set.")
class ReorderSuggestionFilter:
    statuses: list[ReorderSuggestionStatus] | None = None
    emergency_only: bool = False
    transfer_available: bool = strawberry.field(
        default=False, description="Only those with a transfer offer in the region."
    )
    search: str = strawberry.field(default="", description="Part number or name.")


@strawberry.input
class EditReorderSuggestionInput:
    id: strawberry.ID
    quantity: Decimal = strawberry.field(description="Whole packs of the part; 0 allowed.")


@strawberry.input
class DismissReorderSuggestionsInput:
    ids: list[strawberry.ID]
    reason: str = ""


@strawberry.type
class AcceptReorderSuggestionsPayload:
    purchase_orders: list[PurchaseOrder] = strawberry.field(
        description="Draft plans: an emergency one for emergency suggestions, a regular one"
        " for the rest."
    )
    suggestions: list[ReorderSuggestion]


@strawberry.type
class ReorderQuery:
    @strawberry.field(description="The dealer's reorder runs, newest first.")
    async def reorder_runs(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[ReorderRun]:
        dealer = info.context.require("parts_plan", "read")
        size, before = page_size(first), decode_cursor(after)
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                "select * from reorder_run where dealer_id = $1 and ($2::bigint is null or id < $2)"
                " order by id desc limit $3",
                dealer,
                before,
                size + 1,
            )
        return connection(rows, size, ReorderRun.from_row, lambda r: r["id"])

    @strawberry.field(description="The latest finished run whose suggestions are in review.")
    async def latest_reorder_run(self, info: Info) -> ReorderRun | None:
        dealer = info.context.require("parts_plan", "read")
        async with info.context.read() as tx:
            row = await tx.connection.fetchrow(
                "select * from reorder_run where dealer_id = $1 and status = 'done'"
                " order by id desc limit 1",
                dealer,
            )
        return ReorderRun.from_row(row) if row else None

    @strawberry.field(description="The run queued or running now, if any (poll it for progress).")
    async def pending_reorder_run(self, info: Info) -> ReorderRun | None:
        dealer = info.context.require("parts_plan", "read")
        async with info.context.read() as tx:
            row = await tx.connection.fetchrow(
                "select * from reorder_run where dealer_id = $1"
                " and status in ('queued', 'running')",
                dealer,
            )
        return ReorderRun.from_row(row) if row else None

    @strawberry.field(
        description="Suggestions of a run (default: the latest done run): emergencies first,"
        " then by part number."
    )
    async def reorder_suggestions(
        self,
        info: Info,
        run_id: strawberry.ID | None = None,
        filter: ReorderSuggestionFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[ReorderSuggestion]:
        dealer = info.context.require("parts_plan", "read")
        size, last = page_size(first), decode_cursor(after) or 0
        wanted = filter or ReorderSuggestionFilter()
        run = None if run_id is None else parse_global_id(run_id, "ReorderRun", "runId")
        statuses = [s.value for s in wanted.statuses] if wanted.statuses else None
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                SUGGESTION_SQL
                + """
                 join part p on p.id = i.part_id
                where s.dealer_id = $1
                  and s.run_id = coalesce($2, (select max(id) from reorder_run
                                                where dealer_id = $1 and status = 'done'))
                  and s.id > $3
                  and ($4::text[] is null or s.status = any($4::text[]))
                  and (not $5 or s.emergency)
                  and (not $6 or jsonb_array_length(s.explanation -> 'transfers') > 0)
                  and ($7 = '' or p.part_number ilike '%' || $7 || '%'
                       or p.name ilike '%' || $7 || '%' or p.name_zh like '%' || $7 || '%')
                order by s.id limit $8
                """,
                dealer,
                run,
                last,
                statuses,
                wanted.emergency_only,
                wanted.transfer_available,
                wanted.search.strip(),
                size + 1,
            )
        return connection(rows, size, ReorderSuggestion.from_row, lambda r: r["id"])


@strawberry.type
class ReorderMutation:
    @strawberry.mutation(
        description="Run the reorder suggestions now (the worker computes them); returns the"
        " dealer's pending run when one is already queued or running."
    )
    async def request_reorder_run(self, info: Info) -> ReorderRun:
        async with info.context.write("parts_plan", "create") as tx:
            requested = await reorder.request_run(
                tx,
                tx.scope.dealer_ids[0],
                trigger="on_demand",
                request_id=info.context.request_id,
            )
        return await _run(info, requested.run_id)

    @strawberry.mutation(description="Order another quantity than suggested.")
    async def edit_reorder_suggestion(
        self, info: Info, input: EditReorderSuggestionInput
    ) -> ReorderSuggestion:
        (suggestion_id,) = _suggestion_ids([input.id], "id")
        async with info.context.write("parts_plan", "create") as tx:
            await reorder_review.edit_quantity(
                tx,
                tx.scope.dealer_ids[0],
                suggestion_id,
                input.quantity,
                request_id=info.context.request_id,
            )
        (suggestion,) = await _suggestions(info, [suggestion_id])
        return suggestion

    @strawberry.mutation(description="Not to be ordered.")
    async def dismiss_reorder_suggestions(
        self, info: Info, input: DismissReorderSuggestionsInput
    ) -> list[ReorderSuggestion]:
        ids = _suggestion_ids(input.ids)
        async with info.context.write("parts_plan", "create") as tx:
            await reorder_review.dismiss(
                tx,
                tx.scope.dealer_ids[0],
                ids,
                reason=input.reason,
                request_id=info.context.request_id,
            )
        return await _suggestions(info, ids)

    @strawberry.mutation(
        description="Draft parts plans from the suggestions (emergency ones into an"
        " emergency plan); the plans then go through review and approval."
    )
    async def accept_reorder_suggestions(
        self, info: Info, ids: list[strawberry.ID]
    ) -> AcceptReorderSuggestionsPayload:
        suggestion_ids = _suggestion_ids(ids)
        async with info.context.write("parts_plan", "create") as tx:
            dealer = tx.scope.dealer_ids[0]
            accepted = await reorder_review.accept(
                tx, dealer, suggestion_ids, request_id=info.context.request_id
            )
            order_rows = await tx.connection.fetch(
                "select * from purchase_order where dealer_id = $1 and id = any($2::bigint[])"
                " order by id",
                dealer,
                [o.id for o in accepted.orders],
            )
        return AcceptReorderSuggestionsPayload(
            purchase_orders=[PurchaseOrder.from_row(r) for r in order_rows],
            suggestions=await _suggestions(info, accepted.suggestion_ids),
        )
