"""Warranty money: payments from the manufacturer allocated to claims, differences and charge-
backs per claim and per month.

Finance records what arrived (settlement:collect, the cashier); the claims specialist, who
knows the claims, allocates it and records charge-backs (warranty_claim:submit, the
permission of the one who deals with the manufacturer on claims): the person who books the
money is not the one who says which claims it paid. Reading needs settlement:read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry import relay

from api.schema.context import Info
from api.schema.errors import BadUserInput
from api.schema.relay_conventions import (
    connection,
    decode_cursor,
    encode_cursor,
    global_id,
    page_size,
    parse_global_id,
)
from api.schema.warranty.old_parts_access import object_dealer, write_at
from api.schema.warranty.old_parts_types import CLAIM_TYPE
from api.schema.warranty.settlement_types import (
    PAYMENT_SELECT,
    AllocationKind,
    ChargeBackCandidate,
    WarrantyClaimBalance,
    WarrantyMonth,
    WarrantyPayment,
)
from tenants.warranty import settlement, settlement_reports

MAX_MONTHS = 36


async def _payment(info: Info, dealer: int, payment_id: int) -> WarrantyPayment:
    async with info.context.read((dealer,)) as tx:
        row = await tx.connection.fetchrow(
            PAYMENT_SELECT + " where p.dealer_id = $1 and p.id = $2", dealer, payment_id
        )
    assert row is not None
    return WarrantyPayment.from_row(row)


def _month_start(value: date) -> date:
    return value.replace(day=1)


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _months_before(last: date, count: int) -> date:
    """The first day of the month ``count - 1`` months before ``last``'s."""
    index = last.year * 12 + last.month - 1 - (count - 1)
    return date(index // 12, index % 12 + 1, 1)


@strawberry.type(description="A page of claim balances, newest claim first.")
class WarrantyClaimBalancePage:
    rows: list[WarrantyClaimBalance]
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class WarrantySettlementQuery:
    @strawberry.field(description="Payments from the manufacturer, newest first.")
    async def warranty_payments(
        self,
        info: Info,
        search: Annotated[str | None, strawberry.argument(description="Reference or note.")] = None,
        unallocated_only: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[WarrantyPayment]:
        dealer = info.context.require("settlement", "read")
        size, before = page_size(first), decode_cursor(after)
        needle = search.strip() if search and search.strip() else None
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                "select * from (" + PAYMENT_SELECT + " where p.dealer_id = $1) p"
                " where ($2::text is null or p.reference ilike '%' || $2 || '%'"
                "        or p.note ilike '%' || $2 || '%')"
                " and (not $3 or p.amount <> p.allocated)"
                " and ($4::bigint is null or p.id < $4) order by p.id desc limit $5",
                dealer,
                needle,
                unallocated_only,
                before,
                size + 1,
            )
        return connection(rows, size, WarrantyPayment.from_row, lambda r: r["id"])

    @strawberry.field(
        description="Approved claims with approved, paid, charged back and outstanding amounts."
    )
    async def warranty_claim_balances(
        self,
        info: Info,
        only_open: Annotated[
            bool,
            strawberry.argument(
                description="Only claims with money outstanding or a charge-back candidate."
            ),
        ] = True,
        search: Annotated[
            str | None, strawberry.argument(description="Claim number or VIN.")
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> WarrantyClaimBalancePage:
        dealer = info.context.require("settlement", "read")
        size = page_size(first)
        async with info.context.read((dealer,)) as tx:
            rows = await settlement_reports.claim_balances(
                tx.connection,
                dealer,
                before_id=decode_cursor(after),
                only_open=only_open,
                search=search.strip() if search and search.strip() else None,
                limit=size + 1,
            )
        page = rows[:size]
        return WarrantyClaimBalancePage(
            rows=[WarrantyClaimBalance.from_row(r) for r in page],
            has_next_page=len(rows) > size,
            end_cursor=encode_cursor(page[-1]["id"]) if page else None,
        )

    @strawberry.field(
        description="Parts found not confirmed or not received whose charge-back is not"
        " recorded yet, oldest inspection first."
    )
    async def warranty_charge_back_candidates(self, info: Info) -> list[ChargeBackCandidate]:
        dealer = info.context.require("settlement", "read")
        async with info.context.read((dealer,)) as tx:
            rows = await settlement_reports.charge_back_candidates(tx.connection, dealer)
        return [ChargeBackCandidate.from_row(r) for r in rows]

    @strawberry.field(
        description="Month by month in the dealer's time zone: submitted, approved, paid,"
        " charged back, received and outstanding at the month's end (default: the last 12)."
    )
    async def warranty_monthly_reconciliation(
        self, info: Info, from_month: date | None = None, to_month: date | None = None
    ) -> list[WarrantyMonth]:
        dealer = info.context.require("settlement", "read")
        async with info.context.read((dealer,)) as tx:
            today: date = await tx.connection.fetchval(
                "select (now() at time zone time_zone)::date from dealer where id = $1", dealer
            )
            last = _month_start(to_month or today)
            first = _month_start(from_month) if from_month else _months_before(last, 12)
            if first > last:
                raise BadUserInput("fromMonth", "fromMonth is after toMonth")
            if _months_between(first, last) > MAX_MONTHS:
                raise BadUserInput("fromMonth", f"At most {MAX_MONTHS} months at once")
            rows = await settlement_reports.monthly(tx.connection, dealer, first, last)
        return [WarrantyMonth.from_row(r) for r in rows]


@strawberry.input
class RecordWarrantyPaymentInput:
    reference: str = strawberry.field(description="The remittance or debit-note reference.")
    paid_on: date
    amount: Decimal = strawberry.field(description="Negative for a debit note (扣款通知).")
    note: str = ""


@strawberry.input(
    description="A claim by number (as on the remittance) or by id; without an amount a payment"
    " takes the claim's outstanding amount and a charge-back for an old part the part's share"
    " of its claim line. Amounts are positive; charge-backs are stored negative."
)
class AllocationLineInput:
    claim_number: str | None = None
    claim_id: strawberry.ID | None = None
    amount: Decimal | None = None
    kind: AllocationKind = AllocationKind.PAYMENT
    old_part_id: strawberry.ID | None = strawberry.field(
        default=None, description="The part found wanting that a charge-back is for."
    )
    note: str = ""


@strawberry.input
class AllocateWarrantyPaymentInput:
    payment_id: strawberry.ID
    lines: list[AllocationLineInput]


@strawberry.type
class WarrantyAllocationResult:
    payment: WarrantyPayment
    paid_claim_ids: list[strawberry.ID] = strawberry.field(
        description="Claims these lines made paid (their payments now cover the approved amount)."
    )


def _line(index: int, line: AllocationLineInput) -> settlement.AllocationLine:
    if (line.claim_number is None or not line.claim_number.strip()) == (line.claim_id is None):
        raise BadUserInput("lines", f"Line {index + 1}: give a claim number or a claim id")
    return settlement.AllocationLine(
        claim_number=line.claim_number.strip() if line.claim_number else None,
        claim_id=(parse_global_id(line.claim_id, CLAIM_TYPE, "lines") if line.claim_id else None),
        amount=line.amount,
        kind=line.kind.value,
        old_part_id=(
            parse_global_id(line.old_part_id, "OldPart", "lines") if line.old_part_id else None
        ),
        note=line.note,
    )


@strawberry.type
class WarrantySettlementMutation:
    @strawberry.mutation(description="Finance records money the manufacturer paid (or took).")
    async def record_warranty_payment(
        self, info: Info, input: RecordWarrantyPaymentInput
    ) -> WarrantyPayment:
        async with info.context.write("settlement", "collect") as tx:
            dealer = tx.scope.dealer_ids[0]
            payment_id = await settlement.record_payment(
                tx,
                dealer,
                reference=input.reference,
                paid_on=input.paid_on,
                amount=input.amount,
                note=input.note,
                request_id=info.context.request_id,
            )
        return await _payment(info, dealer, payment_id)

    @strawberry.mutation(
        description="Allocate a payment to approved claims and record charge-backs, all lines"
        " at once; claims whose payments now cover the approved amount become paid."
    )
    async def allocate_warranty_payment(
        self, info: Info, input: AllocateWarrantyPaymentInput
    ) -> WarrantyAllocationResult:
        payment_id = parse_global_id(input.payment_id, "WarrantyPayment", "paymentId")
        lines = [_line(i, line) for i, line in enumerate(input.lines)]
        dealer = await object_dealer(
            info, "warranty_payment", payment_id, "warranty_claim", "submit"
        )
        async with write_at(info, dealer, "warranty_claim", "submit") as tx:
            paid = await settlement.allocate(
                tx, dealer, payment_id, lines, request_id=info.context.request_id
            )
        return WarrantyAllocationResult(
            payment=await _payment(info, dealer, payment_id),
            paid_claim_ids=[strawberry.ID(global_id(CLAIM_TYPE, c)) for c in paid],
        )
