"""Receiving (入库验收) and transport-damage claims: queries and one mutation per step of
the three inspections (shipping list, count and quality, shelving) and of a claim."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry import relay

from api.schema.context import Info
from api.schema.parts.purchasing_access import RECEIPT_READERS, allowed_at, require_any
from api.schema.parts.purchasing_pages import newest_first
from api.schema.parts.purchasing_types import (
    DamageClaimAgainst,
    DamageClaimStatus,
    PartsReceipt,
    ReceiptQuality,
    ReceiptStatus,
    TransportDamageClaim,
)
from api.schema.relay_conventions import decode_cursor, page_size, parse_global_id
from tenants.parts import damage_claims, receiving


def _receipt_id(value: strawberry.ID, field: str = "receiptId") -> int:
    return parse_global_id(value, "PartsReceipt", field)


def _receipt_line_id(value: strawberry.ID, field: str = "lineId") -> int:
    return parse_global_id(value, "PartsReceiptLine", field)


def _claim_id(value: strawberry.ID, field: str = "claimId") -> int:
    return parse_global_id(value, "TransportDamageClaim", field)


async def _receipt(info: Info, receipt_id: int) -> PartsReceipt:
    async with info.context.read() as tx:
        row = await tx.connection.fetchrow(
            "select * from parts_receipt where dealer_id = $1 and id = $2",
            tx.scope.dealer_ids[0],
            receipt_id,
        )
    assert row is not None
    return PartsReceipt.from_row(row)


async def _claim(info: Info, claim_id: int) -> TransportDamageClaim:
    async with info.context.read() as tx:
        row = await tx.connection.fetchrow(
            "select * from transport_damage_claim where dealer_id = $1 and id = $2",
            tx.scope.dealer_ids[0],
            claim_id,
        )
    assert row is not None
    return TransportDamageClaim.from_row(row)


@strawberry.input
class OpenReceiptInput:
    purchase_order_id: strawberry.ID
    delivery_note: str = strawberry.field(default="", description="The shipping list's number.")


@strawberry.input
class ShippedLineInput:
    line_id: strawberry.ID
    shipped_qty: Decimal


@strawberry.input(description="First inspection: what the shipping list says was shipped.")
class CheckShippingListInput:
    receipt_id: strawberry.ID
    lines: list[ShippedLineInput] = strawberry.field(default_factory=list)


@strawberry.input(description="Second inspection: the keeper's count and quality judgement.")
class CountReceiptLineInput:
    line_id: strawberry.ID
    counted_qty: Decimal
    refused_qty: Decimal = strawberry.field(
        default=Decimal(0), description="Not taken into stock (needs parts_receipt:refuse)."
    )
    quality: ReceiptQuality = ReceiptQuality.OK
    accept_over_delivery: bool = strawberry.field(
        default=False, description="Take more than is outstanding on the order."
    )
    note: str = ""


@strawberry.input
class CancelReceiptInput:
    receipt_id: strawberry.ID
    reason: str


@strawberry.input
class RecordDamageClaimInput:
    receipt_line_id: strawberry.ID
    against: DamageClaimAgainst
    party: str = strawberry.field(description="The insurer or carrier's name.")
    quantity: Decimal
    amount: Decimal
    description: str


@strawberry.input
class SettleDamageClaimInput:
    claim_id: strawberry.ID
    amount: Decimal = strawberry.field(description="What the insurer or carrier paid.")
    note: str = ""


@strawberry.input
class RejectDamageClaimInput:
    claim_id: strawberry.ID
    reason: str


@strawberry.type
class ReceivingQuery:
    @strawberry.field(description="Goods receipts, newest first.")
    async def parts_receipts(
        self,
        info: Info,
        status: list[ReceiptStatus] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[PartsReceipt]:
        dealer = require_any(info, RECEIPT_READERS)
        size = page_size(first)
        before = decode_cursor(after)
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                "select * from parts_receipt where dealer_id = $1"
                " and ($2::text[] is null or status = any($2::text[]))"
                " and ($3::bigint is null or id < $3) order by id desc limit $4",
                dealer,
                [s.value for s in status] if status else None,
                before,
                size + 1,
            )
        return newest_first(rows, size, PartsReceipt.from_row)

    @strawberry.field(description="Transport-damage claims, newest first (open ones if asked).")
    async def transport_damage_claims(
        self,
        info: Info,
        status: list[DamageClaimStatus] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[TransportDamageClaim]:
        dealer = require_any(info, RECEIPT_READERS)
        size = page_size(first)
        before = decode_cursor(after)
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                "select * from transport_damage_claim where dealer_id = $1"
                " and ($2::text[] is null or status = any($2::text[]))"
                " and ($3::bigint is null or id < $3) order by id desc limit $4",
                dealer,
                [s.value for s in status] if status else None,
                before,
                size + 1,
            )
        return newest_first(rows, size, TransportDamageClaim.from_row)


@strawberry.type
class ReceivingMutation:
    @strawberry.mutation(description="A delivery arrived for an ordered purchase order.")
    async def open_receipt(self, info: Info, input: OpenReceiptInput) -> PartsReceipt:
        order_id = parse_global_id(input.purchase_order_id, "PurchaseOrder", "purchaseOrderId")
        async with info.context.write("parts_receipt", "create") as tx:
            receipt_id = await receiving.open_receipt(
                tx,
                tx.scope.dealer_ids[0],
                order_id,
                input.delivery_note,
                request_id=info.context.request_id,
            )
        return await _receipt(info, receipt_id)

    @strawberry.mutation(
        description="The purchaser checked the delivery against the shipping list."
    )
    async def check_shipping_list(self, info: Info, input: CheckShippingListInput) -> PartsReceipt:
        receipt_id = _receipt_id(input.receipt_id)
        shipped: dict[int, Decimal] = {}
        for line in input.lines:
            shipped[_receipt_line_id(line.line_id, "lines.lineId")] = line.shipped_qty
        async with info.context.write("purchase_order", "create") as tx:
            await receiving.check_shipping_list(
                tx, tx.scope.dealer_ids[0], receipt_id, shipped, request_id=info.context.request_id
            )
        return await _receipt(info, receipt_id)

    @strawberry.mutation(
        description="The keeper's count and quality of one line; refusing needs"
        " parts_receipt:refuse."
    )
    async def count_receipt_line(self, info: Info, input: CountReceiptLineInput) -> PartsReceipt:
        line_id = _receipt_line_id(input.line_id)
        async with info.context.write("parts_receipt", "create") as tx:
            dealer = tx.scope.dealer_ids[0]
            receipt_id = await receiving.count_line(
                tx,
                dealer,
                line_id,
                receiving.Count(
                    counted_qty=input.counted_qty,
                    refused_qty=input.refused_qty,
                    quality=input.quality.value,
                    accept_over_delivery=input.accept_over_delivery,
                    note=input.note,
                ),
                allowed_at(info, dealer),
                request_id=info.context.request_id,
            )
        return await _receipt(info, receipt_id)

    @strawberry.mutation(
        description="Book the accepted parts into stock at the order's price (FIFO lots open,"
        " costs follow price changes) and update the order."
    )
    async def post_receipt(self, info: Info, receipt_id: strawberry.ID) -> PartsReceipt:
        pk = _receipt_id(receipt_id)
        async with info.context.write("parts_receipt", "create") as tx:
            await receiving.post_receipt(
                tx, tx.scope.dealer_ids[0], pk, request_id=info.context.request_id
            )
        return await _receipt(info, pk)

    @strawberry.mutation(description="Third inspection: the parts are on their bins.")
    async def confirm_shelving(self, info: Info, receipt_id: strawberry.ID) -> PartsReceipt:
        pk = _receipt_id(receipt_id)
        async with info.context.write("parts_receipt", "create") as tx:
            await receiving.confirm_shelving(
                tx, tx.scope.dealer_ids[0], pk, request_id=info.context.request_id
            )
        return await _receipt(info, pk)

    @strawberry.mutation(description="Cancel a receipt opened by mistake, before it is posted.")
    async def cancel_receipt(self, info: Info, input: CancelReceiptInput) -> PartsReceipt:
        pk = _receipt_id(input.receipt_id)
        async with info.context.write("parts_receipt", "create") as tx:
            await receiving.cancel_receipt(
                tx, tx.scope.dealer_ids[0], pk, input.reason, request_id=info.context.request_id
            )
        return await _receipt(info, pk)

    @strawberry.mutation(
        description="Claim parts refused as damaged in transport from the insurer or carrier."
    )
    async def record_damage_claim(
        self, info: Info, input: RecordDamageClaimInput
    ) -> TransportDamageClaim:
        line_id = _receipt_line_id(input.receipt_line_id, "receiptLineId")
        async with info.context.write("parts_receipt", "refuse") as tx:
            claim_id = await damage_claims.record_claim(
                tx,
                tx.scope.dealer_ids[0],
                damage_claims.ClaimInput(
                    receipt_line_id=line_id,
                    against=input.against.value,
                    party=input.party,
                    quantity=input.quantity,
                    amount=input.amount,
                    description=input.description,
                ),
                request_id=info.context.request_id,
            )
        return await _claim(info, claim_id)

    @strawberry.mutation(description="The insurer or carrier paid: the claim is settled.")
    async def settle_damage_claim(
        self, info: Info, input: SettleDamageClaimInput
    ) -> TransportDamageClaim:
        pk = _claim_id(input.claim_id)
        async with info.context.write("purchase_order", "create") as tx:
            await damage_claims.settle_claim(
                tx,
                tx.scope.dealer_ids[0],
                pk,
                input.amount,
                input.note,
                request_id=info.context.request_id,
            )
        return await _claim(info, pk)

    @strawberry.mutation(description="The insurer or carrier refused to pay.")
    async def reject_damage_claim(
        self, info: Info, input: RejectDamageClaimInput
    ) -> TransportDamageClaim:
        pk = _claim_id(input.claim_id)
        async with info.context.write("purchase_order", "create") as tx:
            await damage_claims.reject_claim(
                tx, tx.scope.dealer_ids[0], pk, input.reason, request_id=info.context.request_id
            )
        return await _claim(info, pk)
