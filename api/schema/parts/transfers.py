"""Transfers (调拨) between dealers of a region: surplus found, requested, approved by the giving
dealer, shipped and received on both ledgers."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

import strawberry
from strawberry import relay

from api.schema.context import Info
from api.schema.parts.reorder_loaders import TRANSFER_SQL
from api.schema.parts.reorder_types import TransferOffer
from api.schema.parts.transfers_types import PartsTransfer, TransferSide, TransferStatus
from api.schema.relay_conventions import connection, decode_cursor, page_size, parse_global_id
from tenants.parts import transfers


def _transfer_id(value: strawberry.ID) -> int:
    return parse_global_id(value, "PartsTransfer", "id")


async def _transfer(info: Info, transfer_id: int) -> PartsTransfer:
    async with info.context.read() as tx:
        dealer = tx.scope.dealer_ids[0]
        row = await tx.connection.fetchrow(
            TRANSFER_SQL + " where (t.dealer_id = $1 or t.source_dealer_id = $1) and t.id = $2",
            dealer,
            transfer_id,
        )
    assert row is not None
    return PartsTransfer.from_row(row, dealer)


@strawberry.input(description="Ask another dealer of the region for a part.")
class RequestPartsTransferInput:
    source_dealer_id: strawberry.ID
    part_id: strawberry.ID
    quantity: Decimal | None = strawberry.field(
        default=None, description="Required by hand; from a suggestion, its quantity."
    )
    suggestion_id: strawberry.ID | None = strawberry.field(
        default=None, description="The suggestion it replaces; it becomes transferred."
    )
    note: str = ""


@strawberry.input
class DecidePartsTransferInput:
    id: strawberry.ID
    note: str = strawberry.field(default="", description="Required when rejecting.")


@strawberry.input
class CancelPartsTransferInput:
    id: strawberry.ID
    reason: str


@strawberry.type
class TransfersQuery:
    @strawberry.field(
        description="Transfers of the current dealer, newest first: GIVING (asked of us: approve,"
        " ship) or RECEIVING (our requests: receive)."
    )
    async def parts_transfers(
        self,
        info: Info,
        side: TransferSide,
        statuses: list[TransferStatus] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[PartsTransfer]:
        dealer = info.context.require("parts_transfer", "read")
        size, before = page_size(first), decode_cursor(after)
        column = "t.dealer_id" if side is TransferSide.RECEIVING else "t.source_dealer_id"
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                TRANSFER_SQL + f" where {column} = $1 and ($2::bigint is null or t.id < $2)"
                " and ($3::text[] is null or t.status = any($3::text[]))"
                " order by t.id desc limit $4",
                dealer,
                before,
                [s.value for s in statuses] if statuses else None,
                size + 1,
            )
        return connection(
            rows, size, lambda r: PartsTransfer.from_row(r, dealer), lambda r: r["id"]
        )

    @strawberry.field(
        description="Who in the region could give this part (or an older number of it): dealer,"
        " part and transferable quantity only."
    )
    async def transfer_offers(self, info: Info, part_id: strawberry.ID) -> list[TransferOffer]:
        dealer = info.context.require("parts_transfer", "request")
        offers = await transfers.offers_for_part(
            dealer,
            parse_global_id(part_id, "Part", "partId"),
            user_id=info.context.principal.user_id,
        )
        return [TransferOffer.from_json(asdict(o)) for o in offers]


@strawberry.type
class TransfersMutation:
    @strawberry.mutation(
        description="Ask a dealer of the same region for a part, by hand or from a suggestion."
    )
    async def request_parts_transfer(
        self, info: Info, input: RequestPartsTransferInput
    ) -> PartsTransfer:
        source = parse_global_id(input.source_dealer_id, "Dealer", "sourceDealerId")
        part = parse_global_id(input.part_id, "Part", "partId")
        suggestion = (
            None
            if input.suggestion_id is None
            else parse_global_id(input.suggestion_id, "ReorderSuggestion", "suggestionId")
        )
        async with info.context.write("parts_transfer", "request") as tx:
            transfer_id = await transfers.request_transfer(
                tx,
                tx.scope.dealer_ids[0],
                source_dealer_id=source,
                part_id=part,
                quantity=input.quantity,
                note=input.note,
                suggestion_id=suggestion,
                request_id=info.context.request_id,
            )
        return await _transfer(info, transfer_id)

    @strawberry.mutation(description="The giving dealer approves: its free stock must cover it.")
    async def approve_parts_transfer(
        self, info: Info, input: DecidePartsTransferInput
    ) -> PartsTransfer:
        transfer_id = _transfer_id(input.id)
        async with info.context.write("parts_transfer", "approve") as tx:
            await transfers.decide(
                tx,
                tx.scope.dealer_ids[0],
                transfer_id,
                approve=True,
                note=input.note,
                request_id=info.context.request_id,
            )
        return await _transfer(info, transfer_id)

    @strawberry.mutation(description="The giving dealer refuses, saying why.")
    async def reject_parts_transfer(
        self, info: Info, input: DecidePartsTransferInput
    ) -> PartsTransfer:
        transfer_id = _transfer_id(input.id)
        async with info.context.write("parts_transfer", "approve") as tx:
            await transfers.decide(
                tx,
                tx.scope.dealer_ids[0],
                transfer_id,
                approve=False,
                note=input.note,
                request_id=info.context.request_id,
            )
        return await _transfer(info, transfer_id)

    @strawberry.mutation(
        description="The giving dealer's keeper ships: transfer_out on its ledger at FIFO cost."
    )
    async def ship_parts_transfer(self, info: Info, id: strawberry.ID) -> PartsTransfer:
        transfer_id = _transfer_id(id)
        async with info.context.write("parts_issue", "issue") as tx:
            await transfers.ship(
                tx, tx.scope.dealer_ids[0], transfer_id, request_id=info.context.request_id
            )
        return await _transfer(info, transfer_id)

    @strawberry.mutation(
        description="The requesting dealer receives: transfer_in at the shipped cost."
    )
    async def receive_parts_transfer(self, info: Info, id: strawberry.ID) -> PartsTransfer:
        transfer_id = _transfer_id(id)
        async with info.context.write("parts_receipt", "create") as tx:
            await transfers.receive(
                tx, tx.scope.dealer_ids[0], transfer_id, request_id=info.context.request_id
            )
        return await _transfer(info, transfer_id)

    @strawberry.mutation(description="The requesting dealer withdraws before shipping.")
    async def cancel_parts_transfer(
        self, info: Info, input: CancelPartsTransferInput
    ) -> PartsTransfer:
        transfer_id = _transfer_id(input.id)
        async with info.context.write("parts_transfer", "request") as tx:
            await transfers.cancel(
                tx,
                tx.scope.dealer_ids[0],
                transfer_id,
                reason=input.reason,
                request_id=info.context.request_id,
            )
        return await _transfer(info, transfer_id)
